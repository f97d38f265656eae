"""Background jobs: long work (a large pack, a strategy workbook, an import) run by the task
worker, with its progress, its result file and its page."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Tâches de fond")

    def ready(self) -> None:
        # Each app declares the kinds of job it runs in its ``background.py`` (``@register``):
        # the worker, which serves no URL, must know them all.
        autodiscover_modules("background")
