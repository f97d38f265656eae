"""The calendar, the modèle d'efficacité and the communes matrix of a large portfolio show one
axis at a time (plain links, no JavaScript), with the strategy's totals, in a fixed number of
queries."""

import re

import pytest
from django.db import connection
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build_strategy
from projects.models import Project
from steering import table as steering

REPORTS = ["cockpit:timeline", "cockpit:effectiveness", "cockpit:communes"]


@pytest.fixture
def bench(db):
    """160 projects over 4 axes."""
    return build_strategy(160, label="reports")


@pytest.fixture
def viewer_client(client, bench):
    client.force_login(bench.viewer)
    return client


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)


def url(name, strategy, query: str = "") -> str:
    return reverse(name, args=[strategy.pk]) + (f"?{query}" if query else "")


def project_links(html: str) -> set[str]:
    return set(re.findall(r"/projets/(\d+)/", html))


def axis_projects(strategy, number: int) -> set[str]:
    return {
        str(pk)
        for pk in Project.objects.filter(strategy=strategy, axis__number=number).values_list(
            "pk", flat=True
        )
    }


@pytest.mark.parametrize("name", REPORTS)
def test_a_small_portfolio_shows_every_axis(viewer_client, bench, name):
    html = viewer_client.get(url(name, bench.strategy)).content.decode()
    assert "axis-choice" not in html
    for number in range(1, 5):
        assert f"Axe {number} : Axe thématique {number}" in html


@pytest.mark.parametrize("name", REPORTS)
def test_a_large_portfolio_shows_one_axis_at_a_time(viewer_client, bench, large, name):
    html = viewer_client.get(url(name, bench.strategy, "axe=3")).content.decode()
    assert "La stratégie compte 160 projets : la page montre un axe à la fois." in html
    assert '<a href="?axe=3" aria-current="page">Axe 3</a>' in html
    for number in (1, 2, 4):
        assert f'<a href="?axe={number}">Axe {number}</a>' in html
        assert f"Axe {number} : Axe thématique {number}" not in html
    assert "Axe 3 : Axe thématique 3" in html
    assert html.count("40 projets") >= 4
    if name != "cockpit:effectiveness":  # the modèle d'efficacité links measures, not projects
        assert project_links(html) == axis_projects(bench.strategy, 3)


@pytest.mark.parametrize("query", ["", "axe=99", "axe=abc"])
def test_the_first_axis_is_shown_unless_another_is_asked_for(viewer_client, bench, large, query):
    html = viewer_client.get(url("cockpit:timeline", bench.strategy, query)).content.decode()
    assert '<a href="?axe=1" aria-current="page">Axe 1</a>' in html
    assert project_links(html) == axis_projects(bench.strategy, 1)


def test_the_communes_totals_stay_those_of_the_whole_strategy(viewer_client, bench, monkeypatch):
    project = Project.objects.filter(strategy=bench.strategy).first()
    project.communes.clear()  # a project concerning no commune: the "non attribué" column
    Project.objects.filter(pk=project.pk).update(budget_planned=None)
    Project.objects.filter(strategy=bench.strategy, code="p7").update(status="abandoned")
    full = viewer_client.get(url("cockpit:communes", bench.strategy)).context["grand"]
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    one_axis = viewer_client.get(url("cockpit:communes", bench.strategy, "axe=2"))
    grand = one_axis.context["grand"]
    assert len(one_axis.context["groups"]) == 1
    assert (grand.counts, grand.budgets, grand.projects, grand.budget) == (
        full.counts,
        full.budgets,
        full.projects,
        full.budget,
    )
    active = Project.objects.filter(strategy=bench.strategy).exclude(status="abandoned")
    assert full.counts[-1] >= 1 and full.projects == active.count() < 160


