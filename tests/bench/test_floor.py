"""The floors the bench compares the Excel pack with hold the rows the pack shows."""

import io

import openpyxl

from bench.floor import floor_workbook, strict_floor_workbook
from indicators.models import IndicatorValue
from projects.models import Project


def test_both_floors_hold_every_project_and_value_of_the_strategy(demo):
    projects = Project.objects.filter(strategy=demo).count()
    values = IndicatorValue.objects.filter(indicator__strategy=demo).count()
    for content in (strict_floor_workbook(demo), floor_workbook(demo)):
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        assert workbook.sheetnames == ["Projets", "Mesures", "Indicateurs", "Valeurs"]
        assert workbook["Projets"].max_row == projects
        assert workbook["Valeurs"].max_row == values
        codes = {row[0] for row in workbook["Projets"].iter_rows(values_only=True)}
        assert codes == set(Project.objects.filter(strategy=demo).values_list("code", flat=True))


def test_the_strict_floor_writes_no_format_and_no_empty_text(demo):
    workbook = openpyxl.load_workbook(io.BytesIO(strict_floor_workbook(demo)))
    formats = {cell.number_format for row in workbook["Projets"].iter_rows() for cell in row}
    assert formats == {"General"}  # dates as their bare serial numbers
    assert "" not in {
        cell for row in workbook["Valeurs"].iter_rows(values_only=True) for cell in row
    }
