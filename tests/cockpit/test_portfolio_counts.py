"""A portfolio counted the way a funder reads it: projects by status, engaged over all but the
abandoned ones (« 7 / 11 engagés »), late and blocked apart, ending after the horizon, not yet
scheduled, and the budget planned, committed and spent; the same figures on the home page, the
cockpit's header, each axis's rollup and the pack's Synthèse sheet, and each count a link to the
cockpit filtered to exactly the projects it counts."""

from __future__ import annotations

import html as html_lib
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from strategies.models import Axis
from tests.factories import MembershipFactory
from tests.portfolios import EVERY_KIND, EVERY_KIND_AXIS_1, every_kind, nord_contract

#: What the strategy's counts read, in words (the whole strategy, then its first axis).
STRATEGY_TEXTS = [
    "9 % réalisés · 7 / 11 engagés",
    "✓ 4 dans les temps",
    "! 2 à surveiller",
    "✗ 1 en retard",
    "✗ 2 bloqués",
    "? 2 non planifiés",
    "⚑ 2 après l'horizon",
    "○ 4 à venir",
    "◐ 3 en cours",
    "‖ 1 en pause",
    "✓ 1 réalisé",
    "– 1 abandonné",
]
AXIS_1_TEXTS = [
    "0 % réalisés · 5 / 7 engagés",
    "✓ 2 dans les temps",
    "! 1 à surveiller",
    "✗ 1 en retard",
    "✗ 2 bloqués",
    "? 1 non planifié",
    "⚑ 1 après l'horizon",
    "○ 2 à venir",
    "◐ 2 en cours",
    "‖ 1 en pause",
]
#: Statuses and marks beyond ✓ ! ✗ that count nothing are left out (no line of zeros).
AXIS_1_ABSENT = ["réalisé", "abandonné"]


