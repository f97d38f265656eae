"""The cockpit's Excel pack: the strategy's current state in one workbook.

``build_pack`` writes the same things as the cockpit page, from the same ``AxisBlock`` list (already
filtered by the caller), plus the full project and indicator lists, the values' history with a chart
per strategic indicator, and optionally the changes and the workshop decisions.

Numbers stay numbers and dates stay dates; percentages are stored as fractions (0.7) with a
"0 %" format. Text from users never becomes a formula: every text is written as a string (never
through a guess at its type), and a string starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return also carries Excel's quote prefix.

The workbook is written with XlsxWriter (openpyxl reads it back in the tests and reads the
imports): a pack of 10,000 projects and 100,000 values is some 900,000 styled cells, which
openpyxl serialises at a third of the speed (see docs/BENCHMARKS.md). Each cell format is made once
(``Book.format``) and rows are written in order, each with the height its wrapped text needs.

The number of queries does not depend on the number of rows: the blocks are built by the caller;
here one query for the operational indicators, one for the values and one per prefetched relation
of the projects (fundings, communes, themes).
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import (
    STATUS_WORDS,
    Evaluation,
    Indicator,
    IndicatorValue,
    Status,
    format_number,
)
from projects.models import MARK_WORDS, Funding, Mark, Project
from spreadsheets.xlsx import (
    AMBER,
    BAND,
    BODY,
    DATE_FORMAT,
    GREEN,
    GREY,
    GROUP_COLOUR,
    LABEL,
    LINE_POINTS,
    RED,
    TITLE,
    Book,
    Column,
    Look,
    Sheet,
    Table,
    number_or_unknown,
    percent,
    text_height,
    text_lines,
    write_table,
    yes_no,
)
from steering.table import AxisBlock
from strategies.models import Strategy
from workshops.snapshot import Snapshot

STATUS_FILLS = {
    Status.ACHIEVED: GREEN,
    Status.ON_TRACK: GREEN,
    Status.WARNING: AMBER,
    Status.OFF_TRACK: RED,
    Status.NO_DATA: GREY,
}
MARK_FILLS = {Mark.OK: GREEN, Mark.WARNING: AMBER, Mark.LATE: RED, Mark.ABANDONED: GREY}


def status_text(status: Status) -> str:
    return f"{status.symbol} {STATUS_WORDS[status]}"


def project_mark(project: Project) -> Mark:
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


def mark_text(project: Project) -> str:
    return _mark_text(project_mark(project), project.status)


def _mark_text(mark: Mark, status: str) -> str:
    if status == Project.Status.DONE:
        word = Project.Status.DONE.label
    elif status == Project.Status.BLOCKED:
        word = Project.Status.BLOCKED.label
    else:
        word = MARK_WORDS[mark]
    return f"{mark.symbol} {word}"


def target_of(indicator: Indicator) -> Decimal | str | None:
    if indicator.direction == Indicator.Direction.RANGE:
        return f"{format_number(indicator.range_min)}–{format_number(indicator.range_max)}"
    return indicator.target_value


# --- Sheets ---------------------------------------------------------------------------------------


def synthesis_columns() -> list[Column]:
    return [
        Column(_("Axe"), 34),
        Column(gettext_lazy("Indicateurs"), 12, "int"),
        Column(status_text(Status.ACHIEVED), 11, "int"),
        Column(status_text(Status.ON_TRACK), 11, "int"),
        Column(status_text(Status.WARNING), 11, "int"),
        Column(status_text(Status.OFF_TRACK), 11, "int"),
        Column(status_text(Status.NO_DATA), 11, "int"),
        Column(gettext_lazy("Atteinte moyenne"), 12, "percent"),
        Column(gettext_lazy("Projets"), 10, "int"),
        Column(f"{Mark.OK.symbol} {MARK_WORDS[Mark.OK]}", 11, "int"),
        Column(f"{Mark.WARNING.symbol} {MARK_WORDS[Mark.WARNING]}", 11, "int"),
        Column(f"{Mark.LATE.symbol} {MARK_WORDS[Mark.LATE]}", 11, "int"),
        Column(gettext_lazy("abandonnés"), 11, "int"),
        Column(gettext_lazy("Part réalisée"), 10, "percent"),
        Column(gettext_lazy("En retard"), 10, "int"),
        Column(gettext_lazy("Budget prévu"), 16, "money"),
        Column(gettext_lazy("Budget dépensé"), 16, "money"),
    ]


def synthesis_sheet(book: Book, strategy: Strategy, on: datetime.date, axes: list[AxisBlock]):
    columns = synthesis_columns()
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
    header_at = len(facts) + 3
    sheet = book.sheet(_("Synthèse"), [c.width for c in columns], freeze_row=header_at + 1)
    sheet.put(1, 1, str(strategy), TITLE)
    fact_look = Look(number_format=DATE_FORMAT, border=False)
    for row, (label, value) in enumerate(facts, start=2):
        sheet.put(row, 1, label, LABEL)
        sheet.merge(row, 2, 10, value, fact_look)
        if isinstance(value, str) and text_lines(value, sheet.width(2, 10)) > 1:
            sheet.set_height(row, text_height(value, sheet.width(2, 10)))
    table = Table(sheet, columns, header_at)
    for index, status in enumerate(Status, start=3):
        look = Look(font="bold", fill=STATUS_FILLS[status], align="header")
        sheet.put(header_at, index, str(columns[index - 1].header), look)
    for index, mark in enumerate((Mark.OK, Mark.WARNING, Mark.LATE, Mark.ABANDONED), start=10):
        look = Look(font="bold", fill=MARK_FILLS[mark], align="header")
        sheet.put(header_at, index, str(columns[index - 1].header), look)
    for block in axes:
        effect, implementation = block.rollup.effect, block.rollup.implementation
        table.add(
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
    sheet.data_bar(8, header_at + 1, table.end())


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

#: The measure's columns of the steering table, merged down over its projects.
MEASURE_COLUMNS = (8, 9, 10)


def cockpit_sheet(book: Book, axes: list[AxisBlock]) -> None:
    """The seed's steering table, one band per axis; a measure's cells span its projects."""
    width = len(COCKPIT_COLUMNS)
    sheet = book.sheet(_("Cockpit"), [c.width for c in COCKPIT_COLUMNS], freeze_row=3)
    group = Look(font="header", fill=GROUP_COLOUR, align="center", border=False)
    for title, first, last in (
        (_("Objectifs stratégiques"), 1, 7),
        (_("Mesures / objectifs opérationnels"), 8, 10),
        (_("Projets"), 11, 17),
    ):
        sheet.merge(1, first, last, title, group)
    table = Table(sheet, COCKPIT_COLUMNS, header_at=2)
    for block in axes:
        table.last_row += 1
        sheet.merge(table.last_row, 1, width, str(block.axis), BAND)
        span = None  # the measure being written: its first and last rows, its cells
        for steering_row in block.rows:
            values: list[Any] = [None] * width
            fills: dict[int, str] = {}
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
                fills[7] = STATUS_FILLS[evaluation.status]
            measure = steering_row.measure
            spanned = measure is not None and steering_row.measure_rowspan > 1
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
                fills[17] = MARK_FILLS[project_mark(project)]
            row = table.add(values, fills, skip_height=MEASURE_COLUMNS if spanned else ())
            if spanned:
                span = (row, row + steering_row.measure_rowspan - 1, values[7:10])
            if span is not None and row == span[1]:
                merge_down(sheet, *span)
                span = None
    table.end(title_rows="1:2")
    sheet.data_bar(6, 3, table.last_row)


def merge_down(sheet: Sheet, first: int, last: int, values: Sequence[Any]) -> None:
    """Merge the measure's cells over the rows of its projects; when their text needs more height
    than those rows have, the last row grows."""
    for column, value in zip(MEASURE_COLUMNS, values, strict=True):
        sheet.merge(first, column, column, value, BODY, last_row=last)
    needed = max(
        (
            text_height(value, sheet.width(column))
            for column, value in zip(MEASURE_COLUMNS, values, strict=True)
            if isinstance(value, str)
        ),
        default=0,
    )
    have = sum(sheet.heights.get(row, LINE_POINTS) for row in range(first, last + 1))
    if needed > have:
        sheet.set_height(last, sheet.heights.get(last, LINE_POINTS) + needed - have)


EFFECTIVENESS_COLUMNS = [
    Column(gettext_lazy("DOMAINES DE MESURES"), 36),
    Column(gettext_lazy("EXÉCUTION Responsable"), 22),
    Column(gettext_lazy("EXÉCUTION Partenaires"), 26),
    Column(gettext_lazy("RESSOURCES"), 26),
    Column(gettext_lazy("RÉALISATIONS (outputs)"), 34),
    Column(gettext_lazy("PROJETS"), 40),
]


def effectiveness_sheet(book: Book, axes: list[AxisBlock]) -> None:
    width = len(EFFECTIVENESS_COLUMNS)
    sheet = book.sheet(
        _("Modèle d'efficacité"), [c.width for c in EFFECTIVENESS_COLUMNS], freeze_row=2
    )
    table = Table(sheet, EFFECTIVENESS_COLUMNS)
    for block in axes:
        table.last_row += 1
        sheet.merge(table.last_row, 1, width, str(block.axis), BAND)
        for measure_block in block.measures:
            measure = measure_block.measure
            table.add(
                [
                    f"{measure.domain.title}\n{measure.code} – {measure.title}",
                    measure.lead,
                    measure.partners,
                    measure.resources,
                    measure.outputs,
                    "\n".join(f"{p.code} – {p.title}" for p in measure_block.projects),
                ]
            )
    table.end()


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
    book: Book, axes: list[AxisBlock], operational: list[tuple[Indicator, Evaluation]]
) -> list[tuple[Indicator, Evaluation]]:
    evaluated = [pair for block in axes for pair in block.indicators] + list(operational)
    axis_names = {block.axis.pk: str(block.axis) for block in axes}
    measure_names = {
        measure_block.measure.pk: str(measure_block.measure)
        for block in axes
        for measure_block in block.measures
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
            ]
        )
        fills.append({11: STATUS_FILLS[evaluation.status]})
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
) -> tuple[str, dict[int, tuple[int, int]]]:
    """Every value of ``indicators`` up to ``on`` (as known at the end of that day for a
    snapshot), grouped by indicator in their order, oldest first (one query). Returns the sheet's
    title and the rows of each indicator's values, for the charts."""
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
    return sheet.title, spans


