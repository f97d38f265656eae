"""From a proposal typed on a phone during the workshop to the ranking, in Chromium: a
commission member proposes from the workshop page at 390 px; the secretariat scores a project in
the grid with the keyboard (a bad value gets its French error in the cell, and Enter on it keeps the
focus there) and finds it in the ranking; in a grid shown a page at a time, Enter on the last row
loads the next rows and moves into them."""

import re

from playwright.sync_api import Page, expect

from prioritisation import ranking as ranking_rules
from prioritisation.models import Criterion, Proposal, Score
from prioritisation.views import grid_querysets
from projects.models import Project
from workshops.models import Workshop


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/login/"))


def test_member_proposes_from_a_phone_during_the_workshop(page: Page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "commission")
    workshop = Workshop.objects.get(strategy=demo, number=4)
    page.goto(f"{live_server.url}/strategies/{demo.pk}/ateliers/{workshop.pk}/")
    page.get_by_role("link", name="Proposer une réalisation ↓").click()

    form = page.locator("form.proposal-form")
    expect(form).to_be_in_viewport()
    form.get_by_label("Votre proposition").fill("Sentier didactique des bisses")
    form.get_by_label("Axe").select_option(label="Axe 2 : Ressources naturelles")
    form.get_by_label("Icogne").check()
    form.get_by_label("Lens").check()
    form.get_by_label("Proposée par").fill("Groupe 2")
    form.get_by_role("button", name="Envoyer la proposition").click()

    section = page.locator("#propositions")
    expect(section.locator(".saved-note")).to_contain_text(
        "Merci : « Sentier didactique des bisses » est enregistrée"
    )
    expect(section.locator("li.proposal")).to_have_count(1)
    expect(section.locator("li.proposal")).to_contain_text("Groupe 2 · Axe 2")
    expect(section.get_by_label("Proposée par")).to_have_value("Groupe 2")  # the next one
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="test-results/proposal-phone.png", full_page=True)

    proposal = Proposal.objects.get(title="Sentier didactique des bisses")
    assert (proposal.workshop, proposal.axis.number, proposal.status) == (workshop, 2, "new")
    assert sorted(proposal.communes.values_list("name", flat=True)) == ["Icogne", "Lens"]


def test_secretariat_scores_a_project_with_the_keyboard_and_sees_it_ranked(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "secretariat")
    page.goto(f"{live_server.url}/strategies/{demo.pk}/priorisation/notes/")
    emploi = Criterion.objects.get(strategy=demo, name="Emploi")
    image = Criterion.objects.get(strategy=demo, name="Image")
    p2 = Project.objects.get(strategy=demo, code="p2")
    p3 = Project.objects.get(strategy=demo, code="p3")

    cell = page.locator(f"#v-project-{p2.pk}-{emploi.pk}")
    cell.click()
    page.keyboard.type("3")
    page.keyboard.press("Enter")  # saves and goes down to p3, same criterion
    expect(page.locator(f"#v-project-{p3.pk}-{emploi.pk}")).to_be_focused()
    expect(page.locator(f"#cell-project-{p2.pk}-{emploi.pk} .cell-saved")).to_be_visible()
    summary = page.locator(f"#sum-project-{p2.pk}")
    expect(summary).to_contain_text("100")
    expect(summary).to_contain_text("1/5 critères notés")

    page.keyboard.press("Tab")  # p3 Emploi → p3 Lien social: nothing changed, nothing saved
    page.locator(f"#v-project-{p2.pk}-{image.pk}").fill("7")
    page.keyboard.press("Tab")
    error = page.locator(f"#cell-project-{p2.pk}-{image.pk} .cell-error")
    expect(error).to_have_text("La note « Image » va de 0 à 3 ; 7 n'est pas admis.")
    expect(page.locator(f"#v-project-{p2.pk}-{image.pk}")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path="test-results/scoring-grid.png", full_page=True)

    assert Score.objects.get(project=p2, criterion=emploi).value == 3
    assert not Score.objects.filter(project=p2, criterion=image).exists()

    page.get_by_role("link", name="Priorisation").first.click()
    first = page.locator("table.ranking tbody tr").first
    expect(first).to_contain_text("p2")
    expect(first).to_contain_text("100")
    expect(first).to_contain_text("1/5 critères notés")
    page.locator("#id_status").select_option("proposals_new")  # htmx swaps the table
    expect(page).to_have_url(re.compile(r"status=proposals_new"))
    expect(page.locator("table.ranking tbody tr")).to_have_count(4)
    page.screenshot(path="test-results/ranking.png", full_page=True)


