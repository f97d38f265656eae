"""A large pack made in the background: the member clicks the pack's link, the job's page shows
the progress bar moving (htmx polls it every second) while a real ``db_worker`` process makes the
pack, then the file is downloaded.

The worker runs in a process of its own against the live server's committed database, so the test
needs PostgreSQL (SQLite's test databases are in memory). Each progress report of the worker waits
a little (``SLOW_WORKER``), so that the bar has several steps to show."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.browser.test_pack_download import log_in_as_commission

ROOT = Path(settings.BASE_DIR)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SLOW_WORKER = """
import time
import django
django.setup()
from django.core.management import call_command
from jobs import services
report = services.Progress.__call__
def slow(self, *args, **kwargs):
    self.interval = 0
    report(self, *args, **kwargs)
    time.sleep(0.6)
services.Progress.__call__ = slow
call_command("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2")
"""


def database_url() -> str:
    data = connection.settings_dict
    password = f":{data['PASSWORD']}" if data.get("PASSWORD") else ""
    host = data["HOST"] or "127.0.0.1"
    return f"postgres://{data['USER']}{password}@{host}:{data['PORT'] or 5432}/{data['NAME']}"


@pytest.fixture
def worker(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="db",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="cockpit.settings",
    )
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the worker process needs the committed PostgreSQL test database",
)
@pytest.mark.django_db(transaction=True, databases=["default", "jobs"])
def test_the_progress_bar_moves_then_the_pack_is_downloaded(
    page: Page, live_server, demo, worker, tmp_path
):
    with override_settings(
        PACK_BACKGROUND_PROJECTS=0, TASKS=DATABASE_TASKS, MEDIA_ROOT=tmp_path / "media"
    ):
        log_in_as_commission(page, live_server.url)
        page.goto(f"{live_server.url}/strategies/{demo.pk}/")
        page.get_by_role("link", name="Télécharger le rapport Excel").click()
        expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]{36}/$"))
        expect(page.locator("h1")).to_contain_text("Rapport Excel")

        seen: list[str] = []
        deadline = time.monotonic() + 60
        download = page.get_by_role("link", name=re.compile("^Télécharger SDI-2028_cockpit_"))
        while time.monotonic() < deadline and not download.count():
            bar = page.locator("#job-progress progress")
            value = bar.get_attribute("value", timeout=1000) if bar.count() else None
            if value and (not seen or seen[-1] != value):
                seen.append(value)
            page.wait_for_timeout(200)
        assert worker.poll() is None, worker.stderr.read().decode()
        assert len(seen) >= 2, seen  # the bar moved on its own (htmx), at least twice
        assert [int(v) for v in seen] == sorted(int(v) for v in seen)

        with page.expect_download() as info:
            download.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert openpyxl.load_workbook(path).sheetnames[:2] == ["Synthèse", "Cockpit"]
