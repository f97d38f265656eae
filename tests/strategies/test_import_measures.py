"""Measures from a spreadsheet (a domain by its axis and title, themes by name, objective codes
unique in the strategy), and the Python evaluation of the models' constraints, which must agree
with the database's."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator
from projects.models import Project
from spreadsheets.constraints import compile_condition
from spreadsheets.formats import XLSX
from strategies.models import Measure
from strategies.resources import MeasureResource
from tests.factories import AxisFactory, DomainFactory, MeasureFactory, ThemeFactory
from tests.import_files import dataset, xlsx

HEADERS = ["Code", "Titre", "Axe", "Domaine d'intervention", "Code objectif", "Thèmes"]


@pytest.fixture
def domains(strategy):
    first, second = (
        AxisFactory(strategy=strategy, number=1),
        AxisFactory(strategy=strategy, number=2),
    )
    ThemeFactory(strategy=strategy, name="Communication")
    ThemeFactory(strategy=strategy, name="Digitalisation")
    return {
        (1, "Mobilité"): DomainFactory(axis=first, title="Mobilité"),
        (1, "Énergie"): DomainFactory(axis=first, title="Énergie"),
        (2, "Énergie"): DomainFactory(axis=second, title="Énergie"),
    }


def run(strategy, content, *, dry_run=False):
    return MeasureResource(strategy=strategy).import_data(dataset(content), dry_run=dry_run)


def test_measures_find_their_domain_by_axis_and_title(strategy, domains):
    content = xlsx(
        HEADERS,
        [
            ["m1", "Vélos", None, "mobilité", "o1", "Communication; Digitalisation"],
            ["m2", "Solaire", "Axe 2", "Énergie", "o2", None],
            ["m3", "Chauffage", 1, "Energie", "", ""],
        ],
    )

    result = run(strategy, content)

    assert result.problems == []
    assert Measure.objects.get(code="m1").domain == domains[1, "Mobilité"]
    assert Measure.objects.get(code="m2").domain == domains[2, "Énergie"]
    assert Measure.objects.get(code="m3").domain == domains[1, "Énergie"]
    assert Measure.objects.get(code="m1").themes.count() == 2
    assert all(measure.strategy == strategy for measure in Measure.objects.all())


def test_a_domain_given_as_the_templates_label_is_found_in_its_axis(strategy, domains):
    content = xlsx(
        HEADERS,
        [
            ["m1", "Solaire", None, "2 – Énergie", None, None],  # as the template's list shows it
            ["m2", "Chauffage", 1, "1 - Énergie", None, None],
        ],
    )

    result = run(strategy, content)

    assert result.problems == []
    assert Measure.objects.get(code="m1").domain == domains[2, "Énergie"]
    assert Measure.objects.get(code="m2").domain == domains[1, "Énergie"]


def test_a_domain_label_of_another_axis_than_the_axis_column_is_refused(strategy, domains):
    content = xlsx(HEADERS, [["m1", "Vélos", 2, "1 – Mobilité", None, None]])

    result = run(strategy, content)

    assert [(problem.column, problem.message) for problem in result.problems] == [
        ("Domaine d'intervention", "L'axe 2 n'a pas de domaine d'intervention « 1 – Mobilité »."),
    ]


def test_measure_codes_and_objective_codes_are_matched_ignoring_case(strategy, domains):
    measure = MeasureFactory(domain=domains[1, "Mobilité"], code="m9", objective_code="o9")
    content = xlsx(
        HEADERS,
        [
            ["M9", "Renommée", 1, "Mobilité", "o9", None],  # measure m9
            ["m1", "Objectif déjà pris", 1, "Mobilité", "O9", None],
            ["m2", "Objectif en double", 1, "Mobilité", "o2", None],
            ["m3", "Objectif en double", 1, "Mobilité", "O2", None],
        ],
    )

    result = run(strategy, content)

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (3, "Code objectif", "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."),
        (5, "Code objectif", "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."),
    ]
    fixed = xlsx(HEADERS, [["M9", "Renommée", 1, "Mobilité", "O9", None]])
    assert run(strategy, fixed).counts == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    measure.refresh_from_db()
    assert (measure.code, measure.title, measure.objective_code) == ("m9", "Renommée", "O9")


def test_measure_errors_name_their_column(strategy, domains):
    MeasureFactory(domain=domains[1, "Mobilité"], code="m9", objective_code="o9")
    content = xlsx(
        HEADERS,
        [
            ["m1", "Domaine ambigu", None, "Énergie", None, None],
            ["m2", "Domaine absent", 2, "Mobilité", None, None],
            ["m3", "Objectif déjà pris", 1, "Mobilité", "o9", None],
            ["m4", "Objectif en double", 1, "Mobilité", "o4", None],
            ["m5", "Objectif en double", 1, "Mobilité", "o4", None],
            ["m6", "Thème inconnu", 1, "Mobilité", None, "Tourisme"],
        ],
    )

    result = run(strategy, content)

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (
            2,
            "Domaine d'intervention",
            "Plusieurs axes ont un domaine d'intervention « Énergie » : "
            "indiquez l'axe (colonne « Axe »).",
        ),
        (3, "Domaine d'intervention", "L'axe 2 n'a pas de domaine d'intervention « Mobilité »."),
        (4, "Code objectif", "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."),
        (6, "Code objectif", "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."),
        (
            7,
            "Thèmes",
            "Thème transversal inconnu dans la stratégie : « Tourisme ». "
            "Possibles : Communication, Digitalisation.",
        ),
    ]
    assert list(Measure.objects.values_list("code", flat=True)) == ["m9"]


def test_measures_round_trip(strategy, domains):
    measure = MeasureFactory(
        domain=domains[2, "Énergie"], code="m1", objective_code="o1", partners="=Région", order=3
    )
    measure.themes.set(strategy.themes.all())
    MeasureFactory(domain=domains[1, "Mobilité"], code="m2")
    data = MeasureResource().export(Measure.objects.order_by("code"), force_native_type=True)

    result = run(strategy, XLSX().export_data(data), dry_run=True)

    assert result.problems == [] and result.counts["skip"] == 2


def passes_in_database(constraint, instance) -> bool:
    """Django's own check of the constraint: a query to the database."""
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


