"""The overview at the top of the cockpit (issue 18): the whole strategy's figures (its projects as
the portfolio counts them, its strategic indicators by status, the share of its data up to date),
then one row per axis the filters keep with both rollups as small bars, each linked to its axis;
the same numbers as the rollups' own, in the strategy's level names, with no query per axis."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from indicators.models import Status
from projects.models import Mark, Project
from steering.rollups import axis_rollups, data_share, strategy_rollup
from steering.templatetags.cockpit_extras import money, pct
from tests.factories import (
    AxisFactory,
    DomainFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
)


def text(fragment: str) -> str:
    """What a reader sees of some HTML: no tags, entities read, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def overview(page: str) -> str:
    start = page.index('<section class="overview"')
    return page[start : page.index('<details class="strategy-about"', start)]


def figures(page: str) -> str:
    part = overview(page)
    return part[: part.index('id="overview-axes"')]


def rows(page: str) -> list[str]:
    return re.findall(r'<li class="overview-axis">.*?</li>', page, re.S)


def cockpit_url(strategy, **params) -> str:
    url = reverse("cockpit:strategy", args=[strategy.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


# --- Built strategies (the query counts and the level names) ------------------------------


def build_strategy(territory, n_axes: int, level_names: dict | None = None):
    """``n_axes`` axes, each with a measure, three projects (on time, late, blocked) and two
    strategic indicators (one on track, one without a value)."""
    strategy = StrategyFactory(territory=territory, level_names=level_names or {})
    today = timezone.localdate()
    for number in range(1, n_axes + 1):
        axis = AxisFactory(strategy=strategy, number=number, title=f"Titre {number}")
        measure = MeasureFactory(domain=DomainFactory(axis=axis))
        for status, days in (
            (Project.Status.IN_PROGRESS, 300),
            (Project.Status.IN_PROGRESS, -30),
            (Project.Status.BLOCKED, 100),
        ):
            ProjectFactory(
                measure=measure,
                status=status,
                start_date=today - datetime.timedelta(days=400),
                end_date=today + datetime.timedelta(days=days),
                budget_planned=Decimal(1000),
            )
        indicator = IndicatorFactory(axis=axis, strategy=strategy, target_value=Decimal(100))
        IndicatorValueFactory(indicator=indicator, value=Decimal(90), date=today)
        IndicatorFactory(axis=axis, strategy=strategy)
    return strategy


@pytest.fixture
def membership(db):
    return MembershipFactory()


@pytest.fixture
def member(client, membership):
    client.force_login(membership.user)
    return client


def count_queries(client, url: str, **kwargs) -> int:
    client.get(url, **kwargs)  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_overview_adds_no_query_per_axis(member, membership, headers):
    small = build_strategy(membership.territory, 2)
    large = build_strategy(membership.territory, 7)

    few = count_queries(member, cockpit_url(small), headers=headers)
    many = count_queries(member, cockpit_url(large), headers=headers)

    assert len(rows(member.get(cockpit_url(large), headers=headers).content.decode())) == 7
    assert many == few


def test_overview_says_the_strategys_level_names_in_french_and_english(member, membership):
    strategy = build_strategy(
        membership.territory,
        2,
        {
            "axis": {
                "singular": "orientation",
                "plural": "orientations",
                "gender": "f",
                "singular_en": "guideline",
                "plural_en": "guidelines",
            }
        },
    )
    french = text(overview(member.get(cockpit_url(strategy)).content.decode()))
    filtered = text(
        overview(
            member.get(cockpit_url(strategy, axis=strategy.axes.get(number=1).pk)).content.decode()
        )
    )
    with translation.override("en"):
        english = text(
            overview(member.get(cockpit_url(strategy), HTTP_ACCEPT_LANGUAGE="en").content.decode())
        )

    assert "Orientations Orientation 1 : Titre 1" in french
    assert "Axe" not in french
    assert "Orientations retenues par les filtres Orientation 1 : Titre 1" in filtered
    assert "Guidelines Guideline 1: Titre 1" in english
    assert "Overview" in english and "Vue d'ensemble" not in english


# --- The demo ------------------------------------------------------------------------------


def test_overview_figures_are_the_rollups_own_on_the_demo(member_client, demo):
    today = timezone.localdate()
    rollup = strategy_rollup(demo, today)
    impl, effect = rollup.implementation, rollup.effect
    currency = demo.territory.currency

    shown = text(figures(member_client.get(cockpit_url(demo)).content.decode()))

    assert shown.startswith("Vue d'ensemble Mise en œuvre – tous les projets")
    assert f"{pct(impl.percent_done)} réalisés · {impl.engaged} / {impl.active} engagés" in shown
    assert f"✗ {impl.late} en retard" in shown
    assert f"✗ {impl.blocked} bloqué" in shown
    assert text(money(impl.budget_planned, currency)) + " prévus" in shown
    assert f"{pct(effect.mean_attainment)} d'atteinte moyenne" in shown
    for status in Status:
        assert f"{status.symbol} {effect.counts[status]} {status.label}" in shown
    assert data_share(demo, today).sentence in shown


def test_each_axis_row_gives_both_rollups_and_links_to_its_axis(member_client, demo):
    today = timezone.localdate()
    rollups = axis_rollups(demo, today)
    page = member_client.get(cockpit_url(demo)).content.decode()
    axes = list(demo.axes.order_by("number"))

    shown = rows(overview(page))

    assert len(shown) == len(axes)
    for axis, row in zip(axes, shown, strict=True):
        effect, impl = rollups[axis.pk].effect, rollups[axis.pk].implementation
        assert f'href="#axe-{axis.number}"' in row
        assert f'id="axe-{axis.number}"' in page
        words = text(row)
        assert words.startswith(f"{demo.levels.axis.Singular} {axis.number} : {axis.title}")
        assert f"Effet {pct(effect.mean_attainment)}" in words
        for status in Status:
            if effect.counts[status]:
                assert f"{status.symbol} {effect.counts[status]} {status.label}" in words
        assert f"Mise en œuvre {pct(impl.percent_done)} réalisés" in words
        assert f"{impl.engaged} / {impl.active} engagés" in words
        assert f"{Mark.OK.symbol} {impl.ok} dans les temps" in words
        assert f'href="{cockpit_url(demo)}?axis={axis.pk}&amp;late=on"' in row or not impl.late


def test_overview_bars_are_drawn_by_attributes_in_the_marks_colours(member_client, demo):
    part = overview(member_client.get(cockpit_url(demo)).content.decode())
    bars = re.findall(r'<svg class="overview-bar".*?</svg>', part, re.S)

    assert bars and "style=" not in part and "<script" not in part
    for bar in bars:
        widths = [Decimal(width) for width in re.findall(r'width="([\d.]+)%"', bar)]
        assert abs(sum(widths) - 100) < Decimal("0.05")
        assert set(re.findall(r'class="tone-(\w+)"', bar)) <= {"green", "amber", "red", "grey"}


def test_filters_keep_their_axes_rows_and_the_whole_strategys_figures(member_client, demo):
    axis = demo.axes.order_by("number").last()
    whole = member_client.get(cockpit_url(demo)).content.decode()
    page = member_client.get(cockpit_url(demo, axis=axis.pk)).content.decode()
    fragment = member_client.get(
        cockpit_url(demo, axis=axis.pk), headers={"HX-Request": "true"}
    ).content.decode()

    assert text(figures(page)) == text(figures(whole))
    assert [f'href="#axe-{axis.number}"' in row for row in rows(overview(page))] == [True]
    assert "Axes retenus par les filtres" in text(overview(page))
    # The htmx fragment of the axes swaps the rows too (out of band), not the figures.
    assert 'id="overview-axes" hx-swap-oob="true"' in fragment
    assert len(rows(fragment)) == 1 and "overview-figures" not in fragment


def test_public_overview_leaves_out_the_budget(client, demo):
    demo.is_public = True
    demo.save()
    page = client.get(reverse("public:strategy", args=[demo.pk])).content.decode()

    shown = text(overview(page))
    assert "Vue d'ensemble" in shown and len(rows(overview(page))) == demo.axes.count()
    assert "budget" not in shown
