"""``RowWorksheet``: XlsxWriter's worksheet with a shorter path for the rows of ``constant_memory``
mode (used by ``spreadsheets.xlsx.Book``). ``Table.add`` puts in a row's cells (``row_cells``) the
XML XlsxWriter would write for a formatted number or a plain text, made once as it is written,
and the row goes to disk in one write when the next one starts. ``Table.add`` writes that XML in
its own loop rather than through ``number_xml`` and ``string_xml`` (two calls a cell cost the pack
4 %). It depends on XlsxWriter's internals (3.3.1, pinned in uv.lock):
``tests/spreadsheets/test_row_worksheet.py`` compares both paths' XML with XlsxWriter's, byte for
byte, so that an upgrade that changes them fails there.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

#: Beyond this length XlsxWriter counts a string's UTF-16 units against Excel's limit (32,767)
#: and may cut it: such a string takes its path.
LONG_STRING = 32767 // 2


def plain_text(string: str) -> bool:
    """Whether XlsxWriter writes ``string`` as it is in an inline string: no XML special
    character, line break, control character, ``_xHHHH_``-like sequence or leading or trailing
    space (``isprintable`` is False for every other whitespace and for the characters XML cannot
    hold). A few plain strings fail this (an ``_x`` alone, an empty string): they take
    XlsxWriter's path."""
    return (
        string != ""
        and string.isprintable()
        and string[0] != " "
        and string[-1] != " "
        and "&" not in string
        and "<" not in string
        and ">" not in string
        and "_x" not in string
        and len(string) <= LONG_STRING
    )


class RowWorksheet(Worksheet):
    """XlsxWriter's worksheet, whose rows in ``constant_memory`` mode may hold their cells' XML
    instead of XlsxWriter's cell tuples (``row_cells``): a formatted number or a plain text
    (``plain_text``), the very XML XlsxWriter writes for it, byte for byte
    (``tests/spreadsheets/test_row_worksheet.py``), made once, without XlsxWriter's several
    escaping passes for a text that needs none. Any other cell (a blank, a boolean, a string to
    escape, a cell without a format) and every cell of the normal mode take XlsxWriter's own
    path, in the same row."""

    #: ``write_string`` and ``write_number`` without the check for an "A1" reference that
    #: XlsxWriter's decorator makes on every call: ``Table`` gives row and column numbers.
    put_string = Worksheet._write_string
    put_number = Worksheet._write_number

    #: Column letters by column number, made once.
    _letters: list[str]

    def row_cells(self, row: int) -> dict[int, object] | None:
        """The cells of ``row`` by column, to hold the XML of ``string_xml`` and
        ``number_xml`` (then ``note_columns``): in ``constant_memory`` mode, at or after the
        row being written (the one before goes to disk now, as XlsxWriter does when a cell of
        a new row is written) and within the sheet; else None."""
        if not self.constant_memory or row < self.previous_row or row >= self.xls_rowmax:
            return None
        if row > self.previous_row:
            self._write_single_row(row)
        return self.table[row]

    def letters(self, count: int) -> list[str]:
        """The letters of the first ``count`` columns ("A", "B", …)."""
        letters = getattr(self, "_letters", None)
        if letters is None or len(letters) < count:
            letters = self._letters = [xl_col_to_name(column) for column in range(count)]
        return letters

    def note_columns(self, row: int, first: int, last: int) -> None:
        """The sheet's dimension after cells were put in ``row``'s cells from column ``first``
        to ``last``, as ``_check_dimensions`` keeps it for each cell."""
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last

    def _write_cell(self, row: int, col: int, cell) -> None:
        if cell.__class__ is str:
            self.fh.write(cell)
            return
        super()._write_cell(row, col, cell)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """The row before ``current_row_num`` to disk, as XlsxWriter writes it, in one write
        but for the cells that take XlsxWriter's own path."""
        row_num = self.previous_row
        cells = self.table.get(row_num)
        start = self._row_start(row_num) if cells else None
        if start is None or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        parts, fast = [start], self._cell_xml
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

    def _row_start(self, row: int) -> str | None:
        """The ``<row>`` tag XlsxWriter's ``_write_row`` writes for a row of cells without a
        format, outline or hidden state (its height set or not), or None for any other."""
        if self.excel_version == 2010:
            return None
        info = self.row_info.get(row)
        if info is None:
            height = self.default_row_height
        elif info.row_format or info.hidden or info.level or info.collapsed:
            return None
        else:
            height = info.height
        if height is None:
            return None
        if height != self.original_row_height or height != self.default_row_height:
            return f'<row r="{row + 1}" ht="{height * 0.75:.16g}" customHeight="1">'
        return f'<row r="{row + 1}">'

    def _cell_xml(self, row: int, col: int, cell) -> str | None:
        """The XML of a formatted number or plain string, or None for any other cell."""
        kind = cell.__class__
        if kind is str:
            return cell
        cell_format = cell.format
        if cell_format is None:
            return None
        if kind is CellNumberTuple:
            return number_xml(
                xl_rowcol_to_cell_fast(row, col), cell_format._get_xf_index(), cell.number
            )
        if kind is CellStringTuple and plain_text(cell.string):
            return string_xml(
                xl_rowcol_to_cell_fast(row, col), cell_format._get_xf_index(), cell.string
            )
        return None


def string_xml(reference: str, xf_index: int | str, string: str) -> str:
    """A plain text's cell (``plain_text``), inline as XlsxWriter writes it in
    ``constant_memory`` mode."""
    return f'<c r="{reference}" s="{xf_index}" t="inlineStr"><is><t>{string}</t></is></c>'


def number_xml(reference: str, xf_index: int | str, number: float) -> str:
    """A finite number's cell, as XlsxWriter writes it."""
    return f'<c r="{reference}" s="{xf_index}"><v>{number:.16G}</v></c>'
