"""The trend chart's geometry: where values, baseline, target, range, trajectory and today land."""

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.charts import Chart, nice_ticks, trend_chart
from indicators.models import Indicator, IndicatorValue
from tests.factories import IndicatorFactory

START = datetime.date(2020, 1, 1)
DEADLINE = datetime.date(2030, 1, 1)  # 3653 days after START
MIDWAY = datetime.date(2025, 1, 1)  # 1827 days after START


def values(*pairs) -> list[IndicatorValue]:
    """Unsaved values: the chart needs no database."""
    return [IndicatorValue(date=date, value=Decimal(str(value))) for date, value in pairs]


def indicator_from(strategy, **fields) -> Indicator:
    defaults = {"baseline_value": Decimal(10), "baseline_date": START, "target_date": DEADLINE}
    return IndicatorFactory(axis__strategy=strategy, **{**defaults, **fields})


def x_at(chart: Chart, day: datetime.date) -> float:
    share = (day - chart.x_start).days / (chart.x_end - chart.x_start).days
    return chart.left + share * chart.plot_width


def y_at(chart: Chart, number) -> float:
    share = (float(number) - chart.y_min) / (chart.y_max - chart.y_min)
    return chart.bottom - share * chart.plot_height


def inside_plot(chart: Chart, x: float, y: float) -> bool:
    return chart.left <= x <= chart.right and chart.top <= y <= chart.bottom


