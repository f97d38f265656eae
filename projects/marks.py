"""The words of a project's mark, each with its symbol and colour, and the flag of a project ending
after its strategy's horizon: defined once, read by pages, the admin, the pack and "what changed"
(re-exported by ``projects.models``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The colours of the vocabulary: the class ``tone-<colour>`` on the pages and in the admin, the
#: cell fill in the pack (``reports.cells.FILLS``).
GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"


class Mark(models.TextChoices):
    """The cockpit's "ok" column: one mark per project, each with one word (its label), one symbol
    and one colour. The marks are computed, never stored; ``ko`` is the value the late mark has
    always had."""

    OK = "ok", _("dans les temps")
    WARNING = "warning", _("à surveiller")
    LATE = "ko", _("en retard")
    BLOCKED = "blocked", _("bloqué")
    UNSCHEDULED = "unscheduled", _("non planifié")
    ABANDONED = "abandoned", _("abandonné")

    @property
    def symbol(self) -> str:
        return {
            "ok": "✓",
            "warning": "!",
            "ko": "✗",
            "blocked": "✗",
            "unscheduled": "?",
            "abandoned": "–",
        }[self.value]

    @property
    def colour(self) -> str:
        return {
            "ok": GREEN,
            "warning": AMBER,
            "ko": RED,
            "blocked": RED,
            "unscheduled": GREY,
            "abandoned": GREY,
        }[self.value]

    @property
    def text(self) -> str:
        """« ✓ dans les temps »: the symbol and the word."""
        return f"{self.symbol} {self.label}"


#: The flag beside the mark of a project that ends after its strategy's horizon (amber).
AFTER_HORIZON = _("après l'horizon")
AFTER_HORIZON_SYMBOL = "⚑"
AFTER_HORIZON_COLOUR = AMBER


def agree(word: str, count: int, feminine: bool = False) -> str:
    """A French participle agreeing with ``count`` things of a gender: « bloqué » → « bloqués »,
    « bloquée », « bloquées ». Other words (« en retard », English words) are left as they are."""
    if not word.endswith("é"):
        return word
    return f"{word}{'e' if feminine else ''}{'s' if count > 1 else ''}"
