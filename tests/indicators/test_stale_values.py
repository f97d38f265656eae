"""Data age of an indicator: a value older than its period plus the strategy's grace is « à
actualiser », and its status sentence says so while the status stays as computed."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator, Status
from tests.factories import IndicatorFactory, IndicatorValueFactory, StrategyFactory

ON = datetime.date(2026, 12, 6)
F = Indicator.Frequency


def days_before(days: int) -> datetime.date:
    return ON - datetime.timedelta(days=days)


# (frequency, age of the value in days on ON, stale?) with the default grace (25 % of the
# period) and the default irregular limit (12 months = 365 days).
STALE_RULES = [
    (F.MONTHLY, 20, False),
    (F.MONTHLY, 37, False),  # 30 + 7: the last day of the grace
    (F.MONTHLY, 38, True),
    (F.QUARTERLY, 91, False),
    (F.QUARTERLY, 113, False),  # 91 + 22
    (F.QUARTERLY, 114, True),
    (F.HALF_YEARLY, 227, False),  # 182 + 45
    (F.HALF_YEARLY, 228, True),
    (F.YEARLY, 365, False),
    (F.YEARLY, 456, False),  # 365 + 91
    (F.YEARLY, 457, True),
    (F.IRREGULAR, 300, False),
    (F.IRREGULAR, 365, False),  # 12 months, no grace
    (F.IRREGULAR, 366, True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("frequency", "age", "stale"), STALE_RULES)
def test_value_older_than_its_period_plus_grace_is_stale(frequency, age, stale):
    indicator = IndicatorFactory(frequency=frequency)
    assert indicator.is_stale(days_before(age), ON) is stale


@pytest.mark.django_db
def test_every_frequency_has_a_stale_rule():
    assert {row[0] for row in STALE_RULES} == set(F.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("grace_percent", "age", "stale"),
    [(0, 91, False), (0, 92, True), (100, 182, False), (100, 183, True)],
)
def test_grace_is_a_strategy_setting(grace_percent, age, stale):
    strategy = StrategyFactory(stale_grace_percent=grace_percent)
    indicator = IndicatorFactory(axis__strategy=strategy, frequency=F.QUARTERLY)
    assert indicator.is_stale(days_before(age), ON) is stale


@pytest.mark.django_db
def test_irregular_limit_is_a_strategy_setting():
    strategy = StrategyFactory(irregular_stale_months=6)
    indicator = IndicatorFactory(axis__strategy=strategy, frequency=F.IRREGULAR)
    assert not indicator.is_stale(days_before(182), ON)
    assert indicator.is_stale(days_before(183), ON)


@pytest.mark.django_db
def test_stale_value_sentence_gives_its_date_and_keeps_the_status():
    indicator = IndicatorFactory(
        frequency=F.QUARTERLY,
        baseline_value=Decimal(0),
        baseline_date=datetime.date(2024, 1, 1),
        target_date=datetime.date(2028, 1, 1),
    )
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2024, 3, 12), value=1)
    fresh = indicator.evaluate(datetime.date(2024, 4, 1))
    evaluation = indicator.evaluate(ON)

    assert evaluation.stale
    assert not evaluation.up_to_date
    assert evaluation.status == Status.OFF_TRACK
    assert evaluation.explanation.startswith(
        "Dernière valeur du 12.03.2024, à actualiser (trimestrielle). 1 % du but atteint"
    )
    assert not fresh.stale
    assert "à actualiser" not in fresh.explanation


@pytest.mark.django_db
def test_indicator_without_value_is_not_stale_but_not_up_to_date():
    evaluation = IndicatorFactory().evaluate(ON)
    assert evaluation.status == Status.NO_DATA
    assert not evaluation.stale
    assert not evaluation.up_to_date


@pytest.mark.django_db
def test_evaluated_list_flags_stale_values_without_a_query_per_row(django_assert_num_queries):
    strategy = StrategyFactory()
    for age in (10, 500, 20):
        indicator = IndicatorFactory(axis__strategy=strategy)
        IndicatorValueFactory(indicator=indicator, date=days_before(age))
    with django_assert_num_queries(1):
        flags = [e.stale for _i, e in Indicator.objects.for_strategy(strategy).evaluated(ON)]
    assert sorted(flags) == [False, False, True]
