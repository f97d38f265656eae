"""Real spreadsheet files for the import tests (written and read with openpyxl), and the admin's
import views driven with the test client."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spreadsheets.formats import SpreadsheetFile

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "Données") -> bytes:
    """A workbook whose first sheet has these headers and rows, as a secretariat would type it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dataset(content: bytes) -> tablib.Dataset:
    """A file read as the admin reads it."""
    return SpreadsheetFile().read(content)


def rows_of(content: bytes) -> list[dict[str, Any]]:
    """The first sheet of an xlsx as a list of {header: value}."""
    sheet = open_xlsx(content).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def upload(client, model, strategy, content: bytes, *, name: str = "import.xlsx"):
    """The import form posted: the preview (or the form's errors)."""
    return client.post(
        admin_url(model, "import"),
        {
            "strategy": strategy.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content, content_type=XLSX_TYPE),
        },
    )


def confirm(client, model, preview, **kwargs):
    """The preview's confirmation posted, as its hidden form would be."""
    form = preview.context["confirm_form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    return client.post(admin_url(model, "process_import"), data, **kwargs)


def export(client, model, file_format: int = 0, query: str = ""):
    return client.post(admin_url(model, "export") + query, {"format": str(file_format)})