def test_enter_on_a_refused_score_keeps_the_focus_on_its_cell_with_the_error_read(
    page: Page, live_server, demo
):
    log_in(page, live_server.url, "secretariat")
    page.goto(f"{live_server.url}/strategies/{demo.pk}/priorisation/notes/")
    image = Criterion.objects.get(strategy=demo, name="Image")
    p2 = Project.objects.get(strategy=demo, code="p2")
    p3 = Project.objects.get(strategy=demo, code="p3")
    refused = page.locator(f"#v-project-{p2.pk}-{image.pk}")

    refused.click()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    error = page.locator(f"#e-project-{p2.pk}-{image.pk}")
    expect(error).to_have_text("La note « Image » va de 0 à 3 ; 7 n'est pas admis.")
    expect(error).to_have_attribute("role", "alert")
    expect(refused).to_be_focused()
    expect(refused).to_have_attribute("aria-invalid", "true")
    expect(refused).to_have_attribute("aria-describedby", f"e-project-{p2.pk}-{image.pk}")
    page.keyboard.press("Enter")  # still refused: the focus stays
    expect(refused).to_be_focused()

    page.keyboard.type("2")  # the content was selected: 2 replaces 7
    page.keyboard.press("Enter")
    expect(page.locator(f"#v-project-{p3.pk}-{image.pk}")).to_be_focused()
    expect(page.locator(f"#cell-project-{p2.pk}-{image.pk} .cell-saved")).to_be_visible()
    assert Score.objects.get(project=p2, criterion=image).value == 2


def test_enter_on_the_last_row_of_a_page_loads_the_next_rows_and_moves_into_them(
    page: Page, live_server, demo, monkeypatch
):
    monkeypatch.setattr(ranking_rules, "OPEN_ROWS", 3)
    monkeypatch.setattr(ranking_rules, "PAGE_ROWS", 3)
    monkeypatch.setattr(ranking_rules, "GRID_OPEN_ROWS", 3)
    monkeypatch.setattr(ranking_rules, "GRID_PAGE_ROWS", 3)
    projects, _proposals = grid_querysets(demo, "")
    third, fourth, fifth = list(projects[2:5])
    emploi = Criterion.objects.get(strategy=demo, name="Emploi")
    log_in(page, live_server.url, "secretariat")
    page.goto(f"{live_server.url}/strategies/{demo.pk}/priorisation/notes/")
    expect(page.locator("table.score-grid tr[id^=row-]")).to_have_count(3)
    expect(page.locator(f"#v-project-{fourth.pk}-{emploi.pk}")).to_have_count(0)

    page.locator(f"#v-project-{third.pk}-{emploi.pk}").click()
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # saves, loads the next page's rows, goes down into them
    below = page.locator(f"#v-project-{fourth.pk}-{emploi.pk}")
    expect(below).to_be_focused()
    expect(page.locator("table.score-grid tr[id^=row-]")).to_have_count(6)
    expect(page.locator(f"#cell-project-{third.pk}-{emploi.pk} .cell-saved")).to_be_visible()
    assert Score.objects.get(project=third, criterion=emploi).value == 2

    page.keyboard.press("Enter")  # nothing changed: straight down, on the same page
    expect(page.locator(f"#v-project-{fifth.pk}-{emploi.pk}")).to_be_focused()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")  # back up across the page boundary
    expect(page.locator(f"#v-project-{third.pk}-{emploi.pk}")).to_be_focused()
