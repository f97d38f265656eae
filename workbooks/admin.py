"""The strategy workbook in the admin: on a strategy's page, a « Classeur de la stratégie » box to
download its workbook and to import one (upload, preview, confirmation).

The strategies app knows nothing of workbooks: this module registers, in place of
``strategies.admin.StrategyAdmin``, a subclass with the box and its pages (the criteria inline
and actions that ``prioritisation.admin`` adds to ``StrategyAdmin`` are class attributes, so the
subclass has them too):

- ``<id>/classeur.xlsx``: the workbook (``workbooks.export``);
- ``<id>/classeur/importer/``: the upload form, then the preview of the uploaded workbook;
- ``<id>/classeur/confirmer/`` (POST): the import of the previewed workbook, kept on the server
  (``workbooks.uploads``), never named by the browser.

Only the editors of the strategy's territory (and superusers) get there: another territory's
strategy is not found (404), and the model permissions of every row the workbook writes are
needed to import (those to view them, to download).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from jobs import services as jobs
from jobs.models import Job
from projects.models import Project
from spreadsheets.formats import XLSX_CONTENT_TYPE
from spreadsheets.reader import max_size
from spreadsheets.text import file_size
from strategies.access import get_strategy_for_editor
from strategies.admin import StrategyAdmin
from strategies.models import Strategy

from . import uploads
from .background import load_result, workbook_filename
from .export import export_workbook
from .forms import WorkbookUploadForm
from .reading import declared_rows
from .results import WorkbookResult
from .services import SHOWN_ROWS, import_workbook
from .sheets import sheet_specs

#: The models a workbook writes, by app.
WRITTEN = {
    "strategies": ("axis", "domain", "measure"),
    "projects": ("project",),
    "indicators": ("indicator", "indicatorvalue"),
}


def permissions(*actions: str) -> list[str]:
    return [
        f"{app}.{action}_{model}"
        for app, models in WRITTEN.items()
        for model in models
        for action in actions
    ]


#: To import a workbook: change the strategy, add and change every row it writes.
IMPORT_PERMISSIONS = ["strategies.change_strategy", *permissions("add", "change")]
#: To download it: view them.
EXPORT_PERMISSIONS = ["strategies.view_strategy", *permissions("view")]


admin.site.unregister(Strategy)


@admin.register(Strategy)
class WorkbookStrategyAdmin(StrategyAdmin):
    change_form_template = "admin/workbooks/strategy/change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/classeur.xlsx",
                wrap(self.workbook_download_view),
                name="{}_{}_workbook".format(*info),
            ),
            path(
                "<path:object_id>/classeur/importer/",
                wrap(self.workbook_import_view),
                name="{}_{}_workbook_import".format(*info),
            ),
            path(
                "<path:object_id>/classeur/confirmer/",
                wrap(self.workbook_confirm_view),
                name="{}_{}_workbook_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    # --- Access ---------------------------------------------------------------------------------

    def workbook_strategy(self, request: HttpRequest, object_id: str, *, write: bool) -> Strategy:
        """The strategy of the URL for an editor of its territory: 404 for another territory's,
        403 without the permissions the workbook needs."""
        if not str(object_id).isdigit():
            raise Http404
        strategy = get_strategy_for_editor(request, int(object_id))
        needed = (
            ["strategies.change_strategy", *permissions("add", "change")]
            if write
            else [
                "strategies.view_strategy",
                *permissions("view"),
            ]
        )
        if not request.user.has_perms(needed):
            raise PermissionDenied
        return strategy

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context["workbook_download"] = user.has_perms(EXPORT_PERMISSIONS)
            context["workbook_import"] = user.has_perms(IMPORT_PERMISSIONS)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- The pages ------------------------------------------------------------------------------

    def workbook_download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        strategy = self.workbook_strategy(request, object_id, write=False)
        projects = Project.objects.filter(strategy=strategy).count()
        if projects > settings.WORKBOOK_BACKGROUND_PROJECTS:
            # A large strategy's workbook is written by the task worker (workbooks/background.py).
            job = jobs.start(
                request.user,
                kind="workbook_export",
                title=_("Classeur de la stratégie – %(strategy)s") % {"strategy": strategy},
                strategy_id=strategy.pk,
                restart_url=request.get_full_path(),
                back_url=reverse("admin:strategies_strategy_change", args=[strategy.pk]),
            )
            return redirect(job)
        response = HttpResponse(export_workbook(strategy), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{workbook_filename(strategy)}"'
        return response

    def workbook_import_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        strategy = self.workbook_strategy(request, object_id, write=True)
        result = None
        if request.method == "GET" and "job" in request.GET:
            # The preview (or the refusal) a background job made.
            result = self.background_result(request, strategy, request.GET["job"])
            return self.workbook_page(request, strategy, WorkbookUploadForm(), result)
        if request.method == "POST":
            form = WorkbookUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["workbook"]
                content = upload.read()
                if declared_rows(content) > settings.IMPORT_BACKGROUND_ROWS:
                    uploads.keep(request, strategy, content, upload.name)
                    return redirect(self.import_job(request, strategy, confirm=False))
                result = import_workbook(
                    strategy, content, user=request.user, file_name=upload.name
                )
                unreadable = [problem for problem in result.problems if not problem.sheet]
                if unreadable:
                    for problem in unreadable:
                        form.add_error("workbook", problem.message)
                    result = None
                    uploads.forget(request, strategy)
                elif result.ok and result.changes_anything:
                    uploads.keep(request, strategy, content, upload.name)
                else:
                    uploads.forget(request, strategy)
        else:
            form = WorkbookUploadForm()
        return self.workbook_page(request, strategy, form, result)

    def workbook_confirm_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        strategy = self.workbook_strategy(request, object_id, write=True)
        import_url = reverse("admin:strategies_strategy_workbook_import", args=[strategy.pk])
        try:
            upload = uploads.take(request, strategy)
        except uploads.Refused as refusal:
            messages.error(request, str(refusal))
            return redirect(import_url)
        if declared_rows(upload.content) > settings.IMPORT_BACKGROUND_ROWS:
            return redirect(self.import_job(request, strategy, confirm=True))
        result = import_workbook(
            strategy, upload.content, user=request.user, file_name=upload.name, confirm=True
        )
        if not result.ok:
            uploads.forget(request, strategy)
            return self.workbook_page(request, strategy, WorkbookUploadForm(), result)
        uploads.forget(request, strategy)
        summary = _(
            "Import du classeur « %(file)s » : %(new)s élément(s) créé(s), %(changed)s modifié(s)."
        ) % {"file": upload.name, "new": result.new, "changed": result.changed}
        self.log_change(request, strategy, summary)
        messages.success(request, summary)
        return redirect(reverse("admin:strategies_strategy_change", args=[strategy.pk]))

    # --- In the background (workbooks/background.py) ---------------------------------------------

    def import_job(self, request: HttpRequest, strategy: Strategy, *, confirm: bool) -> Job:
        """The job that previews (or imports) the upload this session keeps for ``strategy``."""
        title = (
            _("Import du classeur – %(strategy)s")
            if confirm
            else _("Aperçu du classeur – %(strategy)s")
        )
        return jobs.start(
            request.user,
            kind="workbook_import",
            title=title % {"strategy": strategy},
            params={"token": uploads.token_of(request, strategy), "confirm": confirm},
            strategy_id=strategy.pk,
            unit=Job.Unit.ROWS,
            back_url=reverse("admin:strategies_strategy_workbook_import", args=[strategy.pk]),
        )

    def background_result(
        self, request: HttpRequest, strategy: Strategy, job_id: str
    ) -> WorkbookResult:
        """The result of this user's finished import job for ``strategy``; 404 otherwise."""
        try:
            job_uuid = uuid.UUID(job_id)
        except ValueError:
            raise Http404 from None
        job = (
            Job.objects.for_user(request.user)
            .filter(pk=job_uuid, kind="workbook_import", strategy_id=strategy.pk)
            .filter(state=Job.State.DONE)
            .exclude(file_name="")
            .first()
        )
        if job is None or job.is_expired:
            raise Http404
        try:
            return load_result(jobs.read_result(job))
        except (OSError, ValueError):
            raise Http404 from None

    def workbook_page(
        self,
        request: HttpRequest,
        strategy: Strategy,
        form: WorkbookUploadForm,
        result: WorkbookResult | None,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Classeur de la stratégie"),
            "subtitle": str(strategy),
            "opts": self.opts,
            "original": strategy,
            "form": form,
            "result": result,
            "shown_rows": SHOWN_ROWS,
            "limit": file_size(max_size()),
            "sheets": [spec.title for spec in sheet_specs(strategy.levels)],
            "download_url": reverse("admin:strategies_strategy_workbook", args=[strategy.pk]),
            "confirm_url": reverse(
                "admin:strategies_strategy_workbook_confirm", args=[strategy.pk]
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/workbooks/import.html", context)