def test_every_value_point_lies_inside_the_plot_and_the_view_box(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    history = values(
        (datetime.date(2018, 6, 1), 3),  # before the baseline: the time axis stretches to it
        (datetime.date(2021, 12, 31), 40),
        (datetime.date(2023, 12, 31), 130),  # above the target
        (datetime.date(2031, 3, 1), 90),  # after the deadline
    )
    chart = trend_chart(indicator, history, on=MIDWAY)

    assert len(chart.points) == 4
    for point in chart.points:
        assert inside_plot(chart, point.x, point.y)
        assert 0 <= point.x <= chart.width and 0 <= point.y <= chart.height
    assert chart.x_start == datetime.date(2018, 6, 1)
    assert chart.x_end == datetime.date(2031, 3, 1)
    assert chart.points[0].x == chart.left
    assert chart.points[-1].x == chart.right


def test_points_follow_the_dates_and_higher_values_are_drawn_higher(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    history = values((datetime.date(2023, 1, 1), 60), (datetime.date(2021, 1, 1), 20))

    chart = trend_chart(indicator, history, on=MIDWAY)

    first, second = chart.points
    assert first.date < second.date and first.x < second.x
    assert second.y < first.y  # SVG's y grows downwards
    assert chart.polyline == f"{first.x},{first.y} {second.x},{second.y}"


def test_today_line_is_at_the_share_of_the_time_axis_elapsed_on_that_day(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))

    chart = trend_chart(indicator, values((datetime.date(2022, 1, 1), 30)), on=MIDWAY)

    expected = chart.left + 1827 / 3653 * chart.plot_width
    assert chart.today.x1 == chart.today.x2 == pytest.approx(expected, abs=0.1)
    assert (chart.today.y1, chart.today.y2) == (chart.values_top, chart.bottom)
    assert chart.today.label == "01.01.2025"


def test_today_after_the_deadline_stretches_the_time_axis_to_today(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    later = datetime.date(2032, 7, 1)

    chart = trend_chart(indicator, [], on=later)

    assert chart.x_end == later
    assert chart.today.x1 == chart.right
    assert chart.today.anchor == "end"  # its label stays inside the chart


def test_trajectory_runs_from_the_baseline_at_its_date_to_the_target_at_the_deadline(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(40), target_value=Decimal(100))

    chart = trend_chart(indicator, values((datetime.date(2022, 1, 1), 50)), on=MIDWAY)

    trajectory = chart.trajectory
    assert (trajectory.x1, trajectory.x2) == (chart.left, chart.right)
    assert trajectory.y1 == pytest.approx(y_at(chart, 40), abs=0.1)
    assert trajectory.y2 == pytest.approx(y_at(chart, 100), abs=0.1)
    assert chart.baseline.y1 == chart.baseline.y2 == trajectory.y1
    assert chart.target.y1 == chart.target.y2 == trajectory.y2
    assert (chart.target_marker.x, chart.target_marker.y) == (trajectory.x2, trajectory.y2)
    assert "01.01.2030" in chart.target_marker.label


def test_default_trajectory_dates_are_the_strategy_start_and_horizon(strategy):
    indicator = indicator_from(
        strategy, baseline_date=None, target_date=None, target_value=Decimal(100)
    )

    chart = trend_chart(indicator, [], on=MIDWAY)

    assert chart.x_start == datetime.date(2020, 1, 1)
    assert chart.x_end == datetime.date(2030, 12, 31)
    assert chart.trajectory.x1 == chart.left and chart.trajectory.x2 == chart.right


def test_unknown_baseline_to_increase_draws_the_trajectory_from_zero(strategy):
    indicator = indicator_from(strategy, baseline_value=None, target_value=Decimal(30))

    chart = trend_chart(indicator, values((datetime.date(2023, 1, 1), 12)), on=MIDWAY)

    assert chart.baseline is None  # unknown: no baseline line
    assert chart.trajectory.y1 == pytest.approx(y_at(chart, 0), abs=0.1)
    assert chart.trajectory.y2 == pytest.approx(y_at(chart, 30), abs=0.1)
    assert chart.y_min < 0 < 30 < chart.y_max


def test_unknown_baseline_to_decrease_draws_no_trajectory(strategy):
    indicator = indicator_from(
        strategy,
        baseline_value=None,
        direction=Indicator.Direction.DECREASE,
        target_value=Decimal(20),
    )

    chart = trend_chart(indicator, values((datetime.date(2023, 1, 1), 35)), on=MIDWAY)

    assert chart.trajectory is None
    assert chart.baseline is None
    assert chart.target is not None
    assert "trajectory" not in {item.key for item in chart.legend}


def test_range_indicator_shades_the_band_between_its_minimum_and_maximum(strategy):
    indicator = indicator_from(
        strategy,
        baseline_value=Decimal("0.6"),
        direction=Indicator.Direction.RANGE,
        target_value=None,
        range_min=Decimal(1),
        range_max=Decimal(2),
        unit="%",
    )
    history = values((datetime.date(2022, 1, 1), "0.9"), (datetime.date(2024, 1, 1), "1.4"))

    chart = trend_chart(indicator, history, on=MIDWAY)

    band = chart.band
    assert band.y == pytest.approx(y_at(chart, 2), abs=0.1)
    assert band.y + band.height == pytest.approx(y_at(chart, 1), abs=0.2)
    assert (band.x, band.width) == (chart.left, pytest.approx(chart.plot_width))
    assert band.label == "fourchette visée : 1–2 %"
    assert chart.trajectory is None and chart.target is None and chart.target_marker is None
    assert chart.baseline is not None
    assert {"range", "baseline", "values", "today"} <= {item.key for item in chart.legend}
    inside = chart.points[1]
    assert band.y <= inside.y <= band.y + band.height


def test_without_values_the_chart_still_shows_baseline_target_and_trajectory(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))

    chart = trend_chart(indicator, [], on=MIDWAY)

    assert chart.empty
    assert chart.points == () and chart.polyline == "" and chart.latest is None
    assert chart.baseline and chart.target and chart.target_marker and chart.trajectory
    assert chart.y_min < 10 and chart.y_max > 100
    assert [item.key for item in chart.legend] == ["baseline", "target", "trajectory", "today"]
    assert 4 <= len(chart.y_ticks) <= 6


def test_a_single_value_is_one_point_inside_the_plot(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))

    chart = trend_chart(indicator, values((datetime.date(2023, 5, 1), 55)), on=MIDWAY)

    (point,) = chart.points
    assert inside_plot(chart, point.x, point.y)
    assert chart.latest == point
    assert point.label == "55 au 01.05.2023"


def test_equal_values_with_nothing_else_shown_sit_mid_height(strategy):
    indicator = indicator_from(
        strategy,
        baseline_value=None,
        direction=Indicator.Direction.DECREASE,
        target_value=Decimal(7),
    )
    history = values((datetime.date(2021, 1, 1), 7), (datetime.date(2022, 1, 1), 7))

    chart = trend_chart(indicator, history, on=MIDWAY)

    assert chart.y_min < 7 < chart.y_max
    middle = (chart.values_top + chart.bottom) / 2
    assert [point.y for point in chart.points] == [pytest.approx(middle, abs=0.1)] * 2
    assert all(inside_plot(chart, point.x, point.y) for point in chart.points)


