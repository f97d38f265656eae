"""The strategy as it stood at the end of a past day, read back from the history.

The pack of a past workshop must show what the commission saw that day, not today's state: the
axes, measures, projects and indicators as django-simple-history recorded them at the end of the
workshop's day (``history.as_of``), the indicator values dated on or before that day as they were
recorded then, and the marks, lateness, statuses and rollups computed at that date.

What the history does not keep comes from today's rows: the domains (structure), and the
fundings, communes and themes of a project (many-to-many and child rows are not historised).

A snapshot answers in a fixed number of queries (one per model read), whatever the number of rows;
rows the history does not know (created before history was kept) are absent, as they would be in
the admin's "history" view.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from indicators.models import EffectRollup, Evaluation, Indicator, IndicatorValue
from projects.models import Project
from projects.rollups import ImplementationRollup
from steering.rollups import Rollup
from steering.table import AxisBlock, MeasureBlock
from strategies.models import Axis, Domain, Measure, Strategy


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _natural(code: str) -> tuple[int, str]:
    """The order of the tables (``Length("code"), "code"``): p2 before p10."""
    return len(code), code


@dataclass
class Snapshot:
    strategy: Strategy
    on: datetime.date

    @property
    def moment(self) -> datetime.datetime:
        return end_of_day(self.on)

    # --- Rows as they were ------------------------------------------------------------------

    def _as_of(self, model, **filters) -> list:
        return list(model.history.as_of(self.moment).filter(**filters))

    def axes(self) -> list[Axis]:
        axes = self._as_of(Axis, strategy_id=self.strategy.pk)
        return sorted(axes, key=lambda axis: axis.number)

    def measures(self) -> list[Measure]:
        domains = {
            domain.pk: domain for domain in Domain.objects.filter(axis__strategy=self.strategy)
        }
        measures = []
        for measure in self._as_of(Measure, strategy_id=self.strategy.pk):
            if measure.domain_id is None:  # a strategy without domains
                measures.append(measure)
            elif measure.domain_id in domains:  # a domain deleted since: nowhere to show it
                measure.domain = domains[measure.domain_id]
                measures.append(measure)
        return sorted(
            measures,
            key=lambda m: (
                m.axis_id,
                m.domain.order if m.domain_id else 0,
                m.order,
                *_natural(m.code),
            ),
        )

    def projects(self, measures: dict[int, Measure]) -> list[Project]:
        """The projects of the snapshot's measures, with ``current_mark``, ``currently_late`` and
        ``after_horizon`` computed at the snapshot's date (as ``ProjectQuerySet.with_mark`` does
        for today)."""
        horizon = self.strategy.horizon_date
        projects = []
        for project in self._as_of(Project, strategy_id=self.strategy.pk):
            if project.measure_id is not None:
                if project.measure_id not in measures:
                    continue
                project.measure = measures[project.measure_id]
            project.current_mark = project.mark(self.on).value
            project.currently_late = project.is_late(self.on)
            project.after_horizon = project.ends_after_horizon(horizon)
            projects.append(project)
        return sorted(projects, key=lambda p: _natural(p.code))

    def values(self, indicator_ids) -> list[IndicatorValue]:
        """The values known at the end of the day, dated on or before it, oldest first."""
        values = self._as_of(IndicatorValue, indicator_id__in=list(indicator_ids))
        return sorted(
            (value for value in values if value.date <= self.on),
            key=lambda value: (value.date, value.pk),
        )

    def indicators(self) -> list[tuple[Indicator, Evaluation]]:
        """Every indicator of the strategy, evaluated at the snapshot's date with the values
        known then."""
        indicators = sorted(
            self._as_of(Indicator, strategy_id=self.strategy.pk),
            key=lambda indicator: _natural(indicator.code),
        )
        latest: dict[int, IndicatorValue] = {}
        for value in self.values(indicator.pk for indicator in indicators):
            latest[value.indicator_id] = value
        evaluated = []
        for indicator in indicators:
            indicator.strategy = self.strategy
            value = latest.get(indicator.pk)
            indicator.latest_value = value.value if value else None
            indicator.latest_value_date = value.date if value else None
            evaluated.append((indicator, indicator.evaluate(self.on)))
        return evaluated

    # --- The cockpit's blocks ----------------------------------------------------------------

    def blocks(self) -> tuple[list[AxisBlock], list[tuple[Indicator, Evaluation]]]:
        """The axis blocks of the steering table, as ``build_axes`` makes them for today, and the
        operational indicators (for the pack's indicator sheet)."""
        axes = self.axes()
        measures = self.measures()
        by_id = {measure.pk: measure for measure in measures}
        projects = self.projects(by_id)
        evaluated = self.indicators()

        projects_by_measure: dict[int, list[Project]] = defaultdict(list)
        for project in projects:
            projects_by_measure[project.measure_id].append(project)
        strategic: dict[int, list] = defaultdict(list)
        operational_by_measure: dict[int, list] = defaultdict(list)
        operational = []
        for indicator, evaluation in evaluated:
            if indicator.level == Indicator.Level.STRATEGIC:
                strategic[indicator.axis_id].append((indicator, evaluation))
            elif indicator.measure_id in by_id:
                operational_by_measure[indicator.measure_id].append((indicator, evaluation))
                operational.append((indicator, evaluation))

        blocks = {}
        for axis in axes:
            axis_projects = [p for p in projects if p.axis_id == axis.pk]
            blocks[axis.pk] = AxisBlock(
                axis=axis,
                rollup=Rollup(
                    ImplementationRollup.of(axis_projects, self.on, self.strategy.horizon_date),
                    EffectRollup.of(e for _i, e in strategic[axis.pk]),
                ),
                indicators=strategic[axis.pk],
            )
        for measure in measures:
            block = blocks.get(measure.axis_id)
            if block is None:
                continue
            measure_projects = projects_by_measure[measure.pk]
            rollup = Rollup(
                ImplementationRollup.of(measure_projects, self.on, self.strategy.horizon_date),
                EffectRollup.of(e for _i, e in operational_by_measure[measure.pk]),
            )
            block.measures.append(MeasureBlock(measure, measure_projects, rollup))
        for axis_id, block in blocks.items():  # a strategy without measures
            direct = [p for p in projects_by_measure.get(None, []) if p.axis_id == axis_id]
            if direct:
                block.measures.append(MeasureBlock(None, direct))
        return list(blocks.values()), operational
