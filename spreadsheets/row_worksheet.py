"""``RowWorksheet``: XlsxWriter's worksheet with a shorter path for the rows of ``constant_memory``
mode (used by ``spreadsheets.xlsx.Book``). It depends on XlsxWriter's internals (3.3.1, pinned in
uv.lock); ``tests/spreadsheets/test_row_worksheet.py`` compares its XML with XlsxWriter's, byte for
byte, so that an upgrade that changes them fails there.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

#: What XlsxWriter changes in an inline string before writing it (XML's special characters, a
#: line break, control characters and its own _xHHHH_ escapes, leading or trailing whitespace):
#: a string without any of them is written as it is.
_ESCAPED = re.compile(r'["&<>\n\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')


class CellXml(NamedTuple):
    """A cell whose XML is made as it is written (``fast_string``, ``fast_number``)."""

    xml: str
    format: object = None


class RowWorksheet(Worksheet):
    """XlsxWriter's worksheet, whose rows in ``constant_memory`` mode write their formatted
    numbers and plain strings through one short path: the XML XlsxWriter itself writes for
    them, byte for byte (``tests/spreadsheets/test_row_worksheet.py``), without its several
    escaping passes for a text that needs none. Any other cell (a blank, a boolean, a string to
    escape, a cell without a format) and every cell of the normal mode take XlsxWriter's own
    path."""

    #: ``write_string`` and ``write_number`` without the check for an "A1" reference that
    #: XlsxWriter's decorator makes on every call: ``Table`` gives row and column numbers.
    put_string = Worksheet._write_string
    put_number = Worksheet._write_number

    #: Column letters by column number, made once.
    _letters: dict[int, str]

    def start_row(self, row: int) -> bool:
        """Whether ``row`` can take ``fast_string`` and ``fast_number``: in ``constant_memory``
        mode, at or after the row being written (the one before goes to disk now, as XlsxWriter
        does when a cell of a new row is written) and within the sheet."""
        if not self.constant_memory or row < self.previous_row or row >= self.xls_rowmax:
            return False
        if row > self.previous_row:
            self._write_single_row(row)
        if not hasattr(self, "_letters"):
            self._letters = {}
        return True

    def fast_string(self, row: int, col: int, string: str, cell_format) -> int:
        """``write_string`` after ``start_row(row)``: its XML made now, once, for a formatted
        string that needs no escape (any other takes XlsxWriter's path)."""
        if cell_format is None or len(string) > 16383 or _ESCAPED.search(string):
            return self._write_string(row, col, string, cell_format)
        self._note(row, col)
        self.table[row][col] = CellXml(
            f'<c r="{self._letter(col)}{row + 1}" s="{cell_format._get_xf_index()}"'
            f' t="inlineStr"><is><t>{string}</t></is></c>'
        )
        return 0

    def fast_number(self, row: int, col: int, number, cell_format) -> int:
        """``write_number`` after ``start_row(row)``, as ``fast_string``."""
        if cell_format is None or not math.isfinite(number):
            return self._write_number(row, col, number, cell_format)
        self._note(row, col)
        self.table[row][col] = CellXml(
            f'<c r="{self._letter(col)}{row + 1}" s="{cell_format._get_xf_index()}">'
            f"<v>{number:.16G}</v></c>"
        )
        return 0

    def _letter(self, col: int) -> str:
        letters = self._letters
        if col not in letters:
            letters[col] = xl_col_to_name(col)
        return letters[col]

    def _note(self, row: int, col: int) -> None:
        """The sheet's dimension, as ``_check_dimensions`` keeps it."""
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or col < self.dim_colmin:
            self.dim_colmin = col
        if self.dim_colmax is None or col > self.dim_colmax:
            self.dim_colmax = col

    def _write_cell(self, row: int, col: int, cell) -> None:
        if cell.__class__ is CellXml:
            self.fh.write(cell.xml)
            return
        super()._write_cell(row, col, cell)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """The row before ``current_row_num`` to disk, as XlsxWriter writes it, in one write
        but for the cells that take XlsxWriter's own path."""
        row_num = self.previous_row
        cells = self.table.get(row_num)
        if not cells or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row_num, None, self.row_info.get(row_num))
        parts, fast = [], self._cell_xml
        for col in sorted(cells):
            cell = cells[col]
            xml = fast(row_num, col, cell)
            if xml is None:
                self.fh.write("".join(parts))
                parts.clear()
                self._write_cell(row_num, col, cell)
            else:
                parts.append(xml)
        parts.append("</row>")
        self.fh.write("".join(parts))
        self.table.clear()

    def _cell_xml(self, row: int, col: int, cell) -> str | None:
        """The XML of a formatted number or plain string, or None for any other cell."""
        kind = cell.__class__
        if kind is CellXml:
            return cell.xml
        cell_format = cell.format
        if cell_format is None:
            return None
        if kind is CellNumberTuple:
            return (
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell_format._get_xf_index()}">'
                f"<v>{cell.number:.16G}</v></c>"
            )
        if kind is CellStringTuple and not _ESCAPED.search(cell.string):
            return (
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell_format._get_xf_index()}"'
                f' t="inlineStr"><is><t>{cell.string}</t></is></c>'
            )
        return None
