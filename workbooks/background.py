"""The background jobs of the strategy workbook, for a large strategy or a large file
(``workbooks/admin.py`` decides when): its download, and its import's preview and confirmation.

An import's preview is a page, not a download: the job keeps the ``WorkbookResult`` as its file
(pickled, with an HMAC of the secret key so that only what a worker wrote is ever unpickled), and
the import page reads it back (``?job=<uuid>``) to show the preview and the confirmation form in
the user's own request (its CSRF token, its session). A confirmed import that succeeds ends with
its summary on the job's page and in the admin's log; one refused shows its errors the same way
as a preview."""

from __future__ import annotations

import hashlib
import hmac
import pickle

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import JobFailed, Output, Progress, register
from spreadsheets import uploads as shared
from strategies.models import Strategy

from . import uploads
from .export import export_workbook
from .results import WorkbookResult
from .services import import_workbook

RESULT_SALT = "workbooks.background.result"


def workbook_filename(strategy: Strategy) -> str:
    name = slugify(strategy.short_name or strategy.title) or "strategie"
    return f"classeur-{name}-{timezone.localdate():%Y-%m-%d}.xlsx"


@register("workbook_export")
def workbook_export(job: Job, progress: Progress) -> Output:
    strategy = Strategy.objects.get(pk=job.strategy_id)
    return Output(name=workbook_filename(strategy), content=export_workbook(strategy, progress))


def dump_result(result: WorkbookResult) -> bytes:
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return salted_hmac(RESULT_SALT, data, algorithm="sha256").digest() + data


def load_result(content: bytes) -> WorkbookResult:
    """The result a worker wrote; ``ValueError`` for anything else."""
    size = hashlib.sha256().digest_size
    signature, data = content[:size], content[size:]
    expected = salted_hmac(RESULT_SALT, data, algorithm="sha256").digest()
    if not hmac.compare_digest(signature, expected):
        raise ValueError("not a result written by a worker")
    result = pickle.loads(data)
    if not isinstance(result, WorkbookResult):
        raise ValueError("not a workbook result")
    return result


def import_summary(file_name: str, result: WorkbookResult) -> str:
    return _(
        "Import du classeur « %(file)s » : %(new)s élément(s) créé(s), %(changed)s modifié(s)."
    ) % {"file": file_name, "new": result.new, "changed": result.changed}


@register("workbook_import")
def workbook_import(job: Job, progress: Progress) -> Output:
    """The preview (``confirm`` false) or the import of the upload the job names."""
    strategy = Strategy.objects.get(pk=job.strategy_id)
    user = get_user_model().objects.get(pk=job.user_id)
    token, confirm = job.params["token"], job.params["confirm"]
    try:
        upload = uploads.take_for_job(token, user=user, strategy=strategy)
    except uploads.Refused as refusal:
        raise JobFailed(str(refusal)) from None
    result = import_workbook(
        strategy,
        upload.content,
        user=user,
        file_name=upload.name,
        confirm=confirm,
        progress=lambda done, total: progress(done, total, unit=Job.Unit.ROWS),
    )
    if confirm and result.ok:
        shared.discard(token)
        summary = import_summary(upload.name, result)
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[strategy],
            action_flag=CHANGE,
            change_message=summary,
            single_object=True,
        )
        return Output(message=summary)
    if not (result.ok and result.changes_anything):
        shared.discard(token)  # nothing to confirm
    page = reverse("admin:strategies_strategy_workbook_import", args=[strategy.pk])
    return Output(name="resultat", content=dump_result(result), result_url=f"{page}?job={job.pk}")
