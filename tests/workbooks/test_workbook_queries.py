"""The strategy workbook is written in the same number of queries whatever its number of rows:
a project's owner, measure, axis, communes and themes come with their project."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from strategies.models import Strategy
from tests.factories import (
    ContactFactory,
    IndicatorFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
)
from workbooks.export import export_workbook


def strategy_of(projects: int) -> Strategy:
    strategy = StrategyFactory()
    measure = MeasureFactory(domain__axis__strategy=strategy)
    owners = ContactFactory.create_batch(3, territory=strategy.territory)
    for number in range(projects):
        ProjectFactory(measure=measure, owner=owners[number % 3])
    IndicatorFactory(strategy=strategy, axis=measure.axis, owner=owners[0])
    return strategy


def export_queries(strategy: Strategy) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_workbook(strategy)
    return len(queries)


def test_the_workbook_takes_as_many_queries_for_30_projects_with_owners_as_for_3(db):
    few, many = strategy_of(3), strategy_of(30)
    assert many.projects.exclude(owner=None).count() == 30

    assert export_queries(many) == export_queries(few)
