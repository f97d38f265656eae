"""An axis's page with many projects: its measures and their projects come ``PAGE_ROWS`` rows a
page (whole measures), the next ones appended by htmx or, without JavaScript, on pages of their
own; every project once, in order, and the same number of queries whatever the size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build_strategy
from steering import table as steering

HTMX = {"HX-Request": "true"}
MORE = re.compile(r'<p class="more no-print"><a href="([^"]+)" hx-get="([^"]+)"')


@pytest.fixture
def small_pages(monkeypatch):
    """A page of an axis holds about 12 rows (whole measures of 10 projects: 2 a page)."""
    monkeypatch.setattr(steering, "PAGE_ROWS", 12)


def axis_url(bench) -> str:
    axis = bench.strategy.axes.order_by("number").first()
    return reverse("cockpit:axis", args=[bench.strategy.pk, axis.pk])


def project_codes(html: str) -> list[str]:
    return re.findall(r'/projets/\d+/">(p\d+)</a></td>', html)


def expected_codes(bench) -> list[str]:
    axis = bench.strategy.axes.order_by("number").first()
    projects = steering.steering_projects(bench.strategy, None).filter(axis=axis)
    return [project.code for project in projects]


@pytest.mark.django_db
def test_an_axis_page_shows_its_projects_a_page_at_a_time_then_the_rest_on_demand(
    client, small_pages
):
    bench = build_strategy(160, label="axis-pages")
    client.force_login(bench.viewer)
    first = client.get(axis_url(bench)).content.decode()
    assert "Lignes suivantes (page 2 sur 2 ; encore 20 lignes)" in first
    assert len(project_codes(first)) == 20  # two whole measures of 10 projects
    pages = [first]
    link = MORE.search(first)
    while link:
        href, hx_get = link.groups()
        assert href == hx_get
        fragment = client.get(href.replace("&amp;", "&"), headers=HTMX)
        assert fragment.status_code == 200
        html = fragment.content.decode()
        assert "<h1>" not in html  # the measures only, appended in place of the link
        pages.append(html)
        link = MORE.search(html)
    shown = [code for html in pages for code in project_codes(html)]
    assert shown == expected_codes(bench)


@pytest.mark.django_db
def test_without_javascript_the_next_page_of_an_axis_is_a_page_with_a_way_back(client, small_pages):
    bench = build_strategy(160, label="axis-nojs")
    client.force_login(bench.viewer)
    response = client.get(axis_url(bench) + "?page=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in html
    assert "Page 2 sur 2" in html
    assert f'href="{axis_url(bench)}?page=1" rel="prev"' in html
    assert project_codes(html) == expected_codes(bench)[20:]
    # A page number out of range shows the nearest page, a word is the first page.
    assert (
        project_codes(client.get(axis_url(bench) + "?page=99").content.decode())
        == (expected_codes(bench)[20:])
    )
    assert client.get(axis_url(bench) + "?page=x").status_code == 200


@pytest.mark.django_db
def test_an_axis_page_takes_the_same_queries_whatever_the_number_of_projects(client):
    counts = []
    for size in (160, 640):
        bench = build_strategy(size, label=f"axis-q{size}")
        client.force_login(bench.viewer)
        client.get(axis_url(bench))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(axis_url(bench))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
