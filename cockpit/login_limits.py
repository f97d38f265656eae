"""Two limits on logins that django-axes does not give, counted in the shared cache.

django-axes locks a (user name, address) pair after ``AXES_FAILURE_LIMIT`` failures. It can also
count per user name alone (``AXES_LOCKOUT_PARAMETERS``), but with the same limit and cool-off for
every combination (axes 8.3 compares the highest count of all combinations with one limit), so a
per-account limit of its own is written here by hand:

- **Per account, across addresses**: ``ACCOUNT_FAILURE_LIMIT`` failed logins for one user name
  within ``ACCOUNT_FAILURE_WINDOW`` (20 an hour), from any number of addresses, lock that account
  for the window; the right password does not get through until then or until someone lifts it
  (``manage.py unlock_account NAME``). A failure is counted by the ``user_login_failed`` signal;
  the lock is checked by ``cockpit.auth_backends.WebLoginAxesBackend`` and answered by axes'
  lockout machinery, so the page is ``cockpit.views.errors.locked_out``'s.
- **Across the installation**: ``LOGIN_RATE_LIMIT`` login POSTs a minute, whoever sends them
  (``LoginRateLimitMiddleware``); the next ones get a 429 with ``Retry-After`` until the minute
  ends, without their password being checked.

Both are fixed-window counters (``cache.add`` then ``cache.incr``) in the default cache, which every
process shares (the database table, or Redis: atomic there; on the database cache two requests at
the same instant may count once, which a limit of this kind tolerates).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ACCOUNT_FAILURES_KEY = "login:account-failures:{}"
ACCOUNT_LOCK_KEY = "login:account-lock:{}"
RATE_KEY = "login:rate:{}"
RATE_WINDOW = 60  # seconds: the limit is per minute


def _account(username: str) -> str:
    """The cache key's part for a user name: case does not matter, any character is safe."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def _window_seconds() -> int:
    return max(1, int(settings.ACCOUNT_FAILURE_WINDOW.total_seconds()))


def account_lock_remaining(username: str | None) -> int:
    """Seconds until this account's lock ends; 0 when it is not locked."""
    if not username:
        return 0
    until = cache.get(ACCOUNT_LOCK_KEY.format(_account(username)))
    return max(0, math.ceil(until - time.time())) if until else 0


def count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` of the shared cache (created for ``timeout`` seconds) and
    return its new value."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def count_account_failure(username: str | None) -> bool:
    """Count a failed login for this user name; True when it locks (or has locked) the account."""
    if not username or not settings.ACCOUNT_FAILURE_LIMIT:
        return False
    account = _account(username)
    window = _window_seconds()
    if count(ACCOUNT_FAILURES_KEY.format(account), window) < settings.ACCOUNT_FAILURE_LIMIT:
        return False
    # The lock lasts the window from the failure that reached the limit; later failures do not
    # extend it.
    cache.add(ACCOUNT_LOCK_KEY.format(account), time.time() + window, window)
    return True


def unlock_account(username: str) -> None:
    account = _account(username)
    cache.delete_many([ACCOUNT_FAILURES_KEY.format(account), ACCOUNT_LOCK_KEY.format(account)])


def mark_account_locked(request: HttpRequest, credentials: dict | None) -> None:
    """Have axes' middleware answer with the lockout page, which tells this lock apart."""
    request.axes_locked_out = True
    request.axes_credentials = credentials
    request.account_locked_out = True


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """``user_login_failed`` receiver: a failure from the web counts against its account."""
    if request is None:
        return
    if count_account_failure(credentials.get("username")):
        mark_account_locked(request, credentials)


# --- Global rate ---------------------------------------------------------------------------------


def is_login_post(request: HttpRequest) -> bool:
    match = request.resolver_match
    return request.method == "POST" and match is not None and match.url_name == "login"


def take_login_slot() -> int:
    """Count one login POST in the current minute; 0 when allowed, otherwise the seconds until the
    next minute (the ``Retry-After``)."""
    now = time.time()
    minute = int(now // RATE_WINDOW)
    if count(RATE_KEY.format(minute), RATE_WINDOW * 2) <= settings.LOGIN_RATE_LIMIT:
        return 0
    return max(1, math.ceil((minute + 1) * RATE_WINDOW - now))


class LoginRateLimitMiddleware:
    """At most ``LOGIN_RATE_LIMIT`` login POSTs a minute across the installation (every login
    view named ``login``: the site's and the admin's); the others get a French page, 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.LOGIN_RATE_LIMIT or not is_login_post(request):
            return None
        retry_after = take_login_slot()
        if not retry_after:
            return None
        response = render(
            request,
            "registration/login_rate_limited.html",
            {"retry_after": retry_after},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
