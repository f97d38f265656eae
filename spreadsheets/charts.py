"""``scatter_chart``: XlsxWriter's scatter chart, whose numbers' caches (the points a viewer draws
before it reads the cells) are written in one piece instead of three XML calls a point: the very
XML XlsxWriter writes, byte for byte (``tests/spreadsheets/test_scatter_chart_caches.py``). It
depends on XlsxWriter's internals (3.3.1, pinned in uv.lock), as ``row_worksheet`` does: an
upgrade that changes them fails that test.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.chart_scatter import ChartScatter
from xlsxwriter.workbook import Workbook


class ScatterChart(ChartScatter):
    """A scatter chart whose caches of numbers are written in one write each."""

    def _write_num_cache(self, data) -> None:
        if data and any(token.__class__ is str for token in data):
            super()._write_num_cache(data)  # text to check and escape: XlsxWriter's path
            return
        count = len(data) if data else 0
        parts = [f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{count}"/>']
        parts.extend(
            f'<c:pt idx="{index}"><c:v>{token}</c:v></c:pt>'
            for index, token in enumerate(data or ())
            if token is not None
        )
        parts.append("</c:numCache>")
        self.fh.write("".join(parts))


def scatter_chart(workbook: Workbook, options: dict[str, Any]) -> ScatterChart:
    """``workbook.add_chart`` of a scatter chart (``options`` without its type), as a
    ``ScatterChart``: XlsxWriter has no chart class option, as it has for worksheets, and the
    subclass adds no state."""
    chart = workbook.add_chart({**options, "type": "scatter"})
    chart.__class__ = ScatterChart
    return chart
