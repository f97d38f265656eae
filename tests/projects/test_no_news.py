"""« Sans nouvelles »: an open project whose status, progress and dates have not changed for the
strategy's number of days (90 by default), read from its history in one query; a « rien à
signaler » confirmation resets the clock."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Project
from tests.factories import ProjectFactory, StrategyFactory

ON = datetime.date(2026, 12, 6)


def at(days_before: int) -> datetime.datetime:
    moment = datetime.datetime.combine(ON - datetime.timedelta(days=days_before), datetime.time(10))
    return timezone.make_aware(moment)


def saved(project: Project, days_before: int, **fields) -> None:
    for name, value in fields.items():
        setattr(project, name, value)
    project._history_date = at(days_before)
    project.save()


def no_news(project: Project, days: int = 90) -> bool:
    return Project.objects.with_news(ON, days).get(pk=project.pk).no_news


@pytest.fixture
def project(db) -> Project:
    return ProjectFactory(status=Project.Status.IN_PROGRESS)


def backdate(project: Project, days_before: int) -> None:
    project.history.update(history_date=at(days_before))


def test_project_unchanged_for_90_days_since_creation_has_no_news(project):
    backdate(project, 90)
    assert no_news(project)


def test_project_created_89_days_ago_has_news(project):
    backdate(project, 89)
    assert not no_news(project)


def test_change_of_progress_resets_the_clock(project):
    backdate(project, 200)
    saved(project, 30, progress=40)
    assert not no_news(project)


def test_change_of_a_date_resets_the_clock(project):
    backdate(project, 200)
    saved(project, 10, end_date=datetime.date(2027, 6, 30))
    assert not no_news(project)


def test_saving_other_fields_is_no_news(project):
    backdate(project, 200)
    saved(project, 5, title="Nouveau titre", description="reformulé")
    assert no_news(project)


def test_last_change_is_the_start_of_the_latest_run_of_identical_states(project):
    backdate(project, 300)
    saved(project, 120, progress=20)
    saved(project, 60, title="Autre titre")  # same status, progress and dates
    row = Project.objects.with_news(ON, 90).get(pk=project.pk)
    assert row.last_news == at(120)
    assert row.no_news


def test_confirmation_rien_a_signaler_resets_the_clock(project):
    backdate(project, 200)
    Project.objects.filter(pk=project.pk).update(confirmed_at=at(10))
    assert not no_news(project)
    Project.objects.filter(pk=project.pk).update(confirmed_at=at(95))
    assert no_news(project)


@pytest.mark.parametrize("status", [Project.Status.DONE, Project.Status.ABANDONED])
def test_closed_project_never_lacks_news(project, status):
    saved(project, 400, status=status)
    backdate(project, 400)
    assert not no_news(project)


def test_number_of_days_is_a_strategy_setting(db):
    strategy = StrategyFactory(no_news_days=30)
    project = ProjectFactory(measure__domain__axis__strategy=strategy)
    backdate(project, 31)
    assert project.has_no_news(ON)
    strategy.no_news_days = 40
    strategy.save()
    project.refresh_from_db()
    assert not project.has_no_news(ON)


def test_a_list_is_flagged_in_one_query(db, django_assert_num_queries):
    strategy = StrategyFactory()
    projects = [ProjectFactory(measure__domain__axis__strategy=strategy) for _ in range(4)]
    backdate(projects[0], 100)
    backdate(projects[1], 100)
    saved(projects[1], 5, progress=10)
    with django_assert_num_queries(1):
        flags = {p.pk: p.no_news for p in Project.objects.for_strategy(strategy).with_news(ON)}
    assert flags[projects[0].pk]
    assert not flags[projects[1].pk]


def local(days_before: int, hour: int, minute: int) -> datetime.datetime:
    day = ON - datetime.timedelta(days=days_before)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_days_are_counted_in_the_territorys_time_not_utc(project):
    # 23:59 in Zurich is already the next day in UTC; 00:30 in Zurich is still the day before.
    project.history.update(history_date=local(90, 23, 59))
    assert no_news(project)
    project.history.update(history_date=local(89, 0, 30))
    assert not no_news(project)


def test_a_project_without_any_record_or_confirmation_has_no_news(project):
    project.history.all().delete()

    row = Project.objects.with_news(ON, 90).get(pk=project.pk)

    assert row.no_news and row.last_news is None


def test_the_last_news_is_the_later_of_the_change_and_the_confirmation(project):
    backdate(project, 200)
    confirmed = at(20)
    Project.objects.filter(pk=project.pk).update(confirmed_at=confirmed)
    assert Project.objects.with_news(ON, 90).get(pk=project.pk).last_news == confirmed
    saved(project, 5, progress=70)
    assert Project.objects.with_news(ON, 90).get(pk=project.pk).last_news == at(5)
