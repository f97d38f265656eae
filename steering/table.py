"""The steering table (STRATÉGIES – MESURES – PROJETS), assembled per axis in a fixed number of
queries whatever the number of rows.

As in the seed, the strategic indicators of an axis run down the left columns while its measures
and their projects run down the right ones; a measure's cells span the rows of its projects.

A territory has tens to 300 projects, and the cockpit shows them all at once. A portfolio beyond
``OPEN_PROJECTS`` projects is more than a person reads on one page: its axes come closed, each with
its rollups and the size of its table (``table_sizes``, grouped counts), and an axis's table is
loaded when it is opened, ``PAGE_ROWS`` rows at a time (``axis_page``). The Excel pack always holds
every row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse

from indicators.models import Evaluation, Indicator
from projects.models import Project
from steering.rollups import Rollup, axis_rollups
from strategies.models import Axis, Measure, Strategy

#: Up to this many projects shown, the cockpit page loads every axis's table.
OPEN_PROJECTS = 400
#: Rows of one page of an axis's table loaded on demand (a measure is never cut across pages).
PAGE_ROWS = 200


@dataclass
class MeasureBlock:
    """A measure and its projects; in a strategy without measures, the projects of an axis
    (``measure`` None)."""

    measure: Measure | None
    projects: list[Project] = field(default_factory=list)
    rollup: Rollup | None = None


@dataclass
class SteeringRow:
    """One line of the table: an indicator (or none), and a project of a measure (or none).
    ``measure_rowspan`` is set on the first row of each measure, 0 on the rows it spans;
    ``filler`` rows (more indicators than project lines) have nothing on the right side."""

    indicator: Indicator | None = None
    evaluation: Evaluation | None = None
    measure: Measure | None = None
    measure_rowspan: int = 0
    project: Project | None = None
    filler: bool = False
    #: The links of the row, made without a ``reverse()`` per row (see ``link_maker``).
    measure_url: str = ""
    project_url: str = ""
    #: " is-late" for a late project's cells, else "".
    late_class: str = ""


@dataclass(frozen=True)
class TableSize:
    """What an axis's table holds when it is not loaded: projects, measures, strategic
    indicators."""

    projects: int = 0
    measures: int = 0
    indicators: int = 0

    @property
    def empty(self) -> bool:
        return not (self.measures or self.projects or self.indicators)


class PageNumbers:
    """Where a page stands among its pages, for any page that has a ``number`` (from 1) and a
    ``count``: the axis tables here, the ranking and the scoring grid (prioritisation)."""

    number: int
    count: int

    @property
    def paged(self) -> bool:
        return self.count > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass(frozen=True)
class TablePage(PageNumbers):
    """One page of an axis's table; the URLs carry the cockpit's filters."""

    number: int
    count: int
    next_url: str = ""
    previous_url: str = ""
    #: Rows on the following pages.
    rows_after: int = 0


@dataclass
class AxisBlock:
    axis: Axis
    #: The axis's rollups (none on a page of its table loaded on demand).
    rollup: Rollup | None = None
    indicators: list[tuple[Indicator, Evaluation]] = field(default_factory=list)
    measures: list[MeasureBlock] = field(default_factory=list)
    #: Set when the table is loaded on demand: its size (``measures`` and ``indicators`` empty).
    deferred: TableSize | None = None
    #: Set when ``measures`` are one page of the axis's table.
    page: TablePage | None = None

    @property
    def projects(self) -> list[Project]:
        return [project for block in self.measures for project in block.projects]

    @property
    def shown_projects(self) -> int:
        return self.deferred.projects if self.deferred else len(self.projects)

    @property
    def rows(self) -> list[SteeringRow]:
        strategy_id = self.axis.strategy_id
        measure_url = link_maker("cockpit:measure", strategy_id)
        project_url = link_maker("cockpit:project", strategy_id)
        rows: list[SteeringRow] = []
        for block in self.measures:
            span = max(1, len(block.projects))
            for index in range(span):
                project = block.projects[index] if index < len(block.projects) else None
                row = SteeringRow(project=project)
                if index == 0 and block.measure is not None:
                    row.measure, row.measure_rowspan = block.measure, span
                    row.measure_url = measure_url(block.measure.pk)
                if project is not None:
                    row.project_url = project_url(project.pk)
                    row.late_class = " is-late" if getattr(project, "currently_late", False) else ""
                rows.append(row)
        for index, (indicator, evaluation) in enumerate(self.indicators):
            if index == len(rows):
                rows.append(SteeringRow(filler=True))
            rows[index].indicator, rows[index].evaluation = indicator, evaluation
        return rows

    @property
    def sections(self) -> list[Section]:
        """The same measures and projects grouped for the narrow layout: one section per measure
        (per axis without measures), its projects as rows linked like the table's."""
        strategy_id = self.axis.strategy_id
        measure_url = link_maker("cockpit:measure", strategy_id)
        project_url = link_maker("cockpit:project", strategy_id)
        return [
            Section(
                measure=block.measure,
                measure_url=measure_url(block.measure.pk) if block.measure is not None else "",
                rows=[
                    SteeringRow(
                        project=project,
                        project_url=project_url(project.pk),
                        late_class=" is-late" if getattr(project, "currently_late", False) else "",
                    )
                    for project in block.projects
                ],
            )
            for block in self.measures
        ]


