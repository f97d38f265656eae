"""How the pack writes the cockpit's vocabulary in a cell: a project's mark and an indicator's
status with their symbol, word and fill colour, and an indicator's target (a number, a range)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from indicators.models import STATUS_WORDS, Indicator, Status, format_number
from projects.models import MARK_WORDS, Mark, Project
from spreadsheets.xlsx import AMBER, GREEN, GREY, RED

STATUS_FILLS = {
    Status.ACHIEVED: GREEN,
    Status.ON_TRACK: GREEN,
    Status.WARNING: AMBER,
    Status.OFF_TRACK: RED,
    Status.NO_DATA: GREY,
}
MARK_FILLS = {Mark.OK: GREEN, Mark.WARNING: AMBER, Mark.LATE: RED, Mark.ABANDONED: GREY}


def status_text(status: Status) -> str:
    return f"{status.symbol} {STATUS_WORDS[status]}"


def project_mark(project: Project) -> Mark:
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


def mark_text(project: Project) -> str:
    return mark_words(project_mark(project), project.status)


def mark_words(mark: Mark, status: str) -> str:
    if status == Project.Status.DONE:
        word = Project.Status.DONE.label
    elif status == Project.Status.BLOCKED:
        word = Project.Status.BLOCKED.label
    else:
        word = MARK_WORDS[mark]
    return f"{mark.symbol} {word}"


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
