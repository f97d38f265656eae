"""What an indicator's trend chart shows, wherever it is drawn: ``chart_story()`` says it once (the
measured values, the baseline, the target or the range, the expected trajectory, today, the title
with the status and the attainment, the notes on what cannot be shown, the legend) and ``STYLES``
says how each line looks. The indicator page's SVG (``indicators.charts.trend_chart``) and the
pack's « Graphiques » sheet (``reports.chart_sheet``) draw the same story.

Pure and typed: no request, no query (the indicator's strategy must be loaded, for the default
trajectory dates), and no loop over the values: they come sorted, oldest first, and only the first,
the last and their number are read.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from indicators.models import Evaluation, Indicator, format_number, format_percent

#: At most this many labels on a time axis.
MAX_X_TICKS = 10
#: Share of the value span added above and below everything shown.
Y_PADDING = 0.08
#: Longest indicator name in a chart's title, before « … ».
TITLE_NAME_CHARS = 70


class Reading(NamedTuple):
    """A value as the chart needs it: ``indicator.values.values_list("date", "value", "pk")``."""

    date: datetime.date
    value: Decimal
    pk: int | None = None


@dataclass(frozen=True)
class SeriesStyle:
    """How a line of the chart looks, in the indicator page's stylesheet
    (``static/cockpit/cockpit.css``: the class ``chart-<key>`` drawn in ``var(<variable>)``) and in
    the pack's charts (its ``colour``, a DrawingML ``dash`` type and a ``width`` in points). Lines
    differ by dash pattern as well as colour, so that they stay apart printed in black and white."""

    key: str
    variable: str  # the CSS custom property of the colour: "--accent"
    colour: str  # its value: "#1f5f8b"
    dash: str  # solid, round_dot, dash, long_dash_dot (XlsxWriter's names of DrawingML's types)
    width: float
    #: The area's fill (the range band), its CSS variable and value.
    fill_variable: str = ""
    fill: str = ""


#: Each line's look, one for the page and the pack (``tests/indicators/test_chart_story.py`` reads
#: the stylesheet back against them).
STYLES = {
    style.key: style
    for style in (
        SeriesStyle("values", "--accent", "#1f5f8b", "solid", 2.25),
        SeriesStyle("baseline", "--neutral", "#5b6570", "round_dot", 1.25),
        SeriesStyle("target", "--ok", "#17703a", "dash", 1.5),
        SeriesStyle("range", "--ok", "#17703a", "dash", 1.25, "--ok-bg", "#e6f4ea"),
        SeriesStyle("trajectory", "--warning", "#9a4a00", "long_dash_dot", 2.0),
        SeriesStyle("today", "--ink", "#1d2733", "solid", 1.5),
    )
}


@dataclass(frozen=True)
class LegendItem:
    key: str  # values, baseline, target, range, trajectory, today (a key of ``STYLES``)
    label: str | Promise

    @property
    def style(self) -> SeriesStyle:
        return STYLES[self.key]


@dataclass(frozen=True)
class Level:
    """A horizontal line: the baseline, the target (reached at ``date``), a bound of the range."""

    value: Decimal
    label: str
    date: datetime.date | None = None


@dataclass(frozen=True)
class Trajectory:
    """The expected trajectory: a straight line from ``start`` to ``end``."""

    start: datetime.date
    start_value: Decimal
    end: datetime.date
    end_value: Decimal
    label: str


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal
    label: str  # « fourchette visée : 1–2 % »


@dataclass(frozen=True)
class TimeAxis:
    """A time axis from ``first`` (a 1 January, or the first day of a quarter) with ``steps``
    ticks every ``step_months`` months after it, around everything shown.

    A tick is ``step_days`` after the previous one: 366 days a year, 92 a quarter, a little more
    than a year or a quarter, so that a tick never falls before the year or the quarter it names
    (at worst some days after its start over ten years); ``last`` is the last tick."""

    first: datetime.date
    step_months: int
    steps: int

    @property
    def yearly(self) -> bool:
        return self.step_months % 12 == 0

    @property
    def label_format(self) -> str:
        """The ticks' labels as Django formats a date (``excel_format``: as a spreadsheet does)."""
        return "Y" if self.yearly else "m.Y"

    @property
    def excel_format(self) -> str:
        return "yyyy" if self.yearly else "mm.yyyy"

    @property
    def step_days(self) -> int:
        return 366 * self.step_months // 12 if self.yearly else 92 * self.step_months // 3

    @property
    def last(self) -> datetime.date:
        return self.first + datetime.timedelta(days=self.steps * self.step_days)

    @property
    def ticks(self) -> list[datetime.date]:
        return [
            self.first + datetime.timedelta(days=step * self.step_days)
            for step in range(self.steps + 1)
        ]


