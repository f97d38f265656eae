"""What a cell of a written workbook holds and how tall its row must be: values converted to what
a spreadsheet stores (``excel_value``, ``excel_serial``, ``percent``), and the height of wrapped
text (``text_height``). Pure functions, used by ``spreadsheets.xlsx`` and the sheets built on it."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def excel_value(value: Any) -> Any:
    """A value a spreadsheet can store: decimals as numbers, aware datetimes as local naive ones,
    text without the control characters XML cannot hold."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def line_breaks(text: str) -> str:
    """Text with its line breaks as spreadsheets keep them: a carriage return (alone or before a
    line feed, as browsers send it) is a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


#: Excel counts days from 30.12.1899 (and wrongly holds a 29.02.1900): the serial number of a
#: date from 01.03.1900 on is its distance from that day.
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
MARCH_1900 = datetime.date(1900, 3, 1).toordinal()


def excel_serial(value: datetime.date) -> float | None:
    """The number Excel stores for a date or a naive datetime (shown through a date format), or
    None before March 1900, where XlsxWriter's own conversion is needed."""
    day = value.toordinal()
    if day < MARCH_1900:
        return None
    if isinstance(value, datetime.datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return day - EXCEL_EPOCH + seconds / 86400
    return day - EXCEL_EPOCH


def percent(value: Decimal | None) -> Decimal | None:
    """A percentage (70.0) as the fraction Excel formats with "0 %" (0.7)."""
    return None if value is None else value / 100


def number_or_unknown(value: Decimal | None) -> Decimal | str:
    return "?" if value is None else value


def yes_no(flag: bool) -> str:
    return _("oui") if flag else _("non")


# --- Row heights ----------------------------------------------------------------------------------

#: Points per line of 11-point text, and the characters of a line per unit of column width
#: (Excel's width unit is the width of a "0"; running text averages a little narrower, but word
#: wrapping wastes the end of most lines).
LINE_POINTS = 15.0
CHARS_PER_WIDTH = 1.1
DEFAULT_WIDTH = 13.0


def text_lines(text: str, width: float) -> int:
    """The lines ``text`` takes once wrapped in a column ``width`` wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    if len(text) <= per_line and "\n" not in text:
        return 1
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def text_height(text: str, width: float, font_size: float = 11.0) -> float:
    """The height (points) of a cell holding ``text`` wrapped in ``width``."""
    return text_lines(text, width) * LINE_POINTS * font_size / 11 + 2
