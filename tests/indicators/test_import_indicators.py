"""Indicators and their values from a spreadsheet: an indicator by its code, a value by its
indicator's code and its date; the model's rules as in the admin; round trip; nothing written when
a row is bad; no query per row."""

import datetime
import gc
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorValue
from indicators.resources import IndicatorResource, IndicatorValueResource
from spreadsheets.formats import XLSX
from spreadsheets.results import Change
from tests.factories import (
    AxisFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    UserFactory,
)
from tests.import_files import dataset, open_xlsx, save, xlsx


@pytest.fixture
def axis(strategy):
    return AxisFactory(strategy=strategy, number=1)


def run(resource_class, strategy, content, *, dry_run=False, user=None):
    return resource_class(strategy=strategy, user=user).import_data(
        dataset(content), dry_run=dry_run, file_name="indicateurs.xlsx"
    )


def exported(resource_class, queryset) -> bytes:
    return XLSX().export_data(resource_class().export(queryset, force_native_type=True))


def test_indicators_are_created_on_their_axis_or_measure(strategy, axis):
    MeasureFactory(domain__axis=axis, code="m1")
    content = xlsx(
        [
            "Code",
            "Nom",
            "Niveau",
            "Axe",
            "Mesure",
            "Sens",
            "État actuel",
            "État visé",
            "Fourchette : minimum",
            "Fourchette : maximum",
            "Fréquence",
        ],
        [
            [
                "s1",
                "Nuitées",
                "stratégique",
                1,
                None,
                "à augmenter",
                "?",
                "1 400 000",
                None,
                None,
                "annuelle",
            ],
            [
                "o1",
                "Guichet",
                "opérationnel (mesure)",
                None,
                "m1",
                "decrease",
                30,
                10,
                None,
                None,
                "Trimestrielle",
            ],
            [
                "s2",
                "Température",
                "strategic",
                "1",
                None,
                "à maintenir dans une fourchette",
                None,
                None,
                18,
                22,
                None,
            ],
        ],
    )

    result = run(IndicatorResource, strategy, content)

    assert result.problems == [] and result.counts["new"] == 3
    nights = Indicator.objects.get(code="s1")
    assert nights.axis == axis and nights.baseline_value is None
    assert nights.target_value == Decimal("1400000")
    desk = Indicator.objects.get(code="o1")
    assert desk.level == Indicator.Level.OPERATIONAL and desk.measure.code == "m1"
    assert desk.direction == Indicator.Direction.DECREASE
    assert desk.frequency == Indicator.Frequency.QUARTERLY
    warmth = Indicator.objects.get(code="s2")
    assert (warmth.range_min, warmth.range_max) == (Decimal(18), Decimal(22))


def test_the_indicators_rules_are_those_of_the_admin(strategy, axis):
    content = xlsx(
        ["Code", "Nom", "Niveau", "Axe", "Sens", "État actuel", "État visé"],
        [
            ["s1", "Sans axe", "stratégique", None, "à augmenter", None, 10],
            ["s2", "Cible = départ", "stratégique", 1, "à augmenter", 10, 10],
            ["s3", "À augmenter mais baisse", "stratégique", 1, "à augmenter", 10, 5],
            ["s4", "Sans cible", "stratégique", 1, "à augmenter", None, None],
        ],
    )

    result = run(IndicatorResource, strategy, content)

    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (
            2,
            "Niveau, Axe, Mesure",
            "Un indicateur stratégique se rattache à un axe, un indicateur "
            "opérationnel à une mesure.",
        ),
        (3, "État actuel, État visé", "L'état visé doit différer de l'état actuel."),
        (4, "État visé", "Un indicateur à augmenter vise plus que l'état actuel."),
        (
            5,
            "Sens, État visé, Fourchette : minimum, Fourchette : maximum",
            "Indiquez l'état visé (ou, pour une fourchette, un minimum et un maximum ordonnés).",
        ),
    ]
    assert not Indicator.objects.exists()


