"""Under the Content-Security-Policy, the cockpit, its htmx filters, the public cockpit and the
admin work in Chromium, and the browser reports no violation on any of their main pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from indicators.models import Indicator
from projects.models import Project
from strategies.models import Axis, Strategy


@pytest.fixture
def demo(demo):
    Strategy.objects.filter(pk=demo.pk).update(is_public=True)
    return demo


@pytest.fixture
def violations(page: Page):
    """Every CSP violation Chromium reports, as console errors and as page events."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + "
        "e.blockedURI + ' ' + (e.sample || '')))"
    )
    return found


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_member_pages_and_htmx_filters_work_without_violation(
    page: Page, live_server, demo, violations
):
    base = live_server.url
    log_in(page, base, "commission")
    s = demo.pk
    project = Project.objects.get(strategy=demo, code="p6")
    indicator = Indicator.objects.get(strategy=demo, code="s2")
    axis = Axis.objects.get(strategy=demo, number=2)
    for path in (
        "/",
        f"/strategies/{s}/axes/{axis.pk}/",
        f"/strategies/{s}/mesures/{project.measure_id}/",
        f"/strategies/{s}/projets/{project.pk}/",
        f"/strategies/{s}/indicateurs/{indicator.pk}/",
        f"/strategies/{s}/calendrier/",
        f"/strategies/{s}/modele-efficacite/",
        f"/strategies/{s}/communes/",
        f"/strategies/{s}/ateliers/",
        "/nulle-part/",
    ):
        if path == "/nulle-part/":
            assert page.goto(base + path).status == 404
            continue
        visit(page, base + path)

    # The Gantt bars are drawn (SVG geometry, no inline style).
    page.goto(f"{base}/strategies/{s}/calendrier/")
    bar = page.locator("tr.is-late rect.gantt-bar").first
    assert bar.bounding_box()["width"] > 10
    page.goto(f"{base}/strategies/{s}/indicateurs/{indicator.pk}/")
    assert page.locator(".evaluation svg.bar rect.bar-fill").bounding_box()["width"] > 5

    # htmx swaps the filtered table in place (a script from our origin, no eval, no style).
    visit(page, f"{base}/strategies/{s}/")
    page.select_option("#id_axis", str(axis.pk))
    expect(page.locator("details.axis")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"axis={axis.pk}"))
    page.fill("#id_q", "p13")
    expect(page.locator("table.steering").first).to_contain_text("Subventionnement")
    page.screenshot(path="test-results/csp-cockpit.png", full_page=True)
    assert violations == []


def test_public_cockpit_works_without_violation(page: Page, live_server, demo, violations):
    base = live_server.url
    visit(page, f"{base}/public/strategies/{demo.pk}/")
    expect(page.locator(".public-notice")).to_contain_text("Vue publique, en lecture seule.")
    axis = Axis.objects.get(strategy=demo, number=2)
    page.select_option("#id_axis", str(axis.pk))
    expect(page.locator("details.axis")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"/public/strategies/{demo.pk}/\?.*axis={axis.pk}"))
    page.locator("table.steering a", has_text="s3").first.click()
    expect(page.locator("h1")).to_contain_text("s3")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    page.screenshot(path="test-results/csp-public.png", full_page=True)
    assert violations == []


def test_admin_works_without_violation(page: Page, live_server, demo, violations):
    base = live_server.url
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", "demo")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Cockpit stratégique")
    project = Project.objects.get(strategy=demo, code="p1")
    for path in (
        "/admin/projects/project/",
        "/admin/projects/project/?late=yes",
        f"/admin/projects/project/{project.pk}/history/",
        "/admin/indicators/indicator/",
        f"/admin/strategies/strategy/{demo.pk}/change/",
        "/admin/strategies/membership/add/",
    ):
        visit(page, base + path)

    # The change form: the autocomplete (select2), the calendar widget, then a save.
    visit(page, f"{base}/admin/projects/project/{project.pk}/change/")
    page.locator("#id_measure + .select2").click()
    page.locator(".select2-dropdown .select2-search__field").fill("m2")
    expect(page.locator(".select2-results__option").first).to_contain_text("m2")
    page.keyboard.press("Escape")
    page.locator("#id_start_date").locator("xpath=..").locator(".date-icon").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.keyboard.press("Escape")
    page.fill("#id_title", "Plan sectoriel de la mobilité (révisé)")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("modifié")
    project.refresh_from_db()
    assert project.title == "Plan sectoriel de la mobilité (révisé)"
    assert violations == []
