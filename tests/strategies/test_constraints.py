"""Integrity of the three domain apps: what the database refuses (IntegrityError), what
``full_clean()`` says of the same input (in French), the derived ``strategy`` fields, and the
history of projects."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory

from indicators.models import Indicator, IndicatorValue
from projects.models import Funding, Project
from strategies.models import Axis, Commune, Domain, Measure, Membership, Strategy, Theme
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CODE_MESSAGE = "Un code ne contient ni espace ni accent"


def assert_rejected_by_db(instance, *constraints):
    """Saving the instance raises IntegrityError from one of the named constraints; the savepoint
    keeps the test database usable. (SQLite names check constraints but not unique ones.)"""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        instance.save()
    message = str(raised.value)
    assert any(name in message for name in constraints) or (
        connection.vendor == "sqlite" and message.startswith("UNIQUE constraint failed")
    ), message


def validation_messages(instance, **kwargs) -> list[str]:
    """All the messages ``full_clean()`` raises for the instance (it must raise)."""
    with pytest.raises(ValidationError) as raised:
        instance.full_clean(**kwargs)
    return raised.value.messages


def in_strategy(strategy):
    """A measure of the strategy, in a new axis and domain."""
    return MeasureFactory(domain__axis__strategy=strategy)


@pytest.fixture
def measure(strategy):
    return in_strategy(strategy)


@pytest.fixture
def axis(strategy):
    return AxisFactory(strategy=strategy)


# --- Strategies ----------------------------------------------------------------------------


def test_strategy_horizon_before_start_year_is_rejected():
    strategy = StrategyFactory.build(
        territory=TerritoryFactory(), start_year=2025, horizon_year=2024
    )

    assert_rejected_by_db(strategy, "strategy_horizon_after_start")
    assert validation_messages(strategy) == ["L'horizon doit suivre l'année de début."]


def test_strategy_of_a_single_year_is_allowed():
    strategy = StrategyFactory(start_year=2025, horizon_year=2025)

    strategy.full_clean()
    assert Strategy.objects.filter(pk=strategy.pk).exists()


@pytest.mark.parametrize(
    ("warning", "on_track"),
    [
        pytest.param("80", "70", id="warning-above-on-track"),
        pytest.param("0", "70", id="warning-zero"),
        pytest.param("70", "101", id="on-track-above-100"),
    ],
)
def test_strategy_thresholds_must_be_ordered(warning, on_track):
    strategy = StrategyFactory.build(
        territory=TerritoryFactory(),
        warning_threshold=Decimal(warning),
        on_track_threshold=Decimal(on_track),
    )

    assert_rejected_by_db(strategy, "strategy_thresholds_ordered")
    assert (
        "Les seuils doivent respecter 0 < « à surveiller » ≤ « en bonne voie » ≤ 100."
        in validation_messages(strategy)
    )


def test_strategy_thresholds_may_be_equal():
    strategy = StrategyFactory(warning_threshold=Decimal(80), on_track_threshold=Decimal(80))

    strategy.full_clean()


def test_strategy_phase_outside_the_choices_is_rejected():
    strategy = StrategyFactory.build(territory=TerritoryFactory(), phase="finished")

    assert_rejected_by_db(strategy, "strategy_phase_valid")
    assert any("n’est pas un choix valide" in m for m in validation_messages(strategy))


def test_membership_role_outside_the_choices_is_rejected():
    membership = MembershipFactory.build(
        user=UserFactory(), territory=TerritoryFactory(), role="owner"
    )

    assert_rejected_by_db(membership, "membership_role_valid")
    assert any("n’est pas un choix valide" in m for m in validation_messages(membership))


def test_a_user_is_member_of_a_territory_once():
    first = MembershipFactory(role=Membership.Role.VIEWER)

    assert_rejected_by_db(
        Membership(user=first.user, territory=first.territory, role=Membership.Role.EDITOR),
        "membership_unique_user_territory",
    )


def test_commune_names_are_unique_within_a_territory():
    commune = CommuneFactory(name="Sion")
    CommuneFactory(name="Sion")  # another territory

    assert_rejected_by_db(
        Commune(territory=commune.territory, name="Sion"), "commune_unique_name_per_territory"
    )


def test_axis_numbers_are_unique_within_a_strategy(strategy):
    AxisFactory(strategy=strategy, number=1)
    AxisFactory(number=1)  # another strategy

    assert_rejected_by_db(
        Axis(strategy=strategy, number=1, title="Doublon"), "axis_unique_number_per_strategy"
    )


def test_domain_titles_are_unique_within_an_axis(axis):
    DomainFactory(axis=axis, title="Tourisme")
    DomainFactory(title="Tourisme")  # another axis

    assert_rejected_by_db(Domain(axis=axis, title="Tourisme"), "domain_unique_title_per_axis")


def test_theme_names_are_unique_within_a_strategy(strategy):
    ThemeFactory(strategy=strategy, name="Numérique")
    ThemeFactory(name="Numérique")  # another strategy

    assert_rejected_by_db(
        Theme(strategy=strategy, name="Numérique"), "theme_unique_name_per_strategy"
    )


# --- Measures: codes and derived strategy --------------------------------------------------


def test_measure_codes_are_unique_within_a_strategy(strategy):
    MeasureFactory(domain__axis__strategy=strategy, code="m1")
    other_axis_same_strategy = DomainFactory(axis__strategy=strategy)

    assert_rejected_by_db(
        Measure(domain=other_axis_same_strategy, code="m1", title="Doublon"),
        "measure_unique_code_per_strategy",
    )


def test_the_same_measure_code_may_be_used_in_two_strategies(strategy):
    first = MeasureFactory(domain__axis__strategy=strategy, code="m1")
    second = MeasureFactory(code="m1")

    assert first.strategy != second.strategy
    second.full_clean()


def test_full_clean_of_a_duplicate_measure_code_reports_it(strategy, measure):
    duplicate = Measure(domain=DomainFactory(axis__strategy=strategy), code=measure.code, title="x")

    assert validation_messages(duplicate) == [
        "Ce code de mesure est déjà utilisé dans la stratégie."
    ]


def test_form_like_full_clean_excluding_strategy_still_checks_the_code(strategy, measure):
    # A ModelForm excludes ``strategy`` (not editable): the derived field must not let the
    # (strategy, code) check be skipped.
    duplicate = Measure(domain=DomainFactory(axis__strategy=strategy), code=measure.code, title="x")

    assert validation_messages(duplicate, exclude={"strategy"}) == [
        "Ce code de mesure est déjà utilisé dans la stratégie."
    ]


def test_measure_model_form_refuses_a_duplicate_code(strategy, measure):
    form_class = modelform_factory(Measure, fields=("domain", "code", "title"))
    form = form_class(
        data={
            "domain": DomainFactory(axis__strategy=strategy).pk,
            "code": measure.code,
            "title": "Doublon",
        }
    )

    assert not form.is_valid()
    assert form.errors[NON_FIELD_ERRORS] == [
        "Ce code de mesure est déjà utilisé dans la stratégie."
    ]


def test_measure_model_form_accepts_a_code_of_another_strategy(measure):
    form_class = modelform_factory(Measure, fields=("domain", "code", "title"))
    form = form_class(data={"domain": DomainFactory().pk, "code": measure.code, "title": "Autre"})

    assert form.is_valid(), form.errors
    assert form.save().strategy != measure.strategy


def test_editing_a_measure_does_not_collide_with_its_own_code(measure):
    measure.title = "Nouveau titre"

    measure.full_clean()


def test_objective_codes_are_unique_within_a_strategy_when_given(strategy):
    MeasureFactory(domain__axis__strategy=strategy, objective_code="oo1")
    MeasureFactory(domain__axis__strategy=strategy, objective_code="")
    blank = Measure(domain=DomainFactory(axis__strategy=strategy), code="m-blank", title="x")
    blank.save()  # a second blank objective code is fine
    duplicate = Measure(
        domain=DomainFactory(axis__strategy=strategy), code="m-dup", title="x", objective_code="oo1"
    )

    assert_rejected_by_db(duplicate, "measure_unique_objective_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."
    ]


@pytest.mark.parametrize("code", ["m 1", " m1", "mé1", "m1/2", ""])
def test_measure_codes_with_spaces_accents_or_slashes_are_refused(measure, code):
    bad = Measure(domain=measure.domain, code=code, title="x")

    messages = validation_messages(bad)

    assert any(CODE_MESSAGE in m or m == "Ce champ ne peut pas être vide." for m in messages)


@pytest.mark.parametrize("code", ["m1", "M-1.2", "p_12", "1"])
def test_measure_codes_of_letters_digits_dots_dashes_are_accepted(measure, code):
    Measure(domain=measure.domain, code=code, title="x").full_clean()


def test_measure_strategy_is_its_domains_axis_strategy(strategy):
    measure = MeasureFactory(domain__axis__strategy=strategy)

    assert measure.strategy == strategy
    assert Measure.objects.for_strategy(strategy).get() == measure


def test_measure_strategy_cannot_be_set_against_its_domain(strategy):
    measure = Measure(domain=DomainFactory(axis__strategy=strategy), code="m1", title="x")
    measure.strategy = StrategyFactory()

    measure.save()

    measure.refresh_from_db()
    assert measure.strategy == strategy


def test_measure_moves_to_another_domain_of_its_strategy(measure):
    sibling = DomainFactory(axis__strategy=measure.strategy)

    measure.domain = sibling
    measure.full_clean()
    measure.save()

    measure.refresh_from_db()
    assert measure.domain == sibling


def test_measure_cannot_move_to_another_strategy_and_its_projects_stay(measure):
    project = ProjectFactory(measure=measure)
    strategy = measure.strategy
    measure.domain = DomainFactory()

    with pytest.raises(ValidationError) as clean_error:
        measure.full_clean()
    assert "ne peut pas passer dans une autre stratégie" in str(clean_error.value)
    with pytest.raises(ValidationError):
        measure.save()

    measure.refresh_from_db()
    project.refresh_from_db()
    assert measure.strategy == project.strategy == strategy


def test_project_cannot_move_to_a_measure_of_another_strategy(measure):
    project = ProjectFactory(measure=measure)
    project.measure = MeasureFactory()

    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "measure" in error.value.message_dict
    with pytest.raises(ValidationError):
        project.save()


def test_domain_and_axis_cannot_move_to_another_strategy(measure):
    domain, axis = measure.domain, measure.domain.axis
    domain.axis = AxisFactory()
    with pytest.raises(ValidationError):
        domain.save()
    axis.strategy = StrategyFactory()
    with pytest.raises(ValidationError):
        axis.full_clean()
    with pytest.raises(ValidationError):
        axis.save()


def test_two_strategies_of_a_territory_cannot_share_short_name_and_horizon(strategy):
    strategy.short_name = "SDI"
    strategy.save()
    duplicate = StrategyFactory.build(
        territory=strategy.territory, short_name="SDI", horizon_year=strategy.horizon_year
    )
    assert_rejected_by_db(duplicate, "strategy_unique_short_name_per_territory")
    StrategyFactory(territory=strategy.territory, short_name="SDI", horizon_year=2040)


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


# --- Indicators ----------------------------------------------------------------------------


def test_indicator_codes_are_unique_within_a_strategy(strategy, axis, measure):
    IndicatorFactory(axis=axis, code="i1")
    duplicate = IndicatorFactory.build(operational=True, measure=measure, code="i1")

    assert_rejected_by_db(duplicate, "indicator_unique_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code d'indicateur est déjà utilisé dans la stratégie."
    ]


def test_the_same_indicator_code_may_be_used_in_two_strategies(axis):
    IndicatorFactory(axis=axis, code="i1")
    other = IndicatorFactory.build(axis=AxisFactory(), code="i1")

    other.full_clean()
    other.save()


def test_indicator_codes_with_spaces_are_refused(axis):
    indicator = IndicatorFactory.build(axis=axis, code="i 1")

    assert any(CODE_MESSAGE in m for m in validation_messages(indicator))


LEVEL_MESSAGE = (
    "Un indicateur stratégique se rattache à un axe, un indicateur opérationnel à une mesure."
)


def test_strategic_indicator_needs_an_axis(strategy):
    indicator = IndicatorFactory.build(strategy=strategy, axis=None)

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_strategic_indicator_cannot_hang_on_a_measure(axis, measure):
    indicator = IndicatorFactory.build(axis=axis, measure=measure)

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_operational_indicator_needs_a_measure(strategy, axis):
    indicator = IndicatorFactory.build(
        strategy=strategy, level=Indicator.Level.OPERATIONAL, axis=axis, measure=None
    )

    assert_rejected_by_db(indicator, "indicator_level_matches_parent")
    assert LEVEL_MESSAGE in validation_messages(indicator)


def test_operational_indicator_on_a_measure_is_valid(measure):
    indicator = IndicatorFactory.build(operational=True, measure=measure)

    indicator.full_clean()
    indicator.save()
    assert indicator.strategy == measure.strategy


def test_indicator_target_equal_to_baseline_is_rejected(axis):
    indicator = IndicatorFactory.build(
        axis=axis, baseline_value=Decimal(50), target_value=Decimal(50)
    )

    assert_rejected_by_db(indicator, "indicator_target_differs_from_baseline")
    assert "L'état visé doit différer de l'état actuel." in validation_messages(indicator)


TARGET_MESSAGE = (
    "Indiquez l'état visé (ou, pour une fourchette, un minimum et un maximum ordonnés)."
)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"range_min": Decimal(20), "range_max": Decimal(10)}, id="min-above-max"),
        pytest.param({"range_min": None, "range_max": Decimal(10)}, id="no-min"),
        pytest.param({"range_min": Decimal(10), "range_max": None}, id="no-max"),
    ],
)
def test_range_indicator_needs_an_ordered_range(axis, fields):
    indicator = IndicatorFactory.build(
        axis=axis, direction=Indicator.Direction.RANGE, target_value=None, **fields
    )

    assert_rejected_by_db(indicator, "indicator_target_defined")
    assert TARGET_MESSAGE in validation_messages(indicator)


def test_range_of_a_single_value_is_allowed(axis):
    indicator = IndicatorFactory.build(
        axis=axis,
        direction=Indicator.Direction.RANGE,
        target_value=None,
        range_min=Decimal(10),
        range_max=Decimal(10),
    )

    indicator.full_clean()
    indicator.save()


@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_increasing_or_decreasing_indicator_needs_a_target(axis, direction):
    indicator = IndicatorFactory.build(axis=axis, direction=direction, target_value=None)

    assert_rejected_by_db(indicator, "indicator_target_defined")
    assert TARGET_MESSAGE in validation_messages(indicator)


@pytest.mark.parametrize(
    "target_date",
    [datetime.date(2025, 1, 1), datetime.date(2024, 12, 31)],
    ids=["same-day", "before"],
)
def test_indicator_target_date_must_follow_the_baseline_date(axis, target_date):
    indicator = IndicatorFactory.build(
        axis=axis, baseline_date=datetime.date(2025, 1, 1), target_date=target_date
    )

    assert_rejected_by_db(indicator, "indicator_target_date_after_baseline")
    assert "L'échéance doit suivre la date de l'état actuel." in validation_messages(indicator)


@pytest.mark.parametrize(
    ("field", "value"),
    [("direction", "sideways"), ("level", "tactical"), ("frequency", "daily")],
)
def test_indicator_values_outside_the_choices_are_rejected(axis, field, value):
    indicator = IndicatorFactory.build(axis=axis, **{field: value})

    # An unknown direction or level also breaks the target or parent rule: any of them will do.
    assert_rejected_by_db(
        indicator,
        "indicator_choices_valid",
        "indicator_target_defined",
        "indicator_level_matches_parent",
    )
    assert any("n’est pas un choix valide" in m for m in validation_messages(indicator))


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "message"),
    [
        ("increase", 50, 40, "Un indicateur à augmenter vise plus que l'état actuel."),
        ("decrease", 50, 60, "Un indicateur à diminuer vise moins que l'état actuel."),
    ],
)
def test_indicator_target_must_go_the_indicators_way(axis, direction, baseline, target, message):
    indicator = IndicatorFactory.build(
        axis=axis,
        direction=direction,
        baseline_value=Decimal(baseline),
        target_value=Decimal(target),
    )

    assert validation_messages(indicator) == [message]


def test_indicator_parent_must_belong_to_the_same_strategy(strategy):
    indicator = IndicatorFactory.build(strategy=strategy, axis=AxisFactory())

    assert validation_messages(indicator) == [
        "Il doit appartenir à la même stratégie que l'indicateur."
    ]


def test_an_indicator_has_one_value_per_date(axis):
    value = IndicatorValueFactory(indicator=IndicatorFactory(axis=axis))
    duplicate = IndicatorValue(indicator=value.indicator, date=value.date, value=Decimal(1))

    assert_rejected_by_db(duplicate, "indicator_value_unique_date")
    assert validation_messages(duplicate) == [
        "Une valeur existe déjà à cette date pour cet indicateur."
    ]


def test_the_database_is_usable_after_a_rejected_row(measure):
    assert_rejected_by_db(
        ProjectFactory.build(measure=measure, priority=9), "project_priority_1_to_3"
    )

    ProjectFactory(measure=measure)
    assert Project.objects.count() == 1


# --- History -------------------------------------------------------------------------------


def test_saving_a_project_twice_records_two_historical_rows(measure):
    project = ProjectFactory(measure=measure, status=Project.Status.PLANNED)

    project.status = Project.Status.IN_PROGRESS
    project.save()

    history = list(project.history.order_by("history_date", "history_id"))
    assert [row.status for row in history] == ["planned", "in_progress"]
    assert [row.history_type for row in history] == ["+", "~"]
    assert history[-1].instance.status == Project.Status.IN_PROGRESS
