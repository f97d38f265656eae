"""The pack's « Graphiques » sheet read back from its XML parts (zipfile + defusedxml): each chart
tells the indicator page's story (values, target or range, trajectory, today, status in the
title), on a readable date axis, printed two a page without a chart cut by a page break."""

from __future__ import annotations

import datetime
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone

from indicators.models import Evaluation, Indicator, Status
from reports.chart_sheet import charts_sheet
from spreadsheets.values import excel_serial
from spreadsheets.xlsx import Book
from steering.table import AxisBlock
from strategies.models import Axis
from tests.factories import IndicatorFactory, IndicatorValueFactory

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
}
R_ID = f"{{{NS['r']}}}id"


@dataclass
class Series:
    name: str
    x_ref: str
    y_ref: str
    x: list[float]
    y: list[float]
    dash: str


@dataclass
class ChartPart:
    title: str
    series: list[Series]
    x_axis: ElementTree.Element
    y_axis: ElementTree.Element
    legend_deleted: set[int]
    from_row: int  # 0-based, as in the drawing's anchor
    to_row: int

    def named(self, start: str) -> Series:
        (series,) = [series for series in self.series if series.name.startswith(start)]
        return series


@dataclass
class ChartsSheet:
    sheet: ElementTree.Element
    charts: list[ChartPart] = field(default_factory=list)

    @property
    def breaks(self) -> list[int]:
        return [int(brk.get("id")) for brk in self.sheet.iterfind("m:rowBreaks/m:brk", NS)]

    def text_of_column_a(self) -> list[str]:
        return [
            cell.findtext("m:is/m:t", namespaces=NS)
            for cell in self.sheet.iterfind("m:sheetData/m:row/m:c", NS)
            if cell.get("r").startswith("A") and cell.get("t") == "inlineStr"
        ]


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = ElementTree.fromstring(archive.read(f"{folder}/_rels/{name}.rels"))
    return {
        rel.get("Id"): posixpath.normpath(posixpath.join(folder, rel.get("Target")))
        for rel in rels.iterfind("rel:Relationship", NS)
    }


def _numbers(ref: ElementTree.Element) -> list[float]:
    return [float(point.findtext("c:v", namespaces=NS)) for point in ref.iterfind(".//c:pt", NS)]


