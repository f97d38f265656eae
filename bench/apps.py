"""The benchmark harness (``make bench``, ``make load``), installed when ``COCKPIT_BENCH=1``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = _("Banc de mesure")
