"""The prioritisation sheets of the Excel pack: "Propositions" (what the workshops proposed and
what became of it) and "Priorisation" (the ranking by weighted score), added by ``build_pack``
when the strategy has proposals or criteria.

The sheets follow the pack's conventions (``spreadsheets.xlsx``): written through its ``Book``,
``Sheet`` and ``Table`` (the same header style, text never becomes a formula, real numbers and
dates, wrapped text with the row height it needs), frozen header, filters.

They cover what the pack covers: the projects of its axes (already filtered by the
caller), the proposals of those axes ("Joker" ones when no axis is left out). A constant number
of queries: the axes, the projects' weighted scores, the criteria, the proposals (and their
communes), the scores.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prioritisation.models import JOKER_LABEL, Criterion, Proposal, with_weighted_score
from prioritisation.ranking import HIGH_PRIORITY_LOW_SCORE, Ranking, build_ranking
from prioritisation.scoring import WeightedScore
from projects.models import Project
from spreadsheets.tables import Table
from spreadsheets.values import text_height, yes_no
from spreadsheets.xlsx import AMBER, GREEN, GREY, LABEL, RED, Book, Column, Look, Sheet
from steering.table import AxisBlock
from strategies.models import Axis, Strategy

SCORE_FORMAT = "0.0"
SCORE = Look(number_format=SCORE_FORMAT)
NOTE = Look(border=False)
NOTE_HEIGHT = 30.0

STATUS_FILLS = {
    Proposal.Status.NEW: None,
    Proposal.Status.RETAINED: GREEN,
    Proposal.Status.MERGED: GREY,
    Proposal.Status.SET_ASIDE: RED,
}


def add_prioritisation_sheets(
    book: Book, strategy: Strategy, *, on: datetime.date, axes: list[AxisBlock]
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
        proposals_sheet(book, proposals)
    criteria = list(Criterion.objects.for_strategy(strategy))
    if criteria:
        retained = [
            proposal
            for proposal in proposals
            if proposal.status == Proposal.Status.RETAINED and proposal.project_id is None
        ]
        ranking = pack_ranking(strategy, axes, criteria, retained)
        ranking_sheet(book, ranking)


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
        for pk, value, scored, total in with_weighted_score(Project.objects.for_strategy(strategy))
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


def _cells(*values: Any) -> list[Any]:
    """A row's values, an empty text left an empty cell (as openpyxl wrote it, not "")."""
    return [None if value == "" else value for value in values]


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


#: The columns (from 1) of the proposal's status (coloured) and weighted score.
PROPOSAL_STATUS, PROPOSAL_SCORE = 8, 11


def proposals_sheet(book: Book, proposals: list[Proposal]) -> None:
    sheet = book.sheet(_("Propositions"), [c.width for c in PROPOSAL_COLUMNS], freeze_row=2)
    table = Table(sheet, PROPOSAL_COLUMNS)
    for proposal in proposals:
        score = WeightedScore(proposal.weighted_score, proposal.n_scored, proposal.n_criteria)
        colour = STATUS_FILLS[Proposal.Status(proposal.status)]
        row = table.add(
            _cells(
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
                None,  # the score, with its number format, below
                f"{score.scored}/{score.total}" if score.total else "",
            ),
            {PROPOSAL_STATUS: colour} if colour else None,
        )
        sheet.put(row, PROPOSAL_SCORE, score.rounded, SCORE)
    table.end()


def disagreement_text(disagreement: str) -> str:
    if not disagreement:
        return ""
    if disagreement == HIGH_PRIORITY_LOW_SCORE:
        return _("priorité 1, mais dans le dernier tiers")
    return _("priorité 3, mais dans le premier tiers")


def ranking_sheet(book: Book, ranking: Ranking) -> None:
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
    weighted, width = len(columns) - 3, len(columns)
    sheet = book.sheet(_("Priorisation"), [c.width for c in columns], freeze_row=2)
    table = Table(sheet, columns)
    for row in ranking.rows:
        axis = row.axis
        number = table.add(
            _cells(
                row.rank,
                row.code,
                row.title,
                _("projet") if row.is_project else _("proposition retenue"),
                axis.number if axis is not None else _("Joker"),
                row.priority,
                row.budget,
                *(None if score is None else score.value for score in row.cells),
                None,  # the weighted score, with its number format, below
                f"{row.score.scored}/{row.score.total}",
                yes_no(row.tied) if row.rank else "",
                disagreement_text(row.disagreement),
            ),
            {width: AMBER} if row.disagreement else None,
        )
        sheet.put(number, weighted, row.rounded, SCORE)
    last = table.end()
    sheet.data_bar(weighted, 2, last, maximum=100)  # weighted scores are out of 100
    _notes(sheet, ranking, last + 2)


def _weight(criterion: Criterion) -> str:
    return f"{criterion.weight.normalize():f}".replace(".", ",")


def _notes(sheet: Sheet, ranking: Ranking, row: int) -> None:
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
    sheet.put(row, 1, _("Notes"), LABEL)
    width = sheet.width(1, 8)
    for offset, text in enumerate(lines, start=1):
        sheet.merge(row + offset, 1, 8, text, NOTE)
        sheet.set_height(row + offset, max(NOTE_HEIGHT, text_height(text, width)))
