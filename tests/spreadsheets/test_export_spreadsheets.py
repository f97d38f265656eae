"""Exports from the admin: numbers and dates stay typed, text that a spreadsheet could take for a
formula is neutralised (the Excel pack's way in xlsx, a quote in csv), headers are the import's."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl.utils import get_column_letter

from indicators.models import IndicatorValue
from projects.models import Project
from spreadsheets.formats import CSV, XLSX, SpreadsheetFile
from tests.factories import IndicatorValueFactory, MeasureFactory, ProjectFactory
from tests.import_files import admin_url, export, open_xlsx

TRIGGERS = ["=1+1", "+41 27 000 00 00", "-deux", "@SUM(A1)", "\tonglet", "\rretour"]


@pytest.fixture
def projects(strategy):
    """One project per formula trigger in its title, with typed dates and amounts."""
    measure = ProjectFactory(measure__domain__axis__strategy=strategy).measure
    Project.objects.all().delete()
    return [
        ProjectFactory(
            measure=measure,
            code=f"p{index}",
            title=title,
            lead="Commune",
            start_date=datetime.date(2026, 1, index + 1),
            budget_planned=Decimal("1234.50"),
            progress=index,
        )
        for index, title in enumerate(TRIGGERS, start=1)
    ]


def test_xlsx_cells_stay_typed_and_formulas_are_neutralised(admin_client, projects):
    response = export(admin_client, Project)

    sheet = open_xlsx(response.content).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Code", "Titre", "Mesure"] and headers[-1] == "Stratégie"
    column = {header: index + 1 for index, header in enumerate(headers)}
    for row, title in enumerate(TRIGGERS, start=2):
        cell = sheet.cell(row=row, column=column["Titre"])
        # (XML reads a lone carriage return back as a line feed.)
        expected = title.replace("\r", "\n")
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)
        start = sheet.cell(row=row, column=column["Début"])
        assert (
            start.value == datetime.datetime(2026, 1, row) and start.number_format == "DD.MM.YYYY"
        )
        budget = sheet.cell(row=row, column=column["Budget prévu"])
        assert (budget.value, budget.data_type) == (1234.5, "n")
        assert budget.number_format == "#,##0.00"
        progress = sheet.cell(row=row, column=column["Avancement (%)"])
        assert (progress.value, progress.data_type) == (row - 1, "n")
    lead = sheet.cell(row=2, column=column["Qui ?"])
    assert (lead.value, lead.quotePrefix) == ("Commune", False)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].font.b


def test_a_negative_number_is_a_number_not_a_neutralised_text(admin_client, strategy):
    value = IndicatorValueFactory(indicator__axis__strategy=strategy, value=Decimal("-3.25"))

    sheet = open_xlsx(export(admin_client, IndicatorValue).content).active

    row = [cell for cell in sheet[2]]
    assert row[0].value == value.indicator.code
    assert (row[2].value, row[2].data_type, row[2].quotePrefix) == (-3.25, "n", False)


def test_csv_is_for_french_excel_and_neutralises_formulas(admin_client, projects):
    response = export(admin_client, Project, file_format=1)

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffCode;Titre;Mesure;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [row["Titre"] for row in rows] == ["'" + title for title in TRIGGERS]
    assert rows[0]["Début"] == "02.01.2026" and rows[0]["Budget prévu"] == "1234.5"


def test_import_exports_own_escaping_is_not_used():
    # It would turn every cell into text and drop the "=": the formats neutralise instead.
    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is False


def test_an_export_costs_the_same_queries_for_more_rows(admin_client, projects):
    export(admin_client, Project)  # warm-up
    counts = []
    for extra in (0, 30):
        for index in range(extra):
            project = ProjectFactory(measure=projects[0].measure, code=f"x{extra}-{index}")
            project.communes.set([])
        with CaptureQueriesContext(connection) as queries:
            export(admin_client, Project)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def width_of(sheet, index: int) -> float:
    """The width of a column (from 1), whether it has its own dimension or shares a range's."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= index <= dimension.max:
            return dimension.width
    return sheet.column_dimensions[get_column_letter(index)].width


def test_the_xlsx_export_is_laid_out_like_the_pack(admin_client, projects):
    sheet = open_xlsx(export(admin_client, Project).content).active

    headers = [cell.value for cell in sheet[1]]
    header = sheet["A1"]
    assert header.font.b and header.font.color.rgb.endswith("FFFFFF")
    assert header.fill.fgColor.rgb.endswith("1F4E79") and header.alignment.wrap_text
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(headers))}{len(projects) + 1}"
    assert sheet.print_title_rows == "$1:$1"
    widths = {name: width_of(sheet, index + 1) for index, name in enumerate(headers)}
    # Dates 12, text 24 (the file stores Excel's padding of 0.71 on top).
    assert round(widths["Début"]) == 13 and round(widths["Titre"]) == 25
    assert round(widths["Commentaire sur le statut"]) == 30  # as wide as its header needs
    assert sheet.cell(row=2, column=headers.index("Description") + 1).value is None  # empty


def test_a_date_in_a_text_column_is_shown_as_a_date():
    data = tablib.Dataset(headers=["Quand", "Heure"])
    data.append([datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 30)])

    sheet = open_xlsx(XLSX().export_data(data)).active

    assert sheet["A2"].value == datetime.datetime(2026, 3, 1)
    assert sheet["A2"].number_format == "DD.MM.YYYY"
    assert sheet["B2"].value == datetime.datetime(2026, 3, 1, 8, 30)


def test_the_admin_takes_its_formats_from_import_exports_settings():
    model_admin = admin.site._registry[Project]

    assert model_admin.get_import_formats() == settings.IMPORT_FORMATS
    assert model_admin.get_export_formats() == settings.EXPORT_FORMATS
    assert model_admin.get_import_formats() == [SpreadsheetFile]
    assert model_admin.get_export_formats() == [XLSX, CSV]


def test_the_template_explains_and_lists_as_it_did(admin_client, strategy):
    MeasureFactory(domain__axis__strategy=strategy, code="=m1")  # a code that looks like a formula
    template = admin_url(Project, "import_template") + f"?strategy={strategy.pk}"

    workbook = open_xlsx(admin_client.get(template).content)

    data, help_sheet, reference = workbook.worksheets
    assert data.freeze_panes == "A2" and data.auto_filter.ref.startswith("A1:")
    assert help_sheet["A1"].font.b and help_sheet["A1"].font.sz == 14
    header_at = next(row[0].row for row in help_sheet.iter_rows() if row[0].value == "Colonne")
    assert help_sheet.freeze_panes == f"A{header_at + 1}"
    assert [round(width_of(help_sheet, index)) for index in range(1, 5)] == [27, 17, 61, 51]
    assert help_sheet.cell(row=header_at + 1, column=3).alignment.wrap_text
    assert reference.title == "Valeurs de la stratégie" and reference.freeze_panes == "A2"
    measures = [row[0] for row in reference.iter_rows(min_row=2, values_only=True) if row[0]]
    assert any(value.startswith("=m1") for value in measures)
    formula_like = next(
        row[0] for row in reference.iter_rows(min_row=2) if str(row[0].value).startswith("=")
    )
    assert formula_like.data_type == "s" and formula_like.quotePrefix
