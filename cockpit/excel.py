"""The cockpit's Excel pack: the strategy's current state in one workbook (openpyxl).

``build_pack`` writes the same things as the cockpit page, from the same ``AxisBlock`` list (already
filtered by the caller), plus the full project and indicator lists, the values' history with a chart
per strategic indicator, and optionally the changes and the workshop decisions.

Numbers stay numbers and dates stay dates; percentages are stored as fractions (0.7) with a
"0 %" format. Text from users never becomes a formula: a string starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is stored as a plain string (``data_type = "s"``) with Excel's
quote prefix, so neither openpyxl nor Excel evaluates it.

The number of queries does not depend on the number of rows: the blocks are built by the caller;
here one query for the operational indicators, one for the values and one per prefetched relation
of the projects (fundings, communes, themes).
"""

from __future__ import annotations

import datetime
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cockpit.snapshot import Snapshot
from cockpit.steering import AxisBlock
from cockpit.templatetags.cockpit_extras import MARK_WORDS, STATUS_WORDS
from indicators.models import Evaluation, Indicator, IndicatorValue, Status, format_number
from projects.models import Mark, Project
from strategies.models import Strategy

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
PERCENT_FORMAT = "0 %"
MONEY_FORMAT = '#,##0 "CHF"'
NUMBER_FORMAT = "#,##0.##"

#: Text starting with one of these could be read as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
GROUP_FILL = PatternFill("solid", fgColor="2E75B6")
BAND_FONT = Font(bold=True, size=12)
BAND_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
LABEL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

GREEN, AMBER, RED, GREY = "C6EFCE", "FFEB9C", "FFC7CE", "E7E6E6"
STATUS_FILLS = {
    Status.ACHIEVED: GREEN,
    Status.ON_TRACK: GREEN,
    Status.WARNING: AMBER,
    Status.OFF_TRACK: RED,
    Status.NO_DATA: GREY,
}
MARK_FILLS = {Mark.OK: GREEN, Mark.WARNING: AMBER, Mark.LATE: RED, Mark.ABANDONED: GREY}
DATA_BAR_COLOUR = "5B9BD5"


@dataclass(frozen=True)
class Column:
    header: Any
    width: float = 14
    #: "text", "int", "number", "date", "datetime", "percent", "money"
    kind: str = "text"


FORMATS = {
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "percent": PERCENT_FORMAT,
    "money": MONEY_FORMAT,
    "number": NUMBER_FORMAT,
}


# --- Cells --------------------------------------------------------------------------------------


def excel_value(value: Any) -> Any:
    """A value openpyxl can store: decimals as floats, aware datetimes as local naive ones."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell; text that looks like a formula stays text."""
    cell = ws.cell(row=row, column=column)
    value = excel_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif number_format and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def percent(value: Decimal | None) -> Decimal | None:
    """A percentage (70.0) as the fraction Excel formats with "0 %" (0.7)."""
    return None if value is None else value / 100


def number_or_unknown(value: Decimal | None) -> Decimal | str:
    return "?" if value is None else value


def yes_no(flag: bool) -> str:
    return _("oui") if flag else _("non")


def status_text(status: Status) -> str:
    return f"{status.symbol} {STATUS_WORDS[status]}"


def project_mark(project: Project) -> Mark:
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


def mark_text(project: Project) -> str:
    mark = project_mark(project)
    if project.status == Project.Status.DONE:
        word = Project.Status.DONE.label
    elif project.status == Project.Status.BLOCKED:
        word = Project.Status.BLOCKED.label
    else:
        word = MARK_WORDS[mark]
    return f"{mark.symbol} {word}"


def target_of(indicator: Indicator) -> Decimal | str | None:
    if indicator.direction == Indicator.Direction.RANGE:
        return f"{format_number(indicator.range_min)}–{format_number(indicator.range_max)}"
    return indicator.target_value


# --- Sheets -------------------------------------------------------------------------------------


