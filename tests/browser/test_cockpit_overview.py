"""The cockpit's overview in a real browser: it stacks on a phone without widening the page, its
rows follow the filters when htmx swaps the axes, and a row takes the reader to its axis."""

import re

from playwright.sync_api import Page, expect

from strategies.models import Axis
from tests.browser.test_commission_cockpit import log_in_as_commission


def test_overview_stacks_on_a_phone_and_follows_the_filters(page: Page, live_server, demo):
    log_in_as_commission(page, live_server.url)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/strategies/{demo.pk}/")
    rows = page.locator(".overview-axis")
    expect(rows).to_have_count(4)
    # Nothing of the overview reaches past the screen's right edge (the rest of the page is
    # the layout's part of issue 18).
    beyond = page.evaluate(
        """() => [...document.querySelectorAll('.overview, .overview *')]
                 .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5).length"""
    )
    assert beyond == 0
    page.locator(".overview").screenshot(path="test-results/overview-390.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    axis = Axis.objects.get(strategy=demo, number=2)
    page.select_option("#id_axis", str(axis.pk))
    expect(page.locator("details.axis")).to_have_count(1)
    expect(rows).to_have_count(1)  # swapped out of band with the axes
    expect(page.locator(".overview-axes h3")).to_contain_text("retenus par les filtres")

    rows.first.locator("a.overview-axis-title").click()
    expect(page).to_have_url(re.compile(r"#axe-2$"))
    expect(page.locator("#axe-2")).to_be_in_viewport()
