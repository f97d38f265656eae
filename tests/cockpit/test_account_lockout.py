"""Failed logins for one account from many addresses lock that account everywhere (issue 17, item
6): django-axes only counts per (user name, address), so an attacker spreading guesses over
addresses was never stopped. Counted in the shared cache (cockpit/login_limits.py)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = "/comptes/login/"


@pytest.fixture
def member(db):
    return UserFactory(username="membre")


def attempt(client, password: str, address: str, username: str = "membre", url: str = LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_from_many_addresses(client, times: int, username: str = "membre"):
    responses = [attempt(client, "mauvais", f"10.0.0.{n}", username) for n in range(times)]
    assert all(response.status_code == 200 for response in responses[:-1])
    return responses[-1]


def test_twenty_failures_from_twenty_addresses_lock_the_account_with_a_french_page(client, member):
    assert settings.ACCOUNT_FAILURE_LIMIT == 20
    assert settings.ACCOUNT_FAILURE_WINDOW.total_seconds() == 3600
    response = fail_from_many_addresses(client, 20)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Compte bloqué" in page
    assert "20 essais de connexion manqués en 60 minutes" in page
    assert "Il se débloquera de lui-même dans 60 minutes au plus." in page
    assert "demandez-le au secrétariat de votre territoire ou à l'administrateur" in page
    assert 0 < int(response["Retry-After"]) <= 3600


def test_the_right_password_from_a_new_address_does_not_get_through(client, member):
    fail_from_many_addresses(client, 20)
    for url in (LOGIN, "/admin/login/"):
        response = attempt(client, PASSWORD, "192.0.2.1", url=url)
        assert response.status_code == 429
        assert "Compte bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nineteen_failures_leave_the_account_open(client, member):
    fail_from_many_addresses(client, 19)
    assert attempt(client, PASSWORD, "192.0.2.1").status_code == 302


def test_case_does_not_spread_the_count(client, member):
    for n in range(20):
        attempt(client, "mauvais", f"10.0.0.{n}", username="MEMBRE" if n % 2 else "membre")
    assert attempt(client, PASSWORD, "192.0.2.1").status_code == 429


def test_another_account_is_not_locked(client, member):
    UserFactory(username="collegue")
    fail_from_many_addresses(client, 20)
    assert attempt(client, PASSWORD, "10.0.0.1", username="collegue").status_code == 302


def test_unlock_account_lifts_the_lock(client, member):
    fail_from_many_addresses(client, 20)
    call_command("unlock_account", "membre", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, PASSWORD, "10.0.0.1").status_code == 302


def test_the_lock_ends_after_the_window(client, member, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 3
    settings.ACCOUNT_FAILURE_WINDOW = datetime.timedelta(seconds=1)
    assert fail_from_many_addresses(client, 3).status_code == 429
    time.sleep(1.1)
    assert attempt(client, PASSWORD, "10.0.0.9").status_code == 302


def test_the_lock_page_speaks_english(client, member):
    client.cookies["django_language"] = "en"
    response = fail_from_many_addresses(client, 20)
    page = response.content.decode()
    assert "Account locked" in page
    assert "ask your territory's secretariat or the cockpit's administrator" in page
