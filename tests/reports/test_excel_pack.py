"""The cockpit's Excel pack, opened back with openpyxl: sheets, values, styles, layout, safety."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cockpit.forms import CockpitFilterForm
from cockpit.views.strategy import filtered_axes
from indicators.models import Indicator
from projects.models import Project
from reports.pack import build_pack
from strategies.models import Axis
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
    ThemeFactory,
    UserFactory,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, strategy, query: str = ""):
    response = client.get(reverse("cockpit:pack", args=[strategy.pk]) + query)
    assert response.status_code == 200
    return response


def open_pack(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def row_of(ws, column: int, value) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


@pytest.fixture
def pack(member_client, demo):
    return open_pack(download(member_client, demo).content)


def test_pack_has_every_sheet_in_order(pack):
    assert pack.sheetnames == [
        "Synthèse",
        "Cockpit",
        "Modèle d'efficacité",
        "Indicateurs",
        "Valeurs",
        "Graphiques",
        "Projets",
        # The demo has proposals and criteria (tests/cockpit/test_prioritisation_pack.py).
        "Propositions",
        "Priorisation",
    ]


def test_pack_is_an_xlsx_attachment_named_after_the_strategy_and_date(member_client, demo):
    response = download(member_client, demo)
    today = timezone.localdate()
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="SDI-2028_cockpit_{today:%d.%m.%Y}.xlsx"'
    )


def test_workbook_properties_name_the_strategy(pack):
    assert pack.properties.title.startswith("SDI 2028 – Région de Crans-Montana – cockpit au ")
    assert pack.properties.creator == "Cockpit territorial"


def test_synthesis_has_the_strategy_header_one_rollup_row_per_axis_and_the_total(pack, demo):
    ws = pack["Synthèse"]
    assert ws["A1"].value == str(demo)
    assert ws.cell(row=row_of(ws, 1, "Territoire"), column=2).value == "Région de Crans-Montana"
    assert ws.cell(row=row_of(ws, 1, "Horizon"), column=2).value == "2020–2028"
    report_date = ws.cell(row=row_of(ws, 1, "Date du rapport"), column=2)
    assert report_date.value.date() == timezone.localdate()
    assert report_date.number_format == "DD.MM.YYYY"
    header = row_of(ws, 1, "Axe")
    assert [ws.cell(row=header, column=c).value for c in (2, 3, 8, 9, 16, 23, 24)] == [
        "Indicateurs",
        "✓ atteint",
        "Atteinte moyenne",
        "Projets",
        "Engagés",
        "Part réalisée",
        "Budget prévu",
    ]
    rows = [ws.cell(row=r, column=1).value for r in range(header + 1, ws.max_row + 1)]
    axes = [str(axis) for axis in Axis.objects.filter(strategy=demo)]
    assert rows == [*axes, "Toute la stratégie"]
    first = header + 1
    assert ws.cell(row=first, column=8).number_format == "0 %"
    assert ws.cell(row=first, column=24).number_format == '#,##0 "CHF"'
    assert isinstance(ws.cell(row=first, column=24).value, int | float)
    assert ws.cell(row=ws.max_row, column=9).value == Project.objects.filter(strategy=demo).count()


def test_cockpit_sheet_reproduces_the_steering_table(pack, demo):
    ws = pack["Cockpit"]
    assert ws["A1"].value == "Objectifs stratégiques"
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert [cell.value for cell in ws[2]] == [
        "No.",
        "Indicateurs stratégiques",
        "état actuel",
        "état visé",
        "atteint",
        "%",
        "statut",
        "No.",
        "Mesure",
        "No. (o)",
        "No.",
        "Projets",
        "Prio",
        "Qui ?",
        "Début",
        "Fin",
        "ok",
    ]
    band = row_of(ws, 1, "Axe 1 : Infrastructures et équipements")
    assert f"A{band}:Q{band}" in {str(r) for r in ws.merged_cells.ranges}
    s1 = row_of(ws, 1, "s1")
    assert ws.cell(row=s1, column=3).value == "?"  # baseline unknown
    assert ws.cell(row=s1, column=6).value == 1
    assert ws.cell(row=s1, column=6).number_format == "0 %"
    status = ws.cell(row=s1, column=7)
    value_date = Indicator.objects.get(strategy=demo, code="s1").values.latest("date").date
    assert status.value == f"✓ atteint\n{value_date:%d.%m.%Y}"  # the status, the value's date
    assert status.fill.fgColor.rgb.endswith("C6EFCE")
    p1 = row_of(ws, 11, "p1")
    project = Project.objects.get(strategy=demo, code="p1")
    start = ws.cell(row=p1, column=15)
    assert isinstance(start.value, datetime.datetime)
    assert start.value.date() == project.start_date
    assert start.number_format == "DD.MM.YYYY"


def test_cockpit_sheet_merges_a_measure_over_its_projects(member_client, demo):
    measure = demo.measures.get(code="m1")
    ProjectFactory(measure=measure, code="p99", title="Deuxième projet de m1")
    ws = open_pack(download(member_client, demo).content)["Cockpit"]
    first = row_of(ws, 8, "m1")
    assert ws.cell(row=first + 1, column=11).value == "p99"
    assert f"H{first}:H{first + 1}" in {str(r) for r in ws.merged_cells.ranges}


def test_status_and_mark_cells_are_coloured(pack):
    ws = pack["Cockpit"]
    s4 = row_of(ws, 1, "s4")
    assert ws.cell(row=s4, column=7).value.splitlines()[0] == "✗ hors trajectoire"
    assert ws.cell(row=s4, column=7).fill.fgColor.rgb.endswith("FFC7CE")
    p3 = row_of(ws, 11, "p3")
    assert ws.cell(row=p3, column=17).value == "✗ bloqué"
    assert ws.cell(row=p3, column=17).fill.fgColor.rgb.endswith("FFC7CE")


def test_tables_are_frozen_filtered_and_print_on_a4_landscape(pack):
    cockpit = pack["Cockpit"]
    assert cockpit.freeze_panes == "A3"
    assert cockpit.auto_filter.ref == f"A2:Q{cockpit.max_row}"
    assert cockpit.print_title_rows == "$1:$2"
    projects = pack["Projets"]
    assert projects.freeze_panes == "A2"
    assert projects.auto_filter.ref == f"A1:U{projects.max_row}"
    assert projects["A1"].font.b
    assert projects["A1"].fill.fgColor.rgb.endswith("1F4E79")
    for ws in pack.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        if ws.title == "Graphiques":  # at 100 %, its page breaks set between the charts
            assert not ws.sheet_properties.pageSetUpPr.fitToPage
        else:
            assert int(ws.page_setup.fitToWidth or 1) == 1  # absent: the format's default, 1
            assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddHeader.left.text.startswith("SDI 2028")
        assert ws.oddFooter.right.text == "Page &P / &N"
        assert timezone.localdate().strftime("%d.%m.%Y") in ws.oddFooter.left.text


def test_attainment_columns_carry_a_data_bar(pack):
    for title, column in (("Cockpit", "F"), ("Indicateurs", "J")):
        rules = [
            (str(formatting.sqref), rule.type)
            for formatting in pack[title].conditional_formatting
            for rule in formatting.rules
        ]
        assert any(ref.startswith(column) and kind == "dataBar" for ref, kind in rules), title


def test_effectiveness_sheet_has_the_seed_columns_per_axis(pack):
    ws = pack["Modèle d'efficacité"]
    assert [cell.value for cell in ws[1]] == [
        "DOMAINES DE MESURES",
        "EXÉCUTION Responsable",
        "EXÉCUTION Partenaires",
        "RESSOURCES",
        "RÉALISATIONS (outputs)",
        "PROJETS",
    ]
    assert ws["A2"].value == "Axe 1 : Infrastructures et équipements"
    assert "m1 – Mobilité individuelle" in ws["A3"].value
    assert ws["F3"].value == "p1 – Plan sectoriel de la mobilité"


def test_indicators_sheet_lists_every_indicator_with_its_evaluation(pack):
    ws = pack["Indicateurs"]
    codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert codes == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "i1", "i2"]
    s3 = row_of(ws, 1, "s3")
    assert ws.cell(row=s3, column=6).value == 4200
    assert ws.cell(row=s3, column=10).number_format == "0 %"
    assert ws.cell(row=s3, column=9).number_format == "DD.MM.YYYY"
    s7 = row_of(ws, 1, "s7")
    assert ws.cell(row=s7, column=11).value == "? sans donnée"
    assert ws.cell(row=s7, column=8).value is None


def test_values_sheet_holds_the_history_and_charts_plot_it(pack):
    ws = pack["Valeurs"]
    assert [cell.value for cell in ws[1]] == [
        "Indicateur",
        "Date",
        "Valeur",
        "Source",
        "Commentaire",
    ]
    s1 = [row for row in ws.iter_rows(min_row=2, values_only=True) if row[0] == "s1"]
    assert [value for _code, _date, value, *_rest in s1] == [8, 17, 24, 30]
    assert ws.cell(row=2, column=2).number_format == "DD.MM.YYYY"
    charts = pack["Graphiques"]._charts
    assert len(charts) == 8  # s1–s8, s7 too (it says it has no value)
    series = charts[0].series[0]
    assert series.xVal.numRef.f == "'Valeurs'!$B$2:$B$5"
    assert series.yVal.numRef.f == "'Valeurs'!$C$2:$C$5"


def test_charts_carry_their_points_for_viewers_that_do_not_recalculate(pack):
    ws = pack["Valeurs"]
    s1 = [row for row in ws.iter_rows(min_row=2, values_only=True) if row[0] == "s1"]
    series = pack["Graphiques"]._charts[0].series[0]
    cached = [point.v for point in series.yVal.numRef.numCache.pt]
    assert cached == [value for _code, _date, value, *_rest in s1]
    dates = [point.v for point in series.xVal.numRef.numCache.pt]
    assert len(dates) == len(s1) and dates == sorted(dates)


def test_projects_sheet_has_every_field_with_fundings_as_text(pack, demo):
    ws = pack["Projets"]
    assert [cell.value for cell in ws[1]][:4] == ["Code", "Titre", "Axe", "Mesure"]
    assert [ws[f"{column}1"].value for column in "PQR"] == [
        "Budget prévu",
        "Budget engagé",
        "Budget dépensé",
    ]
    assert ws["U1"].value == "Total des financements"
    p2 = row_of(ws, 1, "p2")
    fundings = ws.cell(row=p2, column=20).value
    assert "Canton du Valais 2\u202f000\u202f000 (acquis)" in fundings
    assert ws.cell(row=p2, column=21).value == 19500000
    assert ws.cell(row=p2, column=21).number_format == '#,##0 "CHF"'
    assert ws.cell(row=p2, column=15).value == 1
    assert ws.cell(row=p2, column=15).number_format == "0 %"
    assert ws.cell(row=p2, column=10).number_format == "DD.MM.YYYY"
    assert ws.max_row - 1 == Project.objects.filter(strategy=demo).count()


def test_axis_filter_keeps_only_that_axis(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    pack = open_pack(download(member_client, demo, f"?axis={axis.pk}").content)
    ws = pack["Cockpit"]
    bands = [
        ws.cell(row=r, column=1).value
        for r in range(3, ws.max_row + 1)
        if str(ws.cell(row=r, column=1).value).startswith("Axe ")
    ]
    assert bands == [str(axis)]
    projects = pack["Projets"]
    assert {projects.cell(row=r, column=3).value for r in range(2, projects.max_row + 1)} == {2}


def test_text_that_looks_like_a_formula_stays_text(member_client, demo):
    formula = '=HYPERLINK("http://x","y")'
    ProjectFactory(
        measure=demo.measures.get(code="m1"),
        code="p98",
        title=formula,
        lead="+41 27 000 00 00",
        partners="@partenaire",
    )
    ws = open_pack(download(member_client, demo).content)["Projets"]
    row = row_of(ws, 1, "p98")
    for column, text in ((2, formula), (6, "+41 27 000 00 00"), (7, "@partenaire")):
        cell = ws.cell(row=row, column=column)
        assert cell.value == text
        assert cell.data_type == "s"
    cockpit = open_pack(download(member_client, demo).content)["Cockpit"]
    title = cockpit.cell(row=row_of(cockpit, 11, "p98"), column=12)
    assert (title.value, title.data_type) == (formula, "s")


def test_member_of_another_territory_gets_404(client, demo):
    outsider = MembershipFactory().user
    client.force_login(outsider)
    response = client.get(reverse("cockpit:pack", args=[demo.pk]))
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, demo):
    url = reverse("cockpit:pack", args=[demo.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_cockpit_page_links_to_the_pack_with_its_filters(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    url = reverse("cockpit:pack", args=[demo.pk])
    page = member_client.get(reverse("cockpit:strategy", args=[demo.pk]))
    assert f'href="{url}"' in page.content.decode()
    fragment = member_client.get(
        reverse("cockpit:strategy", args=[demo.pk]) + f"?axis={axis.pk}",
        headers={"HX-Request": "true"},
    )
    assert f'href="{url}?axis={axis.pk}"' in fragment.content.decode()
    assert "Télécharger le rapport Excel" in fragment.content.decode()


def portfolio(strategy, size: int) -> None:
    """``size`` projects over two axes, each with fundings, communes and themes, and indicators
    with values."""
    commune = CommuneFactory(territory=strategy.territory)
    theme = ThemeFactory(strategy=strategy)
    measures = []
    for number in (1, 2):
        axis = AxisFactory(strategy=strategy, number=number)
        measures.append(MeasureFactory(domain=DomainFactory(axis=axis)))
        indicator = IndicatorFactory(axis=axis, baseline_value=Decimal("10"))
        IndicatorValueFactory(indicator=indicator, date=datetime.date(2022, 1, 1))
        IndicatorValueFactory(indicator=indicator, date=datetime.date(2023, 1, 1))
        IndicatorFactory(operational=True, measure=measures[-1], strategy=strategy)
    for index in range(size):
        project = ProjectFactory(
            measure=measures[index % 2],
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2025, 1, 1),
            budget_planned=Decimal("1000"),
        )
        project.communes.add(commune)
        project.themes.add(theme)
        FundingFactory(project=project)


def count_download_queries(client, strategy) -> int:
    url = reverse("cockpit:pack", args=[strategy.pk])
    client.get(url)  # warm-up (session, caches)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_download_runs_the_same_number_of_queries_at_10_and_100_projects(client, db):
    user = UserFactory()
    small, large = StrategyFactory(), StrategyFactory()
    for strategy, size in ((small, 10), (large, 100)):
        MembershipFactory(user=user, territory=strategy.territory)
        portfolio(strategy, size)
    client.force_login(user)
    assert count_download_queries(client, small) == count_download_queries(client, large)


@dataclass
class StandInChange:
    kind: str
    when: datetime.datetime
    subject: str
    field: str
    before: object
    after: object
    author: str


@dataclass
class StandInWorkshop:
    number: int
    date: datetime.date


@dataclass
class StandInDecision:
    workshop: StandInWorkshop
    text: str
    owner: str
    due_date: datetime.date
    status: str
    axis: object = None
    measure: object = None
    project: object = None

    def get_status_display(self) -> str:
        return self.status

    def is_overdue(self, on: datetime.date) -> bool:
        return self.status != "réalisée" and self.due_date < on


def test_changes_and_decisions_sheets_are_written_from_any_objects(demo):
    on = datetime.date(2026, 11, 23)
    axes = filtered_axes(demo, CockpitFilterForm(demo), on)
    when = datetime.datetime(2026, 11, 2, 17, 30, tzinfo=datetime.UTC)
    changes = [
        StandInChange(
            "project_changed", when, "p3 – Aqualoisirs", "statut", "en cours", "bloqué", "sec"
        ),
        StandInChange("value_recorded", when, "s1", "valeur", None, Decimal("30"), "sec"),
        StandInChange("projet", when, "p1", "fin", datetime.date(2027, 1, 1), None, "-x"),
    ]
    decisions = [
        StandInDecision(
            StandInWorkshop(3, datetime.date(2026, 10, 1)),
            "=cmd|' /C calc'!A0",
            "Secrétariat",
            datetime.date(2026, 11, 1),
            "ouverte",
            project="p3 – Aqualoisirs",
        ),
        StandInDecision(
            StandInWorkshop(3, datetime.date(2026, 10, 1)),
            "Relancer le canton",
            "Président",
            datetime.date(2027, 1, 1),
            "ouverte",
        ),
    ]
    pack = open_pack(build_pack(demo, on=on, axes=axes, changes=changes, decisions=decisions))
    assert pack.sheetnames[-4:] == ["Changements", "Décisions", "Propositions", "Priorisation"]

    ws = pack["Changements"]
    assert [cell.value for cell in ws[1]] == [
        "Date",
        "Type",
        "Objet",
        "Champ",
        "Avant",
        "Après",
        "Par",
    ]
    assert ws["A2"].value == datetime.datetime(2026, 11, 2, 18, 30)  # Europe/Zurich
    assert ws["A2"].number_format == "DD.MM.YYYY HH:MM"
    assert (ws["B2"].value, ws["B3"].value, ws["B4"].value) == (
        "projet modifié",
        "valeur mesurée",
        "projet",
    )
    assert (ws["E2"].value, ws["F2"].value) == ("en cours", "bloqué")
    assert ws["F3"].value == 30
    assert ws["E4"].number_format == "DD.MM.YYYY"
    assert (ws["G4"].value, ws["G4"].data_type) == ("-x", "s")
    assert ws.auto_filter.ref == "A1:G4"

    ws = pack["Décisions"]
    assert [cell.value for cell in ws[1]] == [
        "Atelier",
        "Décision",
        "Concerne",
        "Responsable",
        "Échéance",
        "Statut",
        "En retard",
    ]
    assert ws["A2"].value == "Atelier 3 du 01.10.2026"
    assert (ws["B2"].value, ws["B2"].data_type) == ("=cmd|' /C calc'!A0", "s")
    assert ws["C2"].value == "p3 – Aqualoisirs"
    assert ws["E2"].number_format == "DD.MM.YYYY"
    assert ws["G2"].value == "oui"
    assert ws["G2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["G3"].value == "non"


def test_pack_without_changes_or_decisions_has_no_such_sheets(demo):
    on = timezone.localdate()
    pack = open_pack(build_pack(demo, on=on, axes=filtered_axes(demo, CockpitFilterForm(demo), on)))
    assert "Changements" not in pack.sheetnames
    assert "Décisions" not in pack.sheetnames


def test_rows_grow_with_their_wrapped_text(member_client, demo):
    project = Project.objects.get(strategy=demo, code="p1")
    project.title = ("Plan sectoriel de la mobilité " * 8).strip()  # 239 characters, within 250
    project.save()

    workbook = open_pack(download(member_client, demo).content)

    sheet = workbook["Projets"]
    long_row = row_of(sheet, 1, "p1")
    short_row = row_of(sheet, 1, "p5")  # "Crèche"
    assert sheet.row_dimensions[long_row].height >= 5 * 15
    assert sheet.row_dimensions[long_row].height > (sheet.row_dimensions[short_row].height or 15)


def test_merged_measure_cells_get_the_height_their_text_needs(member_client, demo):
    from strategies.models import Measure

    measure = Measure.objects.get(strategy=demo, code="m6")  # over p6, p7, p8
    measure.title = ("Une mesure au titre très long " * 8).strip()  # 239 characters
    measure.save()

    workbook = open_pack(download(member_client, demo).content)

    sheet = workbook["Cockpit"]
    [span] = [
        r for r in sheet.merged_cells.ranges if sheet.cell(r.min_row, r.min_col).value == "m6"
    ]
    total = sum(
        sheet.row_dimensions[row].height or 15 for row in range(span.min_row, span.max_row + 1)
    )
    assert total >= 239 / (32 * 1.1) * 15


def facts_of(ws) -> dict:
    """The « Synthèse » sheet's facts, label → value, down to the blank row above its table."""
    facts, row = {}, 2
    while ws.cell(row=row, column=1).value is not None:
        facts[ws.cell(row=row, column=1).value] = ws.cell(row=row, column=2).value
        row += 1
    return facts