def text(fragment: str) -> str:
    """What a reader sees of some HTML: no tags, entities read, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def between(page: str, start: str, end: str) -> str:
    first = page.index(start)
    return page[first : page.index(end, first)]


def cockpit_url(strategy) -> str:
    return reverse("cockpit:strategy", args=[strategy.pk])


@pytest.fixture
def strategy(db):
    return every_kind()


@pytest.fixture
def member_client(client, strategy):
    client.force_login(MembershipFactory(territory=strategy.territory).user)
    return client


def header(client, strategy) -> str:
    page = client.get(cockpit_url(strategy)).content.decode()
    return between(page, '<section class="rollup portfolio"', "</section>")


def axis_rollup(client, strategy, number: int = 1) -> str:
    page = client.get(cockpit_url(strategy)).content.decode()
    axis = between(page, f'id="axe-{number}"', "</details>")
    return between(axis, 'aria-label="Mise en œuvre : projets"', "</section>")


def links(fragment: str) -> list[tuple[str, int]]:
    """The counts of a fragment that link somewhere, with their URLs."""
    return [
        (html_lib.unescape(url), int(count))
        for url, count in re.findall(r'<a href="([^"]+)">(\d+)</a>', fragment)
    ]


# --- The same counts everywhere -----------------------------------------------------------


def test_home_page_card_counts_the_portfolio(member_client, strategy):
    page = member_client.get(reverse("cockpit:home")).content.decode()
    card = text(between(page, '<article class="card">', "</article>"))

    for expected in STRATEGY_TEXTS:
        assert expected in card, expected


def test_cockpit_header_counts_the_whole_strategy(member_client, strategy):
    response = member_client.get(cockpit_url(strategy))
    portfolio = response.context["portfolio"]
    shown = text(header(member_client, strategy))

    for expected in STRATEGY_TEXTS:
        assert expected in shown, expected
    assert shown.startswith("Mise en œuvre – tous les projets")
    assert portfolio.total == EVERY_KIND["total"]
    assert portfolio.statuses == EVERY_KIND["statuses"]
    assert portfolio.marks == EVERY_KIND["marks"]
    assert (portfolio.engaged, portfolio.active) == (EVERY_KIND["engaged"], EVERY_KIND["active"])
    assert portfolio.after_horizon == EVERY_KIND["after_horizon"]
    assert (
        portfolio.budget_planned,
        portfolio.budget_committed,
        portfolio.budget_spent,
    ) == (
        EVERY_KIND["budget_planned"],
        EVERY_KIND["budget_committed"],
        EVERY_KIND["budget_spent"],
    )
    # (whatever the currency)
    assert re.search(
        r"budget : 4 500 \S+ prévus, 2 300 \S+ engagés, 900 \S+ dépensés \(20 % du budget prévu\)",
        shown,
    )


def test_axis_rollup_counts_the_axis_truthfully(member_client, strategy):
    shown = text(axis_rollup(member_client, strategy))

    for expected in AXIS_1_TEXTS:
        assert expected in shown, expected
    for absent in AXIS_1_ABSENT:
        assert f" 0 {absent}" not in shown, absent
    assert "actif" not in shown


def test_pack_synthesis_counts_each_axis_and_the_whole_strategy(member_client, strategy):
    response = member_client.get(reverse("cockpit:pack", args=[strategy.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Synthèse"]
    header_row = next(row for row in range(1, ws.max_row + 1) if ws.cell(row, 1).value == "Axe")
    columns = {ws.cell(header_row, column).value: column for column in range(1, ws.max_column + 1)}
    rows = {ws.cell(row, 1).value: row for row in range(header_row + 1, ws.max_row + 1)}

    def counts(row: int) -> dict:
        def value(header):
            return ws.cell(row, columns[header]).value

        return {
            "total": value("Projets"),
            "statuses": {
                "planned": value("○ à venir"),
                "in_progress": value("◐ en cours"),
                "paused": value("‖ en pause"),
                "blocked": value("✗ bloqué"),
                "done": value("✓ réalisé"),
                "abandoned": value("– abandonné"),
            },
            "engaged": value("Engagés"),
            "active": value("Hors abandonnés"),
            "marks": {
                "ok": value("✓ dans les temps"),
                "warning": value("! à surveiller"),
                "ko": value("✗ en retard"),
                "blocked": value("✗ bloqué"),
                "unscheduled": value("? non planifié"),
                "abandoned": value("– abandonné"),
            },
            "after_horizon": value("⚑ après l'horizon"),
        }

    whole = counts(rows["Toute la stratégie"])
    budgets = [
        ws.cell(rows["Toute la stratégie"], columns[f"Budget {kind}"]).value
        for kind in ("prévu", "engagé", "dépensé")
    ]
    axis_1 = counts(rows[str(Axis.objects.get(strategy=strategy, number=1))])

    assert whole == {key: EVERY_KIND[key] for key in whole}
    assert [Decimal(budget) for budget in budgets] == [
        EVERY_KIND["budget_planned"],
        EVERY_KIND["budget_committed"],
        EVERY_KIND["budget_spent"],
    ]
    assert axis_1 == EVERY_KIND_AXIS_1


# --- Each count links to the projects it counts -------------------------------------------


@pytest.mark.parametrize("where", ["header", "axis"])
def test_each_count_links_to_exactly_the_projects_it_counts(member_client, strategy, where):
    fragment = (header if where == "header" else axis_rollup)(member_client, strategy)
    counted = links(fragment)

    # engaged, all but the abandoned, the marks, ending after the horizon and the statuses that
    # count something (the header: all of them; the axis has no project done or abandoned)
    assert len(counted) == (14 if where == "header" else 12)
    for url, count in counted:
        response = member_client.get(url)
        shown = text(response.content.decode())
        assert response.context["shown_projects"] == count, url
        words = "projet affiché" if count == 1 else "projets affichés"
        assert f"{count} {words}." in shown, url


def test_the_axis_counts_link_to_the_axis_only(member_client, strategy):
    axis = Axis.objects.get(strategy=strategy, number=1)

    for url, _count in links(axis_rollup(member_client, strategy)):
        assert f"axis={axis.pk}" in url
    for url, _count in links(header(member_client, strategy)):
        assert "axis=" not in url


def test_home_page_counts_link_to_the_cockpit_filtered(member_client, strategy):
    page = member_client.get(reverse("cockpit:home")).content.decode()
    card = between(page, '<article class="card">', "</article>")

    for url, count in links(card):
        assert url.startswith(cockpit_url(strategy) + "?")
        assert member_client.get(url).context["shown_projects"] == count, url


# --- A Nord-like contract -----------------------------------------------------------------


def test_nord_contract_cockpit_shows_its_engaged_projects_over_all_of_them(client, db):
    strategy = nord_contract()
    client.force_login(MembershipFactory(territory=strategy.territory).user)

    shown = text(header(client, strategy))
    engaged_url, engaged = links(header(client, strategy))[0]

    assert "91 / 280 engagés" in shown
    assert engaged == 91
    assert "91 projets affichés." in text(client.get(engaged_url).content.decode())
    assert strategy.levels.axis.Plural == "Enjeux"
    assert strategy.levels.measure.feminine
