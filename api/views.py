"""The read-only JSON API under ``/api/v1/`` (django-ninja): territories, strategies, their levels,
axes, measures, projects and indicators with their values.

Every list is paged (``page``, ``page_size``: 100 by default, at most 1,000) and filters like the
cockpit (``cockpit.forms.CockpitFilterForm``: axis, domain, theme, commune, status, priority, mark,
late, engaged, active, after_horizon, q; lead for members). A parameter the operation does not
know, or a value it refuses, answers 400 with a JSON error naming the parameter. Every answer about
one strategy carries ETag and Last-Modified (``api/conditional.py``). Who reads what:
``api/access.py``.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from steering.rollups import strategy_rollup
from strategies.models import Axis, Commune, Domain, Territory

from . import rows, schemas
from .access import Viewer, member_strategy_ids, strategy_for, visible_strategies
from .base import (
    LIMITED,
    PAGING,
    PROJECT_FILTERS,
    FilterId,
    Id,
    PageNumber,
    PageSize,
    api,
    check_parameters,
    cockpit_filters,
    conditional_json,
    json,
    not_found,
    paged,
    responses,
)
from .conditional import conditional

router = Router()


# --- Territories and strategies -------------------------------------------------------------


@router.get("/territories", response=responses(schemas.TerritoryPage), tags=["territories"])
def territories(request: HttpRequest, page: int = PageNumber, page_size: int = PageSize):
    """The territories of the member's strategies and of the public strategies."""
    check_parameters(request, PAGING)
    viewer: Viewer = request.auth
    strategies = visible_strategies(viewer)
    found = Territory.objects.filter(strategies__in=strategies.values("pk")).distinct()
    if viewer.is_member:
        found = Territory.objects.filter(
            Q(pk__in=found.values("pk")) | Q(memberships__user=viewer.user)
        ).distinct()
        if viewer.user.is_superuser:
            found = Territory.objects.all()
    found = found.order_by("name", "pk").prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name"))
    )
    members = member_territory_ids(viewer)

    def to_rows(chunk):
        return [rows.territory_row(t, t.pk in members, list(t.communes.all())) for t in chunk]

    return json(paged(request, found, page, page_size, to_rows))


def member_territory_ids(viewer: Viewer) -> set[int]:
    if not viewer.is_member:
        return set()
    if viewer.user.is_superuser:
        return set(Territory.objects.values_list("pk", flat=True))
    return set(viewer.user.memberships.values_list("territory_id", flat=True))


@router.get(
    "/territories/{pk}", response={200: schemas.TerritoryOut, **LIMITED}, tags=["territories"]
)
def territory(request: HttpRequest, pk: int = Id):
    check_parameters(request, ())
    viewer: Viewer = request.auth
    members = member_territory_ids(viewer)
    visible = Territory.objects.filter(
        Q(pk__in=members) | Q(strategies__in=visible_strategies(viewer).values("pk"))
    ).distinct()
    found = get_object_or_404(visible, pk=pk)
    communes = list(found.communes.order_by("name"))
    return json(rows.territory_row(found, found.pk in members, communes))


