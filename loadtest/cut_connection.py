"""A database connection cut under gunicorn (``loadtest/faults.sh``): the server at BASE_URL
serves DATABASE_URL's PostgreSQL database with connections kept between requests
(``DJANGO_CONN_MAX_AGE``). Prints what each request answered:

1. its connections terminated between requests (``pg_terminate_backend``): the next requests;
2. a connection terminated in the middle of a request: that request (held on a table lock
   until it is terminated) and the next one.

Usage: ``cut_connection.py BASE_URL`` (127.0.0.1 only).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import psycopg


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return str(response.status)
    except urllib.error.HTTPError as error:
        return f"{error.code} (Retry-After {error.headers.get('Retry-After')})"


def app_backends(admin: psycopg.Connection, **where: str) -> list[int]:
    condition = "".join(f" AND {column} = %({column})s" for column in where)
    return [
        pid
        for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'" + condition,
            where,
        ).fetchall()
    ]


def main(base: str) -> None:
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("127.0.0.1 only")
    url = f"{base}/public/"
    database = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(database, autocommit=True) as admin:
        warm = [get(url) for _ in range(6)]
        kept = app_backends(admin)
        for pid in kept:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        after = [get(url) for _ in range(6)]
        print(
            f"- between requests: {len(kept)} kept connections terminated; requests before "
            f"{', '.join(warm)}; after {', '.join(after)}"
        )

        with psycopg.connect(database) as locker:
            locker.execute("LOCK TABLE strategies_strategy IN ACCESS EXCLUSIVE MODE")
            answer: list[str] = []
            request = threading.Thread(target=lambda: answer.append(get(url)))
            request.start()
            for _ in range(200):
                waiting = app_backends(admin, wait_event_type="Lock")
                if waiting:
                    break
                time.sleep(0.05)
            for pid in waiting:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            locker.rollback()
        request.join()
        print(
            f"- mid-request: {len(waiting)} connection terminated while its request waited "
            f"for a query; that request {answer[0]}; the next {get(url)}, {get(url)}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
