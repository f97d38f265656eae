"""The pack's scatter charts write, for their caches, the very XML XlsxWriter writes."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter

from spreadsheets.charts import ScatterChart, scatter_chart

CACHES = {
    "numbers": ([45717, 45748.5, None, 45809], [1, 2.5, None, Decimal("3.25")]),
    "text among numbers": ([1, 2, 3], [1, "2 & <3>", 3]),
    "empty": ([], []),
}


def chart_xml(make_chart, dates: list, values: list) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Valeurs")
    chart = make_chart(workbook)
    chart.add_series(
        {
            "name": "Valeurs",
            "categories": "='Valeurs'!$A$1:$A$4",
            "values": "='Valeurs'!$B$1:$B$4",
            "categories_data": dates,
            "values_data": values,
        }
    )
    sheet.insert_chart("D2", chart)
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return archive.read("xl/charts/chart1.xml")


@pytest.mark.parametrize("cache", CACHES.values(), ids=CACHES.keys())
def test_a_scatter_charts_caches_are_xlsxwriters_byte_for_byte(cache):
    def ours(workbook):
        chart = scatter_chart(workbook, {"subtype": "straight"})
        assert isinstance(chart, ScatterChart)
        return chart

    def theirs(workbook):
        return workbook.add_chart({"type": "scatter", "subtype": "straight"})

    assert chart_xml(ours, *cache) == chart_xml(theirs, *cache)


def test_a_cache_holds_every_point_but_the_missing_ones():
    xml = chart_xml(lambda w: scatter_chart(w, {}), *CACHES["numbers"]).decode()

    assert xml.count('<c:ptCount val="4"/>') == 2
    assert '<c:pt idx="3"><c:v>3.25</c:v></c:pt>' in xml
    assert '<c:pt idx="2">' not in xml
