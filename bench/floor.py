"""The floor the Excel pack is compared with: the least any pack of the same rows must do.

Read the rows the pack shows (projects with their measure, axis, fundings, communes and themes;
measures; indicators; values) into Python with plain ``values_list`` queries, and write them with
openpyxl in write-only mode, one sheet per table, no formatting, no chart, no height, no merge.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from reports.project_sheets import project_relations
from strategies.models import Measure, Strategy


def floor_workbook(strategy: Strategy) -> bytes:
    workbook = Workbook(write_only=True)
    fundings, communes, themes = project_relations(strategy.pk)

    sheet = workbook.create_sheet("Projets")
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
        sheet.append(
            [
                *fields,
                ", ".join(communes.get(project_id, ())),
                ", ".join(themes.get(project_id, ())),
                "\n".join(f"{funder} {amount} {secured}" for funder, amount, secured in own),
            ]
        )

    sheet = workbook.create_sheet("Mesures")
    for row in Measure.objects.filter(strategy=strategy).values_list(
        "axis__number",
        "domain__title",
        "code",
        "title",
        "objective_code",
        "lead",
        "partners",
        "resources",
        "outputs",
    ):
        sheet.append(row)

    sheet = workbook.create_sheet("Indicateurs")
    for row in Indicator.objects.filter(strategy=strategy).values_list(
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
    ):
        sheet.append(row)

    sheet = workbook.create_sheet("Valeurs")
    for row in (
        IndicatorValue.objects.filter(indicator__strategy=strategy)
        .order_by("indicator", "date")
        .values_list("indicator__code", "date", "value", "source", "comment")
    ):
        sheet.append(row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
