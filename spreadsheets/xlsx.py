"""The one way the product writes xlsx files: the Excel pack, the prioritisation sheets, the
admin's exports and the empty import templates all go through ``Book``, ``Sheet`` and ``Table``
(``spreadsheets.tables``).

Written with XlsxWriter (the imports read with calamine or openpyxl). Numbers stay numbers and
dates stay dates (stored as Excel serial numbers with a dd.mm.yyyy format); percentages are
fractions with a "0 %" format. Text never becomes a formula: every text is written as a string, and
one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return also carries Excel's quote
prefix. Each cell format is made once (``Book.format``), and each row is as high as its wrapped
text needs.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.format import Format

from .row_worksheet import RowWorksheet
from .values import (
    DEFAULT_WIDTH,
    excel_serial,
    excel_value,
    line_breaks,
)

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
PERCENT_FORMAT = "0 %"
NUMBER_FORMAT = "#,##0.##"

#: Text starting with one of these could be read as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The first characters of these that a printable text can start with.
FORMULA_STARTS = "=+-@"
INFINITY = float("inf")

HEADER_COLOUR = "1F4E79"
GROUP_COLOUR = "2E75B6"
BAND_COLOUR = "DDEBF7"
BORDER_COLOUR = "BFBFBF"
GREEN, AMBER, RED, GREY = "C6EFCE", "FFEB9C", "FFC7CE", "E7E6E6"
DATA_BAR_COLOUR = "5B9BD5"


@dataclass(frozen=True)
class Column:
    header: Any
    width: float = 14
    #: "text", "int", "number", "date", "datetime", "percent", "money", or "auto" (a date is
    #: formatted as a date, anything else as is)
    kind: str = "text"
    #: The number format of the column's numbers, when not the one of its kind (``FORMATS``).
    number_format: str | None = None

    def format(self, currency: str = "") -> str:
        """The number format of the column's numbers and dates (amounts in ``currency``)."""
        if self.number_format is not None:
            return self.number_format
        if self.kind == "money":
            return money_format(currency)
        return FORMATS.get(self.kind, "")


FORMATS = {
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "percent": PERCENT_FORMAT,
    "number": NUMBER_FORMAT,
}


def money_format(currency: str = "") -> str:
    """Whole amounts followed by their currency as text ('#,##0 "EUR"'): the grouping and its
    separator are the reader's, as Excel shows them in their own locale."""
    return f'#,##0 "{currency}"' if currency else "#,##0"


@dataclass(frozen=True)
class Look:
    """How a cell looks. ``font``: "" (normal), "header" (white, bold), "bold", "band" (bold,
    12 pt) or "title" (bold, 14 pt); ``fill``: an RGB colour or ""; ``align``: "wrap" (wrapped,
    top), "header" (wrapped, centred vertically), "center" or ""."""

    font: str = ""
    fill: str = ""
    number_format: str = ""
    align: str = "wrap"
    border: bool = True
    quote: bool = False

    @property
    def wraps(self) -> bool:
        return self.align in ("wrap", "header")

    @property
    def font_size(self) -> float:
        return {"band": 12.0, "title": 14.0}.get(self.font, 11.0)


BODY = Look()
#: Cells as they are, neither wrapped nor bordered (the admin's exports).
PLAIN = Look(align="", border=False)
HEADER = Look(font="header", fill=HEADER_COLOUR, align="header")
BAND = Look(font="band", fill=BAND_COLOUR, align="", border=False)
TITLE = Look(font="title", align="", border=False)
LABEL = Look(font="bold", align="", border=False)

_FONTS = {
    "header": {"bold": True, "font_color": "#FFFFFF"},
    "bold": {"bold": True},
    "band": {"bold": True, "font_size": 12},
    "title": {"bold": True, "font_size": 14},
}
_ALIGNMENTS = {
    "wrap": {"text_wrap": True, "valign": "top"},
    "header": {"text_wrap": True, "valign": "vcenter"},
    "center": {"align": "center"},
}


# --- The workbook ---------------------------------------------------------------------------------


class Book:
    """The workbook being written, its cell formats (each made once, whatever the number of cells
    that share it), what every sheet prints in its header (the strategy's name, if any) and
    footer (the date of the data, if any), and the currency of its amounts (an ISO 4217 code, the
    territory's; none: plain whole numbers).

    ``constant_memory`` writes each row to disk once the next one starts (rows must then come in
    order, as ``Table`` writes them): an export of 100,000 rows does not hold them all."""

    def __init__(
        self,
        strategy_name: str = "",
        on: datetime.date | None = None,
        *,
        constant_memory: bool = False,
        currency: str = "",
    ) -> None:
        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": False,
                "constant_memory": constant_memory,
                # Text is text: never a formula, a number or a link guessed from its content.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.strategy_name = strategy_name
        self.on = on
        self.currency = currency
        self._formats: dict[Look, Format] = {}
        self._grid: Format | None = None
        #: The tables' borders, drawn last (``Table._grid``).
        self._grids: list = []

    def format(self, look: Look) -> Format:
        existing = self._formats.get(look)
        if existing is not None:
            return existing
        properties: dict[str, Any] = {
            **_FONTS.get(look.font, {}),
            **_ALIGNMENTS.get(look.align, {}),
        }
        if look.fill:
            properties.update(pattern=1, bg_color=f"#{look.fill}")
        if look.number_format:
            properties["num_format"] = look.number_format
        if look.border:
            properties.update(border=1, border_color=f"#{BORDER_COLOUR}")
        if look.quote:
            properties["quote_prefix"] = True
        self._formats[look] = self.workbook.add_format(properties)
        return self._formats[look]

    def grid_format(self) -> Format:
        """The border of a table's cells as a conditional format (``Table._grid``)."""
        if self._grid is None:
            self._grid = self.workbook.add_format(
                {"border": 1, "border_color": f"#{BORDER_COLOUR}"}
            )
        return self._grid

    def sheet(
        self,
        title: str,
        widths: Sequence[float],
        freeze_row: int | None = None,
        *,
        fit_width: bool = True,
    ) -> Sheet:
        return Sheet(self, title, widths, freeze_row, fit_width=fit_width)

    def close(self) -> bytes:
        for grid in self._grids:
            grid()
        self.workbook.close()
        return self.buffer.getvalue()


