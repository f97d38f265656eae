"""The demo strategy's workbook: what it holds, and that it imports back unchanged — the preview
says nothing is new or changed, and after the confirmation every row of the database holds what
it held. Then the edits a secretariat makes in it: a changed cell, a new measure with its
projects in the same file."""

from __future__ import annotations

import datetime

from openpyxl.utils import get_column_letter

from indicators.models import Indicator, IndicatorValue
from projects.models import Funding, Project
from strategies.models import Axis, Domain, Measure, Strategy, Theme
from tests.workbooks.books import open_book, save
from workbooks.export import export_workbook
from workbooks.services import import_workbook


def database_rows(strategy: Strategy) -> dict[str, list[dict]]:
    """Every row of the strategy, column by column, its links and how many history records."""
    pk = strategy.pk
    tables = {
        "strategy": Strategy.objects.filter(pk=pk),
        "axes": Axis.objects.filter(strategy=pk),
        "domains": Domain.objects.filter(axis__strategy=pk),
        "themes": Theme.objects.filter(strategy=pk),
        "measures": Measure.objects.filter(strategy=pk),
        "measure themes": Measure.themes.through.objects.filter(measure__strategy=pk),
        "projects": Project.objects.filter(strategy=pk),
        "project communes": Project.communes.through.objects.filter(project__strategy=pk),
        "project themes": Project.themes.through.objects.filter(project__strategy=pk),
        "fundings": Funding.objects.filter(project__strategy=pk),
        "indicators": Indicator.objects.filter(strategy=pk),
        "values": IndicatorValue.objects.filter(indicator__strategy=pk),
    }
    rows = {name: list(queryset.order_by("pk").values()) for name, queryset in tables.items()}
    rows["history"] = [
        {
            "strategy": Strategy.history.filter(id=pk).count(),
            "axes": Axis.history.filter(strategy=pk).count(),
            "measures": Measure.history.filter(strategy=pk).count(),
            "projects": Project.history.filter(strategy=pk).count(),
            "indicators": Indicator.history.filter(strategy=pk).count(),
            "values": IndicatorValue.history.filter(indicator__strategy=pk).count(),
        }
    ]
    return rows


