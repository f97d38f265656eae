"""An update round from opening to closing, through the mails of Django's locmem outbox."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.models import IndicatorValue
from projects.models import Project
from rounds import services
from rounds.models import RoundOwner
from tests.factories import UserFactory
from tests.rounds.conftest import link_path
from workshops.changes import changes_between

DEADLINE = datetime.date(2030, 3, 31)


def project_data(project: Project, version: str, **changes) -> dict:
    data = {
        "status": project.status,
        "progress": "" if project.progress is None else project.progress,
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "status_comment": project.status_comment,
        "version": version,
        **changes,
    }
    return {f"p{project.pk}-{key}": value for key, value in data.items()}


def version_of(project: Project) -> str:
    return str(project.history.order_by("-history_date", "-history_id").first().history_id)


def value_version(indicator) -> str:
    latest = (
        IndicatorValue.history.filter(indicator_id=indicator.pk)
        .order_by("-history_date", "-history_id")
        .first()
    )
    return "" if latest is None else str(latest.history_id)


def open_and_get_links(portfolio, django_capture_on_commit_callbacks, secretariat=None):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = services.open_round(
            portfolio.strategy, DEADLINE, "Merci pour l'atelier 4.", by=secretariat
        )
    links = {message.to[0]: link_path(message.body) for message in mail.outbox}
    return round_, links


def test_a_round_from_opening_to_closing(
    portfolio, client, admin_client, django_capture_on_commit_callbacks
):
    secretariat = UserFactory(username="secretariat")
    # Anne has an account (an editor elsewhere, say): the link gives her only her items, and the
    # history names her account.
    portfolio.anne.user = UserFactory(username="afavre")
    portfolio.anne.save()
    round_, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks, secretariat)

    # One mail per owner (not the contact who owns nothing, not for a done project).
    assert sorted(links) == ["anne@lens.ch", "bruno@icogne.ch"]
    anne_mail = next(m for m in mail.outbox if m.to == ["anne@lens.ch"])
    assert "31.03.2030" in anne_mail.subject
    assert "Merci pour l'atelier 4." in anne_mail.body
    assert round_.owners.filter(sent_at__isnull=False).count() == 2
    # The raw token is nowhere in the database.
    token = links["anne@lens.ch"].split("/")[2]
    assert not RoundOwner.objects.filter(token_hash=token).exists()

    # The owner opens the page: her two open projects and her indicator, pre-filled.
    url = links["anne@lens.ch"]
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    p1, p2 = portfolio.projects
    assert p1.title in text and p2.title in text and "Nuitées" in text
    assert "p90" not in text and portfolio.other_project.title not in text
    anne_row = round_.owners.get(contact=portfolio.anne)
    assert anne_row.opened_at is not None
    assert "sessionid" not in page.cookies

    indicator = portfolio.anne.indicators.get()
    v1, v2, vi = version_of(p1), version_of(p2), value_version(indicator)
    value_fields = {
        f"i{indicator.pk}-value": "55",
        f"i{indicator.pk}-date": timezone.localdate().strftime("%d.%m.%Y"),
        f"i{indicator.pk}-source": "Office du tourisme",
        f"i{indicator.pk}-comment": "",
        f"i{indicator.pk}-version": vi,
    }

    # A bad date first: nothing saved, a French error.
    bad = {
        **project_data(p1, v1, status=Project.Status.IN_PROGRESS, progress=40),
        **project_data(p2, v2, end_date="31.02.2031"),
        **value_fields,
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()
    assert "Rien n'a été enregistré" in response.content.decode()
    p1.refresh_from_db()
    assert p1.status == Project.Status.PLANNED
    assert not indicator.values.filter(date=timezone.localdate()).exists()

    # Valid updates of two projects and one value.
    start = timezone.now()
    good = {
        **project_data(p1, v1, status=Project.Status.IN_PROGRESS, progress=40),
        **project_data(p2, v2, end_date="31.12.2031", status_comment="Permis déposé"),
        **value_fields,
    }
    response = client.post(url, good)
    assert response.status_code == 302
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.status, p1.progress) == (Project.Status.IN_PROGRESS, 40)
    assert p2.end_date == datetime.date(2031, 12, 31)
    value = IndicatorValue.objects.get(indicator=indicator, date=timezone.localdate())
    reason = f"mis à jour par {portfolio.anne} via la campagne du " + timezone.localtime(
        round_.opened_at
    ).strftime("%d.%m.%Y")
    assert p1.history.first().history_change_reason == reason
    assert p1.history.first().history_user.username == "afavre"
    assert value.history.first().history_change_reason == reason
    changes = changes_between(portfolio.strategy, start, timezone.now())
    kinds = {(c.kind, c.subject.split(" ")[0], c.field) for c in changes}
    assert ("project_changed", "p1", "statut") in kinds
    assert ("project_changed", "p2", "fin") in kinds
    assert any(c.kind == "value_recorded" for c in changes)
    anne_row.refresh_from_db()
    assert anne_row.answered_at is not None and not anne_row.nothing_to_change

    # The round's admin page shows who answered.
    admin_page = admin_client.get(reverse("admin:rounds_round_change", args=(round_.pk,)))
    assert admin_page.status_code == 200
    assert "anne@lens.ch" in admin_page.content.decode()

    # Reminders: three days before the deadline, only Bruno; not twice the same day.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_round_reminders", "--today", "28.03.2030", stdout=None)
    assert [m.to for m in mail.outbox] == [["bruno@icogne.ch"]]
    assert "Rappel" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_round_reminders", "--today", "28.03.2030")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_round_reminders", "--today", "15.03.2030")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_round_reminders", "--today", "01.04.2030")
    assert len(mail.outbox) == 2
    # The reminder's link replaces Bruno's first one.
    assert client.get(links["bruno@icogne.ch"]).status_code == 404
    assert client.get(link_path(mail.outbox[-1].body)).status_code == 200

    # Closed: the link is refused, nothing written.
    services.close_round(round_)
    history_count = Project.history.count()
    response = client.post(url, good)
    assert response.status_code == 410
    assert "close" in response.content.decode()
    assert Project.history.count() == history_count


def test_nothing_to_change(portfolio, client, django_capture_on_commit_callbacks):
    round_, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    history_count = Project.history.count()
    response = client.post(links["bruno@icogne.ch"], {"rien": "1"})
    assert response.status_code == 302
    row = round_.owners.get(contact=portfolio.bruno)
    assert row.nothing_to_change and row.answered_at is not None
    assert Project.history.count() == history_count
    if hasattr(Project, "confirmed_at"):
        portfolio.other_project.refresh_from_db()
        assert portfolio.other_project.confirmed_at is not None


def test_a_forged_token_is_not_found(portfolio, client):
    response = client.get("/mise-a-jour/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert "Lien inconnu" in response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1


def test_another_owners_item_is_refused(portfolio, client, django_capture_on_commit_callbacks):
    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    p1 = portfolio.projects[0]
    other = portfolio.other_project
    data = {
        **project_data(p1, version_of(p1), progress=60),
        **project_data(other, version_of(other), status=Project.Status.ABANDONED),
    }
    history_count = Project.history.count()
    response = client.post(links["anne@lens.ch"], data)
    assert response.status_code == 400
    assert Project.history.count() == history_count
    other.refresh_from_db()
    assert other.status == Project.Status.PLANNED


def test_a_stale_version_gets_the_conflict_message(
    portfolio, client, django_capture_on_commit_callbacks
):
    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    p1, p2 = portfolio.projects
    seen1, seen2 = version_of(p1), version_of(p2)
    # The secretariat changes p1 after the page was shown.
    p1.progress = 80
    p1.save()
    response = client.post(
        links["anne@lens.ch"],
        {**project_data(p1, seen1, progress=20), **project_data(p2, seen2, progress=30)},
    )
    assert response.status_code == 409, response.content.decode()[-3000:]
    text = response.content.decode()
    assert "Conflit de modification" in text
    assert 'value="80"' in text  # the new figure is shown
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.progress, p2.progress) == (80, 10)  # all or nothing


def test_the_owner_page_is_private(portfolio, client, django_capture_on_commit_callbacks):
    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    response = client.get(links["anne@lens.ch"])
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_resend_revokes_the_old_link(portfolio, client, django_capture_on_commit_callbacks):
    round_, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    row = round_.owners.get(contact=portfolio.anne)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(row, "anne.favre@lens.ch")
    assert mail.outbox[0].to == ["anne.favre@lens.ch"]
    assert client.get(links["anne@lens.ch"]).status_code == 404
    assert client.get(link_path(mail.outbox[0].body)).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_the_owner_page_queries_do_not_grow(
    size, db, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from tests.rounds.conftest import build

    portfolio = build(projects_per_owner=size)
    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    client.get(links["anne@lens.ch"])  # the first visit writes opened_at
    with django_assert_num_queries(3):
        assert client.get(links["anne@lens.ch"]).status_code == 200


def test_the_refusal_speaks_english_too(db, client):
    response = client.get("/mise-a-jour/inconnu/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Unknown or replaced link" in response.content.decode()


def test_a_value_recorded_meanwhile_gets_the_conflict_message(
    portfolio, client, django_capture_on_commit_callbacks
):
    from tests.factories import IndicatorValueFactory

    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    indicator = portfolio.anne.indicators.get()
    seen = value_version(indicator)
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2025, 1, 1), value=47)
    prefix = f"i{indicator.pk}"
    response = client.post(
        links["anne@lens.ch"],
        {
            f"{prefix}-value": "50",
            f"{prefix}-date": "01.06.2025",
            f"{prefix}-source": "",
            f"{prefix}-comment": "",
            f"{prefix}-version": seen,
        },
    )
    assert response.status_code == 409
    assert "Conflit de modification" in response.content.decode()
    assert "Dernière valeur : 47" in response.content.decode()
    assert not indicator.values.filter(date=datetime.date(2025, 6, 1)).exists()


def test_a_project_the_owner_marks_done_stays_on_their_page(
    portfolio, client, django_capture_on_commit_callbacks
):
    _round, links = open_and_get_links(portfolio, django_capture_on_commit_callbacks)
    p1 = portfolio.projects[0]
    response = client.post(
        links["anne@lens.ch"], project_data(p1, version_of(p1), status=Project.Status.DONE)
    )
    assert response.status_code == 302
    page = client.get(links["anne@lens.ch"]).content.decode()
    assert f'name="p{p1.pk}-status"' in page
    assert "Aucun projet ni indicateur" not in page
