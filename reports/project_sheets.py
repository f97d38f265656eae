"""The pack's project list: every project of the pack's axes with its measure, people, communes,
themes, dates, status, mark (and the flag of one ending after the horizon), progress, budget
(planned, committed, spent) and fundings (three queries for the relations)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import format_number
from projects.models import Funding, Mark, Project
from spreadsheets.tables import Table
from spreadsheets.values import yes_no
from spreadsheets.xlsx import RED, Book, Column
from steering.table import AxisBlock
from strategies.models import Strategy

from .cells import after_horizon_of, fill, level_columns, level_row, mark_words, project_mark

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
    Column(gettext_lazy("Budget engagé"), 16, "money"),
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


def fundings_text(fundings, amounts: dict[Decimal, str], states: tuple[str, str]) -> str:
    """A project's fundings, one a line: « Canton 2 000 000 (acquis) », each amount formatted
    once per sheet (``amounts``), ``states`` the words for not secured and secured."""
    lines = []
    for funder, amount, secured in fundings:
        text = amounts.get(amount)
        if text is None:
            text = amounts[amount] = format_number(amount)
        lines.append(f"{funder} {text} ({states[secured]})")
    return "\n".join(lines)


def projects_sheet(book: Book, strategy: Strategy, axes: list[AxisBlock]) -> None:
    fundings, communes, themes = project_relations(strategy.pk)
    statuses = {value: str(label) for value, label in Project.Status.choices}
    budget_kinds = {value: str(label) for value, label in Project.BudgetKind.choices}
    yes, no = yes_no(True), yes_no(False)
    mark_texts: dict[tuple[Mark, str, bool], str] = {}
    amounts: dict[Decimal, str] = {}
    states = (_("non acquis"), _("acquis"))
    levels = strategy.levels
    drop = () if strategy.uses_measures else (3,)
    columns = level_columns(
        PROJECT_COLUMNS, {2: levels.axis.Singular, 3: levels.measure.Singular}, drop
    )
    sheet = book.sheet(levels.project.Plural, [c.width for c in columns], freeze_row=2)
    table = Table(sheet, columns)
    for block in axes:
        axis = block.axis
        for project in block.projects:
            own = fundings.get(project.pk, ())
            late = getattr(project, "currently_late", None)
            late = project.is_late() if late is None else late
            mark = project_mark(project)
            key = (mark, project.status, after_horizon_of(project))
            if key not in mark_texts:
                mark_texts[key] = mark_words(*key)
            fills = {13: fill(mark)}
            if late:
                fills[14] = RED
            add_row(
                table,
                [
                    project.code,
                    project.title,
                    axis.number,
                    str(project.measure) if project.measure_id else "",
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
                    None if project.progress is None else project.progress / 100,
                    project.budget_planned,
                    project.budget_committed,
                    project.budget_spent,
                    budget_kinds.get(project.budget_kind, project.budget_kind),
                    fundings_text(own, amounts, states),
                    sum((amount for _f, amount, _s in own), Decimal(0)) if own else None,
                ],
                fills,
                drop,
            )
    sheet.data_bar(15 - len(drop), 2, table.end())


def add_row(table: Table, values: list, fills: dict, drop) -> None:
    table.add(*level_row(values, fills, drop))
