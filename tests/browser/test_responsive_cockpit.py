"""The cockpit on every screen, in Chromium: from a phone (360 px) to a wide screen (2560 px)
the page never scrolls sideways, and from a laptop (1280 px) up every project's mark (the steering
table's « ok » column) is on screen inside its table, which does not overflow. On narrow screens
the same marks are on screen in the blocks that replace the table. In French and English, on the
demo and on a two-level strategy (no measures) whose levels have long names."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from strategies.models import Membership
from tests.browser.test_commission_cockpit import log_in_as_commission
from tests.shapes import ccvh_strategy
from tests.workbooks.plans import SMART_VALLEE

WIDTHS = (360, 390, 1280, 1920, 2560)
#: From this width the steering table is shown and must fit whole.
TABLE_FROM = 1280

#: What the browser measures: page overflow, and for each visible project mark whether it lies
#: inside the viewport and inside its table's scroll container, and whether that container
#: overflows.
MEASURE = """() => {
  const marks = [...document.querySelectorAll('details.axis .table-wrap .mark[class*="mark-"], '
    + 'details.axis .steering-blocks .mark[class*="mark-"]')]
    .filter(mark => mark.getClientRects().length);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    tables: document.querySelectorAll('details.axis table.steering').length,
    visibleTables: [...document.querySelectorAll('details.axis table.steering')]
      .filter(table => table.getClientRects().length).length,
    marks: marks.map(mark => {
      const box = mark.getBoundingClientRect();
      const wrap = mark.closest('.table-wrap');
      const outer = wrap ? wrap.getBoundingClientRect() : null;
      return {
        text: mark.textContent.trim(),
        inViewport: box.left >= 0 && box.right <= window.innerWidth + 0.5,
        inTable: !wrap || (box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5),
        wrapOverflows: !!wrap && wrap.scrollWidth > wrap.clientWidth,
      };
    }),
  };
}"""


def long_level_names() -> dict:
    """SMART_VALLEE's two levels with long names, in both languages."""
    plan = {**SMART_VALLEE}
    plan["level_names"] = {
        "axis": {
            "singular": "orientation stratégique intercommunale",
            "plural": "orientations stratégiques intercommunales",
            "gender": "f",
            "singular_en": "intermunicipal strategic orientation",
            "plural_en": "intermunicipal strategic orientations",
        },
        "project": {
            "singular": "action de transformation numérique",
            "plural": "actions de transformation numérique",
            "gender": "f",
            "singular_en": "digital transformation action",
            "plural_en": "digital transformation actions",
            "prefix": "a",
        },
    }
    return plan


def use_language(page: Page, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def assert_fits_at_every_width(page: Page, url: str, shown_projects: int) -> None:
    page.goto(url)
    for details in page.locator("details.axis:not([open]) > summary").all():
        details.click()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        seen = page.evaluate(MEASURE)
        where = f"{url} at {width} px"
        assert seen["scrollWidth"] <= seen["innerWidth"], f"the page scrolls sideways {where}"
        assert len(seen["marks"]) == shown_projects, f"a project's mark is hidden {where}"
        off_screen = [mark["text"] for mark in seen["marks"] if not mark["inViewport"]]
        assert not off_screen, f"marks off screen {where}: {off_screen}"
        if width >= TABLE_FROM:
            assert seen["visibleTables"] == seen["tables"] > 0, f"no steering table {where}"
            cut = [mark["text"] for mark in seen["marks"] if not mark["inTable"]]
            assert not cut, f"marks outside their table's box {where}: {cut}"
            assert not any(mark["wrapOverflows"] for mark in seen["marks"]), (
                f"a steering table overflows its container {where}"
            )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demo_cockpit_fits_every_width_with_every_mark_on_screen(
    page: Page, live_server, demo, language
):
    log_in_as_commission(page, live_server.url)
    use_language(page, live_server.url, language)
    projects = demo.axes.values_list("projects", flat=True).exclude(projects=None).count()
    assert_fits_at_every_width(page, f"{live_server.url}/strategies/{demo.pk}/", projects)
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_a_two_level_strategy_with_long_level_names_fits_every_width(page: Page, live_server, demo):
    strategy = ccvh_strategy(long_level_names())
    Membership.objects.create(
        user=get_user_model().objects.get(username="commission"), territory=strategy.territory
    )
    projects = strategy.axes.values_list("projects", flat=True).exclude(projects=None).count()
    log_in_as_commission(page, live_server.url)
    for language, level in (
        ("fr", "Orientation stratégique intercommunale"),
        ("en", "Intermunicipal"),
    ):
        use_language(page, live_server.url, language)
        assert_fits_at_every_width(page, f"{live_server.url}/strategies/{strategy.pk}/", projects)
        expect(page.locator("details.axis h2").first).to_contain_text(re.compile(level))