@router.get("/strategies", response=responses(schemas.StrategyPage), tags=["strategies"])
def strategies(
    request: HttpRequest,
    territory: int | None = FilterId,
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """The member's strategies and the public ones, by territory."""
    check_parameters(request, ("territory", *PAGING))
    viewer: Viewer = request.auth
    found = visible_strategies(viewer).select_related("territory")
    if territory is not None:
        found = found.filter(territory_id=territory)
    members = member_strategy_ids(viewer)
    found = found.order_by("territory__name", "-horizon_year", "title", "pk")

    def to_rows(chunk):
        return [rows.strategy_row(strategy, strategy.pk in members) for strategy in chunk]

    return json(paged(request, found, page, page_size, to_rows))


def open_data_links(request: HttpRequest, strategy) -> dict[str, str] | None:
    if not strategy.is_public:
        return None
    from .opendata import TABLES

    links = {
        name: request.build_absolute_uri(reverse("api:table", args=[strategy.pk, name]))
        for name in TABLES
    }
    for name, url_name in (
        ("zip", "api:zip"),
        ("dcat_jsonld", "api:dcat_jsonld"),
        ("dcat_rdf", "api:dcat_rdf"),
    ):
        links[name] = request.build_absolute_uri(reverse(url_name, args=[strategy.pk]))
    return links


@router.get(
    "/strategies/{pk}",
    response={200: schemas.StrategyDetail, 304: None, **LIMITED},
    tags=["strategies"],
)
def strategy_detail(request: HttpRequest, pk: int = Id):
    """A strategy, its levels in its own words and its figures (as the cockpit counts them)."""
    check_parameters(request, ())
    strategy, member = strategy_for(request.auth, pk)

    def build() -> dict:
        rollup = strategy_rollup(strategy)
        impl, effect = rollup.implementation, rollup.effect
        projects = {
            "total": impl.total,
            "by_status": dict(impl.statuses),
            "by_mark": dict(impl.marks),
            "after_horizon": impl.after_horizon,
        }
        if member:
            projects.update(
                budget_planned=rows.number(impl.budget_planned),
                budget_committed=rows.number(impl.budget_committed),
                budget_spent=rows.number(impl.budget_spent),
            )
        return {
            **rows.strategy_row(strategy, member),
            "summary": {
                "projects": projects,
                "strategic_indicators": {
                    "total": effect.total,
                    "by_status": dict(effect.counts),
                    "mean_attainment": rows.number(effect.mean_attainment),
                },
            },
            "open_data": open_data_links(request, strategy),
        }

    return conditional_json(request, strategy, member, build)


@router.get(
    "/strategies/{pk}/levels",
    response={200: list[schemas.LevelOut], 304: None, **LIMITED},
    tags=["strategies"],
)
def levels(request: HttpRequest, pk: int = Id):
    """The levels of the strategy's cascade and what the strategy calls them."""
    check_parameters(request, ())
    strategy, member = strategy_for(request.auth, pk)
    return conditional(
        request,
        strategy,
        member,
        lambda: JsonResponse(
            rows.levels_rows(strategy), safe=False, json_dumps_params={"ensure_ascii": False}
        ),
    )


# --- The cascade -----------------------------------------------------------------------------


@router.get("/strategies/{pk}/axes", response=responses(schemas.AxisPage), tags=["cascade"])
def axes(request: HttpRequest, pk: int = Id, page: int = PageNumber, page_size: int = PageSize):
    """The strategy's axes (in its words: ``levels``) with their domains."""
    check_parameters(request, PAGING)
    strategy, member = strategy_for(request.auth, pk)

    def build() -> dict:
        found = Axis.objects.filter(strategy=strategy).order_by("number")

        def to_rows(chunk):
            domains = defaultdict(list)
            for domain in Domain.objects.filter(axis__in=chunk).order_by("order", "title", "pk"):
                domains[domain.axis_id].append(domain)
            return [rows.axis_row(axis, domains[axis.pk]) for axis in chunk]

        return paged(request, found, page, page_size, to_rows)

    return conditional_json(request, strategy, member, build)


@router.get("/strategies/{pk}/measures", response=responses(schemas.MeasurePage), tags=["cascade"])
def measures(
    request: HttpRequest,
    pk: int = Id,
    axis: int | None = FilterId,
    domain: int | None = FilterId,
    theme: int | None = FilterId,
    q: str | None = Query(None, max_length=100),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """The strategy's measures, filtered like the cockpit (axis, domain, theme, free text)."""
    check_parameters(request, ("axis", "domain", "theme", "q", *PAGING))
    strategy, member = strategy_for(request.auth, pk)

    def build() -> dict:
        form = cockpit_filters(strategy, member, {"axis": axis, "domain": domain, "theme": theme})
        found = form.measures().select_related("axis", "domain")
        if q:
            found = found.filter(Q(code__iexact=q) | Q(title__icontains=q))
        return paged(
            request,
            found,
            page,
            page_size,
            lambda chunk: [rows.measure_row(measure, member) for measure in chunk],
        )

    return conditional_json(request, strategy, member, build)


@router.get("/strategies/{pk}/projects", response=responses(schemas.ProjectPage), tags=["projects"])
def projects(
    request: HttpRequest,
    pk: int = Id,
    axis: int | None = FilterId,
    domain: int | None = FilterId,
    theme: int | None = FilterId,
    commune: int | None = FilterId,
    status: schemas.ProjectStatus | None = None,
    priority: int | None = Query(None, ge=1, le=3),
    mark: schemas.ProjectMark | None = None,
    lead: str | None = Query(None, max_length=200, description="Members only."),
    late: bool = False,
    engaged: bool = False,
    active: bool = Query(False, description="All but the abandoned ones."),
    after_horizon: bool = False,
    q: str | None = Query(None, max_length=100),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """The strategy's projects, filtered like the cockpit; budgets and people for members."""
    check_parameters(request, (*PROJECT_FILTERS, *PAGING))
    strategy, member = strategy_for(request.auth, pk)
    values = {
        "axis": axis,
        "domain": domain,
        "theme": theme,
        "commune": commune,
        "status": status,
        "priority": priority,
        "mark": mark,
        "lead": lead,
        "late": late,
        "engaged": engaged,
        "active": active,
        "after_horizon": after_horizon,
        "q": q,
    }

    def build() -> dict:
        form = cockpit_filters(strategy, member, values)
        found = form.projects(Project.objects.for_strategy(strategy).with_mark())
        currency = strategy.territory.currency
        return paged(
            request,
            found,
            page,
            page_size,
            lambda ids: rows.project_rows(strategy, ids, member, currency),
            by_ids=True,
        )

    return conditional_json(request, strategy, member, build)


@router.get(
    "/strategies/{pk}/projects/{project_pk}",
    response={200: schemas.ProjectOut, 304: None, **LIMITED},
    tags=["projects"],
)
def project_detail(request: HttpRequest, pk: int = Id, project_pk: int = Id):
    check_parameters(request, ())
    strategy, member = strategy_for(request.auth, pk)
    found = rows.project_rows(strategy, [project_pk], member, strategy.territory.currency)
    if not found:
        raise Http404
    return conditional_json(request, strategy, member, lambda: found[0])


@router.get(
    "/strategies/{pk}/indicators", response=responses(schemas.IndicatorPage), tags=["indicators"]
)
def indicators(
    request: HttpRequest,
    pk: int = Id,
    axis: int | None = FilterId,
    level: schemas.IndicatorLevel | None = None,
    status: schemas.IndicatorStatus | None = None,
    stale: bool | None = Query(None, description="Only the indicators whose value is (not) stale."),
    q: str | None = Query(None, max_length=100),
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """The strategy's indicators with baseline, target, latest value, attainment, status and the
    age of their data, evaluated today."""
    check_parameters(request, ("axis", "level", "status", "stale", "q", *PAGING))
    strategy, member = strategy_for(request.auth, pk)

    def build() -> dict:
        form = cockpit_filters(strategy, member, {"axis": axis, "q": q})
        found = form.indicators(Indicator.objects.for_strategy(strategy))
        if level is not None:
            found = found.filter(level=level)
        on = timezone.localdate()

        def to_rows(ids) -> list[dict]:
            page_found = rows.evaluated_indicators(strategy, on, found.filter(pk__in=ids))
            by_id = {indicator.pk: (indicator, evaluation) for indicator, evaluation in page_found}
            return [rows.indicator_row(*by_id[pk], on) for pk in ids]

        if status is None and stale is None:
            # Only the page's indicators are evaluated.
            return paged(request, found, page, page_size, to_rows, by_ids=True)
        evaluated = rows.evaluated_indicators(strategy, on, found)
        if status is not None:
            evaluated = [pair for pair in evaluated if pair[1].status == status]
        if stale is not None:
            evaluated = [pair for pair in evaluated if pair[1].stale == stale]
        return paged(
            request,
            evaluated,
            page,
            page_size,
            lambda chunk: [rows.indicator_row(i, e, on) for i, e in chunk],
        )

    return conditional_json(request, strategy, member, build)


@router.get(
    "/strategies/{pk}/indicators/{indicator_pk}",
    response={200: schemas.IndicatorOut, 304: None, **LIMITED},
    tags=["indicators"],
)
def indicator_detail(request: HttpRequest, pk: int = Id, indicator_pk: int = Id):
    check_parameters(request, ())
    strategy, member = strategy_for(request.auth, pk)
    on = timezone.localdate()
    found = rows.evaluated_indicators(
        strategy, on, Indicator.objects.for_strategy(strategy).filter(pk=indicator_pk)
    )
    if not found:
        return not_found(request, None)
    indicator, evaluation = found[0]
    return conditional_json(
        request, strategy, member, lambda: rows.indicator_row(indicator, evaluation, on)
    )


@router.get(
    "/strategies/{pk}/indicators/{indicator_pk}/values",
    response=responses(schemas.ValuePage),
    tags=["indicators"],
)
def indicator_values(
    request: HttpRequest,
    pk: int = Id,
    indicator_pk: int = Id,
    page: int = PageNumber,
    page_size: int = PageSize,
):
    """The indicator's measured values, the latest first."""
    check_parameters(request, PAGING)
    strategy, member = strategy_for(request.auth, pk)
    indicator = get_object_or_404(Indicator.objects.for_strategy(strategy), pk=indicator_pk)

    def build() -> dict:
        found = IndicatorValue.objects.filter(indicator=indicator).order_by("-date", "-pk")
        return paged(
            request,
            found,
            page,
            page_size,
            lambda chunk: [rows.value_row(value, member) for value in chunk],
        )

    return conditional_json(request, strategy, member, build)


api.add_router("/", router)
