"""A logged-in session ends after two hours without activity and twelve hours after the login
(issue 17, item 6), with a message on the login page; activity is written at most once a minute,
not on every request."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from cockpit.session_ages import LOGIN_AT, SEEN_AT
from tests.factories import UserFactory


@pytest.fixture
def logged_in(client, db):
    client.force_login(UserFactory(username="membre"))
    return client


def shift(client, **seconds_ago: int) -> None:
    """Move the session's login and last activity times into the past."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = now - ago
    session.save()


def test_the_defaults_are_two_hours_idle_and_twelve_hours_at_most():
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 2 * 3600
    assert settings.SESSION_MAX_AGE.total_seconds() == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_an_idle_session_is_logged_out_and_sent_to_the_login_with_a_message(logged_in):
    shift(logged_in, seen=2 * 3600 + 5)
    response = logged_in.get("/?axis=1")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/%3Faxis%3D1"
    page = logged_in.get(response["Location"]).content.decode()
    assert "Votre session a pris fin après 120 minutes sans activité" in page
    assert "_auth_user_id" not in logged_in.session


def test_a_session_used_within_the_idle_time_lasts(logged_in):
    shift(logged_in, seen=2 * 3600 - 60)
    assert logged_in.get("/").status_code == 200


def test_a_session_older_than_the_maximum_age_ends_even_when_active(logged_in):
    shift(logged_in, login=12 * 3600 + 5, seen=10)
    response = logged_in.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/comptes/login/")
    assert "Votre session a pris fin après 12 heures" in response.content.decode()


def test_activity_is_written_at_most_once_a_minute(logged_in):
    shift(logged_in, seen=30)
    before = logged_in.session[SEEN_AT]
    logged_in.get("/")
    assert logged_in.session[SEEN_AT] == before
    shift(logged_in, seen=61)
    logged_in.get("/")
    assert logged_in.session[SEEN_AT] >= int(time.time()) - 2


def test_an_htmx_request_is_told_to_go_to_the_login(logged_in):
    shift(logged_in, seen=3 * 3600)
    response = logged_in.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/comptes/login/?next=")


def test_the_message_speaks_english(logged_in):
    shift(logged_in, seen=3 * 3600)
    logged_in.cookies["django_language"] = "en"
    page = logged_in.get("/", follow=True).content.decode()
    assert "Your session ended after 120 minutes without activity" in page
