"""The file formats of the admin's import and export, as import-export formats (chosen in the
settings: ``IMPORT_FORMATS``, ``EXPORT_FORMATS``).

- ``SpreadsheetFile`` imports an xlsx or a csv, told apart by their content and read safely
  (``spreadsheets.reader``).
- ``XLSX`` exports a workbook written like the pack (``spreadsheets.xlsx``): numbers and dates
  stay typed (real dates formatted dd.mm.yyyy, real numbers), and text that a spreadsheet could
  take for a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is written as text with
  Excel's quote prefix.
- ``CSV`` exports for Excel in French; such text gets the usual ``'`` prefix, which the import
  removes again.

import-export's ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not used: it turns every cell into
text and drops the ``=``.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import tablib
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from import_export.formats.base_formats import Format

from spreadsheets import uploads
from spreadsheets.reader import SheetRows, read_spreadsheet
from spreadsheets.tables import write_table
from spreadsheets.xlsx import DATE_FORMAT, FORMULA_TRIGGERS, PLAIN, Book, Column

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Cell formats of the export, by the kind of column (``ColumnsMixin.column_kind``); numbers of
#: other kinds are shown as they are.
NUMBER_FORMATS = {"date": DATE_FORMAT, "money": "#,##0.00", "int": "0"}
#: Column widths by kind.
WIDTHS = {"date": 12, "money": 14, "int": 10, "number": 14, "text": 24}


def export_columns(headers, kinds) -> list[Column]:
    """The columns of an export or a template: as wide as their kind and header need."""
    return [
        Column(
            header,
            max(WIDTHS.get(kind, 14), min(len(str(header)) + 4, 40)),
            kind,
            NUMBER_FORMATS.get(kind, ""),
        )
        for header, kind in zip(headers, kinds, strict=True)
    ]


class SpreadsheetFile(Format):
    """The import format: an xlsx or a csv, told apart by their content.

    The upload is read when the import form checks it; the preview imports the rows read then
    (``remember``), and the confirmation reads the file again from import-export's temporary
    storage."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding  # import-export passes one; a csv's is detected instead
        self._read: tuple[bytes, tablib.Dataset] | None = None

    def get_title(self) -> str:
        return _("classeur Excel (.xlsx) ou CSV")

    def read(self, data: bytes) -> tablib.Dataset:
        """An uploaded file as a dataset (or a French ``SpreadsheetError``)."""
        return read_spreadsheet(data)

    def remember(self, data: bytes, dataset: tablib.Dataset, *, keep: bool = False) -> None:
        """The dataset already read from ``data``: ``create_dataset(data)`` gives it back. With
        ``keep``, its rows are also kept with the upload (``uploads.keep_rows``) for the
        confirmation, which may run in another process."""
        self._read = (data, dataset)
        if keep and isinstance(dataset, SheetRows):
            uploads.keep_rows(data, dataset.kept())

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        """The rows of an upload: those read already in this process, else those kept with the
        upload (a confirmation: 0.1 s instead of reading 100,000 rows again), else read."""
        if self._read is not None and self._read[0] == in_stream:
            return self._read[1]
        kept = uploads.kept_rows(in_stream)
        if kept is not None:
            try:
                return SheetRows.from_kept(kept)
            except (TypeError, ValueError):
                pass  # kept by another version: read again
        return self.read(in_stream)

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True


class XLSX(Format):
    """The export as an Excel workbook: the pack's header, typed cells, frozen header, filters."""

    def get_title(self) -> str:
        return "xlsx"

    def get_extension(self) -> str:
        return "xlsx"

    def get_content_type(self) -> str:
        return XLSX_CONTENT_TYPE

    def is_binary(self) -> bool:
        return True

    def can_export(self) -> bool:
        return True

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        kinds = list(getattr(dataset, "column_kinds", None) or ["text"] * dataset.width)
        columns = export_columns(dataset.headers, kinds)
        book = Book(on=timezone.localdate(), constant_memory=True)
        title = (dataset.title or _("Données"))[:31]
        sheet = book.sheet(title, [column.width for column in columns], freeze_row=2)
        write_table(sheet, columns, dataset, body=PLAIN)
        return book.close()


class CSV(Format):
    """The export as csv for Excel in French: ``;`` between cells, UTF-8 with a BOM, dates
    dd.mm.yyyy, a point before decimals, text that looks like a formula prefixed with ``'``."""

    def get_title(self) -> str:
        return "csv"

    def get_extension(self) -> str:
        return "csv"

    def get_content_type(self) -> str:
        return "text/csv; charset=utf-8"

    def is_binary(self) -> bool:
        return True  # already encoded (with the BOM Excel needs to read UTF-8)

    def can_export(self) -> bool:
        return True

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        for values in dataset:
            writer.writerow([csv_cell(value) for value in values])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
