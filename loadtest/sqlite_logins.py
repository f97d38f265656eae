"""Logins during a long import on SQLite (docs/RELIABILITY.md): gunicorn with production settings
on a fresh SQLite file; ``LOGIN_CLIENTS`` clients log in again and again, first alone for
``BASELINE_SECONDS``, then while another process imports ``IMPORT_VALUES`` (100,000) indicator
values in one transaction (``loadtest/importer.py``). Prints, for each phase, the logins, the
failed ones (any answer but the redirect of a successful login, and why) and the latency p50, p95
and maximum.

Usage: ``.venv/bin/python loadtest/sqlite_logins.py`` (``make faults`` runs it); 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = int(os.environ.get("LOGIN_PORT", "8093"))
CLIENTS = int(os.environ.get("LOGIN_CLIENTS", "2"))
VALUES = int(os.environ.get("IMPORT_VALUES", "100000"))
BASELINE_SECONDS = float(os.environ.get("BASELINE_SECONDS", "15"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in() -> str:
    """One login as a browser does it (the form, then its POST): "ok" or why it failed."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        connection.request("GET", "/comptes/login/")
        page = connection.getresponse()
        body = page.read().decode()
        if page.status != 200:
            return f"form {page.status}"
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = CSRF.search(body).group(1)
        form = f"csrfmiddlewaretoken={token}&username=login&password={PASSWORD}"
        connection.request(
            "POST",
            "/comptes/login/",
            body=form,
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = connection.getresponse()
        answer.read()
        return "ok" if answer.status == 302 else f"login {answer.status}"
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()


def logins_until(stop: threading.Event, results: list[tuple[float, str]]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        outcome = log_in()
        results.append((time.perf_counter() - start, outcome))


def measure(stop: threading.Event) -> list[tuple[float, str]]:
    results: list[tuple[float, str]] = []
    threads = [threading.Thread(target=logins_until, args=(stop, results)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return results, threads


def report(phase: str, results: list[tuple[float, str]], seconds: float) -> None:
    times = sorted(duration * 1000 for duration, _outcome in results)
    failures = Counter(outcome for _duration, outcome in results if outcome != "ok")
    p95 = times[max(0, round(len(times) * 0.95) - 1)] if times else 0
    why = ", ".join(f"{outcome} ×{count}" for outcome, count in failures.items()) or "–"
    print(
        f"| {phase} | {seconds:.1f} | {len(results)} | {sum(failures.values())} | "
        f"{statistics.median(times) if times else 0:.0f} | {p95:.0f} | "
        f"{max(times) if times else 0:.0f} | {why} |"
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sqlite-logins-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "COCKPIT_BENCH": "1",
    }
    env.pop("DJANGO_CONN_MAX_AGE", None)

    def manage(*args: str) -> str:
        return subprocess.run(
            [PY, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout

    manage("manage.py", "migrate", "--noinput", "-v", "0")
    manage("manage.py", "createcachetable")
    strategy = manage("loadtest/importer.py", "prepare").split()[-1]
    journal = manage(
        "manage.py",
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])",
    ).split()[-1]
    print(f"SQLite file {folder}/db.sqlite3, journal mode {journal}, {CLIENTS} clients logging in")
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "cockpit.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--timeout",
            "120",
            "--control-socket",
            str(folder / "gunicorn.ctl"),
            "--error-logfile",
            str(folder / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            if log_in() == "ok":
                break
            time.sleep(0.2)
        print("| phase | seconds | logins | failed | p50 ms | p95 ms | max ms | failures |")
        print("|---|---|---|---|---|---|---|---|")
        stop = threading.Event()
        start = time.perf_counter()
        results, threads = measure(stop)
        time.sleep(BASELINE_SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
        report("alone", results, time.perf_counter() - start)

        stop = threading.Event()
        start = time.perf_counter()
        importer = subprocess.Popen(
            [PY, "loadtest/importer.py", "import", strategy, str(VALUES)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        results, threads = measure(stop)
        output = importer.communicate()[0].strip().splitlines()
        stop.set()
        for thread in threads:
            thread.join()
        report(f"during the import of {VALUES:,} values", results, time.perf_counter() - start)
        print(f"importer: {output[-1] if output else 'no output'} (exit {importer.returncode})")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