def header_row(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = put(ws, row, index, str(column.header))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    header_at: int = 1,
) -> int:
    """A header row at ``header_at`` then the rows; frozen below the header, filtered, printed
    with the header repeated. Returns the last row written."""
    header_row(ws, header_at, columns)
    row_number = header_at
    for row_number, values in enumerate(rows, start=header_at + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(ws, row_number, index, value, FORMATS.get(column.kind))
            cell.alignment, cell.border = WRAP, BORDER
    finish_table(ws, header_at, row_number, len(columns))
    return row_number


def finish_table(
    ws: Worksheet, header_at: int, last_row: int, width: int, title_rows: str = ""
) -> None:
    ws.freeze_panes = ws.cell(row=header_at + 1, column=1)
    ws.auto_filter.ref = f"A{header_at}:{get_column_letter(width)}{max(last_row, header_at)}"
    ws.print_title_rows = title_rows or f"{header_at}:{header_at}"


def colour_column(ws: Worksheet, column: int, first: int, colours: Sequence[str | None]) -> None:
    for row, colour in enumerate(colours, start=first):
        if colour:
            ws.cell(row=row, column=column).fill = fill(colour)


def data_bar(ws: Worksheet, column: int, first: int, last: int) -> None:
    if last < first:
        return
    letter = get_column_letter(column)
    ws.conditional_formatting.add(
        f"{letter}{first}:{letter}{last}",
        DataBarRule(
            start_type="num", start_value=0, end_type="num", end_value=1, color=DATA_BAR_COLOUR
        ),
    )


def print_setup(ws: Worksheet, strategy_name: str, on: datetime.date) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddHeader.left.text = strategy_name.replace("&", "&&")
    ws.oddHeader.right.text = ws.title.replace("&", "&&")
    ws.oddFooter.left.text = _("État au %(date)s") % {"date": f"{on:%d.%m.%Y}"}
    ws.oddFooter.right.text = "Page &P / &N"


def synthesis_sheet(ws: Worksheet, strategy: Strategy, on: datetime.date, axes: list[AxisBlock]):
    ws.title = _("Synthèse")
    put(ws, 1, 1, str(strategy)).font = TITLE_FONT
    communes = ", ".join(commune.name for commune in strategy.territory.communes.all())
    facts = [
        (_("Stratégie"), strategy.title),
        (_("Territoire"), strategy.territory.name),
        (_("Communes"), communes or "–"),
        (_("Finalité"), strategy.finality),
        (_("Objectif général"), strategy.general_objective),
        (_("Horizon"), f"{strategy.start_year}–{strategy.horizon_year}"),
        (_("Date du rapport"), on),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        put(ws, row, 1, label).font = LABEL_FONT
        cell = put(ws, row, 2, value, DATE_FORMAT)
        cell.alignment = WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=10)
    columns = [
        Column(_("Axe"), 34),
        Column(_("Indicateurs"), 12, "int"),
        Column(status_text(Status.ACHIEVED), 11, "int"),
        Column(status_text(Status.ON_TRACK), 11, "int"),
        Column(status_text(Status.WARNING), 11, "int"),
        Column(status_text(Status.OFF_TRACK), 11, "int"),
        Column(status_text(Status.NO_DATA), 11, "int"),
        Column(_("Atteinte moyenne"), 12, "percent"),
        Column(_("Projets"), 10, "int"),
        Column(f"{Mark.OK.symbol} {MARK_WORDS[Mark.OK]}", 11, "int"),
        Column(f"{Mark.WARNING.symbol} {MARK_WORDS[Mark.WARNING]}", 11, "int"),
        Column(f"{Mark.LATE.symbol} {MARK_WORDS[Mark.LATE]}", 11, "int"),
        Column(_("abandonnés"), 11, "int"),
        Column(_("Part réalisée"), 10, "percent"),
        Column(_("En retard"), 10, "int"),
        Column(_("Budget prévu"), 16, "money"),
        Column(_("Budget dépensé"), 16, "money"),
    ]
    header_at = len(facts) + 3
    rows = []
    for block in axes:
        effect, implementation = block.rollup.effect, block.rollup.implementation
        rows.append(
            [
                str(block.axis),
                effect.total,
                effect.achieved,
                effect.on_track,
                effect.warning,
                effect.off_track,
                effect.no_data,
                percent(effect.mean_attainment),
                implementation.total,
                implementation.ok,
                implementation.warning,
                implementation.late_or_blocked,
                implementation.abandoned,
                percent(implementation.percent_done),
                implementation.late,
                implementation.budget_planned,
                implementation.budget_spent,
            ]
        )
    last = write_table(ws, columns, rows, header_at=header_at)
    for index in range(3, 8):
        ws.cell(row=header_at, column=index).fill = fill(STATUS_FILLS[list(Status)[index - 3]])
        ws.cell(row=header_at, column=index).font = LABEL_FONT
    for index, mark in enumerate((Mark.OK, Mark.WARNING, Mark.LATE, Mark.ABANDONED), start=10):
        ws.cell(row=header_at, column=index).fill = fill(MARK_FILLS[mark])
        ws.cell(row=header_at, column=index).font = LABEL_FONT
    data_bar(ws, 8, header_at + 1, last)
    ws.column_dimensions["A"].width = 34


COCKPIT_COLUMNS = [
    Column(gettext_lazy("No."), 6),
    Column(gettext_lazy("Indicateurs stratégiques"), 36),
    Column(gettext_lazy("état actuel"), 11, "number"),
    Column(gettext_lazy("état visé"), 11, "number"),
    Column(gettext_lazy("atteint"), 11, "number"),
    Column("%", 8, "percent"),
    Column(gettext_lazy("statut"), 16),
    Column(gettext_lazy("No."), 6),
    Column(gettext_lazy("Mesure"), 32),
    Column(gettext_lazy("No. (o)"), 8),
    Column(gettext_lazy("No."), 6),
    Column(gettext_lazy("Projets"), 36),
    Column(gettext_lazy("Prio"), 6, "int"),
    Column(gettext_lazy("Qui ?"), 20),
    Column(gettext_lazy("Début"), 12, "date"),
    Column(gettext_lazy("Fin"), 12, "date"),
    Column(gettext_lazy("ok"), 16),
]


def cockpit_sheet(ws: Worksheet, axes: list[AxisBlock]) -> None:
    """The seed's steering table, one band per axis; a measure's cells span its projects."""
    ws.title = _("Cockpit")
    width = len(COCKPIT_COLUMNS)
    for title, first, last in (
        (_("Objectifs stratégiques"), 1, 7),
        (_("Mesures / objectifs opérationnels"), 8, 10),
        (_("Projets"), 11, 17),
    ):
        cell = put(ws, 1, first, title)
        cell.font, cell.fill = HEADER_FONT, GROUP_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    header_row(ws, 2, COCKPIT_COLUMNS)
    formats = [FORMATS.get(column.kind) for column in COCKPIT_COLUMNS]
    spans: list[tuple[int, int]] = []
    row = 2
    for block in axes:
        row += 1
        band = put(ws, row, 1, str(block.axis))
        band.font, band.fill = BAND_FONT, BAND_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        for steering_row in block.rows:
            row += 1
            values: list[Any] = [None] * width
            colours: dict[int, str] = {}
            indicator, evaluation = steering_row.indicator, steering_row.evaluation
            if indicator is not None and evaluation is not None:
                name = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
                values[0:7] = [
                    indicator.code,
                    name,
                    number_or_unknown(indicator.baseline_value),
                    target_of(indicator),
                    evaluation.value if evaluation.value is not None else "–",
                    percent(evaluation.attainment),
                    status_text(evaluation.status),
                ]
                colours[7] = STATUS_FILLS[evaluation.status]
            measure = steering_row.measure
            if measure is not None:
                values[7:10] = [measure.code, measure.title, measure.objective_code]
            project = steering_row.project
            if project is not None:
                values[10:17] = [
                    project.code,
                    project.title,
                    project.priority,
                    project.lead,
                    project.start_date,
                    project.end_date,
                    mark_text(project),
                ]
                colours[17] = MARK_FILLS[project_mark(project)]
            for column, value in enumerate(values, start=1):
                cell = put(ws, row, column, value, formats[column - 1])
                cell.alignment, cell.border = WRAP, BORDER
            for column, colour in colours.items():
                ws.cell(row=row, column=column).fill = fill(colour)
            if measure is not None and steering_row.measure_rowspan > 1:
                spans.append((row, row + steering_row.measure_rowspan - 1))
    # Merged once every row is written: a merged cell cannot take a value or a style.
    for first, last in spans:
        for column in (8, 9, 10):
            ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    finish_table(ws, 2, row, width, title_rows="1:2")
    data_bar(ws, 6, 3, row)


EFFECTIVENESS_COLUMNS = [
    Column(gettext_lazy("DOMAINES DE MESURES"), 36),
    Column(gettext_lazy("EXÉCUTION Responsable"), 22),
    Column(gettext_lazy("EXÉCUTION Partenaires"), 26),
    Column(gettext_lazy("RESSOURCES"), 26),
    Column(gettext_lazy("RÉALISATIONS (outputs)"), 34),
    Column(gettext_lazy("PROJETS"), 40),
]


def effectiveness_sheet(ws: Worksheet, axes: list[AxisBlock]) -> None:
    header_row(ws, 1, EFFECTIVENESS_COLUMNS)
    width = len(EFFECTIVENESS_COLUMNS)
    row = 1
    for block in axes:
        row += 1
        band = put(ws, row, 1, str(block.axis))
        band.font, band.fill = BAND_FONT, BAND_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        for measure_block in block.measures:
            measure = measure_block.measure
            row += 1
            values = [
                f"{measure.domain.title}\n{measure.code} – {measure.title}",
                measure.lead,
                measure.partners,
                measure.resources,
                measure.outputs,
                "\n".join(f"{p.code} – {p.title}" for p in measure_block.projects),
            ]
            for column, value in enumerate(values, start=1):
                cell = put(ws, row, column, value)
                cell.alignment, cell.border = WRAP, BORDER
    finish_table(ws, 1, row, width)


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
]


