"""Project and indicator pages, and the journal of their changes (who, when, what)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalChanges

from indicators.charts import Reading, trend_chart
from indicators.models import Indicator, IndicatorValue, format_number
from projects.models import Project
from strategies.access import get_in_strategy, get_strategy_for_user
from strategies.models import Strategy
from workshops.models import Decision

#: Rows of the indicator page's values table per page.
VALUES_PER_PAGE = 50
#: A long text (description, status comment) is cut to this many characters in the journal.
JOURNAL_TEXT_CHARS = 120
#: Who made a change recorded without a user (a command, a migration, the demo loader).
SYSTEM = gettext_lazy("système")
EMPTY = "–"


@dataclass(frozen=True)
class FieldChange:
    label: str | Promise  # the field's verbose name: "statut"
    old: str  # "en cours"
    new: str  # "bloqué"


@dataclass(frozen=True)
class JournalEntry:
    kind: str  # "created", "changed" or "deleted"
    date: datetime.datetime
    user: str | Promise
    reason: str
    changes: tuple[FieldChange, ...] = ()
    #: What the entry is about when it is not the page's object: "01.06.2025" for the value of
    #: that date, on an indicator's page.
    value_date: str = ""


def build_journal(records: Sequence[HistoricalChanges]) -> list[JournalEntry]:
    """The journal of one object from its historical rows (in any order), newest first.

    Each change is diffed against the row before it, in memory: the rows need their
    ``history_user`` (and foreign keys, to name them) loaded with ``select_related``, and no
    query is made here, whatever the number of rows.
    """
    ordered = sorted(records, key=lambda record: (record.history_date, record.history_id))
    entries = []
    previous = None
    for record in ordered:
        kind = {"+": "created", "-": "deleted"}.get(record.history_type, "changed")
        changes: tuple[FieldChange, ...] = ()
        if kind == "changed" and previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            # In the order of the model's fields (the historical model puts foreign keys last).
            positions = {
                field.name: index for index, field in enumerate(record.instance_type._meta.fields)
            }
            changes = tuple(
                FieldChange(
                    label=field.verbose_name,
                    old=display_value(field, change.old),
                    new=display_value(field, change.new),
                )
                for change in sorted(delta.changes, key=lambda c: positions.get(c.field, 0))
                for field in [record._meta.get_field(change.field)]
            )
        user = record.history_user
        entries.append(
            JournalEntry(
                kind=kind,
                date=record.history_date,
                user=(user.get_full_name() or user.get_username()) if user else SYSTEM,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def display_value(field: models.Field, value) -> str:
    """A field's value as the cockpit writes it: choice labels, dd.mm.yyyy, local numbers."""
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int):
        return format_number(value)
    return Truncator(str(value)).chars(JOURNAL_TEXT_CHARS)


@login_required
def project_detail(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    on = timezone.localdate()
    project = get_in_strategy(
        Project.objects.with_mark(on)
        .with_news(on, strategy.no_news_days)
        .select_related("axis", "measure__domain")
        .prefetch_related("communes", "themes", "fundings"),
        strategy,
        project_pk,
    )
    fundings = list(project.fundings.all())
    journal_page, journal = journal_of_page(
        project.history.select_related("history_user", "measure"), request.GET.get("page")
    )
    spent_percent = None
    if project.budget_planned and project.budget_spent is not None:
        spent_percent = Decimal(100) * project.budget_spent / project.budget_planned
    context = {
        "strategy": strategy,
        "project": project,
        "measure": project.measure,
        "axis": project.axis,
        "fundings": fundings,
        "funding_total": sum((funding.amount for funding in fundings), Decimal(0)),
        "funding_secured": sum(
            (funding.amount for funding in fundings if funding.secured), Decimal(0)
        ),
        "spent_percent": spent_percent,
        "journal": journal,
        "journal_page": journal_page,
        "decisions": Decision.objects.filter(project=project).flagged(on),
    }
    return render(request, "cockpit/project_detail.html", context)


#: Entries of a journal shown on one page.
JOURNAL_PAGE_SIZE = 25


def journal_of_page(
    history: models.QuerySet, number: str | None
) -> tuple[Page, list[JournalEntry]]:
    """The page ``number`` of an object's journal, newest first, ``JOURNAL_PAGE_SIZE`` entries a
    page (Django's ``Paginator``; a missing or bad number gives the first or last page). Two
    queries whatever the length of the history: the count, then the page's rows plus the one
    before them, which the oldest entry of the page is diffed against."""
    newest_first = history.order_by("-history_date", "-history_id")
    page = Paginator(newest_first, JOURNAL_PAGE_SIZE).get_page(number)
    if not page.paginator.count:
        return page, []
    start = page.start_index() - 1
    records = list(newest_first[start : page.end_index() + 1])
    return page, build_journal(records)[: page.end_index() - start]


def indicator_journal(indicator: Indicator) -> list[JournalEntry]:
    """The changes of the indicator (target, dates...) and of its values (recorded, corrected,
    deleted), newest first, in two queries whatever their number."""
    entries = build_journal(
        list(indicator.history.select_related("history_user", "strategy", "axis", "measure"))
    )
    by_value = defaultdict(list)
    for record in IndicatorValue.history.filter(indicator_id=indicator.pk).select_related(
        "history_user"
    ):
        by_value[record.id].append(record)
    for records in by_value.values():
        latest = max(records, key=lambda record: (record.history_date, record.history_id))
        when = date_format(latest.date, "SHORT_DATE_FORMAT")
        entries.extend(replace(entry, value_date=when) for entry in build_journal(records))
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


@login_required
def indicator_detail(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    return render_indicator(request, get_strategy_for_user(request, pk), indicator_pk)


def render_indicator(
    request: HttpRequest, strategy: Strategy, indicator_pk: int, public: bool = False
) -> HttpResponse:
    """The indicator page; in public, without the values' comments nor the journal (people)."""
    on = timezone.localdate()
    indicator = get_in_strategy(
        Indicator.objects.select_related("strategy", "axis", "measure__axis").with_latest_value(on),
        strategy,
        indicator_pk,
    )
    # The chart from every value, as bare (date, value, pk) tuples (reduced in trend_chart); the
    # table one page of VALUES_PER_PAGE at a time, newest first.
    readings = [Reading(*row) for row in indicator.values.values_list("date", "value", "pk")]
    values = Paginator(indicator.values.order_by("-date", "-pk"), VALUES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    evaluation = indicator.evaluate(on)
    context = {
        "strategy": strategy,
        "indicator": indicator,
        "axis": indicator.display_axis,
        "measure": indicator.measure,
        "evaluation": evaluation,
        "status_word": evaluation.status.label,
        "values": values,
        "chart": trend_chart(indicator, readings, on, evaluation=evaluation),
        "on": on,
        "journal": [] if public else indicator_journal(indicator),
        "public": public,
    }
    return render(request, "cockpit/indicator_detail.html", context)
