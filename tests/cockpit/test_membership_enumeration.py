"""An editor adding a member cannot find out whether an account exists in the installation (issue
17, item 6): whatever is typed, the admin answers the same, with the same queries, and creates
nothing; the account found (if any) is mailed an invitation, and its holder joins by the link."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategies.models import Membership
from tests.factories import UserFactory
from tests.territories import world_fixture

world = world_fixture()
ADD = "/admin/strategies/membership/add/"
CHANGELIST = "/admin/strategies/membership/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(world, db):
    UserFactory(username="nouveau", email="nouveau@example.org")
    UserFactory(username="ancien", email="ancien@example.org", is_active=False)
    UserFactory(username="double1", email="double@example.org")
    UserFactory(username="double2", email="double@example.org")
    return client_of(world.users["editor_a"])


def add(client, world, account: str):
    data = {"account": account, "territory": world.a.territory.pk, "role": "viewer"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(ADD, data)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize(
    "account",
    [
        "nouveau",
        "NOUVEAU@example.org",
        "ancien",
        "double@example.org",
        "viewer_a",
        "personne",
        "personne@example.org",
    ],
    ids=[
        "user-name",
        "e-mail",
        "inactive",
        "shared-e-mail",
        "already-member",
        "unknown",
        "unknown-mail",
    ],
)
def test_the_answer_is_the_same_whatever_exists(world, editor, account):
    before = Membership.objects.count()
    add(editor, world, "personne-du-tout")  # the first request warms the caches
    reference, reference_queries = add(editor, world, "personne-du-tout")
    response, queries = add(editor, world, account)
    assert response.status_code == reference.status_code == 302
    assert response["Location"] == CHANGELIST
    assert queries == reference_queries
    page = editor.get(CHANGELIST).content.decode()
    assert (
        f"Si un compte actif correspond à « {account} », son titulaire reçoit par e-mail une "
        f"invitation à rejoindre la commission de {world.a.territory.name}"
    ) in page
    assert Membership.objects.count() == before


def test_the_account_is_invited_by_mail_and_joins_by_its_link(
    world, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(editor, world, "nouveau@example.org")
    (mail,) = mailoutbox
    assert mail.to == ["nouveau@example.org"]
    assert world.a.territory.name in mail.subject
    path = re.search(r"https?://[^/\s]+(/comptes/invitation/\S+/)", mail.body).group(1)
    newcomer = client_of(UserFactory(username="nouveau"))
    assert newcomer.get(path).status_code == 200
    assert not Membership.objects.filter(user__username="nouveau").exists()
    response = newcomer.post(path, follow=True)
    assert "Vous êtes membre de la commission de" in response.content.decode()
    membership = Membership.objects.get(user__username="nouveau")
    assert (membership.territory, membership.role) == (world.a.territory, "viewer")


@pytest.mark.parametrize("account", ["personne@example.org", "ancien", "double@example.org"])
def test_no_mail_goes_out_without_a_single_active_account(
    world, editor, mailoutbox, django_capture_on_commit_callbacks, account
):
    with django_capture_on_commit_callbacks(execute=True):
        add(editor, world, account)
    assert mailoutbox == []


def test_a_link_altered_or_opened_by_another_account_creates_nothing(
    world, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(editor, world, "nouveau")
    path = re.search(r"(/comptes/invitation/\S+/)", mailoutbox[0].body).group(1)
    intruder = client_of(UserFactory(username="intrus"))
    for url in (path, path[:-3] + "xx/"):
        response = intruder.post(url)
        assert response.status_code == 400
        assert "Ce lien d'invitation n'est pas valable" in response.content.decode()
    assert client_of(UserFactory(username="nouveau")).post(path[:-3] + "xx/").status_code == 400
    assert not Membership.objects.filter(user__username__in=["intrus", "nouveau"]).exists()


def test_the_invitation_link_needs_a_login(
    world, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(editor, world, "nouveau")
    path = re.search(r"(/comptes/invitation/\S+/)", mailoutbox[0].body).group(1)
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_answer_speaks_english(world, editor):
    editor.cookies["django_language"] = "en"
    add(editor, world, "personne")
    page = editor.get(CHANGELIST).content.decode()
    assert "If an active account matches “personne”, its holder is mailed an invitation" in page
