"""Exports from the admin: numbers and dates stay typed, text that a spreadsheet could take for a
formula is neutralised (the Excel pack's way in xlsx, a quote in csv), headers are the import's."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import IndicatorValue
from projects.models import Project
from tests.factories import IndicatorValueFactory, ProjectFactory
from tests.import_files import export, open_xlsx

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
