"""The PDF briefing: the workshop pack as a document people read on paper and on a tablet.

``build_briefing`` reads the same things as the Excel pack (``reports.pack``), from the same
``AxisBlock`` list (already filtered by the caller) or from a ``Snapshot`` of a past workshop's
day, with the same rollups (``steering.rollups``), and lays them out with Django templates
(``templates/reports/briefing/``) that WeasyPrint renders as a tagged A4 PDF: a cover, one page of
synthesis, a section per axis (both rollups, each strategic indicator with its status sentence and
a small trend chart drawn as SVG from ``indicators.charts.trend_chart``, the measures and their
projects in the steering table's layout, late, blocked and stale ones first), then the annexes
(modèle d'efficacité, calendar, ranking, decisions).

Above ``BRIEFING_FULL_PROJECTS`` projects, the axes list only the late, blocked and stale
projects, one line of text per measure, the calendar gives their codes only and the modèle
d'efficacité is left to the Excel pack (which keeps every row); the synthesis still counts them
all. WeasyPrint lays out a table row in some milliseconds and keeps every page in memory: 10,000
rows would take minutes and gigabytes.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.charts import Chart, Reading, trend_chart
from indicators.models import Evaluation, Indicator, IndicatorValue, format_percent
from prioritisation.models import Criterion
from prioritisation.sheets import pack_ranking
from projects.models import Mark, Project
from steering.rollups import Rollup, data_share, strategy_rollup
from steering.table import AxisBlock
from steering.templatetags.cockpit_extras import project_mark_value, short_date
from strategies.data_age import NO_NEWS, STALE_SYMBOL, DataShare
from strategies.models import Strategy
from strategies.money import format_money
from workshops.models import Decision
from workshops.snapshot import Snapshot

from .briefing_styles import chart_css, mark_key, tone_css
from .cells import after_horizon_of, mark_words
from .pack import Steps, no_cyclic_collection, snapshot_total
from .steering_sheets import synthesis_columns, synthesis_values

logger = logging.getLogger(__name__)

#: The trend chart's size in the briefing (pixels of its viewBox; drawn 80 mm wide).
CHART_WIDTH, CHART_HEIGHT = 480, 190
#: The legend below a chart: a line's height, a line sample's length, a character's mean width
#: (pixels of the viewBox, at the chart's font size).
LEGEND_LINE, LEGEND_SAMPLE, LEGEND_CHAR = 16, 22, 7.4
#: The rows of the ranking annex (the Excel pack has them all).
RANKING_ROWS = 30


class BriefingFailed(Exception):
    """The PDF could not be made; the message (French, for the user) says so."""


@dataclass
class ProjectRow:
    project: Project
    stale: bool = False
    #: A public briefing names no one (« Qui ? » left out).
    public: bool = False

    @property
    def rank(self) -> int:
        """Blocked, then late, then stale (« sans nouvelles »), then the others."""
        project = self.project
        if project.status == Project.Status.BLOCKED:
            return 0
        if getattr(project, "currently_late", False) or project_mark_value(project) == Mark.LATE:
            return 1
        return 2 if self.stale else 3

    @property
    def attention(self) -> bool:
        return self.rank < 3

    @property
    def facts(self) -> str:
        """What the steering table's columns say after the title, as one line of text: « prio 1 ·
        Service technique · 01.03.2026 – 30.06.2027 » (without who in public; what is unknown is
        left out). A project is a line of text in the briefing, not a table row: WeasyPrint lays
        out a line some five times faster than a row of cells."""
        project = self.project
        parts = []
        if project.priority is not None:
            parts.append(_("prio %(priority)s") % {"priority": project.priority})
        if not self.public and project.lead:
            parts.append(str(project.lead))
        if project.start_date or project.end_date:
            start, end = short_date(project.start_date), short_date(project.end_date)
            parts.append(f"{start or '…'} – {end or '…'}")
        return " · ".join(parts)

    @property
    def mark(self) -> str:
        """« ✗ en retard », « ✓ réalisé », with « ⚑ après l'horizon » (the one vocabulary)."""
        project = self.project
        return mark_words(project_mark_value(project), project.status, after_horizon_of(project))

    @property
    def tone(self) -> str:
        """The mark's colour: the line's edge (``edge-<tone>``, ``tone_css``)."""
        return project_mark_value(self.project).colour

    @property
    def text(self) -> str:
        """« p7 ✗ en retard », with « ⏱ sans nouvelles » when stale (the one vocabulary)."""
        project = self.project
        words = mark_words(project_mark_value(project), project.status, after_horizon_of(project))
        text = f"{project.code} {words}"
        return f"{text} {STALE_SYMBOL} {NO_NEWS}" if self.stale else text


