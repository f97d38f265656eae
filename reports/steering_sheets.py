"""The pack's sheets of the steering: the synthesis (both rollups per axis and for the strategy),
the seed's steering table (STRATÉGIES – MESURES – PROJETS, a measure's cells merged over its
projects) and the modèle d'efficacité, all written from the ``AxisBlock`` list the cockpit page
shows."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Status
from projects.models import (
    AFTER_HORIZON,
    AFTER_HORIZON_SYMBOL,
    STATUS_ORDER,
    Mark,
    Project,
    agree,
)
from spreadsheets.tables import Table
from spreadsheets.values import LINE_POINTS, number_or_unknown, percent, text_height, text_lines
from spreadsheets.xlsx import (
    DATE_FORMAT,
    GROUP_COLOUR,
    LABEL,
    TITLE,
    Book,
    Column,
    Look,
    Sheet,
)
from steering.rollups import Rollup
from steering.table import AxisBlock
from strategies.data_age import DataShare
from strategies.models import Strategy

from .cells import (
    AFTER_HORIZON_FILL,
    after_horizon_of,
    fill,
    level_columns,
    mark_words,
    project_mark,
    status_text,
    target_of,
    value_age,
)


def status_with_age(evaluation) -> str:
    """The status, then on a second line the date of the value (« ⏱ à actualiser » when stale)."""
    age = value_age(evaluation)
    return f"{status_text(evaluation.status)}\n{age}" if age else status_text(evaluation.status)


#: The marks of the synthesis, besides the statuses (a blocked or abandoned project's mark is its
#: status's, with the same symbol, word and colour).
SYNTHESIS_MARKS = (Mark.OK, Mark.WARNING, Mark.LATE, Mark.UNSCHEDULED)


def synthesis_columns(strategy: Strategy) -> list[Column]:
    feminine = strategy.levels.project.feminine
    abandoned = agree(str(Project.Status.ABANDONED.label), 2, feminine)
    return [
        Column(strategy.levels.axis.Singular, 34),
        Column(gettext_lazy("Indicateurs"), 12, "int"),
        *(Column(status_text(status), 11, "int") for status in Status),
        Column(gettext_lazy("Atteinte moyenne"), 12, "percent"),
        Column(strategy.levels.project.Plural, 10, "int"),
        *(Column(status.text, 11, "int") for status in STATUS_ORDER),
        Column(agree(_("engagé"), 2, feminine).capitalize(), 11, "int"),
        Column((_("hors %(abandoned)s") % {"abandoned": abandoned}).capitalize(), 11, "int"),
        *(Column(mark.text, 11, "int") for mark in SYNTHESIS_MARKS),
        Column(f"{AFTER_HORIZON_SYMBOL} {AFTER_HORIZON}", 11, "int"),
        Column(gettext_lazy("Part réalisée"), 10, "percent"),
        Column(gettext_lazy("Budget prévu"), 16, "money"),
        Column(gettext_lazy("Budget engagé"), 16, "money"),
        Column(gettext_lazy("Budget dépensé"), 16, "money"),
    ]


def synthesis_values(label: str, rollup: Rollup) -> list[Any]:
    """One line of the synthesis: both rollups of an axis, or of the whole strategy."""
    effect, implementation = rollup.effect, rollup.implementation
    return [
        label,
        effect.total,
        *(effect.counts[status] for status in Status),
        percent(effect.mean_attainment),
        implementation.total,
        *(count for _status, count in implementation.status_counts),
        implementation.engaged,
        implementation.active,
        *(implementation.marks[mark] for mark in SYNTHESIS_MARKS),
        implementation.after_horizon,
        percent(implementation.percent_done),
        implementation.budget_planned,
        implementation.budget_committed,
        implementation.budget_spent,
    ]


def synthesis_sheet(
    book: Book,
    strategy: Strategy,
    on: datetime.date,
    axes: list[AxisBlock],
    total: Rollup,
    share: DataShare | None = None,
    filters: str = "",
):
    """The strategy's facts (with the share of its figures that are up to date, ``share``, and
    the cockpit's filters in words, ``filters``, when the pack is filtered), then
    one line per axis and a last one for the whole strategy (``total``), each with its indicators
    by status and its projects by status, engaged, by mark, ending after the horizon, share done
    and budget."""
    columns = synthesis_columns(strategy)
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
    if filters:
        facts.append((_("Filtres appliqués"), filters))
    if share is not None:
        facts.append((_("Données à jour"), f"{share.sentence} ({share.counts(strategy.levels)})"))
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
    coloured = [
        *((index, status) for index, status in enumerate(Status, start=3)),
        *((index, status) for index, status in enumerate(STATUS_ORDER, start=10)),
        *((index, mark) for index, mark in enumerate(SYNTHESIS_MARKS, start=18)),
    ]
    for index, word in coloured:
        look = Look(font="bold", fill=fill(word), align="header")
        sheet.put(header_at, index, str(columns[index - 1].header), look)
    look = Look(font="bold", fill=AFTER_HORIZON_FILL, align="header")
    sheet.put(header_at, 22, str(columns[21].header), look)
    for block in axes:
        table.add(synthesis_values(str(block.axis), block.rollup))
    last = table.end()
    sheet.data_bar(8, header_at + 1, last)
    for column, value in enumerate(synthesis_values(_("Toute la stratégie"), total), start=1):
        look = Look(font="bold", number_format=columns[column - 1].format(book.currency))
        sheet.put(last + 1, column, value, look)


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


def cockpit_sheet(book: Book, axes: list[AxisBlock], strategy: Strategy) -> None:
    """The seed's steering table, one band per axis; a measure's cells span its projects. The
    measures' columns are left out for a strategy without measures."""
    levels = strategy.levels
    drop = () if strategy.uses_measures else (7, 8, 9)
    columns = level_columns(
        COCKPIT_COLUMNS, {8: levels.measure.Singular, 11: levels.project.Plural}, drop
    )
    width = len(columns)
    sheet = book.sheet(_("Cockpit"), [c.width for c in columns], freeze_row=3)
    group = Look(font="header", fill=GROUP_COLOUR, align="center", border=False)
    groups = [(_("Objectifs stratégiques"), 1, 7)]
    if strategy.uses_measures:
        groups.append(
            (
                _("%(measures)s / objectifs opérationnels") % {"measures": levels.measure.Plural},
                8,
                10,
            )
        )
    groups.append((levels.project.Plural, width - 6, width))
    for title, first, last in groups:
        sheet.merge(1, first, last, title, group)
    table = Table(sheet, columns, header_at=2)
    marks: dict[tuple[Mark, str, bool], str] = {}
    uses_measures = strategy.uses_measures
    no_measure = [None] * len(MEASURE_COLUMNS)
    for block in axes:
        table.band(str(block.axis))
        indicators = iter(block.indicators)
        # The rows of ``AxisBlock.rows``, without their links: each measure over its projects
        # (one row when it has none), the axis's strategic indicators down the left side, and
        # rows of indicators alone when they outnumber the projects' rows.
        for measure_block in block.measures:
            measure, projects = measure_block.measure, measure_block.projects
            span = max(1, len(projects))
            first = table.last_row + 1
            for index in range(span):
                values, fills = indicator_cells(next(indicators, None))
                if uses_measures:
                    if index == 0 and measure is not None:
                        values += [measure.code, measure.title, measure.objective_code]
                    else:
                        values += no_measure
                if index < len(projects):
                    cells, mark = project_cells(projects[index], marks)
                    values += cells
                    fills[len(values)] = fill(mark)
                else:
                    values += NO_PROJECT
                spanned = uses_measures and measure is not None and span > 1
                table.add(values, fills, skip_height=MEASURE_COLUMNS if spanned else ())
            if uses_measures and measure is not None and span > 1:
                texts = [measure.code, measure.title, measure.objective_code]
                merge_down(sheet, first, table.last_row, texts)
        for pair in indicators:
            values, fills = indicator_cells(pair)
            table.add(values + [None] * (width - len(values)), fills)
    table.end(title_rows="1:2")
    sheet.data_bar(6, 3, table.last_row)


#: The project's side of a row without a project.
NO_PROJECT = [None] * 7


def indicator_cells(pair) -> tuple[list[Any], dict[int, str]]:
    """The left side of a steering row: a strategic indicator evaluated, or nothing."""
    if pair is None:
        return [None] * 7, {}
    indicator, evaluation = pair
    name = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
    return [
        indicator.code,
        name,
        number_or_unknown(indicator.baseline_value),
        target_of(indicator),
        evaluation.value if evaluation.value is not None else "–",
        percent(evaluation.attainment),
        status_with_age(evaluation),
    ], {7: fill(evaluation.status)}


def project_cells(project: Project, marks: dict) -> tuple[list[Any], Mark]:
    """The right side of a steering row: a project (its mark's text made once per variant),
    and its mark."""
    key = (project_mark(project), project.status, after_horizon_of(project))
    text = marks.get(key)
    if text is None:
        text = marks[key] = mark_words(*key)
    cells = [
        project.code,
        project.title,
        project.priority,
        project.lead,
        project.start_date,
        project.end_date,
        text,
    ]
    return cells, key[0]


def merge_down(sheet: Sheet, first: int, last: int, texts: Sequence[str]) -> None:
    """Merge the measure's cells over the rows of its projects (already written: the first row
    holds the measure, the others blank); when its text needs more height than those rows have,
    the last row grows."""
    for column in MEASURE_COLUMNS:
        sheet.merge_down(column, first, last)
    needed = max(
        (
            text_height(value, sheet.width(column))
            for column, value in zip(MEASURE_COLUMNS, texts, strict=True)
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


def effectiveness_sheet(book: Book, axes: list[AxisBlock], strategy: Strategy) -> None:
    levels = strategy.levels
    headers = {}
    if levels.measure.custom or levels.domain.custom or not strategy.uses_domains:
        groups = (
            levels.measure.Plural
            if not strategy.uses_domains
            else (
                _("%(domains)s de %(measures)s")
                % {"domains": levels.domain.Plural, "measures": levels.measure.plural}
            )
        )
        headers[0] = groups.upper() if strategy.uses_measures else levels.axis.Plural.upper()
    if levels.project.custom:
        headers[5] = levels.project.Plural.upper()
    columns = level_columns(EFFECTIVENESS_COLUMNS, headers)
    sheet = book.sheet(_("Modèle d'efficacité"), [c.width for c in columns], freeze_row=2)
    table = Table(sheet, columns)
    for block in axes:
        table.band(str(block.axis))
        for measure_block in block.measures:
            measure = measure_block.measure
            if measure is None:  # a strategy without measures: the axis's projects
                table.add([str(block.axis), "", "", "", "", projects_text(measure_block.projects)])
                continue
            label = f"{measure.code} – {measure.title}"
            if measure.domain_id:
                label = f"{measure.domain.title}\n{label}"
            table.add(
                [
                    label,
                    measure.lead,
                    measure.partners,
                    measure.resources,
                    measure.outputs,
                    projects_text(measure_block.projects),
                ]
            )
    table.end()


def projects_text(projects) -> str:
    return "\n".join(f"{p.code} – {p.title}" for p in projects)
