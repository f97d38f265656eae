"""A job's progress seen from another connection while the task's transaction is still open (on
SQLite and PostgreSQL), and a job run by the real database worker in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import override_settings

from jobs.models import Job
from jobs.services import Progress, start
from strategies.models import Territory
from tests.factories import ProjectFactory, TerritoryFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def in_another_thread(read):
    """``read()`` on connections of another thread (as the web process polling the job)."""
    seen = []

    def run():
        try:
            seen.append(read())
        except Exception as error:  # the answer of the database, checked by the caller
            seen.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return seen[0]


@pytest.mark.django_db(transaction=True, databases=["default", "jobs"])
def test_progress_is_seen_by_another_connection_before_the_task_commits():
    job = Job.objects.create(user_id=UserFactory().pk, kind="test", title="Import")
    report = Progress(job, interval=0)

    with transaction.atomic():
        # What an import does: its rows are written in one transaction, which holds SQLite's
        # write lock until it commits.
        TerritoryFactory(name="Import en cours")
        report(4200, 10000)
        progress = in_another_thread(
            lambda: Job.objects.values_list("done", "total").get(pk=job.pk)
        )
        if connection.vendor == "postgresql":
            # The task's own rows are not visible yet: progress goes through another connection.
            assert (
                in_another_thread(lambda: Territory.objects.filter(name="Import en cours").exists())
                is False
            )
        report(10000, 10000)

    assert progress == (4200, 10000)
    assert Job.objects.values_list("done", flat=True).get(pk=job.pk) == 10000


def database_url() -> str:
    data = connection.settings_dict
    password = f":{data['PASSWORD']}" if data.get("PASSWORD") else ""
    return (
        f"postgres://{data['USER']}{password}@{data['HOST'] or '127.0.0.1'}:"
        f"{data['PORT'] or 5432}/{data['NAME']}"
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite test databases are in memory: another process cannot open them",
)
@pytest.mark.django_db(transaction=True, databases=["default", "jobs"])
@override_settings(TASKS=DATABASE_TASKS, WORKBOOK_BACKGROUND_PROJECTS=0)
def test_the_database_worker_process_runs_a_job_and_saves_its_file(tmp_path):
    user = UserFactory()
    project = ProjectFactory()
    strategy = project.strategy
    job = start(user, kind="workbook_export", title="Classeur", strategy_id=strategy.pk)
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED

    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="db",
        DJANGO_MEDIA_ROOT=str(tmp_path),
    )
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert job.done == job.total > 0
    assert (tmp_path / job.file_name).stat().st_size > 0
