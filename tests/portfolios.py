"""Portfolios whose counts are known by hand, for the tests of what the cockpit counts.

``every_kind(strategy)``: twelve projects in two axes, with every status, undated ones not yet
started, late, blocked (one of them past its end date), due soon, and ending after the strategy's
horizon; ``EVERY_KIND`` and ``EVERY_KIND_AXIS_1`` hold what the cockpit must count.

``nord_contract()``: a Nord-like territorial contract in three levels (no domains) named Enjeu /
Orientation / Projet: 3 enjeux, 9 orientations, 280 projects of which exactly 91 are engaged (en
cours, en pause, bloqué or réalisé) and none abandoned.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import Project
from strategies.models import Axis, Measure, Strategy
from tests.factories import (
    AxisFactory,
    DomainFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
    TerritoryFactory,
)

S = Project.Status


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


#: What the cockpit counts of ``every_kind``: the whole strategy and its first axis.
EVERY_KIND = {
    "total": 12,
    "statuses": {
        "planned": 4,
        "in_progress": 3,
        "paused": 1,
        "blocked": 2,
        "done": 1,
        "abandoned": 1,
    },
    "engaged": 7,
    "active": 11,
    "marks": {"ok": 4, "warning": 2, "ko": 1, "blocked": 2, "unscheduled": 2, "abandoned": 1},
    "after_horizon": 2,
    "budget_planned": Decimal("4500"),  # the abandoned project's 1000 left out
    "budget_committed": Decimal("2300"),
    "budget_spent": Decimal("900"),
}
EVERY_KIND_AXIS_1 = {
    "total": 7,
    "statuses": {
        "planned": 2,
        "in_progress": 2,
        "paused": 1,
        "blocked": 2,
        "done": 0,
        "abandoned": 0,
    },
    "engaged": 5,
    "active": 7,
    "marks": {"ok": 2, "warning": 1, "ko": 1, "blocked": 2, "unscheduled": 1, "abandoned": 0},
    "after_horizon": 1,
}


def every_kind(strategy: Strategy | None = None) -> Strategy:
    """Twelve projects of every kind in two axes of ``strategy`` (a new one by default), whose
    horizon is three years ahead."""
    strategy = strategy or StrategyFactory(
        title="Stratégie de chaque sorte", start_year=today().year - 2
    )
    strategy.horizon_year = today().year + 3
    strategy.save()
    after_horizon = datetime.date(strategy.horizon_year + 1, 6, 30)
    axis_1 = AxisFactory(strategy=strategy, number=1, title="Mobilité")
    axis_2 = AxisFactory(strategy=strategy, number=2, title="Services")
    m1, m2 = MeasureFactory.create_batch(2, domain=DomainFactory(axis=axis_1))
    m3 = MeasureFactory(domain=DomainFactory(axis=axis_2))

    def project(code, measure, status, start=None, end=None, progress=None, **budget):
        return ProjectFactory(
            measure=measure,
            code=code,
            title=f"Projet {code}",
            status=status,
            start_date=start,
            end_date=end,
            progress=progress,
            **{f"budget_{kind}": Decimal(amount) for kind, amount in budget.items()},
        )

    # Axis 1
    project("p1", m1, S.PLANNED)  # not yet scheduled
    project("p2", m1, S.PLANNED, days(30), days(200), planned="500")
    project("p3", m1, S.IN_PROGRESS, days(-300), days(-10), 40, planned="1000", spent="400")
    project("p4", m2, S.IN_PROGRESS, days(-100), after_horizon, 10, committed="800")
    project("p5", m2, S.BLOCKED, days(-50), days(100), planned="1000", committed="500")
    project("p6", m2, S.BLOCKED, days(-400), days(-5))  # blocked, not late
    project("p7", m2, S.PAUSED)
    # Axis 2
    project("p8", m3, S.DONE, days(-300), days(-30), 100, planned="2000", spent="500")
    project("p9", m3, S.ABANDONED, None, after_horizon, planned="1000", committed="1000")
    project("p10", m3, S.IN_PROGRESS, days(-200), days(10), 10)  # due soon
    project("p11", m3, S.PLANNED)  # not yet scheduled
    project("p12", m3, S.PLANNED, None, after_horizon)
    return strategy


#: The Nord contract's projects by status: 91 engaged of 280, none abandoned.
NORD_STATUSES = {
    S.IN_PROGRESS: 60,
    S.PAUSED: 8,
    S.BLOCKED: 5,
    S.DONE: 18,
    S.PLANNED: 189,
}
NORD_ENJEUX = ("Attractivité du territoire", "Transitions", "Solidarités")
NORD_LEVELS = {
    "axis": {"singular": "enjeu", "plural": "enjeux", "gender": "m", "prefix": ""},
    "measure": {"singular": "orientation", "plural": "orientations", "gender": "f"},
    "project": {"singular": "projet", "plural": "projets", "gender": "m", "prefix": "p"},
}


def nord_contract() -> Strategy:
    """A Nord-like contract: Enjeu → Orientation → Projet (no domains), 3 enjeux of 3
    orientations each, 280 projects (91 engaged, none abandoned), written in bulk."""
    strategy = StrategyFactory(
        territory=TerritoryFactory(name="Communauté de communes du Nord", slug="nord"),
        title="Contrat de territoire",
        short_name="CT Nord",
        start_year=today().year - 2,
        horizon_year=today().year + 4,
        uses_domains=False,
        level_names=NORD_LEVELS,
    )
    orientations = []
    for number, title in enumerate(NORD_ENJEUX, start=1):
        axis = Axis.objects.create(strategy=strategy, number=number, title=title)
        for index in range(1, 4):
            code = f"o{(number - 1) * 3 + index}"
            orientations.append(
                Measure.objects.create(axis=axis, code=code, title=f"Orientation {code}")
            )
    statuses = [status for status, count in NORD_STATUSES.items() for _ in range(count)]
    projects = []
    for index, status in enumerate(statuses):
        orientation = orientations[index % len(orientations)]
        dated = index % 3 != 0
        projects.append(
            Project(
                strategy=strategy,
                axis_id=orientation.axis_id,
                measure=orientation,
                code=f"p{index + 1}",
                title=f"Projet {index + 1}",
                status=status,
                start_date=days(index - 200) if dated else None,
                end_date=days(index * 3 - 100) if dated else None,
            )
        )
    Project.objects.bulk_create(projects)
    return strategy
