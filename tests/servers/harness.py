"""Two gunicorn app servers and a task worker around the test's PostgreSQL database (issue 19,
item 4): what tests/servers/conftest.py starts, and a cookie-keeping HTTP client to walk them.

Each process runs from a working directory of its own (a temporary folder, with its own
``TMPDIR``), imports the code from the checkout through ``PYTHONPATH``, and has production
settings (``DJANGO_DEBUG=0``). They share only what a deployment of several servers shares
(docs/OPERATIONS.md, "Several app servers"): the database, the Redis database and key prefix of
the cache (``REDIS_URL``, ``DJANGO_CACHE_KEY_PREFIX``; sessions and axes' attempts are rows of the
database), the task queue (``TASKS_BACKEND``: the database, or RQ on the same Redis) and
``DJANGO_MEDIA_ROOT`` (where the worker writes the background jobs' files: every pack of the
demo is one, ``DJANGO_PACK_BACKGROUND_PROJECTS=0``).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(ROOT / "manage.py")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
#: The demo's accounts, and those the setup adds, log in with this password.
PASSWORD = "demo"
#: Login POSTs a minute across the installation (DJANGO_LOGIN_RATE_LIMIT) on the test servers.
LOGIN_RATE_LIMIT = 20
#: Failed logins of one user name from one address before axes locks them out.
AXES_FAILURE_LIMIT = 3
#: Accounts added to the demo's: one to lock out, one that resets its password.
LOCKED_USER = "verrou"
RESET_USER = "oubli"
RESET_EMAIL = "oubli@example.org"
#: The territory that the RQ smoke test renames.
RQ_TERRITORY = "Territoire avant RQ"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
BOUNDARY = "two-servers-boundary"


def free_ports(count: int) -> list[int]:
    """Ports of 127.0.0.1 free at this moment (the sockets are held together, then closed)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def clear_redis(url: str, prefix: str, pattern: str = "*") -> None:
    """Delete the keys of Django's Redis caches with this ``KEY_PREFIX`` (``prefix:version:key``,
    and the uploads cache's ``prefix-uploads:…``) whose key matches ``pattern``."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        for cache_prefix in (prefix, f"{prefix}-uploads"):
            keys = list(client.scan_iter(match=f"{cache_prefix}:*:{pattern}", count=1000))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


def database_url(settings_dict: dict) -> str:
    """``postgres://user:password@host:port/name`` of a Django PostgreSQL connection."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}):\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to its process group (gunicorn's master and workers), SIGKILL after 10 s."""
        if self.popen.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class Servers:
    """Server A, server B and the task worker, running; ``a`` and ``b`` are their base URLs."""

    folder: Path
    environment: dict[str, str]
    a: str = ""
    b: str = ""
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def bases(self) -> tuple[str, str]:
        return self.a, self.b

    @property
    def media_root(self) -> Path:
        return Path(self.environment["DJANGO_MEDIA_ROOT"])

    def workdir(self, name: str) -> Path:
        return self.folder / name

    def tmpdir(self, name: str) -> Path:
        return self.folder / name / "tmp"

    def env_of(self, name: str) -> dict[str, str]:
        return {**self.environment, "TMPDIR": str(self.tmpdir(name))}

    def start(self, name: str, command: list[str]) -> Process:
        self.tmpdir(name).mkdir(parents=True, exist_ok=True)
        log = self.workdir(name) / "output.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                command,
                cwd=self.workdir(name),
                env=self.env_of(name),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = Process(name, popen, log)
        return self.processes[name]

    def start_server(self, name: str, port: int) -> str:
        self.start(
            name,
            [
                GUNICORN,
                "cockpit.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
        )
        return f"http://127.0.0.1:{port}"

    def manage(self, name: str, *args: str, timeout: int = 120) -> str:
        """``manage.py ARGS`` in the working directory and environment of ``name`` (a or b); its
        standard output."""
        self.tmpdir(name).mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [sys.executable, MANAGE, *args],
            cwd=self.workdir(name),
            env=self.env_of(name),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def spawn(self, name: str, *args: str) -> subprocess.Popen:
        """``manage.py ARGS`` started in the working directory and environment of ``name``, its
        standard input and output as text pipes (``communicate`` to wait for it)."""
        self.tmpdir(name).mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(
            [sys.executable, MANAGE, *args],
            cwd=self.workdir(name),
            env=self.env_of(name),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for base in self.bases:
            while True:
                for process in self.processes.values():
                    if process.popen.poll() is not None:
                        raise AssertionError(f"{process.name} stopped\n{self.logs()}")
                try:
                    with urllib.request.urlopen(f"{base}/sante/?quiet", timeout=5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{base} did not answer in {timeout} s\n{self.logs()}")
                time.sleep(0.2)

    def wait_for_output(self, name: str, pattern: str, timeout: float = 30) -> re.Match:
        """The first match of ``pattern`` in the output of process ``name`` (the worker's mails:
        the console mail backend), waiting for it."""
        process = self.processes[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, process.log.read_text(errors="replace"))
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in {name}'s output after {timeout} s\n{self.logs()}")

    def clear_cache(self, pattern: str = "*") -> None:
        """Delete the servers' cache keys (of both caches) that match ``pattern``, and no other
        key of their Redis database."""
        clear_redis(
            self.environment["REDIS_URL"], self.environment["DJANGO_CACHE_KEY_PREFIX"], pattern
        )

    def temporary_files(self) -> list[Path]:
        """Files left in the servers' temporary folders."""
        return [path for name in ("a", "b") for path in self.tmpdir(name).rglob("*")]

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.processes.values())

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location") or ""


class Browser:
    """One browser: a cookie jar (cookies of 127.0.0.1 go to every port, as a browser sends them
    to every server behind one host name), talking to whichever server a URL names. Redirects are
    not followed, so that each answer is seen."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(
        self,
        url: str,
        data: bytes | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> Response:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", content_type)
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Response(error.code, error.headers, error.read())

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        return self.request(url, headers=headers)

    def csrf(self, url: str) -> str:
        response = self.get(url)
        assert response.status == 200, (url, response.status)
        return CSRF.search(response.text).group(1)

    def post(self, url: str, fields: dict, *, csrf_from: str | None = None) -> Response:
        """A form posted with the CSRF token of the page at ``csrf_from`` (``url`` itself by
        default); multipart when a field is a file (an object with ``read``)."""
        fields = {"csrfmiddlewaretoken": self.csrf(csrf_from or url), **fields}
        if any(hasattr(value, "read") for value in fields.values()):
            from django.test.client import MULTIPART_CONTENT, encode_multipart

            body = encode_multipart(BOUNDARY, fields)
            return self.request(url, body, MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY))
        return self.request(url, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def log_in(self, base: str, username: str, password: str = PASSWORD) -> Response:
        """The login form of server ``base``; a success answers 302."""
        return self.post(f"{base}/comptes/login/", {"username": username, "password": password})


def log_in(base: str, username: str, password: str = PASSWORD) -> Browser:
    """A new browser logged in on server ``base``."""
    browser = Browser()
    response = browser.log_in(base, username, password)
    assert response.status == 302, (base, username, response.status, response.text[:500])
    return browser


def hidden_fields(html: str, after: str) -> dict[str, str]:
    """The hidden fields of the first form after the text ``after`` (the CSRF token left out)."""
    form = html[html.index(after) :].split("</form>")[0]
    fields = {name: unescape(value) for name, value in HIDDEN.findall(form)}
    fields.pop("csrfmiddlewaretoken", None)
    return fields
