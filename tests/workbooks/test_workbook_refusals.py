"""What a strategy workbook is refused for, before anything is written, with the sheet, the line
and the column in French: a missing sheet, a sheet for a level the strategy does not use, a code
twice, a parent found nowhere, a shape the strategy's data cannot take. And the all-or-nothing
rule: one bad row anywhere, and no sheet writes anything."""

from __future__ import annotations

import io
import zipfile

import pytest

from projects.models import Project
from strategies.models import Axis, Strategy
from tests.factories import StrategyFactory
from tests.workbooks.books import open_book, save, smart_vallee_sheets, workbook
from tests.workbooks.plans import SMART_VALLEE
from tests.workbooks.test_workbook_round_trip import database_rows
from workbooks.export import export_workbook
from workbooks.results import SheetProblem
from workbooks.services import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_strategy() -> Strategy:
    return StrategyFactory(**SMART_VALLEE["strategy"])


def refused(strategy: Strategy, content: bytes) -> list[SheetProblem]:
    """The problems of a workbook whose preview and confirmation are both refused, having
    written nothing."""
    before = database_rows(strategy)
    preview = import_workbook(strategy, content)
    confirmed = import_workbook(strategy, content, confirm=True)
    assert not preview.ok and not confirmed.ok
    assert confirmed.problems == preview.problems
    assert database_rows(Strategy.objects.get(pk=strategy.pk)) == before
    return preview.problems


def test_a_missing_sheet_is_refused_naming_it(empty_strategy):
    sheets = smart_vallee_sheets()
    del sheets["Actions"]

    problems = refused(empty_strategy, workbook(sheets))

    assert problems == [
        SheetProblem(
            "Actions",
            None,
            "",
            "Feuille absente : la stratégie utilise les actions (feuille « Stratégie », ligne 5, "
            "colonne « Utilisé »), le classeur doit avoir leur feuille « Actions », même vide (ses "
            "en-têtes suffisent).",
        )
    ]


def test_a_sheet_for_a_level_the_strategy_does_not_use_is_refused(empty_strategy):
    sheets = smart_vallee_sheets()
    sheets["Mesures"] = [["Code", "Titre", "Orientation"], ["m1", "Une mesure", 1]]

    problems = refused(empty_strategy, workbook(sheets))

    assert problems == [
        SheetProblem(
            "Mesures",
            None,
            "",
            "La stratégie n'utilise pas le niveau « Mesure » (feuille « Stratégie », ligne 4, "
            "colonne « Utilisé ») : supprimez cette feuille, ou écrivez « oui » dans la colonne "
            "« Utilisé » de ce niveau.",
        )
    ]


def test_a_code_used_twice_in_a_sheet_is_refused_on_its_second_line(empty_strategy):
    sheets = smart_vallee_sheets()
    sheets["Actions"].append(["a3", "Autre transport", 2, "à venir", 2, None, None])

    problems = refused(empty_strategy, workbook(sheets))

    assert problems == [
        SheetProblem(
            "Actions",
            12,
            "Code",
            "Code « a3 » figure déjà à la ligne 4 de cette feuille.",
            "a3",
        )
    ]


def test_a_parent_found_neither_in_the_workbook_nor_in_the_strategy_is_refused(empty_strategy):
    sheets = smart_vallee_sheets()
    sheets["Actions"].append(["a11", "Action sans orientation", 9, "à venir", 2, None, None])
    sheets["Valeurs"].append(["s7", "31.12.2025", 4])

    problems = refused(empty_strategy, workbook(sheets))

    assert problems == [
        SheetProblem(
            "Actions",
            12,
            "Orientation",
            "Orientation « 9 » introuvable : ni dans la feuille « Orientations » du classeur, ni "
            "dans la stratégie.",
            9,
        ),
        SheetProblem(
            "Valeurs",
            5,
            "Indicateur",
            "Indicateur « s7 » introuvable : ni dans la feuille « Indicateurs » du classeur, ni "
            "dans la stratégie.",
            "s7",
        ),
    ]


def test_a_parent_the_strategy_holds_need_not_be_in_the_workbook(demo):
    book = open_book(export_workbook(demo))
    book.remove(book["Mesures"])
    book.create_sheet("Mesures").append(["Code", "Titre"])
    projects = book["Projets"]
    projects.cell(row=2, column=2).value = "Sous une mesure de la base"

    result = import_workbook(demo, save(book))

    assert result.ok, result.problems
    assert result.counts()["Projets"][1] == 1


def test_an_unknown_measure_of_the_demo_is_refused_with_its_line_and_column(demo):
    book = open_book(export_workbook(demo))
    book["Projets"].cell(row=3, column=4).value = "m99"

    problems = refused(demo, save(book))

    assert problems == [
        SheetProblem(
            "Projets",
            3,
            "Mesure",
            "Mesure « m99 » introuvable : ni dans la feuille « Mesures » du classeur, ni dans la "
            "stratégie.",
            "m99",
        )
    ]


def test_one_bad_cell_writes_nothing_in_any_sheet(demo):
    book = open_book(export_workbook(demo))
    book["Axes"].append([9, "Un axe de plus", ""])
    headers = [cell.value for cell in book["Projets"][1]]
    book["Projets"].cell(row=4, column=headers.index("Fin") + 1).value = "31.02.2027"

    problems = refused(demo, save(book))

    assert problems == [
        SheetProblem(
            "Projets",
            4,
            "Fin",
            "« 31.02.2027 » n'est pas une date (jj.mm.aaaa, par exemple 31.12.2026).",
            "31.02.2027",
        )
    ]
    assert not Axis.objects.filter(strategy=demo, number=9).exists()


def test_a_row_under_a_bad_parent_is_reported_once_not_checked_again(empty_strategy):
    sheets = smart_vallee_sheets()
    sheets["Orientations"].append([7, "", "Orientation sans titre"])
    sheets["Actions"].append(["a11", "Sous l'orientation 7", 7, "à venir", 2, None, None])

    problems = refused(empty_strategy, workbook(sheets))

    assert [(p.sheet, p.line, p.column) for p in problems] == [
        ("Orientations", 8, "Titre"),
        ("Actions", 12, "Orientation"),
    ]
    assert problems[1].message == (
        "Orientation « 7 » a une erreur dans sa feuille : corrigez-la, cette ligne sera vérifiée "
        "ensuite."
    )
    assert not Project.objects.filter(strategy=empty_strategy).exists()


def test_a_strategy_with_data_cannot_drop_a_level_it_fills(demo):
    book = open_book(export_workbook(demo))
    book["Stratégie"].cell(row=3, column=2).value = "non"

    problems = refused(demo, save(book))

    first = problems[0]
    assert (first.sheet, first.line, first.column) == ("Stratégie", 3, "Utilisé")
    assert first.message.startswith("La stratégie a 34 domaines d'intervention")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Code;Titre\np1;Un projet\n", "Le classeur d'une stratégie est un fichier Excel (.xlsx)"),
        (b"", "Le fichier est vide."),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_a_french_message(empty_strategy, content, message):
    result = import_workbook(empty_strategy, content)

    assert not result.ok
    assert result.problems[0].sheet == "" and result.problems[0].message.startswith(message)


def test_a_zip_bomb_is_refused_before_it_is_opened(empty_strategy):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)

    result = import_workbook(empty_strategy, buffer.getvalue())

    assert "il est refusé par sécurité" in result.problems[0].message
