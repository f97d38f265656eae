"""The project cells of the steering table and the project items of its narrow layout, written
in Python: the cockpit shows up to ``steering.OPEN_PROJECTS`` projects, each in both layouts, and
a template's twenty-odd nodes per project were most of the page's time. The markup is the one
``templates/cockpit/includes/steering_table.html`` and ``steering_blocks.html`` had, escaped as
Django escapes it; the mark and the dates come from the same helpers as everywhere else
(``project_mark``, ``short_date``)."""

from __future__ import annotations

import html
from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from steering.table import SteeringRow
from strategies.models import Strategy

from .cockpit_extras import project_mark, short_date

register = template.Library()


@register.simple_tag
def steering_cells(
    row: SteeringRow, strategy: Strategy, public: bool = False, public_url: str = ""
) -> str:
    """The cells of a row of the table after its indicator's: a filler's one empty cell, or the
    measure's three cells on its first row (spanning its projects' rows), then the project's
    (``project_cells``) or the level's « none » when the measure has no project. A public row
    links its measure to ``public_url`` (reversed by ``{% url %}`` in the public cockpit's
    namespace)."""
    if row.filler:
        span = (9 if public else 10) if strategy.uses_measures else (6 if public else 7)
        return mark_safe(f'<td colspan="{span}" class="group-start"></td>')
    cells = ""
    if row.measure:
        measure, span = row.measure, row.measure_rowspan
        url = escape(public_url if public else row.measure_url)
        objective = escape(measure.operational_objective)
        cells = (
            f'<td class="code group-start" rowspan="{span}"><a href="{url}">'
            f"{escape(measure.code)}</a></td>"
            f'<td class="title" rowspan="{span}"><a href="{url}">{escape(measure.title)}</a></td>'
            f'<td class="code" rowspan="{span}"><span title="{objective}">'
            f"{escape(measure.objective_code)}</span></td>"
        )
    if row.project:
        return mark_safe(cells + project_cells(row, public))
    none = escape(str(strategy.levels.project.none).lower())
    return mark_safe(
        f'{cells}<td colspan="{6 if public else 7}" class="group-start empty">{none}</td>'
    )


@register.simple_tag
def project_cells(row: SteeringRow, public: bool = False) -> str:
    """The project's cells of a row of the table: code, title, priority, lead (not in public),
    start, end, mark; a late project's cells marked ``is-late``."""
    project, late = row.project, row.late_class
    late_attr = ' class="is-late"' if late else ""
    code, title, priority = escape(project.code), escape(project.title), escape(project.priority)
    if public:
        head = (
            f'<td class="code group-start{late}">{code}</td><td class="title{late}">{title}</td>'
            f'<td class="num{late}">{priority}</td>'
        )
    else:
        url = escape(row.project_url)
        head = (
            f'<td class="code group-start{late}"><a href="{url}">{code}</a></td>'
            f'<td class="title{late}"><a href="{url}">{title}</a></td>'
            f'<td class="num{late}">{priority}</td><td{late_attr}>{escape(project.lead)}</td>'
        )
    return mark_safe(
        f'{head}<td class="date{late}">{escape(short_date(project.start_date))}</td>'
        f'<td class="date{late}">{escape(short_date(project.end_date))}</td>'
        f"<td{late_attr}>{project_mark(project)}</td>"
    )


@register.simple_tag
def project_item(row: SteeringRow, public: bool = False) -> str:
    """A project of the narrow layout: code and title, dates, mark."""
    project = row.project
    code, title = escape(project.code), escape(project.title)
    if public:
        names = f'<span class="code">{code}</span> <span class="sb-project-title">{title}</span>'
    else:
        url = escape(row.project_url)
        names = (
            f'<a class="code" href="{url}">{code}</a> '
            f'<a class="sb-project-title" href="{url}">{title}</a>'
        )
    start, end = _date_words(get_language())
    return mark_safe(
        f'<li class="sb-project{row.late_class}">{names} <span class="sb-dates">'
        f'<span class="visually-hidden">{start} </span>'
        f"{escape(short_date(project.start_date))} – "
        f'<span class="visually-hidden">{end} </span>'
        f"{escape(short_date(project.end_date))}</span> "
        f'<span class="sb-mark">{project_mark(project)}</span></li>'
    )


@lru_cache(maxsize=16)
def _date_words(_language: str) -> tuple[str, str]:
    """« Début » and « Fin » in the active language, escaped (once per language)."""
    return escape(gettext("Début")), escape(gettext("Fin"))


def escape(value) -> str:
    """``django.utils.html.escape`` without its check for a lazy string on every call (the
    standard library's, which it calls): some 3,000 values on a cockpit of 300 projects."""
    return html.escape(str(value))
