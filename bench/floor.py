"""The floors the Excel pack is compared with: the least any pack of the same rows must do.

Both read the rows the pack shows (projects with their measure, axis, fundings, communes and
themes; measures; indicators; values) into Python with plain ``values_list`` queries, the same
queries whichever writer follows, and write them one sheet per table, no formatting, no chart,
no height, no merge:

- ``strict_floor_workbook``, the floor of the bench's ratio: XlsxWriter, the pack's writer, in
  ``constant_memory`` mode (each row written to disk as the next one starts, strings inline);
- ``floor_workbook``, the former floor, kept as a second line: openpyxl in write-only mode.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import xlsxwriter
from openpyxl import Workbook

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from reports.project_sheets import project_relations
from spreadsheets.values import EXCEL_EPOCH
from strategies.models import Measure, Strategy


def floor_tables(strategy: Strategy) -> Iterator[tuple[str, Iterable[tuple | list]]]:
    """(sheet name, rows) of every table of the floor, each read by one query as it is written
    (plus the three of the projects' relations)."""
    yield "Projets", project_rows(strategy)
    yield (
        "Mesures",
        Measure.objects.filter(strategy=strategy).values_list(
            "axis__number",
            "domain__title",
            "code",
            "title",
            "objective_code",
            "lead",
            "partners",
            "resources",
            "outputs",
        ),
    )
    yield (
        "Indicateurs",
        Indicator.objects.filter(strategy=strategy).values_list(
            "code",
            "name",
            "unit",
            "level",
            "axis__number",
            "measure__code",
            "baseline_value",
            "target_value",
            "range_min",
            "range_max",
        ),
    )
    yield (
        "Valeurs",
        IndicatorValue.objects.filter(indicator__strategy=strategy)
        .order_by("indicator", "date")
        .values_list("indicator__code", "date", "value", "source", "comment"),
    )


def project_rows(strategy: Strategy) -> Iterator[list]:
    fundings, communes, themes = project_relations(strategy.pk)
    for project_id, *fields in Project.objects.filter(strategy=strategy).values_list(
        "pk",
        "code",
        "title",
        "axis__number",
        "measure__code",
        "measure__title",
        "priority",
        "lead",
        "partners",
        "start_date",
        "end_date",
        "status",
        "progress",
        "budget_planned",
        "budget_spent",
        "budget_kind",
    ):
        own = fundings.get(project_id, ())
        yield [
            *fields,
            ", ".join(communes.get(project_id, ())),
            ", ".join(themes.get(project_id, ())),
            "\n".join(f"{funder} {amount} {secured}" for funder, amount, secured in own),
        ]


def strict_floor_workbook(strategy: Strategy) -> bytes:
    """The rows written by XlsxWriter in ``constant_memory`` mode, without a format: numbers as
    numbers (decimals as floats), dates as Excel serial numbers, text as text, empty values not
    at all."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    for title, rows in floor_tables(strategy):
        sheet = workbook.add_worksheet(title)
        write_string, write_number = sheet.write_string, sheet.write_number
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                if value is None or value == "":  # an empty cell: nothing to write
                    continue
                if isinstance(value, str):
                    write_string(row, column, value)
                elif hasattr(value, "toordinal"):  # a date: its serial number, unformatted
                    write_number(row, column, value.toordinal() - EXCEL_EPOCH)
                else:
                    write_number(row, column, float(value))
    workbook.close()
    return buffer.getvalue()


def floor_workbook(strategy: Strategy) -> bytes:
    """The rows written by openpyxl in write-only mode (the bench's floor until issue 19)."""
    workbook = Workbook(write_only=True)
    for title, rows in floor_tables(strategy):
        sheet = workbook.create_sheet(title)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
