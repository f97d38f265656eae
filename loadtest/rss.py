"""``make rss``: the memory of one gunicorn sync worker across the bench's pages (issue 19, item 2:
"the RSS of a gunicorn sync worker after warm-up, then after 20 requests of each bench page at
10,000 projects, grows by under 20 MB").

1. A scratch database named ``*_bench``: a SQLite file in the temporary folder by default, or
   ``RSS_DATABASE_URL=postgres://…/name_bench`` (dropped and created), migrated; the bench's
   strategy of ``--size`` projects (10,000) built in it (``bench.data.build_strategy``, as
   ``manage.py bench`` does; ``COCKPIT_BENCH=1`` installs the bench app for this script only).
2. ONE gunicorn sync worker (``--workers 1``) with production settings on a free port of
   127.0.0.1 (loadtest/local_production.sh's environment; plain static file names, no
   collectstatic).
3. The member and the editor log in over HTTP; one request of each page of
   ``bench.runner.pages()`` (the warm-up); the worker's RSS (``VmRSS`` of /proc/<worker>/status,
   the worker, not the master); ``--requests`` (20) requests of each page, in turn; its RSS again.
   Prints both, the growth and the verdict (target: under 20 MB); exit status 1 when over.

``--keep`` keeps the database (and prints its URL); ``--reuse`` uses a kept one as it is.
``--tracemalloc``: the worker traces its allocations from the first reading on
(loadtest/rss_gunicorn.py) and the script prints the 15 largest growths between the two readings,
by line (the worker is slower meanwhile: pair it with fewer ``--requests``).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "rss-" + secrets.token_urlsafe(12)
TARGET_MB = 20
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LABEL = "rss"


def production_environment(database_url: str) -> dict[str, str]:
    from django.core.management.utils import get_random_secret_key

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_OTP_REQUIRED": "0",
        "DJANGO_LOGIN_RATE_LIMIT": "0",
        # The API pages are requested 21 times each within a minute: the token's limit would
        # answer 429 (the bench lifts it the same way: the limit is counted, never reached).
        "DJANGO_API_RATE_LIMIT": str(10**9),
        "DJANGO_STATIC_MANIFEST": "0",
        "PYTHONPATH": str(ROOT),
    }


def scratch_database(url: str | None) -> str:
    if not url:
        return f"sqlite:///{Path(tempfile.gettempdir()) / 'cockpit_rss_bench.sqlite3'}"
    name = urlsplit(url).path.lstrip("/")
    if not url.startswith("postgres") or not name.endswith("_bench"):
        raise SystemExit(
            "RSS_DATABASE_URL must be a PostgreSQL database whose name ends with _bench"
        )
    return url


def recreate(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        recreate(url)
        return
    import psycopg

    parts = urlsplit(url)
    server = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pid(master: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def get(self, url: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def log_in(self, base: str, username: str) -> None:
        status, body = self.get(f"{base}/comptes/login/")
        token = CSRF.search(body.decode()).group(1)
        data = urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(f"{base}/comptes/login/", data=data)
        request.add_header("Referer", f"{base}/comptes/login/")
        try:
            self.opener.open(request, timeout=60)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 302:
            raise SystemExit(f"{username} could not log in ({status})")


def snapshot_diff(folder: str) -> None:
    before = tracemalloc.Snapshot.load(os.path.join(folder, "warm.snapshot"))
    after = tracemalloc.Snapshot.load(os.path.join(folder, "end.snapshot"))
    stats = after.compare_to(before, "lineno")
    total = sum(stat.size_diff for stat in stats) / 1024 / 1024
    print(f"tracemalloc: {total:+.1f} MB traced between the two readings; largest growths:")
    for stat in stats[:15]:
        print(f"  {stat.size_diff / 1024:+9.0f} kB {stat.count_diff:+7d} blocks  {stat.traceback}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="projects (10,000)")
    parser.add_argument("--requests", type=int, default=20, help="requests of each page (20)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="use a kept scratch database")
    parser.add_argument("--tracemalloc", action="store_true", help="trace the worker's memory")
    options = parser.parse_args()

    database = scratch_database(os.environ.get("RSS_DATABASE_URL"))
    sys.path.insert(0, str(ROOT))
    environment = production_environment(database)
    os.environ.update({**environment, "COCKPIT_BENCH": "1"})
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    print(f"== database: {engine}, {database.rsplit('/', 1)[-1]}")
    started = time.perf_counter()
    if not options.reuse:
        recreate(database)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True
        )

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from bench.data import BenchStrategy, Scale, build_strategy
    from bench.runner import pages
    from bench.timing import machine
    from strategies.models import Strategy

    if options.reuse:
        users = get_user_model().objects
        bench = BenchStrategy(
            Strategy.objects.get(short_name=f"BANC{LABEL}"),
            Scale(options.size),
            users.get(username=f"banc-{LABEL}-membre"),
            users.get(username=f"banc-{LABEL}-secretariat"),
        )
        for user in (bench.viewer, bench.editor):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
    else:
        bench = build_strategy(options.size, label=LABEL, password=PASSWORD)
    print(f"== {options.size} projects ready in {time.perf_counter() - started:.0f} s")
    with translation.override("fr"):
        page_list = pages(bench)

    folder = tempfile.mkdtemp(prefix="cockpit-rss-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = dict(environment)
    if options.tracemalloc:
        server_env["RSS_TRACEMALLOC"] = folder
    log = open(os.path.join(folder, "gunicorn.log"), "wb")  # noqa: SIM115
    master = subprocess.Popen(
        [
            GUNICORN,
            "cockpit.wsgi",
            "-c",
            str(ROOT / "loadtest" / "rss_gunicorn.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "300",
            "--no-control-socket",
        ],
        cwd=folder,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        worker = worker_pid(master.pid)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/sante/?quiet", timeout=60).read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        print(f"== gunicorn on {base}: master {master.pid}, worker {worker}")
        print("   " + "; ".join(f"{key}: {value}" for key, value in machine()))
        print(f"   RSS after start: {rss_mb(worker):.1f} MB")
        browsers = {"viewer": Browser(), "editor": Browser()}
        browsers["viewer"].log_in(base, bench.viewer.username)
        browsers["editor"].log_in(base, bench.editor.username)

        def request(url: str, who: str, headers: dict) -> float:
            begin = time.perf_counter()
            status, _body = browsers[who].get(f"{base}{url}", headers)
            if status != 200:
                log.flush()
                tail = Path(folder, "gunicorn.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{url} answered {status}\n{tail}")
            return time.perf_counter() - begin

        for _label, url, who, headers in page_list:
            request(url, who, headers)
        if options.tracemalloc:
            browsers["viewer"].get(f"{base}/rss-snapshot/warm")
        warm = rss_mb(worker)
        print(
            f"   RSS after the warm-up (one request of each of {len(page_list)} pages): "
            f"{warm:.1f} MB"
        )
        times: dict[str, list[float]] = {label: [] for label, *_rest in page_list}
        readings = []
        for run in range(options.requests):
            for label, url, who, headers in page_list:
                times[label].append(request(url, who, headers))
            readings.append(rss_mb(worker))
            if run in (options.requests // 2 - 1,):
                print(f"   RSS after {run + 1} requests of each page: {readings[-1]:.1f} MB")
        if options.tracemalloc:
            browsers["viewer"].get(f"{base}/rss-snapshot/end")
        end = rss_mb(worker)
        growth = end - warm
        print(f"   RSS after {options.requests} requests of each page: {end:.1f} MB")
        print(
            "   median time by page: "
            + ", ".join(
                f"{label} {statistics.median(values) * 1000:.0f} ms"
                for label, values in times.items()
            )
        )
        verdict = "PASS" if growth < TARGET_MB else "FAIL"
        if options.tracemalloc:
            verdict = "not judged (the RSS holds tracemalloc's own records)"
        print(
            f"== {engine}, {options.size} projects, gunicorn sync worker: RSS {warm:.1f} MB → "
            f"{end:.1f} MB, growth {growth:+.1f} MB (target < {TARGET_MB} MB): {verdict}"
        )
        if options.tracemalloc:
            snapshot_diff(folder)
        return 0 if growth < TARGET_MB or options.tracemalloc else 1
    finally:
        master.terminate()
        master.wait(30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if options.keep:
            print(f"   kept: RSS_DATABASE_URL={database} (--reuse to run again on it)")
        else:
            drop(database)


if __name__ == "__main__":
    sys.exit(main())
