"""Both rollups of the cockpit, side by side, per measure, per axis and for the strategy.

Each function runs a fixed number of queries whatever the number of rows: the projects are
aggregated by the database (``ProjectQuerySet.rollup_by``), the indicators are read once with their
latest value (``IndicatorQuerySet.rollup_by``). Nothing is stored, so nothing goes stale.

Effect side: an axis is measured by its strategic indicators, a measure by its operational ones,
the strategy by all its strategic indicators.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from indicators.models import EffectRollup, Evaluation, Indicator
from projects.models import CLOSED_STATUSES, Project
from projects.rollups import ImplementationRollup
from strategies.data_age import DataShare
from strategies.models import Strategy


@dataclass(frozen=True)
class Rollup:
    implementation: ImplementationRollup
    effect: EffectRollup


@dataclass(frozen=True)
class StrategyRollups:
    """The strategy's rollup and each axis's, from one aggregation of the projects by axis and
    one reading of the strategic indicators: the strategy's figures are the sum of its groups."""

    total: Rollup
    axes: dict[int, Rollup]


def strategy_rollups(strategy: Strategy, on: datetime.date | None = None) -> StrategyRollups:
    """Both rollups of the strategy and of each of its axes (every axis, empty ones included),
    in two queries. Kept on the strategy instance for the date: the cockpit's header, its axes
    and the pack's synthesis read them once per request."""
    on = on or timezone.localdate()
    kept = strategy.__dict__.setdefault("_rollups_by_date", {})
    if on not in kept:
        kept[on] = _strategy_rollups(strategy, on)
    return kept[on]


def _strategy_rollups(strategy: Strategy, on: datetime.date) -> StrategyRollups:
    projects = Project.objects.for_strategy(strategy).rollup_by("axis", on)
    evaluated = (
        Indicator.objects.for_strategy(strategy)
        .filter(level=Indicator.Level.STRATEGIC)
        .evaluated(on)
    )
    by_axis: dict[int | None, list[Evaluation]] = defaultdict(list)
    for indicator, evaluation in evaluated:
        by_axis[indicator.axis_id].append(evaluation)
    total = Rollup(
        implementation=ImplementationRollup.combined(projects.values()),
        effect=EffectRollup.of(evaluation for _indicator, evaluation in evaluated),
    )
    axes = {
        axis_id: Rollup(
            projects.get(axis_id, ImplementationRollup()),
            EffectRollup.of(by_axis.get(axis_id, [])),
        )
        for axis_id in strategy.axes.values_list("pk", flat=True)
    }
    return StrategyRollups(total=total, axes=axes)


def strategy_rollup(strategy: Strategy, on: datetime.date | None = None) -> Rollup:
    return strategy_rollups(strategy, on).total


def strategy_effect(strategy: Strategy, on: datetime.date | None = None) -> EffectRollup:
    """The strategy's strategic indicators by status."""
    return strategy_rollups(strategy, on).total.effect


def axis_rollups(strategy: Strategy, on: datetime.date | None = None) -> dict[int, Rollup]:
    """Rollup per axis id (every axis of the strategy, empty ones included)."""
    return strategy_rollups(strategy, on).axes


def measure_rollups(
    strategy: Strategy, on: datetime.date | None = None, measures: list[int] | None = None
) -> dict[int, Rollup]:
    """Rollup per measure id (every measure of the strategy, or of ``measures``, empty ones
    included)."""
    projects = Project.objects.for_strategy(strategy)
    indicators = Indicator.objects.for_strategy(strategy).filter(level=Indicator.Level.OPERATIONAL)
    measure_ids = strategy.measures.values_list("pk", flat=True)
    if measures is not None:
        projects = projects.filter(measure__in=measures)
        indicators = indicators.filter(measure__in=measures)
        measure_ids = measure_ids.filter(pk__in=measures)
    projects = projects.rollup_by("measure", on)
    indicators = indicators.rollup_by("measure_id", on)
    return {
        measure_id: Rollup(
            projects.get(measure_id, ImplementationRollup()),
            indicators.get(measure_id, EffectRollup.of([])),
        )
        for measure_id in measure_ids
    }


def data_share(strategy: Strategy, on: datetime.date) -> DataShare:
    """How many of the strategy's figures are up to date at ``on``, in two queries: every
    indicator (one whose latest value is « à actualiser » or that has none is not) and every open
    project (neither réalisé nor abandonné; one « sans nouvelles » is not)."""
    indicators = (
        Indicator.objects.for_strategy(strategy).with_latest_value(on).only("pk", "frequency")
    )
    fresh = total = 0
    for indicator in indicators:
        indicator.strategy = strategy
        total += 1
        value_date = indicator.latest_value_date
        fresh += value_date is not None and not indicator.is_stale(value_date, on)
    projects = (
        Project.objects.for_strategy(strategy)
        .exclude(status__in=CLOSED_STATUSES)
        .with_news(on, strategy.no_news_days)
        .aggregate(total=Count("pk"), fresh=Count("pk", filter=Q(no_news=False)))
    )
    return DataShare(
        on=on,
        indicators_fresh=fresh,
        indicators=total,
        projects_fresh=projects["fresh"],
        projects=projects["total"],
    )
