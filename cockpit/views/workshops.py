"""The commission's workshops: the list, and one workshop with its decisions and what changed
since the previous one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prioritisation.views import proposals_section
from strategies.access import get_in_strategy, get_strategy_for_user
from workshops.changes import KINDS, Change, changes_between
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


@dataclass(frozen=True)
class ChangeGroup:
    kind: str
    title: str | Promise
    changes: list[Change]


def group_changes(changes: list[Change]) -> list[ChangeGroup]:
    """The changes by kind, in the order of ``KINDS``, empty kinds left out."""
    return [
        ChangeGroup(kind, KIND_TITLES[kind], [c for c in changes if c.kind == kind])
        for kind in KINDS
        if any(c.kind == kind for c in changes)
    ]


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
def workshop_detail(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    workshop = get_in_strategy(Workshop.objects.all(), strategy, workshop_pk)
    workshop.strategy = strategy
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
        "change_groups": group_changes(changes_between(strategy, start, end)),
        "today": on,
        "proposal_section": proposals_section(request, strategy, workshop=workshop),
    }
    return render(request, "cockpit/workshop.html", context)
