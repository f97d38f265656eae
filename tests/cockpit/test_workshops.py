"""Workshops and their decisions: the rules the database keeps, and the pages."""

import datetime
import html as html_lib

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from tests.factories import (
    AxisFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
    UserFactory,
)
from workshops.models import AgendaItem, Decision, Workshop

TODAY = timezone.localdate()


def dotted(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def workshop(strategy) -> Workshop:
    return Workshop.objects.create(
        strategy=strategy, number=1, title="Lancement", date=datetime.date(2024, 3, 1)
    )


# --- Rules ---------------------------------------------------------------------------------------


def test_workshop_number_is_unique_within_a_strategy(workshop):
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.create(
            strategy=workshop.strategy, number=1, title="Bis", date=datetime.date(2024, 4, 1)
        )
    other = StrategyFactory()
    assert Workshop.objects.create(strategy=other, number=1, title="Ailleurs", date=TODAY).pk


def test_decision_concerns_at_most_one_element(workshop):
    axis = AxisFactory(strategy=workshop.strategy)
    project = ProjectFactory(measure__domain__axis=axis)
    Decision.objects.create(workshop=workshop, text="Sur un projet", project=project)
    Decision.objects.create(workshop=workshop, text="Générale")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(workshop=workshop, text="Deux", axis=axis, project=project)


def test_decision_status_must_be_a_known_value(workshop):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(workshop=workshop, text="?", status="pending")


def test_closing_a_decision_sets_its_closing_day(workshop):
    decision = Decision.objects.create(workshop=workshop, text="Faire")
    assert decision.closed_on is None
    decision.status = Decision.Status.DONE
    decision.save()
    assert decision.closed_on == TODAY
    given = Decision.objects.create(
        workshop=workshop,
        text="Abandonner",
        status=Decision.Status.ABANDONED,
        closed_on=datetime.date(2024, 5, 2),
    )
    assert given.closed_on == datetime.date(2024, 5, 2)


def test_open_decision_past_due_is_overdue(workshop):
    on = datetime.date(2024, 5, 1)
    late = Decision.objects.create(workshop=workshop, text="a", due_date=datetime.date(2024, 4, 30))
    due_today = Decision.objects.create(workshop=workshop, text="b", due_date=on)
    done = Decision.objects.create(
        workshop=workshop, text="c", due_date=datetime.date(2024, 4, 1), status="done"
    )
    Decision.objects.create(workshop=workshop, text="d")
    assert list(Decision.objects.overdue(on)) == [late]
    assert late.is_overdue(on)
    assert not due_today.is_overdue(on)
    assert not done.is_overdue(on)


def test_previous_is_the_workshop_just_before_by_date(strategy):
    first = Workshop.objects.create(strategy=strategy, number=1, title="1", date=TODAY)
    third = Workshop.objects.create(
        strategy=strategy, number=3, title="3", date=TODAY + datetime.timedelta(days=60)
    )
    second = Workshop.objects.create(
        strategy=strategy, number=2, title="2", date=TODAY + datetime.timedelta(days=30)
    )
    Workshop.objects.create(strategy=StrategyFactory(), number=9, title="x", date=TODAY)
    assert first.previous() is None
    assert second.previous() == first
    assert third.previous() == second


# --- Pages ---------------------------------------------------------------------------------------


def test_workshop_list_shows_the_demo_workshops_newest_first(member_client, demo):
    response = member_client.get(reverse("cockpit:workshops", args=(demo.pk,)))
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    next_one, held = Workshop.objects.get(number=4), Workshop.objects.get(number=3)
    assert html.index(next_one.title) < html.index(held.title)
    assert dotted(held.date) in html
    assert 'aria-current="page">Ateliers</a>' in html


def test_workshop_page_shows_agenda_attendance_decisions_and_changes(member_client, demo):
    held = Workshop.objects.get(strategy=demo, number=3)
    response = member_client.get(held.get_absolute_url())
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    assert dotted(held.date) in html
    assert "<li>Système d'objectifs</li>" in html
    assert "Joseph Bonvin" in html and "Dr. Serge Imboden, HES-SO Sierre" in html
    assert "Le PV de l'atelier 2 est accepté" in html
    overdue = Decision.objects.get(project__code="p3")
    assert overdue.is_overdue(TODAY)
    assert dotted(overdue.due_date) in html
    assert "en retard</strong>" in html
    assert "Changements depuis l'atelier précédent" in html
    assert f"état au {dotted(held.date)}, tel qu’enregistré ce jour-là" in html


def test_next_workshop_lists_changes_since_the_last_one(member_client, demo):
    upcoming = Workshop.objects.get(strategy=demo, number=4)
    html = member_client.get(upcoming.get_absolute_url()).content.decode()
    assert "prochain atelier" in html
    assert "état d’aujourd’hui" in html
    closed = Decision.objects.get(workshop__number=3, status="done")
    assert "Décisions closes" in html
    assert dotted(closed.closed_on) in html
    assert "ouverte → faite" in html


def test_project_page_lists_the_decisions_about_it(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p3")
    html = member_client.get(
        reverse("cockpit:project", args=(demo.pk, project.pk))
    ).content.decode()
    assert "Chiffrer une variante réduite du projet Aqualoisirs." in html
    assert "Atelier 3 du " in html


def test_workshop_pages_of_another_territory_answer_404(member_client, demo):
    other = Workshop.objects.create(strategy=StrategyFactory(), number=1, title="x", date=TODAY)
    assert (
        member_client.get(reverse("cockpit:workshops", args=(other.strategy_id,))).status_code
        == 404
    )
    assert member_client.get(other.get_absolute_url()).status_code == 404
    url = reverse("cockpit:workshop", args=(demo.pk, other.pk))
    assert member_client.get(url).status_code == 404


def test_workshop_pages_require_login(client, demo):
    response = client.get(reverse("cockpit:workshops", args=(demo.pk,)))
    assert response.status_code == 302


def add_workshop(strategy, number: int, decisions: int, project: Project) -> Workshop:
    workshop = Workshop.objects.create(
        strategy=strategy,
        number=number,
        title=f"Atelier {number}",
        date=TODAY - datetime.timedelta(days=100 - number),
    )
    AgendaItem.objects.create(workshop=workshop, order=1, text="Ordre du jour")
    for n in range(decisions):
        decision = Decision.objects.create(
            workshop=workshop, text=f"Décision {n}", project=project, due_date=TODAY
        )
        decision.status = Decision.Status.DONE
        decision.save()
    project.status = Project.Status.IN_PROGRESS if number % 2 else Project.Status.PAUSED
    project.save()
    return workshop


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_workshop_pages_query_count_does_not_grow(client, strategy):
    user = UserFactory()
    MembershipFactory(user=user, territory=strategy.territory)
    client.force_login(user)
    project = ProjectFactory(measure__domain__axis__strategy=strategy)
    add_workshop(strategy, 1, 1, project)
    last = add_workshop(strategy, 2, 1, project)
    list_url = reverse("cockpit:workshops", args=(strategy.pk,))
    small = (page_queries(client, list_url), page_queries(client, last.get_absolute_url()))
    for number in range(3, 7):
        last = add_workshop(strategy, number, 4, project)
    large = (page_queries(client, list_url), page_queries(client, last.get_absolute_url()))
    assert large == small


def test_commission_member_is_not_staff(demo):
    assert not get_user_model().objects.get(username="commission").is_staff


def test_decisions_are_shown_on_the_axis_and_measure_they_concern(member_client, demo):
    from django.urls import reverse
    from django.utils.html import escape

    from workshops.models import Decision

    on_axis = Decision.objects.filter(workshop__strategy=demo, axis__isnull=False).first()
    on_measure = Decision.objects.filter(workshop__strategy=demo, measure__isnull=False).first()
    axis_page = member_client.get(reverse("cockpit:axis", args=[demo.pk, on_axis.axis_id]))
    measure_page = member_client.get(
        reverse("cockpit:measure", args=[demo.pk, on_measure.measure_id])
    )
    assert escape(on_axis.text) in axis_page.content.decode()
    assert escape(on_measure.text) in measure_page.content.decode()
    assert escape(on_axis.text) not in measure_page.content.decode()
