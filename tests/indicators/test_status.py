"""The status engine: attainment, expected progress, status and the sentence that says why."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import Indicator, Status
from tests.factories import IndicatorFactory, IndicatorValueFactory, StrategyFactory

# A 100-day trajectory: halfway through, 50 % of the way is expected.
START = datetime.date(2025, 1, 1)
MIDWAY = datetime.date(2025, 2, 20)
END = datetime.date(2025, 4, 11)
FEB_1 = datetime.date(2025, 2, 1)

INCREASE = Indicator.Direction.INCREASE
DECREASE = Indicator.Direction.DECREASE
RANGE = Indicator.Direction.RANGE


def make_indicator(strategy, values=(), **fields):
    indicator = IndicatorFactory(axis__strategy=strategy, **fields)
    for date, value in values:
        IndicatorValueFactory(indicator=indicator, date=date, value=Decimal(value))
    return indicator


def trajectory(**fields):
    """Indicator fields on the 100-day trajectory from START to END."""
    return {"baseline_date": START, "target_date": END, **fields}


def a_range(low, high):
    return trajectory(
        direction=RANGE, target_value=None, range_min=Decimal(low), range_max=Decimal(high)
    )


CASES = [
    pytest.param(
        {"target_value": 30},
        [(datetime.date(2026, 1, 1), 30)],
        datetime.date(2026, 5, 1),
        (Status.ACHIEVED, "100.0", "57.6"),
        "Cible atteinte : 100 % du but au 01.01.2026.",
        id="seed-unknown-baseline-target-30-reached-30-is-achieved",
    ),
    pytest.param(
        {"target_value": 100, "target_date": datetime.date(2026, 6, 1)},
        [(datetime.date(2026, 1, 1), 70)],
        datetime.date(2026, 5, 1),
        (Status.WARNING, "70.0", "98.7"),
        "70 % du but atteint ; 99 % attendu au 01.05.2026.",
        id="seed-unknown-baseline-70-of-100-a-month-before-the-deadline-is-warning",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(FEB_1, 100)],
        MIDWAY,
        (Status.ON_TRACK, "50.0", "50.0"),
        "50 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="unknown-baseline-increasing-as-expected-is-on-track",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(FEB_1, 80)],
        MIDWAY,
        (Status.WARNING, "40.0", "50.0"),
        "40 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="unknown-baseline-increasing-at-80-percent-of-expected-is-warning",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(FEB_1, 60)],
        MIDWAY,
        (Status.OFF_TRACK, "30.0", "50.0"),
        "30 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="unknown-baseline-increasing-at-60-percent-of-expected-is-off-track",
    ),
    pytest.param(
        trajectory(direction=DECREASE, target_value=20),
        [(FEB_1, 40)],
        MIDWAY,
        (Status.ON_TRACK, "50.0", "50.0"),
        "50 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="unknown-baseline-decreasing-is-target-over-current",
    ),
    pytest.param(
        trajectory(direction=DECREASE, target_value=20),
        [(FEB_1, 100)],
        MIDWAY,
        (Status.OFF_TRACK, "20.0", "50.0"),
        "20 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="unknown-baseline-decreasing-far-above-target-is-off-track",
    ),
    pytest.param(
        trajectory(direction=DECREASE, target_value=0),
        [(FEB_1, 0)],
        MIDWAY,
        (Status.ACHIEVED, "100.0", "50.0"),
        "Cible atteinte : 100 % du but au 01.02.2025.",
        id="unknown-baseline-decreasing-to-zero-reached-is-achieved",
    ),
    pytest.param(
        trajectory(baseline_value=100, target_value=200),
        [(FEB_1, 150)],
        MIDWAY,
        (Status.ON_TRACK, "50.0", "50.0"),
        "50 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="known-baseline-increasing-counts-from-the-baseline",
    ),
    pytest.param(
        trajectory(baseline_value=100, target_value=200),
        [(FEB_1, 80)],
        MIDWAY,
        (Status.OFF_TRACK, "-20.0", "50.0"),
        "-20 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="known-baseline-increasing-below-the-baseline-is-negative-and-off-track",
    ),
    pytest.param(
        trajectory(direction=DECREASE, baseline_value=200, target_value=100),
        [(FEB_1, 160)],
        MIDWAY,
        (Status.WARNING, "40.0", "50.0"),
        "40 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="known-baseline-decreasing-counts-the-way-down",
    ),
    pytest.param(
        trajectory(direction=DECREASE, baseline_value=200, target_value=100),
        [(FEB_1, 170)],
        MIDWAY,
        (Status.OFF_TRACK, "30.0", "50.0"),
        "30 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="known-baseline-decreasing-too-slowly-is-off-track",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 15)],
        MIDWAY,
        (Status.ON_TRACK, "100", None),
        "15 au 01.02.2025, dans la fourchette 10–20.",
        id="range-inside-before-the-target-date-is-on-track",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 15)],
        datetime.date(2025, 5, 1),
        (Status.ACHIEVED, "100", None),
        "15 au 01.02.2025, dans la fourchette 10–20.",
        id="range-inside-after-the-target-date-is-achieved",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 21)],
        MIDWAY,
        (Status.WARNING, "90.0", None),
        "21 au 01.02.2025, hors de la fourchette 10–20.",
        id="range-slightly-above-is-warning",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 9)],
        MIDWAY,
        (Status.WARNING, "90.0", None),
        "9 au 01.02.2025, hors de la fourchette 10–20.",
        id="range-slightly-below-is-warning",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 25)],
        MIDWAY,
        (Status.OFF_TRACK, "50.0", None),
        "25 au 01.02.2025, hors de la fourchette 10–20.",
        id="range-outside-by-more-than-a-tenth-of-its-width-is-off-track",
    ),
    pytest.param(
        a_range(10, 20),
        [(FEB_1, 45)],
        MIDWAY,
        (Status.OFF_TRACK, "0", None),
        "45 au 01.02.2025, hors de la fourchette 10–20.",
        id="range-far-outside-has-zero-attainment",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(datetime.date(2024, 12, 1), 20)],
        datetime.date(2024, 12, 15),
        (Status.ON_TRACK, "10.0", "0"),
        "10 % du but atteint ; 0 % attendu au 15.12.2024.",
        id="before-the-baseline-date-nothing-is-expected-yet",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(FEB_1, 150)],
        datetime.date(2025, 6, 1),
        (Status.WARNING, "75.0", "100"),
        "75 % du but atteint ; l'échéance du 11.04.2025 est passée.",
        id="after-the-target-date-everything-is-expected-and-the-deadline-is-passed",
    ),
    pytest.param(
        trajectory(target_value=200),
        [],
        MIDWAY,
        (Status.NO_DATA, None, None),
        "Aucune valeur mesurée.",
        id="no-value-is-no-data",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(datetime.date(2025, 3, 1), 100), (datetime.date(2025, 4, 1), 150)],
        MIDWAY,
        (Status.NO_DATA, None, None),
        "Aucune valeur mesurée.",
        id="values-only-after-the-date-are-no-data",
    ),
    pytest.param(
        trajectory(target_value=0),
        [(FEB_1, 5)],
        MIDWAY,
        (Status.NO_DATA, None, None),
        "Valeur 5 : l'atteinte ne peut pas être calculée (état visé nul).",
        id="target-zero-with-unknown-baseline-cannot-be-computed",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(FEB_1, 300)],
        MIDWAY,
        (Status.ACHIEVED, "150.0", "50.0"),
        "Cible atteinte : 150 % du but au 01.02.2025.",
        id="over-achievement-is-above-100-percent-and-achieved",
    ),
    pytest.param(
        trajectory(target_value=200),
        [(datetime.date(2025, 1, 10), 40), (MIDWAY, 100), (datetime.date(2025, 3, 1), 200)],
        MIDWAY,
        (Status.ON_TRACK, "50.0", "50.0"),
        "50 % du but atteint ; 50 % attendu au 20.02.2025.",
        id="the-latest-value-on-or-before-the-date-is-the-current-one",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "values", "on", "outcome", "explanation"), CASES)
def test_evaluate(strategy, fields, values, on, outcome, explanation):
    indicator = make_indicator(strategy, values, **fields)
    status, attainment, expected = outcome

    evaluation = indicator.evaluate(on)

    assert evaluation.status == status
    assert evaluation.attainment == (None if attainment is None else Decimal(attainment))
    assert evaluation.expected == (None if expected is None else Decimal(expected))
    assert evaluation.explanation == explanation


@pytest.mark.django_db
def test_evaluation_carries_the_current_value_and_its_date(strategy):
    indicator = make_indicator(
        strategy, [(datetime.date(2025, 1, 10), 40), (FEB_1, 100)], **trajectory(target_value=200)
    )

    evaluation = indicator.evaluate(MIDWAY)

    assert evaluation.value == Decimal(100)
    assert evaluation.value_date == FEB_1
    assert evaluation.symbol == "✓"


@pytest.mark.django_db
def test_no_data_evaluation_has_neither_value_nor_symbol_of_progress(strategy):
    evaluation = make_indicator(strategy, **trajectory()).evaluate(MIDWAY)

    assert evaluation.value is None
    assert evaluation.value_date is None
    assert evaluation.symbol == "?"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "status"),
    [
        pytest.param(95, Status.ON_TRACK, id="exactly-95-percent-of-expected-is-on-track"),
        pytest.param(94, Status.WARNING, id="just-below-95-percent-of-expected-is-warning"),
        pytest.param(70, Status.WARNING, id="exactly-70-percent-of-expected-is-warning"),
        pytest.param(69, Status.OFF_TRACK, id="just-below-70-percent-of-expected-is-off-track"),
        pytest.param(200, Status.ACHIEVED, id="exactly-the-target-is-achieved"),
    ],
)
def test_default_thresholds_are_inclusive(strategy, value, status):
    # At MIDWAY 50 % is expected: a value v of 200 is v/2 % of the way, v % of the expected.
    indicator = make_indicator(strategy, [(FEB_1, value)], **trajectory(target_value=200))

    assert indicator.evaluate(MIDWAY).status == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "default_status", "custom_status"),
    [
        pytest.param(60, Status.OFF_TRACK, Status.ON_TRACK, id="60-percent-of-expected"),
        pytest.param(40, Status.OFF_TRACK, Status.WARNING, id="40-percent-of-expected"),
        pytest.param(20, Status.OFF_TRACK, Status.OFF_TRACK, id="20-percent-of-expected"),
        pytest.param(80, Status.WARNING, Status.ON_TRACK, id="80-percent-of-expected"),
    ],
)
def test_custom_thresholds_of_the_strategy_change_the_status(
    strategy, value, default_status, custom_status
):
    lenient = StrategyFactory(on_track_threshold=Decimal(50), warning_threshold=Decimal(30))
    fields = trajectory(target_value=200)

    default = make_indicator(strategy, [(FEB_1, value)], **fields).evaluate(MIDWAY)
    custom = make_indicator(lenient, [(FEB_1, value)], **fields).evaluate(MIDWAY)

    assert default.status == default_status
    assert custom.status == custom_status
    assert custom.attainment == default.attainment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(datetime.date(2024, 6, 1), "0", id="before-the-baseline-date"),
        pytest.param(START, "0", id="on-the-baseline-date"),
        pytest.param(datetime.date(2025, 1, 11), "10.0", id="a-tenth-of-the-way"),
        pytest.param(MIDWAY, "50.0", id="halfway"),
        pytest.param(END, "100", id="on-the-target-date"),
        pytest.param(datetime.date(2026, 1, 1), "100", id="after-the-target-date"),
    ],
)
def test_expected_progress_is_linear_between_baseline_and_target_dates(strategy, on, expected):
    indicator = make_indicator(strategy, **trajectory())

    assert indicator.expected_progress(on) == Decimal(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(datetime.date(2020, 1, 1), "0", id="1-january-of-the-start-year"),
        pytest.param(datetime.date(2026, 5, 1), "57.6", id="2312-of-4017-days"),
        pytest.param(datetime.date(2030, 12, 31), "100", id="31-december-of-the-horizon-year"),
    ],
)
def test_expected_progress_defaults_to_the_strategy_years(strategy, on, expected):
    indicator = make_indicator(strategy)

    assert indicator.trajectory_start() == datetime.date(2020, 1, 1)
    assert indicator.trajectory_end() == datetime.date(2030, 12, 31)
    assert indicator.expected_progress(on) == Decimal(expected)


@pytest.mark.django_db
def test_explanation_dates_read_dd_mm_yyyy_in_english_too(strategy):
    indicator = make_indicator(strategy, [(FEB_1, 100)], **trajectory(target_value=200))

    with translation.override("en"):
        explanation = indicator.evaluate(MIDWAY).explanation

    assert "20.02.2025" in explanation
    assert "02/20/2025" not in explanation


@pytest.mark.django_db
def test_explanation_deadline_reads_dd_mm_yyyy_in_english_too(strategy):
    indicator = make_indicator(strategy, [(FEB_1, 100)], **trajectory(target_value=200))

    with translation.override("en"):
        explanation = indicator.evaluate(datetime.date(2025, 6, 1)).explanation

    assert "11.04.2025" in explanation


@pytest.mark.django_db
def test_explanation_groups_thousands_the_french_way(strategy):
    indicator = make_indicator(strategy, [(FEB_1, 1500)], **a_range(1000, 2000))

    explanation = indicator.evaluate(MIDWAY).explanation

    assert explanation == "1\u202f500 au 01.02.2025, dans la fourchette 1\u202f000–2\u202f000."


@pytest.mark.django_db
def test_explanation_writes_a_decimal_value_without_padding_zeros(strategy):
    indicator = make_indicator(strategy, [(FEB_1, "20.5")], **a_range(10, 20))

    explanation = indicator.evaluate(MIDWAY).explanation

    assert explanation == "20,5 au 01.02.2025, hors de la fourchette 10–20."


# --- Several indicators at once --------------------------------------------------------------


ON = datetime.date(2025, 3, 15)


def make_indicators(strategy, count, decimals=False):
    """``count`` indicators of every kind, each with four values (one after ON)."""
    kinds = [
        {"target_value": 200},
        {"direction": DECREASE, "target_value": 20},
        {"baseline_value": 100, "target_value": 200},
        {
            "direction": RANGE,
            "target_value": None,
            "range_min": Decimal(10),
            "range_max": Decimal(20),
        },
        {"target_value": 0},
    ]
    latest = [146, 15, 60, 300, 12, 100, 19]  # on ON: on track, achieved, off track, no data...
    dates = [
        datetime.date(2025, 1, 10),
        FEB_1,
        datetime.date(2025, 3, 1),
        datetime.date(2025, 4, 1),
    ]
    indicators = []
    for n in range(count):
        indicator = make_indicator(strategy, **trajectory(**kinds[n % len(kinds)]))
        for date, offset in zip(dates, (-5, -2, 0, 50), strict=True):
            value = Decimal(latest[n % len(latest)] + offset)
            if decimals:
                value += Decimal("0.25")
            IndicatorValueFactory(indicator=indicator, date=date, value=value)
        indicators.append(indicator)
    if count > len(kinds):  # and one without any value
        indicators.append(make_indicator(strategy, **trajectory()))
    return indicators


@pytest.mark.django_db
def test_with_latest_value_annotates_the_last_value_on_or_before_the_date(strategy):
    indicator = make_indicator(
        strategy,
        [(datetime.date(2025, 1, 10), 40), (FEB_1, 100), (datetime.date(2025, 3, 1), 200)],
        **trajectory(),
    )
    empty = make_indicator(strategy, **trajectory())

    annotated = {i.pk: i for i in Indicator.objects.with_latest_value(FEB_1)}

    assert annotated[indicator.pk].latest_value == Decimal(100)
    assert annotated[indicator.pk].latest_value_date == FEB_1
    assert annotated[empty.pk].latest_value is None
    assert annotated[empty.pk].latest_value_date is None


@pytest.mark.django_db
def test_evaluated_gives_the_same_evaluations_as_evaluate(strategy):
    indicators = make_indicators(strategy, 12)

    evaluated = dict(Indicator.objects.for_strategy(strategy).evaluated(ON))

    assert {i.pk for i in evaluated} == {i.pk for i in indicators}
    statuses = set()
    for indicator, evaluation in evaluated.items():
        fresh = Indicator.objects.get(pk=indicator.pk)
        assert evaluation == fresh.evaluate(ON)
        statuses.add(evaluation.status)
    assert len(statuses) >= 4  # the sample covers the engine's branches


@pytest.mark.django_db
def test_evaluated_agrees_with_evaluate_on_decimal_values(strategy):
    make_indicators(strategy, 6, decimals=True)

    for indicator, evaluation in Indicator.objects.for_strategy(strategy).evaluated(ON):
        assert evaluation == Indicator.objects.get(pk=indicator.pk).evaluate(ON)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 12])
def test_evaluating_indicators_takes_one_query_whatever_their_number(
    strategy, count, django_assert_num_queries
):
    make_indicators(strategy, count)

    with django_assert_num_queries(1):
        evaluations = Indicator.objects.for_strategy(strategy).evaluated(ON)

    assert len(evaluations) >= count
