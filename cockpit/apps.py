"""The project package and the commission's pages: the cockpit, its drill-downs, overviews,
workshop pages, downloads and the public cockpit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = _("Pilotage")
