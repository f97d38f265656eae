"""Loading what a user may see: another territory's objects answer 404, never 403."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from strategies.models import Membership, Strategy


def get_strategy_for_user(request: HttpRequest, pk: int) -> Strategy:
    """The strategy ``pk`` if the user holds a membership of its territory (superusers: any)."""
    return get_object_or_404(Strategy.objects.for_user(request.user), pk=pk)


def get_in_strategy(queryset, strategy: Strategy, pk: int, **lookups):
    """An object of ``queryset`` that belongs to ``strategy`` (404 otherwise)."""
    try:
        found = queryset.get(pk=pk, strategy=strategy, **lookups)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing
    # The strategy at hand (its level names label the object and its axis), without a query.
    found.strategy = strategy
    axis = found._state.fields_cache.get("axis")
    if axis is not None:
        axis.strategy = strategy
    return found


def is_editor(user, strategy: Strategy) -> bool:
    """Whether the user edits the strategy's territory (secretariat, or a superuser)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, territory_id=strategy.territory_id, role=Membership.Role.EDITOR
    ).exists()


def can_change_data(user) -> bool:
    """Whether the user may change data anywhere: a superuser, or the editor of a territory (the
    admin lets in no one else). Such an account needs a second factor (accounts/)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.memberships.filter(role=Membership.Role.EDITOR).exists()


def users_who_change_data() -> QuerySet:
    """The active accounts for which ``can_change_data`` holds, as a queryset."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Membership.Role.EDITOR))
        .distinct()
    )


def get_strategy_for_editor(request: HttpRequest, pk: int) -> Strategy:
    """The strategy ``pk`` for an editor of its territory: 404 for another territory (its
    existence does not leak), 403 for a viewer of this one."""
    strategy = get_strategy_for_user(request, pk)
    if not is_editor(request.user, strategy):
        raise PermissionDenied
    return strategy
