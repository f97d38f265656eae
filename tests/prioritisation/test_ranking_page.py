"""The ranking page (every member): projects and retained proposals by weighted score, with the
per-criterion scores, priority and budget, a note on ties and the priority/score disagreements;
filtered by axis, status and commune (htmx swaps the table); another territory sees nothing; a
constant number of queries."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project
from strategies.models import Axis, Commune
from tests.factories import (
    CommuneFactory,
    CriterionFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
    UserFactory,
)


def ranking_url(strategy, **params) -> str:
    url = reverse("prioritisation:ranking", args=[strategy.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def first_cells(page: str) -> list[str]:
    """The code (or « proposition ») of each row of the ranking, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r'<td class="code">(.*?)</td>', body, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in rows]


def visible_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def ranking_page(member_client, demo) -> str:
    response = member_client.get(ranking_url(demo))
    assert response.status_code == 200
    return response.content.decode()


def test_projects_and_retained_proposals_are_ranked_by_weighted_score(ranking_page):
    order = first_cells(ranking_page)
    assert order[:6] == ["p19", "p24", "p1", "p11", "p12", "proposition"]
    assert order.count("proposition") == 2  # the two retained proposals, not the new ones
    assert "p16" not in order  # abandoned
    assert order[-9:] == ["p2", "p9", "p4", "p6", "p7", "p17", "p21", "p8", "p23"]  # unscored
    assert "Réseau de chaleur au bois des forêts communales" in ranking_page
    assert "Navette intercommunale en soirée" not in ranking_page  # a new proposal


def test_each_row_shows_the_scores_priority_budget_and_coverage(ranking_page):
    text = visible_text(ranking_page)
    # p24: Emploi 3, Lien social 1, Image 2, Retour 3, Environnement not scored; 83,3 on 4/5.
    assert (
        "p24 Guichet entreprises intercommunal Axe 4 2 150 000 CHF 3 1 2 3 – non noté 83,3" in text
    )
    assert "4/5 critères notés" in text
    assert "0/5 critères notés" in text
    assert "Retour économique sur investissement 0–3 · ×2" in text


def test_ties_and_disagreements_are_noted_for_the_commission(ranking_page):
    text = visible_text(ranking_page)
    assert "p11 et p12 ont la même note (75 sur 100, rang 4) : la commission les départage." in text
    assert "4 = " in text or "4=" in text.replace(" ", "")
    assert text.count("⚠ priorité 1, mais dans le dernier tiers") == 2  # p5 and p20
    assert text.count("⚠ priorité 3, mais dans le premier tiers") == 1  # p19
    assert "p20 – Révision des statuts de l'ACCM : priorité 1 (haute), mais rang 16 sur 16" in text
    assert "9 lignes n'ont encore aucune note" in text
    assert 'class="disagree"' in ranking_page


def test_filter_by_axis_keeps_its_projects_and_proposals(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    page = member_client.get(ranking_url(demo, axis=axis.pk)).content.decode()
    assert first_cells(page) == ["p12", "proposition", "p13", "p14"]


def test_filter_joker_and_new_proposals(member_client, demo):
    page = member_client.get(ranking_url(demo, axis="joker", status="proposals_new")).content
    page = page.decode()
    assert first_cells(page) == ["proposition"]
    assert "Label « Commune en santé »" in page
    page = member_client.get(ranking_url(demo, status="proposals_new")).content.decode()
    assert first_cells(page).count("proposition") == 4


def test_filter_by_project_status_and_commune(member_client, demo):
    page = member_client.get(ranking_url(demo, status="abandoned")).content.decode()
    assert first_cells(page) == ["p16"]
    icogne = Commune.objects.get(name="Icogne")
    page = member_client.get(ranking_url(demo, commune=icogne.pk)).content.decode()
    codes = [code for code in first_cells(page) if code != "proposition"]
    expected = set(
        Project.objects.filter(strategy=demo, communes=icogne)
        .exclude(status="abandoned")
        .values_list("code", flat=True)
    )
    assert set(codes) == expected
    assert "p2" not in codes  # Crans-Montana only


def test_htmx_gets_the_table_only(member_client, demo):
    response = member_client.get(
        ranking_url(demo, status="in_progress"), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="ranking"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_a_bad_filter_is_ignored_with_a_message(member_client, demo):
    page = member_client.get(ranking_url(demo, status="nimporte")).content.decode()
    assert "Un filtre n'est pas valable ; il est ignoré." in page.replace("&#x27;", "'")
    assert first_cells(page)[0] == "p19"


def test_editors_get_the_link_to_the_scoring_grid(client, demo, ranking_page):
    scoring = reverse("prioritisation:scoring", args=[demo.pk])
    assert scoring not in ranking_page
    client.force_login(get_user_model().objects.get(username="secretariat"))
    assert scoring in client.get(ranking_url(demo)).content.decode()


def test_another_territory_gets_404(client, demo):
    outsider = UserFactory()
    MembershipFactory(user=outsider, role="editor")
    client.force_login(outsider)
    assert client.get(ranking_url(demo)).status_code == 404


def test_a_strategy_without_criteria_says_how_to_add_them(client, db):
    membership = MembershipFactory()
    strategy = StrategyFactory(territory=membership.territory)
    ProjectFactory(measure=MeasureFactory(domain__axis__strategy=strategy))
    client.force_login(membership.user)
    page = client.get(ranking_url(strategy)).content.decode()
    assert "Aucun critère pour cette stratégie" in page


def ranked_strategy(user, n_projects: int):
    strategy = StrategyFactory()
    MembershipFactory(user=user, territory=strategy.territory)
    commune = CommuneFactory(territory=strategy.territory)
    criteria = [CriterionFactory(strategy=strategy) for _ in range(4)]
    measure = MeasureFactory(domain__axis__strategy=strategy)
    for index in range(n_projects):
        project = ProjectFactory(measure=measure, priority=1 + index % 3)
        project.communes.add(commune)
        for criterion in criteria[: 1 + index % 4]:
            ScoreFactory(criterion=criterion, project=project, value=index % 4)
    for _ in range(n_projects // 5):
        proposal = ProposalFactory(strategy=strategy, status="retained")
        proposal.communes.add(commune)
        ScoreFactory(criterion=criteria[0], proposal=proposal, project=None, value=1)
    return strategy, commune


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_ranking_queries_do_not_grow_with_projects(client, db, filtered):
    user = UserFactory()
    client.force_login(user)
    sizes = []
    for n_projects in (10, 150):
        strategy, commune = ranked_strategy(user, n_projects)
        url = ranking_url(strategy, commune=commune.pk) if filtered else ranking_url(strategy)
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('<td class="code">') == n_projects + n_projects // 5
        sizes.append(len(queries))
    assert sizes[0] == sizes[1]
