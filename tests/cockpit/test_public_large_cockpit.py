"""A published strategy beyond ``steering.OPEN_PROJECTS`` projects: the public cockpit closes its
axes like the members' one and loads each table on demand from a public fragment, a page at a
time, without the "Qui ?" column; the fragment of a strategy that is not published is a 404."""

import re
from html import unescape

import pytest
from django.urls import reverse

from bench.data import build_strategy
from projects.models import Project
from steering import table as steering

HTMX = {"HX-Request": "true"}
CODES = re.compile(r'<td class="code group-start[^"]*">(p\d+)</td>')


@pytest.fixture
def published(db, monkeypatch):
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    monkeypatch.setattr(steering, "PAGE_ROWS", 6)
    bench = build_strategy(160, label="public-large")
    bench.strategy.is_public = True
    bench.strategy.save(update_fields=["is_public"])
    return bench


def public_table_url(strategy, axis) -> str:
    return reverse("public:axis_table", args=[strategy.pk, axis.pk])


def test_a_large_public_cockpit_closes_its_axes_and_loads_them_from_public_fragments(
    client, published
):
    strategy = published.strategy
    html = client.get(reverse("public:strategy", args=[strategy.pk])).content.decode()
    assert html.count('<details class="axis" id=') == 4
    assert "<table" not in html
    axis = strategy.axes.get(number=1)
    url = public_table_url(strategy, axis)
    assert url.startswith("/public/")
    assert f'hx-get="{url}"' in html

    pages = [client.get(url, headers=HTMX).content.decode()]
    while match := re.search(
        r'<tr class="more no-print"><td colspan="\d+"><a href="([^"]+)"', pages[-1]
    ):
        next_url = unescape(match.group(1))
        assert next_url.startswith("/public/")
        pages.append(client.get(next_url, headers=HTMX).content.decode())
    assert len(pages) > 1, "the test must cross pages"
    table = "".join(pages)
    assert "Qui ?" not in table
    assert "/projets/" not in table  # no link to the members' project pages
    shown = CODES.findall(table)
    assert len(shown) == 40  # every project of the axis, once


def test_a_public_fragment_of_an_unpublished_strategy_is_not_found(client, published):
    strategy = published.strategy
    axis = strategy.axes.get(number=1)
    strategy.is_public = False
    strategy.save(update_fields=["is_public"])
    assert client.get(public_table_url(strategy, axis), headers=HTMX).status_code == 404


def test_the_public_table_ignores_a_filter_by_lead(client, published):
    """People are not shown in public: a crafted ``?lead=`` neither filters nor names anyone."""
    strategy = published.strategy
    axis = strategy.axes.get(number=1)
    lead = Project.objects.filter(axis=axis).exclude(lead="").values_list("lead", flat=True)[0]
    url = public_table_url(strategy, axis)
    plain = client.get(url, headers=HTMX).content.decode()
    crafted = client.get(url, {"lead": lead}, headers=HTMX)
    assert crafted.status_code == 200
    assert CODES.findall(crafted.content.decode()) == CODES.findall(plain)
    assert lead not in crafted.content.decode()
