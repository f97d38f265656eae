"""``db_worker``, django-tasks' (django_tasks_db), that first warms up what the jobs load on first
use (``jobs.services.warm_up_worker``: WeasyPrint and its fonts, the URLs), so that the first PDF
briefing of a worker takes as long as the next ones. ``jobs`` comes before ``django_tasks_db`` in
``INSTALLED_APPS`` for this command to be the one ``manage.py`` runs."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from jobs.services import warm_up_worker


class Command(WorkerCommand):
    def handle(self, *args, **options):
        # With --reload (``make run``), the process that watches the files runs no task: only
        # the worker it starts warms up.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            warm_up_worker()
        return super().handle(*args, **options)
