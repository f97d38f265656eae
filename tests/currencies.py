"""A strategy of a territory counting in a given currency, with one amount of every kind: a
project of 1,250,000 (250,000 spent) funded by 875,000, in a commune, and a criterion to rank it
(the currency tests of the pages, the admin and the pack)."""

from decimal import Decimal

from strategies.models import Strategy
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    CriterionFactory,
    DomainFactory,
    FundingFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
    TerritoryFactory,
)


def strategy_in(currency: str, territory: str) -> Strategy:
    territory = TerritoryFactory(name=territory, currency=currency)
    strategy = StrategyFactory(territory=territory, title="Projet de territoire")
    axis = AxisFactory(strategy=strategy, number=1, title="Mobilités")
    measure = MeasureFactory(domain=DomainFactory(axis=axis), code="m1", title="Voies douces")
    project = ProjectFactory(
        measure=measure,
        code="p1",
        title="Voie verte de la vallée",
        budget_planned=Decimal("1250000.00"),
        budget_spent=Decimal("250000.00"),
    )
    project.communes.add(CommuneFactory(territory=territory, name="Morez"))
    FundingFactory(project=project, funder="Région", amount=Decimal("875000.00"), secured=True)
    CriterionFactory(strategy=strategy)
    return strategy
