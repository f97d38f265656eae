"""The admin's per-model spreadsheet imports (``strategies.import_admin``) of a file above
``IMPORT_BACKGROUND_ROWS`` rows, run by the task worker: the preview (a dry run) and the
confirmation, with the rows' progress on the job's page.

The job names the model (``app_label.model_name``: its admin is found in the admin site, so this
module imports none of the apps above) and the upload's signed reference
(``spreadsheets.uploads``); the worker checks everything again as the request did: the user's
import permission, the strategy among theirs (``strategies_for_import``), the reference bound to
that user, strategy and model.

- The preview keeps what its page needs as plain data (``StoredPreview``: counts, the rows of the
  diff table, every error, in French) as the job's file; the import page reads it back
  (``?job=<uuid>``) and shows it with the confirmation form in the user's own request.
- The confirmation imports in one transaction, all or nothing: the rows, their history and the
  admin's log entry. Its summary is the job's message (the job's page links back to the
  changelist); an import refused after all (the data changed since the preview) shows its errors
  on the import page the same way as a preview, and nothing is written.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.signals import post_import

from jobs.models import Job
from jobs.services import JobFailed, Output, Progress, register
from spreadsheets import uploads
from spreadsheets.results import StoredPreview
from spreadsheets.text import SpreadsheetError

from .import_admin import BACKGROUND_KIND, SpreadsheetAdminMixin, strategies_for_import


def spreadsheet_admin(label: str) -> SpreadsheetAdminMixin:
    """The admin of a model named ``app_label.model_name``, if it imports spreadsheets."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        model = None
    model_admin = admin.site._registry.get(model) if model is not None else None
    if not isinstance(model_admin, SpreadsheetAdminMixin):
        raise JobFailed(_("Ces données ne s'importent pas par tableur : rien n'a été importé."))
    return model_admin


def worker_request(user) -> HttpRequest:
    """A request carrying only the user, for the admin's permission checks in the worker."""
    request = HttpRequest()
    request.user = user
    return request


@register(BACKGROUND_KIND)
def admin_import(job: Job, progress: Progress) -> Output:
    """The preview (``confirm`` false) or the import of the upload the job's reference names."""
    model_admin = spreadsheet_admin(job.params["model"])
    user = get_user_model().objects.filter(pk=job.user_id, is_active=True).first()
    request = worker_request(user)
    if user is None or not model_admin.has_import_permission(request):
        raise JobFailed(
            _("Vous n'avez pas le droit d'importer ces données : rien n'a été importé.")
        )
    strategy = strategies_for_import(user).filter(pk=job.strategy_id).first()
    if strategy is None:
        raise JobFailed(
            _(
                "Cette stratégie n'est pas parmi celles où vous pouvez importer : rien n'a été "
                "importé."
            )
        )
    reference, confirm = job.params["reference"], bool(job.params.get("confirm"))
    try:
        kept = uploads.read_reference(
            reference, user=user, strategy=strategy, kind=model_admin.upload_kind()
        )
        storage = uploads.SharedUploadStorage(name=str(kept["name"]))
        content = storage.read()
        file_format = model_admin.get_import_formats()[int(kept["format"])]()
        dataset = file_format.create_dataset(content)
    except uploads.RefusedUpload as refusal:
        raise JobFailed(str(refusal)) from None
    except FileNotFoundError:
        raise JobFailed(
            _(
                "Le fichier de l'aperçu n'est plus disponible ou a changé : rien n'a été "
                "importé. Chargez-le à nouveau."
            )
        ) from None
    except SpreadsheetError as error:
        raise JobFailed(str(error)) from None
    del content
    resource_classes = model_admin.get_import_resource_classes(request)
    resource = resource_classes[int(kept.get("resource") or 0)](strategy=strategy, user=user)
    total = len(dataset)
    progress(0, total, unit=Job.Unit.ROWS)
    resource.progress = lambda done: progress(done, total)
    file_name = str(kept.get("file") or "")
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=not confirm, raise_errors=False, file_name=file_name, user=user
        )
        ok = not (result.has_errors() or result.has_validation_errors())
        if confirm and ok:
            model_admin.log_import(result, user, file_name, strategy)
    progress(total, total)
    if confirm:
        storage.remove()
    if confirm and ok:
        post_import.send(sender=None, model=model_admin.model)
        return Output(message=model_admin.success_message(result))
    counts = result.counts
    if not ok or not (counts["new"] or counts["update"]):
        storage.remove()  # nothing to confirm
    data = {**StoredPreview.as_data(result), "confirmed": confirm}
    del result, dataset
    info = model_admin.get_model_info()
    page = reverse(f"admin:{info[0]}_{info[1]}_import")
    return Output(
        name="apercu.json",
        content=json.dumps(data, ensure_ascii=False).encode(),
        result_url=f"{page}?job={job.pk}",
    )
