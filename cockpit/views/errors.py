"""The page of a refused form (CSRF check failed), in the app's look and language.

The 400, 403, 404 and 500 pages are Django's own handlers rendering ``templates/<code>.html``;
400 and 500 are rendered without the request (a server error must not depend on it), hence their
standalone layout (``templates/errors/standalone.html``).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
