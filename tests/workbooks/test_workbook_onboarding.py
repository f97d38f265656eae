"""A new territory's plan, typed in Excel, creates its strategy in one import: the CCVH's « Smart
Vallée », six orientations and ten actions directly under them, imported into an empty strategy
that takes the plan's shape and words from its « Stratégie » sheet."""

from __future__ import annotations

import datetime

import pytest
from openpyxl.utils import get_column_letter

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from strategies.levels import clean_level_names
from strategies.models import Axis, Domain, Measure, Strategy
from tests.factories import StrategyFactory, UserFactory
from tests.workbooks.books import open_book, smart_vallee_workbook
from tests.workbooks.plans import SMART_VALLEE
from workbooks.export import export_workbook
from workbooks.services import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_strategy() -> Strategy:
    """A strategy just created in the admin: the default shape (axes, domains, measures,
    projects), the default words, no row."""
    return StrategyFactory(**SMART_VALLEE["strategy"])


def test_the_preview_of_a_plan_counts_its_rows_and_writes_nothing(empty_strategy):
    result = import_workbook(empty_strategy, smart_vallee_workbook(), file_name="plan.xlsx")

    assert result.ok, result.problems
    assert result.counts() == {
        "Stratégie": (0, 1, 0),
        "Orientations": (6, 0, 0),
        "Actions": (10, 0, 0),
        "Indicateurs": (2, 0, 0),
        "Valeurs": (3, 0, 0),
    }
    empty_strategy.refresh_from_db()
    assert empty_strategy.uses_domains and empty_strategy.uses_measures
    assert empty_strategy.level_names == {}
    assert not Axis.objects.filter(strategy=empty_strategy).exists()
    assert not Project.objects.filter(strategy=empty_strategy).exists()


def test_a_two_level_plan_creates_its_strategy_in_an_empty_one(empty_strategy):
    user = UserFactory()

    result = import_workbook(
        empty_strategy,
        smart_vallee_workbook(),
        user=user,
        file_name="smart-vallee.xlsx",
        confirm=True,
    )

    assert result.ok, result.problems
    strategy = Strategy.objects.get(pk=empty_strategy.pk)
    assert (strategy.uses_domains, strategy.uses_measures) == (False, False)
    assert strategy.level_names == clean_level_names(SMART_VALLEE["level_names"])
    assert strategy.levels.shape == "Orientation → Action"
    assert strategy.levels.project.none == "Aucune action"
    assert list(strategy.axes.values_list("number", "title")) == [
        (number, title) for number, title, _objective in SMART_VALLEE["orientations"]
    ]
    projects = Project.objects.filter(strategy=strategy).select_related("axis")
    assert sorted((p.code, p.axis.number, p.measure_id) for p in projects) == sorted(
        (code, axis, None) for code, _title, axis, *_rest in SMART_VALLEE["actions"]
    )
    a6 = projects.get(code="a6")
    assert (a6.status, a6.priority) == (Project.Status.PAUSED, 1)
    assert (a6.start_date, a6.end_date) == (datetime.date(2025, 4, 1), datetime.date(2028, 10, 31))
    assert not Domain.objects.filter(axis__strategy=strategy).exists()
    assert not Measure.objects.filter(strategy=strategy).exists()
    s1 = Indicator.objects.get(strategy=strategy, code="s1")
    assert (s1.axis.number, s1.level) == (1, Indicator.Level.STRATEGIC)
    assert IndicatorValue.objects.filter(indicator__strategy=strategy).count() == 3
    record = projects.get(code="a1").history.first()
    assert record.history_user == user
    assert record.history_change_reason == "Import du fichier « smart-vallee.xlsx »"
    assert strategy.history.first().history_user == user


def test_the_new_strategy_exports_its_own_words_and_reimports_unchanged(empty_strategy):
    import_workbook(empty_strategy, smart_vallee_workbook(), confirm=True)
    strategy = Strategy.objects.get(pk=empty_strategy.pk)

    content = export_workbook(strategy)

    book = open_book(content)
    assert book.sheetnames == [
        "Mode d'emploi",
        "Stratégie",
        "Orientations",
        "Actions",
        "Indicateurs",
        "Valeurs",
    ]
    actions = book["Actions"]
    headers = [cell.value for cell in actions[1]]
    assert headers[:4] == ["Code", "Titre", "Orientation", "Priorité"]
    assert "Mesure" not in headers
    assert [cell.value for cell in book["Indicateurs"][1]][3] == "Orientation"
    validations = {str(dv.sqref): dv.formula1 for dv in actions.data_validations.dataValidation}
    assert validations["C2:C1048576"] == "'Orientations'!$A$2:$A$1048576"
    status = get_column_letter(headers.index("Statut") + 1)
    assert "en pause" in validations[f"{status}2:{status}1048576"]
    settings = [[cell.value for cell in row] for row in book["Stratégie"].iter_rows()]
    assert settings[2][:2] == ["domaines (niveau facultatif)", "non"]
    assert settings[4][:5] == ["projets (dernier niveau)", "oui", "action", "actions", "f"]

    again = import_workbook(strategy, content)

    assert again.ok, again.problems
    assert again.new == 0 and again.changed == 0
    assert again.unchanged == 1 + 6 + 10 + 2 + 3
