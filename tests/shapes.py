"""Strategies of the three shapes our territories use, built as their secretariats would enter
them (no invented row):

- the SDI of Crans-Montana: axes → domains → measures → projects (the demo, four levels);
- CCVH « Smart Vallée »: six orientations → ten pilot actions (two levels: no domains, no
  measures), seed 001, from ``tests/workbooks/plans.py`` (the same plan its workbook enters);
- a Nord-like contract: enjeux → orientations → projects (three levels: no domains), seed 002,
  280 projects of which 91 are engaged.
"""

from __future__ import annotations

import datetime

from projects.models import Project
from strategies.models import Axis, Measure, Strategy, Territory
from tests.workbooks.plans import SMART_VALLEE

NORD_NAMES = {
    "axis": {"singular": "enjeu", "plural": "enjeux", "gender": "m"},
    "measure": {"singular": "orientation", "plural": "orientations", "gender": "f", "prefix": "o"},
}

NORD_ENJEUX = ("Attractivité du territoire", "Transitions", "Solidarités")

#: The Nord's portfolio: 280 projects, 91 of them engaged (en cours, en pause, bloqué, réalisé).
NORD_ENGAGED = {"in_progress": 60, "paused": 8, "blocked": 5, "done": 18}
NORD_PROJECTS = 280


def ccvh_strategy(plan: dict = SMART_VALLEE) -> Strategy:
    """CCVH's plan, typed as its secretariat would: 6 orientations, 10 actions, nothing more."""
    territory = Territory.objects.create(name="Communauté de communes (CCVH)", slug="ccvh")
    strategy = Strategy.objects.create(
        territory=territory,
        **plan["strategy"],
        uses_domains=plan["uses_domains"],
        uses_measures=plan["uses_measures"],
        level_names=plan["level_names"],
    )
    axes = {
        number: Axis.objects.create(
            strategy=strategy, number=number, title=title, strategic_objective=objective
        )
        for number, title, objective in plan["orientations"]
    }
    statuses = {str(label): value for value, label in Project.Status.choices}
    for code, title, number, status, priority, start, end in plan["actions"]:
        project = Project(
            axis=axes[number],
            code=code,
            title=title,
            status=statuses[status],
            priority=priority,
            start_date=start,
            end_date=end,
        )
        project.full_clean()
        project.save()
    return strategy


def nord_strategy() -> Strategy:
    """A Nord-like contract: 3 enjeux, 9 orientations, 280 projects of which 91 engaged."""
    territory = Territory.objects.create(name="Département du Nord", slug="nord")
    strategy = Strategy.objects.create(
        territory=territory,
        title="Contrat de territoire",
        short_name="CT",
        start_year=2023,
        horizon_year=2028,
        uses_domains=False,
        level_names=NORD_NAMES,
    )
    measures = []
    for number, title in enumerate(NORD_ENJEUX, start=1):
        axis = Axis.objects.create(strategy=strategy, number=number, title=title)
        for index in range(1, 4):
            measures.append(
                Measure.objects.create(
                    axis=axis,
                    code=f"o{(number - 1) * 3 + index}",
                    title=f"Orientation {number}.{index}",
                )
            )
    statuses = [status for status, count in NORD_ENGAGED.items() for _ in range(count)]
    statuses += ["planned"] * (NORD_PROJECTS - len(statuses))
    start = datetime.date(2024, 1, 1)
    Project.objects.bulk_create(
        Project(
            strategy=strategy,
            axis_id=measures[index % len(measures)].axis_id,
            measure=measures[index % len(measures)],
            code=f"p{index + 1}",
            title=f"Projet {index + 1}",
            status=status,
            start_date=start,
            end_date=datetime.date(2030, 12, 31),
        )
        for index, status in enumerate(statuses)
    )
    return strategy
