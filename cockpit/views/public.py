"""The public, read-only cockpit of a strategy marked public: no login.

The same pages as the members' (``render_*`` of ``strategy`` and ``drilldown``) with
``public=True``: the cockpit, its axes, measures and indicators, without budgets, funding,
comments, decisions or people, and with a notice that says so. The URLs live under ``/public/``
in their own instance namespace of the ``cockpit`` URL application, so the shared templates'
``{% url 'cockpit:…' %}`` point to the public pages when rendering one; a strategy that is not
public answers 404, like one that does not exist.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from strategies.models import Strategy

from .drilldown import render_indicator
from .strategy import (
    render_axis,
    render_axis_table,
    render_cockpit,
    render_home,
    render_measure,
)


def get_public_strategy(pk: int) -> Strategy:
    return get_object_or_404(Strategy.objects.filter(is_public=True), pk=pk)


@require_safe
def public_home(request: HttpRequest) -> HttpResponse:
    return render_home(request, Strategy.objects.filter(is_public=True), public=True)


@require_safe
@vary_on_headers("HX-Request")
def public_cockpit(request: HttpRequest, pk: int) -> HttpResponse:
    return render_cockpit(request, get_public_strategy(pk), public=True)


@require_safe
@vary_on_headers("HX-Request")
def public_axis_table(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    return render_axis_table(request, get_public_strategy(pk), axis_pk, public=True)


@require_safe
@vary_on_headers("HX-Request")
def public_axis(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    return render_axis(request, get_public_strategy(pk), axis_pk, public=True)


@require_safe
def public_measure(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    return render_measure(request, get_public_strategy(pk), measure_pk, public=True)


@require_safe
def public_indicator(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    return render_indicator(request, get_public_strategy(pk), indicator_pk, public=True)
