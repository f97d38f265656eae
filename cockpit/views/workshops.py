"""The commission's workshops: the list, and one workshop with its decisions and what changed
since the previous one: each kind of change counted whole, its first ``CHANGE_ROWS`` listed and
the next ones loaded on demand (htmx appends them; without JavaScript, a page of its own)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from prioritisation.views import proposals_section
from strategies.access import get_in_strategy, get_strategy_for_user
from workshops.changes import KINDS, Change, KindPage, changes_by_kind
from workshops.models import Decision, Workshop

#: The headings of the "what changed" groups, in the order of ``KINDS``.
KIND_TITLES = {
    "project_created": _("Projets créés"),
    "project_changed": _("Projets modifiés"),
    "project_late": _("Projets passés en retard"),
    "value_recorded": _("Valeurs d'indicateurs mesurées"),
    "decision_taken": _("Décisions prises"),
    "decision_closed": _("Décisions closes"),
}


#: Changes of one kind listed at a time on the workshop page.
CHANGE_ROWS = 50
#: The query parameter naming the kind whose next changes are asked for.
KIND_PARAMETER = "changements"


@dataclass(frozen=True)
class ChangeGroup:
    kind: str
    title: str | Promise
    changes: list[Change]
    count: int
    page: KindPage
    next_url: str = ""
    first_url: str = ""


def change_groups(pages: list[KindPage], url: str) -> list[ChangeGroup]:
    """The page's groups of changes, with the URLs of their next changes and of their first
    ones (``url``: the workshop page's)."""

    def page_url(kind: str, number: int) -> str:
        return f"{url}?{urlencode({KIND_PARAMETER: kind, 'page': number})}"

    return [
        ChangeGroup(
            page.kind,
            KIND_TITLES[page.kind],
            page.changes,
            page.count,
            page,
            next_url=page_url(page.kind, page.number + 1) if page.has_next else "",
            first_url=f"{url}#changes-{page.kind}" if page.has_previous else "",
        )
        for page in pages
    ]


def _asked_pages(request: HttpRequest) -> dict[str, int]:
    """The page of changes asked for (``?changements=<kind>&page=<n>``), if any."""
    kind = request.GET.get(KIND_PARAMETER, "")
    if kind not in KINDS:
        return {}
    try:
        return {kind: max(1, int(request.GET.get("page", 1)))}
    except ValueError:
        return {kind: 1}


@login_required
def workshops(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    rows = (
        Workshop.objects.filter(strategy=strategy)
        .annotate(n_decisions=Count("decisions"))
        .order_by("-date", "-number")
    )
    return render(
        request,
        "cockpit/workshops.html",
        {"strategy": strategy, "workshops": list(rows), "today": timezone.localdate()},
    )


@login_required
@vary_on_headers("HX-Request")
def workshop_detail(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    workshop = get_in_strategy(Workshop.objects.all(), strategy, workshop_pk)
    workshop.strategy = strategy
    url = reverse("cockpit:workshop", args=(strategy.pk, workshop.pk))
    asked = _asked_pages(request)
    if request.htmx and asked:  # the next changes of a kind, appended to its list
        start, end = workshop.period(workshop.previous())
        groups = change_groups(
            changes_by_kind(strategy, start, end, rows=CHANGE_ROWS, pages=asked), url
        )
        group = next((g for g in groups if g.kind in asked), None)
        return render(
            request,
            "cockpit/workshop.html#change_rows",
            {"strategy": strategy, "group": group, "changes": group.changes if group else []},
        )
    on = timezone.localdate()
    decisions = list(
        Decision.objects.filter(workshop=workshop).select_related("axis", "measure", "project")
    )
    previous = workshop.previous()
    start, end = workshop.period(previous)
    context = {
        "strategy": strategy,
        "workshop": workshop,
        "agenda": list(workshop.agenda_items.all()),
        "decisions": [(decision, decision.is_overdue(on)) for decision in decisions],
        "previous": previous,
        "period_start": start,
        "period_end": end,
        "change_groups": change_groups(
            changes_by_kind(strategy, start, end, rows=CHANGE_ROWS, pages=asked), url
        ),
        "today": on,
        "proposal_section": proposals_section(request, strategy, workshop=workshop),
    }
    return render(request, "cockpit/workshop.html", context)
