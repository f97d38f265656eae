"""How the pack writes the cockpit's vocabulary in a cell: a project's mark and an indicator's
status with their symbol, word and fill colour (``projects.models.Mark``,
``indicators.models.Status``), and an indicator's target (a number, a range)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from indicators.models import Evaluation, Indicator, Status, format_number
from projects.models import (
    AFTER_HORIZON,
    AFTER_HORIZON_COLOUR,
    AFTER_HORIZON_SYMBOL,
    Mark,
    Project,
    mark_word,
)
from spreadsheets.xlsx import AMBER, GREEN, GREY, RED
from strategies.data_age import STALE, STALE_COLOUR, STALE_SYMBOL

#: The fill of each colour of the vocabulary.
FILLS = {"green": GREEN, "amber": AMBER, "red": RED, "grey": GREY}


def fill(word: Mark | Status | Project.Status) -> str:
    """The fill of a mark's, a status's cell."""
    return FILLS[word.colour]


def status_text(status: Status) -> str:
    return status.text


def project_mark(project: Project) -> Mark:
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


def mark_text(project: Project) -> str:
    """« ✗ en retard », « ✓ réalisé », with « ⚑ après l'horizon » for a project ending after
    its strategy's horizon (annotated ``after_horizon``)."""
    return mark_words(project_mark(project), project.status, after_horizon_of(project))


def after_horizon_of(project: Project) -> bool:
    return bool(getattr(project, "after_horizon", False))


def mark_words(mark: Mark, status: str, after_horizon: bool = False) -> str:
    text = f"{mark.symbol} {mark_word(mark, status)}"
    if after_horizon:
        text += f" {AFTER_HORIZON_SYMBOL} {AFTER_HORIZON}"
    return text


#: The fill of the flag « ⚑ après l'horizon ».
AFTER_HORIZON_FILL = FILLS[AFTER_HORIZON_COLOUR]


#: « ⏱ à actualiser » and its fill.
STALE_FILL = FILLS[STALE_COLOUR]


def stale_text() -> str:
    return f"{STALE_SYMBOL} {STALE}"


def value_age(evaluation: Evaluation) -> str:
    """« 12.03.2024 » or « 12.03.2024 ⏱ à actualiser »: the date of the value shown and its
    flag; empty without a value."""
    if evaluation.value_date is None:
        return ""
    when = f"{evaluation.value_date:%d.%m.%Y}"
    return f"{when} {stale_text()}" if evaluation.stale else when


def target_of(indicator: Indicator) -> Decimal | str | None:
    if indicator.direction == Indicator.Direction.RANGE:
        return f"{format_number(indicator.range_min)}–{format_number(indicator.range_max)}"
    return indicator.target_value


def level_columns(columns: list, headers: dict[int, Any], drop: Iterable[int] = ()) -> list:
    """``columns`` with the headers that name a level in the strategy's words (by index), without
    the columns of a level the strategy does not use (``drop``, indexes)."""
    dropped = set(drop)
    return [
        dataclasses.replace(column, header=headers[index]) if index in headers else column
        for index, column in enumerate(columns)
        if index not in dropped
    ]


def level_row(values: list, fills: dict[int, Any], drop: Iterable[int] = ()) -> tuple[list, dict]:
    """A row's values and fills (by column number, from 1) without the ``drop`` columns."""
    dropped = sorted(set(drop))
    if not dropped:
        return values, fills
    kept = [value for index, value in enumerate(values) if index not in dropped]
    shifted = {}
    for number, fill in fills.items():
        if number - 1 in dropped:
            continue
        shifted[number - sum(1 for index in dropped if index < number - 1)] = fill
    return kept, shifted
