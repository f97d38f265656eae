"""Loading what a user may see: another territory's objects answer 404, never 403."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from strategies.models import Strategy


def get_strategy_for_user(request: HttpRequest, pk: int) -> Strategy:
    """The strategy ``pk`` if the user holds a membership of its territory (superusers: any)."""
    return get_object_or_404(Strategy.objects.for_user(request.user), pk=pk)


def get_in_strategy(queryset, strategy: Strategy, pk: int, **lookups):
    """An object of ``queryset`` that belongs to ``strategy`` (404 otherwise)."""
    try:
        return queryset.get(pk=pk, strategy=strategy, **lookups)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing
