"""Update rounds (campagnes de mise à jour): the owners of projects and indicators update them
through a personal link, without an account."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Campagnes de mise à jour")
