"""Home, strategy cockpit (with its filters and htmx fragment), axis and measure pages.

Each page is rendered by a ``render_*`` function that the members' view (login, membership) and
the public view of a published strategy (``public.py``) share; ``public=True`` leaves out what the
public does not see (budgets, decisions, people) and the links to the members' pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cockpit.forms import CockpitFilterForm
from indicators.models import EffectRollup, Indicator
from prioritisation.views import proposals_section
from projects.models import Project
from projects.rollups import ImplementationRollup
from steering import table as steering
from steering.rollups import (
    Rollup,
    axis_rollups,
    data_share,
    measure_rollups,
    strategy_effect,
    strategy_rollup,
)
from steering.table import (
    AxisBlock,
    axis_page,
    build_axes,
    deferred_axes,
    projects_per_axis,
    steering_projects,
)
from strategies.access import get_in_strategy, get_strategy_for_user
from strategies.models import Axis, Measure, Strategy
from strategies.querystrings import clean_query, push_clean_url, redirect_to_clean_url
from workshops.models import Decision


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


def cockpit_sources(strategy: Strategy, form: CockpitFilterForm, on: datetime.date) -> dict:
    """The measures, projects and strategic indicators the filters of ``form`` select."""
    return {
        "measures": form.measures(),
        "projects": form.projects(steering_projects(strategy, on)),
        "indicators": form.indicators(Indicator.objects.for_strategy(strategy)),
        "show_empty_measures": not form.filters_projects,
    }


def _filtered_axes(strategy: Strategy, form: CockpitFilterForm):
    axis_filter = form.filters.get("axis")
    return strategy.axes.filter(pk=axis_filter.pk) if axis_filter else None


def filtered_axes(
    strategy: Strategy, form: CockpitFilterForm, on: datetime.date
) -> list[AxisBlock]:
    """The cockpit's axes as the filters of ``form`` select them, every row loaded (the Excel
    pack); when filtering, the axes left with nothing to show are dropped."""
    axes = build_axes(
        strategy,
        **cockpit_sources(strategy, form, on),
        axes=_filtered_axes(strategy, form),
        on=on,
    )
    if form.filters:
        axes = [block for block in axes if block.measures or block.indicators]
    return axes


def cockpit_axes(
    strategy: Strategy, form: CockpitFilterForm, on: datetime.date, table_url=None
) -> list[AxisBlock]:
    """The cockpit page's axes: as ``filtered_axes`` up to ``steering.OPEN_PROJECTS`` projects
    shown; beyond, each axis with its rollups and the size of its table, loaded when opened
    (``axis_table``), except a single axis left by the filters, shown with the first page of its
    table. ``table_url(axis, page)`` makes the URL of a page of an axis's table."""
    sources = cockpit_sources(strategy, form, on)
    per_axis = projects_per_axis(sources["projects"])
    if sum(projects for projects, _measures in per_axis.values()) <= steering.OPEN_PROJECTS:
        return filtered_axes(strategy, form, on)
    del sources["projects"]
    axes = deferred_axes(strategy, per_axis, **sources, axes=_filtered_axes(strategy, form), on=on)
    if form.filters:
        axes = [block for block in axes if not block.deferred.empty]
    if len(axes) == 1:
        (block,) = axes
        opened = axis_page(
            strategy,
            block.axis,
            **cockpit_sources(strategy, form, on),
            on=on,
            url=lambda number: table_url(block.axis, number) if table_url else "",
        )
        opened.rollup = block.rollup
        axes = [opened]
    return axes


def filter_query(request: HttpRequest, drop: Iterable[str] = ()) -> str:
    """The cockpit's filters of ``request`` as a clean query string (no empty value), without the
    page number nor the filters of ``drop``."""
    return clean_query(request.GET, drop={"page", *drop})


def table_url_maker(request: HttpRequest, strategy: Strategy):
    """``url(axis, page)``: the URL of a page of an axis's table, with the request's filters."""
    query = filter_query(request)

    # The public instance's URL on a public page ("public:axis_table"), the members' otherwise.
    namespace = request.resolver_match.namespace if request.resolver_match else None

    def url(axis: Axis, page: int) -> str:
        base = reverse("cockpit:axis_table", args=[strategy.pk, axis.pk], current_app=namespace)
        return f"{base}?{query}&page={page}" if query else f"{base}?page={page}"

    return url


@login_required
@require_GET
@vary_on_headers("HX-Request")
def strategy_cockpit(request: HttpRequest, pk: int) -> HttpResponse:
    """The cockpit: title, overview (the strategy's figures, a row per axis), the strategy's texts
    folded, then per axis its two rollups and its steering table; filtered by a GET form. An htmx
    request gets the axes fragment and the overview's rows (out of band) only. Beyond
    ``steering.OPEN_PROJECTS`` projects, the axes come closed and load their table when opened
    (``axis_table``)."""
    return render_cockpit(request, get_strategy_for_user(request, pk))


