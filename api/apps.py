"""The read-only JSON API (``/api/v1/``) and a public strategy's open data (CSV tables, their zip
and the DCAT-AP description)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API et données ouvertes")
