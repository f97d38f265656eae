"""Start a background job, run it in the worker, report its progress, keep and purge its file.

An app declares a kind of job in its ``background.py``::

    @register("workbook")
    def workbook(job: Job, progress: Progress) -> Output:
        ...  # long work; progress(done, total) now and then
        return Output(name="classeur.xlsx", content=xlsx_bytes)

and its view calls ``start(user, kind=..., title=..., params=...)`` then redirects to the job's
page (``job.get_absolute_url()``), which polls the progress until the file can be downloaded.

Nothing half-written: the runner returns the whole content; only then is it saved to the default
storage (``STORAGES["default"]``, ``MEDIA_ROOT``: a location every server shares) under its final
name, and the job marked done. A runner that raises leaves no file and a French message; a
``JobFailed`` carries the message to show as it is, any other error a general one (and its trace
in the logs). Files are kept ``JOB_RESULT_HOURS`` then purged (``purge_expired``: each job run,
and ``manage.py purge_jobs``).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """A failure whose message (French, for the user) the job's page shows as it is."""


@dataclass(frozen=True)
class Output:
    """What a job made: a file to download (``name``, ``content``); or a file that the page at
    ``result_url`` reads (an import's preview: never downloaded); or only a ``message``."""

    name: str = ""  # the file name the browser saves
    content: bytes = b""
    result_url: str = ""
    message: str = ""


Runner = Callable[[Job, "Progress"], Output]
KINDS: dict[str, Runner] = {}
#: What the runners load on first use (a library, its fonts): each is called once when the worker
#: starts (``manage.py db_worker``, ``warm_up_worker``), so that the first job of a worker takes
#: no longer than the next ones.
WARM_UPS: list[Callable[[], None]] = []


def register(kind: str) -> Callable[[Runner], Runner]:
    def decorator(runner: Runner) -> Runner:
        KINDS[kind] = runner
        return runner

    return decorator


def warm_up(function: Callable[[], None]) -> Callable[[], None]:
    """Declare what a kind of job loads on first use (``background.py``: ``@warm_up``)."""
    WARM_UPS.append(function)
    return function


