"""The secretariat turns on two-factor login on a phone-sized screen, then logs in with a code."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

WIDTH = 390


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_from_key(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed by hand."""
    return f"{totp(b32decode(secret.replace(' ', '')), drift=steps_ahead):06d}"


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_secretariat_enrols_then_logs_in_with_a_code_on_a_phone(
    page: Page, live_server, demo, required
):
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"{live_server.url}/comptes/login/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()

    # An editor without a device: enrolment, nothing else.
    page.wait_for_url(re.compile(r"/comptes/compte/double-authentification/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    fits_the_screen(page)
    page.screenshot(path=f"test-results/two-factor-enrol-{WIDTH}.png", full_page=True)
    secret = page.locator("code.secret").inner_text()
    page.fill("#id_code", code_from_key(secret))
    page.locator("main button[type=submit]").click()

    page.wait_for_url(re.compile(r"/comptes/compte/codes-de-secours/"))
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    fits_the_screen(page)
    page.screenshot(path=f"test-results/two-factor-codes-{WIDTH}.png", full_page=True)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.locator("h1")).to_contain_text("Mes stratégies")

    page.locator(".site-menu > summary").click()  # the menu, behind one button on a phone
    page.get_by_role("link", name="Mon compte").click()
    expect(page.locator("main")).to_contain_text("✓ activée")
    page.screenshot(path=f"test-results/two-factor-account-{WIDTH}.png", full_page=True)

    # Next login: the password, then a code.
    page.locator(".site-menu > summary").click()
    page.get_by_role("button", name="Déconnexion").click()
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/comptes/verification/"))
    fits_the_screen(page)
    page.screenshot(path=f"test-results/two-factor-verify-{WIDTH}.png", full_page=True)
    page.fill("#id_code", code_from_key(secret, steps_ahead=1))
    page.locator("main button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text("Mes stratégies")
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    assert violations == []
