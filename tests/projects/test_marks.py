"""The cockpit mark of a project (✓ / ! / ✗ en retard / ✗ bloqué / ? non planifié, abandoned
apart), its lateness and whether it ends after its strategy's horizon, in Python and in SQL: both
implementations must agree on every case."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Mark, Project
from tests.factories import ProjectFactory

ON = datetime.date(2026, 5, 1)
S = Project.Status


def days(n):
    return ON + datetime.timedelta(days=n)


# (status, end date, progress) → (mark, late); a project with an end date starts a year before.
CASES = [
    pytest.param(
        S.PLANNED, None, None, Mark.UNSCHEDULED, False, id="planned-without-dates-is-unscheduled"
    ),
    pytest.param(S.PLANNED, days(90), None, Mark.OK, False, id="planned-ending-later-is-ok"),
    pytest.param(S.PLANNED, days(-1), None, Mark.LATE, True, id="planned-ended-yesterday-is-late"),
    pytest.param(S.IN_PROGRESS, None, 10, Mark.OK, False, id="in-progress-without-end-date-is-ok"),
    pytest.param(
        S.IN_PROGRESS, days(31), 10, Mark.OK, False, id="in-progress-ending-in-31-days-is-ok"
    ),
    pytest.param(
        S.IN_PROGRESS,
        days(30),
        49,
        Mark.WARNING,
        False,
        id="in-progress-ending-in-30-days-below-half-is-warning",
    ),
    pytest.param(
        S.IN_PROGRESS,
        days(10),
        None,
        Mark.WARNING,
        False,
        id="in-progress-ending-soon-with-unknown-progress-is-warning",
    ),
    pytest.param(
        S.IN_PROGRESS,
        days(10),
        0,
        Mark.WARNING,
        False,
        id="in-progress-ending-soon-with-no-progress-is-warning",
    ),
    pytest.param(
        S.IN_PROGRESS, days(10), 50, Mark.OK, False, id="in-progress-ending-soon-half-done-is-ok"
    ),
    pytest.param(
        S.IN_PROGRESS,
        days(0),
        20,
        Mark.WARNING,
        False,
        id="in-progress-ending-today-is-due-soon-not-late",
    ),
    pytest.param(
        S.IN_PROGRESS, days(0), 90, Mark.OK, False, id="in-progress-ending-today-mostly-done-is-ok"
    ),
    pytest.param(
        S.IN_PROGRESS, days(-1), 99, Mark.LATE, True, id="in-progress-ended-yesterday-is-late"
    ),
    pytest.param(S.PAUSED, None, None, Mark.WARNING, False, id="paused-is-warning"),
    pytest.param(S.PAUSED, days(200), 80, Mark.WARNING, False, id="paused-ending-later-is-warning"),
    pytest.param(S.PAUSED, days(-30), 80, Mark.LATE, True, id="paused-and-late-is-late"),
    pytest.param(S.BLOCKED, None, None, Mark.BLOCKED, False, id="blocked-is-blocked-not-late"),
    pytest.param(
        S.BLOCKED, days(200), 80, Mark.BLOCKED, False, id="blocked-ending-later-is-blocked"
    ),
    pytest.param(
        S.BLOCKED, days(-1), 80, Mark.BLOCKED, False, id="blocked-past-its-end-is-blocked-not-late"
    ),
    pytest.param(S.DONE, days(-100), 20, Mark.OK, False, id="done-after-its-end-date-is-ok"),
    pytest.param(S.DONE, days(5), 0, Mark.OK, False, id="done-ending-soon-is-ok"),
    pytest.param(S.DONE, None, None, Mark.OK, False, id="done-without-end-date-is-ok"),
    pytest.param(
        S.ABANDONED, days(-100), 10, Mark.ABANDONED, False, id="abandoned-past-end-is-apart"
    ),
    pytest.param(
        S.ABANDONED, days(5), None, Mark.ABANDONED, False, id="abandoned-ending-soon-is-apart"
    ),
    pytest.param(
        S.ABANDONED, None, None, Mark.ABANDONED, False, id="abandoned-without-end-is-apart"
    ),
]


def make_project(status, end_date, progress, **fields):
    start_date = None if end_date is None else end_date - datetime.timedelta(days=365)
    return ProjectFactory(
        status=status, start_date=start_date, end_date=end_date, progress=progress, **fields
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "end_date", "progress", "mark", "late"), CASES)
def test_mark_and_lateness(status, end_date, progress, mark, late):
    project = make_project(status, end_date, progress)

    assert project.mark(ON) == mark
    assert project.is_late(ON) is late


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "end_date", "progress", "mark", "late"), CASES)
def test_sql_mark_agrees_with_python_mark(status, end_date, progress, mark, late):
    project = make_project(status, end_date, progress)

    annotated = Project.objects.with_mark(ON).get(pk=project.pk)

    assert annotated.current_mark == project.mark(ON) == mark


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "end_date", "progress", "mark", "late"), CASES)
def test_sql_is_late_agrees_with_python_is_late(status, end_date, progress, mark, late):
    project = make_project(status, end_date, progress)

    annotated = Project.objects.with_mark(ON).get(pk=project.pk)

    assert annotated.currently_late is project.is_late(ON) is late


@pytest.fixture
def every_case(db):
    return [make_project(*case.values[:3]) for case in CASES]


def test_with_mark_agrees_with_python_for_all_cases_at_once(every_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        annotated = {p.pk: p.current_mark for p in Project.objects.with_mark(ON)}

    assert annotated == {p.pk: p.mark(ON) for p in every_case}
    assert set(annotated.values()) == set(Mark)


def test_late_returns_exactly_the_late_projects(every_case):
    late = set(Project.objects.late(ON))

    assert late == {p for p in every_case if p.is_late(ON)}
    assert len(late) == sum(1 for case in CASES if case.values[4])


def test_projects_without_end_date_are_annotated_not_late(every_case):
    not_late = set(Project.objects.with_mark(ON).filter(currently_late=False))

    assert not_late == {p for p in every_case if not p.is_late(ON)}


@pytest.mark.django_db
def test_late_defaults_to_today():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = ProjectFactory(status=S.IN_PROGRESS, end_date=yesterday)
    ProjectFactory(status=S.IN_PROGRESS, end_date=yesterday + datetime.timedelta(days=60))

    assert list(Project.objects.late()) == [late]
    assert late.is_late()
    assert late.mark() == Mark.LATE


def test_each_mark_has_one_symbol_word_and_colour():
    assert [(m.value, m.symbol, str(m.label), m.colour) for m in Mark] == [
        ("ok", "✓", "dans les temps", "green"),
        ("warning", "!", "à surveiller", "amber"),
        ("ko", "✗", "en retard", "red"),
        ("blocked", "✗", "bloqué", "red"),
        ("unscheduled", "?", "non planifié", "grey"),
        ("abandoned", "–", "abandonné", "grey"),
    ]
    assert Mark.UNSCHEDULED.text == "? non planifié"


# --- Not yet scheduled ---------------------------------------------------------------------

# (status, start, end) → unscheduled: not started and without any date.
SCHEDULES = [
    pytest.param(S.PLANNED, None, None, True, id="planned-without-dates"),
    pytest.param(S.PLANNED, days(10), None, False, id="planned-with-a-start-only"),
    pytest.param(S.PLANNED, None, days(300), False, id="planned-with-an-end-only"),
    pytest.param(S.IN_PROGRESS, None, None, False, id="in-progress-without-dates"),
    pytest.param(S.PAUSED, None, None, False, id="paused-without-dates"),
    pytest.param(S.DONE, None, None, False, id="done-without-dates"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "start", "end", "unscheduled"), SCHEDULES)
def test_an_undated_project_not_started_is_unscheduled_in_python_and_sql(
    status, start, end, unscheduled
):
    project = ProjectFactory(status=status, start_date=start, end_date=end)

    annotated = Project.objects.with_mark(ON).get(pk=project.pk)

    assert project.is_unscheduled() is unscheduled
    assert (project.mark(ON) == Mark.UNSCHEDULED) is unscheduled
    assert annotated.current_mark == project.mark(ON)
    assert Project.objects.filter(Project.unscheduled_q(), pk=project.pk).exists() is unscheduled


@pytest.mark.django_db
def test_an_undated_project_not_started_is_never_on_schedule():
    project = ProjectFactory(status=S.PLANNED, start_date=None, end_date=None)

    assert project.mark(ON) == Mark.UNSCHEDULED != Mark.OK
    assert Project.objects.with_mark(ON).get(pk=project.pk).current_mark == "unscheduled"


# --- After the horizon -----------------------------------------------------------------------

# (status, end date) → ends after the horizon (31.12.2030), abandoned projects apart.
HORIZONS = [
    pytest.param(S.IN_PROGRESS, datetime.date(2030, 12, 31), False, id="ending-on-the-horizon"),
    pytest.param(S.IN_PROGRESS, datetime.date(2031, 1, 1), True, id="ending-the-day-after"),
    pytest.param(S.PLANNED, datetime.date(2034, 6, 1), True, id="planned-ending-years-after"),
    pytest.param(S.DONE, datetime.date(2031, 1, 1), True, id="done-ending-after"),
    pytest.param(S.ABANDONED, datetime.date(2035, 1, 1), False, id="abandoned-is-apart"),
    pytest.param(S.IN_PROGRESS, None, False, id="without-end-date"),
]


@pytest.mark.parametrize(("status", "end", "after"), HORIZONS)
def test_ending_after_the_horizon_agrees_in_python_and_sql(strategy, status, end, after):
    project = ProjectFactory(
        measure__domain__axis__strategy=strategy, status=status, start_date=None, end_date=end
    )

    annotated = Project.objects.with_mark(ON).get(pk=project.pk)

    assert strategy.horizon_date == datetime.date(2030, 12, 31)
    assert project.ends_after_horizon() is after
    assert annotated.after_horizon is after
