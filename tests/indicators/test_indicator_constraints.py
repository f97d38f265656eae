"""Integrity of indicators and their values: what the database refuses (IntegrityError) and what
``full_clean()`` says of the same input (in French)."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from tests.constraints import CODE_MESSAGE, assert_rejected_by_db, in_strategy, validation_messages
from tests.factories import (
    AxisFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(strategy):
    return in_strategy(strategy)


@pytest.fixture
def axis(strategy):
    return AxisFactory(strategy=strategy)


# --- Indicators ----------------------------------------------------------------------------


def test_indicator_codes_are_unique_within_a_strategy(strategy, axis, measure):
    IndicatorFactory(axis=axis, code="i1")
    duplicate = IndicatorFactory.build(operational=True, measure=measure, code="i1")

    assert_rejected_by_db(duplicate, "indicator_unique_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code d'indicateur est déjà utilisé dans la stratégie."
    ]


def test_indicator_codes_are_unique_within_a_strategy_ignoring_case(strategy, axis, measure):
    IndicatorFactory(axis=axis, code="i1")
    duplicate = IndicatorFactory.build(operational=True, measure=measure, code="I1")

    assert_rejected_by_db(duplicate, "indicator_unique_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code d'indicateur est déjà utilisé dans la stratégie."
    ]


def test_the_same_indicator_code_may_be_used_in_two_strategies(axis):
    IndicatorFactory(axis=axis, code="i1")
    other = IndicatorFactory.build(axis=AxisFactory(), code="i1")

    other.full_clean()
    other.save()


def test_indicator_codes_with_spaces_are_refused(axis):
    indicator = IndicatorFactory.build(axis=axis, code="i 1")

    assert any(CODE_MESSAGE in m for m in validation_messages(indicator))


LEVEL_MESSAGE = (
    "Un indicateur stratégique se rattache à un axe, un indicateur opérationnel à une mesure."
)


def test_strategic_indicator_needs_an_axis(strategy):
    indicator = IndicatorFactory.build(strategy=strategy, axis=None)

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_strategic_indicator_cannot_hang_on_a_measure(axis, measure):
    indicator = IndicatorFactory.build(axis=axis, measure=measure)

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_operational_indicator_needs_a_measure(strategy, axis):
    indicator = IndicatorFactory.build(
        strategy=strategy, level=Indicator.Level.OPERATIONAL, axis=axis, measure=None
    )

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_operational_indicator_on_a_measure_is_valid(measure):
    indicator = IndicatorFactory.build(operational=True, measure=measure)

    indicator.full_clean()
    indicator.save()
    assert indicator.strategy == measure.strategy


def test_indicator_target_equal_to_baseline_is_rejected(axis):
    indicator = IndicatorFactory.build(
        axis=axis, baseline_value=Decimal(50), target_value=Decimal(50)
    )

    assert_rejected_by_db(indicator, "indicator_target_differs_from_baseline")
    assert "L'état visé doit différer de l'état actuel." in validation_messages(indicator)


TARGET_MESSAGE = (
    "Indiquez l'état visé (ou, pour une fourchette, un minimum et un maximum ordonnés)."
)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"range_min": Decimal(20), "range_max": Decimal(10)}, id="min-above-max"),
        pytest.param({"range_min": None, "range_max": Decimal(10)}, id="no-min"),
        pytest.param({"range_min": Decimal(10), "range_max": None}, id="no-max"),
    ],
)
def test_range_indicator_needs_an_ordered_range(axis, fields):
    indicator = IndicatorFactory.build(
        axis=axis, direction=Indicator.Direction.RANGE, target_value=None, **fields
    )

    assert_rejected_by_db(indicator, "indicator_target_defined")
    assert TARGET_MESSAGE in validation_messages(indicator)


def test_range_of_a_single_value_is_allowed(axis):
    indicator = IndicatorFactory.build(
        axis=axis,
        direction=Indicator.Direction.RANGE,
        target_value=None,
        range_min=Decimal(10),
        range_max=Decimal(10),
    )

    indicator.full_clean()
    indicator.save()


@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_increasing_or_decreasing_indicator_needs_a_target(axis, direction):
    indicator = IndicatorFactory.build(axis=axis, direction=direction, target_value=None)

    assert_rejected_by_db(indicator, "indicator_target_defined")
    assert TARGET_MESSAGE in validation_messages(indicator)


@pytest.mark.parametrize(
    "target_date",
    [datetime.date(2025, 1, 1), datetime.date(2024, 12, 31)],
    ids=["same-day", "before"],
)
def test_indicator_target_date_must_follow_the_baseline_date(axis, target_date):
    indicator = IndicatorFactory.build(
        axis=axis, baseline_date=datetime.date(2025, 1, 1), target_date=target_date
    )

    assert_rejected_by_db(indicator, "indicator_target_date_after_baseline")
    assert "L'échéance doit suivre la date de l'état actuel." in validation_messages(indicator)


@pytest.mark.parametrize(
    ("field", "value"),
    [("direction", "sideways"), ("level", "tactical"), ("frequency", "daily")],
)
def test_indicator_values_outside_the_choices_are_rejected(axis, field, value):
    indicator = IndicatorFactory.build(axis=axis, **{field: value})

    # An unknown direction or level also breaks the target or parent rule: any of them will do.
    assert_rejected_by_db(
        indicator,
        "indicator_choices_valid",
        "indicator_target_defined",
        "indicator_level_matches_parent",
    )
    assert any("n’est pas un choix valide" in m for m in validation_messages(indicator))


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "message"),
    [
        ("increase", 50, 40, "Un indicateur à augmenter vise plus que l'état actuel."),
        ("decrease", 50, 60, "Un indicateur à diminuer vise moins que l'état actuel."),
    ],
)
def test_indicator_target_must_go_the_indicators_way(axis, direction, baseline, target, message):
    indicator = IndicatorFactory.build(
        axis=axis,
        direction=direction,
        baseline_value=Decimal(baseline),
        target_value=Decimal(target),
    )

    assert validation_messages(indicator) == [message]


def test_indicator_parent_must_belong_to_the_same_strategy(strategy):
    indicator = IndicatorFactory.build(strategy=strategy, axis=AxisFactory())

    assert validation_messages(indicator) == [
        "Il doit appartenir à la même stratégie que l'indicateur."
    ]


def test_an_indicator_has_one_value_per_date(axis):
    value = IndicatorValueFactory(indicator=IndicatorFactory(axis=axis))
    duplicate = IndicatorValue(indicator=value.indicator, date=value.date, value=Decimal(1))

    assert_rejected_by_db(duplicate, "indicator_value_unique_date")
    assert validation_messages(duplicate) == [
        "Une valeur existe déjà à cette date pour cet indicateur."
    ]


def test_the_database_is_usable_after_a_rejected_row(measure):
    assert_rejected_by_db(
        ProjectFactory.build(measure=measure, priority=9), "project_priority_1_to_3"
    )

    ProjectFactory(measure=measure)
    assert Project.objects.count() == 1
