"""The steering table (STRATÉGIES – MESURES – PROJETS), assembled per axis in a fixed number of
queries whatever the number of rows.

As in the seed, the strategic indicators of an axis run down the left columns while its measures
and their projects run down the right ones; a measure's cells span the rows of its projects.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cockpit.rollups import Rollup, axis_rollups, measure_rollups
from indicators.models import Evaluation, Indicator
from projects.models import Project
from strategies.models import Axis, Measure, Strategy


@dataclass
class MeasureBlock:
    measure: Measure
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


@dataclass
class AxisBlock:
    axis: Axis
    rollup: Rollup
    indicators: list[tuple[Indicator, Evaluation]] = field(default_factory=list)
    measures: list[MeasureBlock] = field(default_factory=list)

    @property
    def projects(self) -> list[Project]:
        return [project for block in self.measures for project in block.projects]

    @property
    def rows(self) -> list[SteeringRow]:
        rows: list[SteeringRow] = []
        for block in self.measures:
            span = max(1, len(block.projects))
            for index in range(span):
                rows.append(
                    SteeringRow(
                        measure=block.measure if index == 0 else None,
                        measure_rowspan=span if index == 0 else 0,
                        project=block.projects[index] if index < len(block.projects) else None,
                    )
                )
        for index, (indicator, evaluation) in enumerate(self.indicators):
            if index == len(rows):
                rows.append(SteeringRow(filler=True))
            rows[index].indicator, rows[index].evaluation = indicator, evaluation
        return rows


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
    its measures with their projects, each list already filtered by the caller."""
    rollups = axis_rollups(strategy, on)
    per_measure = measure_rollups(strategy, on)
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
        block = blocks.get(measure.domain.axis_id)
        measure_projects = projects_by_measure.get(measure.pk, [])
        if block is None or (not measure_projects and not show_empty_measures):
            continue
        block.measures.append(MeasureBlock(measure, measure_projects, per_measure.get(measure.pk)))
    return list(blocks.values())