def indicators_sheet(
    ws: Worksheet, axes: list[AxisBlock], operational: list[tuple[Indicator, Evaluation]]
) -> list[tuple[Indicator, Evaluation]]:
    evaluated = [pair for block in axes for pair in block.indicators] + operational
    axis_names = {block.axis.pk: str(block.axis) for block in axes}
    measure_names = {
        measure_block.measure.pk: str(measure_block.measure)
        for block in axes
        for measure_block in block.measures
    }
    rows = []
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
            ]
        )
    last = write_table(ws, INDICATOR_COLUMNS, rows)
    colour_column(ws, 11, 2, [STATUS_FILLS[evaluation.status] for _i, evaluation in evaluated])
    data_bar(ws, 10, 2, last)
    return evaluated


VALUE_COLUMNS = [
    Column(gettext_lazy("Indicateur"), 12),
    Column(gettext_lazy("Date"), 12, "date"),
    Column(gettext_lazy("Valeur"), 14, "number"),
    Column(gettext_lazy("Source"), 30),
    Column(gettext_lazy("Commentaire"), 50),
]


def values_sheet(
    ws: Worksheet,
    indicators: list[Indicator],
    on: datetime.date,
    snapshot: Snapshot | None = None,
) -> dict[int, tuple[int, int]]:
    """Every value of ``indicators`` up to ``on`` (as known at the end of that day for a
    snapshot), grouped by indicator in their order, oldest first (one query). Returns the rows of
    each indicator's values, for the charts."""
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
    rows, spans, row = [], {}, 1
    for indicator in indicators:
        history = by_indicator.get(indicator.pk, [])
        if history:
            spans[indicator.pk] = (row + 1, row + len(history))
            row += len(history)
        rows.extend([indicator.code, *rest] for rest in history)
    write_table(ws, VALUE_COLUMNS, rows)
    return spans


