"""Reading the file of an import safely: the first sheet of an xlsx, or a csv, as rows of values
with their line numbers in the spreadsheet (``read_spreadsheet``).

- A file over ``SPREADSHEET_IMPORT_MAX_SIZE`` (10 MB), an xlsx that would decompress to over
  ``SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE`` (100 MB) or ``SPREADSHEET_IMPORT_MAX_RATIO`` (100)
  times its size, a file that is neither xlsx nor csv (an old .xls, an .ods, a PDF, an image), an
  empty one, is refused with a French message (``SpreadsheetError``), never a server error. The
  archive is checked before any parser opens it (``check_zip``); both readers below decompress
  no more than the sizes it declares.
- An xlsx is read by python-calamine (values only: a formula's cached result), unless its sheets
  hold error cells (``#N/A``), which calamine reads as empty: openpyxl reads those
  (``load_workbook(read_only=True, data_only=True)``, with defusedxml) and keeps the error's text.
  A formula saved without its result (by a program that computes nothing) is given as such
  (``spreadsheets.formulas``), not as an empty cell.
  Neither expands XML entities: a workbook that declares some is refused.
- Blank lines are skipped but the line numbers of the spreadsheet are kept, for the errors; the
  first line that is not blank holds the headers. A csv may be UTF-8 or Windows-1252, with ``;``,
  ``,`` or tabs (Excel writes ``;`` in French).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import python_calamine
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from spreadsheets.formulas import (
    FormulaWithoutValue,
    chunk_overlap,
    formulas_without_value,
    may_hold_uncomputed,
    with_formulas,
)
from spreadsheets.text import SpreadsheetError, file_size
from spreadsheets.xlsx import FORMULA_TRIGGERS

logger = logging.getLogger(__name__)

#: An xlsx has a few dozen parts; thousands of them is not a spreadsheet.
MAX_ZIP_MEMBERS = 2000
#: Data rows read at most (a strategy has hundreds of projects, an indicator a value a month).
MAX_ROWS = 500_000


class SheetRows(tablib.Dataset):
    """The rows read from a file, as a tablib dataset (what import-export imports) that keeps them
    as the tuples read, without a copy per row, and knows their line in the spreadsheet
    (``line_numbers``)."""

    #: Whether a cell holds a formula saved without its value (``spreadsheets.formulas``).
    formulas_without_value = False

    def __init__(self, headers: list[str], rows: list[tuple], line_numbers: list[int]) -> None:
        super().__init__()
        self._data = rows
        self.headers = headers
        self.line_numbers = line_numbers

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._data)

    def kept(self) -> tuple:
        """What rebuilds these rows (``from_kept``): plain lists and tuples, which pickle fast."""
        return (list(self.headers), self._data, self.line_numbers, self.formulas_without_value)

    @classmethod
    def from_kept(cls, kept: tuple) -> SheetRows:
        headers, rows, line_numbers, formulas = kept
        if not isinstance(rows, list) or len(rows) != len(line_numbers):
            raise ValueError("rows and line numbers differ")
        dataset = cls(list(headers), rows, list(line_numbers))
        dataset.formulas_without_value = bool(formulas)
        return dataset

    def __getitem__(self, key):
        if isinstance(key, int | slice):
            return self._data[key]
        return super().__getitem__(key)


# --- The file as a whole --------------------------------------------------------------------------


def max_size() -> int:
    return settings.SPREADSHEET_IMPORT_MAX_SIZE


def check_size(data: bytes) -> None:
    if not data:
        raise SpreadsheetError(_("Le fichier est vide."))
    if len(data) > max_size():
        raise SpreadsheetError(
            _("Le fichier pèse %(size)s : la limite est de %(limit)s.")
            % {"size": file_size(len(data)), "limit": file_size(max_size())}
        )


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The xlsx as a zip archive, refused when it would decompress beyond the limits (the sizes it
    declares bound what it can decompress to: Python's zip reader and calamine's stop there)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(
            _("Ce classeur Excel est endommagé : enregistrez-le à nouveau au format .xlsx.")
        ) from error
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise SpreadsheetError(
                _(
                    "Ce fichier est un classeur OpenDocument (.ods) : enregistrez-le au format "
                    "Excel (.xlsx) ou CSV."
                )
            )
        raise SpreadsheetError(
            _("Cette archive n'est pas un classeur Excel (.xlsx) ni un fichier CSV.")
        )
    total = sum(member.file_size for member in members)
    limit = settings.SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE
    ratio = settings.SPREADSHEET_IMPORT_MAX_RATIO
    if len(members) > MAX_ZIP_MEMBERS or total > limit or total > ratio * len(data):
        raise SpreadsheetError(
            _(
                "Ce classeur se décompresse en %(total)s (%(ratio)s fois sa taille) : au-delà de "
                "%(limit)s ou de %(max_ratio)s fois, il est refusé par sécurité."
            )
            % {
                "total": file_size(total),
                "ratio": total // max(len(data), 1),
                "limit": file_size(limit),
                "max_ratio": ratio,
            }
        )
    return archive


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def build_dataset(rows: Iterable[tuple[int, Sequence[Any]]]) -> SheetRows:
    """A dataset from ``(line number, values)`` pairs: the first non-blank line is the header;
    blank lines are skipped (their numbers kept in ``dataset.line_numbers``); columns without a
    header must be empty."""
    headers: list[Any] | None = None
    header_line = 0
    data: list[Sequence[Any]] = []
    lines: list[int] = []
    used_width = 0
    for line, values in rows:
        last = len(values)
        while last and is_blank(values[last - 1]):
            last -= 1
        if not last:
            continue
        if headers is None:
            headers = list(values)
            header_line = line
            continue
        if len(data) >= MAX_ROWS:
            raise SpreadsheetError(
                _("Le fichier a plus de %(max)s lignes : importez-le en plusieurs fois.")
                % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")}
            )
        used_width = max(used_width, last)
        data.append(values)
        lines.append(line)
    if headers is None:
        raise SpreadsheetError(_("Le fichier est vide : il n'a même pas d'en-têtes."))
    while headers and is_blank(headers[-1]):
        headers.pop()
    if used_width > len(headers):
        raise SpreadsheetError(
            _(
                "La colonne %(column)s n'a pas d'en-tête à la ligne %(line)s mais contient des "
                "valeurs."
            )
            % {"column": get_column_letter(len(headers) + 1), "line": header_line}
        )
    headers = ["" if header is None else str(header).strip() for header in headers]
    for index, header in enumerate(headers):
        if not header:
            raise SpreadsheetError(
                _("La colonne %(column)s n'a pas d'en-tête (ligne %(line)s).")
                % {"column": get_column_letter(index + 1), "line": header_line}
            )
    if not data:
        raise SpreadsheetError(
            _("Le fichier n'a aucune ligne de données sous ses en-têtes (ligne %(line)s).")
            % {"line": header_line}
        )
    width = len(headers)
    for index, values in enumerate(data):
        if len(values) != width:
            data[index] = tuple(values[:width]) + (None,) * (width - len(values))
    return SheetRows(headers, data, lines)


# --- xlsx -----------------------------------------------------------------------------------------

#: An error cell (``<c r="B2" t="e">``) of a sheet's XML.
ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")
#: A document type declaration, where XML entities are declared (and entity bombs built).
DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
CHUNK = 1 << 20


def scan_parts(archive: zipfile.ZipFile) -> tuple[bool, set[str]]:
    """Whether a sheet of the workbook holds an error cell (or text that looks like one: openpyxl
    then reads the workbook, which is slower but as right), and the sheets that hold a formula
    saved without its value (``spreadsheets.formulas``). A part that declares a document type is
    refused: neither reader expands entities, but such a workbook is not one a spreadsheet
    application saves."""
    errors = False
    uncomputed: set[str] = set()
    for name in archive.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        sheet = name.startswith("xl/worksheets/")
        with archive.open(name) as part:
            chunk = part.read(CHUNK)
            if DOCTYPE.search(chunk):
                raise insecure()
            tail = b""
            while sheet and chunk and not (errors and name in uncomputed):
                text = tail + chunk
                errors = errors or ERROR_CELL.search(text) is not None
                if name not in uncomputed and may_hold_uncomputed(text):
                    uncomputed.add(name)
                tail, chunk = chunk_overlap(text), part.read(CHUNK)
    return errors, uncomputed


def xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """The lines of the first sheet of an xlsx, as ``(line number, values)``: the values as
    openpyxl gives them in ``data_only`` mode (dates as datetimes, whole numbers as ints, empty
    cells as None, an error as its text), except a formula saved without its computed value,
    given as a ``FormulaWithoutValue``."""
    archive = check_zip(data)
    try:
        errors, uncomputed = scan_parts(archive)
        formulas = formulas_without_value(archive, uncomputed)
        rows = openpyxl_rows(data) if errors else calamine_rows(data)
        yield from with_formulas(rows, formulas) if formulas else rows
    except SpreadsheetError:
        raise
    except Exception as error:
        raise unreadable(error) from error


def calamine_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    worksheets = [
        index
        for index, sheet in enumerate(workbook.sheets_metadata)
        if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if not worksheets:
        raise SpreadsheetError(_("Ce classeur n'a aucune feuille."))
    sheet = workbook.get_sheet_by_index(worksheets[0])
    if sheet.start is None:
        return
    # Rows from the first one of the sheet, cells from the first column holding one.
    padding = (None,) * sheet.start[1]
    cell = CellValues()
    for line, values in enumerate(sheet.iter_rows(), start=1):
        yield line, padding + tuple(map(cell, values))


class CellValues:
    """Values from calamine as openpyxl gives them (empty cells as None, dates as datetimes, whole
    numbers as ints), each text and date made once per file: a column that repeats a name or a
    date holds one object, not one per row."""

    #: Distinct texts and dates kept at most (a column of unique texts gains nothing).
    MAX_KNOWN = 50_000

    def __init__(self) -> None:
        self.known: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            if not value:
                return None
        elif kind is float:
            return int(value) if value.is_integer() else value
        elif kind is not datetime.date:
            return value
        known = self.known.get(value)
        if known is None:
            known = value
            if kind is datetime.date:
                known = datetime.datetime(value.year, value.month, value.day)
            if len(self.known) < self.MAX_KNOWN:
                self.known[value] = known
        return known


def openpyxl_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("Ce classeur n'a aucune feuille."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the sheet's declared size may be wrong: read every cell
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def insecure() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Ce classeur contient des constructions XML refusées par sécurité (entités, DTD) : "
            "enregistrez-le à nouveau depuis votre tableur."
        )
    )


def unreadable(error: Exception) -> SpreadsheetError:
    logger.info("Unreadable spreadsheet: %r", error)
    if type(error).__module__.startswith("defusedxml"):
        return insecure()
    return SpreadsheetError(
        _(
            "Ce classeur Excel est illisible ou endommagé : enregistrez-le à nouveau au format "
            ".xlsx."
        )
    )


def read_xlsx(data: bytes) -> SheetRows:
    dataset = build_dataset(xlsx_rows(data))
    dataset.formulas_without_value = any(
        value.__class__ is FormulaWithoutValue for values in dataset for value in values
    )
    return dataset


# --- csv ------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """A csv's text: UTF-8 (with or without the BOM Excel writes), else Windows-1252 (Excel's
    "CSV (séparateur : point-virgule)" on Windows). Binary content is not a csv."""
    head = data[:8192]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "Ce fichier est un ancien classeur Excel (.xls) : enregistrez-le au format .xlsx "
                "ou CSV."
            )
        )
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8")):
        raise not_a_spreadsheet()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_a_spreadsheet()
    controls = sum(1 for char in text[:8192] if ord(char) < 32 and char not in "\t\r\n")
    if controls:
        raise not_a_spreadsheet()
    return text


def not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        _("Ce fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV : rien n'a été lu.")
    )


def csv_rows(text: str) -> Iterator[tuple[int, tuple]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, tuple(unquote(value) for value in values)
    except csv.Error as error:
        raise SpreadsheetError(
            _("Ce fichier CSV est mal formé (%(error)s).") % {"error": error}
        ) from error


def unquote(value: str) -> str | None:
    """A csv cell as the import reads it: empty is None; the ``'`` that the export puts before
    text starting like a formula is removed."""
    if value == "":
        return None
    if value.startswith("'") and value[1:2] and value[1] in "".join(FORMULA_TRIGGERS):
        return value[1:]
    return value


def read_csv(data: bytes) -> SheetRows:
    return build_dataset(csv_rows(decode_text(data)))


def read_spreadsheet(data: bytes) -> SheetRows:
    """The first sheet of an xlsx, or a csv, as a dataset (see the module's docstring)."""
    check_size(data)
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    return read_csv(data)
