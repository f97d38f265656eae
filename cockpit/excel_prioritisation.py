"""The prioritisation sheets of the Excel pack: "Propositions" (what the workshops proposed and
what became of it) and "Priorisation" (the ranking by weighted score), added by ``build_pack``
when the strategy has proposals or criteria.

The sheets follow the pack's conventions (``cockpit.excel``): the same header style, cells
written through ``put`` (text never becomes a formula), real numbers and dates, frozen header,
filters. They cover what the pack covers: the projects of its axes (already filtered by the
caller), the proposals of those axes ("Joker" ones when no axis is left out). A constant number
of queries: the axes, the projects' weighted scores, the criteria, the proposals (and their
communes), the scores.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.formatting.rule import DataBarRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cockpit.excel import (
    AMBER,
    DATA_BAR_COLOUR,
    GREEN,
    GREY,
    LABEL_FONT,
    RED,
    WRAP,
    Column,
    colour_column,
    put,
    write_table,
    yes_no,
)
from cockpit.steering import AxisBlock
from projects.models import JOKER_LABEL, Criterion, Project, Proposal, WeightedScore
from projects.ranking import HIGH_PRIORITY_LOW_SCORE, Ranking, build_ranking
from strategies.models import Axis, Strategy

SCORE_FORMAT = "0.0"

STATUS_FILLS = {
    Proposal.Status.NEW: None,
    Proposal.Status.RETAINED: GREEN,
    Proposal.Status.MERGED: GREY,
    Proposal.Status.SET_ASIDE: RED,
}


def add_prioritisation_sheets(
    workbook: Workbook, strategy: Strategy, *, on: datetime.date, axes: list[AxisBlock]
) -> None:
    """Add "Propositions" when the pack's axes have proposals, and "Priorisation" when the
    strategy has criteria."""
    axis_filter = _proposal_axes(strategy, axes)
    proposals = list(
        Proposal.objects.for_strategy(strategy)
        .filter(axis_filter)
        .with_weighted_score()
        .select_related(
            "axis", "workshop", "project", "merged_into_project", "merged_into_proposal"
        )
        .prefetch_related("communes")
        .order_by(
            F("workshop__date").asc(nulls_last=True),
            F("axis__number").asc(nulls_last=True),
            "created_at",
            "pk",
        )
    )
    if proposals:
        proposals_sheet(workbook.create_sheet(_("Propositions")), proposals)
    criteria = list(Criterion.objects.for_strategy(strategy))
    if criteria:
        retained = [
            proposal
            for proposal in proposals
            if proposal.status == Proposal.Status.RETAINED and proposal.project_id is None
        ]
        ranking = pack_ranking(strategy, axes, criteria, retained)
        ranking_sheet(workbook.create_sheet(_("Priorisation")), ranking)


def _proposal_axes(strategy: Strategy, axes: list[AxisBlock]) -> Q:
    axis_ids = {block.axis.pk for block in axes}
    every_axis = axis_ids >= set(
        Axis.objects.filter(strategy=strategy).values_list("pk", flat=True)
    )
    return Q(axis__in=axis_ids) | Q(axis__isnull=True) if every_axis else Q(axis__in=axis_ids)


def pack_ranking(
    strategy: Strategy,
    axes: list[AxisBlock],
    criteria: list[Criterion],
    proposals: Sequence[Proposal],
) -> Ranking:
    """The ranking of the pack's projects (abandoned ones left out) and ``proposals`` (annotated
    with their weighted score)."""
    scores = {
        pk: (value, scored, total)
        for pk, value, scored, total in Project.objects.for_strategy(strategy)
        .with_weighted_score()
        .order_by()
        .values_list("pk", "weighted_score", "n_scored", "n_criteria")
    }
    projects, axis_of = [], {}
    for block in axes:
        for project in block.projects:
            if project.status == Project.Status.ABANDONED or project.pk not in scores:
                continue
            project.weighted_score, project.n_scored, project.n_criteria = scores[project.pk]
            axis_of[project.pk] = block.axis
            projects.append(project)
    ranking = build_ranking(criteria, projects, proposals)
    for row in ranking.rows:
        if row.is_project:
            row.known_axis = axis_of[row.item.pk]
    return ranking


PROPOSAL_COLUMNS = [
    Column(gettext_lazy("Atelier"), 22),
    Column(gettext_lazy("Déposée le"), 16, "datetime"),
    Column(gettext_lazy("Axe"), 26),
    Column(gettext_lazy("Proposition"), 36),
    Column(gettext_lazy("Description"), 44),
    Column(gettext_lazy("Proposée par"), 18),
    Column(gettext_lazy("Communes"), 24),
    Column(gettext_lazy("Statut"), 12),
    Column(gettext_lazy("Suite donnée"), 36),
    Column(gettext_lazy("Motif"), 36),
    Column(gettext_lazy("Note pondérée (sur 100)"), 12),
    Column(gettext_lazy("Critères notés"), 12),
]


def outcome_text(proposal: Proposal) -> str:
    if proposal.project:
        return _("Projet %(project)s") % {"project": proposal.project}
    if proposal.merged_into_project:
        return _("Fusionnée dans le projet %(project)s") % {"project": proposal.merged_into_project}
    if proposal.merged_into_proposal:
        return _("Fusionnée dans la proposition « %(title)s »") % {
            "title": proposal.merged_into_proposal.title
        }
    if proposal.status == Proposal.Status.RETAINED:
        return _("Retenue ; projet à créer")
    return ""


def workshop_text(proposal: Proposal) -> str:
    workshop = proposal.workshop
    if workshop is None:
        return _("Hors atelier")
    return _("Atelier %(number)s du %(date)s") % {
        "number": workshop.number,
        "date": f"{workshop.date:%d.%m.%Y}",
    }


def proposals_sheet(ws: Worksheet, proposals: list[Proposal]) -> None:
    rows = []
    for proposal in proposals:
        score = WeightedScore(proposal.weighted_score, proposal.n_scored, proposal.n_criteria)
        rows.append(
            [
                workshop_text(proposal),
                proposal.created_at,
                str(proposal.axis) if proposal.axis else str(JOKER_LABEL),
                proposal.title,
                proposal.description,
                proposal.proposed_by,
                ", ".join(commune.name for commune in proposal.communes.all()),
                str(proposal.get_status_display()),
                outcome_text(proposal),
                proposal.reason,
                score.rounded,
                f"{score.scored}/{score.total}" if score.total else "",
            ]
        )
    write_table(ws, PROPOSAL_COLUMNS, rows)
    colour_column(ws, 8, 2, [STATUS_FILLS[Proposal.Status(p.status)] for p in proposals])
    for row in range(2, len(rows) + 2):
        cell = ws.cell(row=row, column=11)
        if cell.value is not None:
            cell.number_format = SCORE_FORMAT


def disagreement_text(disagreement: str) -> str:
    if not disagreement:
        return ""
    if disagreement == HIGH_PRIORITY_LOW_SCORE:
        return _("priorité 1, mais dans le dernier tiers")
    return _("priorité 3, mais dans le premier tiers")


def ranking_sheet(ws: Worksheet, ranking: Ranking) -> None:
    """The ranking: one row per project or retained proposal, best weighted score first, with
    the per-criterion scores; then the notes (how the score is computed, ties, disagreements)."""
    criteria = ranking.criteria
    columns = [
        Column(_("Rang"), 7, "int"),
        Column(_("Code"), 8),
        Column(_("Projet ou proposition"), 36),
        Column(_("Type"), 14),
        Column(_("Axe"), 8),
        Column(_("Priorité"), 9, "int"),
        Column(_("Budget prévu"), 16, "money"),
        *(
            Column(
                f"{criterion.name} ({criterion.scale_label}"
                + (f", ×{_weight(criterion)})" if criterion.weight != 1 else ")"),
                13,
                "int",
            )
            for criterion in criteria
        ),
        Column(_("Note pondérée (sur 100)"), 13),
        Column(_("Critères notés"), 11),
        Column(_("Ex æquo"), 9),
        Column(_("Priorité et note"), 30),
    ]
    rows = []
    for row in ranking.rows:
        axis = row.axis
        rows.append(
            [
                row.rank,
                row.code,
                row.title,
                _("projet") if row.is_project else _("proposition retenue"),
                axis.number if axis is not None else _("Joker"),
                row.priority,
                row.budget,
                *(None if score is None else score.value for score in row.cells),
                row.rounded,
                f"{row.score.scored}/{row.score.total}",
                yes_no(row.tied) if row.rank else "",
                disagreement_text(row.disagreement),
            ]
        )
    last = write_table(ws, columns, rows)
    weighted = len(columns) - 3
    for number in range(2, last + 1):
        ws.cell(row=number, column=weighted).number_format = SCORE_FORMAT
    if last >= 2:
        letter = get_column_letter(weighted)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{last}",
            DataBarRule(
                start_type="num",
                start_value=0,
                end_type="num",
                end_value=100,
                color=DATA_BAR_COLOUR,
            ),
        )
    colour_column(
        ws, len(columns), 2, [AMBER if row.disagreement else None for row in ranking.rows]
    )
    _notes(ws, ranking, last + 2)


def _weight(criterion: Criterion) -> str:
    return f"{criterion.weight.normalize():f}".replace(".", ",")


def _notes(ws: Worksheet, ranking: Ranking, row: int) -> None:
    lines = [
        _(
            "Note pondérée : chaque note est ramenée à l'échelle de son critère (minimum 0, "
            "maximum 100), puis la moyenne est pondérée par le poids des critères notés ; un "
            "critère non noté est laissé hors de la moyenne et compté à part."
        )
    ]
    for group in ranking.ties:
        lines.append(
            _("Ex æquo (%(score)s sur 100, rang %(rank)s) : %(items)s.")
            % {
                "score": f"{group[0].rounded}".replace(".", ","),
                "rank": group[0].rank,
                "items": ", ".join(row.code or row.title for row in group),
            }
        )
    for entry in ranking.disagreements:
        lines.append(
            _("À discuter : %(item)s, %(what)s (rang %(rank)s sur %(count)s).")
            % {
                "item": f"{entry.code} – {entry.title}",
                "what": disagreement_text(entry.disagreement),
                "rank": entry.rank,
                "count": len(ranking.scored),
            }
        )
    put(ws, row, 1, _("Notes")).font = LABEL_FONT
    for offset, text in enumerate(lines, start=1):
        cell = put(ws, row + offset, 1, text)
        cell.alignment = WRAP
        ws.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=8)
        ws.row_dimensions[row + offset].height = 30
