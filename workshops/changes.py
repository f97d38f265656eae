"""What changed in a strategy between two moments (typically since the previous workshop).

Pure functions, no request: ``changes_between(strategy, start, end)`` reads the history tables of
django-simple-history, the indicator values and the decisions, with a constant number of queries
whatever the number of rows (history rows are loaded in bulk and diffed in memory).

``changes_by_kind`` is what the workshop page shows: every kind's count, and one page of its
changes. The indicator values, the kind that grows with a large portfolio (thousands in a
period), are counted and read a page at a time in the database, each with the value before it
as a subquery; the other kinds are computed whole and cut.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext

from indicators.models import Indicator, IndicatorValue, Status, format_number
from projects.models import Project
from strategies.models import Strategy
from workshops.models import Decision

#: The kinds of change, in the order the workshop page shows them.
KINDS = (
    "project_created",
    "project_changed",
    "project_late",
    "value_recorded",
    "decision_taken",
    "decision_closed",
)
#: The project fields whose changes the commission follows.
PROJECT_FIELDS = ("status", "start_date", "end_date", "priority", "lead")
#: A decision's text is cut to this many characters in a subject.
SUBJECT_CHARS = 120


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    when: datetime.datetime  # aware datetime of the change
    subject: str  # "p3 – Aqualoisirs", "s2 – Places d'accueil…" or the decision text
    field: str  # verbose name of the changed field ("statut"), "" when not a field change
    before: str  # human text, choice labels, dates dd.mm.yyyy, "" when none
    after: str
    author: str  # username or full name, "système" when unknown
    url: str = ""  # cockpit URL of the subject when there is one


@dataclass
class KindPage:
    """One kind of change of a period: how many, and the changes of one page of them."""

    kind: str
    count: int
    changes: list[Change] = field(default_factory=list)
    number: int = 1
    #: Where the page's first change sits among those of its kind (from 0).
    start: int = 0

    @property
    def stop(self) -> int:
        """Where the page's last change sits among those of its kind (from 1)."""
        return self.start + len(self.changes)

    @property
    def rows_after(self) -> int:
        return max(0, self.count - self.stop)

    @property
    def has_next(self) -> bool:
        return self.rows_after > 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def changes_by_kind(
    strategy: Strategy,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    rows: int,
    pages: dict[str, int] | None = None,
) -> list[KindPage]:
    """The kinds of change of the period in the order of ``KINDS`` (those without any left out),
    each with its count and page ``pages[kind]`` (default 1; out of range: the last) of ``rows``
    changes, in the order of ``changes_between``; a constant number of queries."""
    pages = pages or {}
    others: dict[str, list[Change]] = defaultdict(list)
    for change in sorted(
        [
            *_project_changes(strategy, start, end),
            *_late_projects(strategy, start, end),
            *_decisions(strategy, start, end),
        ],
        key=lambda change: change.when,
    ):
        others[change.kind].append(change)
    result = []
    for kind in KINDS:
        values = kind == "value_recorded"
        count = _period_values(strategy, start, end).count() if values else len(others[kind])
        if not count:
            continue
        number = min(max(1, pages.get(kind, 1)), -(-count // rows))
        first = (number - 1) * rows
        window = slice(first, first + rows)
        changes = (
            _indicator_values(strategy, start, end, window) if values else others[kind][window]
        )
        result.append(KindPage(kind, count, changes, number, first))
    return result


def changes_between(
    strategy: Strategy, start: datetime.datetime, end: datetime.datetime
) -> list[Change]:
    """Every change of ``strategy`` from ``start`` to ``end`` (both included), sorted by date."""
    changes = [
        *_project_changes(strategy, start, end),
        *_late_projects(strategy, start, end),
        *_indicator_values(strategy, start, end),
        *_decisions(strategy, start, end),
    ]
    return sorted(changes, key=lambda change: (change.when, KINDS.index(change.kind)))


# --- Formatting --------------------------------------------------------------------------------


def author_of(record) -> str:
    user = getattr(record, "history_user", None) if record is not None else None
    if user is None:
        return gettext("système")
    return user.get_full_name() or user.get_username()


def show(model, name: str, value) -> str:
    """A field's value as the cockpit writes it: choice labels, dd.mm.yyyy, local numbers."""
    if value is None or value == "":
        return ""
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int):
        return format_number(value)
    return str(value)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


# --- Projects ----------------------------------------------------------------------------------


def _project_url(strategy: Strategy, project_id: int) -> str:
    return reverse("cockpit:project", args=(strategy.pk, project_id))


def _project_changes(strategy, start, end) -> list[Change]:
    """Creations and changes of the followed fields, each history row of the period diffed with
    the row before it (which may be older than the period): one query."""
    history = Project.history.model
    in_period = history.objects.filter(
        strategy_id=strategy.pk, history_date__gte=start, history_date__lte=end
    ).values("id")
    records = (
        history.objects.filter(strategy_id=strategy.pk, history_date__lte=end, id__in=in_period)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    changes = []
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if start <= record.history_date <= end:
            subject = f"{record.code} – {record.title}"
            url = _project_url(strategy, record.id)
            author = author_of(record)
            if record.history_type == "+":
                changes.append(
                    Change(
                        "project_created",
                        record.history_date,
                        subject,
                        "",
                        "",
                        show(Project, "status", record.status),
                        author,
                        url,
                    )
                )
            elif record.history_type == "~" and previous is not None:
                for name in PROJECT_FIELDS:
                    old, new = getattr(previous, name), getattr(record, name)
                    if old != new:
                        changes.append(
                            Change(
                                "project_changed",
                                record.history_date,
                                subject,
                                str(Project._meta.get_field(name).verbose_name),
                                show(Project, name, old),
                                show(Project, name, new),
                                author,
                                url,
                            )
                        )
        previous = record
    return changes


def _late_projects(strategy, start, end) -> list[Change]:
    """Projects whose end date passed during the period and that were neither done, abandoned
    nor blocked at its end (as the history says; ``Project.is_late``): one query."""
    history = Project.history.model
    latest = (
        history.objects.filter(id=OuterRef("id"), history_date__lte=end)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = (
        history.objects.filter(strategy_id=strategy.pk, history_date__lte=end)
        .filter(history_id=Subquery(latest))
        .exclude(history_type="-")
        .filter(end_date__gte=_local_day(start), end_date__lt=_local_day(end))
        .exclude(status__in=(Project.Status.DONE, Project.Status.ABANDONED, Project.Status.BLOCKED))
        .order_by("end_date", "code")
    )
    return [
        Change(
            "project_late",
            day_start(row.end_date + datetime.timedelta(days=1)),
            f"{row.code} – {row.title}",
            str(Project._meta.get_field("end_date").verbose_name),
            "",
            show(Project, "end_date", row.end_date),
            gettext("système"),
            _project_url(strategy, row.id),
        )
        for row in rows
    ]


# --- Indicators --------------------------------------------------------------------------------


def _status_change(before: Status, after: Status) -> str:
    """« hors trajectoire → à surveiller »: the cockpit's words for each status."""
    if before == after:
        return ""
    return f"{before.label} → {after.label}"


def _period_values(strategy, start, end):
    """The indicator values of ``strategy`` dated in the period."""
    return IndicatorValue.objects.filter(
        indicator__strategy=strategy, date__gte=_local_day(start), date__lte=_local_day(end)
    )


def _indicator_values(strategy, start, end, window: slice | None = None) -> list[Change]:
    """Values dated in the period (those of ``window`` in their order, by date: a page), with
    the value before each (the last one of an earlier day: a subquery) and, on the last value of
    an indicator in the period, its status change over the period: five queries whatever the
    number of values."""
    first_day, last_day = _local_day(start), _local_day(end)
    before = IndicatorValue.objects.filter(
        indicator=OuterRef("indicator"), date__lt=OuterRef("date")
    ).order_by("-date", "-pk")
    last_in_period = IndicatorValue.objects.filter(
        indicator=OuterRef("indicator"), date__gte=first_day, date__lte=last_day
    ).order_by("-date", "-pk")
    rows = (
        _period_values(strategy, start, end)
        .select_related("indicator")
        .annotate(
            before=Subquery(before.values("value")[:1]),
            last_pk=Subquery(last_in_period.values("pk")[:1]),
        )
        .order_by("date", "pk")
    )
    values = list(rows if window is None else rows[window])
    if not values:
        return []
    creators = {
        record.id: record
        for record in IndicatorValue.history.filter(
            history_type="+", id__in=[value.pk for value in values]
        ).select_related("history_user")
    }
    # The status change over the period, for the indicators whose last value is shown.
    ending = {value.indicator_id for value in values if value.pk == value.last_pk}
    status_words = {}
    # (No such indicator on the page: an id that never matches, so that the queries still run
    # and every page reads the same number of them.)
    indicators = Indicator.objects.filter(pk__in=sorted(ending) or [0]).select_related("strategy")
    at_start = {i.pk: i.evaluate(first_day).status for i in indicators.with_latest_value(first_day)}
    for indicator in indicators.with_latest_value(last_day):
        status_words[indicator.pk] = _status_change(
            at_start[indicator.pk], indicator.evaluate(last_day).status
        )
    return [
        Change(
            "value_recorded",
            day_start(value.date),
            str(value.indicator),
            status_words.get(value.indicator_id, "") if value.pk == value.last_pk else "",
            "" if value.before is None else format_number(value.before),
            format_number(value.value),
            author_of(creators.get(value.pk)),
            reverse("cockpit:indicator", args=(strategy.pk, value.indicator_id)),
        )
        for value in values
    ]


# --- Decisions ---------------------------------------------------------------------------------


def _decisions(strategy, start, end) -> list[Change]:
    """Decisions taken at a workshop of the period and decisions closed in it: two queries."""
    first_day, last_day = _local_day(start), _local_day(end)
    taken_q = {"workshop__date__gte": first_day, "workshop__date__lte": last_day}
    closed_q = {"closed_on__gte": first_day, "closed_on__lte": last_day}
    decisions = list(
        Decision.objects.filter(workshop__strategy=strategy)
        .filter(Q(**taken_q) | Q(**closed_q))
        .select_related("workshop")
        .order_by("workshop__date", "pk")
    )
    if not decisions:
        return []
    records: dict[int, list] = defaultdict(list)
    for record in (
        Decision.history.filter(id__in=[decision.pk for decision in decisions])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        records[record.id].append(record)
    status_label = str(Decision._meta.get_field("status").verbose_name)
    changes = []
    for decision in decisions:
        workshop = decision.workshop
        subject = Truncator(decision.text).chars(SUBJECT_CHARS)
        url = reverse("cockpit:workshop", args=(strategy.pk, workshop.pk))
        rows = records[decision.pk]
        if first_day <= workshop.date <= last_day:
            creation = next((row for row in rows if row.history_type == "+"), None)
            details = []
            if decision.owner:
                details.append(gettext("responsable : %(owner)s") % {"owner": decision.owner})
            if decision.due_date:
                details.append(
                    gettext("échéance : %(date)s")
                    % {"date": date_format(decision.due_date, "SHORT_DATE_FORMAT")}
                )
            changes.append(
                Change(
                    "decision_taken",
                    day_start(workshop.date),
                    subject,
                    "",
                    "",
                    ", ".join(details),
                    author_of(creation),
                    url,
                )
            )
        if decision.closed_on is not None and first_day <= decision.closed_on <= last_day:
            closing = next(
                (row for row in rows if row.status != Decision.Status.OPEN),
                None,
            )
            changes.append(
                Change(
                    "decision_closed",
                    day_start(decision.closed_on),
                    subject,
                    status_label,
                    str(Decision.Status.OPEN.label),
                    decision.get_status_display(),
                    author_of(closing),
                    url,
                )
            )
    return changes
