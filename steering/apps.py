"""The cockpit's read model: both rollups, the steering table and the cockpit's template tags."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "steering"
    verbose_name = _("Lecture du pilotage")
