"""The one way the product writes xlsx files: the Excel pack, the prioritisation sheets, the
admin's exports and the empty import templates all go through ``Book``, ``Sheet`` and ``Table``.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import repeat
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range

from .row_worksheet import RowWorksheet, plain_text
from .values import (  # the cell values and row heights, also read from here by the sheets
    CHARS_PER_WIDTH,
    DEFAULT_WIDTH,
    EXCEL_EPOCH,
    LINE_POINTS,
    MARCH_1900,
    excel_serial,
    excel_value,
    line_breaks,
    text_height,
    text_lines,
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


# --- Values ---------------------------------------------------------------------------------------


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


class Table:
    """Rows under a header, each cell formatted by its column (number formats, and the ``body``
    look: wrapped text and borders by default), some filled with a colour; each row as high as its
    wrapped text needs. The formats of a column are looked up once, not per cell. A date in a
    column that is not one of dates is shown as a date all the same."""

    def __init__(
        self, sheet: Sheet, columns: Sequence[Column], header_at: int = 1, body: Look = BODY
    ) -> None:
        self.sheet, self.columns, self.header_at = sheet, columns, header_at
        self.last_row = header_at
        book = sheet.book
        self._text = book.format(body)
        self._quoted = book.format(replace(body, quote=True))
        self._number_formats = [column.format(book.currency) for column in columns]
        self._formats = [
            book.format(replace(body, number_format=number_format))
            for number_format in self._number_formats
        ]
        self._dates = book.format(replace(body, number_format=DATE_FORMAT))
        self._date_formats = [
            self._formats[index] if column.kind in ("date", "datetime") else self._dates
            for index, column in enumerate(columns)
        ]
        #: Empty cells are not written for their borders: a bordered table draws its grid with
        #: one conditional format over its rows (``end``). They are written for a fill.
        self._borders = body.border
        self._blanks = bool(body.fill)
        #: The rows across the table (an axis's band), outside its grid.
        self._bands: list[int] = []
        self._wraps = body.wraps
        self._chars = [max(1, int(column.width * CHARS_PER_WIDTH)) for column in columns]
        self._filled: dict[tuple[str, str, bool], Format] = {}
        #: The formats' indexes in the workbook's styles, taken at their first use.
        self._text_index: int | None = None
        self._number_xfs: list[int | None] = [None] * len(columns)
        self._date_xfs: list[int | None] = [None] * len(columns)
        self._header(sheet, columns, header_at)

    @staticmethod
    def _header(sheet: Sheet, columns: Sequence[Column], row: int) -> None:
        height = 0.0
        for index, column in enumerate(columns, start=1):
            text = str(column.header)
            sheet.put(row, index, text, HEADER)
            height = max(height, text_height(text, column.width))
        if height > LINE_POINTS + 2:
            sheet.set_height(row, height)

    def add(
        self,
        values: Sequence[Any],
        fills: dict[int, str] | None = None,
        skip_height: Sequence[int] = (),
    ) -> int:
        """One row; ``fills`` colours cells by column number (from 1); the text of the columns
        ``skip_height`` (merged down, see ``merge_down``) leaves the row's height alone. Returns
        the row number."""
        self.last_row += 1
        row = self.last_row - 1
        ws = self.sheet.ws
        # constant_memory: the row's cells, where a plain text, a finite number or a date is put
        # as its XML, made here once (``row_worksheet``); any other cell, and every cell of the
        # normal mode, takes XlsxWriter's path (``_put_text``, ``_put_other``).
        cells = ws.row_cells(row)
        if cells is not None:
            at, letters = self.last_row, ws.letters(len(values))
            text_xf, number_xfs, date_xfs = self._text_xf(), self._number_xfs, self._date_xfs
        blanks, chars = self._blanks, self._chars
        lines = 1
        # The most frequent types first: text, nothing, decimals, whole numbers, dates.
        for column, value in enumerate(values):
            kind = type(value)
            if fills and column + 1 in fills:
                self._put_filled(row, column, excel_value(value), fills[column + 1])
                if kind is not str:
                    continue
            elif kind is str:
                if not value:  # shown as an empty cell: written as one (its border, its fill)
                    if blanks:
                        ws.write_blank(row, column, None, self._text)
                    continue
                if cells is not None and plain_text(value) and value[0] not in FORMULA_STARTS:
                    cells[column] = (
                        f'<c r="{letters[column]}{at}" s="{text_xf}" t="inlineStr">'
                        f"<is><t>{value}</t></is></c>"
                    )
                else:
                    value = self._put_text(row, column, value)
            elif value is None:
                if blanks:
                    ws.write_blank(row, column, None, self._text)
                continue
            elif kind is Decimal or kind is int or kind is float:
                number = float(value) if kind is Decimal else value  # Excel stores doubles
                if cells is not None and -INFINITY < number < INFINITY:
                    xf = number_xfs[column]
                    if xf is None:
                        xf = number_xfs[column] = self._formats[column]._get_xf_index()
                    cells[column] = (
                        f'<c r="{letters[column]}{at}" s="{xf}"><v>{number:.16G}</v></c>'
                    )
                else:
                    ws.put_number(row, column, number, self._formats[column])
                continue
            elif kind is datetime.date and value.toordinal() >= MARCH_1900:
                serial = value.toordinal() - EXCEL_EPOCH
                if cells is not None:
                    xf = date_xfs[column]
                    if xf is None:
                        xf = date_xfs[column] = self._date_formats[column]._get_xf_index()
                    cells[column] = f'<c r="{letters[column]}{at}" s="{xf}"><v>{serial}</v></c>'
                else:
                    ws.put_number(row, column, serial, self._date_formats[column])
                continue
            else:
                value = self._put_other(row, column, value)
                if value is None:
                    continue
            # Text: the row grows with the lines it wraps to.
            if (
                self._wraps
                and (len(value) > chars[column] or "\n" in value)
                and column + 1 not in skip_height
            ):
                lines = max(lines, text_lines(value, self.columns[column].width))
        if cells:
            ws.note_columns(row, min(cells), max(cells))
        if lines > 1:
            self.sheet.set_height(self.last_row, lines * LINE_POINTS + 2)
        return self.last_row

    def _text_xf(self) -> int:
        """The index of the text's format in the workbook's styles (taken at its first use, as
        XlsxWriter takes it)."""
        if self._text_index is None:
            self._text_index = self._text._get_xf_index()
        return self._text_index

    def _put_text(self, row: int, column: int, value: str) -> str:
        """A text through XlsxWriter: without the characters XML cannot hold, its line breaks
        as spreadsheets keep them, quoted if it starts like a formula. Returns the text
        written."""
        quoted = False
        if not value.isprintable():  # a line break, or a character XML cannot hold
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            quoted = value.startswith(FORMULA_TRIGGERS)
            value = line_breaks(value)
        quoted = quoted or value.startswith(FORMULA_TRIGGERS)
        self.sheet.ws.put_string(row, column, value, self._quoted if quoted else self._text)
        return value

    def _put_other(self, row: int, column: int, value: Any) -> str | None:
        """Any other value (an aware datetime, a time, a boolean, a date before March 1900…)
        as ``excel_value`` makes it. Returns the text written, if it is one."""
        ws = self.sheet.ws
        value = excel_value(value)
        if isinstance(value, str):
            value = line_breaks(value)
            ws.put_string(row, column, value, self._text)
            return value
        if isinstance(value, datetime.date):
            date_format = self._date_formats[column]
            serial = excel_serial(value)
            if serial is None:
                ws.write_datetime(row, column, value, date_format)
            else:
                ws.put_number(row, column, serial, date_format)
        else:
            ws.put_number(row, column, value, self._formats[column])
        return None

    def _put_filled(self, row: int, column: int, value: Any, colour: str) -> None:
        """A cell filled with ``colour`` (and otherwise wrapped and bordered), as ``Sheet.put``
        writes it with ``Look(fill=colour)``; each format looked up once per table."""
        ws = self.sheet.ws
        if value is None or isinstance(value, str):
            quoted = value is not None and value.startswith(FORMULA_TRIGGERS)
            cell_format = self._filled_format(colour, "", quoted)
            if value is None:
                ws.write_blank(row, column, None, cell_format)
            else:
                ws.write_string(row, column, line_breaks(value), cell_format)
            return
        cell_format = self._filled_format(colour, self._number_formats[column], False)
        serial = excel_serial(value) if isinstance(value, datetime.date) else None
        if serial is not None:
            ws.write_number(row, column, serial, cell_format)
        elif isinstance(value, datetime.date | datetime.time):
            ws.write_datetime(row, column, value, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, cell_format)
        else:
            ws.write_number(row, column, value, cell_format)

    def _filled_format(self, colour: str, number_format: str, quote: bool) -> Format:
        key = (colour, number_format, quote)
        cell_format = self._filled.get(key)
        if cell_format is None:
            look = Look(fill=colour, number_format=number_format, quote=quote)
            cell_format = self._filled[key] = self.sheet.book.format(look)
        return cell_format

    def band(self, text: str, look: Look = BAND) -> int:
        """A row of one cell merged across the table (an axis's name), without the table's
        borders. Returns the row number."""
        self.last_row += 1
        self.sheet.merge(self.last_row, 1, len(self.columns), text, look)
        self._bands.append(self.last_row)
        return self.last_row

    def end(self, title_rows: str = "") -> int:
        if self._borders:
            self.sheet.book._grids.append(self._grid)
        self.sheet.table_end(self.header_at, self.last_row, len(self.columns), title_rows)
        return self.last_row

    def _grid(self) -> None:
        """The borders of every cell under the header but the bands', empty or not, as one
        conditional format that always applies (its rule is TRUE): the border of the ``body``
        look, drawn without writing the empty cells (a third of a large pack's cells). The
        cells written keep their own border too. Added when the book closes, after the sheet's
        data bars: LibreOffice draws only the first of two rules over a cell, and the bars come
        first (Excel draws both either way); the pages LibreOffice prints are then the same
        as with bordered empty cells."""
        ranges, first, last_column = [], self.header_at + 1, len(self.columns) - 1
        for stop in [*self._bands, self.last_row + 1]:
            if stop > first:
                ranges.append((first - 1, 0, stop - 2, last_column))
            first = stop + 1
        if not ranges:
            return
        self.sheet.ws.conditional_format(
            *ranges[0],
            {
                "type": "formula",
                "criteria": "TRUE",
                "format": self.sheet.book.grid_format(),
                "multi_range": " ".join(xl_range(*cells) for cells in ranges),
            },
        )


def write_table(
    sheet: Sheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    header_at: int = 1,
    fills: Iterable[dict[int, str] | None] | None = None,
    body: Look = BODY,
) -> int:
    """A header row at ``header_at`` then the rows (with ``fills``, a colour by column number per
    row) in the ``body`` look; filtered, printed with the header repeated. Returns the last row
    written."""
    table = Table(sheet, columns, header_at, body)
    for values, row_fills in zip(rows, repeat(None) if fills is None else fills, strict=False):
        table.add(values, row_fills)
    return table.end()
