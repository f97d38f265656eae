"""A large portfolio: the cockpit's axes come closed and load their steering table on demand,
a page at a time (htmx, or a plain link without JavaScript), with the same rows and filters as
the full page and a fixed number of queries."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build_strategy
from steering import table as steering
from tests.factories import AxisFactory, MembershipFactory, UserFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def bench(db):
    """160 projects over 4 axes (4 measures of 10 projects each), a strategic indicator each."""
    return build_strategy(160, label="tests")


@pytest.fixture
def viewer_client(client, bench):
    client.force_login(bench.viewer)
    return client


@pytest.fixture
def closed(monkeypatch):
    """Axes close above 30 projects, and a page of a table holds about 6 rows."""
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    monkeypatch.setattr(steering, "PAGE_ROWS", 6)


def cockpit_url(strategy, query: str = "") -> str:
    return reverse("cockpit:strategy", args=[strategy.pk]) + (f"?{query}" if query else "")


def table_url(strategy, axis, query: str = "") -> str:
    url = reverse("cockpit:axis_table", args=[strategy.pk, axis.pk])
    return url + (f"?{query}" if query else "")


def rows_of(blocks) -> dict:
    """Per axis number: the measure codes, project codes and indicator codes, in table order."""
    result = {}
    for block in blocks:
        rows = block.rows
        result[block.axis.number] = (
            [row.measure.code for row in rows if row.measure],
            [row.project.code for row in rows if row.project],
            [row.indicator.code for row in rows if row.indicator],
        )
    return result


NEXT = re.compile(r'<tr class="more no-print"><td colspan="17"><a href="([^"]+)" hx-get="([^"]+)"')


def codes(html: str) -> tuple[list, list, list]:
    """The measure, project and indicator codes of a table's HTML, in order (the table only: the
    narrow screens' blocks that follow it repeat the same rows)."""
    html = html.split('<div class="steering-blocks">')[0]
    return (
        re.findall(r'/mesures/\d+/">(m\d+)</a>', html),
        re.findall(r'/projets/\d+/">(p\d+)</a>', html),
        re.findall(r'/indicateurs/\d+/">([si]\d+)</a>', html),
    )


def all_pages(client, strategy, axis, query: str = "") -> list[str]:
    """The HTML of every page of an axis's table as htmx loads them: the table, then the rows
    each "next" link brings."""
    response = client.get(table_url(strategy, axis, query), headers=HTMX)
    assert response.status_code == 200
    pages = [response.content.decode()]
    while match := NEXT.search(pages[-1]):
        href, hx_get = (unescape(url) for url in match.groups())
        assert href == hx_get  # the same rows without JavaScript
        response = client.get(hx_get, headers=HTMX)
        assert response.status_code == 200
        pages.append(response.content.decode())
    return pages


def paged_rows(pages: list[str]) -> tuple[list, list, list]:
    measures, projects, indicators = [], [], []
    for html in pages:
        m, p, i = codes(html)
        measures += m
        projects += p
        indicators += i
    return measures, projects, indicators


def test_a_small_portfolio_opens_every_axis_with_its_table(viewer_client, bench):
    html = viewer_client.get(cockpit_url(bench.strategy)).content.decode()
    assert html.count('<details class="axis" open') == 4
    assert "deferred-table" not in html
    assert html.count('<table class="steering">') == 4


def test_a_large_portfolio_closes_its_axes_and_says_what_each_holds(viewer_client, bench, closed):
    response = viewer_client.get(cockpit_url(bench.strategy))
    html = response.content.decode()
    assert html.count('<details class="axis" id=') == 4
    assert "<table" not in html
    axis = bench.strategy.axes.get(number=1)
    assert "40 projets · 4 mesures · 1 indicateur stratégique" in html
    url = table_url(bench.strategy, axis)
    assert f'hx-get="{url}" hx-trigger="toggle once from:closest details"' in html
    assert f'<a href="{url}">Afficher le tableau de pilotage de l&#x27;axe 1</a>' in html
    # The rollups stay on the page, for the whole axis.
    assert html.count("Mise en œuvre – projets") == 4
    assert response.context["shown_projects"] == 160


def test_the_fragments_hold_the_same_rows_as_the_open_page(viewer_client, bench, monkeypatch):
    full = rows_of(viewer_client.get(cockpit_url(bench.strategy)).context["axes"])
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    monkeypatch.setattr(steering, "PAGE_ROWS", 6)
    for axis in bench.strategy.axes.all():
        pages = all_pages(viewer_client, bench.strategy, axis)
        assert len(pages) > 1, "the test must cross pages"
        assert paged_rows(pages) == full[axis.number]
        assert full[axis.number][2], "the test must show indicators"
        assert all(not codes(html)[2] for html in pages[1:])


def test_a_page_never_cuts_a_measure(viewer_client, bench, closed):
    axis = bench.strategy.axes.get(number=1)
    pages = all_pages(viewer_client, bench.strategy, axis)
    measures = [codes(html)[0] for html in pages]
    assert sum(len(page) for page in measures) == len({m for page in measures for m in page})
    for html in pages:
        for span in re.findall(r'rowspan="(\d+)"><a href="[^"]+">m\d+</a>', html):
            assert int(span) == 10  # every project of the measure on the same page


def test_the_fragments_apply_the_cockpit_filters(viewer_client, bench, monkeypatch):
    query = "late=on&priority=1"
    full = rows_of(viewer_client.get(cockpit_url(bench.strategy, query)).context["axes"])
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 2)
    monkeypatch.setattr(steering, "PAGE_ROWS", 2)
    html = viewer_client.get(cockpit_url(bench.strategy, query)).content.decode()
    assert "deferred-table" in html
    for axis in bench.strategy.axes.all():
        if axis.number not in full:
            continue
        assert f'hx-get="{table_url(bench.strategy, axis, query).replace("&", "&amp;")}"' in html
        pages = all_pages(viewer_client, bench.strategy, axis, query)
        assert paged_rows(pages)[1] == full[axis.number][1]
        for page in pages:
            if match := NEXT.search(page):
                assert f"{query}&page=" in unescape(match.group(1))


