"""Structured logs and error reports without personal data.

- ``RequestIdMiddleware`` (first in ``MIDDLEWARE``) gives each request an id: the proxy's
  ``X-Request-ID`` when a trusted proxy is declared (``DJANGO_TRUSTED_PROXY_COUNT`` > 0) and the
  value is a plain token, else a new one; echoes it in the response's ``X-Request-ID``; and writes
  one access record per request on the ``cockpit.logs`` logger (method, path without query
  string and with its secrets masked, status, duration, user id).
- ``RequestContextFilter`` adds the request id, the user id, the method and the masked path to
  every record logged during a request (on the handlers of ``LOGGING``), and masks the path in
  Django's own records (``django.request``: "Internal Server Error: /mise-a-jour/…/").
- ``JsonFormatter``: one JSON object per line, with chosen fields only (python-json-logger does
  this; the few lines here spare a dependency). ``DJANGO_LOG_FORMAT`` chooses it or plain text.
- ``ErrorReporter`` and ``ErrorReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER``,
  ``DEFAULT_EXCEPTION_REPORTER_FILTER``): the error mail and the debug page show the user's id,
  not their name; no cookie, no query-string value, no address (IP or e-mail), no token of a URL
  (an update round's link, a password reset's), no password or token field of a form.

Identifiers (user ids, request ids) are logged; names, e-mail addresses and addresses are not.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

#: The access lines (one per request); named by its module, the Python way.
access_logger = logging.getLogger(__name__)

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "cockpit_request", default=None
)

HIDDEN = "[caché]"
#: URL keyword arguments that carry a secret (rounds' ``token``, the password reset's ``uidb64``
#: and ``token``).
SECRET_URL_KWARGS = frozenset({"token", "uidb64", "key"})
#: Form fields, variables and settings whose value is never shown.
SECRET_NAMES = re.compile(
    r"pass|token|secret|key|signature|otp|mail|session|csrf|username", re.IGNORECASE
)
#: An e-mail address, also URL-encoded (``%40``) as a query string shows it.
EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
#: A request id a proxy may hand us: nginx's ``$request_id`` (32 hex digits), a UUID and the like.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: Request headers whose values are personal data (addresses) or secrets.
PERSONAL_META = re.compile(
    r"^(REMOTE_ADDR|REMOTE_HOST|HTTP_X_FORWARDED_FOR|HTTP_X_REAL_IP|HTTP_FORWARDED|"
    r"HTTP_REFERER|QUERY_STRING|HTTP_COOKIE|HTTP_AUTHORIZATION)$"
)
#: The only cookie whose value an error report keeps.
HARMLESS_COOKIES = frozenset({"django_language"})


# --- What a request may tell ----------------------------------------------------------------


def url_secrets(request: HttpRequest | None) -> list[str]:
    """The values of the resolved URL's secret arguments (an update round's token)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    return [str(value) for name, value in match.kwargs.items() if name in SECRET_URL_KWARGS]


def safe_path(request: HttpRequest) -> str:
    """The request's path without query string, its secret segments masked."""
    path = request.path
    for secret in url_secrets(request):
        if secret:
            path = path.replace(secret, HIDDEN)
    return path


