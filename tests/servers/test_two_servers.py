"""A member and an editor walk across two app servers (issue 19, item 4): whatever one server
records (a session, a lockout, an import waiting for its confirmation, a count of logins, a
queued mail, a background job and its file) the other one sees, through PostgreSQL, the Redis
cache, the task worker and the shared DJANGO_MEDIA_ROOT.

The servers (tests/servers/conftest.py) run for the whole module; each test uses accounts and
rows of its own, so that none depends on another's effects. A new cross-server step (a task's
a new background job, say) is one more test here: ``two_servers.a``/``.b`` and
``log_in(base, username)``.
"""

from __future__ import annotations

import io
import re
import time

import openpyxl
from axes.models import AccessAttempt

from projects.models import Project
from strategies.models import Strategy
from tests.servers.harness import (
    AXES_FAILURE_LIMIT,
    LOCKED_USER,
    LOGIN_RATE_LIMIT,
    PASSWORD,
    RESET_EMAIL,
    RESET_USER,
    Browser,
    hidden_fields,
    log_in,
)


def demo_strategy() -> Strategy:
    return Strategy.objects.get(short_name="SDI")


def test_a_member_logged_in_on_a_is_logged_in_on_b_until_logging_out_on_b(two_servers, db):
    a, b = two_servers.bases
    strategy = demo_strategy()
    member = log_in(a, "commission")

    home = member.get(f"{b}/")
    cockpit = member.get(f"{b}/strategies/{strategy.pk}/")
    assert home.status == 200, home.text[:500]
    assert cockpit.status == 200
    assert strategy.short_name in cockpit.text

    logout = member.post(f"{b}/comptes/logout/", {}, csrf_from=f"{b}/")
    assert logout.status == 302
    after = member.get(f"{a}/strategies/{strategy.pk}/")
    assert after.status == 302
    assert "/comptes/login/" in after.location


def test_an_axes_lockout_set_on_a_refuses_the_right_password_on_b(two_servers, db):
    a, b = two_servers.bases
    browser = Browser()
    statuses = [
        browser.log_in(a, LOCKED_USER, "mauvais mot de passe").status
        for _ in range(AXES_FAILURE_LIMIT)
    ]
    # The last failure reaches the limit: that answer is already the lockout page.
    assert statuses == [200] * (AXES_FAILURE_LIMIT - 1) + [429]

    on_b = browser.log_in(b, LOCKED_USER, PASSWORD)
    assert on_b.status == 429
    assert "Connexion temporairement bloquée" in on_b.text
    assert "sessionid" not in {cookie.name for cookie in browser.jar}
    # One record of the attempts, which B's refusal counted in too.
    attempt = AccessAttempt.objects.get(username=LOCKED_USER)
    assert attempt.failures_since_start == AXES_FAILURE_LIMIT + 1
    # The other accounts log in as before, on either server.
    log_in(b, "commission")


def test_an_import_previewed_on_a_is_confirmed_on_b(two_servers, db):
    a, b = two_servers.bases
    strategy = demo_strategy()
    measure = strategy.measures.order_by("code").first()
    book = openpyxl.Workbook()
    book.active.append(["Code", "Titre", "Mesure"])
    book.active.append(["deux-srv", "Importé via deux serveurs", measure.code])
    content = io.BytesIO()
    book.save(content)
    upload = io.BytesIO(content.getvalue())
    upload.name = "deux-serveurs.xlsx"
    editor = log_in(a, "secretariat")
    before = Project.objects.filter(strategy=strategy).count()

    preview = editor.post(
        f"{a}/admin/projects/project/import/",
        {"strategy": strategy.pk, "format": "0", "resource": "0", "import_file": upload},
    )
    assert preview.status == 200, preview.text[:1000]
    confirmation = hidden_fields(preview.text, "process_import/")
    assert "import_file_name" in confirmation
    assert Project.objects.filter(strategy=strategy).count() == before

    confirm = editor.post(
        f"{b}/admin/projects/project/process_import/",
        {**confirmation, "confirm": "1"},
        csrf_from=f"{b}/admin/projects/project/import/",
    )
    assert confirm.status == 302, confirm.text[:1000]
    assert Project.objects.filter(strategy=strategy).count() == before + 1
    assert Project.objects.get(strategy=strategy, code="deux-srv").measure == measure
    # The file waited in the shared cache, not in either server's temporary folder.
    assert two_servers.temporary_files() == []


