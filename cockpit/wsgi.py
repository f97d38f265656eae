"""WSGI entry point (gunicorn cockpit.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")

application = get_wsgi_application()
