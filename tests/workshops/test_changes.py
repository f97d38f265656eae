"""``changes_between``: what changed in a strategy since the previous workshop, from the history
tables, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import Project
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
    UserFactory,
)
from workshops.changes import Change, changes_between
from workshops.models import Decision, Workshop

D0 = datetime.date(2023, 10, 2)
D1 = datetime.date(2024, 3, 1)
D2 = datetime.date(2024, 6, 1)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def save_at(instance, when: datetime.datetime, user=None) -> None:
    instance._history_date = when
    if user is not None:
        instance._history_user = user
    instance.save()


def new_project(measure, when: datetime.datetime, **fields) -> Project:
    project = ProjectFactory.build(measure=measure, **fields)
    save_at(project, when)
    return project


def new_decision(workshop, when: datetime.datetime, **fields) -> Decision:
    decision = Decision(workshop=workshop, **fields)
    save_at(decision, when)
    return decision


@pytest.fixture
def scenario(db):
    """Workshop 1 (D0), workshop 2 (D1) and workshop 3 (D2), with changes before and between."""
    strategy = StrategyFactory(start_year=2020, horizon_year=2030)
    measure = MeasureFactory(domain__axis__strategy=strategy)
    editor = UserFactory(username="cdupont", first_name="Claire", last_name="Dupont")
    w0 = Workshop.objects.create(strategy=strategy, number=1, title="Lancement", date=D0)
    a = Workshop.objects.create(strategy=strategy, number=2, title="Objectifs", date=D1)
    b = Workshop.objects.create(strategy=strategy, number=3, title="Suivi", date=D2)

    # Before workshop A: none of this is listed.
    new_project(
        measure,
        at(datetime.date(2024, 1, 10)),
        code="p1",
        title="Aqualoisirs",
        end_date=datetime.date(2024, 2, 15),
    )
    edited = new_project(
        measure,
        at(datetime.date(2024, 1, 10)),
        code="p2",
        title="Crèche",
        end_date=datetime.date(2024, 12, 31),
    )
    edited.lead = "Commune de Lens"
    save_at(edited, at(datetime.date(2024, 2, 1)))
    new_decision(w0, at(D0), text="Mandater SEREC.", status=Decision.Status.OPEN)
    indicator = IndicatorFactory(
        axis__strategy=strategy, code="s2", name="Places d'accueil", target_value=Decimal(100)
    )
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2024, 1, 15), value=40)

    # Between A and B.
    decision = new_decision(
        a,
        at(D1, 10),
        text="Chiffrer la variante réduite.",
        owner="Commune",
        due_date=datetime.date(2024, 4, 1),
        project=edited,
    )
    new_project(measure, at(datetime.date(2024, 3, 10)), code="p3", title="Chemins")
    edited.status = Project.Status.IN_PROGRESS
    edited.end_date = datetime.date(2024, 5, 15)
    save_at(edited, at(datetime.date(2024, 4, 2)), user=editor)
    new_project(
        measure,
        at(datetime.date(2024, 1, 10)),
        code="p4",
        title="Irrigation",
        end_date=datetime.date(2024, 4, 30),
        status=Project.Status.DONE,
    )
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2024, 4, 15), value=10)
    decision.status = Decision.Status.DONE
    decision.closed_on = datetime.date(2024, 5, 1)
    save_at(decision, at(datetime.date(2024, 5, 1)))
    new_decision(b, at(D2, 18), text="Préparer le plan d'actions.")

    # After B: not listed either.
    edited.priority = Project.Priority.HIGH
    save_at(edited, at(datetime.date(2024, 6, 5)))
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2024, 6, 20), value=90)
    return {"strategy": strategy, "a": a, "b": b, "edited": edited, "indicator": indicator}


def test_period_runs_from_the_previous_workshop_day_to_the_end_of_this_one(scenario):
    start, end = scenario["b"].period()
    assert start == midnight(D1)
    assert timezone.localtime(end).date() == D2
    assert end > at(D2, 23)


def test_changes_since_the_previous_workshop_are_exactly_those_of_the_period(scenario):
    strategy, edited = scenario["strategy"], scenario["edited"]
    changes = changes_between(strategy, *scenario["b"].period())
    project_url = f"/strategies/{strategy.pk}/projets/{edited.pk}/"
    indicator_url = f"/strategies/{strategy.pk}/indicateurs/{scenario['indicator'].pk}/"
    workshop_a = f"/strategies/{strategy.pk}/ateliers/{scenario['a'].pk}/"
    workshop_b = f"/strategies/{strategy.pk}/ateliers/{scenario['b'].pk}/"
    p3 = Project.objects.get(code="p3")
    assert changes == [
        Change(
            "decision_taken",
            midnight(D1),
            "Chiffrer la variante réduite.",
            "",
            "",
            "responsable : Commune, échéance : 01.04.2024",
            "système",
            workshop_a,
        ),
        Change(
            "project_created",
            at(datetime.date(2024, 3, 10)),
            "p3 – Chemins",
            "",
            "",
            "à venir",
            "système",
            f"/strategies/{strategy.pk}/projets/{p3.pk}/",
        ),
        Change(
            "project_changed",
            at(datetime.date(2024, 4, 2)),
            "p2 – Crèche",
            "statut",
            "à venir",
            "en cours",
            "Claire Dupont",
            project_url,
        ),
        Change(
            "project_changed",
            at(datetime.date(2024, 4, 2)),
            "p2 – Crèche",
            "fin",
            "31.12.2024",
            "15.05.2024",
            "Claire Dupont",
            project_url,
        ),
        Change(
            "value_recorded",
            midnight(datetime.date(2024, 4, 15)),
            "s2 – Places d'accueil",
            "en bonne voie → hors trajectoire",
            "40",
            "10",
            "système",
            indicator_url,
        ),
        Change(
            "decision_closed",
            midnight(datetime.date(2024, 5, 1)),
            "Chiffrer la variante réduite.",
            "statut",
            "ouverte",
            "faite",
            "système",
            workshop_a,
        ),
        Change(
            "project_late",
            midnight(datetime.date(2024, 5, 16)),
            "p2 – Crèche",
            "fin",
            "",
            "15.05.2024",
            "système",
            project_url,
        ),
        Change(
            "decision_taken",
            midnight(D2),
            "Préparer le plan d'actions.",
            "",
            "",
            "",
            "système",
            workshop_b,
        ),
    ]


def test_nothing_before_the_previous_workshop_is_listed(scenario):
    changes = changes_between(scenario["strategy"], *scenario["b"].period())
    subjects = {change.subject for change in changes}
    assert "p1 – Aqualoisirs" not in subjects
    assert "Mandater SEREC." not in subjects
    assert not any(change.field == "qui ?" for change in changes)
    assert all(change.when >= midnight(D1) for change in changes)


def test_next_workshop_period_ends_now(scenario):
    upcoming = Workshop.objects.create(
        strategy=scenario["strategy"],
        number=4,
        title="Prochain",
        date=timezone.localdate() + datetime.timedelta(days=20),
    )
    before = timezone.now()
    start, end = upcoming.period()
    assert start == midnight(D2)
    assert before <= end <= timezone.now()
    kinds = [change.kind for change in changes_between(scenario["strategy"], start, end)]
    assert "project_changed" in kinds  # the priority change of 05.06.2024
    assert "value_recorded" in kinds


def test_first_workshop_period_starts_with_the_strategy(scenario):
    start, _end = Workshop.objects.get(number=1).period()
    assert start == midnight(datetime.date(2020, 1, 1))


def test_another_strategy_changes_are_not_listed(scenario):
    other = StrategyFactory()
    ProjectFactory(measure__domain__axis__strategy=other)
    assert changes_between(other, *scenario["b"].period()) == []


def build_rows(strategy, measure, workshop, indicator, first: int, count: int) -> None:
    """``count`` created and edited projects, values and taken and closed decisions."""
    for n in range(first, first + count):
        project = new_project(
            measure, at(D1 + datetime.timedelta(days=1)), code=f"q{n}", title=f"Projet {n}"
        )
        project.status = Project.Status.IN_PROGRESS
        project.end_date = D1 + datetime.timedelta(days=5)
        save_at(project, at(D1 + datetime.timedelta(days=2)))
        IndicatorValueFactory(indicator=indicator, date=D1 + datetime.timedelta(days=n))
        decision = new_decision(workshop, at(D1), text=f"Décision {n}", project=project)
        decision.status = Decision.Status.DONE
        save_at(decision, at(D1 + datetime.timedelta(days=3)))


def test_query_count_does_not_grow_with_the_rows(db):
    strategy = StrategyFactory(start_year=2020, horizon_year=2030)
    measure = MeasureFactory(domain__axis__strategy=strategy)
    Workshop.objects.create(
        strategy=strategy, number=1, title="A", date=D1 - datetime.timedelta(days=1)
    )
    workshop = Workshop.objects.create(strategy=strategy, number=2, title="B", date=D1)
    end = Workshop.objects.create(strategy=strategy, number=3, title="C", date=D2)
    indicator = IndicatorFactory(axis__strategy=strategy)
    period = (midnight(D1 - datetime.timedelta(days=1)), end.period()[1])

    build_rows(strategy, measure, workshop, indicator, 1, 2)
    with CaptureQueriesContext(connection) as small:
        few = changes_between(strategy, *period)
    build_rows(strategy, measure, workshop, indicator, 3, 8)
    with CaptureQueriesContext(connection) as large:
        many = changes_between(strategy, *period)

    assert len(many) > len(few) >= 10
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
