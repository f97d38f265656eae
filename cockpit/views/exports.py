"""Downloads of the cockpit: the Excel pack (current state, honouring the cockpit's filters), and
the pack of a workshop.

A strategy of more than ``PACK_BACKGROUND_PROJECTS`` projects gets its pack from the task worker
(``cockpit/background.py``): the same URL then redirects to the job's page, which shows the
progress and then the download link; a smaller one is written in the request, as before."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cockpit.forms import CockpitFilterForm
from jobs import services as jobs
from projects.models import Project
from reports.pack import build_pack
from strategies.access import get_in_strategy, get_strategy_for_user
from strategies.models import Strategy
from workshops.changes import changes_between
from workshops.models import Decision, Workshop
from workshops.snapshot import Snapshot

from .strategy import filtered_axes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pack_filename(strategy: Strategy, on, label: str = "cockpit", extension: str = "xlsx") -> str:
    """``SDI-2028_cockpit_23.11.2026.xlsx``: the strategy, what it is, then the date."""
    name = slugify(strategy.short_name or strategy.title) or "strategie"
    if strategy.short_name:
        name = f"{name.upper()}-{strategy.horizon_year}"
    return f"{name}_{label}_{on:%d.%m.%Y}.{extension}"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def in_background(strategy: Strategy) -> bool:
    """Whether the strategy's pack is made by the task worker rather than in the request."""
    return Project.objects.filter(strategy=strategy).count() > settings.PACK_BACKGROUND_PROJECTS


def make_strategy_pack(strategy: Strategy, query: QueryDict, progress=None) -> tuple[bytes, str]:
    """The cockpit's pack with the filters of ``query``, and its file name."""
    today = timezone.localdate()
    form = CockpitFilterForm(strategy, query or None)
    axes = filtered_axes(strategy, form, today)
    content = build_pack(strategy, on=today, axes=axes, filters=form.sentence(), progress=progress)
    label = f"cockpit_{slug}" if (slug := form.slug()) else "cockpit"
    return content, pack_filename(strategy, today, label=label)


def workshop_decisions(strategy: Strategy, workshop: Workshop, start, end) -> list[Decision]:
    """The decisions of a workshop's pack: those still open, those taken at the workshop and
    those closed in its period (``start``, ``end``)."""
    return list(
        Decision.objects.filter(workshop__strategy=strategy, workshop__date__lte=end.date())
        .filter(
            Q(status=Decision.Status.OPEN)
            | Q(workshop=workshop)
            | Q(closed_on__gte=start.date(), closed_on__lte=end.date())
        )
        .select_related("workshop", "axis", "measure", "project")
        .order_by("workshop__date", "pk")
    )


def workshop_state(strategy: Strategy, workshop: Workshop) -> dict:
    """What a workshop's pack shows: the state at the end of a past workshop's day (read back
    from the history), today's for a workshop still to come."""
    today = timezone.localdate()
    if workshop.date < today:
        return {"on": workshop.date, "snapshot": Snapshot(strategy, workshop.date)}
    return {"on": today, "axes": filtered_axes(strategy, CockpitFilterForm(strategy), today)}


def make_workshop_pack(strategy: Strategy, workshop: Workshop, progress=None) -> tuple[bytes, str]:
    """The pack of a workshop, and its file name."""
    start, end = workshop.period()
    content = build_pack(
        strategy,
        **workshop_state(strategy, workshop),
        changes=changes_between(strategy, start, end),
        decisions=workshop_decisions(strategy, workshop, start, end),
        title=workshop_pack_title(strategy, workshop),
        progress=progress,
    )
    return content, pack_filename(strategy, workshop.date, label=f"atelier-{workshop.number}")


def workshop_pack_title(strategy: Strategy, workshop: Workshop) -> str:
    return _("%(strategy)s – atelier %(number)s du %(date)s") % {
        "strategy": strategy,
        "number": workshop.number,
        "date": f"{workshop.date:%d.%m.%Y}",
    }


@login_required
@require_GET
def strategy_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The cockpit as an Excel workbook, with the same filters as the page (``request.GET``),
    stated in the « Synthèse » sheet and marked in the file name
    (``SDI-2028_cockpit_filtre-axe-2_23.11.2026.xlsx``)."""
    strategy = get_strategy_for_user(request, pk)
    if in_background(strategy):
        job = jobs.start(
            request.user,
            kind="strategy_pack",
            title=_("Rapport Excel – %(strategy)s") % {"strategy": strategy},
            params={"query": request.GET.urlencode()},
            strategy_id=strategy.pk,
            restart_url=request.get_full_path(),
            back_url=reverse("cockpit:strategy", args=[strategy.pk]),
        )
        return redirect(job)
    return xlsx_response(*make_strategy_pack(strategy, request.GET))


@login_required
@require_GET
def workshop_pack(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    """The pack of a workshop: the cockpit as it stood at the end of the workshop's day (read back
    from the history; today's state for a workshop still to come), what changed since the previous
    workshop, the decisions still open and those taken or closed in the workshop's period."""
    strategy = get_strategy_for_user(request, pk)
    workshop = get_in_strategy(Workshop.objects.all(), strategy, workshop_pk)
    if in_background(strategy):
        job = jobs.start(
            request.user,
            kind="workshop_pack",
            title=_("Rapport Excel – %(title)s")
            % {"title": workshop_pack_title(strategy, workshop)},
            params={"workshop": workshop.pk},
            strategy_id=strategy.pk,
            restart_url=request.get_full_path(),
            back_url=reverse("cockpit:workshop", args=[strategy.pk, workshop.pk]),
        )
        return redirect(job)
    return xlsx_response(*make_workshop_pack(strategy, workshop))
