"""Cell writing with openpyxl, for the spreadsheets the import module builds (import templates,
exports): text that looks like a formula stays text, numbers and dates keep their types.

The Excel pack itself is written with XlsxWriter (``cockpit/excel.py``); these helpers write into
openpyxl worksheets and share the pack's constants.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from spreadsheets.xlsx import DATE_FORMAT, FORMULA_TRIGGERS, Column

__all__ = [
    "DATE_FORMAT",
    "FORMULA_TRIGGERS",
    "LABEL_FONT",
    "TITLE_FONT",
    "WRAP",
    "Column",
    "header_row",
    "put",
]

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)
LABEL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def excel_value(value: Any) -> Any:
    """A value openpyxl can store: decimals as floats, aware datetimes as local naive ones."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell; text that looks like a formula stays text."""
    cell = ws.cell(row=row, column=column)
    value = excel_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif number_format and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def header_row(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = put(ws, row, index, str(column.header))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width
