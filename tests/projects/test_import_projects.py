"""Projects from a spreadsheet: business keys, French headers and values, the round trip, every bad
row reported and nothing written, history of every row, no query per row."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.formats import XLSX
from spreadsheets.results import Change
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    MeasureFactory,
    ProjectFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.import_files import dataset, open_xlsx, save, xlsx

HEADERS = ["Code", "Titre", "Mesure", "Priorité", "Qui ?", "Communes", "Thèmes", "Début", "Fin"]


@pytest.fixture
def place(strategy):
    """A strategy with two measures, three communes and two themes."""
    domain = DomainFactory(axis=AxisFactory(strategy=strategy, number=1), title="Mobilité")
    for name in ("Lens", "Icogne", "Crans-Montana"):
        CommuneFactory(territory=strategy.territory, name=name)
    ThemeFactory(strategy=strategy, name="Communication")
    ThemeFactory(strategy=strategy, name="Développement durable")
    MeasureFactory(domain=domain, code="m1", title="Mobilité douce")
    MeasureFactory(domain=domain, code="m2", title="Parkings")
    return strategy


@pytest.fixture
def secretary(db):
    return UserFactory(username="secretaire")


def run(strategy, content: bytes, *, dry_run=False, user=None, file_name="projets.xlsx"):
    resource = ProjectResource(strategy=strategy, user=user)
    return resource.import_data(dataset(content), dry_run=dry_run, file_name=file_name)


def exported(strategy) -> bytes:
    data = ProjectResource().export(
        Project.objects.filter(strategy=strategy).order_by("code"), force_native_type=True
    )
    return XLSX().export_data(data)


def test_new_projects_are_created_from_french_cells(place, secretary):
    content = xlsx(
        [*HEADERS, "Statut", "Avancement (%)", "Budget prévu", "Nature du budget"],
        [
            [
                "p1",
                "Vélos en libre-service",
                "m1",
                "1 – haute",
                "Commune de Lens",
                "Lens; Icogne",
                "Communication",
                "01.03.2026",
                "2027-10-31",
                "en cours",
                "45 %",
                "12 000,50",
                "investissement",
            ],
            [
                "p2",
                "Parking d'échange",
                "m2",
                3,
                "",
                "",
                "",
                datetime.datetime(2026, 1, 5),
                None,
                "blocked",
                0,
                1200.5,
                None,
            ],
        ],
    )

    result = run(place, content, user=secretary)

    assert result.problems == [] and result.counts["new"] == 2
    bikes = Project.objects.get(strategy=place, code="p1")
    assert bikes.measure.code == "m1" and bikes.priority == 1
    assert bikes.start_date == datetime.date(2026, 3, 1)
    assert bikes.end_date == datetime.date(2027, 10, 31)
    assert bikes.status == Project.Status.IN_PROGRESS and bikes.progress == 45
    assert bikes.budget_planned == Decimal("12000.50")
    assert bikes.budget_kind == Project.BudgetKind.INVESTMENT
    assert sorted(bikes.communes.values_list("name", flat=True)) == ["Icogne", "Lens"]
    assert list(bikes.themes.values_list("name", flat=True)) == ["Communication"]
    parking = Project.objects.get(strategy=place, code="p2")
    assert parking.status == Project.Status.BLOCKED and parking.priority == 3
    assert parking.start_date == datetime.date(2026, 1, 5) and parking.end_date is None
    assert parking.budget_kind == "" and parking.communes.count() == 0


def test_headers_are_matched_without_case_accents_or_punctuation(place):
    content = xlsx(
        ["CODE", "titre", "mesure", "debut", "qui?", "statut"],
        [
            ["p1", "Titre", "m1", "01.02.2026", "Triage", "A VENIR"],
        ],
    )

    result = run(place, content)

    assert result.problems == []
    project = Project.objects.get(code="p1")
    assert project.start_date == datetime.date(2026, 2, 1) and project.lead == "Triage"
    assert project.status == Project.Status.PLANNED


def test_empty_optional_cells_leave_the_defaults(place):
    result = run(place, xlsx(HEADERS, [["p1", "Titre", "m1", None, None, None, None, None, None]]))

    assert result.problems == []
    project = Project.objects.get(code="p1")
    assert project.priority == Project.Priority.MEDIUM
    assert project.status == Project.Status.PLANNED
    assert project.start_date is None and project.lead == ""


def test_an_unchanged_export_imports_as_no_change(place):
    ProjectFactory(
        measure=place.measures.get(code="m1"),
        code="p1",
        title="Un\r\ndeux",
        start_date=datetime.date(2026, 1, 1),
        budget_planned=Decimal("1500.50"),
        progress=10,
        lead="=Commune",
        status=Project.Status.PAUSED,
    )
    project = ProjectFactory(measure=place.measures.get(code="m2"), code="p2")
    project.communes.set(place.territory.communes.all())
    project.themes.set(place.themes.all())

    result = run(place, exported(place), dry_run=True)

    assert result.problems == []
    assert result.counts == {"new": 0, "update": 0, "skip": 2, "invalid": 0}


def test_one_edited_cell_is_the_only_change_shown(place):
    ProjectFactory(measure=place.measures.get(code="m1"), code="p1", status=Project.Status.PLANNED)
    ProjectFactory(measure=place.measures.get(code="m1"), code="p2")
    workbook = open_xlsx(exported(place))
    sheet = workbook.active
    status_column = [cell.value for cell in sheet[1]].index("Statut") + 1
    sheet.cell(row=3, column=status_column).value = "bloqué"  # p2

    result = run(place, save(workbook), dry_run=True)

    assert result.counts == {"new": 0, "update": 1, "skip": 1, "invalid": 0}
    (row,) = result.rows
    assert (row.line, row.object_repr) == (3, "p2 – " + Project.objects.get(code="p2").title)
    assert row.changes == [Change("Statut", "à venir", "bloqué")]
    assert Project.objects.get(code="p2").status == Project.Status.PLANNED  # a preview


def test_a_project_is_found_by_strategy_and_code(place):
    other = StrategyFactory()
    elsewhere = ProjectFactory(
        measure=MeasureFactory(domain__axis__strategy=other, code="m1"), code="p1", title="Ailleurs"
    )
    here = ProjectFactory(measure=place.measures.get(code="m1"), code="p1", title="Ici")

    run(place, xlsx(["Code", "Titre"], [["p1", "Renommé"]]))

    here.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (here.title, elsewhere.title) == ("Renommé", "Ailleurs")


def test_a_measure_given_as_the_templates_label_is_read_as_its_code(place):
    content = xlsx(
        ["Code", "Titre", "Mesure"],
        [
            ["p1", "Vélos", "m1 – Mobilité douce"],  # as the template's list shows it
            ["p2", "Parking d'échange", "m2 - Parkings"],  # with a hyphen
            ["p3", "Casse", "M1 – mobilité douce"],
        ],
    )

    result = run(place, content)

    assert result.problems == []
    measures = dict(Project.objects.values_list("code", "measure__code"))
    assert measures == {"p1": "m1", "p2": "m2", "p3": "m1"}


def test_a_label_is_read_only_when_it_starts_with_a_measure_code(place):
    content = xlsx(
        ["Code", "Titre", "Mesure"],
        [["p1", "Vélos", "m9 – Mobilité douce"], ["p2", "Bus", "Mobilité – douce"]],
    )

    result = run(place, content)

    assert [(problem.line, problem.message) for problem in result.problems] == [
        (
            2,
            f"Aucune mesure de code « m9 – Mobilité douce » dans la stratégie « {place} »"
            " : importez d'abord les mesures (et leurs domaines), ou tout le plan d'un coup"
            " avec le classeur de la stratégie.",
        ),
        (
            3,
            f"Aucune mesure de code « Mobilité – douce » dans la stratégie « {place} »"
            " : importez d'abord les mesures (et leurs domaines), ou tout le plan d'un coup"
            " avec le classeur de la stratégie.",
        ),
    ]
    assert not Project.objects.exists()


def test_a_code_that_differs_only_by_case_updates_the_project(place):
    project = ProjectFactory(measure=place.measures.get(code="m2"), code="k1", title="Avant")

    result = run(place, xlsx(["Code", "Titre", "Mesure"], [["K1", "Après", "M1"]]))

    assert result.problems == []
    assert result.counts == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    project.refresh_from_db()
    assert (project.code, project.title, project.measure.code) == ("k1", "Après", "m1")
    assert Project.objects.count() == 1


def test_codes_that_differ_only_by_case_are_one_project_in_a_file(place):
    content = xlsx(["Code", "Titre", "Mesure"], [["k1", "Vélos", "m1"], ["K1", "Bus", "m1"]])

    result = run(place, content)

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (3, "Code", "Code « K1 » figure déjà à la ligne 2 du fichier."),
    ]
    assert not Project.objects.exists()


def test_every_bad_row_is_listed_with_its_line_column_and_message(place):
    ProjectFactory(measure=place.measures.get(code="m1"), code="p9")
    content = xlsx(
        [
            "Code",
            "Titre",
            "Mesure",
            "Priorité",
            "Communes",
            "Début",
            "Fin",
            "Budget prévu",
            "Stratégie",
        ],
        [
            ["p1", "Bon", "m1", 1, "Lens", "01.01.2026", "31.12.2026", 10, ""],
            ["p2", "Mesure inconnue", "m99", 1, None, None, None, None, None],
            ["p3", "Fin avant début", "m1", 1, None, "01.06.2026", "01.01.2026", None, None],
            [],
            ["p4", "Priorité 5", "m1", 5, None, None, None, None, None],
            ["p5", "Texte dans un nombre", "m1", 2, None, None, None, "beaucoup", None],
            ["p1", "Code répété", "m1", 1, None, None, None, None, None],
            ["p6", "Commune d'ailleurs", "m1", 1, "Sion", None, None, None, None],
            ["p7", "Date fausse", "m1", 1, None, "31.02.2026", None, None, None],
            ["p 8", "", "m1", 1, None, None, None, -5, None],
            ["p9", "Autre stratégie", "m1", 1, None, None, None, None, "SDI 2040 – Ailleurs"],
        ],
    )

    result = run(place, content)

    problems = [(problem.line, problem.column, problem.message) for problem in result.problems]
    assert problems == [
        (
            3,
            "Mesure",
            f"Aucune mesure de code « m99 » dans la stratégie « {place} »"
            " : importez d'abord les mesures (et leurs domaines), ou tout le plan d'un coup"
            " avec le classeur de la stratégie.",
        ),
        (4, "Début, Fin", "La fin ne peut pas précéder le début."),
        (6, "Priorité", "« 5 » n'est pas une valeur possible : 1 – haute, 2 – moyenne, 3 – basse."),
        (7, "Budget prévu", "« beaucoup » n'est pas un nombre."),
        (8, "Code", "Code « p1 » figure déjà à la ligne 2 du fichier."),
        (
            9,
            "Communes",
            "Commune inconnue dans le territoire de la stratégie : « Sion ». "
            "Possibles : Crans-Montana, Icogne, Lens.",
        ),
        (10, "Début", "« 31.02.2026 » n'est pas une date (jj.mm.aaaa, par exemple 31.12.2026)."),
        (
            11,
            "Code",
            "Un code ne contient ni espace ni accent : lettres, chiffres, point, tiret "
            "(ex. m1, p12).",
        ),
        (11, "Titre", "Ce champ ne peut pas être vide."),
        (11, "Budget prévu", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (
            12,
            "Stratégie",
            "Cette ligne vient de la stratégie « SDI 2040 – Ailleurs » : importez-la "
            "dans celle-ci, ou videz la colonne « Stratégie ».",
        ),
    ]
    assert result.problems[1].shown_value == "01.01.2026"
    assert list(Project.objects.values_list("code", flat=True)) == ["p9"]


def test_one_bad_row_among_a_thousand_writes_nothing(place, secretary):
    rows = [
        [f"p{n}", f"Projet {n}", "m1", 2, "Lens", "01.01.2026", "31.12.2026"]
        for n in range(1, 1001)
    ]
    rows[700][6] = "01.01.2025"  # ends before it starts
    content = xlsx(["Code", "Titre", "Mesure", "Priorité", "Communes", "Début", "Fin"], rows)

    result = run(place, content, user=secretary)

    assert [(problem.line, problem.column) for problem in result.problems] == [(702, "Début, Fin")]
    assert Project.objects.count() == 0
    assert Project.history.count() == 0
    assert Project.communes.through.objects.count() == 0


def test_history_records_who_imported_which_file(place, secretary):
    run(place, xlsx(["Code", "Titre", "Mesure"], [["p1", "Avant", "m1"]]), user=secretary)
    run(place, xlsx(["Code", "Titre"], [["p1", "Après"]]), user=secretary, file_name="suite.xlsx")

    project = Project.objects.get(code="p1")
    created, changed = project.history.order_by("history_id")
    assert (created.history_type, created.title, created.history_user) == ("+", "Avant", secretary)
    assert created.history_change_reason == "Import du fichier « projets.xlsx »"
    assert (changed.history_type, changed.title, changed.history_user) == ("~", "Après", secretary)
    assert changed.history_change_reason == "Import du fichier « suite.xlsx »"
    assert changed.measure_id == project.measure_id and changed.strategy_id == place.pk


def test_communes_and_themes_are_replaced_only_when_they_change(place, secretary):
    run(
        place,
        xlsx(
            ["Code", "Titre", "Mesure", "Communes"],
            [
                ["p1", "A", "m1", "Lens; Icogne"],
                ["p2", "B", "m1", "Lens"],
            ],
        ),
    )

    result = run(
        place,
        xlsx(
            ["Code", "Communes", "Thèmes"],
            [
                ["p1", "icogne, lens", ""],
                ["p2", "Crans-Montana", "Communication"],
            ],
        ),
        user=secretary,
    )

    assert result.counts["update"] == 1 and result.counts["skip"] == 1
    first, second = Project.objects.order_by("code")
    assert sorted(first.communes.values_list("name", flat=True)) == ["Icogne", "Lens"]
    assert list(second.communes.values_list("name", flat=True)) == ["Crans-Montana"]
    assert list(second.themes.values_list("name", flat=True)) == ["Communication"]
    assert second.history.count() == 2 and first.history.count() == 1


def test_a_column_left_out_of_the_file_is_left_unchanged(place):
    ProjectFactory(
        measure=place.measures.get(code="m1"),
        code="p1",
        lead="Triage",
        start_date=datetime.date(2026, 5, 1),
    )

    run(place, xlsx(["Code", "Statut"], [["p1", "réalisé"]]))

    project = Project.objects.get(code="p1")
    assert project.status == Project.Status.DONE
    assert (project.lead, project.start_date) == ("Triage", datetime.date(2026, 5, 1))


@pytest.mark.parametrize(
    ("dry_run", "sizes"),
    [(True, (5, 1200)), (False, (5, 40))],
    ids=["preview", "confirmation"],
)
def test_import_queries_do_not_grow_with_the_rows(place, secretary, dry_run, sizes):
    """The preview's queries do not depend on the number of rows at all; the confirmation's grow
    only by one INSERT per batch (of 1,000 rows, or of 58 projects on SQLite, whose statements
    take at most 999 parameters)."""

    def file_of(count: int, start: int) -> bytes:
        return xlsx(
            HEADERS,
            [
                [
                    f"p{n}",
                    f"Projet {n}",
                    "m1",
                    1,
                    "",
                    "Lens; Icogne",
                    "Communication",
                    "01.01.2026",
                    "31.12.2026",
                ]
                for n in range(start, start + count)
            ],
        )

    run(place, file_of(3, 5000), dry_run=dry_run, user=secretary)  # warm-up
    counts = []
    for count, start in zip(sizes, (1, 2000), strict=True):
        content = file_of(count, start)
        with CaptureQueriesContext(connection) as queries:
            result = run(place, content, dry_run=dry_run, user=secretary)
        assert result.counts["new"] == count
        counts.append(len(queries))
    assert counts[0] == counts[1]
