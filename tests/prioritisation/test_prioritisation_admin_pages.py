"""The secretariat's admin for proposals, criteria and scores: every page opens with the demo's
permissions, changelists cost a constant number of queries, scores entered inline record who
scored, and criteria are edited (weights too) on the strategy's page."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prioritisation.models import Criterion, Proposal, Score
from projects.models import Project
from strategies.models import Strategy
from tests.factories import (
    CriterionFactory,
    MeasureFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
)

MODELS = [Proposal, Criterion, Score]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def secretariat_client(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_page_opens_for_the_secretariat(secretariat_client, model):
    obj = model.objects.order_by("pk").first()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ):
        assert secretariat_client.get(url).status_code == 200, url


def test_proposal_page_offers_the_triage_buttons_while_it_is_open(secretariat_client):
    new = Proposal.objects.filter(status="new").first()
    page = secretariat_client.get(admin_url(Proposal, "change", new.pk)).content.decode()
    assert (
        reverse("admin:prioritisation_proposal_triage", args=["retenir"]) + f"?ids={new.pk}" in page
    )
    done = Proposal.objects.filter(status="set_aside").first()
    page = secretariat_client.get(admin_url(Proposal, "change", done.pk)).content.decode()
    assert reverse("admin:prioritisation_proposal_triage", args=["retenir"]) not in page


def test_strategy_page_edits_the_criteria_and_their_weights(secretariat_client):
    strategy = Strategy.objects.get(short_name="SDI")
    page = secretariat_client.get(admin_url(Strategy, "change", strategy.pk)).content.decode()
    assert "criteria-TOTAL_FORMS" in page
    assert 'value="Retour économique sur investissement"' in page


def test_project_page_shows_its_prioritisation_without_changing_its_form(secretariat_client):
    project = Project.objects.get(code="p1")
    page = secretariat_client.get(admin_url(Project, "change", project.pk)).content.decode()
    assert "79.2 / 100 (5/5 critères notés)" in page or "79,2 / 100 (5/5 critères notés)" in page
    assert "Parkings d&#x27;échange à l&#x27;entrée du Haut-Plateau" in page  # merged into p1
    assert "scores-TOTAL_FORMS" not in page  # the project form posts what it always did
    scores = secretariat_client.get(
        admin_url(Score, "changelist") + f"?project__exact={project.pk}"
    )
    assert scores.status_code == 200
    assert scores.content.decode().count('class="action-select"') == 5


def test_score_entered_inline_on_a_proposal_records_who_scored(secretariat_client):
    proposal = Proposal.objects.get(title="Marché de producteurs du Haut-Plateau")
    emploi = Criterion.objects.get(name="Emploi")
    page = secretariat_client.get(admin_url(Proposal, "change", proposal.pk)).content.decode()
    assert "scores-TOTAL_FORMS" in page
    form = {
        "strategy": proposal.strategy_id,
        "workshop": proposal.workshop_id,
        "axis": proposal.axis_id,
        "title": proposal.title,
        "description": proposal.description,
        "proposed_by": proposal.proposed_by,
        "communes": list(proposal.communes.values_list("pk", flat=True)),
        "status": proposal.status,
        "reason": "",
        "scores-TOTAL_FORMS": 1,
        "scores-INITIAL_FORMS": 0,
        "scores-0-criterion": emploi.pk,
        "scores-0-value": 4,
        "scores-0-comment": "",
    }
    response = secretariat_client.post(admin_url(Proposal, "change", proposal.pk), form)
    assert response.status_code == 200  # 4 is out of the 0–3 scale
    assert "La note « Emploi » va de 0 à 3 ; 4 n&#x27;est pas admis." in response.content.decode()
    assert not Score.objects.filter(proposal=proposal).exists()
    form["scores-0-value"] = 2
    response = secretariat_client.post(admin_url(Proposal, "change", proposal.pk), form)
    assert response.status_code == 302
    score = Score.objects.get(proposal=proposal)
    assert (score.value, score.scored_by.username) == (2, "secretariat")


def test_score_admin_records_who_scored(secretariat_client):
    project = Project.objects.get(code="p2")
    image = Criterion.objects.get(name="Image")
    response = secretariat_client.post(
        admin_url(Score, "add"),
        {"criterion": image.pk, "project": project.pk, "value": 1, "comment": "vu"},
    )
    assert response.status_code == 302
    assert Score.objects.get(project=project, criterion=image).scored_by.username == "secretariat"


def build(n: int):
    strategy = StrategyFactory()
    criteria = [CriterionFactory(strategy=strategy) for _ in range(2)]
    measure = MeasureFactory(domain__axis__strategy=strategy)
    projects = [ProjectFactory(measure=measure) for _ in range(n)]
    for index, project in enumerate(projects):
        ScoreFactory(criterion=criteria[index % 2], project=project)
        proposal = ProposalFactory(strategy=strategy, status="merged", merged_into_project=project)
        ScoreFactory(criterion=criteria[0], proposal=proposal, project=None)
    return strategy


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    build(3)
    url = admin_url(model, "changelist")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url).status_code == 200
    build(40)
    with CaptureQueriesContext(connection) as large:
        assert admin_client.get(url).status_code == 200
    assert len(large) == len(small)


def test_project_page_shows_its_weighted_score_and_scores_read_only(secretariat_client):
    project = Project.objects.get(strategy__short_name="SDI", code="p1")
    scores = list(Score.objects.filter(project=project).select_related("criterion"))
    assert scores  # the demo scores p1 on every criterion
    page = secretariat_client.get(
        reverse("admin:projects_project_change", args=[project.pk])
    ).content.decode()
    assert "Note pondérée" in page
    assert f"({len(scores)}/{Criterion.objects.filter(strategy=project.strategy).count()} " in page
    for score in scores:
        assert f"{score.criterion.name} : <strong>{score.value}</strong>" in page
    assert f"{admin_url(Score, 'changelist')}?project__exact={project.pk}" in page
    # Read only: the form posts no prioritisation field.
    assert 'name="weighted_score"' not in page