def headers_of(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def test_the_workbook_has_a_guide_then_one_sheet_per_level(demo):
    book = open_book(export_workbook(demo))

    assert book.sheetnames == [
        "Mode d'emploi",
        "Stratégie",
        "Axes",
        "Domaines d'intervention",
        "Mesures",
        "Projets",
        "Indicateurs",
        "Valeurs",
    ]
    guide = [row for row in book["Mode d'emploi"].iter_rows(values_only=True)]
    assert guide[0][0].startswith("Classeur de la stratégie « SDI 2028")
    assert any(
        "Stratégie → Axes → Domaines d'intervention → Mesures → Projets" in (row[0] or "")
        for row in guide
    )
    explained = {(row[0], row[1]) for row in guide}
    assert ("Projets", "Mesure") in explained and ("Valeurs", "Date") in explained
    projects = book["Projets"]
    assert headers_of(projects)[:5] == ["Code", "Titre", "Axe", "Mesure", "Priorité"]
    assert projects.max_row == demo.projects.count() + 1
    end = projects.cell(row=2, column=headers_of(projects).index("Fin") + 1)
    assert isinstance(end.value, datetime.datetime) and end.number_format == "DD.MM.YYYY"
    validations = {str(dv.sqref): dv.formula1 for dv in projects.data_validations.dataValidation}
    assert validations["D2:D1048576"] == "'Mesures'!$A$2:$A$1048576"
    status = get_column_letter(headers_of(projects).index("Statut") + 1)
    assert validations[f"{status}2:{status}1048576"] == (
        '"à venir,en cours,réalisé,en pause,bloqué,abandonné"'
    )
    measures = book["Mesures"]
    domain = get_column_letter(headers_of(measures).index("Domaine d'intervention") + 1)
    assert {str(dv.sqref): dv.formula1 for dv in measures.data_validations.dataValidation}[
        f"{domain}2:{domain}1048576"
    ] == "'Domaines d''intervention'!$B$2:$B$1048576"
    assert (
        book["Valeurs"].max_row
        == IndicatorValue.objects.filter(indicator__strategy=demo).count() + 1
    )


def test_the_demo_exported_then_imported_changes_nothing(demo):
    before = database_rows(demo)
    content = export_workbook(demo)

    preview = import_workbook(demo, content, file_name="sdi.xlsx")

    assert preview.ok, preview.problems
    assert preview.new == 0 and preview.changed == 0
    assert preview.counts()["Projets"] == (0, 0, demo.projects.count())
    assert preview.warnings == []

    done = import_workbook(demo, content, file_name="sdi.xlsx", confirm=True)

    assert done.ok and done.new == 0 and done.changed == 0
    assert database_rows(Strategy.objects.get(pk=demo.pk)) == before


def test_one_edited_cell_is_one_change_written_on_confirmation(demo):
    book = open_book(export_workbook(demo))
    projects = book["Projets"]
    code = projects.cell(row=2, column=1).value
    projects.cell(row=2, column=2).value = "Titre revu en atelier"
    content = save(book)

    preview = import_workbook(demo, content)

    assert preview.counts()["Projets"] == (0, 1, demo.projects.count() - 1)
    assert preview.new == 0 and preview.changed == 1
    row = next(sheet for sheet in preview.sheets if sheet.title == "Projets").shown_rows[0]
    assert (row.line, row.new) == (2, False)
    assert [(c.column, c.after) for c in row.changes] == [("Titre", "Titre revu en atelier")]
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"

    import_workbook(demo, content, confirm=True)

    assert Project.objects.get(strategy=demo, code=code).title == "Titre revu en atelier"


def test_a_new_measure_gets_its_projects_from_the_same_workbook(demo):
    book = open_book(export_workbook(demo))
    measures, projects = book["Mesures"], book["Projets"]
    domain = measures.cell(row=2, column=4).value
    new_measure = ["m90", "Nouvelle mesure", 1, domain]
    measures.append(new_measure + [None] * (measures.max_column - len(new_measure)))
    headers = headers_of(projects)
    for code in ("p90", "p91"):
        row = dict.fromkeys(headers)
        row.update({"Code": code, "Titre": f"Projet {code}", "Mesure": "m90", "Statut": "à venir"})
        projects.append([row[header] for header in headers])

    result = import_workbook(demo, save(book), confirm=True)

    assert result.ok, result.problems
    assert result.counts()["Mesures"][0] == 1 and result.counts()["Projets"][0] == 2
    measure = Measure.objects.get(strategy=demo, code="m90")
    assert measure.domain.title == domain and measure.axis.number == 1
    assert sorted(measure.projects.values_list("code", "axis__number")) == [
        ("p90", 1),
        ("p91", 1),
    ]


def test_a_sheet_and_a_column_of_its_own_are_ignored_with_a_warning(demo):
    book = open_book(export_workbook(demo))
    book.create_sheet("Notes du secrétariat").append(["Penser à relancer la commune"])
    projects = book["Projets"]
    projects.cell(row=1, column=projects.max_column + 1).value = "Remarques internes"
    projects.cell(row=2, column=projects.max_column).value = "à voir"

    result = import_workbook(demo, save(book))

    assert result.ok and result.new == 0 and result.changed == 0
    assert [(w.sheet, w.line, w.column, w.message) for w in result.warnings] == [
        (
            "Notes du secrétariat",
            None,
            "",
            "Feuille ignorée : ce n'est pas une feuille du classeur d'une stratégie.",
        ),
        (
            "Projets",
            1,
            "Remarques internes",
            "Colonne ignorée : elle n'est pas une colonne de cette feuille.",
        ),
    ]