def test_values_span_is_padded_by_five_to_ten_percent(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(0), target_value=Decimal(100))

    chart = trend_chart(indicator, values((datetime.date(2022, 1, 1), 120)), on=MIDWAY)

    for padding in (0 - chart.y_min, chart.y_max - 120):
        assert 0.05 * 120 <= padding <= 0.10 * 120


def test_decimals_are_labelled_in_the_active_locale(strategy):
    indicator = indicator_from(
        strategy, baseline_value=Decimal("0.5"), target_value=Decimal("2.5"), unit="t"
    )
    history = values((datetime.date(2022, 1, 1), "1.25"), (datetime.date(2023, 1, 1), "14000"))

    chart = trend_chart(indicator, history, on=MIDWAY)
    assert chart.points[0].value_label == "1,25 t"
    assert chart.points[1].value_label == "14\u202f000 t"

    with translation.override("en"):  # the labels are made when the page reads them
        english = trend_chart(indicator, history, on=MIDWAY)
        assert english.points[0].value_label == "1.25 t"
        assert english.points[1].label.startswith("14,000 t ")
        assert english.points[1].label.endswith("01.01.2023")


def test_time_axis_is_labelled_with_plain_years_at_most_ten(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))

    chart = trend_chart(indicator, [], on=MIDWAY)

    # Eleven year starts from 2020 to 2030: every other one, without a thousands separator.
    assert [tick.label for tick in chart.x_ticks] == [
        "2020",
        "2022",
        "2024",
        "2026",
        "2028",
        "2030",
    ]
    assert chart.x_ticks[0].position == chart.left
    assert all(chart.left <= tick.position <= chart.right for tick in chart.x_ticks)


def test_a_short_trajectory_gets_month_labels(strategy):
    indicator = indicator_from(
        strategy,
        baseline_date=datetime.date(2024, 2, 10),
        target_date=datetime.date(2024, 11, 20),
        target_value=Decimal(100),
    )

    chart = trend_chart(indicator, [], on=datetime.date(2024, 6, 1))

    labels = [tick.label for tick in chart.x_ticks]
    assert 2 <= len(labels) <= 8
    assert all(label.endswith(".2024") for label in labels)


def test_value_ticks_are_round_and_inside_the_plot(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(9000), target_value=Decimal(14000))

    chart = trend_chart(indicator, [], on=MIDWAY)

    labels = [tick.label for tick in chart.y_ticks]
    assert labels == [
        "9\u202f000",
        "10\u202f000",
        "11\u202f000",
        "12\u202f000",
        "13\u202f000",
        "14\u202f000",
    ]
    assert all(chart.top <= tick.position <= chart.bottom for tick in chart.y_ticks)


@pytest.mark.parametrize("seed", range(5))
def test_nice_ticks_gives_four_to_six_values_for_any_span(seed):
    generator = random.Random(seed)
    for _case in range(400):
        low = generator.uniform(-1000, 1000) * 10 ** generator.randint(-3, 4)
        span = generator.uniform(0.001, 1) * 10 ** generator.randint(-2, 6)
        ticks = nice_ticks(low, low + span)
        assert 4 <= len(ticks) <= 6, (low, span, ticks)
        assert all(Decimal(repr(low)) <= tick <= Decimal(repr(low + span)) for tick in ticks)


# --- What the chart cannot show, said in words that no line crosses ------------------------


def _box_of(text) -> tuple[float, float, float, float]:
    """The area a note's words take (14 px italic: at most 0.62 em a character)."""
    x, y = float(text.get("x")), float(text.get("y"))
    width = len(text.text) * 14 * 0.62
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    return left, y - 14, left + width, y + 4


