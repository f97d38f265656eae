"""Rollups: projects by mark, status and budget (ImplementationRollup), indicators by status
(EffectRollup), and both side by side per strategy, axis and measure (cockpit.rollups)."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import EffectRollup, Evaluation, Indicator, Status
from projects.models import Project
from projects.rollups import ImplementationRollup
from steering.rollups import axis_rollups, measure_rollups, strategy_rollup
from tests.factories import (
    AxisFactory,
    DomainFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
)

ON = datetime.date(2025, 3, 15)
S = Project.Status


def days(n):
    return ON + datetime.timedelta(days=n)


# --- ImplementationRollup ------------------------------------------------------------------


@pytest.fixture
def portfolio(strategy):
    """Seven projects in three measures (two axes), a fourth measure empty, and a project of
    another strategy that must never be counted."""
    axis_1, axis_2 = AxisFactory(strategy=strategy), AxisFactory(strategy=strategy)
    m1, m2 = MeasureFactory.create_batch(2, domain__axis=axis_1)
    m3, m4 = MeasureFactory.create_batch(2, domain__axis=axis_2)

    def project(measure, status, end=None, progress=None, planned=None, spent=None):
        return ProjectFactory(
            measure=measure,
            status=status,
            end_date=None if end is None else days(end),
            progress=progress,
            budget_planned=None if planned is None else Decimal(planned),
            budget_spent=None if spent is None else Decimal(spent),
        )

    project(m1, S.DONE, end=-60, progress=100, planned="1000", spent="900")
    project(m1, S.IN_PROGRESS, end=-1, progress=80, planned="2000", spent="500")  # late
    project(m1, S.PAUSED)  # warning, no budget
    project(m2, S.ABANDONED, end=-10, planned="5000", spent="300")
    project(m2, S.BLOCKED, end=100, planned="1000", spent="0")
    project(m2, S.IN_PROGRESS, end=10, progress=10, planned="500", spent="100")  # due soon
    project(m3, S.PLANNED, planned="250.50")  # not yet scheduled
    ProjectFactory(status=S.IN_PROGRESS, end_date=days(-5), budget_planned=Decimal(999))
    return {"axes": (axis_1, axis_2), "measures": (m1, m2, m3, m4)}


def test_rollup_counts_marks_statuses_done_late_and_budgets(strategy, portfolio):
    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    assert rollup.total == 7
    assert rollup.marks == {
        "ok": 1,
        "warning": 2,
        "ko": 1,
        "blocked": 1,
        "unscheduled": 1,
        "abandoned": 1,
    }
    assert rollup.statuses == {
        "planned": 1,
        "in_progress": 2,
        "done": 1,
        "paused": 1,
        "blocked": 1,
        "abandoned": 1,
    }
    assert (rollup.late, rollup.blocked, rollup.unscheduled) == (1, 1, 1)
    assert rollup.done == 1
    assert rollup.active == 6
    assert rollup.engaged == 5  # all but the planned one and the abandoned one


def test_late_and_blocked_are_counted_apart(strategy):
    axis = AxisFactory(strategy=strategy)
    ProjectFactory(measure__domain__axis=axis, status=S.IN_PROGRESS, end_date=days(-1))
    ProjectFactory(measure__domain__axis=axis, status=S.BLOCKED, end_date=days(-1))
    ProjectFactory(measure__domain__axis=axis, status=S.BLOCKED, end_date=days(100))

    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    assert rollup.late == 1 == Project.objects.for_strategy(strategy).late(ON).count()
    assert rollup.blocked == 2
    assert rollup.marks["ko"] == rollup.late


def test_rollup_leaves_abandoned_projects_out_of_share_done_and_planned_budget(strategy, portfolio):
    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    assert rollup.percent_done == Decimal("16.7")  # 1 done of 6 active
    assert rollup.budget_planned == Decimal("4750.50")  # the abandoned 5000 left out
    assert rollup.budget_spent == Decimal("1800")  # what the abandoned one spent is spent
    assert rollup.percent_spent == Decimal("37.9")


def test_rollup_by_measure_groups_the_projects(strategy, portfolio):
    m1, m2, m3, _empty = portfolio["measures"]

    rollups = Project.objects.for_strategy(strategy).rollup_by("measure", ON)

    assert set(rollups) == {m1.pk, m2.pk, m3.pk}
    assert rollups[m1.pk] == ImplementationRollup(
        total=3,
        marks={"ok": 1, "warning": 1, "ko": 1},
        statuses={"done": 1, "in_progress": 1, "paused": 1},
        budget_planned=Decimal("3000"),
        budget_spent=Decimal("1400"),
    )
    assert rollups[m1.pk].percent_done == Decimal("33.3")
    assert rollups[m2.pk].marks == {
        "ok": 0,
        "warning": 1,
        "ko": 0,
        "blocked": 1,
        "unscheduled": 0,
        "abandoned": 1,
    }
    assert rollups[m2.pk].budget_planned == Decimal("1500")
    assert rollups[m2.pk].percent_done == Decimal("0.0")
    assert rollups[m3.pk].budget_spent == Decimal(0)
    assert rollups[m3.pk].percent_spent == Decimal("0.0")


def test_rollup_by_axis_groups_the_projects_of_its_measures(strategy, portfolio):
    axis_1, axis_2 = portfolio["axes"]

    rollups = Project.objects.for_strategy(strategy).rollup_by("axis", ON)

    assert {axis: rollup.total for axis, rollup in rollups.items()} == {axis_1.pk: 6, axis_2.pk: 1}
    assert rollups[axis_1.pk].abandoned == 1


def test_rollup_takes_one_query_and_so_does_rollup_by(
    strategy, portfolio, django_assert_num_queries
):
    with django_assert_num_queries(1):
        Project.objects.for_strategy(strategy).rollup(ON)
    with django_assert_num_queries(1):
        Project.objects.for_strategy(strategy).rollup_by("measure", ON)


def test_rollup_of_no_project_is_zero_without_percentages(strategy):
    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    assert rollup == ImplementationRollup()
    assert set(rollup.marks.values()) == set(rollup.statuses.values()) == {0}
    assert rollup.budget_planned == Decimal(0)
    assert rollup.percent_done is None
    assert rollup.percent_spent is None


@pytest.mark.django_db
def test_rollup_of_only_abandoned_projects_has_no_share_done():
    ProjectFactory(status=S.ABANDONED, budget_planned=Decimal(100))

    rollup = Project.objects.rollup(ON)

    assert rollup.active == 0
    assert rollup.percent_done is None
    assert rollup.budget_planned == Decimal(0)
    assert rollup.percent_spent is None


def test_rollup_marks_agree_with_the_python_marks(strategy, portfolio):
    projects = list(Project.objects.for_strategy(strategy))

    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    for mark, count in rollup.marks.items():
        assert count == sum(1 for p in projects if p.mark(ON) == mark)
    assert rollup.late == sum(1 for p in projects if p.is_late(ON))


@pytest.mark.parametrize("on", [days(-100), ON, days(200)], ids=["earlier", "on", "later"])
def test_rollup_computed_in_python_equals_the_database_rollup(strategy, portfolio, on):
    projects = list(Project.objects.for_strategy(strategy))

    assert ImplementationRollup.of(
        projects, on, strategy.horizon_date
    ) == Project.objects.for_strategy(strategy).rollup(on)


def test_rollup_computed_in_python_of_no_project_is_zero():
    assert ImplementationRollup.of([], ON, ON) == ImplementationRollup()


# --- EffectRollup --------------------------------------------------------------------------


def evaluation(status, attainment=None):
    return Evaluation(status, None if attainment is None else Decimal(attainment), "")


def test_effect_rollup_counts_statuses_and_averages_attainments():
    rollup = EffectRollup.of(
        [
            evaluation(Status.ACHIEVED, "100"),
            evaluation(Status.ON_TRACK, "50"),
            evaluation(Status.OFF_TRACK, "75.5"),
            evaluation(Status.OFF_TRACK, "-10"),
            evaluation(Status.NO_DATA),
        ]
    )

    assert rollup.total == 5
    assert rollup.counts == {
        "achieved": 1,
        "on_track": 1,
        "warning": 0,
        "off_track": 2,
        "no_data": 1,
    }
    assert (rollup.achieved, rollup.on_track, rollup.warning, rollup.off_track) == (1, 1, 0, 2)
    assert rollup.no_data == 1
    assert rollup.mean_attainment == Decimal("53.9")  # 215.5 / 4, the no-data one left out


def test_effect_rollup_without_any_attainment_has_no_mean():
    rollup = EffectRollup.of([evaluation(Status.NO_DATA), evaluation(Status.NO_DATA)])

    assert rollup.total == 2
    assert rollup.no_data == 2
    assert rollup.mean_attainment is None


def test_effect_rollup_of_nothing_is_zero():
    rollup = EffectRollup.of([])

    assert rollup.total == 0
    assert set(rollup.counts.values()) == {0}
    assert rollup.mean_attainment is None


# --- cockpit.rollups: both sides per strategy, axis and measure ------------------------------

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 4, 11)  # 73 % expected on ON


def indicator(values=(), **fields):
    made = IndicatorFactory(baseline_date=START, target_date=END, target_value=100, **fields)
    for date, value in values:
        IndicatorValueFactory(indicator=made, date=date, value=Decimal(value))
    return made


def build_pattern(strategy):
    """Three axes (the third empty), three measures (the second empty), four projects, five
    indicators: the figures of each rollup are known by hand."""
    a1, a2, a3 = AxisFactory.create_batch(3, strategy=strategy)
    m1, m2 = MeasureFactory.create_batch(2, domain=DomainFactory(axis=a1))
    m3 = MeasureFactory(domain=DomainFactory(axis=a2))
    ProjectFactory(measure=m1, status=S.DONE, budget_planned=Decimal(100))
    ProjectFactory(measure=m1, status=S.IN_PROGRESS, end_date=days(-1), budget_spent=Decimal(40))
    ProjectFactory(measure=m3, status=S.BLOCKED, budget_planned=Decimal(50))
    ProjectFactory(measure=m3, status=S.ABANDONED, budget_planned=Decimal(1000))
    feb = datetime.date(2025, 2, 1)
    indicator([(feb, 120)], axis=a1)  # achieved, 120 %
    indicator([(feb, 30), (days(-1), 50), (days(1), 99)], axis=a1)  # off track, 50 %
    indicator(axis=a2)  # no data
    indicator([(feb, 73)], operational=True, measure=m1)  # on track, 73 %
    indicator([(feb, 60)], operational=True, measure=m3)  # warning, 60 %
    return {"axes": (a1, a2, a3), "measures": (m1, m2, m3)}


@pytest.fixture
def cascade(strategy):
    built = build_pattern(strategy)
    build_pattern(StrategyFactory())  # another strategy, never counted
    return built


def test_strategy_rollup_sums_all_projects_and_the_strategic_indicators(strategy, cascade):
    rollup = strategy_rollup(strategy, ON)

    assert rollup.implementation.total == 4
    assert rollup.implementation.marks == {
        "ok": 1,
        "warning": 0,
        "ko": 1,
        "blocked": 1,
        "unscheduled": 0,
        "abandoned": 1,
    }
    assert (rollup.implementation.done, rollup.implementation.late) == (1, 1)
    assert rollup.implementation.percent_done == Decimal("33.3")
    assert rollup.implementation.budget_planned == Decimal(150)
    assert rollup.effect.total == 3  # the operational indicators are left to the measures
    assert (rollup.effect.achieved, rollup.effect.off_track, rollup.effect.no_data) == (1, 1, 1)
    assert rollup.effect.mean_attainment == Decimal("85.0")


def test_axis_rollups_cover_every_axis_even_empty_ones(strategy, cascade):
    a1, a2, a3 = cascade["axes"]

    rollups = axis_rollups(strategy, ON)

    assert set(rollups) == {a1.pk, a2.pk, a3.pk}
    assert rollups[a1.pk].implementation.total == 2
    assert rollups[a1.pk].implementation.done == 1
    assert rollups[a1.pk].implementation.late == 1
    assert rollups[a1.pk].effect.counts["achieved"] == 1
    assert rollups[a1.pk].effect.counts["off_track"] == 1
    assert rollups[a1.pk].effect.mean_attainment == Decimal("85.0")
    assert rollups[a2.pk].implementation.blocked == 1
    assert rollups[a2.pk].implementation.abandoned == 1
    assert rollups[a2.pk].implementation.late == 0
    assert rollups[a2.pk].implementation.percent_done == Decimal("0.0")
    assert rollups[a2.pk].effect.no_data == 1
    assert rollups[a2.pk].effect.mean_attainment is None
    assert rollups[a3.pk].implementation == ImplementationRollup()
    assert rollups[a3.pk].effect == EffectRollup.of([])


def test_measure_rollups_cover_every_measure_even_empty_ones(strategy, cascade):
    m1, m2, m3 = cascade["measures"]

    rollups = measure_rollups(strategy, ON)

    assert set(rollups) == {m1.pk, m2.pk, m3.pk}
    assert rollups[m1.pk].implementation.total == 2
    assert rollups[m1.pk].effect.on_track == 1
    assert rollups[m1.pk].effect.total == 1  # the strategic indicators stay with the axis
    assert rollups[m1.pk].effect.mean_attainment == Decimal("73.0")
    assert rollups[m2.pk].implementation.total == 0
    assert rollups[m2.pk].effect.total == 0
    assert rollups[m3.pk].implementation.blocked == 1
    assert rollups[m3.pk].effect.warning == 1
    assert rollups[m3.pk].effect.mean_attainment == Decimal("60.0")


def test_axis_and_measure_rollups_add_up_to_the_strategy_rollup(strategy, cascade):
    whole = strategy_rollup(strategy, ON)

    by_axis = axis_rollups(strategy, ON).values()
    by_measure = measure_rollups(strategy, ON).values()

    assert sum(r.implementation.total for r in by_axis) == whole.implementation.total
    assert sum(r.implementation.total for r in by_measure) == whole.implementation.total
    assert sum(r.effect.total for r in by_axis) == whole.effect.total
    assert (
        sum(r.effect.total for r in by_measure)
        == Indicator.objects.filter(strategy=strategy, level=Indicator.Level.OPERATIONAL).count()
    )


@pytest.mark.parametrize("size", [1, 3])
def test_rollups_take_a_constant_number_of_queries(strategy, size, django_assert_num_queries):
    for _ in range(size):
        build_pattern(strategy)

    # The strategy's rollup and its axes' come from the same two aggregations (and the axes'
    # ids), read once for the request.
    with django_assert_num_queries(3):
        whole = strategy_rollup(strategy, ON)
        by_axis = axis_rollups(strategy, ON)
    with django_assert_num_queries(3):
        by_measure = measure_rollups(strategy, ON)

    assert whole.implementation.total == 4 * size
    assert whole.effect.total == 3 * size
    assert len(by_axis) == 3 * size
    assert len(by_measure) == 3 * size


def test_rollup_counts_projects_ending_after_the_horizon_and_the_committed_budget(strategy):
    axis = AxisFactory(strategy=strategy)  # the strategy's horizon: 31.12.2030

    def project(status, end, committed):
        return ProjectFactory(
            measure__domain__axis=axis,
            status=status,
            end_date=end,
            budget_committed=Decimal(committed),
        )

    project(S.IN_PROGRESS, datetime.date(2031, 1, 1), "100")
    project(S.DONE, datetime.date(2030, 12, 31), "25")
    project(S.ABANDONED, datetime.date(2032, 1, 1), "50")  # apart, but what it committed stays
    projects = list(Project.objects.for_strategy(strategy))

    rollup = Project.objects.for_strategy(strategy).rollup(ON)

    assert rollup.after_horizon == 1
    assert rollup.budget_committed == Decimal("175")
    assert ImplementationRollup.of(projects, ON, strategy.horizon_date) == rollup
