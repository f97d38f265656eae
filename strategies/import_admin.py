"""Spreadsheet import and export in the admin changelists of measures, projects, indicators and
indicator values (``SpreadsheetAdminMixin``), on top of import-export's admin views.

What it adds to them:

- the strategy to import into, chosen in the import form among those of the territories where the
  user belongs to the secretariat (``editor`` membership; superusers: all), checked again when the
  import is confirmed;
- explicit permissions: ``import_<model>`` (plus add and change) to import, ``export_<model>``
  (plus view) to export (``IMPORT_EXPORT_IMPORT_PERMISSION_CODE`` / ``..._EXPORT_...`` in the
  settings; the library's default lets any admin user import);
- the upload kept between the preview and the confirmation in storage every process and server
  shares (``spreadsheets.uploads``), and the confirmation naming it by a signed reference bound to
  the user, the strategy and the model, valid ``SPREADSHEET_IMPORT_CONFIRM_MAX_AGE`` seconds:
  import-export's hidden file name is never trusted, and a reference that is not the user's, for
  another strategy or model, or too old gets a page saying so, and changes nothing;
- the file checked before anything runs (size, type, decompressed size, headers), with French
  messages on the form, never a server error;
- a preview that lists every bad row (line, column, message, value read) and every change, a
  confirmation refused while any row is bad, and a confirmed import that rolls back entirely if
  the data changed meanwhile;
- the empty template of each model ("Modèle d'import", on the changelist and the import page);
- a file of more than ``IMPORT_BACKGROUND_ROWS`` rows previewed, then imported, by the task
  worker (``strategies.background``) with the rows' progress on the job's page; the import page
  shows the preview the job kept (``?job=<uuid>``, the job's user only) with the confirmation
  form; the confirmation's summary is on the job's page;
- exports restricted to the user's strategies, with typed cells and formulas neutralised (the
  formats of ``spreadsheets.formats``, chosen by the ``IMPORT_FORMATS`` and ``EXPORT_FORMATS``
  settings).
"""

from __future__ import annotations

import json
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from import_export.signals import post_import

from jobs import services as jobs
from jobs.models import Job
from spreadsheets import uploads
from spreadsheets.formats import XLSX_CONTENT_TYPE
from spreadsheets.results import StoredPreview
from spreadsheets.template import import_template
from spreadsheets.text import SpreadsheetError, file_size

from .models import Membership, Strategy

#: The kind of background job of a large import (``strategies.background``).
BACKGROUND_KIND = "admin_import"


def strategies_for_import(user) -> QuerySet[Strategy]:
    """The strategies a user may import into (and export from): those of the territories where
    they belong to the secretariat; all of them for a superuser."""
    if not user.is_authenticated:
        return Strategy.objects.none()
    if user.is_superuser:
        return Strategy.objects.all()
    return Strategy.objects.filter(
        territory__memberships__user=user,
        territory__memberships__role=Membership.Role.EDITOR,
    ).distinct()


