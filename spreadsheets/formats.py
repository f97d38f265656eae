"""The files of the admin's import and export: xlsx and csv, read safely, written like the pack.

Reading (``SpreadsheetFile``, one import format for both: the content says which it is):

- a file over ``SPREADSHEET_IMPORT_MAX_SIZE`` (10 MB), an xlsx that would decompress to over
  ``SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE`` (100 MB) or ``SPREADSHEET_IMPORT_MAX_RATIO`` (100)
  times its size, a file that is neither xlsx nor csv (an old .xls, an .ods, a PDF, an image), an
  empty one, is refused with a French message (``SpreadsheetError``), never a server error;
- openpyxl parses with defusedxml (a dependency), so XML entity bombs are refused too;
- the first sheet is read, in read-only mode, values only; blank lines are skipped but the line
  numbers of the spreadsheet are kept, for the errors; a csv may be UTF-8 or Windows-1252, with
  ``;``, ``,`` or tabs (Excel writes ``;`` in French).

Writing (``XLSX``, ``CSV``): numbers and dates stay typed (real dates formatted dd.mm.yyyy, real
numbers); text that a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) is neutralised by the Excel pack's own cell writer (``cockpit.excel.put``: a
string cell with Excel's quote prefix). In csv, such text gets the usual ``'`` prefix, which the
import removes again. import-export's ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not used: it
turns every cell into text and drops the ``=``.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import logging
import posixpath
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import tablib
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from import_export.formats.base_formats import Format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.xml.functions import fromstring, iterparse

from spreadsheets.cells import (
    DATE_FORMAT,
    FORMULA_TRIGGERS,
    LABEL_FONT,
    TITLE_FONT,
    WRAP,
    Column,
    header_row,
    put,
)
from spreadsheets.text import SpreadsheetError, file_size

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Cell formats of the export, by the kind of column (``SpreadsheetResource.column_kind``).
NUMBER_FORMATS = {"date": DATE_FORMAT, "money": "#,##0.00", "int": "0"}
#: Column widths by kind.
WIDTHS = {"date": 12, "money": 14, "int": 10, "number": 14, "text": 24}
#: An xlsx has a few dozen parts; thousands of them is not a spreadsheet.
MAX_ZIP_MEMBERS = 2000
#: Data rows read at most (a strategy has hundreds of projects, an indicator a value a month).
MAX_ROWS = 500_000


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
    declares bound what it can decompress to: Python's zip reader stops there)."""
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


def build_dataset(rows: Iterator[tuple[int, Sequence[Any]]]) -> tablib.Dataset:
    """A tablib dataset from ``(line number, values)`` pairs: the first non-blank line is the
    header; blank lines are skipped (their numbers kept in ``dataset.line_numbers``); columns
    without a header must be empty."""
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
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    if not data:
        raise SpreadsheetError(
            _("Le fichier n'a aucune ligne de données sous ses en-têtes (ligne %(line)s).")
            % {"line": header_line}
        )
    dataset.extend(tuple(values[:width]) + (None,) * (width - len(values)) for values in data)
    dataset.line_numbers = lines
    return dataset


# The first sheet of an xlsx, read with openpyxl's own XML functions (defusedxml: entity bombs are
# refused) and its rules for cell types, strings and dates, but without building a cell object
# per cell: openpyxl's read-only sheet takes three times as long for 100,000 rows.
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL, VALUE, ROW, INLINE = f"{MAIN}c", f"{MAIN}v", f"{MAIN}row", f"{MAIN}is"
TEXT, RUN = f"{MAIN}t", f"{MAIN}r"


