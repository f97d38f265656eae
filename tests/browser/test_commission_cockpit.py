"""A commission member's journey through the cockpit, in a real browser, on the demo territory."""

import re

from playwright.sync_api import Page, expect

from strategies.models import Axis


def log_in_as_commission(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    page.fill("#id_username", "commission")
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()


def test_member_opens_the_cockpit_and_filters_it_by_axis(page: Page, live_server, demo):
    log_in_as_commission(page, live_server.url)
    page.get_by_role("link", name=re.compile("Stratégie de développement intercommunal")).click()
    axes = page.locator("details.axis")
    expect(axes).to_have_count(4)
    expect(page.locator("table.steering").first).to_contain_text("✓ atteint")
    page.screenshot(path="test-results/cockpit.png", full_page=True)

    axis = Axis.objects.get(strategy=demo, number=2)
    page.select_option("#id_axis", str(axis.pk))
    expect(axes).to_have_count(1)
    expect(axes.first).to_contain_text("Axe 2 : Ressources naturelles")
    expect(page).to_have_url(re.compile(rf"axis={axis.pk}"))

    page.reload()  # the filtered view has a URL that can be shared and reloaded
    expect(page.locator("details.axis")).to_have_count(1)
    expect(page.locator("#id_axis")).to_have_value(str(axis.pk))

    page.locator("details.axis summary").first.click()  # axes collapse
    expect(page.locator("details.axis table.steering")).to_be_hidden()


def test_member_opens_an_indicator_and_sees_its_chart(page: Page, live_server, demo):
    log_in_as_commission(page, live_server.url)
    page.goto(f"{live_server.url}/strategies/{demo.pk}/")
    page.locator("table.steering a", has_text="s2").first.click()
    expect(page.locator("h1")).to_contain_text("s2")
    expect(page.locator("svg[role=img]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("70 % du but atteint")
    page.screenshot(path="test-results/indicator.png", full_page=True)


def test_member_switches_to_english(page: Page, live_server, demo):
    log_in_as_commission(page, live_server.url)
    page.goto(f"{live_server.url}/strategies/{demo.pk}/")
    page.locator("form.language button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("details.axis").first).to_contain_text("Axis 1")
    expect(page.locator("table.steering").first).to_contain_text("achieved")
    page.locator("form.language button[value=fr]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_keyboard_reaches_the_content_first_and_print_hides_the_controls(
    page: Page, live_server, demo
):
    log_in_as_commission(page, live_server.url)
    page.goto(f"{live_server.url}/strategies/{demo.pk}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))

    page.emulate_media(media="print")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator(".strategy-nav")).to_be_hidden()
    expect(page.locator("table.steering").first).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
