"""What a trend chart shows, said once for the indicator page and the pack (``chart_story``), and
how each line looks (``STYLES``, the stylesheet's colours and dash patterns)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from indicators.chart_story import STYLES, Reading, chart_story
from indicators.charts import trend_chart
from indicators.models import Evaluation, Indicator, Status, format_percent
from tests.factories import IndicatorFactory

START = datetime.date(2020, 1, 1)
DEADLINE = datetime.date(2030, 1, 1)
MIDWAY = datetime.date(2025, 1, 1)


def readings(*pairs) -> list[Reading]:
    return [Reading(date, Decimal(str(value))) for date, value in pairs]


def indicator_from(strategy, **fields) -> Indicator:
    defaults = {"baseline_value": Decimal(10), "baseline_date": START, "target_date": DEADLINE}
    return IndicatorFactory(axis__strategy=strategy, **{**defaults, **fields})


def test_title_carries_code_name_status_symbol_word_and_attainment(strategy):
    indicator = indicator_from(strategy, code="s2", name="Places d'accueil", target_value=100)
    evaluation = Evaluation(Status.WARNING, Decimal("70.4"), "")

    story = chart_story(indicator, [], MIDWAY, evaluation)

    assert story.title == f"s2 – Places d'accueil · ! à surveiller · {format_percent(Decimal(70))}"
    with translation.override("en"):
        english = chart_story(indicator, [], MIDWAY, evaluation)
    assert english.title.startswith("s2 – Places d'accueil · ! ")
    assert "à surveiller" not in english.title


def test_a_long_name_is_shortened_in_the_title_but_keeps_the_status(strategy):
    indicator = indicator_from(strategy, name="Très " * 40, target_value=100)

    story = chart_story(indicator, [], MIDWAY, Evaluation(Status.OFF_TRACK, Decimal(5), ""))

    assert "…" in story.title and len(story.title) < 110
    assert story.title.endswith(f" · ✗ hors trajectoire · {format_percent(Decimal(5))}")


def test_target_trajectory_and_today_follow_the_indicator(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(40), target_value=Decimal(100))
    values = readings((datetime.date(2021, 1, 1), 50), (datetime.date(2023, 1, 1), 70))

    story = chart_story(indicator, values, MIDWAY)

    assert story.trajectory.start == START and story.trajectory.end == DEADLINE
    assert (story.trajectory.start_value, story.trajectory.end_value) == (40, 100)
    assert story.target.value == 100 and story.target.date == DEADLINE
    assert story.baseline.value == 40
    assert story.range is None
    assert story.today == MIDWAY and story.today_label == "01.01.2025"
    assert story.value_count == 2 and story.notes == ()
    assert [item.key for item in story.legend] == [
        "values",
        "baseline",
        "target",
        "trajectory",
        "today",
    ]


def test_range_indicator_has_its_range_and_no_target_nor_trajectory(strategy):
    indicator = indicator_from(
        strategy,
        direction=Indicator.Direction.RANGE,
        target_value=None,
        range_min=Decimal(1),
        range_max=Decimal(2),
        unit="%",
    )

    story = chart_story(indicator, [], MIDWAY)

    assert (story.range.low, story.range.high) == (1, 2)
    assert story.range.label == "fourchette visée : 1–2 %"
    assert story.target is None and story.trajectory is None
    assert "Pas de cible" not in story.notes  # the range is its target


@pytest.mark.parametrize(
    ("count", "note"),
    [(0, "Aucune valeur mesurée"), (1, "Une seule valeur mesurée : pas encore de tendance")],
)
def test_no_value_and_a_single_value_are_said(strategy, count, note):
    indicator = indicator_from(strategy, target_value=Decimal(100))
    values = readings(*[(datetime.date(2022, 1, 1), 30)] * count)

    assert chart_story(indicator, values, MIDWAY).notes == (note,)


def test_an_indicator_without_target_says_so(strategy):
    indicator = Indicator(
        strategy=strategy, code="x", name="x", direction=Indicator.Direction.INCREASE
    )

    story = chart_story(indicator, [], MIDWAY)

    assert "Pas de cible" in story.notes
    assert story.target is None and story.trajectory is None


def test_time_axis_ticks_each_year_and_each_label_names_its_own_year(strategy):
    deadline = datetime.date(2028, 12, 31)
    indicator = indicator_from(strategy, target_date=deadline, target_value=Decimal(100))

    axis = chart_story(indicator, [], MIDWAY).time_axis()

    assert axis.yearly and axis.excel_format == "yyyy" and axis.step_days == 366
    assert axis.first == START and axis.last >= deadline
    assert [tick.year for tick in axis.ticks] == list(range(2020, 2030))
    # 366 days a year: a tick is never before the 1 January of its year, at most days after it.
    assert all(tick.month == 1 and tick.day <= 10 for tick in axis.ticks)


def test_a_long_time_axis_keeps_at_most_ten_ticks(strategy):
    indicator = indicator_from(
        strategy, baseline_date=datetime.date(1990, 6, 1), target_value=Decimal(100)
    )

    axis = chart_story(indicator, [], MIDWAY).time_axis()

    assert axis.step_months == 60 and len(axis.ticks) <= 11  # 41 year starts: every 5 years
    assert [tick.year for tick in axis.ticks] == list(range(1990, 2031, 5))
    assert axis.first <= datetime.date(1990, 6, 1) and axis.last >= DEADLINE


def test_a_short_time_axis_ticks_each_quarter(strategy):
    indicator = indicator_from(
        strategy,
        baseline_date=datetime.date(2024, 2, 10),
        target_date=datetime.date(2024, 11, 20),
        target_value=Decimal(100),
    )

    axis = chart_story(indicator, [], datetime.date(2024, 6, 1)).time_axis()

    assert not axis.yearly and axis.excel_format == "mm.yyyy" and axis.step_days == 92
    assert axis.first == datetime.date(2024, 1, 1)
    assert axis.last >= datetime.date(2024, 11, 20)
    assert [(tick.month, tick.year) for tick in axis.ticks] == [
        (1, 2024),
        (4, 2024),
        (7, 2024),
        (10, 2024),
        (1, 2025),
    ]


def test_value_axis_has_round_bounds_around_everything_shown(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(9000), target_value=Decimal(14000))
    story = chart_story(indicator, [], MIDWAY)

    axis = story.value_axis(Decimal(8800), Decimal(15100))

    assert axis.low <= 8800 and axis.high >= 15100
    assert axis.step in (1000, 1500, 2000, 2500)
    assert axis.low % axis.step == 0 and axis.high % axis.step == 0


def test_the_page_chart_tells_the_same_story(strategy):
    indicator = indicator_from(strategy, baseline_value=Decimal(40), target_value=Decimal(100))
    values = readings((datetime.date(2021, 1, 1), 50))
    evaluation = Evaluation(Status.ON_TRACK, Decimal(17), "")

    story = chart_story(indicator, values, MIDWAY, evaluation)
    chart = trend_chart(indicator, values, MIDWAY, evaluation=evaluation)

    assert chart.title == story.title
    assert chart.legend == story.legend
    assert chart.target.label == story.target.label
    assert chart.trajectory.label == story.trajectory.label
    assert [note.text for note in chart.notes] == list(story.notes)
    assert (chart.x_start, chart.x_end) == (story.x_start, story.x_end)


def _css() -> str:
    return (Path(settings.BASE_DIR) / "static" / "cockpit" / "cockpit.css").read_text()


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def test_styles_are_the_stylesheets_colours():
    css = _css()
    root = _rule(css, ":root")
    for style in STYLES.values():
        assert f"{style.variable}: {style.colour};" in root, style.key
        if style.fill:
            assert f"{style.fill_variable}: {style.fill};" in root
    assert f"stroke: var({STYLES['values'].variable})" in _rule(css, ".chart-values")
    assert f"stroke: var({STYLES['target'].variable})" in _rule(css, ".chart-target")
    assert f"stroke: var({STYLES['trajectory'].variable})" in _rule(css, ".chart-trajectory")
    assert f"stroke: var({STYLES['baseline'].variable})" in _rule(css, ".chart-baseline")
    assert f"stroke: var({STYLES['today'].variable})" in _rule(css, ".chart-today")
    band = _rule(css, ".chart-band")
    assert f"fill: var({STYLES['range'].fill_variable})" in band
    assert f"stroke: var({STYLES['range'].variable})" in band


def test_lines_differ_by_dash_pattern_as_on_the_page():
    css = _css()
    for key in ("baseline", "target", "trajectory"):
        assert "stroke-dasharray" in _rule(css, f".chart-{key}")
        assert STYLES[key].dash != "solid"
    assert "stroke-dasharray" not in _rule(css, ".chart-values")
    assert STYLES["values"].dash == "solid"
    # Printed in black and white, values, baseline, target and trajectory stay apart.
    dashes = [STYLES[key].dash for key in ("values", "baseline", "target", "trajectory")]
    assert len(set(dashes)) == 4