@dataclass
class Section:
    """A measure (None: the axis's projects in a strategy without measures) and its project rows,
    for the steering table's narrow layout (templates/cockpit/includes/steering_blocks.html)."""

    measure: Measure | None
    measure_url: str
    rows: list[SteeringRow]


def link_maker(viewname: str, strategy_id: int) -> Callable[[int], str]:
    """The URL of an object of the strategy from its id, with one ``reverse()`` for all of them
    (a ``reverse()`` costs some 30 µs, and the table links each of its rows twice)."""
    marker = "4294967295"
    head, tail = reverse(viewname, args=[strategy_id, int(marker)]).rsplit(marker, 1)
    return lambda pk: f"{head}{pk}{tail}"


def steering_projects(strategy: Strategy, on: datetime.date) -> QuerySet[Project]:
    return (
        Project.objects.for_strategy(strategy)
        .with_mark(on)
        .select_related("measure")
        .order_by("measure_id", *Project._meta.ordering[1:])
    )


def build_axes(
    strategy: Strategy,
    *,
    measures: QuerySet[Measure],
    projects: QuerySet[Project],
    indicators: QuerySet[Indicator],
    show_empty_measures: bool = True,
    axes: QuerySet[Axis] | None = None,
    on: datetime.date,
) -> list[AxisBlock]:
    """One block per axis: its rollups (whole axis), its strategic indicators evaluated at ``on``,
    its measures with their projects, each list already filtered by the caller. (The measures'
    own rollups are on the measure pages: ``MeasureBlock.rollup`` stays empty here.)"""
    rollups = axis_rollups(strategy, on)
    projects_by_measure: dict[int, list[Project]] = defaultdict(list)
    for project in projects:
        projects_by_measure[project.measure_id].append(project)
    indicators_by_axis: dict[int, list[tuple[Indicator, Evaluation]]] = defaultdict(list)
    for indicator, evaluation in indicators.filter(level=Indicator.Level.STRATEGIC).evaluated(on):
        indicators_by_axis[indicator.axis_id].append((indicator, evaluation))
    blocks = {
        axis.pk: AxisBlock(
            axis=axis, rollup=rollups[axis.pk], indicators=indicators_by_axis[axis.pk]
        )
        for axis in (axes if axes is not None else strategy.axes.all())
    }
    for measure in measures.select_related("domain"):
        block = blocks.get(measure.axis_id)
        measure_projects = projects_by_measure.get(measure.pk, [])
        if block is None or (not measure_projects and not show_empty_measures):
            continue
        block.measures.append(MeasureBlock(measure, measure_projects))
    if not strategy.uses_measures:
        by_axis: dict[int, list[Project]] = defaultdict(list)
        for project in projects_by_measure.get(None, []):
            by_axis[project.axis_id].append(project)
        for axis_id, axis_projects in by_axis.items():
            if axis_id in blocks:
                blocks[axis_id].measures.append(MeasureBlock(None, axis_projects))
    return list(blocks.values())


def projects_per_axis(projects: QuerySet[Project]) -> dict[int, tuple[int, int]]:
    """Per axis id: the number of ``projects`` and of their measures (one grouped query)."""
    rows = (
        projects.order_by()
        .values("axis")
        .annotate(n_projects=Count("pk", distinct=True), n_measures=Count("measure", distinct=True))
    )
    return {row["axis"]: (row["n_projects"], row["n_measures"]) for row in rows}


def deferred_axes(
    strategy: Strategy,
    per_axis: dict[int, tuple[int, int]],
    *,
    measures: QuerySet[Measure],
    indicators: QuerySet[Indicator],
    show_empty_measures: bool = True,
    axes: QuerySet[Axis] | None = None,
    on: datetime.date,
) -> list[AxisBlock]:
    """One block per axis with its rollups and the size of its table (``per_axis`` from
    ``projects_per_axis``), the table itself left to ``axis_page``: three queries more, whatever
    the number of rows."""
    rollups = axis_rollups(strategy, on)
    n_indicators = dict(
        indicators.filter(level=Indicator.Level.STRATEGIC)
        .order_by()
        .values_list("axis")
        .annotate(n=Count("pk"))
    )
    n_measures = (
        dict(measures.order_by().values_list("axis").annotate(n=Count("pk", distinct=True)))
        if show_empty_measures
        else {axis_id: counts[1] for axis_id, counts in per_axis.items()}
    )
    return [
        AxisBlock(
            axis=axis,
            rollup=rollups[axis.pk],
            deferred=TableSize(
                projects=per_axis.get(axis.pk, (0, 0))[0],
                measures=n_measures.get(axis.pk, 0),
                indicators=n_indicators.get(axis.pk, 0),
            ),
        )
        for axis in (axes if axes is not None else strategy.axes.all())
    ]


def axis_page(
    strategy: Strategy,
    axis: Axis,
    *,
    measures: QuerySet[Measure],
    projects: QuerySet[Project],
    indicators: QuerySet[Indicator],
    show_empty_measures: bool = True,
    on: datetime.date,
    page: int = 1,
    url: Callable[[int], str] = lambda number: "",
) -> AxisBlock:
    """Page ``page`` (from 1; out of range: the nearest) of ``axis``'s table: whole measures
    with their projects, ``PAGE_ROWS`` rows or a little more, the strategic indicators on the
    first page. The rows are those ``build_axes`` gives for the axis, in the same order. ``url``
    makes the URL of another page. Five queries, whatever the number of rows."""
    measures = measures.filter(axis=axis)
    projects = projects.filter(axis=axis)
    if not strategy.uses_measures:
        return _projects_page(strategy, axis, projects, indicators, on=on, page=page, url=url)
    counts = dict(projects.order_by().values_list("measure").annotate(n=Count("pk", distinct=True)))
    pages: list[list[Measure]] = [[]]
    rows_per_page = [0]
    for measure in measures.select_related("domain"):
        size = counts.get(measure.pk, 0)
        if not size and not show_empty_measures:
            continue
        if rows_per_page[-1] >= PAGE_ROWS:
            pages.append([])
            rows_per_page.append(0)
        pages[-1].append(measure)
        rows_per_page[-1] += max(1, size)
    number = min(max(1, page), len(pages))
    shown = pages[number - 1]
    by_measure: dict[int, list[Project]] = defaultdict(list)
    if shown:
        for project in projects.filter(measure__in=[measure.pk for measure in shown]):
            by_measure[project.measure_id].append(project)
    block = AxisBlock(
        axis=axis,
        measures=[MeasureBlock(measure, by_measure.get(measure.pk, [])) for measure in shown],
        page=TablePage(
            number=number,
            count=len(pages),
            next_url=url(number + 1) if number < len(pages) else "",
            previous_url=url(number - 1) if number > 1 else "",
            rows_after=sum(rows_per_page[number:]),
        ),
    )
    if number == 1:
        block.indicators = indicators.filter(level=Indicator.Level.STRATEGIC, axis=axis).evaluated(
            on
        )
    return block


def _projects_page(strategy, axis, projects, indicators, *, on, page, url) -> AxisBlock:
    """``axis_page`` for a strategy without measures: its projects, ``PAGE_ROWS`` a page."""
    total = projects.count()
    count = max(1, -(-total // PAGE_ROWS))
    number = min(max(1, page), count)
    start = (number - 1) * PAGE_ROWS
    shown = list(projects[start : start + PAGE_ROWS])
    block = AxisBlock(
        axis=axis,
        measures=[MeasureBlock(None, shown)] if shown else [],
        page=TablePage(
            number=number,
            count=count,
            next_url=url(number + 1) if number < count else "",
            previous_url=url(number - 1) if number > 1 else "",
            rows_after=max(0, total - start - len(shown)),
        ),
    )
    if number == 1:
        block.indicators = indicators.filter(level=Indicator.Level.STRATEGIC, axis=axis).evaluated(
            on
        )
    return block
