"""Formatting shared by every cockpit page: status marks (never colour alone, each word, symbol and
colour read from ``Mark``, ``Project.Status`` and ``indicators.Status``), counts linked to the
projects they count, numbers, bars."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from indicators.models import Evaluation, Status, format_number, format_percent
from projects.models import (
    AFTER_HORIZON,
    AFTER_HORIZON_COLOUR,
    AFTER_HORIZON_SYMBOL,
    Mark,
    Project,
    agree,
    mark_word,
)
from projects.rollups import ImplementationRollup
from strategies.data_age import NO_NEWS, STALE, STALE_COLOUR, STALE_SYMBOL, DataShare
from strategies.models import Axis, Strategy
from strategies.money import NBSP, format_money

register = template.Library()


@register.simple_tag
def row_url(viewname: str, strategy_pk: int, pk: int) -> str:
    """``{% url viewname strategy_pk pk %}`` for the rows of long tables: one ``reverse()`` per
    view and strategy, then string formatting (a ``reverse()`` costs some 30 µs a row)."""
    return _row_url(viewname, strategy_pk, get_script_prefix())(pk)


@lru_cache(maxsize=512)
def _row_url(viewname: str, strategy_pk: int, _prefix: str):
    from steering.table import link_maker

    return link_maker(viewname, strategy_pk)


@register.filter
def status_label(project: Project) -> str:
    """The project's status in words (``get_status_display`` rebuilds its choices each call)."""
    return Project.Status(project.status).label


@register.filter
def mark_colour(mark: str) -> str:
    """The colour of a mark's value (``tone-<colour>``: the Gantt chart's bars)."""
    return Mark(mark).colour


def project_mark_value(project: Project) -> Mark:
    """The annotated mark (``with_mark``) when present, else computed for today."""
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


@register.simple_tag
def abbr(short: str, full: str) -> str:
    """A short column heading: the full text on hover (``title``) and, once, for screen readers
    (a visually hidden span; the abbreviation itself is hidden from them)."""
    return format_html(
        '<abbr title="{}" aria-hidden="true">{}</abbr><span class="visually-hidden">{}</span>',
        full,
        short,
        full,
    )


@register.simple_tag
def project_mark(project: Project, short: bool = False) -> str:
    """✓ / ! / ✗ / ? with its word (« réalisé » for a done project), and « ⚑ après l'horizon »
    when the project ends after its strategy's horizon (annotated ``after_horizon``)."""
    status = project.status if project.status == Project.Status.DONE else ""
    after_horizon = bool(getattr(project, "after_horizon", False))
    return _mark_html(
        project_mark_value(project).value, status, short, after_horizon, get_language()
    )


@lru_cache(maxsize=256)
def _mark_html(mark: str, status: str, short: bool, after_horizon: bool, _language: str) -> str:
    """The markup of a project mark: a handful of variants per language, built once (the
    steering table shows one per project)."""
    mark = Mark(mark)
    word = mark_word(mark, status)
    if short:
        html = format_html(
            '<span class="mark mark-{} tone-{}" title="{}">{}'
            '<span class="visually-hidden"> {}</span></span>',
            mark.value,
            mark.colour,
            word,
            mark.symbol,
            word,
        )
    else:
        html = format_html(
            '<span class="mark mark-{} tone-{}">{} {}</span>',
            mark.value,
            mark.colour,
            mark.symbol,
            word,
        )
    if after_horizon:
        html = format_html("{} {}", html, horizon_flag())
    return html


def horizon_flag() -> str:
    """« ⚑ après l'horizon », beside the mark of a project ending after the horizon."""
    return format_html(
        '<span class="mark horizon-flag tone-{}">{} {}</span>',
        AFTER_HORIZON_COLOUR,
        AFTER_HORIZON_SYMBOL,
        AFTER_HORIZON,
    )


@register.filter
def short_date(value) -> str:
    """``value|date:"SHORT_DATE_FORMAT"`` for the rows of long tables: the format is read once
    per call and the usual dd.mm.yyyy written directly (``date_format`` takes some 9 µs)."""
    if not value:
        return ""
    if get_format("SHORT_DATE_FORMAT") == "d.m.Y":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class CountLinks:
    """Where the counts of a group of projects link to: the cockpit page (``url``) filtered to the
    group (``scope``: "" for the strategy, "axis=<pk>" for an axis) and to what each count
    counts; ``feminine`` when the strategy's projects are feminine (« actions bloquées »)."""

    url: str = ""
    scope: str = ""
    feminine: bool = False

    def to(self, query: str) -> str:
        return f"{self.url}?{'&'.join(part for part in (self.scope, query) if part)}"

    def count(self, count: int, query: str) -> str:
        """The count as a link to the projects it counts."""
        if not self.url:
            return str(count)
        return format_html('<a href="{}">{}</a>', self.to(query), count)


@register.simple_tag
def count_links(url: str, strategy: Strategy, counts_of: Strategy | Axis | None) -> CountLinks:
    """The links of the counts of a strategy's or an axis's projects (``counts_of``); none for
    another group (a measure's)."""
    feminine = strategy.levels.project.feminine
    if isinstance(counts_of, Axis):
        return CountLinks(url, f"axis={counts_of.pk}", feminine)
    if isinstance(counts_of, Strategy):
        return CountLinks(url, "", feminine)
    return CountLinks(feminine=feminine)


NO_LINKS = CountLinks()