def part_path(target: str) -> str:
    """A workbook relationship's target as a path in the archive."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def workbook_parts(
    archive: zipfile.ZipFile,
) -> tuple[str, str | None, str | None, datetime.datetime]:
    """The first sheet, the shared strings and the styles of the workbook, and its date epoch."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise SpreadsheetError(_("Ce classeur n'a aucune feuille."))
    properties = workbook.find(f"{MAIN}workbookPr")
    epoch = (
        MAC_EPOCH
        if properties is not None and properties.get("date1904") in ("1", "true")
        else WINDOWS_EPOCH
    )
    targets = {}
    for relation in fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(
        f"{PACKAGE}Relationship"
    ):
        targets[relation.get("Id")] = relation.get("Target")
        kind = relation.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("sharedStrings", "styles"):
            targets[kind] = relation.get("Target")
    sheet_target = targets.get(sheet.get(f"{RELATIONSHIPS}id"))
    if sheet_target is None:
        raise SpreadsheetError(_("Ce classeur Excel est endommagé : sa première feuille manque."))
    names = set(archive.namelist())

    def existing(target: str | None) -> str | None:
        return part_path(target) if target and part_path(target) in names else None

    return (
        part_path(sheet_target),
        existing(targets.get("sharedStrings")),
        existing(targets.get("styles")),
        epoch,
    )


def date_styles(archive: zipfile.ZipFile, path: str | None) -> tuple[set[int], set[int]]:
    """The cell styles whose number format is a date (or a duration), by index."""
    if path is None:
        return set(), set()
    styles = fromstring(archive.read(path))
    formats = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(f"{MAIN}numFmt"):
        formats[int(number_format.get("numFmtId"))] = number_format.get("formatCode")
    dates, durations = set(), set()
    cell_formats = styles.find(f"{MAIN}cellXfs")
    for index, cell_format in enumerate(cell_formats if cell_formats is not None else ()):
        code = formats.get(int(cell_format.get("numFmtId", 0)))
        if is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return dates, durations


def inline_text(inline) -> str:
    """An inline string's text: its runs, without their phonetic guides (as openpyxl's ``Text``)."""
    parts = []
    for child in inline:
        if child.tag == TEXT:
            parts.append(child.text or "")
        elif child.tag == RUN:
            parts.append(child.findtext(TEXT) or "")
    return "".join(parts)


def cell_value(cell, kind: str | None, strings: list[str], dates: set[int], durations, epoch):
    """A cell's value as openpyxl gives it in ``data_only`` mode (a formula's cached result)."""
    if kind == "inlineStr":
        inline = cell.find(INLINE)
        return None if inline is None else inline_text(inline)
    text = cell.findtext(VALUE)
    if not text:
        return None
    if kind is None or kind == "n":
        number = float(text) if "." in text or "E" in text or "e" in text else int(text)
        style = cell.get("s")
        if style is not None and int(style) in dates:
            try:
                return from_excel(number, epoch, timedelta=int(style) in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's text) and "e" (an error such as #N/A)


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """The lines of the first sheet, as ``(line number, values)``."""
    archive = check_zip(data)
    try:
        sheet, strings_path, styles_path, epoch = workbook_parts(archive)
        strings = read_string_table(archive.open(strings_path)) if strings_path else []
        dates, durations = date_styles(archive, styles_path)
        line = 0
        cells: dict[int, Any] = {}
        column = 0
        for _event, element in iterparse(archive.open(sheet)):
            tag = element.tag
            if tag == CELL:
                reference = element.get("r")
                column = column_of(reference) if reference else column + 1
                kind = element.get("t")
                if kind == "s":  # most cells of a workbook saved by Excel
                    text = element.findtext(VALUE)
                    cells[column] = strings[int(text)] if text else None
                else:
                    cells[column] = cell_value(element, kind, strings, dates, durations, epoch)
            elif tag == ROW:
                line = int(element.get("r") or line + 1)
                values = [None] * max(cells, default=0)
                for index, value in cells.items():
                    values[index - 1] = value
                yield line, values
                cells, column = {}, 0
                element.clear()
    except SpreadsheetError:
        raise
    except Exception as error:
        raise unreadable(error) from error


@functools.lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    return column_index_from_string(letters)


def column_of(reference: str) -> int:
    """The column number of a cell reference ("C12" → 3)."""
    return _column_index(reference.rstrip("0123456789"))


def unreadable(error: Exception) -> SpreadsheetError:
    logger.info("Unreadable spreadsheet: %r", error)
    if type(error).__module__.startswith("defusedxml"):
        return SpreadsheetError(
            _(
                "Ce classeur contient des constructions XML refusées par sécurité (entités, DTD) : "
                "enregistrez-le à nouveau depuis votre tableur."
            )
        )
    return SpreadsheetError(
        _(
            "Ce classeur Excel est illisible ou endommagé : enregistrez-le à nouveau au format "
            ".xlsx."
        )
    )


def read_xlsx(data: bytes) -> tablib.Dataset:
    return build_dataset(xlsx_rows(data))


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


def csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [unquote(value) for value in values]
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


def read_csv(data: bytes) -> tablib.Dataset:
    return build_dataset(csv_rows(decode_text(data)))


def read_spreadsheet(data: bytes) -> tablib.Dataset:
    """The first sheet of an xlsx, or a csv, as a dataset (see the module's docstring)."""
    check_size(data)
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    return read_csv(data)


#: The first bytes of the parsed rows that the preview keeps for the confirmation.
PARSED_MARK = b'{"cockpit-rows": 1,'


def encode_cell(value: Any) -> dict:
    """What JSON cannot hold (dates, times, decimals), as ``{kind: text}``."""
    for kind, types in ENCODED.items():
        if isinstance(value, types):
            return {kind: value.isoformat() if kind != "decimal" else str(value)}
    raise TypeError(f"{type(value).__name__} in a spreadsheet cell")


ENCODED = {
    "datetime": datetime.datetime,
    "date": datetime.date,
    "time": datetime.time,
    "decimal": Decimal,
}
DECODERS = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "decimal": Decimal,
}