def render_cockpit(request: HttpRequest, strategy: Strategy, public: bool = False) -> HttpResponse:
    today = timezone.localdate()
    form = CockpitFilterForm(strategy, request.GET or None)
    if public:
        del form.fields["lead"]  # people are not shown in public
    filtering = bool(form.filters)
    if redirect := redirect_to_clean_url(request, drop=form.ignored):
        return redirect
    axes = cockpit_axes(strategy, form, today, table_url_maker(request, strategy))
    context = {
        "strategy": strategy,
        "communes": strategy.territory.communes.all(),
        # The whole strategy's projects counted, in the header (not in the axes' fragment).
        "portfolio": None if request.htmx else strategy_rollup(strategy, today).implementation,
        "data_share": None if request.htmx else data_share(strategy, today),
        # The overview's effect: the strategy's strategic indicators by status (one query).
        "effect": None if request.htmx else strategy_effect(strategy, today),
        "form": form,
        "axes": axes,
        "filtering": filtering,
        "filter_query": filter_query(request, drop=form.ignored),
        "shown_projects": sum(block.shown_projects for block in axes),
        "today": today,
        "public": public,
    }
    if request.htmx and "domain" in form.fields:
        # The domains of the chosen axis, replacing the form's select (out of band).
        form.fields["domain"].widget.attrs["hx-swap-oob"] = "true"
        context["domain_choices"] = form["domain"]
    template = "cockpit/strategy.html#axes" if request.htmx else "cockpit/strategy.html"
    return push_clean_url(request, render(request, template, context), drop=form.ignored)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@login_required
@require_GET
@vary_on_headers("HX-Request")
def axis_table(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    return render_axis_table(request, get_strategy_for_user(request, pk), axis_pk)


def render_axis_table(
    request: HttpRequest, strategy: Strategy, axis_pk: int, public: bool = False
) -> HttpResponse:
    """One axis's steering table, a page at a time, with the cockpit's filters (GET). htmx gets
    the table (first page) or the rows of a following page, to append; without JavaScript, a
    page of its own with links to the previous and next pages. ``public``: a published
    strategy's, without what the public cockpit hides (no "Qui ?" column nor filter)."""
    axis = get_in_strategy(Axis.objects.all(), strategy, axis_pk)
    today = timezone.localdate()
    form = CockpitFilterForm(strategy, request.GET or None)
    if public:
        del form.fields["lead"]  # people are not shown in public
    url = table_url_maker(request, strategy)
    block = axis_page(
        strategy,
        axis,
        **cockpit_sources(strategy, form, today),
        on=today,
        page=page_number(request),
        url=lambda number: url(axis, number),
    )
    context = {
        "strategy": strategy,
        "axis": axis,
        "axis_block": block,
        "form": form,
        "filter_query": filter_query(request, drop=form.ignored),
        "today": today,
        "public": public,
    }
    if request.htmx:
        template = "cockpit/includes/steering_table.html"
        if block.page.number > 1:
            template += "#rows"
    else:
        template = "cockpit/axis_table.html"
    return render(request, template, context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def axis_detail(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    return render_axis(request, get_strategy_for_user(request, pk), axis_pk)


def render_axis(
    request: HttpRequest, strategy: Strategy, axis_pk: int, public: bool = False
) -> HttpResponse:
    """The axis's page: its rollups, strategic indicators, domains, then its measures with their
    projects ``steering.PAGE_ROWS`` rows a page (whole measures), the following ones appended by
    htmx or, without JavaScript, on pages of their own (``?page=``)."""
    axis = get_in_strategy(Axis.objects.all(), strategy, axis_pk)
    today = timezone.localdate()
    block = axis_page(
        strategy,
        axis,
        measures=Measure.objects.for_strategy(strategy),
        projects=steering_projects(strategy, today),
        indicators=Indicator.objects.for_strategy(strategy),
        on=today,
        page=page_number(request),
        url=lambda number: f"{request.path}?page={number}",
    )
    if request.htmx and block.page.has_previous:
        return render(
            request,
            "cockpit/axis.html#measures",
            {"strategy": strategy, "axis": axis, "axis_block": block, "public": public},
        )
    block.rollup = axis_rollups(strategy, today)[axis.pk]
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
        Measure.objects.select_related("axis", "domain").prefetch_related("themes"),
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
            "axis": measure.axis,
            "rollup": measure_rollups(strategy, today, measures=[measure.pk])[measure.pk],
            "indicators": indicators,
            "projects": steering_projects(strategy, today).filter(measure=measure),
            "decisions": [] if public else Decision.objects.filter(measure=measure).flagged(today),
            "today": today,
            "public": public,
        },
    )