@register.simple_tag
def mark_badge(mark: str, count: int | None = None, links: CountLinks | None = None) -> str:
    """A project mark, with a count for rollups: "✓ 12 dans les temps", "✗ 2 bloqués", the count
    linked to the cockpit filtered to those projects (``links``)."""
    mark = Mark(mark)
    if count is None:
        return format_html(
            '<span class="mark mark-{} tone-{}">{} {}</span>',
            mark.value,
            mark.colour,
            mark.symbol,
            mark.label,
        )
    links = links or NO_LINKS
    query = "late=on" if mark == Mark.LATE else f"mark={mark.value}"
    return format_html(
        '<span class="mark mark-{} tone-{}">{} {} {}</span>',
        mark.value,
        mark.colour,
        mark.symbol,
        links.count(count, query),
        agree(str(mark.label), count, links.feminine),
    )


@register.simple_tag
def project_status_badge(status: str, count: int, links: CountLinks | None = None) -> str:
    """A project status with its count: "◐ 30 en cours", "✗ 2 bloqués", linked like a mark."""
    status = Project.Status(status)
    links = links or NO_LINKS
    return format_html(
        '<span class="mark project-status-{} tone-{}">{} {} {}</span>',
        status.value,
        status.colour,
        status.symbol,
        links.count(count, f"status={status.value}"),
        agree(str(status.label), count, links.feminine),
    )


@register.simple_tag
def horizon_badge(count: int, links: CountLinks | None = None) -> str:
    """« ⚑ 3 après l'horizon », linked like a mark."""
    links = links or NO_LINKS
    return format_html(
        '<span class="mark horizon-flag tone-{}">{} {} {}</span>',
        AFTER_HORIZON_COLOUR,
        AFTER_HORIZON_SYMBOL,
        links.count(count, "after_horizon=on"),
        AFTER_HORIZON,
    )


@register.simple_tag
def done_and_engaged(rollup: ImplementationRollup, links: CountLinks | None = None) -> str:
    """« réalisés · 91 / 280 engagés » after the share done: the engaged projects (en cours, en
    pause, bloqués or réalisés) over all but the abandoned ones, each count linked."""
    links = links or NO_LINKS
    return format_html(
        "{} · {} / {} {}",
        agree(str(Project.Status.DONE.label), rollup.active, links.feminine),
        links.count(rollup.engaged, "engaged=on"),
        links.count(rollup.active, "active=on"),
        agree(gettext("engagé"), rollup.active, links.feminine),
    )


@register.simple_tag
def status_badge(status: str | Status, count: int | None = None, title: str = "") -> str:
    """An indicator status with its symbol and word, and the explanation as a tooltip."""
    status = Status(status)
    if count is not None:
        return format_html(
            '<span class="mark status-{} tone-{}">{} {} {}</span>',
            status.value,
            status.colour,
            status.symbol,
            count,
            status.label,
        )
    return format_html(
        '<span class="mark status-{} tone-{}" title="{}">{} {}</span>',
        status.value,
        status.colour,
        title,
        status.symbol,
        status.label,
    )


@register.simple_tag
def evaluation_badge(evaluation: Evaluation) -> str:
    return status_badge(evaluation.status, title=evaluation.explanation)


@register.simple_tag
def stale_badge(word: str = "") -> str:
    """« ⏱ à actualiser » (or « ⏱ sans nouvelles » with ``word="no_news"``)."""
    return format_html(
        '<span class="mark stale tone-{}">{} {}</span>',
        STALE_COLOUR,
        STALE_SYMBOL,
        NO_NEWS if word == "no_news" else STALE,
    )


@register.simple_tag
def value_date(evaluation: Evaluation) -> str:
    """The date of the value shown, with « ⏱ à actualiser » when it is stale."""
    if evaluation.value_date is None:
        return ""
    when = format_html(
        '<span class="value-date muted">({})</span>', short_date(evaluation.value_date)
    )
    if evaluation.stale:
        return format_html("{} {}", when, stale_badge())
    return when


@register.simple_tag
def data_share_line(share: DataShare, strategy: Strategy) -> str:
    """« 82 % des données à jour au 06.12.2026 (41 / 50 : …) »."""
    return format_html(
        '<p class="data-share"><span class="figure">{}</span> <span class="muted">({})</span></p>',
        share.sentence,
        share.counts(strategy.levels),
    )


@register.filter
def num(value) -> str:
    """A decimal in the active locale without padding zeros ("?" when unknown)."""
    if value is None or value == "":
        return "?"
    return format_number(Decimal(value))


@register.filter
def level_noun(count, level) -> str:
    """``{{ n|level_noun:strategy.levels.project }}``: « projet » or « projets » for ``n``."""
    return level.noun(count or 0)


@register.filter
def pct(value) -> str:
    """A percentage in the active locale ("70 %"), "–" when unknown."""
    if value is None:
        return "–"
    return format_percent(Decimal(value))


@register.filter
def bar_width(value) -> str:
    """The width of an attainment bar, 0–100, as a CSS-safe number."""
    if value is None:
        return "0"
    return str(max(0, min(100, int(Decimal(value)))))


@register.simple_tag
def bar(value) -> str:
    """A small horizontal bar filled to ``value`` % (0–100): an SVG whose geometry is in its
    attributes, so that the Content-Security-Policy needs no inline style."""
    return format_html(
        '<svg class="bar" aria-hidden="true" focusable="false">'
        '<rect class="bar-fill" width="{}%" height="100%"/></svg>',
        bar_width(value),
    )


@register.filter
def money(value, currency: str) -> str:
    """An amount rounded to the unit with the territory's currency, ``{{ amount|money:currency
    }}`` ("1 250 000&nbsp;CHF"), "–" when unknown (``strategies.money.format_money``)."""
    return mark_safe(conditional_escape(format_money(value, currency)).replace(NBSP, "&nbsp;"))
