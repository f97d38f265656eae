"""What the migrations that make codes unique ignoring case look for first: codes that differ only
by case within a strategy, listed by strategy for the admin to rename
(strategies/case_duplicates.py).

The tables now refuse such codes; the projects' history keeps every spelling a code had, so it
stands for a table from before the migration."""

import pytest
from django.apps import apps as django_apps
from django.core.management.base import CommandError
from django.db import connection

from projects.models import Project
from strategies.case_duplicates import (
    case_duplicates,
    duplicate_lines,
    find_case_duplicates,
    refuse_case_duplicates,
)
from tests.factories import MeasureFactory, ProjectFactory, StrategyFactory, TerritoryFactory

SDI = "SDI 2028 – Crans-Montana"


def test_codes_that_differ_only_by_case_are_grouped_by_strategy():
    rows = [
        (SDI, "K1"),
        (SDI, "p2"),
        (SDI, "k1"),
        ("Plan climat – Sierre", "k1"),  # another strategy: no duplicate
        (SDI, "m1"),
        (SDI, "M1"),
        (SDI, "m1"),  # the same spelling twice is one code
    ]

    assert case_duplicates(rows) == [(SDI, ["k1", "K1"]), (SDI, ["m1", "M1"])]


def test_no_duplicate_gives_no_line_and_empty_codes_are_no_codes():
    assert duplicate_lines([(SDI, "o1"), (SDI, ""), (SDI, ""), (SDI, "o2")], "objectifs") == []


def test_each_group_is_a_line_naming_its_strategy_and_codes():
    lines = duplicate_lines([(SDI, "K1"), (SDI, "k1"), (SDI, "p1"), (SDI, "P1")], "projets")

    assert lines == [
        "Stratégie SDI 2028 – Crans-Montana : projets k1 / K1",
        "Stratégie SDI 2028 – Crans-Montana : projets p1 / P1",
    ]


@pytest.fixture
def sdi(db):
    territory = TerritoryFactory(name="Crans-Montana")
    return StrategyFactory(territory=territory, short_name="SDI", horizon_year=2028)


@pytest.fixture
def renamed(sdi):
    """A project k1 renamed K1: its history holds both spellings in one strategy."""
    project = ProjectFactory(measure=MeasureFactory(domain__axis__strategy=sdi), code="k1")
    project.code = "K1"
    project.save()
    return project


def test_the_rows_of_a_model_are_read_with_their_strategys_name(renamed):
    history = Project.history.model

    assert find_case_duplicates(history, [("code", "projets")]) == [
        "Stratégie SDI 2028 – Crans-Montana : projets k1 / K1"
    ]


def test_a_strategy_without_short_name_is_named_by_its_title(db):
    strategy = StrategyFactory(title="Plan climat", territory__name="Sierre", short_name="")
    project = ProjectFactory(measure=MeasureFactory(domain__axis__strategy=strategy), code="p1")
    project.code = "P1"
    project.save()

    assert find_case_duplicates(Project.history.model, [("code", "projets")]) == [
        "Stratégie Plan climat – Sierre : projets p1 / P1"
    ]


def test_the_projects_table_holds_no_duplicate_after_the_migration(renamed):
    ProjectFactory(code="k1")  # another strategy

    assert find_case_duplicates(Project, [("code", "projets")]) == []


class HistoryApps:
    """The app registry a migration passes, giving the projects' history for the projects."""

    def get_model(self, app_label, model_name):
        assert (app_label, model_name) == ("projects", "Project")
        return Project.history.model


def test_the_migration_stops_with_the_list_to_rename(renamed):
    refuse = refuse_case_duplicates("projects", "Project", [("code", "projets")])

    with pytest.raises(CommandError) as raised:
        refuse(HistoryApps(), connection.schema_editor())

    message = str(raised.value)
    assert message.startswith("Des codes ne diffèrent que par la casse")
    assert "Renommez-les dans l'administration, puis relancez « manage.py migrate »" in message
    assert message.endswith("\n- Stratégie SDI 2028 – Crans-Montana : projets k1 / K1")


def test_the_migration_goes_on_when_no_code_differs_only_by_case(renamed):
    refuse = refuse_case_duplicates("projects", "Project", [("code", "projets")])

    assert refuse(django_apps, connection.schema_editor()) is None  # the projects' own table
