"""The figures and words the guides state, read from where the code defines them, so that a guide
cannot say something the cockpit does not do. A guide writes ``{{ on_track_threshold }}`` or
``{{ mark.late }}``; ``values()`` gives every placeholder's text in the active language.

The thresholds of the indicator statuses and the data age are settings of each strategy: the
guides state their defaults (the model fields' defaults) and say that the secretariat may change
them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format

import demo.data
import indicators.models
import projects.models
import strategies.invitations
from indicators.models import PERIOD_DAYS, Status
from projects.marks import AFTER_HORIZON, AFTER_HORIZON_SYMBOL, Mark
from projects.models import Project, mark_word
from strategies.data_age import NO_NEWS, STALE, STALE_SYMBOL
from strategies.levels import KINDS, Levels
from strategies.models import Strategy


def _number(value: Decimal | int) -> str:
    value = Decimal(value).normalize()
    return number_format(value, decimal_pos=None, use_l10n=True)


def _default(field: str) -> Decimal | int:
    return Strategy._meta.get_field(field).default


def demo_levels() -> str:
    """The demo strategy's levels in the reader's language, top to bottom: « Axe → … → Projet »."""
    levels = Levels(
        demo.data.STRATEGY.get("level_names"),
        demo.data.STRATEGY.get("uses_domains", True),
        demo.data.STRATEGY.get("uses_measures", True),
    )
    return " → ".join(levels.name(kind).Singular for kind in KINDS if levels.used(kind))


def values() -> dict[str, str]:
    """Every placeholder a guide may use, as text in the active language."""
    result = {
        # Indicator statuses (defaults of each strategy's settings).
        "on_track_threshold": _number(_default("on_track_threshold")),
        "warning_threshold": _number(_default("warning_threshold")),
        "range_warning_percent": _number(indicators.models.RANGE_WARNING_SHARE * 100),
        # Project marks.
        "due_soon_days": _number(projects.models.DUE_SOON_DAYS),
        "due_soon_progress": _number(projects.models.DUE_SOON_PROGRESS),
        # Data age.
        "grace_percent": _number(_default("stale_grace_percent")),
        "irregular_months": _number(_default("irregular_stale_months")),
        "no_news_days": _number(_default("no_news_days")),
        "yearly_days": _number(PERIOD_DAYS["yearly"]),
        "quarterly_days": _number(PERIOD_DAYS["quarterly"]),
        "monthly_days": _number(PERIOD_DAYS["monthly"]),
        "half_yearly_days": _number(PERIOD_DAYS["half_yearly"]),
        "stale": f"{STALE_SYMBOL} {STALE}",
        "no_news": f"{STALE_SYMBOL} {NO_NEWS}",
        "after_horizon": f"{AFTER_HORIZON_SYMBOL} {AFTER_HORIZON}",
        # Imports: how long a preview can be confirmed (a setting of the installation).
        "import_confirm_minutes": _number(settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE // 60),
        "job_result_hours": _number(settings.JOB_RESULT_HOURS),
        "invitation_days": _number(strategies.invitations.INVITATION_MAX_AGE.days),
        "demo_levels": demo_levels(),
        "demo_strategy": f"{demo.data.STRATEGY['short_name']} {demo.data.STRATEGY['horizon_year']}",
        "demo_communes": ", ".join(demo.data.COMMUNES),
    }
    for status in Status:
        result[f"status.{status.name.lower()}"] = status.text
    for mark in Mark:
        result[f"mark.{mark.name.lower()}"] = mark.text
    for project_status in Project.Status:
        result[f"project.{project_status.name.lower()}"] = str(project_status.label)
    # A done project's mark reads « ✓ réalisé » (projects.models.mark_word).
    result["mark.done"] = f"{Mark.OK.symbol} {mark_word(Mark.OK, Project.Status.DONE)}"
    return result