@dataclass
class MeasureRows:
    """A measure (None: the axis's own projects) and its project rows, attention first."""

    measure: object
    rows: list[ProjectRow]

    @property
    def span(self) -> int:
        return max(1, len(self.rows))

    @property
    def text(self) -> str:
        """The rows as one line of text (« p3 ✗ bloqué · p7 ✗ en retard ⏱ sans nouvelles »): a
        reduced briefing lists thousands of projects, and one text per measure lays out much
        faster than a table row per project."""
        return " · ".join(row.text for row in self.rows)


@dataclass
class IndicatorItem:
    indicator: Indicator
    evaluation: Evaluation
    chart: Chart
    #: Up to this many values, each is drawn as a point on the line (beyond, the line alone: each
    #: SVG element costs WeasyPrint time, and the points would overlap at this size).
    max_points: int = 30

    @property
    def legend(self) -> list[LegendPlace]:
        """The chart's legend (``chart_story``) below it, each item placed, on as many lines as
        the chart's width needs."""
        places, x, line = [], float(self.chart.left), 0
        for item in self.chart.legend:
            label = str(item.label)
            width = LEGEND_SAMPLE + 6 + LEGEND_CHAR * len(label)
            if places and x + width > self.chart.width:
                x, line = float(self.chart.left), line + 1
            name = "chart-band" if item.key == "range" else f"chart-{item.key}"
            y = self.chart.height + 8 + line * LEGEND_LINE
            places.append(LegendPlace(round(x, 1), round(y, 1), name, label))
            x += width + 14
        return places

    @property
    def height(self) -> int:
        """The SVG's height: the chart's and its legend's lines."""
        lines = 1 + max(
            (round((p.y - self.chart.height - 8) / LEGEND_LINE) for p in self.legend), default=0
        )
        return self.chart.height + 6 + LEGEND_LINE * lines


@dataclass(frozen=True)
class LegendPlace:
    x: float
    y: float
    css_class: str
    label: str

    sample: int = LEGEND_SAMPLE

    @property
    def text_x(self) -> float:
        return round(self.x + LEGEND_SAMPLE + 6, 1)

    @property
    def sample_end(self) -> float:
        return round(self.x + LEGEND_SAMPLE, 1)

    @property
    def band_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass
class AxisSection:
    block: AxisBlock
    indicators: list[IndicatorItem] = field(default_factory=list)
    measures: list[MeasureRows] = field(default_factory=list)
    #: Projects of the axis left out of a reduced briefing (neither late, blocked nor stale).
    omitted: int = 0

    @property
    def axis(self):
        return self.block.axis

    @property
    def rollup(self) -> Rollup | None:
        return self.block.rollup


def build_briefing(
    strategy: Strategy,
    *,
    on: datetime.date,
    progress: Callable[[int, int], None] | None = None,
    **options,
) -> bytes:
    """The PDF (bytes) of the cockpit at ``on``, as ``briefing_html`` lays it out (``options``:
    today's ``axes``, already filtered, with the ``filters`` in words, or a past day's
    ``snapshot``; a workshop's ``changes`` and ``decisions``; ``public``: without budgets, people,
    decisions nor comments). Raises ``BriefingFailed`` with a French message when the PDF cannot
    be made."""
    step = Steps(progress, 4)
    with no_cyclic_collection():
        html = briefing_html(strategy, on=on, **options)
        step()
        return render_pdf(html, step)


def render_pdf(html: str, step: Callable[[], None] = lambda: None) -> bytes:
    """WeasyPrint's tagged PDF of ``html`` (language and title from ``<html lang>`` and
    ``<title>``)."""
    try:
        from weasyprint import HTML

        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_tags=True)
        step()
        content = document.write_pdf(pdf_tags=True)
        step()
    except Exception as error:
        logger.exception("The PDF briefing could not be rendered")
        raise BriefingFailed(
            _(
                "Le briefing PDF n'a pas pu être produit ; aucun fichier n'a été enregistré. "
                "Réessayez, et si l'erreur revient, signalez-la à l'administrateur."
            )
        ) from error
    step()
    return content


def warm_up() -> None:
    """Import WeasyPrint and render a page in the briefing's stylesheet and fonts, with the
    vocabulary's symbols (``jobs.services.warm_up``: once when the worker starts). A first render
    in a process otherwise costs 1.5 to 2.5 s more than the next ones."""
    symbols = " ".join(mark.text for mark in Mark)
    html = render_to_string(
        "reports/briefing/warm_up.html",
        {
            "symbols": f"{symbols} {STALE_SYMBOL} {NO_NEWS}",
            "language": settings.LANGUAGE_CODE,
            "tone_css": tone_css(),
        },
    )
    render_pdf(html)


