"""Timeline, modèle d'efficacité and communes matrix.

Each page reads a fixed number of queries whatever the number of projects: one per table, grouped
in Python. Beyond ``steering.OPEN_PROJECTS`` projects, more than a person reads on one page, each
shows one axis at a time (``axis_choice``: ``?axe=2``), with the strategy's totals.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.models import Project, today
from projects.timeline import Timeline, build_timeline, scale_for
from steering import table as steering
from strategies.access import get_strategy_for_user
from strategies.models import Axis, Commune, Domain, Measure, Strategy


def _projects_by_axis(projects: QuerySet[Project]) -> dict[int, list[Project]]:
    """The projects per axis id, in code order: one query (plus its prefetches)."""
    by_axis: dict[int, list[Project]] = defaultdict(list)
    for project in projects.select_related("measure__domain"):
        by_axis[project.axis_id].append(project)
    return by_axis


@dataclass(frozen=True)
class AxisChoice:
    """A report of a large portfolio, one axis at a time, ``steering.PAGE_ROWS`` projects at a
    time: each axis with its numbers of projects and of late ones, the axis and page shown."""

    axes: list[tuple[Axis, int, int]]
    current: Axis
    page: int = 1
    pages: int = 1

    @property
    def total(self) -> int:
        return sum(projects for _axis, projects, _late in self.axes)

    @property
    def rows(self) -> slice:
        """The projects of the page, among those of the axis."""
        start = (self.page - 1) * steering.PAGE_ROWS
        return slice(start, start + steering.PAGE_ROWS)

    @property
    def shown(self) -> int:
        """The projects of the axis shown."""
        return next(projects for axis, projects, _late in self.axes if axis == self.current)

    @property
    def first(self) -> int:
        return self.rows.start + 1

    @property
    def last(self) -> int:
        return min(self.rows.stop, self.shown)

    def url(self, page: int) -> str:
        return f"?axe={self.current.number}&page={page}"

    @property
    def previous_url(self) -> str:
        return self.url(self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(self.page + 1) if self.page < self.pages else ""


def axis_choice(
    strategy: Strategy, on, request: HttpRequest, paged: bool = True
) -> AxisChoice | None:
    """None up to ``steering.OPEN_PROJECTS`` projects (the report shows every axis); beyond,
    the axis numbered ``?axe=`` (the first one otherwise), its projects a page (``?page=``) at a
    time when ``paged``. One grouped query, plus the axes."""
    counts = {
        axis_id: (projects, late)
        for axis_id, projects, late in Project.objects.for_strategy(strategy)
        .order_by()
        .values_list("axis")
        .annotate(n=Count("pk"), late=Count("pk", filter=Project.late_q(on)))
    }
    if sum(projects for projects, _late in counts.values()) <= steering.OPEN_PROJECTS:
        return None
    axes = list(strategy.axes.all())
    number = request.GET.get("axe")
    current = next((axis for axis in axes if str(axis.number) == number), axes[0])
    pages = max(1, math.ceil(counts.get(current.pk, (0, 0))[0] / steering.PAGE_ROWS))
    if not paged:
        pages = 1
    try:
        page = min(max(1, int(request.GET.get("page", 1))), pages)
    except ValueError:
        page = 1
    return AxisChoice([(axis, *counts.get(axis.pk, (0, 0))) for axis in axes], current, page, pages)


def timeline_page(strategy: Strategy, choice: AxisChoice, on) -> Timeline:
    """The calendar of the axis of ``choice``, its page only: the page's projects read in the
    calendar's order (drawn ones by start then end, then those with dates to set, then the
    abandoned ones; code order within), the scale and the late counts by the database. Three
    queries, whatever the number of projects."""
    projects = Project.objects.for_strategy(strategy).filter(axis=choice.current)
    dated = Q(start_date__isnull=False, end_date__isnull=False)
    spans = projects.filter(dated).aggregate(
        first_start=Min("start_date"),
        last_start=Max("start_date"),
        first_end=Min("end_date"),
        last_end=Max("end_date"),
    )
    scale = scale_for(
        [
            (spans["first_start"], spans["last_end"]),
            (spans["last_start"], spans["first_end"]),
        ],
        on,
    )
    drawn = dated & ~Q(status=Project.Status.ABANDONED)
    page = (
        projects.with_mark(on)
        .alias(
            part=Case(
                When(status=Project.Status.ABANDONED, then=2),
                When(drawn, then=0),
                default=1,
            )
        )
        .order_by(
            "part",
            Case(When(drawn, then="start_date")),
            Case(When(drawn, then="end_date")),
            Length("code"),
            "code",
        )[choice.rows]
    )
    (lane,) = build_timeline([(choice.current, list(page))], on, scale).lanes
    late = {axis.pk: late for axis, _projects, late in choice.axes}
    return Timeline(
        scale,
        (replace(lane, late_total=late[choice.current.pk]),),
        late_total=sum(late.values()),
    )


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    on = today()
    choice = axis_choice(strategy, on, request)
    if choice is None:
        projects = Project.objects.for_strategy(strategy).with_mark(on)
        by_axis = _projects_by_axis(projects)
        plan = build_timeline(
            [(axis, by_axis.get(axis.pk, [])) for axis in strategy.axes.all()], on
        )
    else:
        plan = timeline_page(strategy, choice, on)
    return render(
        request,
        "cockpit/timeline.html",
        {
            "strategy": strategy,
            "timeline": plan,
            "scale": plan.scale,
            "today": on,
            "axis_choice": choice,
        },
    )


@login_required
def effectiveness_model(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    choice = axis_choice(strategy, today(), request, paged=False)
    projects = Project.objects.with_mark(today())
    measures = Measure.objects.order_by("order", Length("code"), "code").prefetch_related(
        Prefetch("projects", queryset=projects)
    )
    domains = Domain.objects.order_by("order", "title").prefetch_related(
        Prefetch("measures", queryset=measures)
    )
    axes = strategy.axes.all() if choice is None else strategy.axes.filter(pk=choice.current.pk)
    axes = axes.prefetch_related(Prefetch("domains", queryset=domains))
    return render(
        request,
        "cockpit/effectiveness.html",
        {"strategy": strategy, "axes": list(axes), "axis_choice": choice},
    )


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


def commune_totals(
    strategy: Strategy, communes: list[Commune], axis: Axis | None = None
) -> CommuneTotals:
    """The strategy's totals of the communes matrix (what ``CommuneTotals.add`` sums over every
    row), or those of one axis, computed by the database: three queries, whatever the number of
    projects."""
    projects = Project.objects.for_strategy(strategy).exclude(status=Project.Status.ABANDONED)
    if axis is not None:
        projects = projects.filter(axis=axis)
    per_commune = {
        commune_id: (count, budget or Decimal(0))
        for commune_id, count, budget in Project.communes.through.objects.filter(
            project__in=projects, commune__in=communes
        )
        .order_by()
        .values_list("commune")
        .annotate(n=Count("project", distinct=True), budget=Sum("project__budget_planned"))
    }
    concerned = Project.communes.through.objects.filter(
        project=OuterRef("pk"), commune__in=communes
    )
    unassigned = projects.filter(~Exists(concerned)).aggregate(
        n=Count("pk"), budget=Sum("budget_planned")
    )
    every = projects.aggregate(n=Count("pk"), budget=Sum("budget_planned"))
    cells = [per_commune.get(commune.pk, (0, Decimal(0))) for commune in communes]
    cells.append((unassigned["n"], unassigned["budget"] or Decimal(0)))
    return CommuneTotals(
        [count for count, _budget in cells],
        [budget for _count, budget in cells],
        every["n"],
        every["budget"] or Decimal(0),
    )


@login_required
def communes_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    communes = list(strategy.territory.communes.all())
    choice = axis_choice(strategy, today(), request)
    projects = (
        Project.objects.for_strategy(strategy)
        .with_mark(today())
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("pk")))
    )
    if choice is None:
        axes = list(strategy.axes.all())
        groups, grand = _communes_matrix(communes, axes, _projects_by_axis(projects))
    else:  # only the page's rows are read, in the matrix's order: abandoned projects last
        page = (
            projects.filter(axis=choice.current)
            .alias(abandoned=Case(When(status=Project.Status.ABANDONED, then=1), default=0))
            .order_by("abandoned", Length("code"), "code")
            .select_related("measure__domain")[choice.rows]
        )
        current = choice.current
        groups, grand = _communes_matrix(communes, [current], {current.pk: list(page)})
        groups[0].totals = commune_totals(strategy, communes, current)  # all the axis's projects
        grand = commune_totals(strategy, communes)
    return render(
        request,
        "cockpit/communes.html",
        {
            "strategy": strategy,
            "communes": communes,
            "groups": groups,
            "grand": grand,
            "axis_choice": choice,
        },
    )
