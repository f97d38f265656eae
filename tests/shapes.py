"""Strategies of the three shapes our territories use, built as their secretariats would enter
them (no invented row):

- the SDI of Crans-Montana: axes → domains → measures → projects (the demo, four levels);
- CCVH « Smart Vallée »: six orientations → ten pilot actions (two levels: no domains, no
  measures), seed 001, from ``tests/workbooks/plans.py`` (the same plan its workbook enters);
- a Nord-like contract: enjeux → orientations → projects (three levels: no domains), seed 002,
  280 projects of which 91 are engaged (``tests/portfolios.py``).
"""

from __future__ import annotations

from projects.models import Project
from strategies.models import Axis, Strategy, Territory
from tests.portfolios import nord_contract as nord_strategy
from tests.workbooks.plans import SMART_VALLEE

__all__ = ["ccvh_strategy", "nord_strategy"]


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