def charts_sheet(
    book: Book, values_title: str, indicators: list[Indicator], spans: dict[int, tuple]
) -> None:
    """One line chart (dates on x) per strategic indicator that has values."""
    sheet = book.sheet(_("Graphiques"), [])
    sheet.put(1, 1, _("Évolution des indicateurs stratégiques"), TITLE)
    source = "'" + values_title.replace("'", "''") + "'"
    anchor_row = 3
    for indicator in indicators:
        if indicator.level != Indicator.Level.STRATEGIC or indicator.pk not in spans:
            continue
        first, last = spans[indicator.pk]
        chart = book.workbook.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
        chart.set_title({"name": f"{indicator.code} – {indicator.name}"[:120]})
        chart.set_style(13)
        chart.set_size({"width": 605, "height": 283})  # 16 × 7.5 cm
        chart.set_x_axis(
            {"name": _("Date"), "num_format": DATE_FORMAT, "major_tick_mark": "outside"}
        )
        chart.set_y_axis({"name": indicator.unit or _("Valeur")})
        chart.set_legend({"none": True})
        chart.add_series(
            {
                "name": indicator.code,
                "categories": f"={source}!$B${first}:$B${last}",
                "values": f"={source}!$C${first}:$C${last}",
                "marker": {"type": "circle"},
            }
        )
        sheet.ws.insert_chart(f"A{anchor_row}", chart)
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


