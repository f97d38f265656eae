"""The public cockpit of a published strategy: the cockpit and its indicators for anyone, without
budgets, funding, comments, decisions, history or people, announced as a public view."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.territories import make_public, world_fixture

world = world_fixture()

NOTICE = "Vue publique, en lecture seule."
#: What the public never sees of territory A (see tests/territories.py).
HIDDEN = [
    "Porteur A",  # the project's lead ("Qui ?")
    "Lead A",  # the measure's responsible body
    "Financeur A",
    "Commentaire de statut A",
    "Commentaire de valeur A",
    "Décision A",
    "Resp A",
    "Participant A",
    "modifié par",
    "créé par",
    "export.xlsx",
    "dépensés sur",  # the rollups' budget line
    "CHF",
]
#: The amounts, whatever the thousands separator: the budget, the funding.
AMOUNTS = re.compile(r"123\D{0,8}456|4\D{0,8}321")


def shows(html: str, text: str) -> bool:
    """Whether the page says ``text`` as words of their own: the CSRF token the page carries
    for htmx is random and sometimes spells "CHF" inside it."""
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", html) is not None


def test_a_word_inside_a_random_token_is_not_shown_but_a_word_is():
    assert not shows('{"X-CSRFToken": "5Ryb9xx29fCHFXWPHMrS2"}', "CHF")
    assert shows("1 200 CHF dépensés", "CHF")
    assert shows("<td>CHF</td>", "CHF")


def public_urls(world) -> dict[str, str]:
    s = world.a.strategy.pk
    return {
        "home": reverse("public:home"),
        "strategy": reverse("public:strategy", args=[s]),
        "axis": reverse("public:axis", args=[s, world.a.axis.pk]),
        "measure": reverse("public:measure", args=[s, world.a.measure.pk]),
        "indicator": reverse("public:indicator", args=[s, world.a.indicator.pk]),
    }


@pytest.fixture
def published(world, db):
    make_public(world.a.strategy)
    return world


@pytest.mark.parametrize("name", ["home", "strategy", "axis", "measure", "indicator"])
def test_public_pages_show_no_budget_funding_comment_decision_nor_person(published, name):
    html = Client().get(public_urls(published)[name]).content.decode()
    assert NOTICE in html
    for secret in HIDDEN:
        assert not shows(html, secret), secret
    assert not AMOUNTS.search(html)
    # Links stay in the public cockpit: no member page, no admin (the help guides are public too).
    links = [link for link in html.split('href="')[1:]]
    targets = [link.split('"', 1)[0] for link in links]
    for target in targets:
        assert target.startswith(
            ("/public/", "/static/", "/comptes/login/", "/aide/", "#", "data:")
        ), target


def test_public_cockpit_shows_the_axes_indicators_and_projects(published):
    html = Client().get(public_urls(published)["strategy"]).content.decode()
    assert "Stratégie A" in html
    assert "Axe 1 : Axe du territoire A" in html
    assert "Indicateur A" in html
    assert "Projet A" in html  # the project's title and mark, not its page
    assert (
        reverse("public:indicator", args=[published.a.strategy.pk, published.a.indicator.pk])
        in html
    )
    assert "Connexion des membres" in html


def test_public_indicator_shows_its_values_and_chart(published):
    html = Client().get(public_urls(published)["indicator"]).content.decode()
    assert '<svg class="trend-chart"' in html
    assert "Valeurs mesurées" in html
    assert "40" in html


def test_public_filters_swap_the_table_with_htmx(published):
    url = public_urls(published)["strategy"] + "?q=p1"
    response = Client().get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="axes"')
    assert "Projet A" in html
    assert response["Vary"].count("HX-Request") == 1


def test_the_lead_filter_is_not_offered_in_public(published):
    response = Client().get(public_urls(published)["strategy"])
    assert "lead" not in response.context["form"].fields
    assert 'name="lead"' not in response.content.decode()


def test_the_public_list_shows_only_published_strategies(published):
    html = Client().get(reverse("public:home")).content.decode()
    assert "Stratégie A" in html
    assert "Stratégie B" not in html


def test_an_unpublished_strategy_has_no_public_page(world, db):
    s = world.a.strategy.pk
    for url in (
        reverse("public:strategy", args=[s]),
        reverse("public:indicator", args=[s, world.a.indicator.pk]),
    ):
        assert Client().get(url).status_code == 404


def test_members_pages_keep_everything(published):
    client = Client()
    client.force_login(published.users["viewer_a"])
    html = client.get(
        reverse("cockpit:project", args=[published.a.strategy.pk, published.a.project.pk])
    ).content.decode()
    assert NOTICE not in html
    for shown in ("Porteur A", "Financeur A", "Commentaire de statut A"):
        assert shown in html
    assert AMOUNTS.search(html)


def test_public_page_answers_head_requests(published):
    assert Client().head(public_urls(published)["strategy"]).status_code == 200


def public_queries(url: str, **headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(url, headers=headers)  # warm-up
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, headers=headers).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "htmx-fragment"])
def test_public_cockpit_queries_do_not_grow_with_projects(published, fragment):
    from tests.factories import IndicatorFactory, IndicatorValueFactory, ProjectFactory

    url = public_urls(published)["strategy"]
    headers = {"HX-Request": "true"} if fragment else {}
    few = public_queries(url, **headers)
    for index in range(12):
        ProjectFactory(measure=published.a.measure, code=f"p{100 + index}")
        indicator = IndicatorFactory(
            axis=published.a.axis, strategy=published.a.strategy, code=f"s{100 + index}"
        )
        IndicatorValueFactory(indicator=indicator)
    assert public_queries(url, **headers) == few
