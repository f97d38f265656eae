"""The secretariat's side of an update round in the admin: open, follow, remind, resend, close,
each territory's rounds its editors' only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demo.management.commands.load_demo import DemoLoader
from rounds import services
from rounds.models import Round
from strategies.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.rounds.conftest import build


@pytest.fixture
def editor_client(client, portfolio):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(DemoLoader(timezone.localdate()).secretariat_group())
    MembershipFactory(
        user=editor, territory=portfolio.strategy.territory, role=Membership.Role.EDITOR
    )
    client.force_login(editor)
    return client


def test_the_add_form_opens_the_round(editor_client, portfolio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:rounds_round_add"),
            {
                "strategy": portfolio.strategy.pk,
                "workshop": "",
                "deadline": "31.03.2030",
                "message": "Avant l'atelier 4.",
            },
        )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:rounds_round_change", args=(round_.pk,))
    assert round_.deadline == datetime.date(2030, 3, 31)
    assert round_.opened_by.username == "editor"
    assert len(mail.outbox) == 2

    page = editor_client.get(response["Location"]).content.decode()
    assert "anne@lens.ch" in page and "Relancer tous ceux qui n" in page
    assert "Renvoyer à une autre adresse" in page and "Clore la campagne" in page


def test_remind_resend_and_close_from_the_change_page(
    editor_client, portfolio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = services.open_round(portfolio.strategy, datetime.date(2030, 3, 31))
    anne = round_.owners.get(contact=portfolio.anne)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:rounds_round_remind_one", args=(round_.pk, anne.pk)))
    assert [m.to for m in mail.outbox] == [["anne@lens.ch"]]
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:rounds_round_remind", args=(round_.pk,)))
    # Anne was reminded today already: only Bruno.
    assert [m.to for m in mail.outbox[1:]] == [["bruno@icogne.ch"]]

    resend_url = reverse("admin:rounds_round_resend", args=(round_.pk, anne.pk))
    assert editor_client.get(resend_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(resend_url, {"email": "a.favre@lens.ch"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["a.favre@lens.ch"]

    editor_client.post(reverse("admin:rounds_round_close", args=(round_.pk,)))
    round_.refresh_from_db()
    assert round_.closed_at is not None
    assert (
        editor_client.get(reverse("admin:rounds_round_close", args=(round_.pk,))).status_code == 405
    )


def test_another_territorys_round_is_not_found(editor_client, db):
    other = build()
    round_ = services.open_round(other.strategy, datetime.date(2030, 3, 31))
    changelist = editor_client.get(reverse("admin:rounds_round_changelist")).content.decode()
    assert str(round_) not in changelist
    change = editor_client.get(reverse("admin:rounds_round_change", args=(round_.pk,)))
    assert change.status_code == 302  # the admin's "not found" redirect
    assert (
        editor_client.post(reverse("admin:rounds_round_close", args=(round_.pk,))).status_code
        == 404
    )
    round_.refresh_from_db()
    assert round_.closed_at is None


def test_a_workshop_of_another_strategy_is_refused(editor_client, portfolio):
    from tests.factories import StrategyFactory, WorkshopFactory

    other = StrategyFactory(territory=portfolio.strategy.territory)
    workshop = WorkshopFactory(strategy=other)
    response = editor_client.post(
        reverse("admin:rounds_round_add"),
        {"strategy": portfolio.strategy.pk, "workshop": workshop.pk, "deadline": "31.03.2030"},
    )
    assert response.status_code == 200
    assert "Cet atelier appartient à une autre stratégie" in response.content.decode()
    assert not Round.objects.exists()
