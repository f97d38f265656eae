"""Reading every sheet of a strategy workbook, with the admin's imports' safety: the size, the
zip bomb and the XML checks of ``spreadsheets.reader`` come first, then python-calamine reads the
values (openpyxl when a sheet holds error cells, so that ``#N/A`` is read as such).

Each sheet becomes its rows under its headers, with their line numbers (``SheetRows``); a sheet
with headers and no rows is an empty table, a blank sheet has neither. A sheet that cannot be
read as a table (a column with values but no header) is reported with its name, not as a refusal
of the whole file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

import python_calamine
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from spreadsheets.reader import (
    CellValues,
    SheetRows,
    build_dataset,
    check_size,
    check_zip,
    is_blank,
    scan_parts,
    unreadable,
)
from spreadsheets.text import SpreadsheetError

#: A sheet read: its rows, or why it cannot be read.
Sheet = SheetRows | SpreadsheetError


def read_workbook(data: bytes) -> dict[str, Sheet]:
    """Every worksheet of an xlsx, by name, in the workbook's order; raises ``SpreadsheetError``
    (in French) for a file that is not a readable xlsx."""
    check_size(data)
    if data[:4] != b"PK\x03\x04":
        raise SpreadsheetError(
            _(
                "Le classeur d'une stratégie est un fichier Excel (.xlsx) : enregistrez-le dans "
                "ce format (Fichier › Enregistrer sous › Classeur Excel)."
            )
        )
    archive = check_zip(data)
    try:
        errors, _uncomputed = scan_parts(archive)
        lines = openpyxl_sheets(data) if errors else calamine_sheets(data)
        sheets = {name: table(rows) for name, rows in lines}
    except SpreadsheetError:
        raise
    except Exception as error:
        raise unreadable(error) from error
    if not sheets:
        raise SpreadsheetError(_("Ce classeur n'a aucune feuille."))
    return sheets


def table(lines: Iterable[tuple[int, tuple]]) -> Sheet:
    """The rows of a sheet under its headers, as ``spreadsheets.reader.build_dataset`` reads them,
    except that headers without rows, or nothing at all, are an empty table."""
    kept = [(line, values) for line, values in lines if not all(map(is_blank, values))]
    if len(kept) <= 1:
        headers = [str(value).strip() for value in (kept[0][1] if kept else ()) if value]
        rows = SheetRows([header for header in headers if header], [], [])
    else:
        try:
            rows = build_dataset(kept)
        except SpreadsheetError as error:
            return error
    rows.header_line = kept[0][0] if kept else 1
    return rows


def calamine_sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple[int, tuple]]]]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for metadata in workbook.sheets_metadata:
        if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = workbook.get_sheet_by_name(metadata.name)
        yield metadata.name, calamine_lines(sheet)


def calamine_lines(sheet) -> Iterator[tuple[int, tuple]]:
    if sheet.start is None:
        return
    # As spreadsheets.reader.calamine_rows: rows from the sheet's first, cells from its first
    # column holding one.
    padding = (None,) * sheet.start[1]
    cell = CellValues()
    for line, values in enumerate(sheet.iter_rows(), start=1):
        yield line, padding + tuple(map(cell, values))


def openpyxl_sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple[int, tuple]]]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # the declared size may be wrong: read every cell
            yield sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


#: The extent a worksheet declares near its start (``<dimension ref="A1:K100001"/>``).
DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+(?::[A-Z]+([0-9]+))?"')


def declared_rows(data: bytes) -> int:
    """The rows below the headers that the workbook's sheets declare, read from the first bytes
    of each sheet (cheap and bounded, nothing else decompressed); 0 when it cannot tell. Decides
    whether an import runs in the background, not what is imported."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as part:
                        found = DIMENSION.search(part.read(4096))
                    if found and found.group(1):
                        total += max(int(found.group(1)) - 1, 0)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return 0
    return total
