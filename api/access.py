"""Who reads the API: anyone for a public strategy, a member with a personal token (accounts'
``ApiToken``) for the strategies of the member's territories.

A request without an ``Authorization`` header reads as the public. A header that is not a valid,
active ``Bearer`` token answers 401, whatever the URL. A valid token is counted against
``API_RATE_LIMIT`` requests a minute (a fixed window in the shared cache, like the login limits of
``cockpit.login_limits``); beyond it the API answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from accounts.models import ApiToken
from cockpit.login_limits import count
from strategies.models import Strategy

RATE_KEY = "api:rate:{}:{}"
RATE_WINDOW = 60  # seconds: the limit is per minute
#: A token's "last used" is written at most this often (not at every request).
LAST_USED_STEP = datetime.timedelta(minutes=1)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Viewer:
    """The reader of a request: the public (no user) or a member through a token."""

    user: object | None = None
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja keeps the first truthy result of its auth callbacks
        return True

    @property
    def is_member(self) -> bool:
        return self.user is not None


PUBLIC = Viewer()


def take_slot(token: ApiToken) -> int:
    """Count one request of ``token`` in the current minute; 0 when allowed, otherwise the
    seconds until the next minute (the ``Retry-After``)."""
    limit = settings.API_RATE_LIMIT
    if not limit:
        return 0
    now = time.time()
    minute = int(now // RATE_WINDOW)
    if count(RATE_KEY.format(token.pk, minute), RATE_WINDOW * 2) <= limit:
        return 0
    return max(1, math.ceil((minute + 1) * RATE_WINDOW - now))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's user, or 401 (or 429 beyond the limit)."""

    def __call__(self, request: HttpRequest) -> Viewer | None:
        header = request.headers.get(self.header)
        if header is None:
            return None  # the public (``public_reader``)
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Viewer:
        found = ApiToken.objects.find(token)
        if found is None:
            raise AuthenticationError
        retry_after = take_slot(found)
        if retry_after:
            raise RateLimited(retry_after)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_STEP:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return Viewer(found.user, found)


def public_reader(request: HttpRequest) -> Viewer:
    """No ``Authorization`` header: the public."""
    return PUBLIC


def strategy_for(viewer: Viewer, pk: int) -> tuple[Strategy, bool]:
    """The strategy ``pk`` and whether the viewer reads it as a member (a member of its
    territory, or a superuser); a public strategy for anyone else; 404 otherwise."""
    if viewer.is_member:
        strategy = Strategy.objects.for_user(viewer.user).filter(pk=pk).first()
        if strategy is not None:
            return strategy, True
    strategy = Strategy.objects.filter(is_public=True, pk=pk).first()
    if strategy is None:
        raise Http404
    return strategy, False


def visible_strategies(viewer: Viewer):
    """The strategies the viewer reads: the member's and the public ones."""
    if not viewer.is_member:
        return Strategy.objects.filter(is_public=True)
    if viewer.user.is_superuser:
        return Strategy.objects.all()
    members = Strategy.objects.for_user(viewer.user).values("pk")
    return Strategy.objects.filter(Q(is_public=True) | Q(pk__in=members))


def member_strategy_ids(viewer: Viewer) -> set[int]:
    if not viewer.is_member:
        return set()
    return set(Strategy.objects.for_user(viewer.user).values_list("pk", flat=True))
