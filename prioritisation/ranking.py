"""The ranking of projects and retained proposals by weighted score, shared by the cockpit's
ranking page and the Excel pack.

Rows are ordered by weighted score (rounded to one decimal, as shown), best first; unscored rows
come last. Equal scores share a rank (1, 2, 2, 4) and are reported as ties, so the commission
decides between them. A project whose priority disagrees with its score is flagged: priority 1 in
the bottom third of the scored rows, priority 3 in the top third (no thirds under three rows).

``build_ranking`` runs one query for the scores of every row, whatever their number; the caller
passes the criteria and the rows already loaded (annotated with ``with_weighted_score()``).

A ranking of more than ``OPEN_ROWS`` rows is shown ``PAGE_ROWS`` rows at a time, as the cockpit's
steering table. ``ranking_page`` (the ranking page) ranks in Python only the scored rows (a rank
depends on all the scores above it; their number is bounded by what a commission scores), counts
the unscored ones in the database and reads only those of the page, in their order (priority,
projects before proposals, code, title): a fixed number of queries, and no row built for the
thousands of unscored projects of a large portfolio. Only the page's rows get their per-criterion
scores and are rendered. ``page_of`` pages a ranking built whole (``build_ranking``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Length, Lower

from steering.table import PageNumbers
from strategies.models import Axis

from .models import (
    Criterion,
    Project,
    Proposal,
    Score,
    WeightedScore,
    annotated_weighted_score,
    score_annotations,
)

_UNSET: Any = object()

#: Up to this many rows, the ranking page shows them all.
OPEN_ROWS = 200
#: Rows of one page of a longer ranking (the next ones are loaded on demand).
PAGE_ROWS = 100
#: The same for the scoring grid, whose rows weigh more (an input, a comment and a link per
#: criterion: some 3 KB a row): rendering a page of it is what its time grows with.
GRID_OPEN_ROWS = 100
GRID_PAGE_ROWS = 50

#: Disagreements between a project's priority and its place in the ranking.
HIGH_PRIORITY_LOW_SCORE = "high_priority_low_score"
LOW_PRIORITY_HIGH_SCORE = "low_priority_high_score"


@dataclass
class RankingRow:
    """A project or a retained proposal in the ranking."""

    item: Project | Proposal
    score: WeightedScore
    scores: dict[int, Score] = field(default_factory=dict)  # by criterion id
    cells: list[Score | None] = field(default_factory=list)  # in the order of the criteria
    rank: int | None = None
    tied: bool = False
    disagreement: str = ""
    #: The project's axis when the caller knows it (no need to select it with the project).
    known_axis: Any = _UNSET

    @property
    def is_project(self) -> bool:
        return isinstance(self.item, Project)

    @property
    def kind(self) -> str:
        return "project" if self.is_project else "proposal"

    @property
    def code(self) -> str:
        return self.item.code if self.is_project else ""

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def axis(self) -> Axis | None:
        if self.known_axis is not _UNSET:
            return self.known_axis
        if self.is_project:
            return self.item.axis
        return self.item.axis

    @property
    def priority(self) -> int | None:
        return self.item.priority if self.is_project else None

    @property
    def budget(self) -> Decimal | None:
        return self.item.budget_planned if self.is_project else None

    @property
    def rounded(self) -> Decimal | None:
        return self.score.rounded

    def value_of(self, criterion: Criterion) -> int | None:
        score = self.scores.get(criterion.pk)
        return None if score is None else score.value

    def sort_key(self) -> tuple:
        rounded = self.rounded
        return (
            rounded is None,
            -(rounded or 0),
            self.priority or 4,
            not self.is_project,
            len(self.code),
            self.code,
            self.title.casefold(),
        )


@dataclass
class Ranking:
    criteria: list[Criterion]
    rows: list[RankingRow]
    #: Unscored rows counted in the database but not loaded (``ranking_page``), after ``rows``.
    unloaded: int = 0

    @property
    def count(self) -> int:
        """How many rows the ranking has, loaded or not."""
        return len(self.rows) + self.unloaded

    @property
    def unscored_count(self) -> int:
        return len(self.unscored) + self.unloaded

    @cached_property
    def scored(self) -> list[RankingRow]:
        """The scored rows, best first (computed once: rows are only ever added unscored)."""
        return [row for row in self.rows if row.rounded is not None]

    @property
    def unscored(self) -> list[RankingRow]:
        return [row for row in self.rows if row.rounded is None]

    @cached_property
    def ties(self) -> list[list[RankingRow]]:
        """Groups of two or more rows with the same (shown) weighted score, best first."""
        groups: dict[Decimal, list[RankingRow]] = defaultdict(list)
        for row in self.scored:
            groups[row.rounded].append(row)
        return [group for group in groups.values() if len(group) > 1]

    @property
    def disagreements(self) -> list[RankingRow]:
        return [row for row in self.rows if row.disagreement]

    @property
    def third(self) -> int:
        """How many rows make a third of the scored ones (0 under three rows)."""
        return len(self.scored) // 3


def build_ranking(
    criteria: Sequence[Criterion],
    projects: Iterable[Project] = (),
    proposals: Iterable[Proposal] = (),
    *,
    with_scores: bool = True,
) -> Ranking:
    """Rank ``projects`` and ``proposals`` (annotated with ``with_weighted_score()``, projects
    with their measure's domain and axis selected) on ``criteria`` (one query for the scores;
    none without ``with_scores``: the caller attaches those of the rows it shows)."""
    rows = [RankingRow(item, annotated_weighted_score(item)) for item in projects]
    rows += [RankingRow(item, annotated_weighted_score(item)) for item in proposals]
    if with_scores:
        attach_scores(rows, criteria)
    rows.sort(key=RankingRow.sort_key)
    ranking = Ranking(list(criteria), rows)
    _rank(ranking)
    return ranking


@dataclass
class RankingPage(PageNumbers):
    """The rows of the ranking shown: every row, or one page of ``PAGE_ROWS`` rows."""

    ranking: Ranking
    rows: list[RankingRow]
    number: int = 1
    count: int = 1
    #: Where the page's first row sits in the ranking (from 0).
    start: int = 0
    next_url: str = ""
    previous_url: str = ""

    @property
    def rows_after(self) -> int:
        return self.ranking.count - self.start - len(self.rows)

    @property
    def ties(self) -> list[list[RankingRow]]:
        """The groups of equal scores that have a row on the page."""
        if not self.paged:
            return self.ranking.ties
        shown = {id(row) for row in self.rows if row.tied}
        return [group for group in self.ranking.ties if any(id(row) in shown for row in group)]

    @property
    def disagreements(self) -> list[RankingRow]:
        """The page's rows whose priority and score disagree."""
        return [row for row in self.rows if row.disagreement]