def decode_cell(encoded: dict) -> Any:
    ((kind, text),) = encoded.items()
    return DECODERS[kind](text)


class SpreadsheetFile(Format):
    """The import format: an xlsx or a csv, told apart by their content.

    The upload is read once, when the import form checks it (``read``); what import-export keeps
    in its temporary storage between the preview and the confirmation is the rows read, as JSON
    (``dump``), which ``create_dataset`` reads back in a fraction of the time."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding  # import-export passes one; a csv's is detected instead

    def get_title(self) -> str:
        return _("classeur Excel (.xlsx) ou CSV")

    def read(self, data: bytes) -> tablib.Dataset:
        """An uploaded file as a dataset (or a French ``SpreadsheetError``)."""
        return read_spreadsheet(data)

    def dump(self, dataset: tablib.Dataset) -> bytes:
        body = json.dumps(
            {"headers": dataset.headers, "lines": dataset.line_numbers, "rows": list(dataset)},
            ensure_ascii=False,
            separators=(",", ":"),
            default=encode_cell,
        )
        dumped = PARSED_MARK + body[1:].encode()
        self._dumped = (dumped, dataset)  # the preview reads back what it has just written
        return dumped

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        if not in_stream.startswith(PARSED_MARK):
            return self.read(in_stream)
        dumped = getattr(self, "_dumped", None)
        if dumped is not None and dumped[0] == in_stream:
            return dumped[1]
        parsed = json.loads(b"{" + in_stream[len(PARSED_MARK) :], object_hook=self.object_hook)
        dataset = tablib.Dataset(headers=parsed["headers"])
        dataset.extend(parsed["rows"])
        dataset.line_numbers = parsed["lines"]
        return dataset

    @staticmethod
    def object_hook(obj: dict) -> Any:
        return decode_cell(obj) if len(obj) == 1 and next(iter(obj)) in DECODERS else obj

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True


# --- Writing ------------------------------------------------------------------------------------


def column_kinds(dataset: tablib.Dataset) -> list[str]:
    return list(getattr(dataset, "column_kinds", None) or ["text"] * dataset.width)


class StreamedSheet:
    """A write-only worksheet as ``cockpit.excel.put`` and ``header_row`` see a sheet
    (``ws.cell(row, column)``, ``ws.column_dimensions``): the cells of a row are kept until the
    next row starts, then appended. Rows come in order. Thus the export's cells are written by the
    pack's own cell writer (typed values, formulas neutralised) while the workbook streams to disk
    instead of holding 100,000 rows of cell objects."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.row = 0
        self.cells: list = []

    def __getattr__(self, name: str):
        return getattr(self.ws, name)

    def __setattr__(self, name: str, value) -> None:
        if name in ("ws", "row", "cells"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.ws, name, value)  # freeze_panes, print_title_rows...

    def cell(self, row: int, column: int):
        if row != self.row:
            if row < self.row:
                raise ValueError("rows of a streamed sheet are written in order")
            self.flush()
            for _blank in range(self.row + 1, row):
                self.ws.append([])
            self.row = row
        self.cells.extend([None] * (column - 1 - len(self.cells)))
        cell = WriteOnlyCell(self.ws)
        self.cells.append(cell)
        return cell

    def flush(self) -> None:
        if self.cells:
            self.ws.append(self.cells)
            self.cells = []