def charts_sheet(
    ws: Worksheet, values: Worksheet, indicators: list[Indicator], spans: dict[int, tuple]
) -> None:
    """One line chart (dates on x) per strategic indicator that has values."""
    put(ws, 1, 1, _("Évolution des indicateurs stratégiques")).font = TITLE_FONT
    anchor_row = 3
    for indicator in indicators:
        if indicator.level != Indicator.Level.STRATEGIC or indicator.pk not in spans:
            continue
        first, last = spans[indicator.pk]
        chart = ScatterChart()
        chart.title = f"{indicator.code} – {indicator.name}"[:120]
        chart.style = 13
        chart.height, chart.width = 7.5, 16
        chart.x_axis.title = _("Date")
        chart.y_axis.title = indicator.unit or _("Valeur")
        chart.x_axis.number_format = DATE_FORMAT
        chart.x_axis.majorTickMark = "out"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend = None
        x = Reference(values, min_col=2, min_row=first, max_row=last)
        y = Reference(values, min_col=3, min_row=first, max_row=last)
        series = Series(y, x, title=indicator.code)
        series.marker.symbol = "circle"
        chart.series.append(series)
        ws.add_chart(chart, f"A{anchor_row}")
        anchor_row += 16


PROJECT_COLUMNS = [
    Column(gettext_lazy("Code"), 8),
    Column(gettext_lazy("Titre"), 36),
    Column(gettext_lazy("Axe"), 8, "int"),
    Column(gettext_lazy("Mesure"), 30),
    Column(gettext_lazy("Priorité"), 8, "int"),
    Column(gettext_lazy("Qui ?"), 20),
    Column(gettext_lazy("Partenaires"), 24),
    Column(gettext_lazy("Communes"), 24),
    Column(gettext_lazy("Thèmes"), 20),
    Column(gettext_lazy("Début"), 12, "date"),
    Column(gettext_lazy("Fin"), 12, "date"),
    Column(gettext_lazy("Statut"), 12),
    Column(gettext_lazy("ok"), 16),
    Column(gettext_lazy("En retard"), 10),
    Column(gettext_lazy("Avancement"), 11, "percent"),
    Column(gettext_lazy("Budget prévu"), 16, "money"),
    Column(gettext_lazy("Budget dépensé"), 16, "money"),
    Column(gettext_lazy("Nature du budget"), 16),
    Column(gettext_lazy("Financements"), 44),
    Column(gettext_lazy("Total des financements"), 16, "money"),
]


