"""The embedded SQLite database lets pages read while an import writes, and queues writers
instead of failing them with "database is locked" (docs/RELIABILITY.md): write-ahead logging, a
busy timeout and transactions that take the write lock when they begin."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

PRAGMAS = (
    "from django.db import connection; cursor = connection.cursor(); "
    "print(cursor.execute('PRAGMA journal_mode').fetchone()[0], "
    "cursor.execute('PRAGMA synchronous').fetchone()[0], "
    "cursor.execute('PRAGMA busy_timeout').fetchone()[0], "
    "connection.transaction_mode)"
)


def manage_shell(code: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env, DJANGO_DEBUG="1")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_sqlite_file_database_runs_in_wal_mode_and_queues_writers(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    # journal mode, synchronous (1 = NORMAL), busy timeout in ms, how transactions begin
    assert manage_shell(PRAGMAS, DATABASE_URL=database) == "wal 1 20000 IMMEDIATE"
    assert manage_shell(PRAGMAS, DATABASE_URL=database, DJANGO_SQLITE_TIMEOUT="45") == (
        "wal 1 45000 IMMEDIATE"
    )


def test_postgresql_gets_no_sqlite_options_and_checks_kept_connections():
    code = (
        "from django.conf import settings; database = settings.DATABASES['default']; "
        "print(database.get('OPTIONS', {}), database['CONN_HEALTH_CHECKS'])"
    )
    assert manage_shell(code, DATABASE_URL="postgres://cockpit@127.0.0.1:5432/cockpit") == (
        "{} True"
    )