def test_a_following_page_is_rows_to_append_ending_with_the_next_link(viewer_client, bench, closed):
    axis = bench.strategy.axes.get(number=1)
    first = viewer_client.get(table_url(bench.strategy, axis), headers=HTMX)
    assert first.content.decode().lstrip().startswith('<div class="steering-view">')
    second = viewer_client.get(table_url(bench.strategy, axis, "page=2"), headers=HTMX)
    html = second.content.decode().strip()
    assert html.startswith("<tr>") and "<table" not in html and "<html" not in html
    assert "Lignes suivantes (page 3 sur" in html
    assert 'hx-target="closest tr" hx-swap="outerHTML"' in html
    assert "HX-Request" in second["Vary"]


def test_without_javascript_the_table_is_a_page_of_its_own(viewer_client, bench, closed):
    axis = bench.strategy.axes.get(number=2)
    response = viewer_client.get(table_url(bench.strategy, axis, "late=on&page=1"))
    html = response.content.decode()
    assert "<html" in html and '<table class="steering">' in html
    assert "Page 1 sur" in html
    next_url = response.context["axis_block"].page.next_url
    assert next_url.endswith("late=on&page=2")
    assert f'<a href="{next_url.replace("&", "&amp;")}" rel="next">' in html
    back = cockpit_url(bench.strategy, "late=on")
    assert f'href="{back}"' in html
    assert "Les filtres du cockpit s'appliquent." in html
    last = viewer_client.get(table_url(bench.strategy, axis, "late=on&page=99"))
    assert last.status_code == 200  # out of range: the last page
    assert last.context["axis_block"].page.number == last.context["axis_block"].page.count
    assert 'rel="prev"' in last.content.decode()


def test_rows_link_to_the_measure_and_project_pages(viewer_client, bench, closed):
    axis = bench.strategy.axes.get(number=1)
    response = viewer_client.get(table_url(bench.strategy, axis), headers=HTMX)
    block = response.context["axis_block"]
    project = block.measures[0].projects[0]
    measure = block.measures[0].measure
    html = response.content.decode()
    assert f'href="{reverse("cockpit:project", args=[bench.strategy.pk, project.pk])}"' in html
    assert f'href="{reverse("cockpit:measure", args=[bench.strategy.pk, measure.pk])}"' in html


def test_a_single_axis_left_by_the_filters_opens_with_its_first_page(viewer_client, bench, closed):
    axis = bench.strategy.axes.get(number=3)
    response = viewer_client.get(cockpit_url(bench.strategy, f"axis={axis.pk}"))
    html = response.content.decode()
    assert html.count('<details class="axis" open') == 1
    assert '<table class="steering">' in html
    assert "Lignes suivantes (page 2 sur" in html
    assert response.context["axes"][0].rollup.implementation.total == 40


def test_another_territory_gets_404(client, bench, closed):
    outsider = UserFactory()
    MembershipFactory(user=outsider)
    client.force_login(outsider)
    axis = bench.strategy.axes.first()
    assert client.get(table_url(bench.strategy, axis), headers=HTMX).status_code == 404
    assert client.get(table_url(bench.strategy, axis)).status_code == 404


def test_an_axis_of_another_strategy_is_not_found_here(viewer_client, bench):
    other = AxisFactory()
    assert viewer_client.get(table_url(bench.strategy, other), headers=HTMX).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, bench):
    response = client.get(table_url(bench.strategy, bench.strategy.axes.first()))
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def count_queries(client, url: str, headers=None) -> int:
    client.get(url, headers=headers or {})  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("page", "query", "headers"),
    [
        ("cockpit", "", {}),
        ("cockpit", "late=on&q=Projet", HTMX),
        ("table", "", HTMX),
        ("table", "page=2", HTMX),
        ("table", "late=on", {}),
    ],
    ids=["closed-page", "closed-filtered-fragment", "table", "table-page-2", "table-page"],
)
def test_queries_do_not_grow_with_the_portfolio(client, db, closed, page, query, headers):
    counts = []
    for size in (160, 1600):
        bench = build_strategy(size, label=f"q{size}")
        client.force_login(bench.viewer)
        axis = bench.strategy.axes.get(number=1)
        url = (
            cockpit_url(bench.strategy, query)
            if page == "cockpit"
            else table_url(bench.strategy, axis, query)
        )
        counts.append(count_queries(client, url, headers))
    assert counts[0] == counts[1]


def test_page_numbers_that_are_not_numbers_mean_the_first_page(viewer_client, bench, closed):
    axis = bench.strategy.axes.first()
    response = viewer_client.get(table_url(bench.strategy, axis, "page=abc"), headers=HTMX)
    assert response.context["axis_block"].page.number == 1
    assert re.search(r'<table class="steering">', response.content.decode())


def test_no_template_comment_shows_on_the_page(viewer_client, bench, monkeypatch):
    axis = bench.strategy.axes.get(number=1)
    pages = [viewer_client.get(cockpit_url(bench.strategy)).content.decode()]
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    pages.append(viewer_client.get(table_url(bench.strategy, axis), headers=HTMX).content.decode())
    pages.append(viewer_client.get(table_url(bench.strategy, axis)).content.decode())
    for html in pages:
        assert "s1</a>" in html  # an indicator row, whose cells come from an include
        assert "{#" not in html and "#}" not in html