def user_id(request: HttpRequest | None, resolve: bool = False) -> int | None:
    """The id of the request's user if authentication already looked it up (``request.user``
    caches the user in ``_cached_user``, Django's AuthenticationMiddleware); with ``resolve``,
    looks it up (an error's record: worth a query, unless that query fails too)."""
    if resolve and request is not None and not hasattr(request, "_cached_user"):
        try:
            request.user.is_authenticated  # noqa: B018 - fills _cached_user
        except Exception:  # the database may be what failed
            return None
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` without e-mail addresses nor the given secret values."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return EMAIL.sub(HIDDEN, text)


# --- Request id and access log --------------------------------------------------------------


def incoming_request_id(request: HttpRequest) -> str:
    if settings.TRUSTED_PROXY_COUNT:
        candidate = request.headers.get("X-Request-ID", "")
        if REQUEST_ID.fullmatch(candidate):
            return candidate
    return uuid.uuid4().hex


def _is_health_check(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in {"health", "healthz"}


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = incoming_request_id(request)
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            if response.status_code == 200 and _is_health_check(request):
                return response  # the load balancer's polls would drown the rest
            access_logger.info(
                "%s %s %s",
                request.method,
                safe_path(request),
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _current_request.reset(token)


# --- Log records ----------------------------------------------------------------------------


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id``, ``method`` and ``path`` to each record (None outside a
    request), and masks the path in the message of Django's records that carry the request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            request = _current_request.get()
        if request is None:
            record.request_id = record.user_id = record.method = record.path = None
            return True
        path = safe_path(request)
        record.request_id = getattr(request, "request_id", None)
        record.user_id = user_id(request, resolve=record.levelno >= logging.ERROR)
        record.method = request.method
        record.path = path
        if record.args and isinstance(record.args, tuple) and path != request.path:
            # django.request logs the path escaped (django.utils.log.log_response).
            raw = {request.path, request.path.encode("unicode_escape").decode("ascii")}
            record.args = tuple(path if arg in raw else arg for arg in record.args)
        return True


#: The fields of a JSON line, beside time, level, logger and message; nothing else of a record
#: (Django's records carry the whole request in ``extra``: never serialised).
JSON_FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if "status" not in record.__dict__ and hasattr(record, "status_code"):
            line["status"] = record.status_code
        for field in JSON_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# --- Error reports --------------------------------------------------------------------------


class ErrorReporterFilter(SafeExceptionReporterFilter):
    """Django's filter (``sensitive_post_parameters``, ``sensitive_variables``, settings named
    like a secret), plus: addresses and secrets in request headers, every cookie but the
    language, form fields and variables named like a secret or holding an e-mail address."""

    hidden_settings = re.compile(
        r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|REDIS_URL|ADMINS",
        flags=re.IGNORECASE,
    )

    def _hide(self, name: str, value):
        from django.contrib.auth.base_user import AbstractBaseUser

        if SECRET_NAMES.search(str(name)):
            return self.cleansed_substitute
        if isinstance(value, AbstractBaseUser):
            return f"<user id {value.pk}>"
        if isinstance(value, HttpRequest):  # its repr has the query string
            return f"<{type(value).__name__}: {value.method} {safe_path(value)}>"
        if isinstance(value, str) and EMAIL.search(value):
            return EMAIL.sub(self.cleansed_substitute, value)
        return value

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {
            key: self.cleansed_substitute if PERSONAL_META.match(key) else self._hide("", value)
            for key, value in meta.items()
        }

    def get_safe_cookies(self, request):
        cookies = getattr(request, "COOKIES", {})
        return {
            name: value if name in HARMLESS_COOKIES else self.cleansed_substitute
            for name, value in cookies.items()
        }

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None:
            return parameters
        parameters = parameters.copy()
        for name in list(parameters):
            parameters.setlist(name, [self._hide(name, v) for v in parameters.getlist(name)])
        return parameters

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self._hide(name, value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class ErrorReporter(ExceptionReporter):
    """Django's report, with the user's id instead of their name, the request id, the URL
    without its query string nor its secrets, no query-string value, and no e-mail address or URL
    secret anywhere in the final text."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        request = self.request
        if request is None:
            return data
        uid = user_id(request, resolve=True)
        data["user_str"] = f"id {uid}" if uid is not None else "anonymous"
        data["request_GET_items"] = [
            (name, self.filter.cleansed_substitute) for name in request.GET
        ]
        # The raw host, as Django's report has it: a refused Host header is what some reports are
        # about.
        data["request_insecure_uri"] = (
            f"{request.scheme}://{request._get_raw_host()}{safe_path(request)}"
        )
        if request_id := getattr(request, "request_id", None):
            notes = data.get("exception_notes", "")
            data["exception_notes"] = f"{notes}\nrequest id: {request_id}"
        return data

    def _secrets(self) -> list[str]:
        request = self.request
        values = url_secrets(request)
        if request is not None:
            values += [
                value
                for name, value in getattr(request, "COOKIES", {}).items()
                if name not in HARMLESS_COOKIES
            ]
        return [value for value in values if len(value) >= 4]

    def get_traceback_text(self):
        return scrub(super().get_traceback_text(), self._secrets())

    def get_traceback_html(self):
        return scrub(super().get_traceback_html(), self._secrets())
