"""Integrity of projects and fundings: what the database refuses (IntegrityError), what
``full_clean()`` says of the same input (in French), the strategy a project derives from its
measure, and the history of projects."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import modelform_factory

from projects.models import Funding, Project
from tests.constraints import CODE_MESSAGE, assert_rejected_by_db, in_strategy, validation_messages
from tests.factories import (
    AxisFactory,
    FundingFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(strategy):
    return in_strategy(strategy)


@pytest.fixture
def axis(strategy):
    return AxisFactory(strategy=strategy)


# --- Projects ------------------------------------------------------------------------------


def test_project_codes_are_unique_within_a_strategy(strategy, measure):
    ProjectFactory(measure=measure, code="p1")
    duplicate = ProjectFactory.build(measure=in_strategy(strategy), code="p1")

    assert_rejected_by_db(duplicate, "project_unique_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code de projet est déjà utilisé dans la stratégie."
    ]
    assert validation_messages(duplicate, exclude={"strategy"}) == [
        "Ce code de projet est déjà utilisé dans la stratégie."
    ]


def test_project_codes_are_unique_within_a_strategy_ignoring_case(strategy, measure):
    ProjectFactory(measure=measure, code="k1")
    duplicate = ProjectFactory.build(measure=in_strategy(strategy), code="K1")

    assert_rejected_by_db(duplicate, "project_unique_code_per_strategy")
    assert validation_messages(duplicate, exclude={"strategy"}) == [
        "Ce code de projet est déjà utilisé dans la stratégie."
    ]


def test_project_model_form_refuses_a_code_that_differs_only_by_case(strategy, measure):
    ProjectFactory(measure=measure, code="k1")
    form_class = modelform_factory(Project, fields=("measure", "code", "title", "status"))
    form = form_class(
        data={"measure": measure.pk, "code": "K1", "title": "Doublon", "status": "planned"}
    )

    assert not form.is_valid()
    assert form.errors[NON_FIELD_ERRORS] == [
        "Ce code de projet est déjà utilisé dans la stratégie."
    ]


def test_a_project_may_change_the_case_of_its_own_code(measure):
    project = ProjectFactory(measure=measure, code="k1")
    project.code = "K1"

    project.full_clean()
    project.save()


def test_the_same_project_code_may_be_used_in_two_strategies(measure):
    ProjectFactory(measure=measure, code="p1")
    other = ProjectFactory.build(measure=MeasureFactory(), code="p1")

    other.full_clean()
    other.save()
    assert Project.objects.filter(code="p1").count() == 2


def test_project_model_form_refuses_a_duplicate_code(strategy, measure):
    ProjectFactory(measure=measure, code="p1")
    form_class = modelform_factory(Project, fields=("measure", "code", "title", "status"))
    form = form_class(
        data={
            "measure": in_strategy(strategy).pk,
            "code": "p1",
            "title": "Doublon",
            "status": "planned",
        }
    )

    assert not form.is_valid()
    assert form.errors[NON_FIELD_ERRORS] == [
        "Ce code de projet est déjà utilisé dans la stratégie."
    ]


def test_project_ending_before_it_starts_is_rejected(measure):
    project = ProjectFactory.build(
        measure=measure, start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 30)
    )

    assert_rejected_by_db(project, "project_end_after_start")
    assert validation_messages(project) == ["La fin ne peut pas précéder le début."]


def test_project_ending_the_day_it_starts_is_allowed(measure):
    day = datetime.date(2026, 5, 1)
    project = ProjectFactory.build(measure=measure, start_date=day, end_date=day)

    project.full_clean()
    project.save()


@pytest.mark.parametrize("priority", [0, 4])
def test_project_priority_outside_1_to_3_is_rejected(measure, priority):
    project = ProjectFactory.build(measure=measure, priority=priority)

    assert_rejected_by_db(project, "project_priority_1_to_3")
    assert any("n’est pas un choix valide" in m for m in validation_messages(project))


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        (101, "Assurez-vous que cette valeur est inférieure ou égale à 100."),
        (-1, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
    ],
)
def test_project_progress_outside_0_to_100_is_rejected(measure, progress, message):
    project = ProjectFactory.build(measure=measure, progress=progress)

    assert_rejected_by_db(project, "project_progress_percent", "progress")
    assert message in validation_messages(project)


@pytest.mark.parametrize("progress", [0, 100, None])
def test_project_progress_bounds_are_allowed(measure, progress):
    project = ProjectFactory.build(measure=measure, progress=progress)

    project.full_clean()
    project.save()


@pytest.mark.parametrize("budget", ["budget_planned", "budget_spent"])
def test_negative_project_budgets_are_rejected(measure, budget):
    project = ProjectFactory.build(measure=measure, **{budget: Decimal("-0.01")})

    assert_rejected_by_db(project, "project_budgets_not_negative")
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in validation_messages(
        project
    )


def test_zero_budgets_are_allowed(measure):
    ProjectFactory(measure=measure, budget_planned=Decimal(0), budget_spent=Decimal(0))


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "cancelled"), ("budget_kind", "loan")],
)
def test_project_values_outside_the_choices_are_rejected(measure, field, value):
    project = ProjectFactory.build(measure=measure, **{field: value})

    assert_rejected_by_db(project, "project_status_valid", "project_budget_kind_valid")
    assert any("n’est pas un choix valide" in m for m in validation_messages(project))


def test_project_codes_with_spaces_are_refused(measure):
    project = ProjectFactory.build(measure=measure, code="p 1")

    assert any(CODE_MESSAGE in m for m in validation_messages(project))


def test_negative_funding_is_rejected(measure):
    funding = FundingFactory.build(project=ProjectFactory(measure=measure), amount=Decimal("-1"))

    assert_rejected_by_db(funding, "funding_amount_not_negative")
    assert "Un montant ne peut pas être négatif." in validation_messages(funding)


def test_zero_funding_is_allowed(measure):
    funding = FundingFactory.build(project=ProjectFactory(measure=measure), amount=Decimal(0))

    funding.full_clean()
    funding.save()
    assert Funding.objects.get().amount == Decimal(0)


def test_project_strategy_is_its_measures_strategy(strategy, measure):
    project = ProjectFactory(measure=measure)

    assert project.strategy == strategy
    assert Project.objects.for_strategy(strategy).get() == project


def test_project_strategy_cannot_be_set_against_its_measure(strategy, measure):
    project = ProjectFactory.build(measure=measure)
    project.strategy = StrategyFactory()

    project.save()

    project.refresh_from_db()
    assert project.strategy == strategy


def test_project_moved_to_another_measure_of_its_strategy_keeps_it(strategy, measure):
    project = ProjectFactory(measure=measure)

    project.measure = in_strategy(strategy)
    project.save()

    project.refresh_from_db()
    assert project.strategy == strategy


# --- History -------------------------------------------------------------------------------


def test_saving_a_project_twice_records_two_historical_rows(measure):
    project = ProjectFactory(measure=measure, status=Project.Status.PLANNED)

    project.status = Project.Status.IN_PROGRESS
    project.save()

    history = list(project.history.order_by("history_date", "history_id"))
    assert [row.status for row in history] == ["planned", "in_progress"]
    assert [row.history_type for row in history] == ["+", "~"]
    assert history[-1].instance.status == Project.Status.IN_PROGRESS
