"""A commission member downloads the cockpit's Excel pack from the page, filtered by axis."""

import re

import openpyxl
from playwright.sync_api import Page, expect

from strategies.models import Axis


def log_in_as_commission(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    page.fill("#id_username", "commission")
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()


def test_member_downloads_the_filtered_excel_pack(page: Page, live_server, demo, tmp_path):
    log_in_as_commission(page, live_server.url)
    page.goto(f"{live_server.url}/strategies/{demo.pk}/")
    axis = Axis.objects.get(strategy=demo, number=2)
    page.select_option("#id_axis", str(axis.pk))
    expect(page.locator("details.axis")).to_have_count(1)  # the htmx swap is done
    link = page.get_by_role("link", name="Télécharger le rapport Excel")
    expect(link).to_have_attribute("href", re.compile(rf"export\.xlsx\?axis={axis.pk}"))

    with page.expect_download() as info:
        link.click()
    download = info.value
    # A filtered pack says so in its name (issue 18).
    assert re.fullmatch(
        r"SDI-2028_cockpit_filtre-axe-2_\d\d\.\d\d\.\d{4}\.xlsx", download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == ["Synthèse", "Cockpit"]
    cockpit = workbook["Cockpit"]
    bands = [
        row[0]
        for row in cockpit.iter_rows(min_row=3, values_only=True)
        if str(row[0]).startswith("Axe ")
    ]
    assert bands == ["Axe 2 : Ressources naturelles"]
