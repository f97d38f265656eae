"""The round's mail through a real SMTP server (aiosmtpd) on 127.0.0.1, not the locmem outbox."""

from __future__ import annotations

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from rounds import services
from tests.rounds.conftest import link_path


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd 1.4 cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def test_the_invitation_goes_through_smtp(
    portfolio, client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(portfolio.strategy, datetime.date(2030, 3, 31), "À bientôt.")
    received = {message["To"]: message for message in smtp_server.messages}
    assert sorted(received) == ["anne@lens.ch", "bruno@icogne.ch"]
    parsed = email.message_from_bytes(
        received["anne@lens.ch"].as_bytes(), policy=email.policy.default
    )
    assert "31.03.2030" in parsed["Subject"]
    body = parsed.get_body().get_content()
    assert "À bientôt." in body
    assert client.get(link_path(body)).status_code == 200