def project_relations(strategy_id: int) -> tuple[dict, dict, dict]:
    """The fundings, commune names and theme names of the strategy's projects, by project id, in
    the order of their models (three queries of plain rows, whatever the number of projects)."""
    fundings: dict[int, list] = defaultdict(list)
    communes: dict[int, list[str]] = defaultdict(list)
    themes: dict[int, list[str]] = defaultdict(list)
    for project_id, *funding in (
        Funding.objects.filter(project__strategy_id=strategy_id)
        .order_by("project", "-amount")
        .values_list("project_id", "funder", "amount", "secured")
    ):
        fundings[project_id].append(funding)
    for project_id, name in (
        Project.communes.through.objects.filter(project__strategy_id=strategy_id)
        .order_by("commune__territory", "commune__name")
        .values_list("project_id", "commune__name")
    ):
        communes[project_id].append(name)
    for project_id, name in (
        Project.themes.through.objects.filter(project__strategy_id=strategy_id)
        .order_by("theme__strategy", "theme__name")
        .values_list("project_id", "theme__name")
    ):
        themes[project_id].append(name)
    return fundings, communes, themes


def funding_text(funder: str, amount: Decimal, secured: bool) -> str:
    state = _("acquis") if secured else _("non acquis")
    return f"{funder} {format_number(amount)} ({state})"


