"""A database connection lost under the server: on PostgreSQL, the app's connection is terminated
by the database itself (``pg_terminate_backend``, as a restart or a failover does), from a second
connection, while a real HTTP server serves real requests.

The server handles every request in one thread (Django's ``LiveServerThread`` with its
single-threaded ``WSGIServer``), so that with ``CONN_MAX_AGE`` above 0 a connection is kept from
one request to the next, as in a gunicorn worker; pytest-django's ``live_server`` gives each
request a thread of its own and closes its connections, and the test client leaves out the
connection handling of ``request_started`` / ``request_finished`` that this is about.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.core.servers.basehttp import WSGIServer
from django.core.signals import request_started
from django.db import connection
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a connection terminated by the server is a PostgreSQL fault; SQLite is a file",
    ),
]


class OneThreadServer(LiveServerThread):
    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def server(transactional_db, monkeypatch):
    # Connections kept between requests, as DJANGO_CONN_MAX_AGE=60 does in production; the
    # server thread reads the same settings dictionary when it opens its connection.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    thread = OneThreadServer("127.0.0.1", lambda handler: handler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def get(url: str, language: str = "fr") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def second_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def terminate(pids: list[int]) -> None:
    """The backends ``pids`` terminated by the server, and gone, before this returns."""
    with second_connection() as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            alive = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]
            ).fetchone()[0]
            if not alive:
                return
            time.sleep(0.05)
    raise AssertionError(f"backends {pids} still alive")


def server_backends() -> list[int]:
    """The backends connected to the test database but this test's own: the server's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_kept_connection_the_database_dropped_is_replaced_before_the_next_request(server):
    assert get(f"{server}/public/")[0] == 200
    kept = server_backends()
    assert kept, "the server keeps its connection between requests"

    terminate(kept)

    status, _headers, _body = get(f"{server}/public/")
    assert status == 200
    assert not set(server_backends()) & set(kept)


@pytest.mark.parametrize(
    ("language", "title"),
    [("fr", "Service momentanément indisponible"), ("en", "Service temporarily unavailable")],
)
def test_a_request_whose_connection_is_cut_gets_the_503_page_and_the_next_one_succeeds(
    server, language, title
):
    cut = []

    def cut_the_connection_once(**_kwargs):
        if not cut:
            connection.ensure_connection()
            cut.append(connection.connection.info.backend_pid)
            terminate(cut)

    request_started.connect(cut_the_connection_once)
    try:
        status, headers, body = get(f"{server}/public/", language)
    finally:
        request_started.disconnect(cut_the_connection_once)

    assert cut, "the connection was cut during the request"
    assert status == 503
    assert title in body
    assert headers["Retry-After"] == "5"
    assert get(f"{server}/public/", language)[0] == 200