def charts_sheet_of(content: bytes, title: str = "Graphiques") -> ChartsSheet:
    """The sheet ``title`` and its charts, in the order of their anchors."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    (sheet_id,) = [
        sheet.get(R_ID)
        for sheet in workbook.iterfind("m:sheets/m:sheet", NS)
        if sheet.get("name") == title
    ]
    sheet_part = _rels(archive, "xl/workbook.xml")[sheet_id]
    sheet = ElementTree.fromstring(archive.read(sheet_part))
    result = ChartsSheet(sheet)
    drawing = sheet.find("m:drawing", NS)
    if drawing is None:
        return result
    drawing_part = _rels(archive, sheet_part)[drawing.get(R_ID)]
    chart_parts = _rels(archive, drawing_part)
    anchors = ElementTree.fromstring(archive.read(drawing_part))
    for anchor in anchors.iterfind("xdr:twoCellAnchor", NS):
        chart_id = anchor.find(".//c:chart", NS).get(R_ID)
        chart = ElementTree.fromstring(archive.read(chart_parts[chart_id]))
        series = []
        for ser in chart.iterfind(".//c:ser", NS):
            dash = ser.find("c:spPr/a:ln/a:prstDash", NS)
            series.append(
                Series(
                    name=ser.findtext("c:tx//c:v", namespaces=NS) or "",
                    x_ref=ser.findtext("c:xVal/c:numRef/c:f", namespaces=NS),
                    y_ref=ser.findtext("c:yVal/c:numRef/c:f", namespaces=NS),
                    x=_numbers(ser.find("c:xVal", NS)),
                    y=_numbers(ser.find("c:yVal", NS)),
                    dash="solid" if dash is None else dash.get("val"),
                )
            )
        x_axis, y_axis = chart.findall(".//c:valAx", NS)
        result.charts.append(
            ChartPart(
                title="".join(
                    text.text or "" for text in chart.iterfind("c:chart/c:title//a:t", NS)
                ),
                series=series,
                x_axis=x_axis,
                y_axis=y_axis,
                legend_deleted={
                    int(entry.find("c:idx", NS).get("val"))
                    for entry in chart.iterfind(".//c:legendEntry", NS)
                },
                from_row=int(anchor.findtext("xdr:from/xdr:row", namespaces=NS)),
                to_row=int(anchor.findtext("xdr:to/xdr:row", namespaces=NS)),
            )
        )
    return result


@pytest.fixture
def pack_content(member_client, demo) -> bytes:
    response = member_client.get(reverse("cockpit:pack", args=[demo.pk]))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def sheet(pack_content) -> ChartsSheet:
    return charts_sheet_of(pack_content)


def strategic(demo) -> list[Indicator]:
    return list(
        Indicator.objects.filter(strategy=demo, level=Indicator.Level.STRATEGIC)
        .select_related("strategy")
        .order_by("axis__number", "code")
    )


def test_every_strategic_indicator_gets_a_chart_in_axis_order(sheet, demo):
    codes = [chart.title.split(" – ")[0] for chart in sheet.charts]
    assert codes == [indicator.code for indicator in strategic(demo)]


def test_each_chart_shows_values_target_or_range_trajectory_and_today(sheet, demo):
    today = excel_serial(timezone.localdate())
    for indicator, chart in zip(strategic(demo), sheet.charts, strict=True):
        values = list(indicator.values.order_by("date", "pk"))
        if values:
            measured = chart.named("valeurs mesurées")
            assert measured.x_ref.startswith("'Valeurs'!$B$")
            assert measured.y_ref.startswith("'Valeurs'!$C$")
            assert len(measured.y) == len(values)
            assert measured.y == [float(value.value) for value in values]
        today_line = chart.named("aujourd’hui")
        assert today_line.x == [today, today]  # a vertical line at the pack's date …
        low, high = today_line.y  # … across the whole value axis
        assert low == float(chart.y_axis.find("c:scaling/c:min", NS).get("val"))
        assert high == float(chart.y_axis.find("c:scaling/c:max", NS).get("val"))
        if indicator.direction == Indicator.Direction.RANGE:
            bounds = [series for series in chart.series if series.name.startswith("fourchette")]
            assert [line.y for line in bounds] == [
                [float(indicator.range_min)] * 2,
                [float(indicator.range_max)] * 2,
            ]
            assert all(line.dash == "dash" for line in bounds)
            # One legend entry for the two bounds.
            assert chart.legend_deleted == {chart.series.index(bounds[1])}
        else:
            target = chart.named("cible")
            assert target.y == [float(indicator.target_value)] * 2
            assert target.dash == "dash"
            trajectory = chart.named("trajectoire attendue")
            assert trajectory.x == [
                excel_serial(indicator.trajectory_start()),
                excel_serial(indicator.trajectory_end()),
            ]
            assert trajectory.y[1] == float(indicator.target_value)
            assert trajectory.dash == "lgDashDot"
        # Every line but the values' own is two points written in the chart's own sheet.
        for series in chart.series:
            if not series.name.startswith("valeurs"):
                assert series.x_ref.startswith("'Graphiques'!")
                assert len(series.x) == len(series.y) == 2


def test_titles_carry_the_status_symbol_word_and_attainment(sheet, demo):
    on = timezone.localdate()
    for indicator, chart in zip(strategic(demo), sheet.charts, strict=True):
        evaluation = indicator.evaluate(on)
        assert chart.title.startswith(f"{indicator.code} – ")
        assert f" · {evaluation.status.symbol} {evaluation.status.label}" in chart.title
        if evaluation.attainment is not None:
            attainment = f"{evaluation.attainment.quantize(Decimal(1))}\u00a0%"
            assert attainment.replace("\u00a0", " ") in chart.title.replace("\u00a0", " ")


def test_the_indicator_without_a_value_says_so(sheet, demo):
    (s7,) = [chart for chart in sheet.charts if chart.title.startswith("s7 ")]
    assert "? sans donnée" in s7.title
    assert "Aucune valeur mesurée" in s7.title
    assert not [series for series in s7.series if series.name.startswith("valeurs")]


def test_the_time_axis_has_yearly_ticks_labelled_with_the_year(sheet):
    for chart in sheet.charts:
        axis = chart.x_axis
        assert float(axis.find("c:majorUnit", NS).get("val")) == 366
        assert axis.find("c:numFmt", NS).get("formatCode") == "yyyy"
        low = float(axis.find("c:scaling/c:min", NS).get("val"))
        first = datetime.date(1899, 12, 30) + datetime.timedelta(days=low)
        assert (first.month, first.day) == (1, 1)
        # The value axis names the unit.
        assert chart.y_axis.find("c:title//a:t", NS).text


def test_charts_print_two_a_page_on_a4_landscape_never_cut_by_a_break(sheet):
    setup = sheet.sheet.find("m:pageSetup", NS)
    assert (setup.get("orientation"), setup.get("paperSize")) == ("landscape", "9")
    assert (
        setup.get("fitToHeight") is None and sheet.sheet.find("m:sheetPr/m:pageSetUpPr", NS) is None
    )
    breaks = sheet.breaks
    assert len(breaks) == (len(sheet.charts) - 1) // 2
    # A break with id n falls between rows n and n + 1 (from 1), 0-based rows n - 1 and n.
    for chart in sheet.charts:
        assert not any(chart.from_row < brk <= chart.to_row for brk in breaks)
    pages = [sum(brk <= chart.from_row for brk in breaks) for chart in sheet.charts]
    assert pages == [index // 2 for index in range(len(sheet.charts))]


def test_each_axis_title_heads_its_charts_in_axis_order(sheet, demo):
    axes = [str(axis) for axis in Axis.objects.filter(strategy=demo).select_related("strategy")]
    headings = [text for text in sheet.text_of_column_a() if text.startswith(tuple(axes))]
    assert [heading for heading in headings if "(suite)" not in heading] == axes


def test_english_reader_gets_the_charts_in_english(member_client, demo):
    member_client.cookies["django_language"] = "en"
    response = member_client.get(reverse("cockpit:pack", args=[demo.pk]))
    sheet = charts_sheet_of(response.content, "Charts")
    names = {series.name.split(" (")[0] for chart in sheet.charts for series in chart.series}
    assert {"measured values", "expected trajectory", "today"} <= names
    assert "No value measured" in next(c.title for c in sheet.charts if c.title.startswith("s7 "))


def _pack_of(strategy, indicators: list[tuple[Indicator, list]], on) -> ChartsSheet:
    """A « Graphiques » sheet of ``indicators`` (each with its values (date, value)) alone."""
    book = Book(str(strategy), on, constant_memory=True)
    axis = indicators[0][0].axis
    history = {indicator.pk: [(d, v, "", "") for d, v in rows] for indicator, rows in indicators}
    spans, row = {}, 1
    for indicator, rows in indicators:
        if rows:
            spans[indicator.pk] = (row + 1, row + len(rows))
            row += len(rows)
    block = AxisBlock(
        axis=axis,
        indicators=[(indicator, indicator.evaluate(on)) for indicator, _rows in indicators],
    )
    charts_sheet(book, "Valeurs", [block], spans, history, on)
    return charts_sheet_of(book.close())


def test_a_single_value_and_a_missing_target_are_said_in_the_title(strategy):
    on = datetime.date(2025, 1, 1)
    single = IndicatorFactory(axis__strategy=strategy, code="a1", target_value=Decimal(100))
    IndicatorValueFactory(indicator=single, date=datetime.date(2024, 1, 1), value=Decimal(40))
    # No target: the database refuses it (``indicator_target_defined``), the chart still says it.
    no_target = Indicator(
        pk=10**6,
        strategy=strategy,
        axis=single.axis,
        code="a2",
        name="Sans cible",
        level=Indicator.Level.STRATEGIC,
        direction=Indicator.Direction.INCREASE,
        target_value=None,
    )
    no_target.evaluate = lambda on: Evaluation(Status.NO_DATA, None, "")

    sheet = _pack_of(
        strategy, [(single, [(datetime.date(2024, 1, 1), Decimal(40))]), (no_target, [])], on
    )

    first, second = sheet.charts
    assert "Une seule valeur mesurée" in first.title
    assert len(first.named(first.series[0].name).y) == 1
    assert "Aucune valeur mesurée" in second.title and "Pas de cible" in second.title
    assert not any(series.name.startswith(("cible", "trajectoire")) for series in second.series)


def test_a_short_span_gets_quarterly_ticks(strategy):
    on = datetime.date(2024, 6, 1)
    indicator = IndicatorFactory(
        axis__strategy=strategy,
        baseline_date=datetime.date(2024, 2, 10),
        target_date=datetime.date(2024, 11, 20),
        target_value=Decimal(100),
    )

    (chart,) = _pack_of(strategy, [(indicator, [])], on).charts

    assert chart.x_axis.find("c:numFmt", NS).get("formatCode") == "mm.yyyy"
    assert float(chart.x_axis.find("c:majorUnit", NS).get("val")) == 92


def test_a_long_series_caches_one_point_in_so_many_and_refers_to_all_its_rows(member_client, demo):
    """Excel and LibreOffice redraw a chart from its cells when they open the file; the cache is
    what a viewer that does not recalculate draws. Above CACHED_POINTS values it is thinned, with
    the series' first and last points, its count still the range's, and its gaps spanned."""
    from indicators.models import IndicatorValue
    from reports.chart_sheet import CACHED_POINTS

    indicator = strategic(demo)[0]
    indicator.values.all().delete()
    count = CACHED_POINTS * 2 + 501
    first = datetime.date(2020, 1, 1)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            date=first + datetime.timedelta(days=index),
            value=Decimal(index % 97),
        )
        for index in range(count)
    )
    content = member_client.get(reverse("cockpit:pack", args=[demo.pk])).content
    (chart,) = [c for c in charts_sheet_of(content).charts if c.title.startswith(indicator.code)]
    measured = chart.named("valeurs mesurées")
    first_row, last_row = (int(ref.rsplit("$", 1)[1]) for ref in measured.y_ref.split(":"))
    assert last_row - first_row + 1 == count  # the series refers to every value's row
    assert CACHED_POINTS // 2 < len(measured.y) <= CACHED_POINTS + 1
    assert measured.x[0] == excel_serial(first)
    assert measured.x[-1] == excel_serial(first + datetime.timedelta(days=count - 1))
    assert measured.y[-1] == float((count - 1) % 97)

    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    xml = next(
        ElementTree.fromstring(archive.read(name))
        for name in parts
        if indicator.code in "".join(ElementTree.fromstring(archive.read(name)).itertext())
    )
    counts = {int(c.get("val")) for c in xml.iterfind(".//c:yVal//c:ptCount", NS)}
    assert count in counts
    assert xml.find(".//c:dispBlanksAs", NS).get("val") == "span"
