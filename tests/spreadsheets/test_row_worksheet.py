"""The pack's worksheet writes, in constant_memory mode, the very XML XlsxWriter writes."""

from __future__ import annotations

import datetime
import io
import zipfile
import zoneinfo
from decimal import Decimal

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from spreadsheets.row_worksheet import RowWorksheet
from spreadsheets.tables import Table
from spreadsheets.xlsx import GREEN, Book, Column

TEXTS = [
    "plain",
    "accentué – ✓ réalisé ⚑",
    "two\nlines",
    " leading space",
    "trailing space ",
    "tab\tinside",
    "a & b < c > d",
    'quoted "word"',
    "_x0041_ looks escaped",
    "control \x01 char",
    "<r>rich-like</r>",
    "=1+1",
    "😀 emoji",
    "\ufffe",
]
NUMBERS = [0, 1, -2.5, 1234567.891, 1e-9, 1e20, 45678, 0.1 + 0.2]


def sheet_xml(worksheet_class, constant_memory: bool = True) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": constant_memory,
            "in_memory": not constant_memory,
            "nan_inf_to_errors": True,
        },
    )
    bordered = workbook.add_format({"border": 1, "num_format": "#,##0.##"})
    worksheet = workbook.add_worksheet("S", worksheet_class=worksheet_class)
    row = 0
    for text in TEXTS:
        worksheet.write_string(row, 1, text, None)
        worksheet.write_string(row, 0, text, bordered)
        row += 1
    for number in [*NUMBERS, float("inf")]:
        worksheet.write_number(row, 1, number, None)
        worksheet.write_number(row, 0, number, bordered)
        worksheet.write_blank(row, 2, None, bordered)
        worksheet.write_boolean(row, 3, True, bordered)
        worksheet.set_row(row, 30)
        row += 1
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("constant_memory", [True, False])
def test_row_worksheet_writes_the_xml_of_xlsxwriter_byte_for_byte(constant_memory):
    assert sheet_xml(RowWorksheet, constant_memory) == sheet_xml(Worksheet, constant_memory)


COLUMNS = [
    Column("Texte", 20),
    Column("Nombre", 12, "number"),
    Column("Date", 12, "date"),
    Column("Montant", 14, "money"),
    Column("Part", 10, "percent"),
    Column("Moment", 16, "datetime"),
    Column("Rempli", 12),
]
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
#: The first row takes every column's format in order, so that the formats are numbered alike
#: whether their index is taken as the cell is put (the XML path) or as the row is written.
ROWS = [
    ["plain", 1.5, datetime.date(2025, 3, 1), Decimal("1200.50"), 0.25, "x", "ok"],
    *(
        [text, number, datetime.date(1900, 3, 1), Decimal("-3"), None, "", text]
        for text, number in zip(TEXTS, NUMBERS * 2, strict=False)
    ),
    [
        "x" * 20000,
        True,
        datetime.date(1899, 12, 31),
        10**20,
        Decimal("0.125"),
        datetime.datetime(2025, 6, 1, 9, 30, tzinfo=ZURICH),
        None,
    ],
    ["_x alone", 2**53 + 1, datetime.date(9999, 12, 31), 0, -0.0, "", 5],
    ["une ligne assez longue pour passer à la suivante dans sa colonne", 3, None, 1, 1, "", ""],
]


def table_parts(monkeypatch=None) -> tuple[bytes, bytes]:
    """A ``Table`` of every kind of value written in ``constant_memory`` mode: the sheet's XML
    and the styles'."""
    book = Book("Stratégie", datetime.date(2026, 12, 7), constant_memory=True, currency="CHF")
    table = Table(book.sheet("Table", [c.width for c in COLUMNS], freeze_row=2), COLUMNS)
    for number, values in enumerate(ROWS):
        table.add(values, {7: GREEN} if number % 3 else None)
    table.end()
    with zipfile.ZipFile(io.BytesIO(book.close())) as archive:
        return archive.read("xl/worksheets/sheet1.xml"), archive.read("xl/styles.xml")


def test_a_table_writes_the_xml_of_xlsxwriters_own_path_byte_for_byte(monkeypatch):
    fast = table_parts()
    monkeypatch.setattr(RowWorksheet, "row_cells", lambda self, row: None)

    assert fast == table_parts()
    assert b'<c r="A2" s="' in fast[0] and b"<v>45717</v>" in fast[0]  # 01.03.2025


def test_row_worksheet_sheet_holds_every_cell_written():
    xml = sheet_xml(RowWorksheet).decode()
    assert xml.count("<c ") == len(TEXTS) * 2 + (len(NUMBERS) + 1) * 4  # and infinity