def test_indicators_round_trip(strategy, axis):
    IndicatorFactory(axis=axis, code="s1", baseline_value=None, unit="%", source="OFS")
    IndicatorFactory(
        axis=axis,
        code="s2",
        baseline_value=Decimal("12.5"),
        baseline_date=datetime.date(2020, 1, 1),
    )
    content = exported(IndicatorResource, Indicator.objects.order_by("code"))

    result = run(IndicatorResource, strategy, content, dry_run=True)

    assert result.problems == [] and result.counts["skip"] == 2
    sheet = open_xlsx(content).active
    baseline = [cell.value for cell in sheet[1]].index("État actuel") + 1
    assert sheet.cell(row=2, column=baseline).value == "?"  # an unknown baseline stays "?"


@pytest.fixture
def indicators(strategy, axis):
    return [IndicatorFactory(axis=axis, code=code) for code in ("s1", "s2")]


def test_values_are_found_by_indicator_code_and_date(strategy, indicators):
    IndicatorValueFactory(indicator=indicators[0], date=datetime.date(2025, 12, 31), value=40)
    content = xlsx(
        ["Indicateur", "Date", "Valeur", "Source"],
        [
            ["s1", "31.12.2025", 42, "OFS"],
            ["S1", datetime.date(2026, 6, 30), "43,5", None],
            ["s2", "2025-12-31", 7, None],
        ],
    )

    result = run(IndicatorValueResource, strategy, content)

    assert result.counts == {"new": 2, "update": 1, "skip": 0, "invalid": 0}
    assert list(indicators[0].values.order_by("date").values_list("date", "value")) == [
        (datetime.date(2025, 12, 31), Decimal("42")),
        (datetime.date(2026, 6, 30), Decimal("43.5")),
    ]
    assert indicators[1].values.get().value == 7


def test_values_and_indicators_accept_the_labels_of_the_templates_lists(strategy, axis):
    axis.title = "Attractivité"
    axis.save()
    MeasureFactory(domain__axis=axis, code="m1", title="Mobilité douce")
    IndicatorFactory(axis=axis, code="s1", name="Nuitées")
    indicators = xlsx(
        ["Code", "Nom", "Niveau", "Axe", "Mesure", "État visé"],
        [
            ["s2", "Emplois", "stratégique", "1 – Attractivité", None, 10],
            ["o1", "Vélos", "opérationnel", None, "m1 – Mobilité douce", 10],
        ],
    )
    values = xlsx(["Indicateur", "Date", "Valeur"], [["s1 – Nuitées", "31.12.2025", 42]])

    created = run(IndicatorResource, strategy, indicators)
    measured = run(IndicatorValueResource, strategy, values)

    assert created.problems == [] and measured.problems == []
    assert Indicator.objects.get(code="s2").axis == axis
    assert Indicator.objects.get(code="o1").measure.code == "m1"
    assert IndicatorValue.objects.get().indicator.code == "s1"


def test_an_indicator_code_that_differs_only_by_case_updates_the_indicator(strategy, indicators):
    content = xlsx(["Code", "Nom"], [["S1", "Renommé"]])

    result = run(IndicatorResource, strategy, content)

    assert result.problems == []
    assert result.counts == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    indicators[0].refresh_from_db()
    assert (indicators[0].code, indicators[0].name) == ("s1", "Renommé")


def test_values_round_trip_and_one_change_is_shown(strategy, indicators):
    for day in range(1, 6):
        IndicatorValueFactory(
            indicator=indicators[0], date=datetime.date(2025, 1, day), value=Decimal(day) / 3
        )
    workbook = open_xlsx(exported(IndicatorValueResource, IndicatorValue.objects.order_by("date")))
    assert run(IndicatorValueResource, strategy, save(workbook), dry_run=True).counts["skip"] == 5
    workbook.active["C4"] = 99

    result = run(IndicatorValueResource, strategy, save(workbook), dry_run=True)

    assert result.counts == {"new": 0, "update": 1, "skip": 4, "invalid": 0}
    assert result.rows[0].changes == [Change("Valeur", "1", "99")]


