"""Spreadsheet machinery shared by the apps: readers, writers, formats, import resources."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    verbose_name = _("Tableurs")
