"""Every page a commission opens, at five widths (a small phone to a large screen) and in both
languages: the page never scrolls sideways, and axe-core (axe-playwright-python, which ships it:
nothing from a CDN) finds no serious or critical violation.

One test per page, so that its data (the demo) is built once; the page is loaded once per language
(one login shared by both) and the window set to each of the five widths in turn. axe runs at 390
and 1280 px in French and English (the phone and the laptop; the other widths show the same
markup); the width check at all five.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, expect

from indicators.models import Indicator
from rounds import services
from strategies.models import Axis, Membership, Strategy
from tests.rounds.conftest import build, link_path
from tests.shapes import ccvh_strategy
from tests.workbooks.plans import SMART_VALLEE

WIDTHS = (360, 390, 1280, 1920, 2560)
AXE_WIDTHS = (390, 1280)
LANGUAGES = {"fr": "fr-CH", "en": "en-GB"}
HEIGHT = 900


# A two-level strategy (orientations → actions) whose levels have long names, as a secretariat may
# type them: the headings, counts and table captions built from them must still fit a phone.
LONG_LEVELS = copy.deepcopy(SMART_VALLEE)
LONG_LEVELS["level_names"]["axis"].update(
    singular="orientation stratégique intercommunale",
    plural="orientations stratégiques intercommunales",
    singular_en="intermunicipal strategic orientation",
    plural_en="intermunicipal strategic orientations",
)
LONG_LEVELS["level_names"]["project"].update(
    singular="action pilote de transformation numérique",
    plural="actions pilotes de transformation numérique",
    singular_en="digital transformation pilot action",
    plural_en="digital transformation pilot actions",
)


@dataclass
class Target:
    """A page to open: its path, and who is logged in (nobody for the public and owners' pages)."""

    path: str
    username: str | None = None


def _demo() -> Strategy:
    call_command("load_demo", stdout=io.StringIO())
    return Strategy.objects.get(short_name="SDI")


def cockpit() -> Target:
    return Target(f"/strategies/{_demo().pk}/", "commission")


def cockpit_two_levels() -> Target:
    strategy = ccvh_strategy(LONG_LEVELS)
    user = User.objects.create_user("ccvh", password="demo")
    Membership.objects.create(user=user, territory=strategy.territory)
    return Target(f"/strategies/{strategy.pk}/", "ccvh")


def axis() -> Target:
    strategy = _demo()
    axis = Axis.objects.get(strategy=strategy, number=1)
    return Target(f"/strategies/{strategy.pk}/axes/{axis.pk}/", "commission")


def calendar() -> Target:
    return Target(f"/strategies/{_demo().pk}/calendrier/", "commission")


def communes() -> Target:
    return Target(f"/strategies/{_demo().pk}/communes/", "commission")


def indicator() -> Target:
    strategy = _demo()
    indicator = Indicator.objects.filter(axis__strategy=strategy).order_by("code").first()
    return Target(f"/strategies/{strategy.pk}/indicateurs/{indicator.pk}/", "commission")


def proposal_form() -> Target:
    return Target(f"/strategies/{_demo().pk}/propositions/", "commission")


def scoring_grid() -> Target:
    return Target(f"/strategies/{_demo().pk}/priorisation/notes/", "secretariat")


def public_cockpit() -> Target:
    strategy = _demo()
    strategy.is_public = True
    strategy.save(update_fields=["is_public"])
    return Target(f"/public/strategies/{strategy.pk}/")


def round_owner() -> Target:
    portfolio = build()
    services.open_round(portfolio.strategy, datetime.date(2030, 3, 31), "Merci !")
    message = next(m for m in mail.outbox if m.to == [portfolio.anne.email])
    return Target(link_path(message.body))


def help_index() -> Target:
    return Target("/aide/")


def help_commission_guide() -> Target:
    """The longest guide: tables of rules, pictures, the contents (no login: help is public)."""
    return Target("/aide/commission/")


PAGES: dict[str, Callable[[], Target]] = {
    page.__name__: page
    for page in (
        cockpit,
        cockpit_two_levels,
        axis,
        calendar,
        communes,
        indicator,
        proposal_form,
        scoring_grid,
        public_cockpit,
        round_owner,
        help_index,
        help_commission_guide,
    )
}


def _logged_in(browser: Browser, base_url: str, target: Target) -> dict | None:
    """The cookies of a login, shared by the contexts of every width (one login per test)."""
    if not target.username:
        return None
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/comptes/login/")
    page.fill("#id_username", target.username)
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/login/"))
    state = context.storage_state()
    context.close()
    return state


def _pages(browser: Browser, base_url: str, target: Target):
    """The page loaded once per language, then the window set to each width in turn: the layout
    answers a resize as it does a load (media and container queries), at a tenth of the cost."""
    state = _logged_in(browser, base_url, target)
    for language, locale in LANGUAGES.items():
        context: BrowserContext = browser.new_context(
            locale=locale, viewport={"width": WIDTHS[0], "height": HEIGHT}, storage_state=state
        )
        page = context.new_page()
        response = page.goto(base_url + target.path)
        assert response.status == 200, (target.path, response.status)
        assert page.evaluate("document.documentElement.lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            yield f"{language} {width} px", width, page
        context.close()


AXE = Axe()


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_every_width_without_serious_accessibility_violation(
    name, browser: Browser, live_server
):
    target = PAGES[name]()
    violations, overflows = [], []
    for where, width, page in _pages(browser, live_server.url, target):
        if width in AXE_WIDTHS:
            for violation in AXE.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    nodes = [node["target"] for node in violation["nodes"][:5]]
                    violations.append(f"{where}: {violation['id']} on {nodes}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > page.evaluate("window.innerWidth"):
            overflows.append(f"{where}: {scroll_width} px wide")
    assert not violations, f"{target.path}: " + "\n".join(violations)
    assert not overflows, f"{target.path} scrolls sideways: {overflows}"