def test_the_login_rate_limit_counts_the_posts_of_both_servers(two_servers):
    """LOGIN_RATE_LIMIT login POSTs a minute, alternately on A and B (no password: nothing to
    hash), then one more on each: both refused. The counter of the current minute is the
    servers' shared cache key; the run starts afresh if it crossed a minute."""
    a, b = two_servers.bases
    browser = Browser()
    for _attempt in range(3):
        if time.time() % 60 > 50:
            time.sleep(60.5 - time.time() % 60)
        minute = int(time.time() // 60)
        two_servers.clear_cache("login:rate:*")
        statuses = [
            browser.post(f"{(a, b)[n % 2]}/comptes/login/", {"username": f"inconnu-{n}"}).status
            for n in range(LOGIN_RATE_LIMIT)
        ]
        over = [browser.post(f"{base}/comptes/login/", {"username": "inconnu"}) for base in (a, b)]
        if int(time.time() // 60) == minute:
            break
    two_servers.clear_cache("login:rate:*")

    assert statuses == [200] * LOGIN_RATE_LIMIT
    assert [response.status for response in over] == [429, 429]
    assert all(response.headers.get("Retry-After") for response in over)
    assert all("Trop de connexions en ce moment" in response.text for response in over)


def test_a_password_reset_asked_on_a_is_mailed_by_the_worker_and_completed_on_b(two_servers):
    a, b = two_servers.bases
    browser = Browser()
    asked = browser.post(f"{a}/comptes/password_reset/", {"email": RESET_EMAIL})
    assert asked.status == 302

    # The worker, in a folder of its own, ran the task that server A enqueued.
    link = two_servers.wait_for_output("worker", r"http://127\.0\.0\.1:\d+(/comptes/reset/\S+/)")
    confirm = browser.get(f"{b}{link.group(1)}")
    assert confirm.status == 302  # to the form's own URL, the token kept in the session
    set_password = f"{b}{confirm.location}"
    new_password = "Deux serveurs, un seul compte 2026"
    done = browser.post(
        set_password, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status == 302, done.text[:1000]
    assert re.search(r"/comptes/reset/done/$", done.location)

    assert Browser().log_in(a, RESET_USER, PASSWORD).status == 200  # the old one: refused
    log_in(a, RESET_USER, new_password)


def test_a_pack_asked_on_a_is_made_by_the_worker_polled_and_downloaded_on_b(two_servers, db):
    """The servers make every pack in the background: the secretariat asks on A, the db_worker
    writes the file into the shared DJANGO_MEDIA_ROOT, B's job page (polled as htmx does) shows
    it done and B sends the file; on A, another user gets 404 for that job and its file."""
    a, b = two_servers.bases
    strategy = demo_strategy()
    editor = log_in(a, "secretariat")

    asked = editor.get(f"{a}/strategies/{strategy.pk}/export.xlsx")
    assert asked.status == 302, asked.text[:1000]
    job_path = asked.location.removeprefix(a)
    assert re.fullmatch(r"/taches/[0-9a-f-]{36}/", job_path), job_path

    deadline = time.monotonic() + 60
    while True:
        partial = editor.get(f"{b}{job_path}", headers={"HX-Request": "true"})
        assert partial.status == 200, partial.text[:1000]
        if "hx-trigger" not in partial.text or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "Terminé." in partial.text, f"{partial.text[:1000]}\n{two_servers.logs()}"
    assert "<html" not in partial.text
    job_id = job_path.split("/")[2]
    files = [path for path in (two_servers.media_root / "jobs" / job_id).iterdir()]
    assert len(files) == 1 and files[0].suffix == ".xlsx"

    download = editor.get(f"{b}{job_path}fichier/")
    assert download.status == 200, download.text[:1000]
    assert files[0].name in download.headers["Content-Disposition"]
    assert download.body == files[0].read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(download.body), read_only=True)
    assert "Synthèse" in book.sheetnames and len(book.sheetnames) > 1

    other = log_in(a, "commission")
    assert other.get(f"{a}{job_path}").status == 404
    assert other.get(f"{a}{job_path}fichier/").status == 404
    # Made by the worker, sent from the shared folder: nothing in either server's own.
    assert two_servers.temporary_files() == []
