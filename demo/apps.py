"""The demo territory (Crans-Montana, SDI 2028) and its loader, ``manage.py load_demo``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = _("Démonstration")
