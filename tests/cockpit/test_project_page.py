"""The project page: everything about a project, its fundings and its journal of changes."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cockpit.views.drilldown import build_journal
from projects.models import Project
from strategies.models import Measure
from tests.factories import (
    FundingFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def project_url(project: Project) -> str:
    return reverse("cockpit:project", args=(project.strategy_id, project.pk))


def page(client, project: Project) -> str:
    response = client.get(project_url(project))
    assert response.status_code == 200
    return response.content.decode()


def dotted(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def secretary(demo):
    return get_user_model().objects.get(username="secretariat")


def test_project_page_shows_the_facts_a_member_relies_on(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p3")  # Aqualoisirs, blocked

    html = page(member_client, project)

    for text in (
        "p3 – Aqualoisirs",
        project.description,
        "m3 – Centre aquatique intercommunal",
        "o3",
        "Réaliser et exploiter un centre aquatique",
        "Axe 1 : Infrastructures et équipements",
        "1 – haute",
        "Qui ?",
        "Sté d&#x27;exploitation",
        "Crans-Montana, Icogne, Lens",
        "Développement durable",
        dotted(project.start_date),
        dotted(project.end_date),
        "Recours contre l&#x27;autorisation de construire",
        "15 %",
        "38\u202f000\u202f000&nbsp;CHF",
        "2\u202f100\u202f000&nbsp;CHF",
        "investissement",
    ):
        assert text in html, text
    assert '<span class="mark mark-blocked tone-red">✗ bloqué</span>' in html
    assert "<strong>bloqué</strong>" in html  # the status itself, beside the mark


def test_project_page_links_the_breadcrumbs_up_the_cascade(member_client, demo):
    project = Project.objects.select_related("axis").get(strategy=demo, code="p3")

    html = page(member_client, project)

    assert reverse("cockpit:strategy", args=(demo.pk,)) in html
    assert reverse("cockpit:axis", args=(demo.pk, project.axis_id)) in html
    assert reverse("cockpit:measure", args=(demo.pk, project.measure_id)) in html
    assert '<span aria-current="page">Projet p3</span>' in html


def test_late_project_says_it_is_late_in_words(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p6")  # ended 75 days ago, in progress

    html = page(member_client, project)

    assert '<span class="mark mark-ko tone-red">✗ en retard</span>' in html
    assert f"la fin prévue le {dotted(project.end_date)} est dépassée" in html
    assert '<strong class="mark mark-ko tone-red">oui</strong>' in html


def test_project_on_time_is_not_flagged_late(member_client, demo):
    html = page(member_client, Project.objects.get(strategy=demo, code="p1"))

    assert "✓ dans les temps" in html
    assert "est dépassée" not in html


def test_fundings_are_listed_with_their_total_and_the_secured_total(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p3")

    html = page(member_client, project)

    for funder in ("Communes", "Confédération (NPR)", "Canton du Valais"):
        assert f'<th scope="row">{funder}</th>' in html
    assert "28\u202f000\u202f000&nbsp;CHF" in html  # the secured part
    total = html.index("Total")
    assert "38\u202f000\u202f000&nbsp;CHF" in html[total:]
    assert "dont acquis" in html
    assert html.count("✓ oui") == 1


def test_project_without_funding_says_so(member_client, demo):
    html = page(member_client, Project.objects.get(strategy=demo, code="p4"))

    assert "Aucun financement enregistré." in html


def test_journal_shows_a_status_change_with_who_when_and_why(member_client, demo, secretary):
    project = Project.objects.get(strategy=demo, code="p1")
    project.status = Project.Status.BLOCKED
    project.status_comment = "Recours contre le plan."
    project._history_user = secretary
    project._change_reason = "Séance de la commission"
    project.save()
    changed_at = timezone.localtime(project.history.first().history_date)

    html = page(member_client, project)

    assert f"modifié par Secrétariat SDI, le {changed_at:%d.%m.%Y %H:%M}" in html
    assert "Séance de la commission" in html
    assert "statut : en cours → bloqué" in html
    assert "commentaire sur le statut : – → Recours contre le plan." in html
    assert "créé par système" in html  # the demo loader had no user
    assert html.index("modifié par Secrétariat SDI") < html.index("créé par système")


def test_build_journal_lists_changes_newest_first_with_labels_and_french_dates(demo, secretary):
    project = ProjectFactory(
        code="x1",
        measure=Measure.objects.get(strategy=demo, code="m1"),
        end_date=datetime.date(2025, 3, 1),
        budget_planned=Decimal("1000"),
    )
    project.end_date = datetime.date(2025, 6, 30)
    project.priority = Project.Priority.HIGH
    project.budget_planned = Decimal("12500.50")
    project.save()
    project.measure = Measure.objects.get(strategy=demo, code="m2")
    project.progress = 40
    project._history_user = secretary
    project.save()
    records = list(project.history.select_related("history_user", "measure"))

    journal = build_journal(records)

    assert [entry.kind for entry in journal] == ["changed", "changed", "created"]
    latest, first_change, creation = journal
    assert latest.user == "Secrétariat SDI"
    assert [(str(c.label), c.old, c.new) for c in latest.changes] == [
        (
            "mesure",
            "m1 – Mobilité individuelle et transports publics coordonnés",
            "m2 – Centre de congrès de rayonnement intercommunal",
        ),
        ("avancement (%)", "–", "40"),
    ]
    assert str(first_change.user) == "système"
    assert [(str(c.label), c.old, c.new) for c in first_change.changes] == [
        ("priorité", "2 – moyenne", "1 – haute"),
        ("fin", "01.03.2025", "30.06.2025"),
        ("budget prévu", "1\u202f000", "12\u202f500,5"),
    ]
    assert creation.changes == ()


def test_build_journal_makes_no_query(demo, secretary, django_assert_num_queries):
    project = Project.objects.get(strategy=demo, code="p2")
    for progress in (10, 20, 30):
        project.progress = progress
        project._history_user = secretary
        project.save()
    records = list(project.history.select_related("history_user", "measure"))

    with django_assert_num_queries(0):
        journal = build_journal(records)

    assert len(journal) == 4


def test_member_of_another_territory_gets_404(client, demo):
    outsider = MembershipFactory().user
    client.force_login(outsider)

    response = client.get(project_url(Project.objects.get(strategy=demo, code="p1")))

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client, demo):
    url = project_url(Project.objects.get(strategy=demo, code="p1"))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/comptes/login/?next={url}"


def test_project_of_another_strategy_under_this_strategy_url_is_404(member_client, demo):
    other = StrategyFactory(territory=demo.territory, short_name="AUTRE")
    stranger = ProjectFactory(measure__domain__axis__strategy=other)

    response = member_client.get(reverse("cockpit:project", args=(demo.pk, stranger.pk)))

    assert response.status_code == 404
    assert member_client.get(project_url(stranger)).status_code == 200  # its own URL works


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, sessions) first
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def project_with(demo, code: str, fundings: int, history_rows: int) -> Project:
    editors = [UserFactory(first_name=f"Éditeur {n}") for n in range(3)]
    measures = list(Measure.objects.filter(strategy=demo, code__in=("m1", "m2")))
    project = ProjectFactory(code=code, measure=measures[0], status=Project.Status.IN_PROGRESS)
    for index in range(fundings):
        FundingFactory(project=project, secured=index % 2 == 0)
    for index in range(history_rows - 1):
        project.progress = index
        project.measure = measures[index % 2]
        project._history_user = editors[index % 3]
        project.save()
    assert project.history.count() == history_rows
    return project


def test_project_page_queries_do_not_grow_with_fundings_and_history(member_client, demo):
    small = queries_for(member_client, project_url(project_with(demo, "small", 1, 2)))
    large = queries_for(member_client, project_url(project_with(demo, "large", 15, 20)))

    assert large == small


def test_project_page_renders_in_english(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p3")

    response = member_client.get(project_url(project), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    with translation.override("en"):
        assert member_client.get(project_url(project)).status_code == 200


def with_history(demo, code: str, rows: int) -> Project:
    """A project with ``rows`` history rows, bulk-created: its progress goes 0, 1, 2… a minute
    apart, each change by the same editor."""
    project = ProjectFactory(code=code, measure=Measure.objects.filter(strategy=demo).first())
    created = project.history.get()
    editor = UserFactory(first_name="Éditrice")
    copies = []
    for index in range(1, rows):
        record = copy.copy(created)
        record.history_id = None
        record.history_type = "~"
        record.history_user = editor
        record.history_date = created.history_date + datetime.timedelta(minutes=index)
        record.progress = index
        copies.append(record)
    project.history.model.objects.bulk_create(copies)
    assert project.history.count() == rows
    return project


def test_project_journal_shows_the_25_newest_changes_and_links_to_older_ones(member_client, demo):
    project = with_history(demo, "long", 60)

    html = page(member_client, project)

    assert html.count("<li>avancement (%) : 58 → 59</li>") == 1
    assert "avancement (%) : 34 → 35" in html  # the 25th newest
    assert "avancement (%) : 33 → 34" not in html
    assert "Modifications 1 à 25 sur 60" in html
    assert 'href="?page=2#journal-title" rel="next"' in html


def test_project_journal_last_page_diffs_its_oldest_change_and_shows_the_creation(
    member_client, demo
):
    project = with_history(demo, "longer", 60)

    html = member_client.get(project_url(project), {"page": 2}).content.decode()
    last = member_client.get(project_url(project), {"page": 3}).content.decode()

    assert "avancement (%) : 9 → 10" in html  # the oldest of page 2, diffed against page 3's newest
    assert "avancement (%) : 10 → 11" in html and "avancement (%) : 8 → 9" not in html
    assert "Modifications 51 à 60 sur 60" in last and "créé par" in last
    assert " → 1</li>" in last  # the first change, diffed against the creation


def test_project_journal_page_links_keep_the_other_query_parameters(member_client, demo):
    project = with_history(demo, "kept", 60)

    html = member_client.get(project_url(project), {"page": 2, "vue": "x"}).content.decode()

    assert 'href="?page=1&amp;vue=x#journal-title" rel="prev"' in html
    assert 'href="?page=3&amp;vue=x#journal-title" rel="next"' in html


@pytest.mark.parametrize("number", ["abc", "0", "-3", "99999", "1.5", ""])
def test_project_journal_bad_page_number_shows_a_page_not_an_error(member_client, demo, number):
    project = with_history(demo, "odd", 30)

    response = member_client.get(project_url(project), {"page": number})

    assert response.status_code == 200
    assert "Modifications" in response.content.decode()


def test_project_page_queries_are_the_same_at_5_and_1000_history_rows(member_client, demo):
    small = queries_for(member_client, project_url(with_history(demo, "few", 5)))
    large = queries_for(member_client, project_url(with_history(demo, "many", 1000)))

    assert large == small