PROJECT_VALUES = {
    "start_date": [None, datetime.date(2026, 1, 1)],
    "end_date": [None, datetime.date(2025, 1, 1), datetime.date(2027, 1, 1)],
    "priority": [0, 1, 3, 4],
    "progress": [None, 0, 100, 101],
    "budget_planned": [None, Decimal("-1"), Decimal("0")],
    "budget_kind": ["", "investment", "autre"],
}


@pytest.mark.parametrize("constraint", Project._meta.constraints[1:], ids=lambda c: c.name)
def test_project_checks_in_python_agree_with_the_database(db, constraint):
    predicate = compile_condition(constraint.condition, Project)
    names = list(PROJECT_VALUES)
    for values in itertools.product(*PROJECT_VALUES.values()):
        project = Project(**dict(zip(names, values, strict=True)), status="planned")
        assert (predicate(project) is not False) == passes_in_database(constraint, project), values


INDICATOR_VALUES = {
    "level": ["strategic", "operational"],
    "axis_id": [None, 1],
    "measure_id": [None, 1],
    "direction": ["increase", "range"],
    "target_value": [None, Decimal(10)],
    "baseline_value": [None, Decimal(10), Decimal(5)],
    "range_min": [None, Decimal(1)],
    "range_max": [None, Decimal(0), Decimal(2)],
}


@pytest.mark.parametrize("constraint", Indicator._meta.constraints[1:], ids=lambda c: c.name)
def test_indicator_checks_in_python_agree_with_the_database(db, constraint):
    predicate = compile_condition(constraint.condition, Indicator)
    names = list(INDICATOR_VALUES)
    for values in itertools.product(*INDICATOR_VALUES.values()):
        indicator = Indicator(**dict(zip(names, values, strict=True)))
        assert (predicate(indicator) is not False) == passes_in_database(constraint, indicator), (
            values
        )