def test_bad_values_are_listed_and_nothing_is_written(strategy, indicators):
    content = xlsx(
        ["Indicateur", "Date", "Valeur"],
        [
            ["s1", "31.12.2025", 1],
            ["s9", "31.12.2025", 1],
            ["s1", "31/12/2025", 2],
            ["s2", None, 3],
            ["s2", "30.06.2025", None],
            ["s2", "30.06.2026", "n.d."],
        ],
    )

    result = run(IndicatorValueResource, strategy, content)

    assert [(p.line, p.column) for p in result.problems] == [
        (3, "Indicateur"),
        (4, "Indicateur"),
        (5, "Date"),
        (6, "Valeur"),
        (7, "Valeur"),
    ]
    assert result.problems[1].message == (
        "Indicateur « s1 », Date « 31/12/2025 » figure déjà à la ligne 2 du fichier."
    )
    assert not IndicatorValue.objects.exists()


def test_a_value_is_validated_as_written_however_often_an_equal_one_came(strategy, indicators):
    # 1.5 and 1.50000 are equal numbers, but the second has more decimals than the field keeps:
    # the validation of the first is not taken for the second's.
    content = xlsx(
        ["Indicateur", "Date", "Valeur"],
        [
            ["s1", "31.12.2024", "1,5"],
            ["s1", "31.12.2025", "1,50000"],
            ["s2", "31.12.2025", "1,5"],
        ],
    )

    result = run(IndicatorValueResource, strategy, content, dry_run=True)

    assert [(p.line, p.column) for p in result.problems] == [(3, "Valeur")]
    assert "4" in result.problems[0].message


def test_an_import_leaves_the_garbage_collector_as_it_found_it(strategy, indicators):
    content = xlsx(["Indicateur", "Date", "Valeur"], [["s1", "31.12.2025", 1]])
    frozen = gc.get_freeze_count()

    run(IndicatorValueResource, strategy, content, dry_run=True)
    run(IndicatorValueResource, None, content, dry_run=True)  # refused: no strategy

    assert gc.get_freeze_count() == frozen


def test_one_bad_value_among_a_thousand_writes_nothing(strategy, indicators):
    rows = [["s1", datetime.date(2020, 1, 1) + datetime.timedelta(days=n), n] for n in range(1000)]
    rows[500][2] = "beaucoup"

    result = run(
        IndicatorValueResource,
        strategy,
        xlsx(["Indicateur", "Date", "Valeur"], rows),
        user=UserFactory(),
    )

    assert [(p.line, p.column) for p in result.problems] == [(502, "Valeur")]
    assert not IndicatorValue.objects.exists() and not IndicatorValue.history.exists()


def test_imported_values_have_their_history(strategy, indicators):
    user = UserFactory(username="secretaire")
    run(
        IndicatorValueResource,
        strategy,
        xlsx(["Indicateur", "Date", "Valeur"], [["s1", "31.12.2025", 5]]),
        user=user,
    )

    record = IndicatorValue.objects.get().history.get()
    assert (record.history_type, record.value, record.history_user) == ("+", 5, user)
    assert record.history_change_reason == "Import du fichier « indicateurs.xlsx »"


@pytest.mark.parametrize(
    ("dry_run", "sizes"),
    [(True, (4, 2500)), (False, (4, 150))],
    ids=["preview", "confirmation"],
)
def test_value_queries_do_not_grow_with_the_rows(strategy, indicators, dry_run, sizes):
    def file_of(count: int, year: int) -> bytes:
        return xlsx(
            ["Indicateur", "Date", "Valeur"],
            [
                [("s1", "s2")[n % 2], datetime.date(year, 1, 1) + datetime.timedelta(days=n), n]
                for n in range(count)
            ],
        )

    run(IndicatorValueResource, strategy, file_of(3, 1900), dry_run=dry_run)  # warm-up
    counts = []
    for count, year in zip(sizes, (1950, 2000), strict=True):
        content = file_of(count, year)
        with CaptureQueriesContext(connection) as queries:
            result = run(IndicatorValueResource, strategy, content, dry_run=dry_run)
        assert result.counts["new"] == count
        counts.append(len(queries))
    assert counts[0] == counts[1]
