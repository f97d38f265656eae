"""The password-reset page answers the same way, with the same work, for a known and an unknown
address: it only enqueues a task, which looks the accounts up and mails the link (issue 17, item
6). The timing figures (median of 50 requests each) are in docs/BENCHMARKS.md."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends

from tests.factories import UserFactory
from tests.rounds.test_smtp import smtp_server  # noqa: F401 (the real SMTP server fixture)

RESET = "/comptes/password_reset/"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def member(db):
    return UserFactory(username="membre", email="membre@example.org")


def reset_queries(client, address: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(RESET, {"email": address})
    assert response.status_code == 302
    assert response["Location"] == "/comptes/password_reset/done/"
    return [query["sql"] for query in queries.captured_queries]


@override_settings(TASKS=DUMMY_TASKS)
def test_the_reset_page_does_the_same_work_for_a_known_and_an_unknown_address(client, member):
    client.get(RESET)
    known = reset_queries(client, "membre@example.org")
    unknown = reset_queries(client, "personne@example.org")
    assert len(known) == len(unknown)
    assert not [sql for sql in known + unknown if "auth_user" in sql]
    enqueued = [result.args[0] for result in task_backends["default"].results]
    assert enqueued == ["membre@example.org", "personne@example.org"]


def test_the_reset_mail_arrives_by_smtp_and_its_link_sets_a_new_password(
    client,
    member,
    smtp_server,  # noqa: F811
):
    response = client.post(RESET, {"email": "MEMBRE@example.org"}, follow=True)
    assert "Message envoyé" in response.content.decode()
    (message,) = smtp_server.messages
    assert message["To"] == "membre@example.org"
    body = (
        email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        .get_body()
        .get_content()
    )
    link = re.search(r"http://testserver(/comptes/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    new = {"new_password1": "une toute autre phrase", "new_password2": "une toute autre phrase"}
    assert client.post(set_password_url, new).status_code == 302
    client.logout()
    login = client.post("/comptes/login/", {"username": "membre", "password": new["new_password1"]})
    assert login.status_code == 302


def test_an_unknown_address_gets_the_same_page_and_no_mail(
    client,
    member,
    smtp_server,  # noqa: F811
):
    response = client.post(RESET, {"email": "personne@example.org"}, follow=True)
    assert "Message envoyé" in response.content.decode()
    assert smtp_server.messages == []
