"""The ranking and the scoring grid of a large portfolio: beyond ``OPEN_ROWS`` rows, a page of
``PAGE_ROWS`` rows at a time, the next ones appended on demand (htmx) or on pages of their own,
with the filters kept, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build_strategy
from prioritisation import ranking as ranking_rules
from prioritisation.models import Criterion, Proposal, Score

HTMX = {"HX-Request": "true"}


@pytest.fixture
def bench(db):
    """160 projects over 4 axes, every one scored, and three open proposals."""
    bench = build_strategy(160, label="prio")
    for number in range(3):
        Proposal.objects.create(
            strategy=bench.strategy, title=f"Proposition {number}", proposed_by="Groupe 1"
        )
    return bench


@pytest.fixture
def editor_client(client, bench):
    client.force_login(bench.editor)
    return client


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(ranking_rules, "OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "PAGE_ROWS", 15)
    monkeypatch.setattr(ranking_rules, "GRID_OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "GRID_PAGE_ROWS", 15)


def ranking_url(strategy, query=""):
    url = reverse("prioritisation:ranking", args=[strategy.pk])
    return f"{url}?{query}" if query else url


def grid_url(strategy, query=""):
    url = reverse("prioritisation:scoring", args=[strategy.pk])
    return f"{url}?{query}" if query else url


def ranked_codes(html: str) -> list[str]:
    return re.findall(r'<td class="code"><a href="[^"]+">(p\d+)</a>', html)


def grid_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="row-((?:project|proposal)-\d+)">', html)


def test_a_small_ranking_shows_every_row_on_one_page(editor_client, bench):
    html = editor_client.get(ranking_url(bench.strategy)).content.decode()
    assert len(ranked_codes(html)) >= 140  # the active projects (5 % abandoned)
    assert "Lignes suivantes" not in html


def test_a_large_ranking_shows_a_page_and_appends_the_next_ones_in_the_same_order(
    editor_client, bench, monkeypatch
):
    whole = ranked_codes(editor_client.get(ranking_url(bench.strategy)).content.decode())
    monkeypatch.setattr(ranking_rules, "OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "PAGE_ROWS", 15)
    monkeypatch.setattr(ranking_rules, "GRID_OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "GRID_PAGE_ROWS", 15)
    first = editor_client.get(ranking_url(bench.strategy)).content.decode()
    assert ranked_codes(first) == whole[:15]
    next_url = ranking_url(bench.strategy, "page=2")
    assert f'hx-get="{next_url}"' in first
    assert "Lignes suivantes (page 2 sur" in first
    seen = ranked_codes(first)
    page = 2
    while True:
        rows = editor_client.get(ranking_url(bench.strategy, f"page={page}"), headers=HTMX)
        html = rows.content.decode()
        assert "<table" not in html and "<h1" not in html  # rows to append, nothing else
        seen += ranked_codes(html)
        if "Lignes suivantes" not in html:
            break
        page += 1
    assert seen == whole
    without_js = editor_client.get(ranking_url(bench.strategy, "page=2")).content.decode()
    assert ranked_codes(without_js) == whole[15:30]
    assert 'rel="prev"' in without_js and "<h1" in without_js


def test_the_ranks_of_a_following_page_continue_those_of_the_first(editor_client, bench, large):
    response = editor_client.get(ranking_url(bench.strategy, "page=2"))
    page = response.context["page"]
    assert page.start == 15
    assert [row.rank for row in page.rows] == [
        row.rank for row in response.context["ranking"].rows[15:30]
    ]
    assert all(row.cells for row in page.rows)  # the page's rows have their scores


def test_the_ranking_pages_keep_the_filters(editor_client, bench, large):
    axis = bench.strategy.axes.get(number=2)
    html = editor_client.get(ranking_url(bench.strategy, f"axis={axis.pk}")).content.decode()
    assert f'hx-get="{ranking_url(bench.strategy, f"axis={axis.pk}&amp;page=2")}"' in html
    rows = (
        editor_client.get(ranking_url(bench.strategy, f"axis={axis.pk}&page=2"))
        .context["page"]
        .rows
    )
    assert rows and {row.axis.number for row in rows} == {2}


def test_the_grid_of_a_large_portfolio_is_paged_in_the_order_of_the_whole_grid(
    editor_client, bench, monkeypatch
):
    monkeypatch.setattr(ranking_rules, "GRID_OPEN_ROWS", 1000)  # the whole grid on one page
    whole = grid_rows(editor_client.get(grid_url(bench.strategy)).content.decode())
    added = Proposal.objects.filter(title__startswith="Proposition ").order_by("created_at")
    assert whole[-3:] == [f"proposal-{p.pk}" for p in added]  # no axis: last
    monkeypatch.setattr(ranking_rules, "OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "PAGE_ROWS", 15)
    monkeypatch.setattr(ranking_rules, "GRID_OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "GRID_PAGE_ROWS", 15)
    first = editor_client.get(grid_url(bench.strategy)).content.decode()
    assert grid_rows(first) == whole[:15]
    assert f'hx-get="{grid_url(bench.strategy, "page=2")}"' in first
    seen, headings, page = grid_rows(first), 0, 2
    while True:
        html = editor_client.get(grid_url(bench.strategy, f"page={page}"), headers=HTMX)
        html = html.content.decode()
        assert "<table" not in html
        seen += grid_rows(html)
        headings += html.count("Propositions à trier")
        if "Lignes suivantes" not in html:
            break
        page += 1
    assert seen == whole
    assert headings == 1


def test_the_grid_without_javascript_saves_the_cells_of_its_page(editor_client, bench, large):
    address = grid_url(bench.strategy, "page=2")
    response = editor_client.get(address)
    row = response.context["project_rows"][0]
    criterion = Criterion.objects.filter(strategy=bench.strategy).first()
    field = f"{row.key}-{criterion.pk}"
    answer = editor_client.post(address, {f"v-{field}": "1"})
    assert answer.status_code == 302 and answer["Location"].endswith("?page=2")
    score = Score.objects.get(project=row.target, criterion=criterion)
    assert score.value == 1


@pytest.mark.parametrize(
    "address, headers",
    [
        (ranking_url, {}),
        (lambda strategy: ranking_url(strategy, "page=2"), HTMX),
        (grid_url, {}),
        (lambda strategy: grid_url(strategy, "page=2"), HTMX),
    ],
    ids=["ranking", "ranking rows", "grid", "grid rows"],
)
def test_queries_do_not_grow_with_the_portfolio(client, db, large, address, headers):
    counts = []
    for size in (160, 640):
        bench = build_strategy(size, label=f"q{size}")
        client.force_login(bench.editor)
        client.get(address(bench.strategy), headers=headers)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address(bench.strategy), headers=headers).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_bench_strategy_is_scored_and_its_first_project_has_a_long_history(bench):
    from bench.data import HISTORY_ROWS
    from projects.models import Project

    first = Project.objects.filter(strategy=bench.strategy).order_by("pk").first()
    assert first.history.count() == HISTORY_ROWS
    assert Criterion.objects.filter(strategy=bench.strategy).count() == 5
    scored = Score.objects.filter(criterion__strategy=bench.strategy)
    assert scored.values("project").distinct().count() == 160


def row_keys(rows) -> list[tuple[str, int]]:
    return [(row.kind, row.item.pk) for row in rows]


def test_unscored_rows_are_paged_from_the_database_in_the_order_of_the_whole_ranking(
    editor_client, bench, monkeypatch
):
    """Half the projects without a score: the pages, one after the other, give the rows of the
    whole ranking (ranked in Python, ``RankingRow.sort_key``) in the same order, the unscored
    ones last, and the footnote counts every unscored row, loaded or not."""
    projects = list(bench.strategy.projects.order_by("pk"))
    Score.objects.filter(project__in=projects[::2]).delete()
    whole = editor_client.get(ranking_url(bench.strategy)).context["page"].rows
    assert whole == sorted(whole, key=ranking_rules.RankingRow.sort_key)
    unscored = [row for row in whole if row.rounded is None]
    assert len(unscored) > 60 and any(not row.is_project for row in unscored)
    monkeypatch.setattr(ranking_rules, "OPEN_ROWS", 30)
    monkeypatch.setattr(ranking_rules, "PAGE_ROWS", 15)
    seen, number = [], 1
    while True:
        page = editor_client.get(ranking_url(bench.strategy, f"page={number}")).context["page"]
        seen += row_keys(page.rows)
        if not page.has_next:
            break
        number += 1
    assert seen == row_keys(whole)
    html = editor_client.get(ranking_url(bench.strategy)).content.decode()
    assert f"{len(unscored)} lignes n'ont encore aucune note" in html


def test_a_paged_ranking_runs_the_same_queries_at_two_sizes(client, db, large):
    """Every page of the ranking at two sizes: the same queries, whatever the rows; a page that
    shows unscored projects or proposals reads them (one query each): at most two more."""
    counts = []
    for size in (60, 160):
        bench = build_strategy(size, label=f"prio-queries-{size}")
        projects = list(bench.strategy.projects.order_by("pk"))
        Score.objects.filter(project__in=projects[::3]).delete()
        for number in range(2):
            Proposal.objects.create(
                strategy=bench.strategy, title=f"Idée {number}", proposed_by="Groupe 1"
            )
        client.force_login(bench.viewer)
        client.get(ranking_url(bench.strategy))  # warm-up
        per_page, number = [], 1
        while True:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(ranking_url(bench.strategy, f"page={number}"))
            per_page.append(len(queries))
            if not response.context["page"].has_next:
                break
            number += 1
        counts.append((min(per_page), max(per_page)))
    assert counts[0][0] == counts[1][0]
    assert all(most - fewest <= 2 for fewest, most in counts)
