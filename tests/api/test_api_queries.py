"""The API's lists and the open-data downloads read the database a fixed number of times
whatever the size of the strategy (two sizes of ``bench.data.build_strategy``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build_strategy
from tests.api.helpers import bearer, token_for
from tests.territories import make_public

pytestmark = pytest.mark.django_db


NAMES = (
    "strategy",
    "axes",
    "measures",
    "projects",
    "projects, late, 1000 a page",
    "indicators",
    "indicators on track",
    "values",
    "strategies",
    "territories",
    "projects.csv",
    "indicators.csv",
    "zip",
    "dcat",
)


def urls(strategy) -> list[str]:
    pk = strategy.pk
    indicator = strategy.indicators.order_by("pk").first()
    return [
        f"/api/v1/strategies/{pk}",
        f"/api/v1/strategies/{pk}/axes",
        f"/api/v1/strategies/{pk}/measures",
        f"/api/v1/strategies/{pk}/projects",
        f"/api/v1/strategies/{pk}/projects?late=on&page_size=1000",
        f"/api/v1/strategies/{pk}/indicators",
        f"/api/v1/strategies/{pk}/indicators?status=on_track",
        f"/api/v1/strategies/{pk}/indicators/{indicator.pk}/values",
        "/api/v1/strategies",
        "/api/v1/territories",
        reverse("api:table", args=[pk, "projects"]),
        reverse("api:table", args=[pk, "indicators"]),
        reverse("api:zip", args=[pk]),
        reverse("api:dcat_jsonld", args=[pk]),
    ]


def queries(url: str, headers: dict) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context.captured_queries)


@pytest.mark.parametrize("member", [False, True], ids=["public", "token"])
def test_queries_do_not_grow_with_the_strategy(settings, member):
    settings.API_RATE_LIMIT = 0
    counts = []
    for size, label in ((40, "api-q-small"), (160, "api-q-large")):
        bench = build_strategy(size, label=label)
        make_public(bench.strategy)
        headers = bearer(token_for(bench.viewer)) if member else {}
        counts.append([queries(url, headers) for url in urls(bench.strategy)])
    small, large = counts
    assert small == large, list(zip(NAMES, small, large, strict=True))