def funding_text(funding) -> str:
    state = _("acquis") if funding.secured else _("non acquis")
    return f"{funding.funder} {format_number(funding.amount)} ({state})"


def projects_sheet(ws: Worksheet, axes: list[AxisBlock]) -> None:
    projects = [(block.axis, project) for block in axes for project in block.projects]
    prefetch_related_objects([p for _a, p in projects], "fundings", "communes", "themes")
    rows = []
    for axis, project in projects:
        fundings = list(project.fundings.all())
        rows.append(
            [
                project.code,
                project.title,
                axis.number,
                str(project.measure),
                project.priority,
                project.lead,
                project.partners,
                ", ".join(commune.name for commune in project.communes.all()),
                ", ".join(theme.name for theme in project.themes.all()),
                project.start_date,
                project.end_date,
                project.get_status_display(),
                mark_text(project),
                yes_no(getattr(project, "currently_late", project.is_late())),
                None if project.progress is None else Decimal(project.progress) / 100,
                project.budget_planned,
                project.budget_spent,
                project.get_budget_kind_display(),
                "\n".join(funding_text(funding) for funding in fundings),
                sum((funding.amount for funding in fundings), Decimal(0)) if fundings else None,
            ]
        )
    last = write_table(ws, PROJECT_COLUMNS, rows)
    colour_column(ws, 13, 2, [MARK_FILLS[project_mark(p)] for _a, p in projects])
    colour_column(
        ws, 14, 2, [RED if getattr(p, "currently_late", False) else None for _a, p in projects]
    )
    data_bar(ws, 15, 2, last)


