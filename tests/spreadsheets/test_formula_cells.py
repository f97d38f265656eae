"""A formula cell saved without its computed value (a workbook written by a program that does not
compute formulas, as openpyxl writes them) is reported in its cell, not read as empty; a formula
saved with its value is read as that value."""

import datetime
import io
import zipfile
from html import unescape

import openpyxl
import pytest

from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.formulas import FormulaWithoutValue
from tests.factories import MeasureFactory
from tests.import_files import dataset, save, upload

pytestmark = pytest.mark.django_db

UNCOMPUTED = (
    "La cellule contient une formule sans valeur calculée : ouvrez le fichier dans Excel ou "
    "LibreOffice, enregistrez-le, puis importez-le à nouveau."
)
HEADERS = ["Code", "Titre", "Mesure", "Avancement (%)"]


@pytest.fixture
def measure(strategy):
    return MeasureFactory(domain__axis__strategy=strategy, code="m1")


def workbook(*rows) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.active.title = "Projets"
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    return book


def run(strategy, content: bytes):
    return ProjectResource(strategy=strategy).import_data(dataset(content))


def problems(result) -> list[tuple]:
    return [(p.line, p.column, p.message, p.shown_value) for p in result.problems]


def sheet_xml(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def with_sheet_xml(content: bytes, xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            name = item.filename
            target.writestr(item, xml if name == "xl/worksheets/sheet1.xml" else source.read(name))
    return buffer.getvalue()


def test_openpyxl_saves_a_formula_without_its_value():
    content = save(workbook(["p1", "=A1+1", "m1", 10]))

    assert b"<f>A1+1</f><v /></c>" in sheet_xml(content)


def test_a_formula_saved_without_its_value_is_reported_in_its_cell(strategy, measure):
    content = save(
        workbook(
            ["p1", '="Vé"&"los"', "m1", 10],
            ["p2", "Bus", "m1", "=10+5"],
            ['="p"&3', "Tram", "m1", None],
        )
    )

    result = run(strategy, content)

    assert problems(result) == [
        (2, "Titre", UNCOMPUTED, '="Vé"&"los"'),
        (3, "Avancement (%)", UNCOMPUTED, "=10+5"),
        (4, "Code", UNCOMPUTED, '="p"&3'),
    ]
    assert not Project.objects.exists()


def test_the_preview_reports_the_formula_with_its_line_and_column(admin_client, strategy, measure):
    content = save(workbook(["p1", "=B1", "m1", 10]))

    response = upload(admin_client, Project, strategy, content)

    assert problems(response.context["result"]) == [(2, "Titre", UNCOMPUTED, "=B1")]
    assert UNCOMPUTED in unescape(response.content.decode())
    assert response.context.get("confirm_form") is None


def test_a_row_of_formulas_only_is_reported_too(strategy, measure):
    # A reader that computes nothing sees no value in these cells, nor in their row.
    content = save(workbook(["p1", "Vélos", "m1", 10], ['="p"&2', '="Bus"', '="m"&1', "=5*2"]))

    result = run(strategy, content)

    assert [(line, column) for line, column, *_rest in problems(result)] == [
        (3, "Code"),
        (3, "Titre"),
        (3, "Mesure"),
        (3, "Avancement (%)"),
    ]


def test_a_formula_without_value_is_found_in_a_workbook_with_error_cells(strategy, measure):
    # Error cells have the workbook read by openpyxl rather than calamine.
    content = save(workbook(["p1", "Vélos", "m1", "#N/A"], ["p2", "=A1", "m1", 3]))

    result = run(strategy, content)

    assert problems(result) == [
        (2, "Avancement (%)", "« #N/A » n'est pas un nombre.", "#N/A"),
        (3, "Titre", UNCOMPUTED, "=A1"),
    ]


def test_a_formula_saved_with_its_value_is_read_as_that_value(strategy, measure):
    content = save(workbook(["p1", "Vélos", "m1", "=10+5"], ["p2", "=A1", "m1", 3]))
    xml = sheet_xml(content)
    xml = xml.replace(b"<f>10+5</f><v /></c>", b"<f>10+5</f><v>15</v></c>")
    # A formula whose result is an empty text: Excel saves it as an empty text value.
    xml = xml.replace(b'<c r="B3"><f>A1</f><v /></c>', b'<c r="B3" t="str"><f>A1</f><v></v></c>')

    read = dataset(with_sheet_xml(content, xml))

    assert [row["Avancement (%)"] for row in read.dict] == [15, 3]
    assert [row["Titre"] for row in read.dict] == ["Vélos", None]


def test_a_formula_without_value_on_another_sheet_is_not_read(strategy, measure):
    book = workbook(["p1", "Vélos", "m1", 10])
    book.create_sheet("Calculs").append(["=Projets!D2*2", datetime.date(2026, 1, 1)])

    result = run(strategy, save(book))

    assert result.problems == [] and result.counts["new"] == 1


def test_the_reader_gives_the_formula_of_a_cell_without_value():
    read = dataset(save(workbook(["p1", '=A1&"x"', "m1", 10])))

    (title,) = [row["Titre"] for row in read.dict]
    assert isinstance(title, FormulaWithoutValue) and str(title) == '=A1&"x"'