def _shapes(svg) -> list[tuple[float, float, float, float]]:
    """The segments of every line, polyline and outline the chart draws, as (x1, y1, x2, y2)."""
    segments = []
    for element in svg.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "line":
            segments.append(tuple(float(element.get(name)) for name in ("x1", "y1", "x2", "y2")))
        elif tag == "polyline":
            corners = [tuple(map(float, pair.split(","))) for pair in element.get("points").split()]
            segments += [(*a, *b) for a, b in itertools.pairwise(corners)]
        elif tag == "rect":
            x, y = float(element.get("x")), float(element.get("y"))
            w, h = float(element.get("width")), float(element.get("height"))
            segments += [(x, y, x + w, y), (x, y + h, x + w, y + h), (x, y, x, y + h)]
            segments.append((x + w, y, x + w, y + h))
        elif tag in {"circle", "path"}:
            x = float(element.get("cx") or element.get("d").split()[1])
            y = float(element.get("cy") or element.get("d").split()[2])
            segments += [(x - 7, y - 7, x + 7, y + 7), (x - 7, y + 7, x + 7, y - 7)]
    return segments


def _crosses(segment, box) -> bool:
    x1, y1, x2, y2 = segment
    left, top, right, bottom = box
    steps = int(max(abs(x2 - x1), abs(y2 - y1))) + 1
    return any(
        left <= x1 + (x2 - x1) * i / steps <= right and top <= y1 + (y2 - y1) * i / steps <= bottom
        for i in range(steps + 1)
    )


def _svg(chart, indicator):
    from xml.etree import ElementTree

    from django.template.loader import render_to_string

    context = {"chart": chart, "indicator": indicator, "evaluation": None, "status_word": ""}
    return ElementTree.fromstring(render_to_string("cockpit/includes/indicator_chart.svg", context))


def _notes(svg) -> list:
    return [
        text
        for text in svg.iter("{http://www.w3.org/2000/svg}text")
        if "chart-note" in text.get("class")
    ]


@pytest.mark.parametrize(
    ("fields", "history", "said"),
    [
        ({"target_value": Decimal(100)}, [], ["Aucune valeur mesurée"]),
        (
            {"target_value": Decimal(100), "baseline_value": Decimal(90)},
            [],
            ["Aucune valeur mesurée"],
        ),
        (
            {"target_value": Decimal(100)},
            [(datetime.date(2023, 5, 1), 55)],
            ["Une seule valeur mesurée : pas encore de tendance"],
        ),
        (
            {"target_value": Decimal(5), "baseline_value": None, "direction": "decrease"},
            [(datetime.date(2022, 1, 1), 12), (datetime.date(2024, 1, 1), 14)],
            ["État de départ inconnu : pas de trajectoire attendue"],
        ),
        (
            {"target_value": Decimal(5), "baseline_value": None, "direction": "decrease"},
            [],
            ["Aucune valeur mesurée", "État de départ inconnu : pas de trajectoire attendue"],
        ),
    ],
    ids=["no value", "no value, flat target", "one value", "no trajectory", "nothing"],
)
def test_a_chart_says_what_it_cannot_show_and_no_line_crosses_the_words(
    strategy, fields, history, said
):
    indicator = indicator_from(strategy, **fields)

    svg = _svg(trend_chart(indicator, values(*history), on=MIDWAY), indicator)

    notes = _notes(svg)
    assert [note.text for note in notes] == said
    for note in notes:
        box = _box_of(note)
        assert [segment for segment in _shapes(svg) if _crosses(segment, box)] == []


def test_a_chart_with_values_and_a_target_has_no_note(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    history = values((datetime.date(2022, 1, 1), 20), (datetime.date(2024, 1, 1), 45))

    assert _notes(_svg(trend_chart(indicator, history, on=MIDWAY), indicator)) == []


def test_many_values_are_reduced_to_the_plot_width_keeping_first_last_min_and_max(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    rng = random.Random(19)
    history = values(
        *((START + datetime.timedelta(days=day), rng.randint(20, 80)) for day in range(2000))
    )
    history[700].value, history[1300].value = Decimal(-5), Decimal(140)  # the extremes

    chart = trend_chart(indicator, history, on=MIDWAY)

    assert chart.value_count == 2000 and chart.reduced
    assert len(chart.points) <= chart.plot_width
    kept = {(point.date, point.value) for point in chart.points}
    for row in (history[0], history[-1], history[700], history[1300]):
        assert (row.date, row.value) in kept
    assert [point.date for point in chart.points] == sorted(point.date for point in chart.points)


def test_few_values_are_all_drawn(strategy):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    history = values(*((START + datetime.timedelta(days=30 * step), step) for step in range(100)))

    chart = trend_chart(indicator, history, on=MIDWAY)

    assert len(chart.points) == chart.value_count == 100 and not chart.reduced
