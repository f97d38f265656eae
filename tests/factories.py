"""factory_boy factories for the domain models.

Each factory builds the smallest valid row. ``Measure.strategy`` and ``Project.strategy`` are not
declared: ``save()`` derives them from the domain and the measure. Put a measure in a given strategy
with ``MeasureFactory(domain__axis__strategy=strategy)``.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from indicators.models import Indicator, IndicatorValue
from projects.models import Funding, Project
from strategies.models import (
    Axis,
    Commune,
    Contact,
    Domain,
    Measure,
    Membership,
    Strategy,
    Territory,
    Theme,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Commune {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Membership.Role.VIEWER


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Stratégie {n}")
    start_year = 2020
    horizon_year = 2030


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe {n}")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Domaine {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Thème {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    domain = factory.SubFactory(DomainFactory)
    code = factory.Sequence(lambda n: f"m{n}")
    title = factory.Sequence(lambda n: f"Mesure {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    measure = factory.SubFactory(MeasureFactory)
    code = factory.Sequence(lambda n: f"p{n}")
    title = factory.Sequence(lambda n: f"Projet {n}")
    status = Project.Status.PLANNED


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    project = factory.SubFactory(ProjectFactory)
    funder = factory.Sequence(lambda n: f"Financeur {n}")
    amount = Decimal("1000.00")


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A strategic indicator of an axis, to increase towards 100; ``operational=True`` hangs it on
    a measure instead."""

    class Meta:
        model = Indicator

    class Params:
        operational = factory.Trait(
            level=Indicator.Level.OPERATIONAL,
            axis=None,
            measure=factory.SubFactory(MeasureFactory),
        )

    level = Indicator.Level.STRATEGIC
    axis = factory.SubFactory(AxisFactory)
    measure = None
    strategy = factory.LazyAttribute(
        lambda indicator: (indicator.measure or indicator.axis).strategy
    )
    code = factory.Sequence(lambda n: f"i{n}")
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    direction = Indicator.Direction.INCREASE
    target_value = Decimal("100")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.Sequence(lambda n: datetime.date(2021, 1, 1) + datetime.timedelta(days=n))
    value = Decimal("50")


# --- Proposals, criteria and scores (issue 7) ---------------------------------------------------


class CriterionFactory(factory.django.DjangoModelFactory):
    """A criterion on the 0–3 scale, weight 1."""

    class Meta:
        model = "prioritisation.Criterion"

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Critère {n}")
    weight = Decimal(1)
    scale_min = 0
    scale_max = 3
    order = factory.Sequence(lambda n: n)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A new proposal of a strategy, for no axis ("Joker") unless ``axis`` is given."""

    class Meta:
        model = "prioritisation.Proposal"

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    proposed_by = "Groupe 1"


class ScoreFactory(factory.django.DjangoModelFactory):
    """A score of a project (pass ``proposal=`` and ``project=None`` for a proposal's)."""

    class Meta:
        model = "prioritisation.Score"

    criterion = factory.SubFactory(CriterionFactory)
    project = factory.SubFactory(
        ProjectFactory,
        measure__domain__axis__strategy=factory.SelfAttribute(".....criterion.strategy"),
    )
    proposal = None
    value = 2


# --- Workshops and decisions (cockpit app) ---------------------------------------------------


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Workshop"

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    date = datetime.date(2024, 6, 3)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Decision"

    workshop = factory.SubFactory(WorkshopFactory)
    text = factory.Sequence(lambda n: f"Décision {n}")
