"""The trend chart of an indicator, as geometry: ``trend_chart()`` places the story of
``indicators.chart_story`` (what the chart shows, shared with the pack's charts) in pixel
coordinates, and ``templates/cockpit/includes/indicator_chart.svg`` only draws them.

Pure and typed: no request, no template, no query (the indicator's strategy must be loaded, for
the default trajectory dates), so the geometry is unit-tested on its own. More values than the plot
has pixels are reduced by M4 (``m4_reduce``), so the page stays bounded at thousands of values.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext

from indicators.chart_story import (
    MAX_X_TICKS,
    LegendItem,
    Reading,
    chart_story,
    nice_ticks,
    padded,
    short_date,
)
from indicators.models import Evaluation, Indicator, format_number

__all__ = ["Chart", "LegendItem", "Reading", "nice_ticks", "trend_chart"]

#: Room around the plot for the axis labels (pixels of the viewBox).
MARGIN_LEFT = 72
MARGIN_RIGHT = 24
MARGIN_TOP = 34
MARGIN_BOTTOM = 30
#: Width in pixels of an M4 bucket: each keeps at most 4 values, so at most one point per pixel.
M4_BUCKET_PIXELS = 4
#: Height of a line of the chart's notes ("Aucune valeur mesurée"), kept clear above the values.
NOTE_HEIGHT = 22


@dataclass(frozen=True)
class ChartPoint:
    """A measured value: its marker, and the words of its tooltip (made when read: a chart of a
    few hundred points shows few of them)."""

    x: float
    y: float
    date: datetime.date
    value: Decimal
    unit: str = ""

    @property
    def value_label(self) -> str:
        """« 1 400 m³/an »."""
        return f"{format_number(self.value)} {self.unit}".strip()

    @property
    def label(self) -> str:
        """« 1 400 m³/an au 31.12.2023 »."""
        return gettext("%(value)s au %(date)s") % {
            "value": self.value_label,
            "date": short_date(self.date),
        }


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str = ""
    #: ``text-anchor`` of the label, so that a label near an edge stays inside the chart.
    anchor: str = "start"


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Band:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Tick:
    position: float  # x for the time axis, y for the value axis
    label: str


@dataclass(frozen=True)
class Note:
    """What the chart cannot show, said in words on a line of its own at the top of the plot, where
    no line of the chart runs (``text-anchor`` start at ``x``, baseline at ``y``)."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_start: datetime.date
    x_end: datetime.date
    y_min: float
    y_max: float
    points: tuple[ChartPoint, ...]
    baseline: Segment | None
    target: Segment | None
    target_marker: Marker | None
    band: Band | None
    trajectory: Segment | None
    today: Segment
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]
    unit: str
    notes: tuple[Note, ...] = ()
    #: How many values were measured (``points`` may hold fewer: see ``m4_reduce``).
    value_count: int = 0
    #: « s2 – Places d'accueil… · ! à surveiller · 70 % », when evaluated (``chart_title``).
    title: str = ""

    @property
    def reduced(self) -> bool:
        return len(self.points) < self.value_count

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def polyline(self) -> str:
        """The ``points`` attribute of the values' polyline: "x,y x,y …", oldest first."""
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    @property
    def latest(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None

    @property
    def latest_anchor(self) -> str:
        latest = self.latest
        return "end" if latest and latest.x > self.right - 80 else "start"

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        """The height of the values' area (below the notes)."""
        return self.bottom - self.values_top

    @property
    def values_top(self) -> float:
        """The top of the values' area: below the notes."""
        return self.top + NOTE_HEIGHT * len(self.notes)


def trend_chart(
    indicator: Indicator,
    values: Iterable[Reading],
    on: datetime.date,
    width: int = 720,
    height: int = 280,
    evaluation: Evaluation | None = None,
) -> Chart:
    """The chart of ``indicator``'s ``values`` (any order; anything with ``date``, ``value`` and
    ``pk``, a ``Reading`` or an ``IndicatorValue``) as seen on ``on`` (the "today" line): the
    story of ``chart_story`` placed in pixels."""
    values = sorted(values, key=lambda row: (row.date, row.pk or 0))
    story = chart_story(indicator, values, on, evaluation)
    unit = story.unit
    x_start, x_end = story.x_start, story.x_end

    shown = [row.value for row in values] + story.levels
    y_min, y_max = padded(shown)

    left, top = float(MARGIN_LEFT), float(MARGIN_TOP)
    right, bottom = float(width - MARGIN_RIGHT), float(height - MARGIN_BOTTOM)
    notes = tuple(
        Note(left + 8, round(top + NOTE_HEIGHT * (line + 1) - 7, 1), text)
        for line, text in enumerate(story.notes)
    )
    # Everything but the notes is drawn below them: no line crosses their words.
    values_top = top + NOTE_HEIGHT * len(notes)
    total_days = (x_end - x_start).days

    def x_of(day: datetime.date) -> float:
        return round(left + (day - x_start).days / total_days * (right - left), 1)

    def y_of(number: Decimal | float) -> float:
        share = (float(number) - y_min) / (y_max - y_min)
        return round(bottom - share * (bottom - values_top), 1)

    def anchor_at(x: float) -> str:
        if x > right - 80:
            return "end"
        return "start" if x < left + 80 else "middle"

    points = tuple(
        ChartPoint(x=x_of(row.date), y=y_of(row.value), date=row.date, value=row.value, unit=unit)
        for row in m4_reduce(values, x_of, max(1, int((right - left) // M4_BUCKET_PIXELS)))
    )

    baseline_line = None
    if story.baseline is not None:
        y = y_of(story.baseline.value)
        baseline_line = Segment(left, y, right, y, label=story.baseline.label)

    band = None
    if story.range is not None:
        band_top, band_bottom = y_of(story.range.high), y_of(story.range.low)
        band = Band(
            x=left,
            y=band_top,
            width=round(right - left, 1),
            height=round(max(band_bottom - band_top, 1.0), 1),
            label=story.range.label,
        )

    target_line = target_marker = None
    if story.target is not None:
        y = y_of(story.target.value)
        target_line = Segment(left, y, right, y, label=story.target.label, anchor="end")
        target_marker = Marker(x_of(story.target.date), y, story.target.label)

    trajectory = None
    if story.trajectory is not None:
        line = story.trajectory
        trajectory = Segment(
            x_of(line.start),
            y_of(line.start_value),
            x_of(line.end),
            y_of(line.end_value),
            label=line.label,
        )

    today_x = x_of(on)
    today = Segment(
        today_x, values_top, today_x, bottom, label=story.today_label, anchor=anchor_at(today_x)
    )

    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        x_start=x_start,
        x_end=x_end,
        y_min=y_min,
        y_max=y_max,
        points=points,
        baseline=baseline_line,
        target=target_line,
        target_marker=target_marker,
        band=band,
        trajectory=trajectory,
        today=today,
        x_ticks=tuple(Tick(x_of(day), label) for day, label in _time_ticks(x_start, x_end)),
        y_ticks=tuple(
            Tick(y_of(number), format_number(number)) for number in nice_ticks(y_min, y_max)
        ),
        legend=story.legend,
        unit=unit,
        notes=notes,
        value_count=len(values),
        title=story.title,
    )


def m4_reduce(values: Sequence[Reading], x_of, buckets: int) -> list[Reading]:
    """M4 (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014),
    written by hand: when there are more ``values`` (sorted by date) than ``4 × buckets``, cut the
    plot's width into ``buckets`` columns and keep, in each, its first, last, lowest and highest
    value, in date order. The line drawn looks the same; the first and last values, the minimum
    and the maximum are always kept."""
    if len(values) <= 4 * buckets:
        return list(values)
    left, right = x_of(values[0].date), x_of(values[-1].date)
    span = (right - left) or 1.0
    groups: dict[int, list[int]] = {}
    for index, row in enumerate(values):
        column = min(int((x_of(row.date) - left) / span * buckets), buckets - 1)
        groups.setdefault(column, []).append(index)
    kept: set[int] = set()
    for indexes in groups.values():
        kept.update(
            (
                indexes[0],
                indexes[-1],
                min(indexes, key=lambda index: values[index].value),
                max(indexes, key=lambda index: values[index].value),
            )
        )
    return [values[index] for index in sorted(kept)]


def _time_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """1 January of each year between ``start`` and ``end`` (thinned to at most 10 labels); the
    first of some months instead when the chart spans less than two year starts."""
    years = [
        datetime.date(year, 1, 1)
        for year in range(start.year, end.year + 1)
        if start <= datetime.date(year, 1, 1) <= end
    ]
    if len(years) >= 2:
        step = math.ceil(len(years) / MAX_X_TICKS)
        return [(day, str(day.year)) for day in years[::step]]
    months = []
    year, month = start.year, start.month
    while True:
        day = datetime.date(year, month, 1)
        if day > end:
            break
        if day >= start:
            months.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for step in (1, 2, 3, 6, 12):
        chosen = [day for day in months if (day.month - 1) % step == 0]
        if len(chosen) <= 8:
            return [(day, date_format(day, "m.Y")) for day in chosen]
    return []  # pragma: no cover - twelve-month steps always give two labels at most here
