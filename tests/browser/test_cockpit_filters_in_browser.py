"""The cockpit's filters in Chromium: choosing an axis narrows the domain filter to its domains
(htmx), the address bar keeps a clean URL to share, and the keyboard focus stays on the filter."""

import re

from playwright.sync_api import Page, expect

from strategies.models import Axis, Domain
from tests.browser.test_prioritisation_journey import log_in


def test_choosing_an_axis_narrows_the_domains_and_keeps_a_clean_url(page: Page, live_server, demo):
    axes = [a for a in Axis.objects.filter(strategy=demo).order_by("number") if a.domains.all()]
    first, second = axes[0], axes[1]
    log_in(page, live_server.url, "commission")
    cockpit = f"{live_server.url}/strategies/{demo.pk}/"
    page.goto(cockpit)
    domain = page.locator("#id_domain")
    every = Domain.objects.filter(axis__strategy=demo).count()
    expect(domain.locator("option")).to_have_count(every + 1)  # « Tous » first

    page.locator("#id_axis").focus()
    page.locator("#id_axis").select_option(str(first.pk))
    expect(domain.locator("option")).to_have_count(first.domains.count() + 1)
    expect(page).to_have_url(f"{cockpit}?axis={first.pk}")  # no "&domain=&mark=…"
    expect(page.locator("#id_axis")).to_be_focused()

    chosen = first.domains.order_by("order", "title").first()
    domain.focus()
    domain.select_option(str(chosen.pk))
    expect(page).to_have_url(f"{cockpit}?axis={first.pk}&domain={chosen.pk}")
    expect(page.locator("#id_domain")).to_be_focused()  # the select was replaced, focus kept

    page.locator("#id_axis").select_option(str(second.pk))  # that domain is not of this axis
    expect(page).to_have_url(f"{cockpit}?axis={second.pk}")
    expect(domain.locator("option")).to_have_count(second.domains.count() + 1)
    expect(domain).to_have_value("")
    assert not page.locator(".messages").is_visible()

    page.get_by_role("link", name="Télécharger le rapport Excel").wait_for()
    href = page.get_by_role("link", name="Télécharger le rapport Excel").get_attribute("href")
    assert re.fullmatch(rf"/strategies/{demo.pk}/[^?]+\?axis={second.pk}", href)
