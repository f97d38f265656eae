"""The page of a refused form (CSRF check failed), in the app's look and language, and the
server error handler that tells a lost database apart (503, "réessayez").

The 400, 403 and 404 pages are Django's own handlers rendering ``templates/<code>.html``; 400, 500
and 503 are rendered without the request and without a query (a server error must not depend on
either), hence their standalone layout (``templates/errors/standalone.html``).
"""

from __future__ import annotations

import math
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

#: Seconds a client is told to wait before trying again when the database was out of reach.
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database out of reach (a connection cut mid-request, a server
    restarting, SQLite still locked after its timeout) answers 503 with a page that says to try
    again; Django closes the broken connection when the request ends, so the next request opens
    a new one. Any other error is Django's 500 page. Django calls this from within the exception
    handling, so the exception is the one being handled."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return HttpResponse(
            loader.get_template("503.html").render(),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: an expired page or cookies turned off, said plainly (403)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: too many failed logins for this user name from this address;
    says for how long, and points to the password reset (status 429). An account locked across
    addresses (``cockpit.login_limits``) gets its own page: who can unlock it, and when."""
    from axes.helpers import get_cool_off, get_failure_limit

    if getattr(request, "account_locked_out", False):
        return account_locked(request, credentials)

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def account_locked(request: HttpRequest, credentials=None) -> HttpResponse:
    """Too many failed logins for this account from any number of addresses (status 429)."""
    from cockpit.login_limits import account_lock_remaining

    remaining = account_lock_remaining((credentials or {}).get("username"))
    context = {
        "failure_limit": settings.ACCOUNT_FAILURE_LIMIT,
        "window_minutes": math.ceil(settings.ACCOUNT_FAILURE_WINDOW.total_seconds() / 60),
        "remaining_minutes": math.ceil(remaining / 60) if remaining else None,
    }
    response = render(
        request,
        "registration/account_locked.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if remaining:
        response["Retry-After"] = str(remaining)
    return response
