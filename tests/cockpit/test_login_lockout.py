"""Repeated failed logins lock the user name out from that address (django-axes), with a clear
French page; the right password does not get through until the cool-off has passed."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = "/comptes/login/"


@pytest.fixture
def member(db):
    return UserFactory(username="membre")


def attempt(client, password: str, username: str = "membre", url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def fail(client, times: int, username: str = "membre") -> None:
    for _n in range(times):
        response = attempt(client, "mauvais", username)
        assert response.status_code == 200
        assert (
            "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
        )


def test_the_fifth_failure_locks_the_account_out_with_a_french_page(client, member):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, 4)
    response = attempt(client, "mauvais")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion temporairement bloquée" in page
    assert "Après 5 essais de connexion manqués, ce compte est bloqué depuis votre poste" in page
    assert "Vous pourrez réessayer dans 30 minutes." in page
    assert 'href="/comptes/password_reset/"' in page


def test_the_right_password_does_not_get_through_a_lockout(client, member):
    fail(client, 5 - 1)
    attempt(client, "mauvais")
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The admin's login form is locked the same way.
    assert attempt(client, PASSWORD, url="/admin/login/").status_code == 429


def test_another_user_name_from_the_same_address_is_not_locked(client, member):
    UserFactory(username="collegue")
    fail(client, 5 - 1)
    attempt(client, "mauvais")
    response = attempt(client, PASSWORD, username="collegue")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_success_resets_the_count(client, member):
    fail(client, 4)
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    fail(client, 4)
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, member):
    fail(client, 4)
    attempt(client, "mauvais")
    assert attempt(client, PASSWORD).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert attempt(client, PASSWORD).status_code == 302
