"""The secretariat brings an edited spreadsheet back into the admin, in a real browser: export,
edit one cell, import, see that one change in the preview, confirm."""

import openpyxl
from playwright.sync_api import Page, expect

from projects.models import Project


def test_secretariat_exports_edits_and_imports_projects(page: Page, live_server, demo, tmp_path):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", "demo")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/projects/project/")
    page.click("a.export_link")
    with page.expect_download() as download:
        page.click("input[type=submit]")
    exported = tmp_path / "projets.xlsx"
    download.value.save_as(exported)
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    code = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=headers.index("Statut") + 1).value = "bloqué"
    edited = tmp_path / "projets-revus.xlsx"
    workbook.save(edited)

    page.goto(f"{live_server.url}/admin/projects/project/")
    page.click("a.import_link")
    page.set_input_files("#id_import_file", str(edited))
    page.click("input[type=submit]")

    changes = page.locator("table.import-changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("Statut")
    expect(changes.first).to_contain_text("bloqué")
    page.screenshot(path="test-results/admin-import-preview.png", full_page=True)
    assert Project.objects.get(code=code).status != Project.Status.BLOCKED

    page.click("input[name=confirm]")

    expect(page.locator(".messagelist")).to_contain_text("Import terminé : 0 créé(s), 1 modifié(s)")
    project = Project.objects.get(code=code)
    assert project.status == Project.Status.BLOCKED
    assert project.history.first().history_user.username == "secretariat"
