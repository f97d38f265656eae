"""An idle timeout and a maximum age for logged-in sessions (issue 17, item 6).

``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST`` would give an idle timeout at the cost
of a session write on every request; this middleware writes the time of last activity at most once
a minute (``ACTIVITY_GRANULARITY``) and the time of login once. A session idle for longer than
``SESSION_IDLE_TIMEOUT``, or older than ``SESSION_MAX_AGE`` (``SESSION_COOKIE_AGE`` is the same, so
the browser drops the cookie too), is logged out, and the request is sent to the login page with a
message (an htmx request is told to go there with ``HX-Redirect``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

LOGIN_AT = "cockpit_login_at"
SEEN_AT = "cockpit_seen_at"
ACTIVITY_GRANULARITY = 60  # seconds between two writes of the last activity


def on_logged_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's age counts from the login."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionAgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self.expired(request)
            if expired:
                return self.log_out(request, expired)
        return self.get_response(request)

    def expired(self, request: HttpRequest) -> str:
        """Why the session has ended ("idle", "max"), or "" while it lasts; records activity."""
        session = request.session
        now = int(time.time())
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        if now - login_at > settings.SESSION_MAX_AGE.total_seconds():
            return "max"
        if now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return "idle"
        if SEEN_AT not in session or now - seen_at >= ACTIVITY_GRANULARITY:
            session[SEEN_AT] = now
        return ""

    def log_out(self, request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        if why == "idle":
            message = gettext(
                "Votre session a pris fin après %(minutes)s minutes sans activité : "
                "reconnectez-vous."
            ) % {"minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)}
        else:
            message = gettext(
                "Votre session a pris fin après %(hours)s heures : reconnectez-vous."
            ) % {"hours": int(settings.SESSION_MAX_AGE.total_seconds() // 3600)}
        messages.info(request, message)
        # A GET comes back to its page after the login; a POST's data is not replayed.
        response = redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
        if request.headers.get("HX-Request"):
            location = response["Location"]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
        return response
