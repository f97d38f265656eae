"""Who reads what through the API: the public reads a public strategy's public fields only; a
member's token reads the strategies of the member's territories with budgets and people; another
territory's objects answer 404; a revoked, forged or malformed token answers 401."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from tests.api.helpers import MEMBER_PROJECT_FIELDS, get, token_for
from tests.territories import make_public, world_fixture

world = world_fixture()
pytestmark = pytest.mark.django_db

#: What the public never reads of territory A (tests/cockpit/test_public_cockpit.py's list).
HIDDEN = [
    "Porteur A",
    "Lead A",
    "Financeur A",
    "Commentaire de statut A",
    "Commentaire de valeur A",
    "Décision A",
    "Resp A",
    "Participant A",
    "CHF",
]
AMOUNTS = re.compile(r"123\D{0,8}456|4\D{0,8}321")


def urls(side) -> dict[str, str]:
    s = side.strategy.pk
    return {
        "strategy": f"/api/v1/strategies/{s}",
        "levels": f"/api/v1/strategies/{s}/levels",
        "axes": f"/api/v1/strategies/{s}/axes",
        "measures": f"/api/v1/strategies/{s}/measures",
        "projects": f"/api/v1/strategies/{s}/projects",
        "project": f"/api/v1/strategies/{s}/projects/{side.project.pk}",
        "indicators": f"/api/v1/strategies/{s}/indicators",
        "indicator": f"/api/v1/strategies/{s}/indicators/{side.indicator.pk}",
        "values": f"/api/v1/strategies/{s}/indicators/{side.indicator.pk}/values",
    }


@pytest.fixture
def tokens(world):
    return {role: token_for(user) for role, user in world.users.items() if user is not None}


NAMES = (
    "strategy",
    "levels",
    "axes",
    "measures",
    "projects",
    "project",
    "indicators",
    "indicator",
    "values",
)


@pytest.mark.parametrize("name", NAMES)
def test_a_private_strategy_is_404_without_a_token_and_to_another_territorys_token(
    world, tokens, name
):
    url = urls(world.a)[name]
    assert get(url).status_code == 404
    assert get(url, tokens["viewer_b"]).status_code == 404
    assert get(url, tokens["editor_b"]).status_code == 404
    assert get(url, tokens["viewer_a"]).status_code == 200
    assert get(url, tokens["superuser"]).status_code == 200


def test_another_strategys_object_under_my_strategy_is_404(world, tokens):
    a, b = world.a.strategy.pk, world.b.strategy.pk
    token = tokens["viewer_a"]
    assert get(f"/api/v1/strategies/{a}/projects/{world.b.project.pk}", token).status_code == 404
    assert (
        get(f"/api/v1/strategies/{a}/indicators/{world.b.indicator.pk}", token).status_code == 404
    )
    assert get(f"/api/v1/strategies/{b}/projects/{world.b.project.pk}", token).status_code == 404


def test_a_token_lists_only_its_territories_and_the_public_ones(world, tokens):
    listed = get("/api/v1/strategies", tokens["viewer_a"]).json()
    assert [row["title"] for row in listed["results"]] == ["Stratégie A"]
    assert listed["results"][0]["access"] == "member"
    territories = get("/api/v1/territories", tokens["viewer_a"]).json()["results"]
    assert [row["name"] for row in territories] == ["Territoire A"]
    assert territories[0]["currency"] == "CHF"
    assert get(f"/api/v1/territories/{world.b.territory.pk}", tokens["viewer_a"]).status_code == 404
    make_public(world.b.strategy)
    listed = get("/api/v1/strategies", tokens["viewer_a"]).json()["results"]
    assert {row["title"]: row["access"] for row in listed} == {
        "Stratégie A": "member",
        "Stratégie B": "public",
    }
    assert get("/api/v1/strategies").json()["count"] == 1


def test_a_members_project_shows_budget_and_lead(world, tokens):
    project = get(urls(world.a)["project"], tokens["viewer_a"]).json()
    assert project["budget_planned"] == 123456
    assert project["lead"] == "Porteur A"
    assert project["currency"] == "CHF"
    assert project["communes"] == [{"id": world.a.commune.pk, "name": "Commune A"}]
    value = get(urls(world.a)["values"], tokens["viewer_a"]).json()["results"][0]
    assert value["comment"] == "Commentaire de valeur A"


@pytest.mark.parametrize(
    "name", ["strategy", "measures", "projects", "project", "indicators", "values"]
)
def test_the_public_reads_no_budget_person_nor_comment(world, name):
    make_public(world.a.strategy)
    response = get(urls(world.a)[name])
    assert response.status_code == 200
    text = response.content.decode()
    for secret in HIDDEN:
        assert secret not in text, secret
    assert not AMOUNTS.search(text)


def test_a_public_project_has_the_public_cockpits_fields_only(world, tokens):
    make_public(world.a.strategy)
    public = get(urls(world.a)["projects"]).json()["results"][0]
    member = get(urls(world.a)["projects"], tokens["viewer_a"]).json()["results"][0]
    assert not MEMBER_PROJECT_FIELDS & public.keys()
    assert member.keys() >= MEMBER_PROJECT_FIELDS
    assert set(member) - set(public) == MEMBER_PROJECT_FIELDS
    assert public["code"] == "p1" and public["status"] == member["status"]
    # Another territory's token reads a public strategy as the public does.
    other = get(urls(world.a)["projects"], tokens["viewer_b"]).json()["results"][0]
    assert other == public


def test_the_lead_filter_is_refused_in_public(world):
    make_public(world.a.strategy)
    response = get(urls(world.a)["projects"] + "?lead=Porteur+A")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "lead"


@pytest.mark.parametrize(
    "header",
    ["Bearer ctk_forged", "Bearer ", "Basic dXNlcjpwYXNz", "ctk_no_scheme", "Token abc"],
)
def test_a_forged_or_malformed_token_is_401_even_on_a_public_strategy(world, header):
    make_public(world.a.strategy)
    response = get(urls(world.a)["projects"], Authorization=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_a_revoked_token_is_401(world, tokens):
    token = tokens["viewer_a"]
    assert get(urls(world.a)["projects"], token).status_code == 200
    ApiToken.objects.find(token).revoke()
    assert get(urls(world.a)["projects"], token).status_code == 401


def test_an_inactive_users_token_is_401(world, tokens):
    user = world.users["viewer_a"]
    user.is_active = False
    user.save()
    assert get(urls(world.a)["projects"], tokens["viewer_a"]).status_code == 401


# --- The account page -----------------------------------------------------------------------


def test_a_token_is_created_on_the_account_page_shown_once_and_hashed_at_rest(world, client):
    user = world.users["viewer_a"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:create_api_token"), {"name": "Tableau du canton"}, follow=True
    )
    page = response.content.decode()
    assert "il ne sera plus affiché" in page
    token = ApiToken.objects.get(user=user, name="Tableau du canton")
    raw = page.split('<code class="secret">', 1)[1].split("</code>", 1)[0]
    assert raw.startswith(token.hint) and len(raw) > 40
    assert token.token_hash != raw and raw not in json.dumps(
        list(ApiToken.objects.values()), default=str
    )
    # Shown once: the next visit lists it by its beginning only.
    again = client.get(reverse("accounts:account")).content.decode()
    assert raw not in again
    assert f"{token.hint}…" in again
    # It reads the API as the member.
    assert get(urls(world.a)["projects"], raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_is_revoked_from_the_account_page_and_no_one_elses(world, client):
    token, raw = ApiToken.issue(world.users["viewer_a"], "à révoquer")
    other, _raw = ApiToken.issue(world.users["viewer_b"], "pas le mien")
    client.force_login(world.users["viewer_a"])
    url = reverse("accounts:revoke_api_token", args=[other.pk])
    assert client.post(url).status_code == 404
    assert client.post(reverse("accounts:revoke_api_token", args=[token.pk])).status_code == 302
    assert get(urls(world.a)["projects"], raw).status_code == 401
    page = client.get(reverse("accounts:account")).content.decode()
    assert "révoqué le" in page
    other.refresh_from_db()
    assert other.is_active
