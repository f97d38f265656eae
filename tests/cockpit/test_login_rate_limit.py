"""At most LOGIN_RATE_LIMIT login POSTs a minute across the installation (issue 17, item 6); the
others get a French page, 429 with Retry-After, and their password is not checked."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def limited(db, settings):
    """A limit of 3, with the test started early enough in its minute not to cross it, and no
    login counted before it (a transactional test of the same worker, a browser test, commits
    its logins to the cache table; this test's own clearing is rolled back with it)."""
    from django.core.cache import cache

    settings.LOGIN_RATE_LIMIT = 3
    cache.clear()
    if time.time() % 60 > 57:
        time.sleep(60 - time.time() % 60 + 0.1)
    return UserFactory(username="membre")


def login(client, password="mauvais", url="/comptes/login/", address="10.0.0.1"):
    return client.post(url, {"username": "membre", "password": password}, REMOTE_ADDR=address)


def test_the_default_is_thirty_a_minute():
    assert settings.LOGIN_RATE_LIMIT == 30


def test_logins_over_the_limit_get_429_with_retry_after_and_a_french_page(client, limited):
    for n in range(3):
        assert login(client, address=f"10.0.0.{n}").status_code == 200
    response = login(client, PASSWORD, address="10.0.1.1")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Trop de connexions en ce moment" in page
    assert "Réessayez dans" in page
    assert "_auth_user_id" not in client.session


def test_the_limit_covers_the_admin_login_and_every_client(client, limited):
    from django.test import Client

    for n in range(3):
        Client().post(
            "/admin/login/", {"username": "x", "password": "y"}, REMOTE_ADDR=f"10.0.2.{n}"
        )
    assert login(client, PASSWORD, url="/admin/login/").status_code == 429


def test_showing_the_login_page_is_not_counted(client, limited):
    for _n in range(5):
        assert client.get("/comptes/login/").status_code == 200
    assert login(client, PASSWORD).status_code == 302


def test_the_page_speaks_english(client, limited):
    client.cookies["django_language"] = "en"
    for _n in range(3):
        login(client)
    assert "Too many logins right now" in login(client).content.decode()