@dataclass(frozen=True)
class ValueAxis:
    """A value axis from ``low`` to ``high`` (round values) with a tick every ``step``."""

    low: Decimal
    high: Decimal
    step: Decimal


@dataclass(frozen=True)
class ChartStory:
    """What a trend chart shows: see ``chart_story``."""

    title: str
    unit: str
    #: The measured values, oldest first.
    values: Sequence[Reading]
    x_start: datetime.date
    x_end: datetime.date
    today: datetime.date
    baseline: Level | None
    target: Level | None
    range: Range | None
    trajectory: Trajectory | None
    notes: tuple[str, ...]
    legend: tuple[LegendItem, ...]

    @property
    def value_count(self) -> int:
        return len(self.values)

    @property
    def today_label(self) -> str:
        return short_date(self.today)

    @property
    def levels(self) -> list[Decimal]:
        """Every value the chart shows but the measured ones: they set its value axis too."""
        numbers = [line.value for line in (self.baseline, self.target) if line is not None]
        if self.trajectory is not None:
            numbers.append(self.trajectory.start_value)
        if self.range is not None:
            numbers += [self.range.low, self.range.high]
        return numbers

    def time_axis(self) -> TimeAxis:
        """Yearly ticks (every year, or every few years: at most ``MAX_X_TICKS``) when the chart
        spans two year starts or more, else quarterly ones."""
        start, end = self.x_start, self.x_end
        year_starts = end.year - start.year + (start == datetime.date(start.year, 1, 1))
        if year_starts >= 2:
            first = datetime.date(start.year, 1, 1)
            years = end.year - start.year + 1
            axis = TimeAxis(first, 12 * math.ceil(years / MAX_X_TICKS), 1)
        else:
            axis = TimeAxis(datetime.date(start.year, (start.month - 1) // 3 * 3 + 1, 1), 3, 1)
        steps = math.ceil((end - axis.first).days / axis.step_days)
        return TimeAxis(axis.first, axis.step_months, max(1, steps))

    def value_axis(self, low: Decimal | float | None, high: Decimal | float | None) -> ValueAxis:
        """Round bounds and steps (``nice_ticks``) around the lowest and highest measured values
        (``low``, ``high``; None without any) and every other value shown, padded."""
        numbers = [Decimal(repr(float(n))) for n in (low, high) if n is not None] + self.levels
        bottom, top = padded(numbers)
        ticks = nice_ticks(bottom, top)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
        first = ticks[0] if ticks[0] <= Decimal(repr(bottom)) else ticks[0] - step
        last = ticks[-1] if ticks[-1] >= Decimal(repr(top)) else ticks[-1] + step
        return ValueAxis(_clean(first), _clean(last), _clean(step))


def chart_story(
    indicator: Indicator,
    values: Sequence[Reading],
    on: datetime.date,
    evaluation: Evaluation | None = None,
) -> ChartStory:
    """The story of ``indicator``'s chart: its ``values`` (sorted by date, oldest first; anything
    with ``date`` and ``value``) as seen on ``on`` (today, or the pack's date), titled with its
    ``evaluation`` when given."""
    unit = indicator.unit
    is_range = indicator.direction == Indicator.Direction.RANGE
    start, end = indicator.trajectory_start(), indicator.trajectory_end()
    baseline = indicator.baseline_value
    target = None if is_range else indicator.target_value

    def with_unit(number: Decimal) -> str:
        return f"{format_number(number)} {unit}".strip()

    # The expected trajectory: from (start, baseline) to (end, target); an unknown baseline counts
    # as 0 for an indicator to increase, and leaves no trajectory for one to decrease.
    trajectory_from: Decimal | None = None
    if target is not None:
        if baseline is not None:
            trajectory_from = baseline
        elif indicator.direction == Indicator.Direction.INCREASE:
            trajectory_from = Decimal(0)

    x_start = min([start, *(row.date for row in values[:1])])
    x_end = max([end, on, *(row.date for row in values[-1:])])
    if x_end <= x_start:
        x_end = x_start + datetime.timedelta(days=1)

    legend = [LegendItem("values", gettext_lazy("valeurs mesurées"))] if values else []
    baseline_level = None
    if baseline is not None:
        baseline_level = Level(
            baseline, gettext("départ : %(value)s") % {"value": with_unit(baseline)}, start
        )
        legend.append(LegendItem("baseline", gettext_lazy("état de départ")))

    band = None
    if is_range and indicator.range_min is not None and indicator.range_max is not None:
        band = Range(
            indicator.range_min,
            indicator.range_max,
            gettext("fourchette visée : %(low)s–%(high)s")
            % {"low": format_number(indicator.range_min), "high": with_unit(indicator.range_max)},
        )
        legend.append(LegendItem("range", gettext_lazy("fourchette visée")))

    target_level = None
    if target is not None:
        target_level = Level(
            target,
            gettext("cible : %(value)s au %(date)s")
            % {"value": with_unit(target), "date": short_date(end)},
            end,
        )
        legend.append(LegendItem("target", gettext_lazy("état visé")))

    trajectory = None
    if trajectory_from is not None and target is not None:
        trajectory = Trajectory(
            start, trajectory_from, end, target, gettext("trajectoire attendue")
        )
        legend.append(LegendItem("trajectory", gettext_lazy("trajectoire attendue")))
    legend.append(LegendItem("today", gettext_lazy("aujourd'hui")))

    return ChartStory(
        title=chart_title(indicator, evaluation),
        unit=unit,
        values=values,
        x_start=x_start,
        x_end=x_end,
        today=on,
        baseline=baseline_level,
        target=target_level,
        range=band,
        trajectory=trajectory,
        notes=tuple(
            _notes(
                len(values),
                target is None and band is None,
                target is not None and trajectory is None,
            )
        ),
        legend=tuple(legend),
    )


def chart_title(indicator: Indicator, evaluation: Evaluation | None = None) -> str:
    """« s2 – Places d'accueil… · ! à surveiller · 70 % »: the code and name, then the status
    with its symbol and word and the attainment, when evaluated."""
    name = indicator.name
    if len(name) > TITLE_NAME_CHARS:
        name = name[: TITLE_NAME_CHARS - 1].rstrip() + "…"
    parts = [f"{indicator.code} – {name}"]
    if evaluation is not None:
        parts.append(evaluation.status.text)
        if evaluation.attainment is not None:
            parts.append(format_percent(evaluation.attainment))
    return " · ".join(parts)


def _notes(count: int, without_target: bool, without_trajectory: bool) -> list[str]:
    """What the chart says it cannot show: no value, a single value (no trend yet), no target
    (the database requires one, or a range: ``indicator_target_defined``), no expected
    trajectory."""
    notes = []
    if count == 0:
        notes.append(gettext("Aucune valeur mesurée"))
    elif count == 1:
        notes.append(gettext("Une seule valeur mesurée : pas encore de tendance"))
    if without_target:
        notes.append(gettext("Pas de cible"))
    if without_trajectory:
        notes.append(gettext("État de départ inconnu : pas de trajectoire attendue"))
    return notes


def padded(numbers: Sequence[Decimal]) -> tuple[float, float]:
    """The value range of everything shown, with 8 % of its span added on each side."""
    if not numbers:
        return 0.0, 1.0
    low, high = float(min(numbers)), float(max(numbers))
    span = high - low
    # Equal values: 10 % of the value itself (1 around zero), so that the line sits mid-height.
    pad = (abs(high) * 0.1 or 1.0) if span == 0 else span * Y_PADDING
    return low - pad, high + pad


def nice_ticks(low: float, high: float) -> list[Decimal]:
    """4 to 6 round values between ``low`` and ``high``: steps of 1, 2 or 5 × 10ⁿ when one of
    them gives 4 to 6 ticks, else 1.5, 2.5, 3, 4, 6 or 8 × 10ⁿ (one of them always does)."""
    span = high - low
    if span <= 0:
        return [Decimal(repr(low))]
    low_d, high_d = Decimal(repr(low)), Decimal(repr(high))
    exponent = math.floor(math.log10(span / 5))
    best: tuple[tuple, list[Decimal]] | None = None
    for power in (exponent - 1, exponent, exponent + 1):
        for mantissa in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "8"):
            step = Decimal(mantissa).scaleb(power)
            first = math.ceil(low_d / step)
            last = math.floor(high_d / step)
            count = last - first + 1
            # Prefer 4–6 ticks, then the roundest step, then the count closest to 5.
            score = (not 4 <= count <= 6, mantissa not in ("1", "2", "5"), abs(count - 5))
            if best is None or score < best[0]:
                ticks = [_clean(step * index) for index in range(first, last + 1)]
                best = (score, ticks)
    return best[1] if best else []


def _clean(number: Decimal) -> Decimal:
    """0E+1 → 0, 2.50 → 2.5, 1E+4 stays a plain 10000 once formatted."""
    return Decimal(0) if number == 0 else number.normalize()


def short_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)