def projects_sheet(book: Book, strategy: Strategy, axes: list[AxisBlock]) -> None:
    fundings, communes, themes = project_relations(strategy.pk)
    statuses = {value: str(label) for value, label in Project.Status.choices}
    budget_kinds = {value: str(label) for value, label in Project.BudgetKind.choices}
    yes, no = yes_no(True), yes_no(False)
    mark_texts: dict[tuple[Mark, str], str] = {}
    sheet = book.sheet(_("Projets"), [c.width for c in PROJECT_COLUMNS], freeze_row=2)
    table = Table(sheet, PROJECT_COLUMNS)
    for block in axes:
        axis = block.axis
        for project in block.projects:
            own = fundings.get(project.pk, ())
            late = getattr(project, "currently_late", None)
            late = project.is_late() if late is None else late
            mark = project_mark(project)
            key = (mark, project.status)
            if key not in mark_texts:
                mark_texts[key] = _mark_text(mark, project.status)
            fills = {13: MARK_FILLS[mark]}
            if late:
                fills[14] = RED
            table.add(
                [
                    project.code,
                    project.title,
                    axis.number,
                    str(project.measure),
                    project.priority,
                    project.lead,
                    project.partners,
                    ", ".join(communes.get(project.pk, ())),
                    ", ".join(themes.get(project.pk, ())),
                    project.start_date,
                    project.end_date,
                    statuses.get(project.status, project.status),
                    mark_texts[key],
                    yes if late else no,
                    None if project.progress is None else Decimal(project.progress) / 100,
                    project.budget_planned,
                    project.budget_spent,
                    budget_kinds.get(project.budget_kind, project.budget_kind),
                    "\n".join(funding_text(*funding) for funding in own),
                    sum((amount for _f, amount, _s in own), Decimal(0)) if own else None,
                ],
                fills,
            )
    sheet.data_bar(15, 2, table.end())


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
    Column(gettext_lazy("Avant"), 24, "auto"),
    Column(gettext_lazy("Après"), 24, "auto"),
    Column(gettext_lazy("Par"), 16),
]


def changes_sheet(book: Book, changes: list) -> None:
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
    sheet = book.sheet(_("Changements"), [c.width for c in CHANGE_COLUMNS], freeze_row=2)
    write_table(sheet, CHANGE_COLUMNS, rows)


DECISION_COLUMNS = [
    Column(gettext_lazy("Atelier"), 20),
    Column(gettext_lazy("Décision"), 50),
    Column(gettext_lazy("Concerne"), 30),
    Column(gettext_lazy("Responsable"), 20),
    Column(gettext_lazy("Échéance"), 12, "date"),
    Column(gettext_lazy("Statut"), 14),
    Column(gettext_lazy("En retard"), 10),
]


def decisions_sheet(book: Book, decisions: list, on: datetime.date) -> None:
    rows, fills = [], []
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
        fills.append({7: RED} if overdue else None)
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
    sheet = book.sheet(_("Décisions"), [c.width for c in DECISION_COLUMNS], freeze_row=2)
    write_table(sheet, DECISION_COLUMNS, rows, fills=fills)


# --- The pack -------------------------------------------------------------------------------------


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
    with no_cyclic_collection():
        return _build_pack(strategy, on, axes, snapshot, changes, decisions, title)


@contextmanager
def no_cyclic_collection():
    """A pack of 10,000 projects is about a million small objects that live until the file is
    written: the cyclic garbage collector would scan them again and again (some 15 % of the
    time) and find nothing to free, since they hold no cycle. Reference counting still frees
    everything; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_pack(strategy, on, axes, snapshot, changes, decisions, title) -> bytes:
    strategy_name = str(strategy)
    book = Book(strategy_name, on)
    book.workbook.set_properties(
        {
            "title": title
            or _("%(strategy)s – cockpit au %(date)s")
            % {"strategy": strategy_name, "date": f"{on:%d.%m.%Y}"},
            "author": _("Cockpit territorial"),
            "subject": strategy.title,
        }
    )
    if snapshot is not None:
        axes, operational = snapshot.blocks()
    else:
        measure_ids = [m.measure.pk for block in axes for m in block.measures]
        operational = (
            Indicator.objects.for_strategy(strategy)
            .filter(level=Indicator.Level.OPERATIONAL, measure__in=measure_ids)
            .evaluated(on)
        )
    synthesis_sheet(book, strategy, on, axes)
    cockpit_sheet(book, axes)
    effectiveness_sheet(book, axes)
    evaluated = indicators_sheet(book, axes, operational)
    indicators = [indicator for indicator, _e in evaluated]
    values_title, spans = values_sheet(book, indicators, on, snapshot)
    charts_sheet(book, values_title, indicators, spans)
    projects_sheet(book, strategy, axes)
    if changes is not None:
        changes_sheet(book, changes)
    if decisions is not None:
        decisions_sheet(book, decisions, on)

    # Proposals and ranking (issue 7), when the strategy has any: cockpit/excel_prioritisation.py.
    from prioritisation.sheets import add_prioritisation_sheets

    add_prioritisation_sheets(book, strategy, on=on, axes=axes)
    return book.close()
