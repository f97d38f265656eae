"""The health endpoint for the load balancer and the monitoring: database, cache, task queue and
disk, JSON, 503 with the failing check named, without login, over plain HTTP behind the proxy."""

from __future__ import annotations

import datetime
import json
import socket
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 9 (discard): nothing listens there, the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:9/0",
    }
}


def health(client: Client, query: str = "", **kwargs):
    return client.get(reverse("health") + query, **kwargs)


def waiting_task(age: datetime.timedelta):
    """A task the database backend stores as ready, enqueued ``age`` ago."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    row = DBTaskResult.objects.create(
        task_path="tests.tasks.rename_territory",
        args_kwargs={"args": [0, "x"], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - age)
    return row


def test_health_answers_ok_with_every_check_and_no_login(client, db):
    response = health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "disk", "tasks"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert all(isinstance(check["ms"], float) for check in body["checks"].values())
    assert body["checks"]["disk"]["free_mb"]["temp"] > 0
    # Nothing a stranger should learn: no version, no host, no session.
    text = response.content.decode().lower()
    assert "version" not in text and "django" not in text and "sqlite" not in text
    assert "postgres" not in text
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_the_healthz_alias_answers_the_same(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unreachable_cache_gives_503_naming_the_cache(client, db):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = health(client)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"
    assert "127.0.0.1" not in response.content.decode()


def test_too_little_free_disk_gives_503_naming_the_disk(client, db, settings):
    settings.HEALTH_MIN_FREE_DISK_MB = 10**12
    response = health(client)
    assert response.status_code == 503
    assert response.json()["failing"] == ["disk"]
    assert "1000000000000 MB" in response.json()["checks"]["disk"]["error"]


def test_media_root_is_checked_when_set(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert set(health(client).json()["checks"]["disk"]["free_mb"]) == {"temp", "media"}


@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_queue_reports_its_oldest_ready_task_and_the_last_claim(client, db):
    waiting_task(datetime.timedelta(minutes=2))
    tasks = health(client).json()["checks"]["tasks"]
    assert tasks["status"] == "ok"
    assert tasks["backend"] == "db"
    assert 115 <= tasks["oldest_ready_seconds"] <= 300
    assert tasks["last_claimed_seconds"] is None  # no worker ever claimed a task here


def test_a_task_waiting_too_long_fails_the_queue_check(client, db, settings):
    # Both through the ``settings`` fixture: mixed with override_settings, its teardown would put
    # back the overridden TASKS for the rest of the session.
    settings.TASKS = DATABASE_TASKS
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 600
    waiting_task(datetime.timedelta(minutes=30))
    response = health(client)
    assert response.status_code == 503
    assert response.json()["failing"] == ["tasks"]
    assert "worker" in response.json()["checks"]["tasks"]["error"]


@override_settings(TASKS=DATABASE_TASKS)
def test_the_quiet_variant_leaves_the_shared_queue_out_and_says_only_the_status(client, db):
    # A stalled worker must not take every web server out of the load balancer's pool.
    waiting_task(datetime.timedelta(days=1))
    response = health(client, "?quiet")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    head = client.head(reverse("health"))
    assert head.status_code == 200
    assert head.content == b""


def test_the_quiet_variant_still_fails_when_this_server_cannot_serve(client, db):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = health(client, "?quiet")
        assert client.head(reverse("health")).status_code == 503
    assert response.status_code == 503
    assert response.json() == {"status": "error", "failing": ["cache"]}


def test_health_is_cheap(client, db, django_assert_max_num_queries):
    health(client)  # warm up (connections, caches)
    with django_assert_max_num_queries(7):
        health(client, "?quiet")
    with django_assert_max_num_queries(9):
        health(client)
    started = time.perf_counter()
    for _ in range(20):
        health(client, "?quiet")
    assert (time.perf_counter() - started) / 20 < 0.1


def test_only_get_and_head_are_allowed_and_without_csrf(db):
    response = Client(enforce_csrf_checks=True).post(reverse("health"))
    assert response.status_code == 405


def test_health_answers_over_plain_http_when_https_is_enforced(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # its handler reads the settings above
    assert client.get(reverse("cockpit:home")).status_code == 301
    assert health(client).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_host_outside_allowed_hosts_is_refused(client, db):
    # The load balancer must send one of DJANGO_ALLOWED_HOSTS (docs/OPERATIONS.md).
    assert health(client, HTTP_HOST="10.0.0.7").status_code == 400


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_rq_queue_reports_its_length_oldest_job_and_workers(client, db):
    import django_rq
    from rq import Queue

    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": "redis://127.0.0.1:6379/14"}},
    }
    with override_settings(**rq_settings):
        queue = django_rq.get_queue("default")
        queue.empty()
        try:
            # rq's own queue on the same Redis: django-rq's would wait for the test's commit.
            Queue("default", connection=queue.connection).enqueue("tests.tasks.rename_territory")
            body = json.loads(health(client).content)
        finally:
            queue.empty()
    tasks = body["checks"]["tasks"]
    assert tasks["status"] == "ok", tasks
    assert tasks["backend"] == "rq"
    assert tasks["queued"] == 1
    assert tasks["workers"] == 0
    assert 0 <= tasks["oldest_ready_seconds"] < 60
