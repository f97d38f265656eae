"""The strategy workbook: a whole strategy in one xlsx, exported and imported in one go."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbooksConfig(AppConfig):
    name = "workbooks"
    verbose_name = _("Classeurs de stratégie")