#: What the kinds of change of ``cockpit.changes`` say in the pack (other kinds are shown as is).
CHANGE_KINDS = {
    "project_created": gettext_lazy("projet créé"),
    "project_changed": gettext_lazy("projet modifié"),
    "project_late": gettext_lazy("projet en retard"),
    "value_recorded": gettext_lazy("valeur mesurée"),
    "decision_taken": gettext_lazy("décision prise"),
    "decision_closed": gettext_lazy("décision close"),
}

CHANGE_COLUMNS = [
    Column(gettext_lazy("Date"), 16, "datetime"),
    Column(gettext_lazy("Type"), 14),
    Column(gettext_lazy("Objet"), 36),
    Column(gettext_lazy("Champ"), 18),
    Column(gettext_lazy("Avant"), 24),
    Column(gettext_lazy("Après"), 24),
    Column(gettext_lazy("Par"), 16),
]


def changes_sheet(ws: Worksheet, changes: list) -> None:
    rows = [
        [
            change.when,
            str(CHANGE_KINDS.get(change.kind, change.kind)),
            str(change.subject),
            str(change.field or ""),
            "" if change.before is None else change.before,
            "" if change.after is None else change.after,
            str(change.author or ""),
        ]
        for change in changes
    ]
    # Before/after keep their type (a date stays a date); anything else is written as text.
    for row in rows:
        for index in (4, 5):
            if not isinstance(row[index], str | int | float | Decimal | datetime.date):
                row[index] = str(row[index])
    write_table(ws, CHANGE_COLUMNS, rows)
    for row_number, row in enumerate(rows, start=2):
        for column in (5, 6):
            value = row[column - 1]
            if isinstance(value, datetime.date):
                ws.cell(row=row_number, column=column).number_format = DATE_FORMAT


DECISION_COLUMNS = [
    Column(gettext_lazy("Atelier"), 20),
    Column(gettext_lazy("Décision"), 50),
    Column(gettext_lazy("Concerne"), 30),
    Column(gettext_lazy("Responsable"), 20),
    Column(gettext_lazy("Échéance"), 12, "date"),
    Column(gettext_lazy("Statut"), 14),
    Column(gettext_lazy("En retard"), 10),
]


def decisions_sheet(ws: Worksheet, decisions: list, on: datetime.date) -> None:
    rows, late = [], []
    for decision in decisions:
        workshop = decision.workshop
        concerns = [
            str(target)
            for target in (
                getattr(decision, "axis", None),
                getattr(decision, "measure", None),
                getattr(decision, "project", None),
            )
            if target is not None
        ]
        overdue = bool(decision.is_overdue(on))
        late.append(overdue)
        rows.append(
            [
                _("Atelier %(number)s du %(date)s")
                % {"number": workshop.number, "date": f"{workshop.date:%d.%m.%Y}"},
                decision.text,
                "\n".join(concerns),
                str(decision.owner or ""),
                decision.due_date,
                str(decision.get_status_display()),
                yes_no(overdue),
            ]
        )
    write_table(ws, DECISION_COLUMNS, rows)
    colour_column(ws, 7, 2, [RED if flag else None for flag in late])


# --- Row heights ----------------------------------------------------------------------------------

#: Points per line of 11-point text, and the characters of a line per unit of column width
#: (Excel's width unit is the width of a "0"; running text averages a little narrower, but word
#: wrapping wastes the end of most lines).
LINE_POINTS = 15.0
CHARS_PER_WIDTH = 1.1
DEFAULT_WIDTH = 13.0


