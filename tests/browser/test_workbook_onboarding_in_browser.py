"""A new territory's secretariat enters its two-level plan from one workbook, in a real browser:
the strategy's page in the admin, « Importer un classeur », the preview, the confirmation; then the
commission reads the cockpit in the plan's own words (orientations and actions, no measure
column, no Domaine filter)."""

from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from projects.models import Project
from strategies.models import Membership, Strategy, Territory
from tests.workbooks.books import smart_vallee_workbook
from tests.workbooks.plans import SMART_VALLEE


def test_a_two_level_plan_is_entered_from_its_workbook_and_read_on_the_cockpit(
    page: Page, live_server, demo, tmp_path
):
    territory = Territory.objects.create(name="Communauté de communes (CCVH)", slug="ccvh")
    strategy = Strategy.objects.create(
        territory=territory, title="Smart Vallée", start_year=2024, horizon_year=2030
    )
    secretariat = get_user_model().objects.get(username="secretariat")
    Membership.objects.create(user=secretariat, territory=territory, role="editor")
    workbook = tmp_path / "smart-vallee.xlsx"
    workbook.write_bytes(smart_vallee_workbook())

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", "demo")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/strategies/strategy/{strategy.pk}/change/")
    page.get_by_role("link", name="Importer un classeur").click()
    page.set_input_files("input[type=file]", str(workbook))
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible()
    page.screenshot(path="test-results/workbook-preview.png", full_page=True)
    assert not Project.objects.filter(strategy=strategy).exists()  # the preview writes nothing
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.locator(".messagelist")).to_contain_text("Import du classeur")
    strategy.refresh_from_db()
    assert (strategy.uses_domains, strategy.uses_measures) == (False, False)
    assert Project.objects.filter(strategy=strategy).count() == len(SMART_VALLEE["actions"])

    page.goto(f"{live_server.url}/strategies/{strategy.pk}/")
    first = SMART_VALLEE["orientations"][0][1]
    expect(page.get_by_role("heading", name=f"Orientation 1 : {first}")).to_be_visible()
    table = page.locator("table.steering").first
    expect(table.get_by_role("columnheader", name="Actions", exact=True)).to_have_count(2)
    expect(table.get_by_role("columnheader", name="Mesure")).to_have_count(0)
    expect(page.locator("label[for=id_axis]")).to_contain_text("Orientation")
    expect(page.locator("select[name=domain]")).to_have_count(0)
    action = SMART_VALLEE["actions"][0][1]
    expect(table.get_by_role("link", name=action)).to_be_visible()
    page.screenshot(path="test-results/workbook-ccvh-cockpit.png", full_page=True)
