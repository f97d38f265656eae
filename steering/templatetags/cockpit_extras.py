"""Formatting shared by every cockpit page: status marks (never colour alone), numbers, bars."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from indicators.models import STATUS_WORDS, Evaluation, Status, format_number, format_percent
from projects.models import MARK_WORDS, Mark, Project
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


def project_mark_value(project: Project) -> Mark:
    """The annotated mark (``with_mark``) when present, else computed for today."""
    value = getattr(project, "current_mark", None)
    return Mark(value) if value else project.mark()


@register.simple_tag
def project_mark(project: Project, short: bool = False) -> str:
    """✓ / ! / ✗ with a word: "réalisé" for a done project, "bloqué" for a blocked one."""
    status = project.status
    if status not in (Project.Status.DONE, Project.Status.BLOCKED):
        status = ""  # the word is the mark's
    return _mark_html(project_mark_value(project).value, status, short, get_language())


@lru_cache(maxsize=256)
def _mark_html(mark: str, status: str, short: bool, _language: str) -> str:
    """The markup of a project mark: a handful of variants per language, built once (the
    steering table shows one per project)."""
    mark = Mark(mark)
    word = Project.Status(status).label if status else MARK_WORDS[mark]
    if short:
        return format_html(
            '<span class="mark mark-{}" title="{}">{}'
            '<span class="visually-hidden"> {}</span></span>',
            mark.value,
            word,
            mark.symbol,
            word,
        )
    return format_html('<span class="mark mark-{}">{} {}</span>', mark.value, mark.symbol, word)


@register.filter
def short_date(value) -> str:
    """``value|date:"SHORT_DATE_FORMAT"`` for the rows of long tables: the format is read once
    per call and the usual dd.mm.yyyy written directly (``date_format`` takes some 9 µs)."""
    if not value:
        return ""
    if get_format("SHORT_DATE_FORMAT") == "d.m.Y":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return date_format(value, "SHORT_DATE_FORMAT")


@register.simple_tag
def mark_badge(mark: str, count: int | None = None) -> str:
    """A project mark with a count, for rollups: "✓ 12 dans les temps"."""
    mark = Mark(mark)
    return format_html(
        '<span class="mark mark-{}">{} {} {}</span>',
        mark.value,
        mark.symbol,
        count if count is not None else "",
        MARK_WORDS[mark],
    )


@register.simple_tag
def status_badge(status: str | Status, count: int | None = None, title: str = "") -> str:
    """An indicator status with its symbol and word, and the explanation as a tooltip."""
    status = Status(status)
    if count is not None:
        return format_html(
            '<span class="mark status-{}">{} {} {}</span>',
            status.value,
            status.symbol,
            count,
            STATUS_WORDS[status],
        )
    return format_html(
        '<span class="mark status-{}" title="{}">{} {}</span>',
        status.value,
        title,
        status.symbol,
        STATUS_WORDS[status],
    )


@register.simple_tag
def evaluation_badge(evaluation: Evaluation) -> str:
    return status_badge(evaluation.status, title=evaluation.explanation)


@register.filter
def num(value) -> str:
    """A decimal in the active locale without padding zeros ("?" when unknown)."""
    if value is None or value == "":
        return "?"
    return format_number(Decimal(value))


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
