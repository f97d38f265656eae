"""``Table``: rows under a header in a sheet of a ``Book`` (``spreadsheets.xlsx``), each cell in
its column's format, each row as high as its wrapped text; in ``constant_memory`` mode a row's
plain texts, finite numbers and dates go in as the XML XlsxWriter would write for them
(``row_worksheet``). ``write_table``: a header and rows in one call."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from itertools import repeat
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range

from .row_worksheet import plain_text
from .values import (
    CHARS_PER_WIDTH,
    EXCEL_EPOCH,
    LINE_POINTS,
    MARCH_1900,
    excel_serial,
    excel_value,
    line_breaks,
    text_height,
    text_lines,
)
from .xlsx import (
    BAND,
    BODY,
    DATE_FORMAT,
    FORMULA_STARTS,
    FORMULA_TRIGGERS,
    HEADER,
    INFINITY,
    Column,
    Look,
    Sheet,
)


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
