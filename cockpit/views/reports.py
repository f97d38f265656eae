"""Timeline, modèle d'efficacité and communes matrix.

Each page reads a fixed number of queries whatever the number of projects: one per table, grouped
in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cockpit.access import get_strategy_for_user
from projects.models import Project, today
from projects.timeline import build_timeline
from strategies.models import Axis, Commune, Domain, Measure


def _projects_by_axis(projects: QuerySet[Project]) -> dict[int, list[Project]]:
    """The projects per axis id, in code order: one query (plus its prefetches)."""
    by_axis: dict[int, list[Project]] = defaultdict(list)
    for project in projects.select_related("measure__domain"):
        by_axis[project.measure.domain.axis_id].append(project)
    return by_axis


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    on = today()
    by_axis = _projects_by_axis(Project.objects.for_strategy(strategy).with_mark(on))
    plan = build_timeline([(axis, by_axis.get(axis.pk, [])) for axis in strategy.axes.all()], on)
    return render(
        request,
        "cockpit/timeline.html",
        {"strategy": strategy, "timeline": plan, "scale": plan.scale, "today": on},
    )


@login_required
def effectiveness_model(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    projects = Project.objects.with_mark(today())
    measures = Measure.objects.order_by("order", Length("code"), "code").prefetch_related(
        Prefetch("projects", queryset=projects)
    )
    domains = Domain.objects.order_by("order", "title").prefetch_related(
        Prefetch("measures", queryset=measures)
    )
    axes = strategy.axes.prefetch_related(Prefetch("domains", queryset=domains))
    return render(request, "cockpit/effectiveness.html", {"strategy": strategy, "axes": list(axes)})


@dataclass
class CommuneTotals:
    """Projects and planned budget per column (each commune, then "non attribué"), and the same
    counted once per project. Abandoned projects are not counted."""

    counts: list[int]
    budgets: list[Decimal]
    projects: int = 0
    budget: Decimal = Decimal(0)

    @classmethod
    def empty(cls, columns: int) -> CommuneTotals:
        return cls([0] * columns, [Decimal(0)] * columns)

    def add(self, row: MatrixRow) -> None:
        if row.project.status == Project.Status.ABANDONED:
            return
        budget = row.project.budget_planned or Decimal(0)
        for index, hit in enumerate(row.columns):
            if hit:
                self.counts[index] += 1
                self.budgets[index] += budget
        self.projects += 1
        self.budget += budget

    @property
    def cells(self) -> list[tuple[int, Decimal]]:
        return list(zip(self.counts, self.budgets, strict=True))


@dataclass
class MatrixRow:
    project: Project
    #: One flag per commune column, then the "non attribué" one.
    columns: list[bool]
    communes: int
    all_communes: bool

    @property
    def hits(self) -> list[bool]:
        return self.columns[:-1]

    @property
    def unassigned(self) -> bool:
        return self.columns[-1]


@dataclass
class MatrixGroup:
    axis: Axis
    rows: list[MatrixRow] = field(default_factory=list)
    totals: CommuneTotals | None = None


def _communes_matrix(
    communes: list[Commune], axes: list[Axis], by_axis: dict[int, list[Project]]
) -> tuple[list[MatrixGroup], CommuneTotals]:
    columns = len(communes) + 1
    position = {commune.pk: index for index, commune in enumerate(communes)}
    grand = CommuneTotals.empty(columns)
    groups = []
    for axis in axes:
        group = MatrixGroup(axis, totals=CommuneTotals.empty(columns))
        # Abandoned projects last, greyed: listed, never counted.
        projects = sorted(
            by_axis.get(axis.pk, []), key=lambda p: p.status == Project.Status.ABANDONED
        )
        for project in projects:
            concerned = {position[c.pk] for c in project.communes.all() if c.pk in position}
            flags = [index in concerned for index in range(len(communes))]
            row = MatrixRow(
                project,
                [*flags, not concerned],
                len(concerned),
                bool(communes) and len(concerned) == len(communes),
            )
            group.rows.append(row)
            group.totals.add(row)
            grand.add(row)
        groups.append(group)
    return groups, grand


@login_required
def communes_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    communes = list(strategy.territory.communes.all())
    by_axis = _projects_by_axis(
        Project.objects.for_strategy(strategy)
        .with_mark(today())
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("pk")))
    )
    groups, grand = _communes_matrix(communes, list(strategy.axes.all()), by_axis)
    return render(
        request,
        "cockpit/communes.html",
        {"strategy": strategy, "communes": communes, "groups": groups, "grand": grand},
    )
