"""Home, strategy cockpit (with its filters and htmx fragment), axis and measure pages.

Each page is rendered by a ``render_*`` function that the members' view (login, membership) and
the public view of a published strategy (``public.py``) share; ``public=True`` leaves out what the
public does not see (budgets, decisions, people) and the links to the members' pages.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cockpit.access import get_in_strategy, get_strategy_for_user
from cockpit.forms import CockpitFilterForm
from cockpit.models import Decision
from cockpit.rollups import Rollup, measure_rollups
from cockpit.steering import AxisBlock, build_axes, steering_projects
from cockpit.views.prioritisation import proposals_section
from indicators.models import EffectRollup, Indicator
from projects.models import ImplementationRollup, Project
from strategies.models import Axis, Measure, Strategy


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The strategies the user may see, each with a one-line summary (fixed number of queries)."""
    return render_home(request, Strategy.objects.for_user(request.user))


def render_home(request: HttpRequest, strategies, public: bool = False) -> HttpResponse:
    strategies = list(strategies)
    today = timezone.localdate()
    projects = Project.objects.filter(strategy__in=strategies).rollup_by("strategy", today)
    indicators = Indicator.objects.filter(
        strategy__in=strategies, level=Indicator.Level.STRATEGIC
    ).rollup_by("strategy_id", today)
    cards = [
        (
            strategy,
            Rollup(
                projects.get(strategy.pk, ImplementationRollup()),
                indicators.get(strategy.pk, EffectRollup.of([])),
            ),
        )
        for strategy in strategies
    ]
    return render(request, "cockpit/home.html", {"cards": cards, "today": today, "public": public})


def filtered_axes(
    strategy: Strategy, form: CockpitFilterForm, on: datetime.date
) -> list[AxisBlock]:
    """The cockpit's axes as the filters of ``form`` select them (shared by the page and the Excel
    pack); when filtering, the axes left with nothing to show are dropped."""
    axis_filter = form.filters.get("axis")
    axes = build_axes(
        strategy,
        measures=form.measures(),
        projects=form.projects(steering_projects(strategy, on)),
        indicators=form.indicators(Indicator.objects.for_strategy(strategy)),
        show_empty_measures=not form.filters_projects,
        axes=strategy.axes.filter(pk=axis_filter.pk) if axis_filter else None,
        on=on,
    )
    if form.filters:
        axes = [block for block in axes if block.measures or block.indicators]
    return axes


@login_required
@require_GET
@vary_on_headers("HX-Request")
def strategy_cockpit(request: HttpRequest, pk: int) -> HttpResponse:
    """The cockpit: header, then per axis its two rollups and its steering table; filtered by a
    GET form. An htmx request gets the axes fragment only."""
    return render_cockpit(request, get_strategy_for_user(request, pk))


def render_cockpit(request: HttpRequest, strategy: Strategy, public: bool = False) -> HttpResponse:
    today = timezone.localdate()
    form = CockpitFilterForm(strategy, request.GET or None)
    if public:
        del form.fields["lead"]  # people are not shown in public
    filtering = bool(form.filters)
    axes = filtered_axes(strategy, form, today)
    context = {
        "strategy": strategy,
        "communes": strategy.territory.communes.all(),
        "form": form,
        "axes": axes,
        "filtering": filtering,
        "shown_projects": sum(len(block.projects) for block in axes),
        "today": today,
        "public": public,
    }
    template = "cockpit/strategy.html#axes" if request.htmx else "cockpit/strategy.html"
    return render(request, template, context)


@login_required
@require_GET
def axis_detail(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    return render_axis(request, get_strategy_for_user(request, pk), axis_pk)


def render_axis(
    request: HttpRequest, strategy: Strategy, axis_pk: int, public: bool = False
) -> HttpResponse:
    axis = get_in_strategy(Axis.objects.all(), strategy, axis_pk)
    today = timezone.localdate()
    (block,) = build_axes(
        strategy,
        measures=Measure.objects.for_strategy(strategy).filter(domain__axis=axis),
        projects=steering_projects(strategy, today).filter(measure__domain__axis=axis),
        indicators=Indicator.objects.for_strategy(strategy).filter(axis=axis),
        axes=Axis.objects.filter(pk=axis.pk),
        on=today,
    )
    return render(
        request,
        "cockpit/axis.html",
        {
            "strategy": strategy,
            "axis": axis,
            "axis_block": block,
            "domains": axis.domains.all(),
            "decisions": [] if public else Decision.objects.filter(axis=axis).flagged(today),
            "today": today,
            "proposal_section": None if public else proposals_section(request, strategy, axis=axis),
            "public": public,
        },
    )


@login_required
@require_GET
def measure_detail(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    return render_measure(request, get_strategy_for_user(request, pk), measure_pk)


def render_measure(
    request: HttpRequest, strategy: Strategy, measure_pk: int, public: bool = False
) -> HttpResponse:
    measure = get_in_strategy(
        Measure.objects.select_related("domain__axis").prefetch_related("themes"),
        strategy,
        measure_pk,
    )
    today = timezone.localdate()
    indicators = Indicator.objects.for_strategy(strategy).filter(measure=measure).evaluated(today)
    return render(
        request,
        "cockpit/measure.html",
        {
            "strategy": strategy,
            "measure": measure,
            "axis": measure.domain.axis,
            "rollup": measure_rollups(strategy, today, measures=[measure.pk])[measure.pk],
            "indicators": indicators,
            "projects": steering_projects(strategy, today).filter(measure=measure),
            "decisions": [] if public else Decision.objects.filter(measure=measure).flagged(today),
            "today": today,
            "public": public,
        },
    )
