"""Integrity of the cascade (strategies, memberships, communes, axes, domains, themes, measures):
what the database refuses (IntegrityError), what ``full_clean()`` says of the same input (in
French), and the strategy a measure derives from its domain."""

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import modelform_factory

from strategies.models import Axis, Commune, Domain, Measure, Membership, Strategy, Theme
from tests.constraints import CODE_MESSAGE, assert_rejected_by_db, in_strategy, validation_messages
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
    TerritoryFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


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


def test_territory_currency_outside_the_choices_is_rejected():
    territory = TerritoryFactory.build(currency="USD")

    assert_rejected_by_db(territory, "territory_currency_valid")
    assert any("n’est pas un choix valide" in m for m in validation_messages(territory))


def test_territory_counts_in_swiss_francs_unless_told_otherwise():
    assert TerritoryFactory().currency == "CHF"


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


def test_measure_codes_are_unique_within_a_strategy_ignoring_case(strategy):
    MeasureFactory(domain__axis__strategy=strategy, code="m1")
    duplicate = Measure(domain=DomainFactory(axis__strategy=strategy), code="M1", title="Doublon")

    assert_rejected_by_db(duplicate, "measure_unique_code_per_strategy")
    assert validation_messages(duplicate) == [
        "Ce code de mesure est déjà utilisé dans la stratégie."
    ]


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


def test_objective_codes_are_unique_within_a_strategy_ignoring_case(strategy):
    MeasureFactory(domain__axis__strategy=strategy, objective_code="oo1")
    duplicate = Measure(
        domain=DomainFactory(axis__strategy=strategy), code="m-dup", title="x", objective_code="OO1"
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