class SpreadsheetImportForm(ImportForm):
    """import-export's form, plus the strategy; the file is checked here (size, type, decompressed
    size, headers) so that a bad one gets a French message before anything runs."""

    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(),
        label=_("Stratégie"),
        help_text=_(
            "Les lignes du fichier sont rattachées à cette stratégie et retrouvées par leur code. "
            "Seules les stratégies des territoires dont vous êtes le secrétariat sont proposées."
        ),
    )
    field_order = ["strategy", "resource", "import_file", "format"]

    def __init__(self, formats, resources, *, strategies: QuerySet[Strategy], **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.resources = resources
        self.fields["strategy"].queryset = strategies
        choices = list(strategies[:2])
        if len(choices) == 1:
            self.fields["strategy"].initial = choices[0].pk
        self.fields["import_file"].label = _("Fichier à importer")
        self.fields["import_file"].help_text = _(
            "Un classeur Excel (.xlsx) ou un fichier CSV de %(limit)s au plus."
        ) % {"limit": file_size(settings.SPREADSHEET_IMPORT_MAX_SIZE)}
        self.fields["format"].label = _("Format")

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        limit = settings.SPREADSHEET_IMPORT_MAX_SIZE
        if import_file.size > limit:
            raise forms.ValidationError(
                _("Le fichier pèse %(size)s : la limite est de %(limit)s."),
                params={"size": file_size(import_file.size), "limit": file_size(limit)},
            )
        return import_file

    def clean(self):
        cleaned = super().clean()
        import_file = cleaned.get("import_file")
        if import_file is None or cleaned.get("format") in (None, ""):
            return cleaned
        file_format = self.formats[int(cleaned["format"])]()
        resource_class = self.resources[int(cleaned.get("resource") or 0)]
        try:
            import_file.seek(0)
            content = import_file.read()
            dataset = file_format.read(content)
            resource_class(strategy=cleaned.get("strategy")).canonical_headers(dataset.headers)
        except SpreadsheetError as error:
            self.add_error("import_file", str(error))
        else:
            # Read once for the preview (SpreadsheetAdminMixin.write_to_tmp_storage).
            import_file.spreadsheet = (content, dataset)
        finally:
            import_file.seek(0)
        return cleaned


class SpreadsheetConfirmForm(ConfirmImportForm):
    """import-export's confirmation, plus the strategy, checked again against the user's. Its
    ``import_file_name`` holds the upload's signed reference (``spreadsheets.uploads``), not a file
    name: once checked, the stored name, the file's original name, format and resource are taken
    from the reference, whatever else the browser sends. ``refusal`` says why a reference was
    refused."""

    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(), widget=forms.HiddenInput, label=_("Stratégie")
    )

    def __init__(self, *args, strategies: QuerySet[Strategy], user, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies
        self.fields["original_file_name"].required = False
        self.user = user
        self.kind = kind
        self.refusal: str | None = None

    def clean_import_file_name(self) -> str:
        return self.cleaned_data["import_file_name"]  # a reference, not a path to shorten

    def clean(self):
        cleaned = super().clean()
        if "import_file_name" not in cleaned or "strategy" not in cleaned:
            return cleaned
        try:
            kept = uploads.read_reference(
                cleaned["import_file_name"],
                user=self.user,
                strategy=cleaned["strategy"],
                kind=self.kind,
            )
        except uploads.RefusedUpload as refusal:
            self.refusal = str(refusal)
            raise forms.ValidationError(self.refusal) from None
        cleaned["reference"] = cleaned["import_file_name"]
        cleaned["rows"] = int(kept.get("rows") or 0)
        cleaned["import_file_name"] = kept["name"]
        cleaned["original_file_name"] = kept["file"]
        cleaned["format"] = kept["format"]
        cleaned["resource"] = kept["resource"]
        return cleaned


class SpreadsheetExportForm(ExportForm):
    """import-export's export form, with the xlsx format chosen by default."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"
        self.fields["format"].label = _("Format")


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export of a model admin's rows as spreadsheets (see the module's docstring).
    The admin class names its resource in ``resource_classes`` and the path from its model to the
    strategy in ``strategy_path``."""

    strategy_path = "strategy"
    import_form_class = SpreadsheetImportForm
    confirm_form_class = SpreadsheetConfirmForm
    export_form_class = SpreadsheetExportForm
    import_template_name = "admin/import_export/spreadsheet_import.html"
    import_export_change_list_template = "admin/import_export/spreadsheet_change_list.html"
    # --- Permissions ----------------------------------------------------------------------------

    def has_import_permission(self, request: HttpRequest) -> bool:
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return super().has_export_permission(request) and self.has_view_permission(request)

    # --- Import ---------------------------------------------------------------------------------

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "strategies": self.strategies(request)}

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "strategies": self.strategies(request),
            "user": request.user,
            "kind": self.upload_kind(),
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            cleaned = import_form.cleaned_data
            initial["strategy"] = cleaned["strategy"].pk
            initial["import_file_name"] = uploads.reference(
                initial["import_file_name"],
                user=request.user,
                strategy=cleaned["strategy"],
                kind=self.upload_kind(),
                file=initial["original_file_name"][:200],
                format=initial["format"],
                resource=initial["resource"],
                rows=self.rows_read(import_form),
            )
        return initial

    @staticmethod
    def rows_read(import_form) -> int:
        """The rows of the file the import form has read (``SpreadsheetImportForm.clean``)."""
        read = getattr(import_form.cleaned_data.get("import_file"), "spreadsheet", None)
        return len(read[1]) if read is not None else 0

    def upload_kind(self) -> str:
        """What an upload's reference is for: this admin's imports."""
        return "admin:{}.{}".format(*self.get_model_info())

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"strategy": cleaned.get("strategy"), "user": request.user}

    def strategies(self, request: HttpRequest) -> QuerySet[Strategy]:
        return strategies_for_import(request.user)

    def write_to_tmp_storage(self, import_file, input_format):
        """The upload kept for the confirmation, in import-export's temporary storage (the
        shared ``SharedUploadStorage`` of the settings), with the rows the form has read already:
        the preview imports them, and the confirmation too (see ``SpreadsheetFile``)."""
        tmp_storage = super().write_to_tmp_storage(import_file, input_format)
        read = getattr(import_file, "spreadsheet", None)
        if read is not None and hasattr(input_format, "remember"):
            input_format.remember(*read, keep=True)
        return tmp_storage

    def add_data_read_fail_error_to_form(self, form, error) -> None:
        if isinstance(error, SpreadsheetError):
            form.add_error("import_file", str(error))
        else:
            form.add_error(
                "import_file", gettext("Ce fichier n'a pas pu être lu comme un tableur.")
            )

    def create_import_form(self, request):
        """One import form per request: ``import_action`` checks it before import-export does,
        and the file is read once."""
        form = getattr(request, "_spreadsheet_import_form", None)
        if form is None:
            form = super().create_import_form(request)
            request._spreadsheet_import_form = form
        return form

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "GET" and "job" in request.GET:
            return self.background_preview(request, request.GET["job"])
        if request.method == "POST":
            form = self.create_import_form(request)
            if form.is_valid() and self.rows_read(form) > settings.IMPORT_BACKGROUND_ROWS:
                return redirect(self.start_preview_job(request, form))
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):  # rendered later: the context can grow
            response.context_data.update(self.import_context(request))
        return response

    def import_context(self, request: HttpRequest) -> dict:
        info = self.get_model_info()
        resource_class = self.get_import_resource_classes(request)[0]
        template_url = reverse(f"admin:{info[0]}_{info[1]}_import_template")
        strategies = self.strategies(request)[:10]
        return {
            "template_url": template_url,
            # The template made for each of the user's strategies lists its codes and names.
            "strategy_templates": [
                (strategy, f"{template_url}?strategy={strategy.pk}") for strategy in strategies
            ],
            "preview_updates": resource_class.preview_updated_rows,
            "preview_new_rows": resource_class.preview_new_rows,
        }

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        if import_form is None:
            request._import_confirm_form = form  # for the log entry of the confirmed import
        return form

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_confirm_form(request)
            if not form.is_valid() and form.refusal:
                return self.refused_import(request, form.refusal)
            if form.is_valid() and form.cleaned_data["rows"] > settings.IMPORT_BACKGROUND_ROWS:
                return redirect(self.start_import_job(request, form.cleaned_data, confirm=True))
        try:
            return super().process_import(request, **kwargs)
        except (FileNotFoundError, SpreadsheetError):
            messages.error(
                request,
                gettext(
                    "Le fichier de l'aperçu n'est plus disponible ou a changé : rien n'a été "
                    "importé. Chargez-le à nouveau."
                ),
            )
            info = self.get_model_info()
            return HttpResponseRedirect(reverse(f"admin:{info[0]}_{info[1]}_import"))

    # --- In the background (strategies/background.py) -------------------------------------------

    def start_preview_job(self, request: HttpRequest, import_form) -> Job:
        """The upload kept as for a preview in the request, and the job that previews it."""
        cleaned = import_form.cleaned_data
        file_format = self.get_import_formats()[int(cleaned["format"])]()
        import_file = cleaned["import_file"]
        import_file.tmp_storage_name = self.write_to_tmp_storage(import_file, file_format).name
        initial = self.get_confirm_form_initial(request, import_form)
        kept = {
            "reference": initial["import_file_name"],
            "original_file_name": initial["original_file_name"][:200],
            "format": initial["format"],
            "resource": initial["resource"],
            "strategy": cleaned["strategy"],
        }
        return self.start_import_job(request, kept, confirm=False)

    def start_import_job(self, request: HttpRequest, kept: dict, *, confirm: bool) -> Job:
        """The job that previews (or imports) the upload of the reference ``kept`` carries."""
        info = self.get_model_info()
        model = self.model._meta.verbose_name_plural
        title = _("Import des %(model)s") if confirm else _("Aperçu de l'import des %(model)s")
        back = "changelist" if confirm else "import"
        return jobs.start(
            request.user,
            kind=BACKGROUND_KIND,
            title=title % {"model": model},
            params={
                "model": self.model._meta.label_lower,
                "reference": kept["reference"],
                "confirm": confirm,
                "file": str(kept.get("original_file_name") or ""),
                "format": str(kept.get("format") or "0"),
                "resource": str(kept.get("resource") or ""),
            },
            strategy_id=kept["strategy"].pk,
            unit=Job.Unit.ROWS,
            back_url=reverse(f"admin:{info[0]}_{info[1]}_{back}"),
        )

    def background_preview(self, request: HttpRequest, job_id: str) -> TemplateResponse:
        """The import page with the preview a job made (or the errors of a refused import), and
        the confirmation form when there is something to confirm. Only for the job's own user,
        and one of their strategies: 404 otherwise."""
        try:
            pk = uuid.UUID(job_id)
        except ValueError:
            raise Http404 from None
        job = (
            Job.objects.filter(pk=pk, user_id=request.user.pk, kind=BACKGROUND_KIND)
            .filter(state=Job.State.DONE)
            .exclude(file_name="")
            .first()
        )
        if job is None or job.is_expired or job.params.get("model") != self.model._meta.label_lower:
            raise Http404
        strategy = self.strategies(request).filter(pk=job.strategy_id).first()
        if strategy is None:
            raise Http404
        try:
            data = json.loads(jobs.read_result(job))
            preview = StoredPreview(data)
        except (OSError, ValueError, KeyError, TypeError):
            raise Http404 from None
        confirmed = bool(data.get("confirmed"))
        confirm_form = None
        if not confirmed and preview.ok and (preview.counts["new"] or preview.counts["update"]):
            confirm_form = self.get_confirm_form_class(request)(
                initial={
                    "import_file_name": job.params["reference"],
                    "original_file_name": job.params.get("file", ""),
                    "format": job.params.get("format", "0"),
                    "resource": job.params.get("resource", ""),
                    "strategy": strategy.pk,
                },
                strategies=self.strategies(request),
                user=request.user,
                kind=self.upload_kind(),
            )
        import_form = self.create_import_form(request)
        context = {
            **self.admin_site.each_context(request),
            **self.import_context(request),
            "title": gettext("Import"),
            "form": import_form,
            "confirm_form": confirm_form,
            "opts": self.model._meta,
            "media": self.media + import_form.media,
            "result": preview,
            "confirmed": confirmed,
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def refused_import(self, request: HttpRequest, reason: str) -> TemplateResponse:
        """The page of a confirmation whose reference is refused: nothing imported."""
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import refusé"),
            "opts": self.model._meta,
            "reason": reason,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, ["admin/import_export/spreadsheet_refused.html"], context, status=400
        )

    def process_result(self, result, request):
        """After the confirmation: the changelist with a summary, or, when the import found errors
        after all (the data changed since the preview), the errors, and nothing written."""
        if result.has_errors() or result.has_validation_errors():
            context = {
                **self.admin_site.each_context(request),
                **self.import_context(request),
                "title": gettext("Import"),
                "opts": self.model._meta,
                "form": None,
                "result": result,
                "confirmed": True,
                "import_error_display": self.import_error_display,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        self.generate_log_entries(result, request)
        self.add_success_message(result, request)
        post_import.send(sender=None, model=self.model)
        info = self.get_model_info()
        return HttpResponseRedirect(reverse(f"admin:{info[0]}_{info[1]}_changelist"))

    def generate_log_entries(self, result, request) -> None:
        confirm = getattr(request, "_import_confirm_form", None)
        cleaned = getattr(confirm, "cleaned_data", {}) or {}
        self.log_import(
            result, request.user, cleaned.get("original_file_name"), cleaned.get("strategy")
        )

    def log_import(self, result, user, file_name, strategy) -> None:
        """One entry of the admin's log per import: who imported which file into which strategy,
        and what it changed. Each created or changed row has its own history record already
        (simple-history, with the user and the file): one log entry per row would add nothing but
        100,000 lines to "Actions récentes"."""
        if self.get_skip_admin_log():
            return
        counts = result.counts
        if not counts["new"] and not counts["update"]:
            return
        summary = self.import_summary(result, file_name, strategy)
        LogEntry.objects.create(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=None,
            object_repr=summary[:200],
            action_flag=CHANGE if counts["update"] else ADDITION,
            change_message=summary,
        )

    def import_summary(self, result, file_name, strategy) -> str:
        return gettext(
            "Import de « %(file)s » dans %(strategy)s : %(new)s créé(s), %(update)s modifié(s)"
        ) % {"file": file_name or "?", "strategy": strategy or "?", **result.counts}

    def success_message(self, result) -> str:
        return (
            gettext(
                "Import terminé : %(new)s créé(s), %(update)s modifié(s), %(skip)s inchangé(s)."
            )
            % result.counts
        )

    def add_success_message(self, result, request) -> None:
        messages.success(request, self.success_message(result))

    # --- The empty template ---------------------------------------------------------------------

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/modele/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        """The empty import file of the model (xlsx): headers, an example row, the explanation of
        each column; with ``?strategy=<id>`` (one of the user's), the codes and names it
        accepts."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        strategy = None
        if request.GET.get("strategy", "").isdigit():
            strategy = self.strategies(request).filter(pk=request.GET["strategy"]).first()
        resource = self.get_import_resource_classes(request)[0](strategy=strategy)
        content = import_template(
            resource,
            resource.reference_lists() if strategy else None,
            gettext("Valeurs de la stratégie"),
        )
        name = slugify(str(self.model._meta.verbose_name_plural))
        if strategy is not None:
            name += "-" + slugify(strategy.short_name or strategy.title)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="modele-{name}.xlsx"'
        return response

    # --- Export ---------------------------------------------------------------------------------

    def get_export_queryset(self, request):
        queryset = super().get_export_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.strategy_path}__in": self.strategies(request)})

    def get_data_for_export(self, request, queryset, **kwargs):
        # Native values (real numbers and dates) for every format: the formats write them.
        return super().get_data_for_export(
            request, queryset, **{**kwargs, "force_native_type": True}
        )

    def get_export_filename(self, request, queryset, file_format) -> str:
        name = slugify(str(self.model._meta.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