class Sheet:
    """A sheet written row by row, rows numbered from 1 as in the spreadsheet."""

    def __init__(
        self,
        book: Book,
        title: str,
        widths: Sequence[float],
        freeze_row: int | None = None,
        *,
        fit_width: bool = True,
    ) -> None:
        self.book = book
        self.ws = book.workbook.add_worksheet(title, worksheet_class=RowWorksheet)
        self.title = title
        self.widths = list(widths)
        #: The heights set so far, by row.
        self.heights: dict[int, float] = {}
        for index, width in enumerate(self.widths):
            self.ws.set_column(index, index, width)
        if freeze_row:
            self.ws.freeze_panes(freeze_row - 1, 0)
        print_setup(self, book.strategy_name, book.on, fit_width)

    def width(self, first: int, last: int | None = None) -> float:
        """The width of columns ``first`` to ``last`` (from 1)."""
        return sum(
            self.widths[column - 1] if column <= len(self.widths) else DEFAULT_WIDTH
            for column in range(first, (last or first) + 1)
        )

    def put(self, row: int, column: int, value: Any, look: Look = BODY) -> None:
        """One cell (row and column from 1); text that looks like a formula stays text, with the
        quote prefix; a number format applies to numbers and dates only."""
        value = excel_value(value)
        ws, row, column = self.ws, row - 1, column - 1
        if value is None:
            ws.write_blank(row, column, None, self.book.format(replace(look, number_format="")))
        elif isinstance(value, str):
            if value.startswith(FORMULA_TRIGGERS):
                look = replace(look, quote=True)
            value = line_breaks(value)
            ws.write_string(row, column, value, self.book.format(replace(look, number_format="")))
        elif isinstance(value, datetime.date) and excel_serial(value) is not None:
            ws.write_number(row, column, excel_serial(value), self.book.format(look))
        elif isinstance(value, datetime.date | datetime.time):
            ws.write_datetime(row, column, value, self.book.format(look))
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, self.book.format(look))
        else:
            ws.write_number(row, column, value, self.book.format(look))

    def merge(self, row: int, first: int, last: int, value: Any, look: Look, last_row: int = 0):
        """A cell merged over columns ``first``–``last`` (and down to ``last_row``, in a book
        written row by row: only ``row`` may be written yet, see ``merge_down``)."""
        blank = self.book.format(replace(look, number_format=""))
        self.ws.merge_range(row - 1, first - 1, (last_row or row) - 1, last - 1, "", blank)
        self.put(row, first, value, look)

    def merge_down(self, column: int, first: int, last: int) -> None:
        """Merge the cells of ``column`` from row ``first`` down to ``last``, all of them already
        written: the first holds the value, the others are blank in the same look (as
        ``Table.add`` writes a ``None``). In ``constant_memory`` mode those rows are already on
        disk, where XlsxWriter's ``merge_range`` cannot reach: the range is recorded as
        ``merge_range`` records it, in the sheet's list of merged ranges that is written after
        its rows (``tests/reports/test_excel_pack.py`` checks the ranges read back)."""
        if last > first:
            self.ws.merge.append([first - 1, column - 1, last - 1, column - 1])

    def set_height(self, row: int, height: float) -> None:
        self.heights[row] = round(height, 1)
        self.ws.set_row(row - 1, self.heights[row])

    def table_end(self, header_at: int, last_row: int, width: int, title_rows: str = "") -> None:
        """Filters over the table, and its header repeated on every printed page."""
        self.ws.autofilter(header_at - 1, 0, max(last_row, header_at) - 1, width - 1)
        first, last = (title_rows or f"{header_at}:{header_at}").split(":")
        self.ws.repeat_rows(int(first) - 1, int(last) - 1)

    def data_bar(self, column: int, first: int, last: int, maximum: float = 1) -> None:
        """A data bar from 0 to ``maximum`` (1 for the fractions shown as percentages)."""
        if last < first:
            return
        self.ws.conditional_format(
            first - 1,
            column - 1,
            last - 1,
            column - 1,
            {
                "type": "data_bar",
                "bar_color": f"#{DATA_BAR_COLOUR}",
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": maximum,
            },
        )


def print_setup(
    sheet: Sheet, strategy_name: str, on: datetime.date | None, fit_width: bool = True
) -> None:
    """A4 landscape, scaled to the page's width (``fit_width``; else at 100 %, where the sheet's
    own page breaks hold: a spreadsheet ignores them in a sheet fitted to its pages), the
    strategy's name and the sheet's title in the header, the date and the page in the footer."""
    ws = sheet.ws
    ws.set_landscape()
    ws.set_paper(9)  # A4
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.hide_gridlines(1)  # not printed; shown on screen
    left = strategy_name.replace("&", "&&")
    right = sheet.title.replace("&", "&&")
    ws.set_header(f"&L{left}&R{right}" if left else f"&R{right}")
    footer = ""
    if on is not None:
        footer = (_("État au %(date)s") % {"date": f"{on:%d.%m.%Y}"}).replace("&", "&&")
    ws.set_footer(f"&L{footer}&RPage &P / &N" if footer else "&RPage &P / &N")
