"""The pack of a past workshop shows the state of that day, read back from the history: projects
as they were, values known then, marks computed at that date; today's changes stay out."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Status
from projects.models import Mark, Project
from tests.factories import (
    AxisFactory,
    DomainFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)
from workshops.models import Workshop
from workshops.snapshot import Snapshot, end_of_day

TODAY = timezone.localdate()
HELD = TODAY - datetime.timedelta(days=20)  # the past workshop
BEFORE = HELD - datetime.timedelta(days=30)  # when the secretariat entered the strategy
AFTER = HELD + datetime.timedelta(days=5)  # changes made since the workshop


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def backdate(obj, day: datetime.date) -> None:
    """Every history row of ``obj`` dated ``day`` (as if it had been entered then)."""
    type(obj).history.filter(id=obj.pk).update(history_date=at(day))


def change(obj, day: datetime.date, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    latest = type(obj).history.filter(id=obj.pk).order_by("-history_id").first()
    type(obj).history.filter(history_id=latest.history_id).update(history_date=at(day))


@pytest.fixture
def scenario(strategy):
    axis = AxisFactory(strategy=strategy, number=1)
    measure = MeasureFactory(domain=DomainFactory(axis=axis), code="m1")
    p1 = ProjectFactory(
        measure=measure,
        code="p1",
        title="Sentier des bisses",
        status=Project.Status.IN_PROGRESS,
        end_date=HELD + datetime.timedelta(days=90),
    )
    p2 = ProjectFactory(
        measure=measure,
        code="p2",
        title="Navette des stations",
        status=Project.Status.IN_PROGRESS,
        end_date=HELD - datetime.timedelta(days=1),  # late on the workshop's day
    )
    s1 = IndicatorFactory(
        axis=axis,
        code="s1",
        baseline_value=Decimal(0),
        baseline_date=BEFORE - datetime.timedelta(days=365),
        target_value=Decimal(100),
        target_date=TODAY + datetime.timedelta(days=365),
    )
    v1 = IndicatorValueFactory(indicator=s1, date=BEFORE, value=Decimal(40))
    for obj in (strategy, axis, measure, p1, p2, s1, v1):
        backdate(obj, BEFORE)

    # Since the workshop: p1 blocked and renamed, p2 done, a new project and indicator, a value.
    change(p1, AFTER, status=Project.Status.BLOCKED, title="Sentier des bisses (variante)")
    change(p2, AFTER, status=Project.Status.DONE)
    p3 = ProjectFactory(measure=measure, code="p3", title="Projet postérieur")
    backdate(p3, AFTER)
    s2 = IndicatorFactory(axis=axis, code="s2", name="Indicateur postérieur")
    backdate(s2, AFTER)
    v2 = IndicatorValueFactory(indicator=s1, date=AFTER, value=Decimal(90))
    backdate(v2, AFTER)
    return {"axis": axis, "measure": measure, "p1": p1, "p2": p2, "s1": s1}


def test_snapshot_shows_the_projects_as_they_were_on_the_day(strategy, scenario):
    blocks, _operational = Snapshot(strategy, HELD).blocks()

    projects = {project.code: project for project in blocks[0].projects}
    assert sorted(projects) == ["p1", "p2"]  # p3 did not exist yet
    assert projects["p1"].title == "Sentier des bisses"
    assert projects["p1"].status == Project.Status.IN_PROGRESS
    assert projects["p2"].status == Project.Status.IN_PROGRESS


def test_snapshot_computes_marks_and_lateness_at_its_date(strategy, scenario):
    blocks, _operational = Snapshot(strategy, HELD).blocks()

    projects = {project.code: project for project in blocks[0].projects}
    assert projects["p2"].current_mark == Mark.LATE  # late then, done today
    assert projects["p2"].currently_late is True
    rollup = blocks[0].rollup.implementation
    assert (rollup.total, rollup.late, rollup.done) == (2, 1, 0)


def test_snapshot_evaluates_indicators_with_the_values_known_then(strategy, scenario):
    blocks, _operational = Snapshot(strategy, HELD).blocks()

    [(indicator, evaluation)] = blocks[0].indicators  # s2 did not exist yet
    assert indicator.code == "s1"
    assert evaluation.value == Decimal(40)
    assert evaluation.value_date == BEFORE
    today = Indicator.objects.get(code="s1", strategy=strategy).evaluate(TODAY)
    assert today.value == Decimal(90)
    assert today.status != Status.NO_DATA


def test_snapshot_reads_a_constant_number_of_queries(strategy, scenario):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            Snapshot(strategy, HELD).blocks()
        return len(queries)

    small = count()
    for number in range(10, 30):
        project = ProjectFactory(measure=scenario["measure"], code=f"p{number}")
        backdate(project, BEFORE)
        day = BEFORE - datetime.timedelta(days=number)
        backdate(IndicatorValueFactory(indicator=scenario["s1"], date=day), BEFORE)
    assert count() == small


def test_a_row_deleted_since_the_day_still_shows_in_the_snapshot(strategy, scenario):
    scenario["p1"].delete()

    blocks, _operational = Snapshot(strategy, HELD).blocks()

    assert "p1" in {project.code for project in blocks[0].projects}


def test_end_of_day_is_the_last_moment_of_the_local_day():
    moment = timezone.localtime(end_of_day(HELD))
    assert (moment.date(), moment.hour, moment.minute) == (HELD, 23, 59)


# --- The pack of a past workshop ----------------------------------------------------------------


def sheet_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if any(row)]


def test_past_workshop_pack_shows_the_state_of_the_workshop_day(client, strategy, scenario):
    user = UserFactory()
    MembershipFactory(user=user, territory=strategy.territory)
    client.force_login(user)
    workshop = Workshop.objects.create(strategy=strategy, number=1, title="Atelier", date=HELD)

    response = client.get(reverse("cockpit:workshop_pack", args=[strategy.pk, workshop.pk]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    projects = sheet_rows(workbook["Projets"])
    codes = [row[0] for row in projects[1:]]
    assert codes == ["p1", "p2"]
    assert projects[1][1] == "Sentier des bisses"
    statuses = {row[0]: row for row in projects[1:]}
    assert "en cours" in statuses["p1"]
    values = sheet_rows(workbook["Valeurs"])
    assert [row[2] for row in values[1:]] == [40]  # the value of AFTER is not in it
    synthesis = sheet_rows(workbook["Synthèse"])
    report_date = next(row[1] for row in synthesis if row[0] == "Date du rapport")
    assert report_date.date() == HELD
    changes = [row[2] for row in sheet_rows(workbook["Changements"])[1:]]
    assert not any("postérieur" in str(subject) for subject in changes)


def test_next_workshop_pack_shows_todays_state(client, strategy, scenario):
    user = UserFactory()
    MembershipFactory(user=user, territory=strategy.territory)
    client.force_login(user)
    workshop = Workshop.objects.create(
        strategy=strategy, number=2, title="Atelier", date=TODAY + datetime.timedelta(days=10)
    )

    response = client.get(reverse("cockpit:workshop_pack", args=[strategy.pk, workshop.pk]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in sheet_rows(workbook["Projets"])[1:]]
    assert codes == ["p1", "p2", "p3"]
