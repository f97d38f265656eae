"""Files that cannot be imported get a clear French message on the import form, never a server
error, and change nothing; files that can are read as openpyxl reads them."""

import datetime
import io
import struct
import zipfile
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
import tablib
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import MAC_EPOCH

from projects.models import Project
from spreadsheets import reader
from spreadsheets.formats import XLSX, SpreadsheetFile
from spreadsheets.formulas import FormulaWithoutValue
from spreadsheets.reader import xlsx_rows
from spreadsheets.text import SpreadsheetError
from tests.factories import MeasureFactory
from tests.import_files import upload, xlsx

GOOD = (["Code", "Titre", "Mesure"], [["p1", "Vélos", "m1"]])


@pytest.fixture
def importer(admin_client, strategy):
    MeasureFactory(domain__axis__strategy=strategy, code="m1")
    return admin_client


def refused(client, strategy, content: bytes, name: str = "projets.xlsx") -> str:
    """The form's error on the file, after checking that nothing was imported."""
    response = upload(client, Project, strategy, content, name=name)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    errors = response.context["form"].errors
    assert list(errors) == ["import_file"], errors
    assert not Project.objects.exists()
    return unescape(" ".join(errors["import_file"]))


def replace_part(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one of its parts rewritten."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, data if item.filename == name else source.read(item.filename))
        if name not in source.namelist():
            target.writestr(name, data)
    return buffer.getvalue()


def test_a_good_file_is_previewed(importer, strategy):
    response = upload(importer, Project, strategy, xlsx(*GOOD))

    assert response.context["result"].counts["new"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "n'est ni un classeur Excel (.xlsx) ni un fichier CSV",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "n'est ni un classeur Excel (.xlsx) ni un fichier CSV",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "ancien classeur Excel (.xls)"),
        (b"PK\x03\x04 tronque", "Ce classeur Excel est endommagé"),
        (b"Bonjour,\nvoici la liste des projets.\n", "Colonnes inconnues"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused(importer, strategy, content, message):
    assert message in refused(importer, strategy, content)


def test_an_opendocument_file_is_refused_with_advice(importer, strategy):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert "classeur OpenDocument (.ods)" in refused(importer, strategy, buffer.getvalue(), "p.ods")


def test_an_empty_file_is_refused(importer, strategy):
    assert "vide" in refused(importer, strategy, b"")


def test_a_workbook_with_only_headers_is_refused(importer, strategy):
    message = refused(importer, strategy, xlsx(GOOD[0], []))

    assert message == "Le fichier n'a aucune ligne de données sous ses en-têtes (ligne 1)."


def test_an_empty_workbook_is_refused(importer, strategy):
    assert refused(importer, strategy, xlsx([], [])) == (
        "Le fichier est vide : il n'a même pas d'en-têtes."
    )


def test_wrong_headers_are_named_with_the_expected_ones(importer, strategy):
    message = refused(importer, strategy, xlsx(["Nom", "Date de fin", "Titre"], [["a", "b", "c"]]))

    assert message.startswith(
        "Colonnes inconnues : « Nom », « Date de fin ». "
        "Colonnes obligatoires absentes : « Code ». "
        "Les colonnes attendues sont : Code, Titre, Mesure, Axe, Priorité, Qui ?,"
    )


def test_a_column_without_header_is_refused(importer, strategy):
    content = xlsx(["Code", "Titre", None], [["p1", "Vélos", "oublié"]])

    assert refused(importer, strategy, content) == (
        "La colonne C n'a pas d'en-tête à la ligne 1 mais contient des valeurs."
    )


def test_a_repeated_column_is_refused(importer, strategy):
    message = refused(importer, strategy, xlsx(["Code", "Titre", "titre"], [["p1", "a", "b"]]))

    assert "Colonnes en double : « Titre »." in message


def test_a_file_over_the_size_limit_is_refused(importer, strategy, settings):
    settings.SPREADSHEET_IMPORT_MAX_SIZE = 2048
    content = xlsx(*GOOD)
    assert len(content) > 2048

    message = refused(importer, strategy, content)

    assert message == f"Le fichier pèse {-(-len(content) // 1024)} ko : la limite est de 2 ko."


def test_the_size_limit_is_ten_megabytes_by_default(settings):
    assert settings.SPREADSHEET_IMPORT_MAX_SIZE == 10 * 1024 * 1024
    assert settings.SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE == 100 * 1024 * 1024
    assert settings.SPREADSHEET_IMPORT_MAX_RATIO == 100


def test_a_workbook_that_decompresses_a_hundredfold_is_refused(importer, strategy):
    bomb = replace_part(xlsx(*GOOD), "xl/media/image1.bin", bytes(30 * 1024 * 1024))

    message = refused(importer, strategy, bomb)

    assert "se décompresse en" in message and "refusé par sécurité" in message


def test_a_workbook_that_decompresses_beyond_the_limit_is_refused(importer, strategy, settings):
    settings.SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE = 4096

    assert "se décompresse en" in refused(importer, strategy, xlsx(*GOOD))


def test_openpyxl_refuses_xml_bombs_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Code</t></is></c></row>
<row r="2"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>
</sheetData></worksheet>"""


def test_an_xml_bomb_in_a_sheet_is_refused(importer, strategy):
    bomb = replace_part(xlsx(*GOOD), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)

    assert "constructions XML refusées par sécurité" in refused(importer, strategy, bomb)


def excel_like(rows: list[list[str]], strings_xml: bytes | None = None) -> bytes:
    """A workbook as Excel writes it: its texts in a shared strings table."""
    texts = sorted({text for row in rows for text in row})
    index = {text: position for position, text in enumerate(texts)}
    sheet = "".join(
        f'<row r="{line}">'
        + "".join(
            f'<c r="{"ABC"[column]}{line}" t="s"><v>{index[text]}</v></c>'
            for column, text in enumerate(row)
        )
        + "</row>"
        for line, row in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    if strings_xml is None:
        strings_xml = (
            f'<sst xmlns="{main}">'
            + "".join(f"<si><t>{text}</t></si>" for text in texts)
            + "</sst>"
        ).encode()
    content = replace_part(
        xlsx([], []),
        "xl/worksheets/sheet1.xml",
        f'<worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>'.encode(),
    )
    content = replace_part(content, "xl/sharedStrings.xml", strings_xml)
    archive = zipfile.ZipFile(io.BytesIO(content))
    relations = archive.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxml'
        b'formats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        b'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    content = replace_part(content, "xl/_rels/workbook.xml.rels", relations)
    return replace_part(content, "[Content_Types].xml", types)


def test_a_workbook_with_shared_strings_is_read_as_openpyxl_reads_it():
    content = excel_like([["Code", "Titre", "Mesure"], ["p1", "Vélos", "m1"]])

    reference = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    assert [list(values) for _line, values in xlsx_rows(content)] == [
        list(row) for row in reference.worksheets[0].iter_rows(values_only=True)
    ]
    assert SpreadsheetFile().read(content).dict == [
        {"Code": "p1", "Titre": "Vélos", "Mesure": "m1"}
    ]


def test_an_xml_bomb_in_the_shared_strings_is_refused(importer, strategy):
    strings = BILLION_LAUGHS.split(b"<worksheet")[0] + (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>Code</t></si><si><t>&lol4;</t></si></sst>"
    )

    bomb = excel_like([["Code"], ["Code"]], strings_xml=strings)

    assert "constructions XML refusées par sécurité" in refused(importer, strategy, bomb)


def test_a_french_excel_csv_is_read(importer, strategy):
    content = "Code;Titre;Mesure;Début\r\np1;Vélo électrique;m1;01.03.2026\r\n".encode("cp1252")

    response = upload(importer, Project, strategy, content, name="projets.csv")

    assert response.context["result"].counts["new"] == 1
    assert "Vélo électrique" in unescape(response.content.decode())


def test_a_utf8_csv_with_commas_and_quotes_is_read():
    content = '\ufeffCode,Titre,Mesure\r\np1,"Vélos, trottinettes",m1\r\n,,\r\np2,"=1+1",m1\r\n'

    dataset = SpreadsheetFile().read(content.encode())

    assert dataset.headers == ["Code", "Titre", "Mesure"]
    assert dataset.dict == [
        {"Code": "p1", "Titre": "Vélos, trottinettes", "Mesure": "m1"},
        {"Code": "p2", "Titre": "=1+1", "Mesure": "m1"},
    ]
    assert dataset.line_numbers == [2, 4]


def test_a_csv_cell_neutralised_by_an_export_is_read_back_as_written():
    dataset = SpreadsheetFile().read(b"Code;Titre\np1;'=SUM(A1)\np2;'-tiret\np3;'ok\n")

    assert [row["Titre"] for row in dataset.dict] == ["=SUM(A1)", "-tiret", "'ok"]


def test_blank_lines_keep_the_spreadsheet_line_numbers(importer, strategy):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A2"], sheet["B2"], sheet["C2"] = "Code", "Titre", "Mesure"
    sheet["A5"], sheet["B5"], sheet["C5"] = "p1", "Bon", "m1"
    sheet["A9"], sheet["B9"], sheet["C9"] = "p2", "Mauvais", "m404"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(importer, Project, strategy, buffer.getvalue())

    assert [problem.line for problem in response.context["result"].problems] == [9]


def test_the_first_sheet_is_read_whatever_sheet_was_active():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Code"])
    workbook.active.append(["p1"])
    notes = workbook.create_sheet("Notes")
    notes.append(["autre chose"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert SpreadsheetFile().read(buffer.getvalue()).dict == [{"Code": "p1"}]


def test_cells_are_read_as_openpyxl_reads_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Texte", "Entier", "Décimal", "Date", "Date et heure", "Heure", "Oui", "Formule"])
    sheet.append(
        [
            "Ça va",
            12,
            12.5,
            datetime.date(2026, 3, 1),
            datetime.datetime(2026, 3, 1, 8, 30),
            datetime.time(10, 15),
            True,
            "=B2*2",
        ]
    )
    sheet.append([None, -3, 1e-7, None, None, None, False, "=B3"])
    sheet.cell(row=4, column=8, value="trou")
    sheet["C2"].number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    ours = [list(values) for _line, values in xlsx_rows(content)]
    reference = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    theirs = [list(row) for row in reference.worksheets[0].iter_rows(values_only=True)]
    # But for the formulas, saved without their value (tests/spreadsheets/test_formula_cells.py).
    assert (theirs[1][7], theirs[2][7]) == (None, None)
    theirs[1][7], theirs[2][7] = FormulaWithoutValue("=B2*2"), FormulaWithoutValue("=B3")

    assert [row + [None] * (8 - len(row)) for row in ours] == theirs


def test_the_reader_refuses_what_it_cannot_read():
    with pytest.raises(SpreadsheetError):
        SpreadsheetFile().read(
            replace_part(xlsx(*GOOD), "xl/worksheets/sheet1.xml", b"<pas du xml")
        )


def saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_archive_is_checked_before_any_parser_reads_it(importer, strategy, settings):
    # The sheet is not even XML: had a parser read it first, the message would say so.
    settings.SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE = 4096
    content = replace_part(xlsx(*GOOD), "xl/worksheets/sheet1.xml", b"<pas du xml" * 400)

    assert "se décompresse en" in refused(importer, strategy, content)


def test_a_part_longer_than_its_declared_size_is_refused(importer, strategy):
    """A zip that lies about the size of a part (to slip past the decompression limits) is not
    decompressed beyond what it declares: the workbook is refused as damaged."""
    rows = "".join(
        f'<row r="{line}"><c r="A{line}" t="inlineStr"><is><t>p{line}</t></is></c></row>'
        for line in range(1, 3000)
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()
    content = bytearray(replace_part(xlsx(*GOOD), "xl/worksheets/sheet1.xml", sheet))
    name = b"xl/worksheets/sheet1.xml"
    local = content.find(b"PK\x03\x04")
    while content[local + 30 : local + 30 + len(name)] != name:
        local = content.find(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", content, local + 22, 1000)  # its local header
    central = content.find(b"PK\x01\x02")
    while content[central + 46 : central + 46 + len(name)] != name:
        central = content.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", content, central + 24, 1000)  # and the central directory

    assert "endommagé" in refused(importer, strategy, bytes(content))


def test_a_1904_workbook_has_its_dates_read_right():
    workbook = openpyxl.Workbook()
    workbook.epoch = MAC_EPOCH
    workbook.active.append(["Code", "Début", "Fin"])
    workbook.active.append(["p1", datetime.date(2026, 3, 1), datetime.datetime(2027, 1, 2, 12, 30)])
    content = saved(workbook)
    assert b'date1904="1"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml")

    assert SpreadsheetFile().read(content).dict == [
        {
            "Code": "p1",
            "Début": datetime.datetime(2026, 3, 1),
            "Fin": datetime.datetime(2027, 1, 2, 12, 30),
        }
    ]


def test_error_cells_are_read_as_their_text_not_as_empty(importer, strategy):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Code", "Titre", "Mesure", "Budget prévu", "Début"])
    workbook.active.append(["p1", "Vélos", "m1", "#DIV/0!", datetime.date(2026, 3, 1)])
    workbook.active.append(["p2", "Bus", "m1", 1500, "#N/A"])
    content = saved(workbook)
    assert b't="e"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")

    dataset = SpreadsheetFile().read(content)
    response = upload(importer, Project, strategy, content)

    assert [row["Budget prévu"] for row in dataset.dict] == ["#DIV/0!", 1500]
    assert dataset.dict[0]["Début"] == datetime.datetime(2026, 3, 1)
    assert [(p.line, p.column, p.message) for p in response.context["result"].problems] == [
        (2, "Budget prévu", "« #DIV/0! » n'est pas un nombre."),
        (3, "Début", "« #N/A » n'est pas une date (jj.mm.aaaa, par exemple 31.12.2026)."),
    ]
    assert not Project.objects.exists()


def test_a_table_that_starts_in_column_b_names_the_empty_column_a(importer, strategy):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"], sheet["D3"] = "Code", "Titre", "Mesure"
    sheet["B4"], sheet["C4"], sheet["D4"] = "p1", "Vélos", "m1"

    assert refused(importer, strategy, saved(workbook)) == (
        "La colonne A n'a pas d'en-tête (ligne 3)."
    )


def test_cells_beyond_the_declared_size_of_the_sheet_are_read():
    # Some applications write a wrong <dimension>: every cell is read all the same.
    content = xlsx(["Code", "Titre"], [["p1", "Vélos"], ["p2", "Bus"]])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B3" />' in sheet

    wrong = replace_part(
        content, "xl/worksheets/sheet1.xml", sheet.replace(b'ref="A1:B3"', b'ref="A1"')
    )

    assert SpreadsheetFile().read(wrong).dict == [
        {"Code": "p1", "Titre": "Vélos"},
        {"Code": "p2", "Titre": "Bus"},
    ]


def test_formatted_empty_rows_and_columns_after_the_table_are_ignored():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Code", "Titre"])
    sheet.append(["p1", "Vélos"])
    for cell in ("E1", "E2", "A40", "H60"):
        sheet[cell].fill = PatternFill("solid", fgColor="FFFF00")  # styled, empty
    sheet["C2"] = "   "

    dataset = SpreadsheetFile().read(saved(workbook))

    assert dataset.headers == ["Code", "Titre"]
    assert dataset.dict == [{"Code": "p1", "Titre": "Vélos"}]
    assert dataset.line_numbers == [2]


def test_a_file_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 2)

    with pytest.raises(SpreadsheetError, match="Le fichier a plus de 2 lignes"):
        SpreadsheetFile().read(xlsx(["Code"], [["p1"], ["p2"], ["p3"]]))
    assert len(SpreadsheetFile().read(xlsx(["Code"], [["p1"], ["p2"]]))) == 2


def test_an_export_reads_back_as_it_was_written():
    """The admin's export (inline strings, dates as numbers with a date format) read by the
    import gives back the values written."""
    data = tablib.Dataset(headers=["Code", "Date", "Valeur", "Texte"])
    data.append(["s1", datetime.date(2025, 12, 31), Decimal("12.5"), "=1+1"])
    data.append(["s2", datetime.date(2026, 1, 31), Decimal("-3"), "Ligne 1\nligne 2"])
    data.column_kinds = ["text", "date", "number", "text"]

    dataset = SpreadsheetFile().read(XLSX().export_data(data))

    assert dataset.dict == [
        {"Code": "s1", "Date": datetime.datetime(2025, 12, 31), "Valeur": 12.5, "Texte": "=1+1"},
        {
            "Code": "s2",
            "Date": datetime.datetime(2026, 1, 31),
            "Valeur": -3,
            "Texte": "Ligne 1\nligne 2",
        },
    ]
    assert [type(row["Valeur"]) for row in dataset.dict] == [float, int]
