"""Two territories, A and B, each with one object of every kind, and the six roles of the access
tests: anonymous, viewer of A, editor of A, viewer of B, editor of B, superuser.

``world_fixture()`` makes a module-scoped fixture that builds them once per test module, inside a
transaction rolled back at the end of the module (each test still runs in its own savepoint).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from demo.management.commands.load_demo import DemoLoader
from rounds.models import Round
from strategies.models import Membership, Strategy
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    ContactFactory,
    CriterionFactory,
    DecisionFactory,
    DomainFactory,
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
    WorkshopFactory,
)

ROLES = ("anonymous", "viewer_a", "editor_a", "viewer_b", "editor_b", "superuser")


@dataclass
class Side:
    """One territory's objects, by kind (model name in lower case)."""

    label: str
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as missing:
            raise AttributeError(name) from missing


@dataclass
class World:
    a: Side
    b: Side
    users: dict


def build_side(label: str) -> Side:
    today = timezone.localdate()
    territory = TerritoryFactory(name=f"Territoire {label}", slug=f"territoire-{label.lower()}")
    strategy = StrategyFactory(
        territory=territory, title=f"Stratégie {label}", short_name=f"STR{label}"
    )
    commune = CommuneFactory(territory=territory, name=f"Commune {label}")
    axis = AxisFactory(strategy=strategy, number=1, title=f"Axe du territoire {label}")
    domain = DomainFactory(axis=axis, title=f"Domaine {label}")
    theme = ThemeFactory(strategy=strategy, name=f"Thème {label}")
    measure = MeasureFactory(
        domain=domain, code="m1", title=f"Mesure {label}", lead=f"Lead {label}"
    )
    project = ProjectFactory(
        measure=measure,
        code="p1",
        title=f"Projet {label}",
        lead=f"Porteur {label}",
        start_date=today - datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=200),
        budget_planned=Decimal("123456"),
        status_comment=f"Commentaire de statut {label}",
    )
    project.communes.add(commune)
    funding = FundingFactory(project=project, funder=f"Financeur {label}", amount=Decimal("4321"))
    indicator = IndicatorFactory(
        axis=axis, strategy=strategy, code="s1", name=f"Indicateur {label}"
    )
    value = IndicatorValueFactory(
        indicator=indicator,
        date=today - datetime.timedelta(days=30),
        value=Decimal("40"),
        comment=f"Commentaire de valeur {label}",
    )
    workshop = WorkshopFactory(
        strategy=strategy, number=1, title=f"Atelier {label}", participants=f"Participant {label}"
    )
    contact = ContactFactory(territory=territory, name=f"Contact {label}")
    decision = DecisionFactory(workshop=workshop, text=f"Décision {label}", owner=f"Resp {label}")
    criterion = CriterionFactory(strategy=strategy, name=f"Critère {label}")
    proposal = ProposalFactory(strategy=strategy, axis=axis, title=f"Proposition {label}")
    score = ScoreFactory(criterion=criterion, project=project, value=2)
    round_ = Round.objects.create(strategy=strategy, deadline=today + datetime.timedelta(days=14))
    return Side(
        label,
        {
            "territory": territory,
            "commune": commune,
            "contact": contact,
            "strategy": strategy,
            "axis": axis,
            "domain": domain,
            "theme": theme,
            "measure": measure,
            "project": project,
            "funding": funding,
            "indicator": indicator,
            "indicatorvalue": value,
            "workshop": workshop,
            "decision": decision,
            "criterion": criterion,
            "proposal": proposal,
            "score": score,
            "round": round_,
        },
    )


def build_world() -> World:
    secretariat = DemoLoader(timezone.localdate()).secretariat_group()
    a, b = build_side("A"), build_side("B")
    users = {"anonymous": None}
    for side in (a, b):
        key = side.label.lower()
        viewer = UserFactory(username=f"viewer_{key}")
        editor = UserFactory(username=f"editor_{key}", is_staff=True)
        editor.groups.add(secretariat)
        side.objects["membership"] = MembershipFactory(
            user=viewer, territory=side.territory, role=Membership.Role.VIEWER
        )
        MembershipFactory(user=editor, territory=side.territory, role=Membership.Role.EDITOR)
        users[f"viewer_{key}"] = viewer
        users[f"editor_{key}"] = editor
    users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    return World(a, b, users)


def world_fixture():
    """A module-scoped fixture: ``world = world_fixture()`` in a test module."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build_world()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return world


def make_public(strategy: Strategy) -> None:
    Strategy.objects.filter(pk=strategy.pk).update(is_public=True)


def admin_form_data(response, **changes) -> dict:
    """What a browser would post back from an admin change form, with ``changes``."""
    data = {}

    def add(form, name):
        value = form[name].value()
        if value is False or value is None:
            value = "" if value is None else None
        if value is True:
            value = "on"
        if isinstance(value, datetime.date):
            value = value.strftime("%d.%m.%Y")
        if isinstance(value, Decimal):
            value = str(value)
        if value is not None:
            data[form.add_prefix(name)] = value

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            add(formset.management_form, name)
        for inline_form in formset.forms:
            for name in inline_form.fields:
                add(inline_form, name)
    data.update(changes)
    data["_save"] = "Enregistrer"
    return data
