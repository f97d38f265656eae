"""The API's lists: paged (100 a page, at most 1,000), filtered like the cockpit, a bad or unknown
parameter answered 400 naming it; ETag and Last-Modified from the strategy's history, 304 to a
conditional request; a token's requests limited per minute (429 with Retry-After)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from api.conditional import latest_change
from projects.models import Project
from tests.api.helpers import get, token_for
from tests.factories import ProjectFactory
from tests.territories import make_public, world_fixture

world = world_fixture()
pytestmark = pytest.mark.django_db


@pytest.fixture
def public_a(world):
    """Strategy A, public, with 5 projects more (p2…p6: two blocked, one late)."""
    make_public(world.a.strategy)
    today = timezone.localdate()
    for number in range(2, 7):
        ProjectFactory(
            measure=world.a.measure,
            code=f"p{number}",
            title=f"Projet {number}",
            status=Project.Status.BLOCKED if number in (3, 4) else Project.Status.IN_PROGRESS,
            start_date=today - datetime.timedelta(days=400),
            end_date=today - datetime.timedelta(days=10 if number == 5 else -300),
        )
    return world


def projects_url(world) -> str:
    return f"/api/v1/strategies/{world.a.strategy.pk}/projects"


def test_a_list_is_paged_and_links_its_pages(public_a):
    first = get(projects_url(public_a) + "?page_size=4").json()
    assert (first["count"], first["pages"], first["page_size"]) == (6, 2, 4)
    assert [row["code"] for row in first["results"]] == ["p1", "p2", "p3", "p4"]
    assert first["previous"] is None
    second = get(first["next"]).json()
    assert [row["code"] for row in second["results"]] == ["p5", "p6"]
    assert second["next"] is None and second["previous"].endswith("page=1")


def test_a_list_defaults_to_100_a_page_and_refuses_more_than_1000(public_a):
    assert get(projects_url(public_a)).json()["page_size"] == 100
    assert get(projects_url(public_a) + "?page_size=1000").status_code == 200
    response = get(projects_url(public_a) + "?page_size=1001")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "page_size"


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("status=blocked", ["p3", "p4"]),
        ("mark=blocked", ["p3", "p4"]),
        ("late=true", ["p5"]),
        ("late=on", ["p5"]),
        ("q=projet+6", ["p6"]),
        ("q=p2", ["p2"]),
        ("engaged=1&status=in_progress", ["p2", "p5", "p6"]),
    ],
)
def test_projects_filter_like_the_cockpit(public_a, query, codes):
    response = get(projects_url(public_a) + "?" + query)
    assert response.status_code == 200, response.content
    assert [row["code"] for row in response.json()["results"]] == codes


def test_the_commune_and_axis_filters_take_the_strategys_ids(public_a):
    a = public_a.a
    response = get(projects_url(public_a) + f"?commune={a.commune.pk}&axis={a.axis.pk}")
    assert [row["code"] for row in response.json()["results"]] == ["p1"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=fini", "status"),
        ("priority=7", "priority"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99", "page"),
        ("page_size=0", "page_size"),
        ("late=peut-etre", "late"),
        ("mark=vert", "mark"),
        ("couleur=rouge", "couleur"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_a_bad_parameter_is_400_naming_it(public_a, query, parameter):
    response = get(projects_url(public_a) + "?" + query)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["parameter"] == parameter
    assert parameter in body["detail"]


def test_an_id_of_another_territory_in_a_filter_is_400_naming_it(public_a):
    b = public_a.b
    for name, value in (("axis", b.axis.pk), ("commune", b.commune.pk), ("theme", b.theme.pk)):
        response = get(projects_url(public_a) + f"?{name}={value}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameter"] == name


def test_indicators_filter_by_status_and_show_their_evaluation(public_a):
    url = f"/api/v1/strategies/{public_a.a.strategy.pk}/indicators"
    indicator = get(url).json()["results"][0]
    assert indicator["latest_value"] == 40
    assert (
        indicator["latest_value_date"]
        == (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    )
    assert indicator["data_age_days"] == 30
    status = indicator["status"]
    assert get(url + f"?status={status}").json()["count"] == 1
    other = "no_data" if status != "no_data" else "achieved"
    assert get(url + f"?status={other}").json()["count"] == 0
    assert get(url + "?status=vert").json()["errors"][0]["parameter"] == "status"


def test_the_levels_carry_the_strategys_names(public_a):
    strategy = public_a.a.strategy
    strategy.refresh_from_db()
    strategy.level_names = {
        "axis": {"singular": "orientation", "plural": "orientations", "gender": "f"}
    }
    strategy.save()
    levels = get(f"/api/v1/strategies/{strategy.pk}/levels").json()
    assert levels[0] == {
        "kind": "axis",
        "used": True,
        "singular": "orientation",
        "plural": "orientations",
        "code_prefix": "",
    }
    detail = get(f"/api/v1/strategies/{strategy.pk}").json()
    assert detail["levels"] == levels
    assert detail["licence"] == "CC-BY-4.0"


# --- ETag, Last-Modified, 304 -----------------------------------------------------------------


def test_an_answer_carries_etag_and_last_modified_and_a_conditional_request_gets_304(public_a):
    url = projects_url(public_a)
    first = get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    latest = latest_change(public_a.a.strategy)
    assert modified == http_date(latest.timestamp())  # the projects were created today
    again = get(url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert get(url, **{"If-Modified-Since": modified}).status_code == 304
    # Another filter is another answer.
    assert get(url + "?late=on", **{"If-None-Match": etag}).status_code == 200


def test_a_change_to_a_project_changes_the_etag_and_the_date(public_a):
    url = projects_url(public_a)
    before = get(url)
    time.sleep(1.1)  # Last-Modified counts whole seconds
    project = Project.objects.get(strategy=public_a.a.strategy, code="p2")
    project.status = Project.Status.DONE
    project.save()
    after = get(url, **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert get(url, **{"If-Modified-Since": before["Last-Modified"]}).status_code == 200


def test_a_members_etag_differs_from_the_publics(public_a):
    url = projects_url(public_a)
    token = token_for(public_a.users["viewer_a"])
    public, member = get(url), get(url, token)
    assert public["ETag"] != member["ETag"]
    assert get(url, token, **{"If-None-Match": public["ETag"]}).status_code == 200


# --- Rate limit --------------------------------------------------------------------------------


@pytest.fixture
def limit_of_3(settings):
    settings.API_RATE_LIMIT = 3
    cache.clear()
    if time.time() % 60 > 57:
        time.sleep(60 - time.time() % 60 + 0.1)


def test_a_token_beyond_its_limit_gets_429_with_retry_after(public_a, limit_of_3):
    url = projects_url(public_a)
    token = token_for(public_a.users["viewer_a"])
    other = token_for(public_a.users["viewer_b"])
    for _ in range(3):
        assert get(url, token).status_code == 200
    refused = get(url, token)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    # Each token has its own count; the public is not counted against it.
    assert get(url, other).status_code == 200
    assert get(url).status_code == 200


def test_the_default_limit_is_60_a_minute():
    from django.conf import settings

    assert settings.API_RATE_LIMIT == 60
