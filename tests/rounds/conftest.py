"""A small strategy with two owners (contacts) and the items they own, for the update rounds."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest

from projects.models import Project
from strategies.models import Contact, Strategy
from tests.factories import (
    AxisFactory,
    ContactFactory,
    DomainFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
)

LINK = re.compile(r"https?://[^\s]+/mise-a-jour/([A-Za-z0-9_-]+)/")


def link_path(body: str) -> str:
    """The path of the personal link in a mail's body."""
    return f"/mise-a-jour/{LINK.search(body)[1]}/"


@dataclass
class Portfolio:
    strategy: Strategy
    anne: Contact
    bruno: Contact
    projects: list[Project]
    other_project: Project


def build(projects_per_owner: int = 2) -> Portfolio:
    strategy = StrategyFactory()
    measure = MeasureFactory(domain=DomainFactory(axis=AxisFactory(strategy=strategy)))
    anne = ContactFactory(territory=strategy.territory, name="Anne Favre", email="anne@lens.ch")
    bruno = ContactFactory(territory=strategy.territory, name="Bruno Rey", email="bruno@icogne.ch")
    ContactFactory(territory=strategy.territory, name="Sans projet")  # owns nothing: not asked
    projects = [
        ProjectFactory(measure=measure, owner=anne, progress=10, code=f"p{n + 1}")
        for n in range(projects_per_owner)
    ]
    # Done: not asked about.
    ProjectFactory(measure=measure, owner=anne, status=Project.Status.DONE, code="p90")
    other = ProjectFactory(measure=measure, owner=bruno, code="p50")
    indicator = IndicatorFactory(axis=measure.axis, owner=anne, code="i1", name="Nuitées")
    IndicatorValueFactory(indicator=indicator, date=datetime.date(2024, 1, 1), value=Decimal(40))
    return Portfolio(strategy, anne, bruno, projects, other)


@pytest.fixture
def portfolio(db) -> Portfolio:
    return build()