def write_sheet(
    ws,
    headers: Sequence[str],
    kinds: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    header_at: int = 1,
    wrap: bool = False,
) -> int:
    """A table on ``ws`` (a sheet, or a ``StreamedSheet``): the pack's header style, typed cells,
    frozen header, filters. Returns the last row written."""
    columns = [
        Column(header, max(WIDTHS.get(kind, 14), min(len(str(header)) + 4, 40)), kind)
        for header, kind in zip(headers, kinds, strict=True)
    ]
    header_row(ws, header_at, columns)
    ws.freeze_panes = f"A{header_at + 1}"  # before any row is streamed
    last = header_at
    formats = [NUMBER_FORMATS.get(kind) for kind in kinds]
    for last, values in enumerate(rows, start=header_at + 1):
        for index, value in enumerate(values, start=1):
            if value is not None and value != "":
                cell = put(ws, last, index, value, formats[index - 1])
                if wrap:
                    cell.alignment = WRAP
    if isinstance(ws, StreamedSheet):
        ws.flush()
    ws.auto_filter.ref = f"A{header_at}:{get_column_letter(len(columns))}{max(last, header_at)}"
    ws.print_title_rows = f"{header_at}:{header_at}"
    return last


class XLSX(Format):
    """The export as an Excel workbook (and the empty template of an import)."""

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
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet((dataset.title or _("Données"))[:31])
        write_sheet(StreamedSheet(sheet), dataset.headers, column_kinds(dataset), dataset)
        return save(workbook)

    def export_template(self, resource, reference: dict[str, list[str]] | None = None) -> bytes:
        """An empty import file for the resource: its headers and an example row, a sheet that
        explains each column, and, for a chosen strategy, the codes and names it accepts."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = resource.get_display_name()[:31]
        columns = resource.template_columns()
        write_sheet(
            sheet,
            [column.name for column in columns],
            [column.kind for column in columns],
            [[column.example for column in columns]],
        )
        sheet.sheet_view.tabSelected = True
        help_sheet(workbook.create_sheet(_("Mode d'emploi")), resource, columns)
        if reference:
            reference_sheet(workbook.create_sheet(_("Valeurs de la stratégie")), reference)
        return save(workbook)


def help_sheet(ws, resource, columns) -> None:
    title = _("Importer des %(rows)s") % {"rows": resource.get_display_name().lower()}
    put(ws, 1, 1, title).font = TITLE_FONT
    lines = resource.template_instructions()
    for row, line in enumerate(lines, start=2):
        put(ws, row, 1, line)
    write_sheet(
        ws,
        [_("Colonne"), _("Obligatoire"), _("Ce qu'elle contient"), _("Valeurs acceptées")],
        ["text"] * 4,
        [[column.name, column.required, column.help, column.accepted] for column in columns],
        header_at=len(lines) + 3,
        wrap=True,
    )
    for letter, width in zip("ABCD", (26, 16, 60, 50), strict=True):
        ws.column_dimensions[letter].width = width


def reference_sheet(ws, reference: dict[str, list[str]]) -> None:
    for index, (title, values) in enumerate(reference.items(), start=1):
        put(ws, 1, index, title).font = LABEL_FONT
        ws.column_dimensions[get_column_letter(index)].width = 40
        for row, value in enumerate(values, start=2):
            put(ws, row, index, value)
    ws.freeze_panes = "A2"


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
