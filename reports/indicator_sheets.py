"""The pack's indicator sheets: every indicator evaluated (status, attainment, explanation), the
history of their values (drawn by ``chart_sheet``)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Evaluation, Indicator, IndicatorValue
from spreadsheets.tables import write_table
from spreadsheets.values import number_or_unknown, percent
from spreadsheets.xlsx import Book, Column
from steering.table import AxisBlock
from workshops.snapshot import Snapshot

from .cells import STALE_FILL, fill, stale_text, status_text, target_of

INDICATOR_COLUMNS = [
    Column(gettext_lazy("Code"), 8),
    Column(gettext_lazy("Nom"), 36),
    Column(gettext_lazy("Unité"), 12),
    Column(gettext_lazy("Niveau"), 18),
    Column(gettext_lazy("Rattachement"), 28),
    Column(gettext_lazy("État actuel"), 12, "number"),
    Column(gettext_lazy("État visé"), 12, "number"),
    Column(gettext_lazy("Valeur actuelle"), 12, "number"),
    Column(gettext_lazy("Date"), 12, "date"),
    Column(gettext_lazy("Atteinte"), 10, "percent"),
    Column(gettext_lazy("Statut"), 18),
    Column(gettext_lazy("Explication"), 50),
    Column(gettext_lazy("Actualité de la valeur"), 16),
]


def indicators_sheet(
    book: Book, axes: list[AxisBlock], operational: list[tuple[Indicator, Evaluation]]
) -> list[tuple[Indicator, Evaluation]]:
    evaluated = [pair for block in axes for pair in block.indicators] + list(operational)
    axis_names = {block.axis.pk: str(block.axis) for block in axes}
    measure_names = {
        measure_block.measure.pk: str(measure_block.measure)
        for block in axes
        for measure_block in block.measures
        if measure_block.measure is not None
    }
    sheet = book.sheet(_("Indicateurs"), [c.width for c in INDICATOR_COLUMNS], freeze_row=2)
    rows, fills = [], []
    for indicator, evaluation in evaluated:
        parent = (
            axis_names.get(indicator.axis_id, "")
            if indicator.axis_id
            else measure_names.get(indicator.measure_id, "")
        )
        rows.append(
            [
                indicator.code,
                indicator.name,
                indicator.unit,
                indicator.get_level_display(),
                parent,
                number_or_unknown(indicator.baseline_value),
                target_of(indicator),
                evaluation.value,
                evaluation.value_date,
                percent(evaluation.attainment),
                status_text(evaluation.status),
                evaluation.explanation,
                stale_text()
                if evaluation.stale
                else (_("à jour") if evaluation.value_date else "–"),
            ]
        )
        row_fills = {11: fill(evaluation.status)}
        if evaluation.stale:
            row_fills[13] = STALE_FILL
        fills.append(row_fills)
    last = write_table(sheet, INDICATOR_COLUMNS, rows, fills=fills)
    sheet.data_bar(10, 2, last)
    return evaluated


VALUE_COLUMNS = [
    Column(gettext_lazy("Indicateur"), 12),
    Column(gettext_lazy("Date"), 12, "date"),
    Column(gettext_lazy("Valeur"), 14, "number"),
    Column(gettext_lazy("Source"), 30),
    Column(gettext_lazy("Commentaire"), 50),
]


def values_sheet(
    book: Book,
    indicators: list[Indicator],
    on: datetime.date,
    snapshot: Snapshot | None = None,
) -> tuple[str, dict[int, tuple[int, int]], dict[int, list]]:
    """Every value of ``indicators`` up to ``on`` (as known at the end of that day for a
    snapshot), grouped by indicator in their order, oldest first (one query). Returns the sheet's
    title, the rows of each indicator's values and those values (date, value, …) by indicator,
    for the charts."""
    by_indicator: dict[int, list[tuple]] = defaultdict(list)
    if snapshot is None:
        values = (
            IndicatorValue.objects.filter(indicator__in=[i.pk for i in indicators], date__lte=on)
            .order_by("date", "pk")
            .values_list("indicator_id", "date", "value", "source", "comment")
        )
    else:
        values = [
            (value.indicator_id, value.date, value.value, value.source, value.comment)
            for value in snapshot.values(indicator.pk for indicator in indicators)
        ]
    for indicator_id, *rest in values:
        by_indicator[indicator_id].append(rest)
    spans, row = {}, 1
    for indicator in indicators:
        history = by_indicator.get(indicator.pk, [])
        if history:
            spans[indicator.pk] = (row + 1, row + len(history))
            row += len(history)
    sheet = book.sheet(_("Valeurs"), [c.width for c in VALUE_COLUMNS], freeze_row=2)
    write_table(
        sheet,
        VALUE_COLUMNS,
        (
            [indicator.code, *rest]
            for indicator in indicators
            for rest in by_indicator.get(indicator.pk, ())
        ),
    )
    return sheet.title, spans, by_indicator
