"""The health endpoint of the load balancer and the monitoring (``/sante/``, alias ``/healthz``).

Four checks, each cheap and timed: the database (``SELECT 1``), the shared cache (a key set, then
read back), the task queue (the configured django-tasks backend: for the database backend, the
age of the oldest ready task and when a worker last claimed one; for RQ, a Redis ping, the queue's
length, its oldest job and the registered workers) and the free disk space of the temp folder
(where imports are staged) and of ``MEDIA_ROOT`` when set. The answer is JSON: 200
``{"status": "ok", "checks": {...}}``, or 503 with the failing checks named. It holds no personal
data, no version, no host name nor setting.

``HEAD`` or ``?quiet`` is the load balancer's variant: only what this server needs to serve
(database, cache, disk; not the queue, which every server shares: a stalled worker must not take
every server out of the pool) and a body of ``{"status": ...}`` alone. No login, no session, no
CSRF (GET and HEAD only); ``SECURE_REDIRECT_EXEMPT`` lets it answer over plain HTTP behind the
proxy. The load balancer must still send a ``Host`` of ``DJANGO_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

Check = Callable[[], dict]


class CheckFailed(Exception):
    """A check that ran but found the service unfit (a full disk, a stalled queue)."""


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    key = "cockpit:health"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=60)
    if cache.get(key) != value:
        raise CheckFailed("the value written could not be read back")
    return {}


def check_disk() -> dict:
    minimum = settings.HEALTH_MIN_FREE_DISK_MB
    folders = {"temp": tempfile.gettempdir()}
    if settings.MEDIA_ROOT:
        folders["media"] = str(settings.MEDIA_ROOT)
    free = {
        name: shutil.disk_usage(existing(path)).free // (1024 * 1024)
        for name, path in folders.items()
    }
    short = [name for name, megabytes in free.items() if megabytes < minimum]
    if short:
        raise CheckFailed(f"less than {minimum} MB free: {', '.join(short)}")
    return {"free_mb": free}


def existing(path: str) -> str:
    """The folder itself or, before anything was written there, its nearest existing parent
    (``MEDIA_ROOT`` is made by the first file saved into it)."""
    folder = Path(path)
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return str(folder)


def _age(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.UTC)
    return max(0, int((timezone.now() - moment).total_seconds()))


def check_tasks() -> dict:
    """The configured django-tasks backend answers, and no ready task waits longer than
    ``HEALTH_TASK_MAX_WAIT_SECONDS`` (the sign of a stopped worker)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db."):
        info = _database_queue()
    elif backend.startswith("django_tasks_rq."):
        info = _redis_queue()
    else:
        return {"backend": backend.rsplit(".", 1)[-1]}
    waited = info["oldest_ready_seconds"]
    if waited is not None and waited > settings.HEALTH_TASK_MAX_WAIT_SECONDS:
        raise CheckFailed(f"a ready task has waited {waited} s: is the worker running?")
    return info


def _database_queue() -> dict:
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    # Two aggregates on indexed columns (the ready tasks' partial index), however long the table.
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    claimed = DBTaskResult.objects.aggregate(last=Max("started_at"))["last"]
    return {
        "backend": "db",
        "oldest_ready_seconds": _age(oldest),
        # db_worker keeps no heartbeat: when a worker last claimed a task is what can be known.
        "last_claimed_seconds": _age(claimed),
    }


def _redis_queue() -> dict:
    import django_rq
    from rq import Worker

    queue = django_rq.get_queue("default")
    queue.connection.ping()
    oldest = None
    if job_ids := queue.get_job_ids(0, 1):
        job = queue.fetch_job(job_ids[0])
        oldest = job.enqueued_at if job else None
    return {
        "backend": "rq",
        "queued": queue.count,
        "oldest_ready_seconds": _age(oldest),
        "workers": Worker.count(queue=queue),
    }


#: What a server needs to serve (the load balancer's quiet variant runs only these).
SERVER_CHECKS: dict[str, Check] = {
    "database": check_database,
    "cache": check_cache,
    "disk": check_disk,
}
ALL_CHECKS: dict[str, Check] = {**SERVER_CHECKS, "tasks": check_tasks}


def run_checks(checks: dict[str, Check]) -> tuple[bool, dict[str, dict]]:
    results: dict[str, dict] = {}
    healthy = True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            result = {"status": "ok", **check()}
        except CheckFailed as failure:
            result = {"status": "error", "error": str(failure)}
        except Exception as error:  # any failure of a dependency is the answer
            # The exception's class only: its message may hold a host, a user or a password.
            result = {"status": "error", "error": type(error).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        healthy = healthy and result["status"] == "ok"
        results[name] = result
    return healthy, results


@login_not_required
@csrf_exempt
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    quiet = request.method == "HEAD" or "quiet" in request.GET
    healthy, results = run_checks(SERVER_CHECKS if quiet else ALL_CHECKS)
    body: dict = {"status": "ok" if healthy else "error"}
    if not healthy:
        body["failing"] = [name for name, result in results.items() if result["status"] != "ok"]
    if not quiet:
        body["checks"] = results
    return JsonResponse(body, status=200 if healthy else 503)
