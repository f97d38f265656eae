"""Structured logs: one JSON line per record with the request id, the user's id, the method, the
path (no query string, secrets masked), the status and the duration; the request id echoed in the
response; no personal data in the logs nor in the error reports (mails to ADMINS, debug page)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
TOKEN = "Zq8rT0k3n-Of-An-Update-Round"
EMAIL = "marie.exemple@example.org"
PASSWORD = "hunter2-Secret!"


@pytest.fixture
def log_lines():
    """The lines the configured console handler writes (settings.LOGGING), parsed as JSON."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    lines: list[dict] = []

    def read() -> list[dict]:
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines() if line]
        return lines

    yield read
    handler.setStream(previous)


@pytest.fixture
def user(db):
    return UserFactory(username="marie.exemple", email=EMAIL)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "cockpit.logs"]


def test_each_request_writes_one_json_line_with_its_id_user_status_and_duration(user, log_lines):
    response = signed_in(user).get("/", {"q": EMAIL})
    [line] = access_lines(log_lines())
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert line["user_id"] == user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == response.status_code == 200
    assert 0 < line["duration_ms"] < 60_000
    assert line["level"] == "INFO"
    assert line["message"] == "GET / 200"
    raw = json.dumps(line)
    assert "marie" not in raw and "example.org" not in raw


def test_an_anonymous_request_has_no_user_id_and_each_request_its_own_id(db, log_lines):
    client = Client()
    first, second = client.get("/nulle-part/"), client.get("/nulle-part/")
    lines = access_lines(log_lines())
    assert [line["status"] for line in lines] == [404, 404]
    assert all("user_id" not in line for line in lines)
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_request_id_of_a_trusted_proxy_is_kept_and_echoed(db, settings, log_lines):
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().get("/nulle-part/", headers={"X-Request-ID": "f00dfeed0123456789abcdef"})
    assert response["X-Request-ID"] == "f00dfeed0123456789abcdef"
    assert access_lines(log_lines())[0]["request_id"] == "f00dfeed0123456789abcdef"


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_request_id_is_generated_when_none_may_be_trusted(db, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    sent = "forged\nINFO fake line" if proxies else "f00dfeed0123456789abcdef"
    response = Client().get("/nulle-part/", headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] != sent
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_token_of_an_update_round_link_is_masked_in_every_line(db, log_lines):
    response = Client().get(f"/mise-a-jour/{TOKEN}/", {"email": EMAIL})
    assert response.status_code == 404
    lines = log_lines()
    [access] = access_lines(lines)
    assert access["path"] == "/mise-a-jour/[caché]/"
    # Django's own record of the 404 too ("Not Found: /mise-a-jour/…/").
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /mise-a-jour/[caché]/"
    assert not_found["request_id"] == access["request_id"]
    text = "\n".join(json.dumps(line) for line in lines)
    assert TOKEN not in text and EMAIL not in text


def test_the_load_balancers_polls_are_not_logged_unless_they_fail(db, log_lines):
    Client().get("/sante/?quiet")
    assert access_lines(log_lines()) == []


@pytest.mark.urls("tests.cockpit.error_urls")
def test_a_server_error_is_one_json_line_with_its_traceback_and_request_id(user, log_lines):
    client = signed_in(user)
    client.raise_request_exception = False
    response = client.get(f"/mise-a-jour/{TOKEN}/boom/", {"email": EMAIL})
    assert response.status_code == 500
    lines = log_lines()
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /mise-a-jour/[caché]/boom/"
    assert error["status"] == 500
    assert error["user_id"] == user.pk
    assert error["request_id"] == response["X-Request-ID"]
    assert "Boom: a failure on purpose" in error["exception"]
    text = "\n".join(json.dumps(line) for line in lines)
    assert TOKEN not in text and EMAIL not in text and "marie" not in text


@pytest.mark.urls("tests.cockpit.error_urls")
def test_the_error_mail_names_the_request_and_user_ids_and_no_personal_data(user, settings):
    settings.ADMINS = [("", "ops@cockpit.invalid")]
    client = signed_in(user)
    client.raise_request_exception = False
    client.cookies["csrftoken"] = "c" * 32
    response = client.post(
        f"/mise-a-jour/{TOKEN}/boom/?email={EMAIL}&next=/x/",
        {"password": PASSWORD, "new_password1": PASSWORD, "contact": EMAIL, "title": "Plan"},
        headers={"Referer": f"https://cockpit.invalid/mise-a-jour/{TOKEN}/"},
    )
    assert response.status_code == 500
    [report] = mail.outbox
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert response["X-Request-ID"] in report.body
    assert f"user id: {user.pk}" in report.body
    assert "Boom" in report.body and "Plan" in report.body  # the report stays useful
    for secret in (TOKEN, EMAIL, PASSWORD, session_id, "c" * 32, "marie.exemple"):
        assert secret not in report.subject, secret
        assert secret not in report.body, secret
    assert "/mise-a-jour/[caché]/boom/" in report.subject
    assert "REMOTE_ADDR = '********************'" in report.body  # the client's address


@pytest.mark.urls("tests.cockpit.error_urls")
def test_the_debug_page_hides_the_same_personal_data(user, settings):
    settings.DEBUG = True
    client = signed_in(user)
    client.raise_request_exception = False
    html = client.get(f"/mise-a-jour/{TOKEN}/boom/", {"email": EMAIL}).content.decode()
    assert "Boom" in html
    for secret in (TOKEN, EMAIL, "marie.exemple"):
        assert secret not in html, secret


def log_format(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(DJANGO_SECRET_KEY="x" * 50, **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.LOG_FORMAT, settings.LOGGING['handlers']['console']['formatter'])",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "cockpit.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_logs_are_json_in_production_and_text_in_development_unless_told():
    assert log_format().stdout.split() == ["json", "json"]
    assert log_format(DJANGO_DEBUG="1").stdout.split() == ["text", "text"]
    assert log_format(DJANGO_DEBUG="1", DJANGO_LOG_FORMAT="json").stdout.split() == ["json", "json"]
    refused = log_format(DJANGO_LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "DJANGO_LOG_FORMAT='xml'" in refused.stderr
