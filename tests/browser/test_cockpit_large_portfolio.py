"""A commission member opens the cockpit of a large portfolio in a real browser: the axes come
closed, opening one loads its table (htmx), "Lignes suivantes" appends the next rows; without
JavaScript the same links lead to pages of their own."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.data import build_strategy
from projects.models import Project
from steering import table as steering


@pytest.fixture
def bench(transactional_db, monkeypatch):
    monkeypatch.setattr(steering, "OPEN_PROJECTS", 30)
    monkeypatch.setattr(steering, "PAGE_ROWS", 6)
    return build_strategy(160, label="browser", password="demo")


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/login/"))


def test_opening_a_closed_axis_loads_its_table_a_page_at_a_time(page: Page, live_server, bench):
    log_in(page, live_server.url, bench.viewer.username)
    cockpit = f"{live_server.url}/strategies/{bench.strategy.pk}/"
    page.goto(cockpit)
    axes = page.locator("details.axis")
    expect(axes).to_have_count(4)
    expect(page.locator("details.axis[open]")).to_have_count(0)
    expect(page.locator("table.steering")).to_have_count(0)
    first = axes.first
    expect(first.locator("summary")).to_contain_text("40 projets · 4 mesures")

    first.locator("summary").click()
    table = first.locator("table.steering")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr:not(.more)")).to_have_count(10)
    page.screenshot(path="test-results/cockpit-large-portfolio.png", full_page=True)

    table.get_by_role("link", name=re.compile("Lignes suivantes")).click()
    expect(table.locator("tbody tr:not(.more)")).to_have_count(20)
    expect(page).to_have_url(cockpit)  # rows appended in place, no navigation
    for shown in (30, 40):  # each click waits for its rows: a click in flight drops the next
        table.get_by_role("link", name=re.compile("Lignes suivantes")).click()
        expect(table.locator("tbody tr:not(.more)")).to_have_count(shown)
    links = table.locator("a[href*='/projets/']").all_inner_texts()
    codes = [text for text in links if re.fullmatch(r"p\d+", text)]
    assert len(codes) == 40 and len(set(codes)) == 40  # every row once
    expect(table.locator("tr.more")).to_have_count(0)

    page.select_option("#id_priority", "1")  # the filters swap the axes, closed again
    expect(page).to_have_url(re.compile(r"priority=1"))
    expect(page.locator("table.steering")).to_have_count(0)
    axes.first.locator("summary").click()
    expect(axes.first.locator("table.steering")).to_be_visible()
    shown = set(axes.first.locator("table.steering a[href*='/projets/']").all_inner_texts())
    priority_one = set(
        Project.objects.filter(strategy=bench.strategy, priority=1).values_list("code", flat=True)
    )
    assert shown and {code for code in shown if re.fullmatch(r"p\d+", code)} <= priority_one


def test_without_javascript_the_links_lead_to_the_table_pages(browser: Browser, live_server, bench):
    context = browser.new_context(java_script_enabled=False, locale="fr-CH")
    page = context.new_page()
    log_in(page, live_server.url, bench.viewer.username)
    page.goto(f"{live_server.url}/strategies/{bench.strategy.pk}/?late=on")
    axis = page.locator("details.axis").first
    axis.locator("summary").click()  # <details> opens without JavaScript
    axis.get_by_role("link", name=re.compile("Afficher le tableau de pilotage")).click()
    expect(page).to_have_url(re.compile(r"/tableau/\?late=on$"))
    expect(page.locator("table.steering")).to_be_visible()
    expect(page.locator(".pager")).to_contain_text("Page 1 sur")
    page.get_by_role("link", name="Page suivante →").click()
    expect(page).to_have_url(re.compile(r"late=on&page=2$"))
    expect(page.locator(".pager")).to_contain_text("Page 2 sur")
    context.close()
