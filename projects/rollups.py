"""The implementation rollup of any group of projects, the way a funder reads it: by mark and by
status, engaged over all but the abandoned ones, ending after the horizon, and the three budgets;
one aggregate query (``ProjectQuerySet.rollup`` / ``rollup_by``), or the same computed in Python
for a past state (``ImplementationRollup.of``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.lookups import Exact

from .marks import Mark
from .models import ENGAGED_STATUSES, STATUS_ORDER, Project

#: The marks a rollup counts with the mark's expression; a blocked or abandoned project's mark is
#: its status's.
_COUNTED_MARKS = (Mark.OK, Mark.WARNING, Mark.LATE, Mark.UNSCHEDULED)


def rollup_aggregates(on: datetime.date | None) -> dict:
    mark = Project.mark_expression(on)
    not_abandoned = ~Q(status=Project.Status.ABANDONED)
    return {
        "n_total": Count("pk"),
        **{f"mark_{m.value}": Count("pk", filter=_mark_q(mark, m)) for m in _COUNTED_MARKS},
        **{f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in Project.Status},
        "n_after_horizon": Count("pk", filter=Project.after_horizon_q()),
        "budget_planned": Sum("budget_planned", filter=not_abandoned),
        "budget_committed": Sum("budget_committed"),
        "budget_spent": Sum("budget_spent"),
    }


def _mark_q(mark_expression, value: str) -> Q:
    # Count(filter=...) takes a Q; compare the CASE expression with the wanted mark.
    return Q(Exact(mark_expression, Value(value)))


@dataclass(frozen=True)
class ImplementationRollup:
    """A group of projects counted the way a funder reads them: by mark, by status, engaged (en
    cours, en pause, bloqué or réalisé) over all but the abandoned ones, ending after the
    strategy's horizon, and the budget planned, committed and spent.

    ``marks`` and ``statuses`` hold a count for every mark and every status. Late and blocked are
    counted apart: a blocked project is never late (``Project.is_late``). Abandoned projects are
    left out of the share done, of the engaged ones and of the planned budget; what they committed
    or spent stays committed or spent.
    """

    total: int = 0
    marks: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    after_horizon: int = 0
    budget_planned: Decimal = Decimal(0)
    budget_committed: Decimal = Decimal(0)
    budget_spent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        # Every mark and every status, in their order, zero when absent.
        marks = {mark.value: self.marks.get(mark.value, 0) for mark in Mark}
        statuses = {status.value: self.statuses.get(status.value, 0) for status in Project.Status}
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "statuses", statuses)

    @classmethod
    def from_row(cls, row: dict) -> ImplementationRollup:
        statuses = {status.value: row[f"status_{status.value}"] or 0 for status in Project.Status}
        marks = {mark.value: row[f"mark_{mark.value}"] or 0 for mark in _COUNTED_MARKS}
        marks[Mark.BLOCKED] = statuses[Project.Status.BLOCKED]
        marks[Mark.ABANDONED] = statuses[Project.Status.ABANDONED]
        return cls(
            total=row["n_total"] or 0,
            marks=marks,
            statuses=statuses,
            after_horizon=row["n_after_horizon"] or 0,
            budget_planned=row["budget_planned"] or Decimal(0),
            budget_committed=row["budget_committed"] or Decimal(0),
            budget_spent=row["budget_spent"] or Decimal(0),
        )

    @classmethod
    def of(
        cls, projects: list[Project], on: datetime.date, horizon: datetime.date
    ) -> ImplementationRollup:
        """The same rollup computed in Python, for projects that are not rows of the table (a
        past state read back from the history), ``horizon`` being their strategy's. Tested to
        agree with ``ProjectQuerySet.rollup``."""
        marks: dict[str, int] = {}
        statuses: dict[str, int] = {}
        after_horizon = 0
        planned = committed = spent = Decimal(0)
        for project in projects:
            mark = project.mark(on).value
            marks[mark] = marks.get(mark, 0) + 1
            statuses[project.status] = statuses.get(project.status, 0) + 1
            after_horizon += project.ends_after_horizon(horizon)
            if project.status != Project.Status.ABANDONED:
                planned += project.budget_planned or 0
            committed += project.budget_committed or 0
            spent += project.budget_spent or 0
        return cls(
            total=len(projects),
            marks=marks,
            statuses=statuses,
            after_horizon=after_horizon,
            budget_planned=planned,
            budget_committed=committed,
            budget_spent=spent,
        )

    @classmethod
    def combined(cls, rollups: Iterable[ImplementationRollup]) -> ImplementationRollup:
        """The rollup of the union of disjoint groups: every count and amount added up (the
        strategy's from its axes' ``rollup_by``, without a query of its own)."""
        rollups = list(rollups)
        return cls(
            total=sum(rollup.total for rollup in rollups),
            marks={mark.value: sum(r.marks[mark.value] for r in rollups) for mark in Mark},
            statuses={
                status.value: sum(r.statuses[status.value] for r in rollups)
                for status in Project.Status
            },
            after_horizon=sum(rollup.after_horizon for rollup in rollups),
            budget_planned=sum((rollup.budget_planned for rollup in rollups), Decimal(0)),
            budget_committed=sum((rollup.budget_committed for rollup in rollups), Decimal(0)),
            budget_spent=sum((rollup.budget_spent for rollup in rollups), Decimal(0)),
        )

    @property
    def ok(self) -> int:
        return self.marks[Mark.OK]

    @property
    def warning(self) -> int:
        return self.marks[Mark.WARNING]

    @property
    def late(self) -> int:
        """Late projects: the late mark (``Project.is_late``), blocked ones apart."""
        return self.marks[Mark.LATE]

    @property
    def blocked(self) -> int:
        return self.marks[Mark.BLOCKED]

    @property
    def unscheduled(self) -> int:
        return self.marks[Mark.UNSCHEDULED]

    @property
    def abandoned(self) -> int:
        return self.marks[Mark.ABANDONED]

    @property
    def done(self) -> int:
        return self.statuses[Project.Status.DONE]

    @property
    def engaged(self) -> int:
        """En cours, en pause, bloqués or réalisés."""
        return sum(self.statuses[status] for status in ENGAGED_STATUSES)

    @property
    def active(self) -> int:
        """Projects that count for the share done and the engaged ones: all but the abandoned."""
        return self.total - self.abandoned

    @property
    def mark_counts(self) -> list[tuple[Mark, int]]:
        """Each mark of the projects still pursued with its count (abandoned ones apart)."""
        return [(mark, self.marks[mark]) for mark in Mark if mark != Mark.ABANDONED]

    @property
    def status_counts(self) -> list[tuple[Project.Status, int]]:
        """Each status with its count, in the order of a project's life."""
        return [(status, self.statuses[status]) for status in STATUS_ORDER]

    @property
    def percent_done(self) -> Decimal | None:
        if not self.active:
            return None
        return (Decimal(100) * self.done / self.active).quantize(Decimal("0.1"))

    @property
    def percent_spent(self) -> Decimal | None:
        if not self.budget_planned:
            return None
        return (Decimal(100) * self.budget_spent / self.budget_planned).quantize(Decimal("0.1"))