def test_a_filtered_pack_states_its_filters_in_synthesis_and_in_its_file_name(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    response = download(member_client, demo, f"?axis={axis.pk}&late=on&status=in_progress")
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="SDI-2028_cockpit_filtre-axe-2-en-cours-en-retard-seulement_'
        f'{today:%d.%m.%Y}.xlsx"'
    )
    facts = facts_of(open_pack(response.content)["Synthèse"])
    assert facts["Filtres appliqués"] == (
        f"Axe : 2 – {axis.title} ; Statut : en cours ; En retard seulement"
    )


def test_a_full_pack_mentions_no_filter(member_client, demo):
    response = download(member_client, demo)
    assert "filtre" not in response["Content-Disposition"]
    assert "Filtres appliqués" not in facts_of(open_pack(response.content)["Synthèse"])


def test_filters_are_named_in_the_strategys_level_names(member_client, demo):
    demo.level_names = {"axis": {"singular": "priorité", "plural": "priorités", "gender": "f"}}
    demo.save()
    axis = Axis.objects.get(strategy=demo, number=1)
    response = download(member_client, demo, f"?axis={axis.pk}&q=bus")
    assert "_cockpit_filtre-priorite-1-bus_" in response["Content-Disposition"]
    facts = facts_of(open_pack(response.content)["Synthèse"])
    assert facts["Filtres appliqués"] == f"Priorité : 1 – {axis.title} ; Recherche : « bus »"


def test_filters_are_stated_in_english_for_an_english_reader(member_client, demo):
    member_client.cookies["django_language"] = "en"
    axis = Axis.objects.get(strategy=demo, number=1)
    response = download(member_client, demo, f"?axis={axis.pk}&q=bus&late=on")
    assert "_cockpit_filter-axis-1-late-only-bus_" in response["Content-Disposition"]
    facts = facts_of(open_pack(response.content)["Summary"])
    assert facts["Filters applied"] == f"Axis: 1 – {axis.title}; Late only; Search: “bus”"
