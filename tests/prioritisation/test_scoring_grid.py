"""The scoring grid (editors only): one row per project and open proposal, one column per
criterion. A cell is saved in place with htmx and comes back with the row's weighted score, in a
constant number of queries; a bad value gets a French error in its cell and changes nothing;
without JavaScript the whole grid is one form, saved all or nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prioritisation.models import Criterion, Proposal, Score
from projects.models import Project
from tests.factories import (
    CriterionFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
    UserFactory,
)

HTMX = {"HX-Request": "true"}


def grid_url(strategy) -> str:
    return reverse("prioritisation:scoring", args=[strategy.pk])


def cell_url(target, criterion) -> str:
    kind = "projets" if isinstance(target, Project) else "propositions"
    return reverse(
        "prioritisation:score_cell", args=[criterion.strategy_id, kind, target.pk, criterion.pk]
    )


def field(target, criterion) -> str:
    kind = "project" if isinstance(target, Project) else "proposal"
    return f"{kind}-{target.pk}-{criterion.pk}"


@pytest.fixture
def editor_client(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


@pytest.fixture
def p2(demo):
    return Project.objects.get(strategy=demo, code="p2")  # not scored in the demo


@pytest.fixture
def emploi(demo):
    return Criterion.objects.get(strategy=demo, name="Emploi")


def test_grid_shows_a_row_per_project_and_open_proposal_and_a_column_per_criterion(
    editor_client, demo
):
    page = editor_client.get(grid_url(demo)).content.decode()
    projects = Project.objects.for_strategy(demo).exclude(status="abandoned")
    open_proposals = Proposal.objects.for_strategy(demo).open()
    assert page.count('<tr id="row-project-') == projects.count()
    assert page.count('<tr id="row-proposal-') == open_proposals.count() == 6
    assert page.count('class="score-cell') == (projects.count() + 6) * 5
    assert "Retour économique sur investissement" in page
    assert "0–3 · ×2" in page  # scale and weight in the header
    assert "4/5 critères notés" in page  # p24: Environnement not scored
    assert 'src="/static/prioritisation/scoring.js"' in page
    assert "<script>" not in page and 'style="' not in page


def test_saving_a_cell_stores_the_score_and_returns_the_cell_and_the_row_score(
    editor_client, p2, emploi
):
    name = field(p2, emploi)
    response = editor_client.post(cell_url(p2, emploi), {f"v-{name}": "3"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    score = Score.objects.get(project=p2, criterion=emploi)
    assert (score.value, score.scored_by.username) == (3, "secretariat")
    assert page.lstrip().startswith(f'<td id="cell-{name}"')
    assert 'value="3"' in page
    assert "✓" in page and "enregistré" in page
    assert f'<td id="sum-project-{p2.pk}" class="num weighted" hx-swap-oob="true">' in page
    assert "<strong>100</strong>" in page
    assert "1/5 critères notés" in page


def test_changing_and_emptying_a_cell(editor_client, demo, emploi):
    p1 = Project.objects.get(strategy=demo, code="p1")
    name = field(p1, emploi)
    editor_client.post(cell_url(p1, emploi), {f"v-{name}": " 1 "}, headers=HTMX)
    assert Score.objects.get(project=p1, criterion=emploi).value == 1
    assert Score.history.filter(project_id=p1.pk, criterion_id=emploi.pk).count() == 2
    response = editor_client.post(cell_url(p1, emploi), {f"v-{name}": ""}, headers=HTMX)
    assert not Score.objects.filter(project=p1, criterion=emploi).exists()
    assert "4/5 critères notés" in response.content.decode()


def test_an_unchanged_cell_writes_nothing(editor_client, demo, emploi):
    p1 = Project.objects.get(strategy=demo, code="p1")
    before = Score.history.count()
    response = editor_client.post(
        cell_url(p1, emploi), {f"v-{field(p1, emploi)}": "2"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "enregistré" not in response.content.decode()
    assert Score.history.count() == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4", "La note « Emploi » va de 0 à 3 ; 4 n'est pas admis."),
        ("-1", "La note « Emploi » va de 0 à 3 ; -1 n'est pas admis."),
        ("2.5", "« 2.5 » n'est pas une note : saisissez un nombre entier de 0 à 3."),
        ("deux", "« deux » n'est pas une note : saisissez un nombre entier de 0 à 3."),
        ("=1+1", "« =1+1 » n'est pas une note"),
    ],
)
def test_a_bad_value_gets_a_french_error_in_its_cell_and_changes_nothing(
    editor_client, demo, emploi, typed, message
):
    p1 = Project.objects.get(strategy=demo, code="p1")
    name = field(p1, emploi)
    response = editor_client.post(cell_url(p1, emploi), {f"v-{name}": typed}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="score-cell has-error"' in page
    assert 'aria-invalid="true"' in page
    assert message.replace("'", "&#x27;") in page
    assert Score.objects.get(project=p1, criterion=emploi).value == 2  # unchanged


def test_a_comment_is_saved_with_the_score_when_comments_are_shown(editor_client, p2, emploi):
    name = field(p2, emploi)
    editor_client.post(
        cell_url(p2, emploi), {f"v-{name}": "2", f"c-{name}": "Emplois saisonniers"}, headers=HTMX
    )
    assert Score.objects.get(project=p2, criterion=emploi).comment == "Emplois saisonniers"
    # Without the comment field (comments hidden), the comment is kept.
    editor_client.post(cell_url(p2, emploi), {f"v-{name}": "3"}, headers=HTMX)
    score = Score.objects.get(project=p2, criterion=emploi)
    assert (score.value, score.comment) == (3, "Emplois saisonniers")


def test_a_proposal_is_scored_in_the_grid(editor_client, demo, emploi):
    proposal = Proposal.objects.get(
        strategy=demo, title="Label « Commune en santé » pour les trois communes"
    )
    name = field(proposal, emploi)
    response = editor_client.post(cell_url(proposal, emploi), {f"v-{name}": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert Score.objects.get(proposal=proposal, criterion=emploi).value == 1


def test_cells_of_another_strategy_or_a_triaged_proposal_answer_404(editor_client, demo, emploi):
    foreign_project = ProjectFactory()
    foreign_criterion = CriterionFactory()
    p1 = Project.objects.get(strategy=demo, code="p1")
    merged = Proposal.objects.filter(strategy=demo, status="merged").first()
    for url in (
        cell_url(foreign_project, emploi).replace(
            f"/strategies/{foreign_project.strategy_id}/", f"/strategies/{demo.pk}/"
        ),
        cell_url(p1, foreign_criterion).replace(
            f"/strategies/{foreign_criterion.strategy_id}/", f"/strategies/{demo.pk}/"
        ),
        cell_url(merged, emploi),
        cell_url(p1, emploi).replace("/projets/", "/autres/"),
    ):
        assert editor_client.post(url, {}, headers=HTMX).status_code == 404


def test_a_viewer_cannot_open_the_grid_nor_score(member_client, demo, p2, emploi):
    assert member_client.get(grid_url(demo)).status_code == 403
    response = member_client.post(
        cell_url(p2, emploi), {f"v-{field(p2, emploi)}": "3"}, headers=HTMX
    )
    assert response.status_code == 403
    assert not Score.objects.filter(project=p2).exists()


def test_another_territory_gets_404(client, demo, p2, emploi):
    outsider = UserFactory()
    MembershipFactory(user=outsider, role="editor")
    client.force_login(outsider)
    assert client.get(grid_url(demo)).status_code == 404
    response = client.post(cell_url(p2, emploi), {f"v-{field(p2, emploi)}": "3"}, headers=HTMX)
    assert response.status_code == 404
    assert not Score.objects.filter(project=p2).exists()


def test_without_javascript_the_whole_grid_is_saved_at_once(editor_client, demo, p2, emploi):
    image = Criterion.objects.get(strategy=demo, name="Image")
    p1 = Project.objects.get(strategy=demo, code="p1")
    data = {
        f"v-{field(p2, emploi)}": "3",
        f"v-{field(p2, image)}": "1",
        f"v-{field(p1, emploi)}": "",  # removes p1's score
        f"v-{field(p1, image)}": "2",  # unchanged
    }
    response = editor_client.post(grid_url(demo), data)
    assert response.status_code == 302
    assert dict(Score.objects.filter(project=p2).values_list("criterion__name", "value")) == {
        "Emploi": 3,
        "Image": 1,
    }
    assert not Score.objects.filter(project=p1, criterion=emploi).exists()
    page = editor_client.get(response["Location"]).content.decode()
    assert "3 notes enregistrées." in page


def test_without_javascript_one_bad_cell_saves_nothing(editor_client, demo, p2, emploi):
    image = Criterion.objects.get(strategy=demo, name="Image")
    before = list(Score.objects.order_by("pk").values_list("pk", "value"))
    data = {f"v-{field(p2, emploi)}": "3", f"v-{field(p2, image)}": "9"}
    response = editor_client.post(grid_url(demo), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 case est à corriger ; rien n&#x27;a été enregistré." in page or (
        "1 case est à corriger ; rien n'a été enregistré." in page
    )
    assert "La note « Image » va de 0 à 3 ; 9 n&#x27;est pas admis." in page
    assert 'value="9"' in page and 'value="3"' in page  # what was typed stays
    assert list(Score.objects.order_by("pk").values_list("pk", "value")) == before


# --- Queries do not grow with the number of criteria, projects or scores ------------------------


def scored_strategy(user, n_criteria: int, n_projects: int):
    strategy = StrategyFactory()
    MembershipFactory(user=user, territory=strategy.territory, role="editor")
    criteria = [CriterionFactory(strategy=strategy) for _ in range(n_criteria)]
    measure = MeasureFactory(domain__axis__strategy=strategy)
    projects = [ProjectFactory(measure=measure) for _ in range(n_projects)]
    for project in projects:
        for criterion in criteria[:-1]:
            ScoreFactory(criterion=criterion, project=project, value=1)
    for _ in range(n_projects // 2):
        proposal = ProposalFactory(strategy=strategy)
        ScoreFactory(criterion=criteria[0], proposal=proposal, project=None, value=2)
    return strategy, criteria, projects


def cell_queries(client, strategy, criteria, projects, value: str) -> int:
    project, criterion = projects[0], criteria[-1]
    url = cell_url(project, criterion)
    data = {f"v-{field(project, criterion)}": value}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert "has-error" not in response.content.decode()
    return len(queries)


def test_saving_a_cell_runs_the_same_queries_with_3_or_12_criteria(client, db):
    user = UserFactory()
    client.force_login(user)
    small = scored_strategy(user, 3, 2)
    large = scored_strategy(user, 12, 30)
    cell_queries(client, *small, "0")  # warm-up; both cells now scored
    cell_queries(client, *large, "0")
    for value in ("1", "2", ""):  # create, update, delete
        assert cell_queries(client, *small, value) == cell_queries(client, *large, value)


def test_grid_page_runs_the_same_queries_at_two_sizes(client, db):
    user = UserFactory()
    client.force_login(user)
    small, _c, _p = scored_strategy(user, 3, 2)
    large, _c, _p = scored_strategy(user, 12, 40)
    client.get(grid_url(small))  # warm-up
    counts = []
    for strategy in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(grid_url(strategy)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
