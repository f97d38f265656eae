"""The project cells of the steering table and the project items of its narrow layout, written
in Python: the cockpit shows up to ``steering.OPEN_PROJECTS`` projects, each in both layouts, and
a template's twenty-odd nodes per project were most of the page's time. The markup is the one
``templates/cockpit/includes/steering_table.html`` and ``steering_blocks.html`` had; the mark and
the dates come from the same helpers as everywhere else (``project_mark``, ``short_date``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from steering.table import SteeringRow

from .cockpit_extras import project_mark, short_date

register = template.Library()


@register.simple_tag
def project_cells(row: SteeringRow, public: bool = False) -> str:
    """The project's cells of a row of the table: code, title, priority, lead (not in public),
    start, end, mark; a late project's cells marked ``is-late``."""
    project, late = row.project, row.late_class
    late_attr = mark_safe(' class="is-late"') if late else ""
    if public:
        head = format_html(
            '<td class="code group-start{}">{}</td><td class="title{}">{}</td>'
            '<td class="num{}">{}</td>',
            late,
            project.code,
            late,
            project.title,
            late,
            project.priority,
        )
    else:
        head = format_html(
            '<td class="code group-start{}"><a href="{}">{}</a></td>'
            '<td class="title{}"><a href="{}">{}</a></td>'
            '<td class="num{}">{}</td><td{}>{}</td>',
            late,
            row.project_url,
            project.code,
            late,
            row.project_url,
            project.title,
            late,
            project.priority,
            late_attr,
            project.lead,
        )
    return format_html(
        '{}<td class="date{}">{}</td><td class="date{}">{}</td><td{}>{}</td>',
        head,
        late,
        short_date(project.start_date),
        late,
        short_date(project.end_date),
        late_attr,
        project_mark(project),
    )


@register.simple_tag
def project_item(row: SteeringRow, public: bool = False) -> str:
    """A project of the narrow layout: code and title, dates, mark."""
    project = row.project
    if public:
        names = format_html(
            '<span class="code">{}</span> <span class="sb-project-title">{}</span>',
            project.code,
            project.title,
        )
    else:
        names = format_html(
            '<a class="code" href="{}">{}</a> <a class="sb-project-title" href="{}">{}</a>',
            row.project_url,
            project.code,
            row.project_url,
            project.title,
        )
    return format_html(
        '<li class="sb-project{}">{} <span class="sb-dates"><span class="visually-hidden">{} '
        '</span>{} – <span class="visually-hidden">{} </span>{}</span> '
        '<span class="sb-mark">{}</span></li>',
        row.late_class,
        names,
        gettext("Début"),
        short_date(project.start_date),
        gettext("Fin"),
        short_date(project.end_date),
        project_mark(project),
    )