def warm_up_worker() -> None:
    """Load, in the worker's process, what its jobs would otherwise load on their first run: the
    URL configuration (a job's links; some 0.6 s) and each app's ``@warm_up`` (WeasyPrint and
    its fonts, 1.5 to 2.5 s). A warm-up that fails is logged and left to the job itself."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (reading it loads every URLconf)
    for function in WARM_UPS:
        try:
            function()
        except Exception:
            logger.exception("Warming up %s failed", function.__qualname__)


class Progress:
    """``progress(done, total)``: writes the job's progress through the ``jobs`` connection, in
    autocommit, at most every ``interval`` seconds (and always the last step), so that a page
    polling it sees it move while the task's own transaction is still open."""

    def __init__(self, job: Job, interval: float = 0.5):
        self.job_id = job.pk
        self.interval = interval
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None, *, unit: str | None = None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self.last < self.interval and self.last:
            return
        self.last = now
        changes: dict = {"done": done if total is None else min(done, total)}
        if total is not None:
            changes["total"] = total
        if unit is not None:
            changes["unit"] = unit
        changes["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=self.job_id).update(**changes)


def start(
    user,
    *,
    kind: str,
    title: str,
    params: dict | None = None,
    strategy_id: int | None = None,
    unit: str = Job.Unit.STEPS,
    back_url: str = "",
    restart_url: str = "",
) -> Job:
    """A job for ``user``, enqueued once the current transaction commits. The same request
    repeated while its job is still waiting or running returns that job (a double click, a
    reload of the download link) rather than a second one; not a job whose worker stopped
    (``mark_stale``). ``restart_url``: the GET that started it, offered again if it fails."""
    params = params or {}
    mark_stale()
    running = (
        Job.objects.filter(
            user_id=user.pk, kind=kind, state__in=(Job.State.QUEUED, Job.State.RUNNING)
        )
        .filter(params=params, strategy_id=strategy_id)
        .first()
    )
    if running is not None:
        return running
    job = Job.objects.create(
        user_id=user.pk,
        kind=kind,
        title=title[:300],
        params=params,
        strategy_id=strategy_id,
        unit=unit,
        back_url=back_url,
        restart_url=restart_url[:500],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from .tasks import run_job

    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def run(job_id: str) -> None:
    """Run a queued job (the worker's task): claim it, run its kind, save its file."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return  # unknown, or already taken by another worker
    purge_expired()
    job = Job.objects.get(pk=job_id)
    with translation.override(job.language):
        try:
            runner = KINDS[job.kind]
            output = runner(job, Progress(job))
            file_name = save_result(job, output) if output.content else ""
        except JobFailed as failure:
            fail(job, str(failure))
        except Exception:
            logger.exception("Background job %s (%s) failed", job.pk, job.kind)
            fail(
                job,
                _(
                    "La tâche a échoué sur une erreur inattendue ; rien n'a été enregistré. "
                    "Réessayez, et si l'erreur revient, signalez-la à l'administrateur."
                ),
            )
        else:
            finished = timezone.now()
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.DONE,
                file_name=file_name,
                download_name=output.name,
                result_url=output.result_url,
                message=output.message,
                finished_at=finished,
                expires_at=finished + result_lifetime(),
            )


def result_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.JOB_RESULT_HOURS)


def save_result(job: Job, output: Output) -> str:
    """Save the whole content under its final name in the default storage; a save that fails
    removes what it may have left."""
    name = f"jobs/{job.pk}/{output.name}"
    try:
        return default_storage.save(name, ContentFile(output.content))
    except Exception:
        if default_storage.exists(name):
            default_storage.delete(name)
        raise


def read_result(job: Job) -> bytes:
    """The content of a finished job's file (for the page at its ``result_url``)."""
    with default_storage.open(job.file_name, "rb") as file:
        return file.read()


def fail(job: Job, message: str) -> None:
    finished = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED,
        message=message,
        finished_at=finished,
        expires_at=finished + result_lifetime(),
    )


def stale_message() -> str:
    return _(
        "Le processus de fond qui faisait cette tâche s'est arrêté avant la fin (il a été "
        "interrompu ou redémarré) ; rien n'a été enregistré. Vous pouvez la relancer."
    )


def mark_stale(jobs=None, now: datetime.datetime | None = None) -> int:
    """Mark failed the running jobs (of ``jobs``, by default all) whose worker has given no sign
    of life for ``JOB_STALE_SECONDS``, each with the message in its own language; how many. One
    query when there are none; the condition is checked again by the update itself, so a
    progress written meanwhile keeps its job running."""
    now = now or timezone.now()
    stale = (Job.objects.all() if jobs is None else jobs).stale(now)
    languages = list(stale.order_by().values_list("language", flat=True).distinct())
    count = 0
    for language in languages:
        with translation.override(language):
            count += stale.filter(language=language).update(
                state=Job.State.FAILED,
                message=stale_message(),
                finished_at=now,
                expires_at=now + result_lifetime(),
            )
    return count


def refresh_if_stale(job: Job) -> Job:
    """``job`` as read, or, if its worker stopped, marked failed and read again (no query when
    it is not stale: the page polled every second stays at one query)."""
    if job.is_stale and mark_stale(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Mark failed the jobs whose worker stopped (``mark_stale``), then delete the expired jobs
    and their files; the number of jobs deleted."""
    mark_stale(now=now)
    expired = list(Job.objects.expired(now).values_list("pk", "file_name"))
    for _pk, file_name in expired:
        if file_name and default_storage.exists(file_name):
            default_storage.delete(file_name)
    Job.objects.filter(pk__in=[pk for pk, _name in expired]).delete()
    return len(expired)
