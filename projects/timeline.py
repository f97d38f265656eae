"""Gantt geometry of the project timeline: where each bar, year tick and the today line sit, in
percent of the chart's width.

Pure functions of dates and statuses: no request, no query. The chart runs from 1 January of the
earliest year (first start date, or today if earlier) to 31 December of the latest year (last end
date, or today if later), so that the today line is always on the chart and the year ticks fall on
its edges.

A project is drawn when it has both dates; otherwise it is listed apart as "dates à préciser".
Abandoned projects come last in their group, drawn in grey when they have dates, never late.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

from projects.models import Project

ONE_DAY = datetime.timedelta(days=1)

#: Above this many years, only every other (then every fifth) year is labelled.
MAX_LABELLED_YEARS = 12

ABANDONED = Project.Status.ABANDONED


class Schedulable(Protocol):
    """What the timeline reads of a project (``projects.models.Project`` fits)."""

    start_date: datetime.date | None
    end_date: datetime.date | None
    status: str

    def is_late(self, on: datetime.date | None = None) -> bool: ...


P = TypeVar("P", bound=Schedulable)
K = TypeVar("K")


@dataclass(frozen=True)
class YearTick:
    """A year on the scale: its left edge (1 January) and its width, in %."""

    year: int
    x: float
    width: float
    labelled: bool = True

    @property
    def center(self) -> float:
        """Where the year's label sits, in %."""
        return self.x + self.width / 2


@dataclass(frozen=True)
class Scale:
    """The chart's time axis: from ``start`` (a 1 January) to ``end`` (the 1 January after the last
    year, excluded), with ``today`` marked."""

    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def x(self, day: datetime.date) -> float:
        """The left edge of ``day`` in % of the chart's width, kept within 0–100."""
        return _clamp(100 * (day - self.start).days / self.days)

    @property
    def today_x(self) -> float:
        """The today line, in the middle of today."""
        return _clamp(100 * ((self.today - self.start).days + 0.5) / self.days)

    @property
    def today_align(self) -> Literal["start", "middle", "end"]:
        """Where the today label hangs from its line, so that it never leaves the chart."""
        if self.today_x < 12:
            return "start"
        if self.today_x > 88:
            return "end"
        return "middle"

    @property
    def ticks(self) -> tuple[YearTick, ...]:
        years = range(self.start.year, self.end.year)
        step = 1 if len(years) <= MAX_LABELLED_YEARS else 2 if len(years) <= 24 else 5
        ticks = []
        for year in years:
            left = self.x(datetime.date(year, 1, 1))
            right = self.x(datetime.date(year + 1, 1, 1))
            ticks.append(YearTick(year, left, _round(right - left), year % step == 0))
        return tuple(ticks)


@dataclass(frozen=True)
class Bar:
    """A project's bar from its start to the end of its end day, and for a late project the
    overdue segment from there to today (width 0 when not late), in %."""

    x: float
    width: float
    overdue_x: float = 0.0
    overdue_width: float = 0.0


@dataclass(frozen=True)
class Row(Generic[P]):
    project: P
    bar: Bar | None
    late: bool
    abandoned: bool


@dataclass(frozen=True)
class Lane(Generic[K, P]):
    """The rows of one group (an axis): drawn projects in order of start, then the projects whose
    dates are still to be set, then the abandoned ones."""

    key: K
    scheduled: tuple[Row[P], ...]
    undated: tuple[Row[P], ...]
    abandoned: tuple[Row[P], ...]
    #: The late projects of the whole group when the rows are only a page of it (counted by the
    #: database); None: those of the rows.
    late_total: int | None = None

    @property
    def rows(self) -> tuple[Row[P], ...]:
        return self.scheduled + self.undated + self.abandoned

    @property
    def late_count(self) -> int:
        if self.late_total is not None:
            return self.late_total
        return sum(row.late for row in self.rows)


@dataclass(frozen=True)
class Timeline(Generic[K, P]):
    scale: Scale
    lanes: tuple[Lane[K, P], ...]
    #: The late projects of the whole portfolio when the lanes show only part of it; None: those
    #: of the lanes.
    late_total: int | None = None

    @property
    def late_count(self) -> int:
        if self.late_total is not None:
            return self.late_total
        return sum(lane.late_count for lane in self.lanes)

    @property
    def project_count(self) -> int:
        return sum(len(lane.rows) for lane in self.lanes)


def _clamp(value: float) -> float:
    return _round(min(100.0, max(0.0, value)))


def _round(value: float) -> float:
    return round(value, 3)


def is_dated(project: Schedulable) -> bool:
    return project.start_date is not None and project.end_date is not None


def scale_for(
    spans: Iterable[tuple[datetime.date | None, datetime.date | None]], today: datetime.date
) -> Scale:
    """The scale covering every complete (start, end) span and today, padded to whole years."""
    first, last = today.year, today.year
    for start, end in spans:
        if start is None or end is None:
            continue
        first = min(first, start.year, end.year)
        last = max(last, start.year, end.year)
    return Scale(datetime.date(first, 1, 1), datetime.date(last + 1, 1, 1), today)


def bar_for(scale: Scale, start: datetime.date, end: datetime.date, late: bool = False) -> Bar:
    """The bar of a project running from ``start`` to ``end`` (both days included)."""
    x = scale.x(start)
    end_x = scale.x(end + ONE_DAY)
    bar = Bar(x=x, width=_round(max(0.0, end_x - x)))
    if late and scale.today_x > end_x:
        return Bar(bar.x, bar.width, overdue_x=end_x, overdue_width=_round(scale.today_x - end_x))
    return bar


def build_timeline(
    groups: Sequence[tuple[K, Sequence[P]]], today: datetime.date, scale: Scale | None = None
) -> Timeline[K, P]:
    """Lay out the projects of each group (e.g. per axis) on one common scale: ``scale``, or
    the one that covers them."""
    if scale is None:
        scale = scale_for(
            (
                (project.start_date, project.end_date)
                for _key, projects in groups
                for project in projects
            ),
            today,
        )
    lanes = []
    for key, projects in groups:
        scheduled: list[Row[P]] = []
        undated: list[Row[P]] = []
        abandoned: list[Row[P]] = []
        for project in projects:
            is_abandoned = project.status == ABANDONED
            late = not is_abandoned and project.is_late(today)
            bar = (
                bar_for(scale, project.start_date, project.end_date, late)
                if is_dated(project)
                else None
            )
            row = Row(project=project, bar=bar, late=late, abandoned=is_abandoned)
            if is_abandoned:
                abandoned.append(row)
            elif bar is None:
                undated.append(row)
            else:
                scheduled.append(row)
        # A cascade: earliest start first, then earliest end; ties keep the given order.
        scheduled.sort(key=lambda row: (row.project.start_date, row.project.end_date))
        lanes.append(Lane(key, tuple(scheduled), tuple(undated), tuple(abandoned)))
    return Timeline(scale, tuple(lanes))
