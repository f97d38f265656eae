"""Background work: tasks enqueued after commit, run by the real database worker; the cache every
process shares; the Redis configuration (REDIS_URL) when a Redis answers on 127.0.0.1:6379."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, task_backends

from strategies.models import Territory
from strategies.tasks_util import enqueue_on_commit
from tests.factories import TerritoryFactory
from tests.tasks import rename_territory

ROOT = Path(settings.BASE_DIR)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_suite_runs_tasks_inline_when_they_are_enqueued(db):
    assert type(task_backends["default"]).__name__ == "ImmediateBackend"


def test_a_task_enqueued_on_commit_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    territory = TerritoryFactory(name="Avant")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(rename_territory, territory.pk, name="Après")
        territory.refresh_from_db()
        assert territory.name == "Avant"
    assert len(callbacks) == 1
    territory.refresh_from_db()
    assert territory.name == "Après"


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(db):
    from django.db import transaction

    territory = TerritoryFactory(name="Avant")
    with transaction.atomic():
        enqueue_on_commit(rename_territory, territory.pk, "Jamais")
        transaction.set_rollback(True)
    territory.refresh_from_db()
    assert territory.name == "Avant"


@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_runs_an_enqueued_task(db, monkeypatch):
    # The worker recycles its database connection between tasks (close_old_connections): here that
    # connection holds the test's transaction, which closing it would lose (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    territory = TerritoryFactory(name="Avant")
    result = rename_territory.enqueue(territory.pk, "Après le worker")
    assert result.status == TaskResultStatus.READY
    territory.refresh_from_db()
    assert territory.name == "Avant"  # stored, not run

    # The worker command itself, once over what is waiting (--batch), then it stops.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Après le worker"
    assert Territory.objects.get(pk=territory.pk).name == "Après le worker"


def test_the_cache_is_the_database_table_every_process_shares(db):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("cockpit-test", {"rounds": 3}, 60)
    assert cache.get("cockpit-test") == {"rounds": 3}
    cache.delete("cockpit-test")


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_gives_the_redis_cache_and_the_rq_task_backend():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/15", TASKS_BACKEND="rq")
    script = (
        "from django.conf import settings; from django.core.cache import cache;"
        "from django_tasks import task_backends;"
        "cache.set('cockpit-test', 'shared', 10);"
        "print(settings.CACHES['default']['BACKEND'], type(task_backends['default']).__name__,"
        "      cache.get('cockpit-test'));"
        "cache.delete('cockpit-test')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "RQBackend",
        "shared",
    ]