def briefing_html(
    strategy: Strategy,
    *,
    on: datetime.date,
    axes: list[AxisBlock] | None = None,
    snapshot: Snapshot | None = None,
    changes: list | None = None,
    decisions: list | None = None,
    workshop=None,
    title: str = "",
    filters: str = "",
    public: bool = False,
) -> str:
    """The briefing as one HTML document (the PDF's source)."""
    if snapshot is not None:
        axes, _operational = snapshot.blocks()
        total = snapshot_total(strategy, on, axes)
        share: DataShare | None = None  # the history keeps no past « rien à signaler »
        stale_ids: set[int] = set()
    else:
        assert axes is not None
        total = strategy_rollup(strategy, on)
        share = data_share(strategy, on)
        stale_ids = set(
            Project.objects.for_strategy(strategy)
            .with_news(on, strategy.no_news_days)
            .filter(no_news=True)
            .values_list("pk", flat=True)
        )
    project_count = sum(len(block.projects) for block in axes)
    reduced = project_count > settings.BRIEFING_FULL_PROJECTS
    readings = indicator_readings(axes, snapshot)
    sections = [
        axis_section(block, readings.get, on, stale_ids, reduced=reduced, public=public)
        for block in axes
    ]
    criteria = [] if public else list(Criterion.objects.for_strategy(strategy))
    ranking = pack_ranking(strategy, axes, criteria, []) if criteria else None
    calendar = calendar_quarters(sections)
    decisions = None if public else decisions
    overdue = [decision for decision in decisions if decision.is_overdue(on)] if decisions else []
    due = [decision for decision in (decisions or []) if decision.status == Decision.Status.OPEN]
    context = {
        "strategy": strategy,
        "territory": strategy.territory,
        "currency": strategy.territory.currency,
        "levels": strategy.levels,
        "on": on,
        "past": snapshot is not None,
        "workshop": workshop,
        "title": title or default_title(strategy, on),
        "filters": filters,
        "public": public,
        "total": total,
        "synthesis": synthesis_tables(strategy, axes, total, public=public),
        "axes": axes,
        "effectiveness": [] if reduced else axes,
        "sections": sections,
        "share": share,
        "changes": None if public else changes,
        "change_counts": change_counts(changes) if changes and not public else [],
        "decisions": decisions,
        "due_decisions": due,
        "overdue_decisions": overdue,
        "ranking": ranking,
        "ranking_rows": ranking_rows(ranking),
        "ranking_limit": RANKING_ROWS,
        "calendar": calendar,
        "reduced": reduced,
        "full_limit": settings.BRIEFING_FULL_PROJECTS,
        "project_count": project_count,
        "language": get_language() or settings.LANGUAGE_CODE,
        "chart_css": chart_css(),
        "tone_css": tone_css(),
        "mark_key": mark_key(),
        "no_news": f"{STALE_SYMBOL} {NO_NEWS}",
    }
    return render_to_string("reports/briefing/document.html", context)


@dataclass(frozen=True)
class SynthesisTable:
    """A table of the synthesis page: its headings, a row per axis, the strategy's total."""

    title: str
    headers: list[str]
    rows: list[list]
    total: list


#: Where each table of the synthesis page sits in a line of the pack's Synthèse
#: (``synthesis_values``): effect, implementation, budget.
EFFECT, IMPLEMENTATION, BUDGET = slice(1, 8), slice(8, 23), slice(23, 26)


def synthesis_tables(
    strategy: Strategy, axes: list[AxisBlock], total: Rollup, *, public: bool
) -> list[SynthesisTable]:
    """The pack's Synthèse (``synthesis_columns``, ``synthesis_values``: the same figures, one
    source) cut in three tables that fit a page: effect, implementation and budget (not in
    public)."""
    headers = [str(column.header) for column in synthesis_columns(strategy)]
    axis_word = strategy.levels.axis.Singular
    lines = [synthesis_values(f"{axis_word} {block.axis.number}", block.rollup) for block in axes]
    whole = synthesis_values(_("Toute la stratégie"), total)
    parts = [
        (_("Effet – indicateurs stratégiques"), EFFECT, (7,), False),
        (
            _("Mise en œuvre – %(projects)s") % {"projects": strategy.levels.project.plural},
            IMPLEMENTATION,
            (15,),
            False,
        ),
    ]
    if not public:
        parts.append((_("Budget"), BUDGET, (), True))
    currency = strategy.territory.currency

    def cells(line: list, part: slice, percents: tuple[int, ...], money: bool) -> list:
        row = [line[0], *line[part]]
        for index in range(1, len(row)):
            if money:
                row[index] = format_money(row[index], currency)
            elif index in percents:
                row[index] = "–" if row[index] is None else format_percent(row[index] * 100)
        return row

    return [
        SynthesisTable(
            title,
            [headers[0], *headers[part]],
            [cells(line, part, percents, money) for line in lines],
            cells(whole, part, percents, money),
        )
        for title, part, percents, money in parts
    ]


