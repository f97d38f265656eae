"""An owner opens the personal link of an update round on a phone, changes a project's status and
saves: the project is updated, nothing needed a login."""

import datetime

from django.core import mail
from playwright.sync_api import Page, expect

from projects.models import Project
from rounds import services
from tests.rounds.conftest import build, link_path


def test_an_owner_updates_a_status_on_a_phone(transactional_db, live_server, page: Page):
    portfolio = build()
    services.open_round(portfolio.strategy, datetime.date(2030, 3, 31), "Merci !")
    message = next(m for m in mail.outbox if m.to == ["anne@lens.ch"])
    project = portfolio.projects[0]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + link_path(message.body))
    expect(
        page.get_by_role("heading", name="Mise à jour de vos projets et indicateurs")
    ).to_be_visible()
    # One column: the form fits the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option(f"#id_p{project.pk}-status", Project.Status.IN_PROGRESS)
    page.get_by_role("button", name="Enregistrer tout").click()
    expect(page.get_by_role("status")).to_contain_text("votre réponse est enregistrée")

    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert project.history.first().history_change_reason.startswith("mis à jour par Anne Favre")
