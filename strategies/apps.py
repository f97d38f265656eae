"""Territories, memberships and the strategy's cascade (axes, domains, themes, measures)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = _("Stratégies")
