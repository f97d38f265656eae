#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    # On a developer's machine nothing is configured: run in development mode. A production
    # installation always sets DJANGO_SECRET_KEY, so its commands (migrate, collectstatic) keep
    # the production settings; the WSGI entry point (gunicorn) never takes this default.
    if not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