def page_of(ranking: Ranking, number: int, url: Callable[[int], str]) -> RankingPage:
    """Every row of ``ranking`` up to ``OPEN_ROWS``; beyond, page ``number`` (from 1; out of
    range: the nearest) of ``PAGE_ROWS`` rows, ``url(n)`` making the URL of page n."""
    total = len(ranking.rows)
    if total <= OPEN_ROWS:
        return RankingPage(ranking, ranking.rows)
    count = -(-total // PAGE_ROWS)
    number = min(max(1, number), count)
    start = (number - 1) * PAGE_ROWS
    return RankingPage(
        ranking,
        ranking.rows[start : start + PAGE_ROWS],
        number=number,
        count=count,
        start=start,
        next_url=url(number + 1) if number < count else "",
        previous_url=url(number - 1) if number > 1 else "",
    )


def ranking_page(
    criteria: Sequence[Criterion],
    projects: QuerySet[Project] | None,
    proposals: QuerySet[Proposal] | None,
    number: int,
    url: Callable[[int], str],
) -> RankingPage:
    """Page ``number`` (from 1; out of range: the nearest) of the ranking of ``projects`` and
    ``proposals`` (None: none of them), as ``page_of(build_ranking(…))`` would show it, with the
    page's scores attached, in eight queries whatever the number of rows: the scored rows are
    read and ranked whole, the unscored ones counted and only the page's read."""
    projects = Project.objects.none() if projects is None else projects
    proposals = Proposal.objects.none() if proposals is None else proposals
    scored_projects, unscored_projects = _split(projects, "project")
    scored_proposals, unscored_proposals = _split(proposals, "proposal")
    ranking = build_ranking(criteria, scored_projects, scored_proposals, with_scores=False)
    unscored_projects = unscored_projects.order_by(
        Coalesce("priority", Value(4)), Length("code"), "code", Lower("title"), "pk"
    )
    unscored_proposals = unscored_proposals.order_by(Lower("title"), "pk")
    n_projects, n_proposals = unscored_projects.count(), unscored_proposals.count()
    scored, total = len(ranking.rows), len(ranking.rows) + n_projects + n_proposals
    if total <= OPEN_ROWS:
        start, stop, page = 0, total, None
    else:
        count = -(-total // PAGE_ROWS)
        number = min(max(1, number), count)
        start, stop = (number - 1) * PAGE_ROWS, number * PAGE_ROWS
        page = RankingPage(
            ranking,
            [],
            number=number,
            count=count,
            start=start,
            next_url=url(number + 1) if number < count else "",
            previous_url=url(number - 1) if number > 1 else "",
        )
    # The page's window over the unscored rows: projects first, then proposals.
    first, last = max(0, start - scored), max(0, stop - scored)
    unscored_rows = [
        RankingRow(item, WeightedScore(None, 0, len(criteria)))
        for item in [
            *(unscored_projects[first:last] if first < min(last, n_projects) else ()),
            *(
                unscored_proposals[max(0, first - n_projects) : last - n_projects]
                if last > n_projects
                else ()
            ),
        ]
    ]
    if page is None:
        ranking.rows += unscored_rows
        page = RankingPage(ranking, ranking.rows)
    else:
        ranking.unloaded = n_projects + n_proposals
        page.rows = ranking.rows[start:stop] + unscored_rows
    attach_scores(page.rows, criteria)
    return page


def _split(queryset: QuerySet, target: str) -> tuple[QuerySet, QuerySet]:
    """``queryset`` of projects or proposals cut in two: those with a score (annotated with the
    weighted score) and those without."""
    has_score = Exists(
        Score.objects.filter(**{target: OuterRef("pk")}, criterion__strategy=OuterRef("strategy"))
    )
    return queryset.filter(has_score).annotate(**score_annotations(target)), queryset.filter(
        ~has_score
    )


def attach_scores(rows: list[RankingRow], criteria: Sequence[Criterion]) -> None:
    """Give each row its scores, by criterion and in the order of ``criteria`` (one query)."""
    project_ids = [row.item.pk for row in rows if row.is_project]
    proposal_ids = [row.item.pk for row in rows if not row.is_project]
    if not rows:
        return
    by_target: dict[tuple[str, int], dict[int, Score]] = defaultdict(dict)
    scores = Score.objects.filter(Q(project__in=project_ids) | Q(proposal__in=proposal_ids)).only(
        "pk", "criterion_id", "project_id", "proposal_id", "value", "comment"
    )
    for score in scores:
        key = ("project", score.project_id) if score.project_id else ("proposal", score.proposal_id)
        by_target[key][score.criterion_id] = score
    for row in rows:
        row.scores = by_target.get((row.kind, row.item.pk), {})
        row.cells = [row.scores.get(criterion.pk) for criterion in criteria]


def _rank(ranking: Ranking) -> None:
    """Competition ranks (1, 2, 2, 4), ties, and priority/score disagreements."""
    scored = ranking.scored
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(scored, start=1):
        if row.rounded != previous:
            rank = position
            previous = row.rounded
        row.rank = rank
    tied = {id(row) for group in ranking.ties for row in group}
    third = ranking.third
    for row in scored:
        row.tied = id(row) in tied
        if not third or not row.is_project:
            continue
        if row.priority == Project.Priority.HIGH and row.rank > len(scored) - third:
            row.disagreement = HIGH_PRIORITY_LOW_SCORE
        elif row.priority == Project.Priority.LOW and row.rank <= third:
            row.disagreement = LOW_PRIORITY_HIGH_SCORE