@pytest.mark.parametrize("name", REPORTS)
def test_queries_do_not_grow_with_the_portfolio(client, db, large, name):
    counts = []
    for size in (160, 1600):
        bench = build_strategy(size, label=f"r{size}")
        client.force_login(bench.viewer)
        address = url(name, bench.strategy, "axe=2")
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("name", ["cockpit:timeline", "cockpit:communes"])
def test_an_axis_is_shown_a_page_of_projects_at_a_time(
    viewer_client, bench, large, monkeypatch, name
):
    monkeypatch.setattr(steering, "PAGE_ROWS", 15)
    seen = []
    for page in (1, 2, 3):
        response = viewer_client.get(url(name, bench.strategy, f"axe=2&page={page}"))
        html = response.content.decode()
        shown = project_links(html)
        assert len(shown) == (15 if page < 3 else 10)
        seen.append(shown)
        last = 15 * page if page < 3 else 40
        assert f"Projets {15 * page - 14} à {last} sur 40 de l&#x27;axe 2" in html
        assert ('rel="next"' in html) is (page < 3)
        assert ('rel="prev"' in html) is (page > 1)
    assert set().union(*seen) == axis_projects(bench.strategy, 2)
    beyond = viewer_client.get(url(name, bench.strategy, "axe=2&page=9")).content.decode()
    assert project_links(beyond) == seen[-1]


def test_the_axis_totals_of_the_communes_count_every_project_of_the_axis(
    viewer_client, bench, large, monkeypatch
):
    monkeypatch.setattr(steering, "PAGE_ROWS", 15)
    response = viewer_client.get(url("cockpit:communes", bench.strategy, "axe=2&page=2"))
    (group,) = response.context["groups"]
    active = Project.objects.filter(strategy=bench.strategy, axis__number=2)
    assert len(group.rows) == 15
    assert group.totals.projects == active.exclude(status="abandoned").count()


def test_the_effectiveness_model_shows_the_whole_axis(viewer_client, bench, large, monkeypatch):
    monkeypatch.setattr(steering, "PAGE_ROWS", 15)
    html = viewer_client.get(url("cockpit:effectiveness", bench.strategy, "axe=2")).content
    assert b'rel="next"' not in html
    assert html.decode().count("/mesures/") >= 4


def test_the_communes_matrix_reads_only_the_projects_of_its_page(
    viewer_client, bench, large, monkeypatch
):
    monkeypatch.setattr(steering, "PAGE_ROWS", 15)
    address = url("cockpit:communes", bench.strategy, "axe=2&page=2")
    viewer_client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get(address)

    project_reads = [
        query["sql"]
        for query in queries
        if 'FROM "projects_project"' in query["sql"]
        and "COUNT(" not in query["sql"]
        and "SUM(" not in query["sql"]
    ]
    assert project_reads and all("LIMIT 15 OFFSET 15" in sql for sql in project_reads)
    (group,) = response.context["groups"]
    ordered = Project.objects.filter(strategy=bench.strategy, axis__number=2).order_by(
        Length("code"), "code"
    )
    expected = [p.code for p in ordered if p.status != "abandoned"]
    expected += [p.code for p in ordered if p.status == "abandoned"]
    assert [row.project.code for row in group.rows] == expected[15:30]


def test_the_calendar_reads_only_the_projects_of_its_page_in_the_calendar_order(
    viewer_client, bench, monkeypatch
):
    Project.objects.filter(strategy=bench.strategy, code__in=["p2", "p6"]).update(end_date=None)
    Project.objects.filter(strategy=bench.strategy, code="p10").update(status="abandoned")
    whole = viewer_client.get(url("cockpit:timeline", bench.strategy)).context["timeline"]
    (axis_two,) = [lane for lane in whole.lanes if lane.key.number == 2]
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    monkeypatch.setattr(steering, "PAGE_ROWS", 15)
    address = url("cockpit:timeline", bench.strategy, "axe=2&page=2")
    viewer_client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get(address)

    project_reads = [
        query["sql"]
        for query in queries
        if 'FROM "projects_project"' in query["sql"]
        and "COUNT(" not in query["sql"]
        and "MIN(" not in query["sql"]
    ]
    assert project_reads and all("LIMIT 15 OFFSET 15" in sql for sql in project_reads)
    plan = response.context["timeline"]
    (lane,) = plan.lanes
    assert [row.project.code for row in lane.rows] == [
        row.project.code for row in axis_two.rows[15:30]
    ]
    assert plan.scale == whole.scale
    assert lane.late_count == axis_two.late_count
    assert plan.late_count == whole.late_count
