"""Downloads of the PDF briefing (``reports/briefing.py``): the cockpit's (honouring its filters,
stated on the cover and marked in the file name), a workshop's (its state at the end of a past
workshop's day), and the public cockpit's for a strategy marked public (without budgets, people,
decisions nor comments).

A strategy of more than ``BRIEFING_BACKGROUND_PROJECTS`` projects gets its briefing from the task
worker (``cockpit/background.py``): the same URL then redirects to the job's page; a smaller one
is made in the request. A render that fails leaves no file: the page it came from says so in
French (the job's page, in the background)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cockpit.forms import CockpitFilterForm
from jobs import services as jobs
from projects.models import Project
from reports.briefing import BriefingFailed, build_briefing
from strategies.access import get_in_strategy, get_strategy_for_user
from strategies.models import Strategy
from workshops.changes import changes_between
from workshops.models import Decision, Workshop

from .exports import pack_filename, workshop_decisions, workshop_pack_title, workshop_state
from .public import get_public_strategy
from .strategy import filtered_axes


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def briefing_in_background(strategy: Strategy) -> bool:
    """Whether the strategy's briefing is made by the task worker rather than in the request."""
    count = Project.objects.filter(strategy=strategy).count()
    return count > settings.BRIEFING_BACKGROUND_PROJECTS


def since_last_workshop(strategy: Strategy, today: datetime.date):
    """What changed since the last workshop held (None when none was held yet)."""
    last = (
        Workshop.objects.filter(strategy=strategy, date__lte=today)
        .order_by("-date", "-number")
        .first()
    )
    if last is None:
        return None
    last.strategy = strategy
    start = timezone.make_aware(datetime.datetime.combine(last.date, datetime.time.min))
    return changes_between(strategy, start, timezone.now())


def make_strategy_briefing(
    strategy: Strategy, query: QueryDict, progress=None, *, public: bool = False
) -> tuple[bytes, str]:
    """The cockpit's briefing with the filters of ``query``, and its file name."""
    today = timezone.localdate()
    form = CockpitFilterForm(strategy, query or None)
    if public:
        del form.fields["lead"]  # people are not shown in public
    axes = filtered_axes(strategy, form, today)
    extra = {}
    if not public:
        extra = {
            "changes": since_last_workshop(strategy, today),
            "decisions": list(
                Decision.objects.filter(workshop__strategy=strategy)
                .open()
                .select_related("workshop")
                .order_by("due_date", "workshop__date", "pk")
            ),
        }
    content = build_briefing(
        strategy,
        on=today,
        axes=axes,
        filters=form.sentence(),
        public=public,
        progress=progress,
        **extra,
    )
    label = f"briefing_{slug}" if (slug := form.slug()) else "briefing"
    if public:
        label = f"{label}_public"
    return content, pack_filename(strategy, today, label=label, extension="pdf")


def make_workshop_briefing(
    strategy: Strategy, workshop: Workshop, progress=None
) -> tuple[bytes, str]:
    """The briefing of a workshop, and its file name."""
    start, end = workshop.period()
    content = build_briefing(
        strategy,
        **workshop_state(strategy, workshop),
        changes=changes_between(strategy, start, end),
        decisions=workshop_decisions(strategy, workshop, start, end),
        workshop=workshop,
        title=workshop_briefing_title(strategy, workshop),
        progress=progress,
    )
    label = f"briefing-atelier-{workshop.number}"
    return content, pack_filename(strategy, workshop.date, label=label, extension="pdf")


def workshop_briefing_title(strategy: Strategy, workshop: Workshop) -> str:
    return _("Briefing – %(title)s") % {"title": workshop_pack_title(strategy, workshop)}


def failed(request: HttpRequest, failure: BriefingFailed, back: str) -> HttpResponse:
    messages.error(request, str(failure))
    return redirect(back)


@login_required
@require_GET
def strategy_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """The cockpit as a PDF briefing, with the same filters as the page (``request.GET``)."""
    strategy = get_strategy_for_user(request, pk)
    back = reverse("cockpit:strategy", args=[strategy.pk])
    if briefing_in_background(strategy):
        job = jobs.start(
            request.user,
            kind="strategy_briefing",
            title=_("Briefing PDF – %(strategy)s") % {"strategy": strategy},
            params={"query": request.GET.urlencode()},
            strategy_id=strategy.pk,
            restart_url=request.get_full_path(),
            back_url=back,
        )
        return redirect(job)
    try:
        return pdf_response(*make_strategy_briefing(strategy, request.GET))
    except BriefingFailed as failure:
        return failed(request, failure, back)


@login_required
@require_GET
def workshop_briefing(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    """The briefing of a workshop: the cockpit as it stood at the end of the workshop's day, what
    changed since the previous workshop, the decisions."""
    strategy = get_strategy_for_user(request, pk)
    workshop = get_in_strategy(Workshop.objects.all(), strategy, workshop_pk)
    workshop.strategy = strategy
    back = reverse("cockpit:workshop", args=[strategy.pk, workshop.pk])
    if briefing_in_background(strategy):
        job = jobs.start(
            request.user,
            kind="workshop_briefing",
            title=workshop_briefing_title(strategy, workshop),
            params={"workshop": workshop.pk},
            strategy_id=strategy.pk,
            restart_url=request.get_full_path(),
            back_url=back,
        )
        return redirect(job)
    try:
        return pdf_response(*make_workshop_briefing(strategy, workshop))
    except BriefingFailed as failure:
        return failed(request, failure, back)


@require_GET
def public_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """The public cockpit's briefing (a strategy marked public; 404 otherwise), made in the
    request: no budgets, people, decisions, comments nor history."""
    strategy = get_public_strategy(pk)
    try:
        return pdf_response(*make_strategy_briefing(strategy, request.GET, public=True))
    except BriefingFailed as failure:
        return failed(request, failure, reverse("public:strategy", args=[strategy.pk]))