def ranking_rows(ranking) -> list:
    """The ranking's first ``RANKING_ROWS`` rows (the Excel pack has them all)."""
    return ranking.rows[:RANKING_ROWS] if ranking is not None else []


def default_title(strategy: Strategy, on: datetime.date) -> str:
    return _("%(strategy)s – briefing au %(date)s") % {
        "strategy": strategy,
        "date": f"{on:%d.%m.%Y}",
    }


def indicator_readings(
    axes: list[AxisBlock], snapshot: Snapshot | None
) -> dict[int, list[Reading]]:
    """Every value of the axes' strategic indicators, per indicator, oldest first (one query;
    as recorded on the snapshot's day for a past workshop)."""
    ids = [indicator.pk for block in axes for indicator, _e in block.indicators]
    readings: dict[int, list[Reading]] = {pk: [] for pk in ids}
    if not ids:
        return readings
    if snapshot is not None:
        rows = [(v.indicator_id, v.date, v.value, v.pk) for v in snapshot.values(ids)]
    else:
        rows = (
            IndicatorValue.objects.filter(indicator__in=ids)
            .order_by("date", "pk")
            .values_list("indicator_id", "date", "value", "pk")
        )
    for indicator_id, date, value, pk in rows:
        readings[indicator_id].append(Reading(date, value, pk))
    return readings


def axis_section(
    block: AxisBlock,
    readings_of: Callable[[int], list[Reading] | None],
    on: datetime.date,
    stale_ids: set[int],
    *,
    reduced: bool,
    public: bool = False,
) -> AxisSection:
    """An axis's part of the briefing: its indicators (stale or off track first) with their
    charts, its measures with their projects (late, blocked and stale first; only those when
    ``reduced``)."""
    indicators = sorted(
        block.indicators,
        key=lambda pair: (not pair[1].stale, pair[1].status.value != "off_track"),
    )
    items = [
        IndicatorItem(
            indicator,
            evaluation,
            trend_chart(
                indicator,
                readings_of(indicator.pk) or [],
                on,
                width=CHART_WIDTH,
                height=CHART_HEIGHT,
                evaluation=evaluation,
            ),
        )
        for indicator, evaluation in indicators
    ]
    section = AxisSection(block, items)
    measures = []
    for measure_block in block.measures:
        rows = sorted(
            (
                ProjectRow(project, project.pk in stale_ids, public)
                for project in measure_block.projects
            ),
            key=lambda row: row.rank,
        )
        if reduced:
            kept = [row for row in rows if row.attention]
            section.omitted += len(rows) - len(kept)
            if not kept:
                continue
            rows = kept
        measures.append(MeasureRows(measure_block.measure, rows))
    # Measures with a project needing attention first, in their own order otherwise.
    section.measures = sorted(measures, key=lambda m: min((row.rank for row in m.rows), default=3))
    return section


@dataclass(frozen=True)
class CalendarQuarter:
    """The projects shown that end in one quarter (``start`` None: those without an end date)."""

    start: datetime.date | None
    projects: list[Project]

    @property
    def text(self) -> str:
        """The projects' codes, each with its mark's symbol, as one line of text (« p48 ✗,
        p73 ✓ »; the symbols' words are in the annex's key): an element per project would cost
        WeasyPrint a millisecond and a half each."""
        return ", ".join(
            f"{project.code}\u00a0{project_mark_value(project).symbol}" for project in self.projects
        )

    @property
    def label(self) -> str:
        if self.start is None:
            return _("Sans date de fin")
        return _("T%(quarter)s %(year)s") % {
            "quarter": (self.start.month - 1) // 3 + 1,
            "year": self.start.year,
        }


def calendar_quarters(sections: list[AxisSection]) -> list[CalendarQuarter]:
    """The projects shown, grouped by the quarter of their end date (undated last), each
    quarter's by end date: one line per quarter, not per project (a table row costs WeasyPrint
    some milliseconds)."""
    by_quarter: dict[datetime.date | None, list[Project]] = {}
    projects = [row.project for section in sections for m in section.measures for row in m.rows]
    far = datetime.date.max
    for project in sorted(projects, key=lambda p: (p.end_date or far, len(p.code), p.code)):
        end = project.end_date
        start = datetime.date(end.year, (end.month - 1) // 3 * 3 + 1, 1) if end else None
        by_quarter.setdefault(start, []).append(project)
    return [CalendarQuarter(start, projects) for start, projects in by_quarter.items()]


def change_counts(changes: list) -> list[tuple[str, int]]:
    """What changed since the previous workshop, counted by kind (in the pack's words)."""
    from .journal_sheets import CHANGE_KINDS

    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return [(str(CHANGE_KINDS.get(kind, kind)), count) for kind, count in counts.items()]
