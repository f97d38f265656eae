"""Two app servers on one PostgreSQL (``loadtest/two_servers.sh`` starts them): an import
previewed on server A is confirmed on server B, over HTTP, with nothing shared between the two
but the database. Prints the rows before and after, and the uploads kept meanwhile.

1. The admin's project import: the secretariat logs in on A and on B (two sessions), previews a
   file of one new project on A, and confirms it on B with the form A rendered (the signed
   reference); the same confirmation sent again finds its file gone (it was removed by B).
2. The strategy workbook: one browser (one session cookie) previews an edited workbook on A and
   confirms on B.

Usage: ``two_servers.py URL_A URL_B`` with the environment of the servers (``DATABASE_URL``…) to
read the database; ``LOAD_PASSWORD`` (``demo``).
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import secrets
import sys
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import urlencode, urlsplit

import django

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
BOUNDARY = "two-servers-boundary"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser's cookie jar, talking to whichever server it is given."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.jar = jar or http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, url: str, data: bytes | None = None, content_type: str = "") -> tuple:
        request = urllib.request.Request(url, data=data)
        if data is not None:
            request.add_header("Content-Type", content_type)
            request.add_header("Referer", url)
        try:
            with self.opener.open(request) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:  # 3xx (no redirect followed), 4xx, 5xx
            return error.code, error.headers, error.read()

    def csrf(self, url: str) -> str:
        status, _headers, body = self.request(url)
        assert status == 200, (url, status)
        return CSRF.search(body.decode()).group(1)

    def post(self, url: str, fields: dict, *, csrf_from: str | None = None) -> tuple:
        from django.test.client import MULTIPART_CONTENT, encode_multipart

        fields = {"csrfmiddlewaretoken": self.csrf(csrf_from or url), **fields}
        body = encode_multipart(BOUNDARY, fields)
        return self.request(url, body, MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY))

    def log_in(self, base: str, username: str, password: str) -> None:
        login = f"{base}/comptes/login/"
        token = self.csrf(login)
        body = urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        status, _headers, _body = self.request(login, body, "application/x-www-form-urlencoded")
        if status != 302:
            raise SystemExit(f"login refused on {base} ({status})")


def named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def kept_uploads() -> int:
    from django.core.cache import caches
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {caches['uploads']._table}")
        return cursor.fetchone()[0]


def admin_import(a: str, b: str, strategy, password: str) -> None:
    import openpyxl

    from projects.models import Project

    measure = strategy.measures.order_by("code").first()
    code = f"a{secrets.token_hex(3)}"
    book = openpyxl.Workbook()
    book.active.append(["Code", "Titre", "Mesure"])
    book.active.append([code, "Importé via deux serveurs", measure.code])
    saved = io.BytesIO()
    book.save(saved)
    content = saved.getvalue()
    on_a, on_b = Browser(), Browser()
    on_a.log_in(a, "secretariat", password)
    on_b.log_in(b, "secretariat", password)
    before = Project.objects.filter(strategy=strategy).count()
    kept_before = kept_uploads()
    print(f"projects of the strategy before: {before}; uploads kept: {kept_before}")

    url = "/admin/projects/project/import/"
    status, _headers, body = on_a.post(
        a + url,
        {
            "strategy": strategy.pk,
            "format": "0",
            "resource": "0",
            "import_file": named(content, "deux-serveurs.xlsx"),
        },
    )
    html = body.decode()
    form = html[html.index("process_import/") :]
    hidden = {name: unescape(value) for name, value in HIDDEN.findall(form.split("</form>")[0])}
    hidden.pop("csrfmiddlewaretoken", None)
    print(
        f"A: preview {status}, confirmation form fields {sorted(hidden)}; "
        f"uploads kept: {kept_uploads()}; projects: "
        f"{Project.objects.filter(strategy=strategy).count()}"
    )
    confirm = "/admin/projects/project/process_import/"
    status, headers, _body = on_b.post(b + confirm, {**hidden, "confirm": "1"}, csrf_from=b + url)
    after = Project.objects.filter(strategy=strategy).count()
    created = Project.objects.filter(strategy=strategy, code=code).exists()
    print(
        f"B: confirmation {status} → {headers.get('Location')}; projects after: {after} "
        f"(+{after - before}, {code} created: {created}); uploads kept: {kept_uploads()}"
    )
    status, headers, _body = on_b.post(b + confirm, {**hidden, "confirm": "1"}, csrf_from=b + url)
    print(
        f"B: the same confirmation again {status} → {headers.get('Location')}; projects: "
        f"{Project.objects.filter(strategy=strategy).count()}"
    )
    if not (created and after == before + 1 and kept_uploads() == kept_before):
        raise SystemExit("FAILED: the import previewed on A was not confirmed on B")


def workbook_import(a: str, b: str, strategy, password: str) -> None:
    import openpyxl

    from projects.models import Project

    browser = Browser()
    browser.log_in(a, "secretariat", password)
    base = f"/admin/strategies/strategy/{strategy.pk}"
    status, _headers, content = browser.request(f"{a}{base}/classeur.xlsx")
    assert status == 200, status
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Projets"]
    code = sheet.cell(row=2, column=1).value
    title = f"Revu via deux serveurs {secrets.token_hex(2)}"
    sheet.cell(row=2, column=2).value = title
    edited = io.BytesIO()
    book.save(edited)
    old_title = Project.objects.get(strategy=strategy, code=code).title
    print(f"workbook: project {code} before: « {old_title} »")
    status, _headers, body = browser.post(
        f"{a}{base}/classeur/importer/", {"workbook": named(edited.getvalue(), "classeur.xlsx")}
    )
    print(f"A: workbook preview {status} (confirmation offered: {'Confirmer' in body.decode()})")
    status, headers, _body = browser.post(
        f"{b}{base}/classeur/confirmer/", {}, csrf_from=f"{b}{base}/classeur/importer/"
    )
    new_title = Project.objects.get(strategy=strategy, code=code).title
    print(f"B: workbook confirmation {status} → {headers.get('Location')}; « {new_title} »")
    if new_title != title:
        raise SystemExit("FAILED: the workbook previewed on A was not confirmed on B")


def main(a: str, b: str) -> None:
    for base in (a, b):
        if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit("127.0.0.1 only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    django.setup()
    from strategies.models import Membership, Strategy

    password = os.environ.get("LOAD_PASSWORD", "demo")
    strategy = (
        Strategy.objects.filter(
            territory__memberships__user__username="secretariat",
            territory__memberships__role=Membership.Role.EDITOR,
        )
        .order_by("pk")
        .first()
    )
    print(f"strategy: {strategy} (A = {a}, B = {b}, one database)")
    admin_import(a, b, strategy, password)
    workbook_import(a, b, strategy, password)
    print("OK: previews on A confirmed on B")


if __name__ == "__main__":
    main(*sys.argv[1:3])
