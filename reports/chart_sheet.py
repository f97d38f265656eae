"""The pack's « Graphiques » sheet: a chart per strategic indicator, telling the story of the
indicator page's chart (``indicators.chart_story``: measured values, baseline, target or range,
expected trajectory, today, the status and attainment in the title, notes on what cannot be shown),
in its colours and dash patterns (``STYLES``).

Drawn with XlsxWriter's scatter charts: the measured values refer to their rows of the values
sheet; the other lines are two points each, written in hidden columns beside the charts (a chart's
series refers to cells, never to literal numbers). The range is drawn as two dashed bound lines: a
scatter chart cannot fill between two lines.

Printed on A4 landscape, two charts a page, one above the other, in axis order, each axis's
title as a heading above its charts: the page breaks are set between the charts, so that none is
cut, and the sheet prints at 100 % (a "fit to width" scale would have Excel ignore the breaks).
The sheet is written row by row, in order (``constant_memory``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_range_abs

from indicators.chart_story import STYLES, ChartStory, Reading, chart_story
from indicators.models import Indicator
from spreadsheets.charts import scatter_chart
from spreadsheets.values import excel_serial, excel_value
from spreadsheets.xlsx import BAND, NUMBER_FORMAT, TITLE, Book, Sheet
from steering.table import AxisBlock

#: A chart spans this many columns of this width (68 pixels each: 884 pixels, which A4 landscape
#: holds at 100 % between its margins of 0.7 inch, 988 pixels, with room for a spreadsheet whose
#: font makes columns a little wider than Excel's) …
CHART_COLUMNS = 13
COLUMN_WIDTH = 9
CHART_WIDTH = 884
#: … and this many rows of 15.75 points (21 pixels; 273 pixels in all).
CHART_ROWS = 13
CHART_HEIGHT = 273
#: Heights (points) of a chart's rows (the sheet's default: not Excel's own 15 points, which
#: other spreadsheets do not take as theirs), of the
#: sheet's title row and of a heading row.
ROW_HEIGHT = 15.75
TITLE_HEIGHT = 21
HEADING_HEIGHT = 18
#: A chart's block: its heading row, its rows and a blank row.
BLOCK_ROWS = 1 + CHART_ROWS + 1
#: The first row of the first block: after the title.
FIRST_BLOCK = 2
CHARTS_PER_PAGE = 2
#: The hidden columns of the two-point lines (from 0), an (x, y) pair for each, beside the charts.
HELPER_COLUMNS = {
    key: CHART_COLUMNS + 1 + 2 * index
    for index, key in enumerate(("baseline", "target", "low", "high", "trajectory", "today"))
}
#: Above this many values, the values' line has no markers (they would hide it).
MAX_MARKERS = 60
#: Above this many values, a chart's cache (the points a viewer draws before it recalculates
#: from the sheet, as Excel and LibreOffice do on opening) keeps one value in ``len / this``,
#: and the last: 100,000 cached points took 8 % of the pack's time for a line no wider than the
#: chart.
CACHED_POINTS = 1000


def charts_sheet(
    book: Book,
    values_title: str,
    axes: list[AxisBlock],
    spans: dict[int, tuple[int, int]],
    history: dict[int, list],
    on: datetime.date,
) -> None:
    """A chart per strategic indicator of ``axes``, in their order, its values read from the rows
    ``spans`` of the values sheet ``values_title`` (``history``: the same values, the cache a
    spreadsheet shows before it recalculates, which XlsxWriter cannot read back from a sheet
    written in ``constant_memory`` mode), as seen on ``on`` (the pack's date)."""
    sheet = book.sheet(_("Graphiques"), [COLUMN_WIDTH] * CHART_COLUMNS, fit_width=False)
    ws = sheet.ws
    ws.set_margins(top=0.5, bottom=0.5)
    ws.set_default_row(ROW_HEIGHT)
    first_helper, last_helper = min(HELPER_COLUMNS.values()), max(HELPER_COLUMNS.values()) + 1
    ws.set_column(first_helper, last_helper, None, None, {"hidden": True})
    sheet.set_height(1, TITLE_HEIGHT)
    sheet.put(1, 1, _("Évolution des indicateurs stratégiques"), TITLE)
    charts = [
        (block, indicator, evaluation)
        for block in axes
        for indicator, evaluation in block.indicators
        if indicator.level == Indicator.Level.STRATEGIC
    ]
    breaks, previous_axis = [], None
    for index, (block, indicator, evaluation) in enumerate(charts):
        heading = FIRST_BLOCK + index * BLOCK_ROWS
        page_top = index % CHARTS_PER_PAGE == 0
        if page_top and index:
            breaks.append(heading - 1)  # the block starts a page
        if block.axis.pk != previous_axis or page_top:
            text = str(block.axis)
            if block.axis.pk == previous_axis:
                text = _("%(axis)s (suite)") % {"axis": text}
            sheet.set_height(heading, HEADING_HEIGHT)
            sheet.merge(heading, 1, CHART_COLUMNS, text, BAND)
        previous_axis = block.axis.pk
        rows = history.get(indicator.pk, [])
        story = chart_story(indicator, HistoryReadings(rows), on, evaluation)
        drawing = Drawing(sheet, heading + 1)
        chart = drawing.chart(story, values_title, spans.get(indicator.pk), rows)
        drawing.write()
        ws.insert_chart(heading, 0, chart, {"x_offset": 2, "y_offset": 2})
    ws.set_h_pagebreaks(breaks)
    # The charts' columns only: not the hidden ones of the lines' points.
    ws.print_area(0, 0, FIRST_BLOCK - 2 + max(1, len(charts)) * BLOCK_ROWS, CHART_COLUMNS - 1)


def cached_points(rows: list) -> tuple[list, list]:
    """The cache of a series of ``rows`` (date, value, …): every date and value up to
    ``CACHED_POINTS`` rows; above, the same length (the cache's point count is the range's) with
    None for the points left out (XlsxWriter writes no element for them), one in ``len /
    CACHED_POINTS`` kept, and the last."""
    count = len(rows)
    if count <= CACHED_POINTS:
        return [excel_serial(row[0]) for row in rows], [excel_value(row[1]) for row in rows]
    step = -(-count // CACHED_POINTS)  # ceiling
    dates, values = [None] * count, [None] * count
    for index in [*range(0, count, step), count - 1]:
        dates[index] = excel_serial(rows[index][0])
        values[index] = excel_value(rows[index][1])
    return dates, values


class HistoryReadings(Sequence):
    """An indicator's rows of the values sheet (date, value, source, comment) as the ``Reading``
    sequence ``chart_story`` reads: only its first and last rows are ever made readings."""

    def __init__(self, rows: list) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [Reading(row[0], row[1]) for row in self.rows[index]]
        row = self.rows[index]
        return Reading(row[0], row[1])


class Drawing:
    """One chart of the sheet, its two-point lines written in the hidden columns of its rows
    ``row`` and ``row + 1`` (from 1)."""

    def __init__(self, sheet: Sheet, row: int) -> None:
        self.sheet, self.row = sheet, row
        self.source = "'" + sheet.title.replace("'", "''") + "'"
        #: The cells of the lines' first and second points: (column, number).
        self.cells: tuple[list, list] = ([], [])

    def chart(self, story: ChartStory, values_title: str, span: tuple[int, int] | None, rows: list):
        book = self.sheet.book
        chart = scatter_chart(book.workbook, {"subtype": "straight"})
        chart.show_hidden_data()  # the two-point lines are in hidden columns
        time_axis = story.time_axis()
        x_first, x_last = excel_serial(time_axis.first), excel_serial(time_axis.last)
        numbers = [excel_value(row[1]) for row in rows]
        dates, cached = cached_points(rows)
        if len(cached) > CACHED_POINTS:
            chart.show_blanks_as("span")  # a viewer that draws the cache joins its points
        value_axis = story.value_axis(
            min(numbers) if numbers else None, max(numbers) if numbers else None
        )
        low, high = float(value_axis.low), float(value_axis.high)
        legend_hidden = []

        if span is not None and rows:
            source = "'" + values_title.replace("'", "''") + "'"
            first, last = span
            style = STYLES["values"]
            marker = (
                {
                    "type": "circle",
                    "size": 5,
                    "fill": {"color": style.colour},
                    "border": {"color": style.colour},
                }
                if len(rows) <= MAX_MARKERS
                else {"type": "none"}
            )
            chart.add_series(
                {
                    "name": str(_label(story, "values")),
                    "categories": f"={source}!$B${first}:$B${last}",
                    "values": f"={source}!$C${first}:$C${last}",
                    "categories_data": dates,
                    "values_data": cached,
                    "line": {"color": style.colour, "width": style.width},
                    "marker": marker,
                }
            )
        if story.baseline is not None:
            value = story.baseline.value
            self.line(
                chart,
                "baseline",
                str(_label(story, "baseline")),
                STYLES["baseline"],
                (x_first, value),
                (x_last, value),
            )
        if story.range is not None:
            self.line(
                chart,
                "low",
                story.range.label,
                STYLES["range"],
                (x_first, story.range.low),
                (x_last, story.range.low),
            )
            legend_hidden.append(len(chart.series))
            self.line(
                chart,
                "high",
                story.range.label,
                STYLES["range"],
                (x_first, story.range.high),
                (x_last, story.range.high),
            )
        if story.target is not None:
            value = story.target.value
            self.line(
                chart,
                "target",
                story.target.label,
                STYLES["target"],
                (x_first, value),
                (x_last, value),
            )
        if story.trajectory is not None:
            line = story.trajectory
            self.line(
                chart,
                "trajectory",
                line.label,
                STYLES["trajectory"],
                (excel_serial(line.start), line.start_value),
                (excel_serial(line.end), line.end_value),
            )
        today = excel_serial(story.today)
        self.line(
            chart,
            "today",
            _("aujourd’hui (%(date)s)") % {"date": story.today_label},
            STYLES["today"],
            (today, low),
            (today, high),
        )

        title = story.title if not story.notes else f"{story.title}\n{' · '.join(story.notes)}"
        chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
        # Inside its cells, 2 pixels from their edges (``insert_chart``'s offsets).
        chart.set_size({"width": CHART_WIDTH - 4, "height": CHART_HEIGHT - 4})
        chart.set_x_axis(
            {
                "min": x_first,
                "max": x_last,
                "major_unit": time_axis.step_days,
                "num_format": time_axis.excel_format,
                "num_font": {"size": 9},
                "major_tick_mark": "outside",
                "crossing": "min",
                "line": {"color": "#98a2ad"},
            }
        )
        chart.set_y_axis(
            {
                "name": story.unit or _("Valeur"),
                "name_font": {"size": 9, "bold": False},
                "num_format": NUMBER_FORMAT,
                "num_font": {"size": 9},
                "min": low,
                "max": high,
                "major_unit": float(value_axis.step),
                "crossing": "min",
                "major_gridlines": {"visible": True, "line": {"color": "#d9d9d9", "width": 0.5}},
                "line": {"color": "#98a2ad"},
            }
        )
        legend = {"position": "bottom", "font": {"size": 9}}
        if legend_hidden:
            legend["delete_series"] = legend_hidden
        chart.set_legend(legend)
        return chart

    def line(self, chart, column_key: str, name: str, style, start, end) -> None:
        """A two-point line from ``start`` to ``end`` ((x, y): Excel serial, number), its cells
        in the hidden columns ``column_key`` (written by ``write``)."""
        column = HELPER_COLUMNS[column_key]
        points = [(x, float(y)) for x, y in (start, end)]
        for offset, (x, y) in enumerate(points):
            self.cells[offset].extend(((column, x), (column + 1, y)))
        xs = xl_range_abs(self.row - 1, column, self.row, column)
        ys = xl_range_abs(self.row - 1, column + 1, self.row, column + 1)
        chart.add_series(
            {
                "name": name,
                "categories": f"={self.source}!{xs}",
                "values": f"={self.source}!{ys}",
                "categories_data": [x for x, _y in points],
                "values_data": [y for _x, y in points],
                "line": {"color": style.colour, "width": style.width, "dash_type": style.dash},
                "marker": {"type": "none"},
            }
        )

    def write(self) -> None:
        """The lines' cells, row after row (the sheet is written in ``constant_memory`` mode)."""
        for offset, cells in enumerate(self.cells):
            for column, number in cells:
                self.sheet.ws.write_number(self.row - 1 + offset, column, number)


def _label(story: ChartStory, key: str):
    return next((item.label for item in story.legend if item.key == key), "")
