"""The pack's worksheet writes, in constant_memory mode, the very XML XlsxWriter writes."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from spreadsheets.row_worksheet import RowWorksheet

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


def sheet_xml(worksheet_class, constant_memory: bool = True, fast: bool = False) -> bytes:
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
    write_string, write_number = worksheet.write_string, worksheet.write_number
    row = 0
    for text in TEXTS:
        if fast:  # the path of ``Table.add``: start_row, then fast_string and fast_number
            assert worksheet.start_row(row)
            write_string, write_number = worksheet.fast_string, worksheet.fast_number
        write_string(row, 1, text, None)
        write_string(row, 0, text, bordered)
        row += 1
    for number in [*NUMBERS, float("inf")]:
        if fast:
            assert worksheet.start_row(row)
        write_number(row, 1, number, None)
        write_number(row, 0, number, bordered)
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


def test_rows_started_for_the_fast_path_write_the_xml_of_xlsxwriter_byte_for_byte():
    assert sheet_xml(RowWorksheet, fast=True) == sheet_xml(Worksheet)


def test_the_fast_path_is_refused_for_a_row_already_written_or_in_normal_mode():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    worksheet = workbook.add_worksheet("S", worksheet_class=RowWorksheet)
    assert worksheet.start_row(3)
    assert not worksheet.start_row(2)
    normal = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    assert not normal.add_worksheet("S", worksheet_class=RowWorksheet).start_row(0)
    workbook.close()
    normal.close()


def test_row_worksheet_sheet_holds_every_cell_written():
    xml = sheet_xml(RowWorksheet).decode()
    assert xml.count("<c ") == len(TEXTS) * 2 + (len(NUMBERS) + 1) * 4  # and infinity
