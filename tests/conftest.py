"""Shared fixtures: every test runs in French (the source language), whatever ran before; users get
a fast password hash; the demo territory is loaded once per test module.

The demo (``manage.py load_demo``, some 3,300 queries) is loaded the way Django's
``TestCase.setUpTestData`` builds a class's data: ``shared_demo`` (module scope) loads it inside
an outer transaction that is rolled back after the module's last test; each test's own atomic block
(pytest-django's ``db``) is then a savepoint inside it, rolled back after the test, so every test
starts from the demo as loaded. ``demo`` hands each test the strategy read again from the
database, so that no Python-side state passes from one test to the next.

What this asks of a test module, and what a rollback does not undo:

- A test of the module that does not use the demo must not see its rows: the tests that use
  module-wide data (``shared_demo``, ``world`` of tests/territories.py) run after the other tests
  of their module (``pytest_collection_modifyitems`` below), so the others run before it exists.
  Ask for ``demo`` as an argument, not through ``request.getfixturevalue``, or that order is lost.
- Transactional tests (``transactional_db``, ``live_server``: tests/browser) cannot run inside the
  outer transaction: they load their own demo (tests/browser/conftest.py), committed and flushed.
- PostgreSQL sequences are not rolled back: never assume an id.
- Process-wide caches outlive the rollback. Content types are created by ``migrate``, outside the
  transaction, so the ContentType cache stays right, except after a test that recreates them
  (tests/cockpit/test_backup_restore.py clears it); django-axes keeps its attempts in the
  database; the ``lru_cache`` of steering/templatetags/cockpit_extras.py holds URL patterns by
  strategy id, which do not depend on any row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from strategies.models import Strategy
from tests.factories import StrategyFactory

#: Module-scoped fixtures whose rows live in a transaction open for the rest of their module.
MODULE_DATA = ("shared_demo", "world")


def pytest_configure(config):
    # Password hashing at full strength (PBKDF2) costs most of a user's creation; tests check
    # passwords, not their hashing (healthchecks' hc/test.py does the same, "for speed").
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


def pytest_collection_modifyitems(items):
    """Within each module, the tests that use module-wide data run after the others (each group
    keeps its order), so that no other test runs while that data exists."""

    def uses_module_data(item) -> bool:
        return any(name in getattr(item, "fixturenames", ()) for name in MODULE_DATA)

    modules: dict = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    items[:] = [
        item
        for module in modules.values()
        for item in sorted(module, key=uses_module_data)  # sorted() is stable
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's, and at the end the jobs alias's connection closed before the test
    databases are dropped: on PostgreSQL it is a second connection to the same database
    (jobs/router.py), which would keep it from being dropped."""
    from django.db import connections

    yield
    connections["jobs"].close()


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def strategy(db):
    """A strategy from 2020 to 2030 with the default thresholds (95 % and 70 %)."""
    return StrategyFactory(start_year=2020, horizon_year=2030)


@dataclass(frozen=True)
class SharedDemo:
    strategy_pk: int
    #: What ``load_demo`` printed on the empty database.
    output: str


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo territory loaded once for the module, in a transaction rolled back after its last
    test (see the module's docstring)."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            output = io.StringIO()
            call_command("load_demo", stdout=output)
            strategy = Strategy.objects.get(short_name="SDI")
            yield SharedDemo(strategy.pk, output.getvalue())
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def demo(shared_demo, db) -> Strategy:
    """The demo territory (Crans-Montana, SDI 2028) with its two accounts, as loaded."""
    return Strategy.objects.get(pk=shared_demo.strategy_pk)


@pytest.fixture
def member_client(client, demo):
    """A commission member (viewer of the demo territory), logged in."""
    client.force_login(get_user_model().objects.get(username="commission"))
    return client
