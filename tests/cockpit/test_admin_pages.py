"""The secretariat's admin: every page opens, lists cost a constant number of queries, the status
action is traced, bad input saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue
from projects.models import Funding, Project
from strategies.models import Axis, Commune, Domain, Measure, Membership, Strategy, Territory, Theme
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
    ThemeFactory,
)

TODAY = timezone.localdate()

ADMIN_MODELS = [
    Territory,
    Commune,
    Membership,
    Strategy,
    Axis,
    Domain,
    Theme,
    Measure,
    Project,
    Indicator,
    IndicatorValue,
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def secretariat_client(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


def build_strategy(n_projects: int, n_indicators: int) -> Strategy:
    """A strategy with projects spread over two axes, funded and themed, and indicators with
    values: every relation a changelist might follow once per row."""
    strategy = StrategyFactory()
    theme = ThemeFactory(strategy=strategy)
    commune = CommuneFactory(territory=strategy.territory)
    measures = [
        MeasureFactory(domain=DomainFactory(axis=AxisFactory(strategy=strategy)))
        for _axis in range(2)
    ]
    for index in range(n_projects):
        project = ProjectFactory(
            measure=measures[index % 2],
            lead=f"Porteur {index % 3}",
            end_date=TODAY + datetime.timedelta(days=index * 20 - 40),
            status=Project.Status.IN_PROGRESS,
        )
        project.themes.add(theme)
        project.communes.add(commune)
        FundingFactory(project=project)
    for index in range(n_indicators):
        indicator = IndicatorFactory(axis=measures[index % 2].axis, strategy=strategy)
        IndicatorValueFactory(indicator=indicator, value=Decimal(10 * index))
        IndicatorValueFactory(indicator=indicator, value=Decimal(10 * index + 5))
    return strategy


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, permissions) first
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# Memberships: the secretariat adds its territory's viewers (tests/strategies/test_admin_scope.py).
READ_ONLY_FOR_SECRETARIAT = (Territory,)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_every_changelist_and_add_form_opens_for_the_secretariat(secretariat_client, model):
    assert secretariat_client.get(admin_url(model, "changelist")).status_code == 200
    expected = 403 if model in READ_ONLY_FOR_SECRETARIAT else 200
    assert secretariat_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_every_change_form_and_history_opens_for_the_secretariat(secretariat_client, model):
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the demo has no {model.__name__}"
    assert secretariat_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert secretariat_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_project_changelist_shows_the_seed_columns_and_marks(secretariat_client):
    response = secretariat_client.get(admin_url(Project, "changelist"))
    html = response.content.decode()
    for header in ("Code", "Titre", "Prio", "Qui ?", "Début", "Fin", "Ok", "Statut", "Mesure"):
        assert header.lower() in html.lower()
    for mark in ("mark-ok", "mark-warning", "mark-ko"):
        assert mark in html


@pytest.mark.parametrize(
    "model", [Strategy, Measure, Project, Indicator, IndicatorValue, Domain], ids=str
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    build_strategy(n_projects=4, n_indicators=3)
    url = admin_url(model, "changelist")
    small = queries_for(admin_client, url)
    build_strategy(n_projects=40, n_indicators=25)
    assert queries_for(admin_client, url) == small


def test_project_change_form_queries_do_not_grow_with_fundings(admin_client):
    strategy = build_strategy(n_projects=1, n_indicators=0)
    project = Project.objects.get(strategy=strategy)
    small = queries_for(admin_client, admin_url(Project, "change", project.pk))
    for _funding in range(10):
        FundingFactory(project=project)
    assert queries_for(admin_client, admin_url(Project, "change", project.pk)) == small


def test_late_filter_lists_exactly_the_late_projects(admin_client):
    strategy = build_strategy(n_projects=6, n_indicators=0)
    response = admin_client.get(admin_url(Project, "changelist") + "?late=yes")
    listed = {project.code for project in response.context["cl"].result_list}
    expected = {p.code for p in Project.objects.for_strategy(strategy) if p.is_late(TODAY)}
    assert listed == expected
    assert expected  # the fixture has late projects, so the filter is really exercised


def test_axis_filter_keeps_the_projects_of_that_axis(admin_client):
    strategy = build_strategy(n_projects=6, n_indicators=0)
    axis = strategy.axes.order_by("number").first()
    response = admin_client.get(admin_url(Project, "changelist") + f"?axis={axis.pk}")
    listed = list(response.context["cl"].result_list)
    assert listed
    assert all(project.axis_id == axis.pk for project in listed)
    assert len(listed) < Project.objects.for_strategy(strategy).count()


def test_status_action_changes_the_selected_projects_and_records_who(admin_client):
    build_strategy(n_projects=3, n_indicators=0)
    projects = list(Project.objects.order_by("pk")[:2])
    response = admin_client.post(
        admin_url(Project, "changelist"),
        {
            "action": "change_status",
            "status": Project.Status.BLOCKED,
            "_selected_action": [project.pk for project in projects],
            "index": 0,
        },
        follow=True,
    )
    assert "2 projets sont passés au statut « bloqué »." in response.content.decode()
    for project in projects:
        project.refresh_from_db()
        assert project.status == Project.Status.BLOCKED
        last = project.history.first()
        assert last.status == Project.Status.BLOCKED
        assert last.history_user.username == "admin"
        assert last.prev_record.status == Project.Status.IN_PROGRESS
    untouched = Project.objects.order_by("pk").last()
    assert untouched.status == Project.Status.IN_PROGRESS


def test_status_action_without_a_status_changes_nothing(admin_client):
    build_strategy(n_projects=2, n_indicators=0)
    project = Project.objects.first()
    response = admin_client.post(
        admin_url(Project, "changelist"),
        {"action": "change_status", "status": "", "_selected_action": [project.pk], "index": 0},
        follow=True,
    )
    assert "Choisissez le nouveau statut" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS


def project_form_data(project: Project, **changes) -> dict:
    data = {
        "measure": project.measure_id,
        "code": project.code,
        "title": project.title,
        "description": "",
        "priority": project.priority,
        "lead": project.lead,
        "partners": "",
        "start_date": "",
        "end_date": "",
        "status": project.status,
        "status_comment": "",
        "progress": "",
        "budget_planned": "",
        "budget_spent": "",
        "budget_kind": "",
        "fundings-TOTAL_FORMS": 0,
        "fundings-INITIAL_FORMS": 0,
        "fundings-MIN_NUM_FORMS": 0,
        "fundings-MAX_NUM_FORMS": 1000,
        "_save": "Enregistrer",
    }
    data.update(changes)
    return data


def test_project_form_accepts_swiss_dates(admin_client):
    build_strategy(n_projects=1, n_indicators=0)
    project = Project.objects.get()
    Funding.objects.all().delete()
    response = admin_client.post(
        admin_url(Project, "change", project.pk),
        project_form_data(project, start_date="14.12.2018", end_date="2019-01-13"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.start_date == datetime.date(2018, 12, 14)
    assert project.end_date == datetime.date(2019, 1, 13)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "31.02.2019"}, "Saisissez une date valide."),
        ({"start_date": "15.01.2019", "end_date": "14.12.2018"}, "La fin ne peut pas précéder"),
        ({"priority": 5}, "Sélectionnez un choix valide"),
        ({"budget_planned": "-10"}, "supérieure ou égale à 0"),
        ({"code": "p 1"}, "Un code ne contient ni espace"),
        ({"progress": "150"}, "inférieure ou égale à 100"),
    ],
    ids=["bad-date", "end-before-start", "priority-5", "negative-budget", "code-space", "150%"],
)
def test_project_form_rejects_bad_input_in_french_and_saves_nothing(admin_client, changes, message):
    build_strategy(n_projects=1, n_indicators=0)
    project = Project.objects.get()
    Funding.objects.all().delete()
    before = (project.title, project.start_date, project.end_date, project.history.count())
    response = admin_client.post(
        admin_url(Project, "change", project.pk),
        project_form_data(project, title="Titre modifié", **changes),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    project.refresh_from_db()
    assert (project.title, project.start_date, project.end_date, project.history.count()) == before


def test_a_duplicate_measure_code_in_the_same_strategy_is_refused_with_a_message(admin_client):
    strategy = build_strategy(n_projects=0, n_indicators=0)
    existing = Measure.objects.filter(strategy=strategy).first()
    other_domain = DomainFactory(axis=strategy.axes.last())
    response = admin_client.post(
        admin_url(Measure, "add"),
        {
            "domain": other_domain.pk,
            "code": existing.code,
            "title": "Doublon",
            "order": 0,
            "projects-TOTAL_FORMS": 0,
            "projects-INITIAL_FORMS": 0,
            "projects-MIN_NUM_FORMS": 0,
            "projects-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200
    assert "Ce code de mesure est déjà utilisé dans la stratégie." in response.content.decode()
    assert Measure.objects.filter(code=existing.code).count() == 1


def test_indicator_changelist_explains_each_status(secretariat_client):
    response = secretariat_client.get(admin_url(Indicator, "changelist"))
    html = response.content.decode()
    assert "status-achieved" in html
    assert "du but atteint" in html
    assert "Aucune valeur mesurée." in html


def test_a_viewer_cannot_open_the_admin(client, demo):
    client.force_login(get_user_model().objects.get(username="commission"))
    response = client.get(admin_url(Project, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_project_changelist_lists_codes_in_the_seed_order(admin_client):
    strategy = StrategyFactory()
    measure = MeasureFactory(domain=DomainFactory(axis=AxisFactory(strategy=strategy)))
    for code in ("p10", "p2", "p1", "p11"):
        ProjectFactory(measure=measure, code=code)
    response = admin_client.get(admin_url(Project, "changelist"))
    codes = [project.code for project in response.context["cl"].result_list]
    assert codes == ["p1", "p2", "p10", "p11"]
