"""Permanent redirects from the admin URLs of models that moved to another app (workshops left
``cockpit``, proposals, criteria and scores left ``projects``), so that bookmarks, links in mails
and the admin's old log entries still lead to the page: the rest of the path and the query string
are kept. ``cockpit/urls.py`` puts these patterns before the admin's own.
"""

from __future__ import annotations

import contextlib

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, re_path, reverse
from django.utils.encoding import escape_uri_path, iri_to_uri

# Old path under /admin/ → new path under /admin/; a model's prefix covers its list, its add,
# change, delete and history pages and its own views (triage, from-template).
MOVED = {
    "cockpit/workshop/": "workshops/workshop/",
    "cockpit/agendaitem/": "workshops/agendaitem/",
    "cockpit/decision/": "workshops/decision/",
    "projects/proposal/": "prioritisation/proposal/",
    "projects/criterion/": "prioritisation/criterion/",
    "projects/score/": "prioritisation/score/",
}
# The cockpit app's admin index is gone with its models: they are the workshops app's now.
MOVED_INDEXES = {"cockpit/": "workshops/"}


def moved(request: HttpRequest, new: str, rest: str = "") -> HttpResponsePermanentRedirect:
    """301 to the new place. ``rest`` arrives decoded: it is quoted again, so that a crafted path
    (a line break, a percent sign, non-ASCII) gives a valid Location, never an error."""
    url = escape_uri_path(reverse("admin:index") + new + rest)
    query = _query_string(request)
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def _query_string(request: HttpRequest) -> str:
    """The query string as it came, quoted where a browser would have (WSGI hands it over as
    latin-1 text: UTF-8 bytes are read back as such)."""
    query = request.META.get("QUERY_STRING", "")
    with contextlib.suppress(UnicodeError):
        query = query.encode("iso-8859-1").decode("utf-8")
    return iri_to_uri(query)


def _pattern(old: str, new: str, *, index: bool = False) -> URLPattern:
    # \Z and [\s\S]: a rest with a line break in it is a rest too.
    tail = r"\Z" if index else r"(?P<rest>[\s\S]*)\Z"
    return re_path(rf"^admin/{old}{tail}", moved, {"new": new})


urlpatterns = [
    *(_pattern(old, new) for old, new in MOVED.items()),
    *(_pattern(old, new, index=True) for old, new in MOVED_INDEXES.items()),
]