def text_lines(text: str, width: float) -> int:
    """The lines ``text`` takes once wrapped in a column ``width`` wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def fit_row_heights(ws: Worksheet) -> None:
    """Set the height of rows whose wrapped text needs more than one line.

    Spreadsheets do not grow a row for wrapped text they did not type themselves (LibreOffice
    draws the overflow over the next row; Excel only grows rows of unmerged cells when the file
    is opened), so the pack sets the heights: a cell's lines come from its text and the width of
    its column (or of the columns it is merged over); a cell merged down over several rows
    (a measure over its projects) grows the last of them when their heights do not add up."""
    widths = {letter: dimension.width for letter, dimension in ws.column_dimensions.items()}
    merged = {(r.min_row, r.min_col): (r.max_row, r.max_col) for r in ws.merged_cells.ranges}
    needed: dict[int, float] = {}
    spans = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            last_row, last_column = merged.get((cell.row, cell.column), (cell.row, cell.column))
            width = sum(
                widths.get(get_column_letter(column)) or DEFAULT_WIDTH
                for column in range(cell.column, last_column + 1)
            )
            scale = (cell.font.sz or 11) / 11
            height = text_lines(cell.value, width) * LINE_POINTS * scale + 2
            if last_row == cell.row:
                needed[cell.row] = max(needed.get(cell.row, 0), height)
            else:
                spans.append((cell.row, last_row, height))
    for row, height in needed.items():
        if height > LINE_POINTS + 2:
            ws.row_dimensions[row].height = round(height, 1)
    for first, last, height in spans:
        rows = range(first, last + 1)
        have = sum(ws.row_dimensions[row].height or LINE_POINTS for row in rows)
        if height > have:
            current = ws.row_dimensions[last].height or LINE_POINTS
            ws.row_dimensions[last].height = round(current + height - have, 1)


# --- The pack -----------------------------------------------------------------------------------


def build_pack(
    strategy: Strategy,
    *,
    on: datetime.date,
    axes: list[AxisBlock] | None = None,
    snapshot: Snapshot | None = None,
    changes: list | None = None,
    decisions: list | None = None,
    title: str = "",
) -> bytes:
    """The workbook (.xlsx bytes) of the cockpit at ``on``: today's state for ``axes`` (already
    filtered), or the state read back from the history for a ``snapshot`` of a past day."""
    strategy_name = str(strategy)
    workbook = Workbook()
    workbook.properties.title = title or _("%(strategy)s – cockpit au %(date)s") % {
        "strategy": strategy_name,
        "date": f"{on:%d.%m.%Y}",
    }
    workbook.properties.creator = _("Cockpit territorial")
    workbook.properties.subject = strategy.title

    if snapshot is not None:
        axes, operational = snapshot.blocks()
    else:
        measure_ids = [m.measure.pk for block in axes for m in block.measures]
        operational = (
            Indicator.objects.for_strategy(strategy)
            .filter(level=Indicator.Level.OPERATIONAL, measure__in=measure_ids)
            .evaluated(on)
        )
    synthesis_sheet(workbook.active, strategy, on, axes)
    cockpit_sheet(workbook.create_sheet(), axes)
    effectiveness_sheet(workbook.create_sheet(_("Modèle d'efficacité")), axes)
    indicators_ws = workbook.create_sheet(_("Indicateurs"))
    evaluated = indicators_sheet(indicators_ws, axes, operational)
    values_ws = workbook.create_sheet(_("Valeurs"))
    indicators = [indicator for indicator, _e in evaluated]
    spans = values_sheet(values_ws, indicators, on, snapshot)
    charts_sheet(workbook.create_sheet(_("Graphiques")), values_ws, indicators, spans)
    projects_sheet(workbook.create_sheet(_("Projets")), axes)
    if changes is not None:
        changes_sheet(workbook.create_sheet(_("Changements")), changes)
    if decisions is not None:
        decisions_sheet(workbook.create_sheet(_("Décisions")), decisions, on)

    # Proposals and ranking (issue 7), when the strategy has any: cockpit/excel_prioritisation.py.
    from cockpit.excel_prioritisation import add_prioritisation_sheets

    add_prioritisation_sheets(workbook, strategy, on=on, axes=axes)

    for worksheet in workbook.worksheets:
        fit_row_heights(worksheet)
        print_setup(worksheet, strategy_name, on)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
