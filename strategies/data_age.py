"""The age of the cockpit's figures: the « ⏱ à actualiser » flag (one word, one symbol, one colour,
for an indicator's stale value and a project without news), the strategy's defaults, and the share
of figures that are up to date.

The rules themselves live with their objects: ``Indicator.is_stale`` (a value older than its
period plus a grace) and ``ProjectQuerySet.with_news`` (a project whose status, progress or dates
have not changed for N days). This module only names what they share.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The flag of a figure that is too old to be read as current (amber, like ⚑ après l'horizon).
STALE = _("à actualiser")
STALE_SYMBOL = "⏱"
STALE_COLOUR = "amber"
#: The flag of an open project whose status, progress and dates have not changed for too long.
NO_NEWS = _("sans nouvelles")

#: Defaults of the strategy's settings.
DEFAULT_GRACE_PERCENT = 25
DEFAULT_IRREGULAR_MONTHS = 12
DEFAULT_NO_NEWS_DAYS = 90


@dataclass(frozen=True)
class DataShare:
    """How many of a strategy's figures are up to date on a day: its indicators (one without a
    value is not) and its open projects (not réalisé nor abandonné; one « sans nouvelles » is not).
    """

    on: datetime.date
    indicators_fresh: int = 0
    indicators: int = 0
    projects_fresh: int = 0
    projects: int = 0

    @property
    def fresh(self) -> int:
        return self.indicators_fresh + self.projects_fresh

    @property
    def total(self) -> int:
        return self.indicators + self.projects

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100) * self.fresh / self.total).quantize(Decimal("1"))

    @property
    def sentence(self) -> str:
        """« 82 % des données à jour au 06.12.2026 » (« – % » without any figure)."""
        percent = "–" if self.percent is None else number_format(self.percent, decimal_pos=0)
        return gettext("%(percent)s %% des données à jour au %(date)s") % {
            "percent": percent,
            "date": date_format(self.on, "SHORT_DATE_FORMAT"),
        }

    def counts(self, levels) -> str:
        """« 41 / 50 : 20 / 25 indicateurs, 21 / 25 projets ouverts », with the strategy's word
        for its projects (``strategy.levels``)."""
        project = levels.project
        return gettext(
            "%(fresh)s / %(total)s : %(indicators_fresh)s / %(indicators)s indicateurs, "
            "%(projects_fresh)s / %(projects)s %(projects_word)s %(open)s"
        ) % {
            "fresh": self.fresh,
            "total": self.total,
            "indicators_fresh": self.indicators_fresh,
            "indicators": self.indicators,
            "projects_fresh": self.projects_fresh,
            "projects": self.projects,
            "projects_word": project.plural,
            "open": gettext("ouvertes") if project.e else gettext("ouverts"),
        }
