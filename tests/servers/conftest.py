"""Two app servers on the test's PostgreSQL database, a Redis cache and a task worker (issue 19,
item 4; tests/servers/harness.py starts them).

``two_servers`` (module scope) yields a ``Servers``: ``.a`` and ``.b`` are the base URLs of the
two gunicorn instances, ``.manage("a", ...)`` runs a command in A's environment; with
``harness.log_in(base, username)`` (a ``Browser`` logged in on that server) a test walks them. A
step for a new feature is one more test function of tests/servers/test_two_servers.py.

What they share, and how it is kept apart from the rest of the suite:

- **PostgreSQL**: the test database of this pytest worker (``test_<name>_gw0``…). The servers read
  committed rows only, so the demo and the accounts are committed here (outside any test's
  transaction), once for the module, and every table is emptied afterwards (Django's ``flush``, as
  a transactional test does). The servers keep running from one test to the next: a test must not
  depend on another's effects (each uses its own accounts or rows), and the data is not reloaded
  between tests (content types keep their ids, which the servers cache).
- **Redis**: a database per pytest worker (``gw0`` → 1, ``gw1`` → 2…, up to 14) and a key prefix
  naming the test database (``DJANGO_CACHE_KEY_PREFIX``); only that prefix is deleted afterwards.
- **Task queue**: the database backend with a ``db_worker`` (``two_servers``), or RQ on the same
  Redis database with an ``rqworker`` (``rq_servers``, tests/servers/test_rq_two_servers.py).
- **MEDIA_ROOT**: one temporary folder (``DJANGO_MEDIA_ROOT``), where the worker writes the
  background jobs' files (``DJANGO_PACK_BACKGROUND_PROJECTS=0``: every pack is one).

Skipped on SQLite (two servers on one SQLite file is not a supported deployment, and the test
database there lives in the test process's memory) and when no Redis answers on 127.0.0.1:6379.
Marked ``servers``; CI runs them in its PostgreSQL phase (.ci/run).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection

from tests.servers.harness import (
    AXES_FAILURE_LIMIT,
    LOCKED_USER,
    LOGIN_RATE_LIMIT,
    MANAGE,
    PASSWORD,
    RESET_EMAIL,
    RESET_USER,
    RQ_TERRITORY,
    Servers,
    clear_redis,
    database_url,
    free_ports,
    redis_answers,
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/servers/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.servers)


def redis_database(worker_id: str) -> int:
    """One Redis database per pytest-xdist worker (1 to 14; 15 is tests/cockpit's, 0 a
    developer's)."""
    number = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    return 1 + number % 14


def load_demo_and_accounts() -> None:
    """The demo, and two more accounts, committed; every account's password is ``PASSWORD``
    hashed as the servers hash (the suite's MD5 hasher is not in their settings)."""
    from django.contrib.auth import get_user_model

    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    user_model = get_user_model()
    user_model.objects.create_user(LOCKED_USER, "verrou@example.org")
    user_model.objects.create_user(RESET_USER, RESET_EMAIL)
    user_model.objects.update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))


def load_rq_rows() -> None:
    """What the RQ smoke test needs: an account with an address, a territory to rename."""
    from django.contrib.auth import get_user_model

    from tests.factories import TerritoryFactory

    # A usable password (any): the reset form mails no account without one.
    get_user_model().objects.create_user(RESET_USER, RESET_EMAIL, PASSWORD)
    TerritoryFactory(name=RQ_TERRITORY)


@contextmanager
def running_servers(
    worker_id: str, django_db_blocker, tasks: str, load: Callable[[], None]
) -> Iterator[Servers]:
    """Servers A and B and a worker for ``tasks`` (``db`` or ``rq``), with the rows that ``load``
    commits (while the servers start)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "two app servers share a PostgreSQL database (DATABASE_URL=postgres://…): "
            "several servers on one SQLite file is not a supported deployment"
        )
    if not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379 for the servers' shared cache")
    redis_url = f"redis://127.0.0.1:6379/{redis_database(worker_id)}"
    prefix = f"servers-{connection.settings_dict['NAME']}"
    folder = Path(tempfile.mkdtemp(prefix="cockpit-servers-"))
    (folder / "media").mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COCKPIT_", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="cockpit.settings",
        PYTHONPATH=str(Path(MANAGE).parent),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=redis_url,
        DJANGO_CACHE_KEY_PREFIX=prefix,
        TASKS_BACKEND=tasks,
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        # Production settings, over plain HTTP on 127.0.0.1 (loadtest/local_production.sh).
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        # No collectstatic here: plain static file names.
        DJANGO_STATIC_MANIFEST="0",
        DJANGO_OTP_REQUIRED="0",
        DJANGO_LOGIN_RATE_LIMIT=str(LOGIN_RATE_LIMIT),
        DJANGO_AXES_FAILURE_LIMIT=str(AXES_FAILURE_LIMIT),
        # The worker's mails on its output, where the test reads them.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DJANGO_LOG_FORMAT="text",
        DJANGO_HEALTH_MIN_FREE_DISK_MB="1",
        # Every pack of the demo is made by the worker (a background job), whichever server
        # was asked, into the shared DJANGO_MEDIA_ROOT.
        DJANGO_PACK_BACKGROUND_PROJECTS="0",
    )
    servers = Servers(folder, environment)
    worker = {
        "db": ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        "rq": ["rqworker", "default", "--job-class", "django_tasks_rq.Job"],
    }[tasks]
    try:
        port_a, port_b = free_ports(2)
        # The processes import Django while the data is loaded.
        servers.a = servers.start_server("a", port_a)
        servers.b = servers.start_server("b", port_b)
        servers.start("worker", [sys.executable, MANAGE, *worker])
        with django_db_blocker.unblock():
            load()
        servers.wait_until_ready()
        yield servers
    finally:
        servers.stop()
        try:
            clear_redis(redis_url, prefix)
        finally:
            with django_db_blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker, worker_id) -> Iterator[Servers]:
    """Servers A and B, the database task backend and its ``db_worker``."""
    with running_servers(worker_id, django_db_blocker, "db", load_demo_and_accounts) as servers:
        yield servers


@pytest.fixture(scope="module")
def rq_servers(django_db_setup, django_db_blocker, worker_id) -> Iterator[Servers]:
    """Servers A and B, the RQ task backend on their Redis database and an ``rqworker``."""
    with running_servers(worker_id, django_db_blocker, "rq", load_rq_rows) as servers:
        yield servers
