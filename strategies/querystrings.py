"""Clean, shareable URLs for the pages filtered by a GET form (the cockpit, the ranking).

A GET form sends every field, the empty ones too (``?axis=&domain=&mark=…``); htmx does the same
and pushes that URL into the address bar, which is the URL people share. The server makes it
canonical instead, so that it works without JavaScript and with one rule: a parameter with no value
(or one the page ignored, ``drop``) is left out.

- A plain GET with something to clean is redirected (302) to its clean URL.
- An htmx request gets the clean URL in ``HX-Push-Url`` (django-htmx's ``push_url``), which htmx
  pushes instead of the request's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django_htmx.http import push_url


def clean_query(params: QueryDict, drop: Iterable[str] = ()) -> str:
    """``params`` as a query string without the empty values and the parameters of ``drop``,
    in their order."""
    clean = QueryDict(mutable=True)
    for name, values in params.lists():
        if name in drop:
            continue
        kept = [value for value in values if value.strip()]
        if kept:
            clean.setlist(name, kept)
    return clean.urlencode()


def clean_url(request: HttpRequest, drop: Iterable[str] = ()) -> str | None:
    """The canonical URL of ``request``, or ``None`` when its query string is already clean."""
    query = clean_query(request.GET, drop)
    if query == request.GET.urlencode():
        return None
    return f"{request.path}?{query}" if query else request.path


def redirect_to_clean_url(request: HttpRequest, drop: Iterable[str] = ()) -> HttpResponse | None:
    """A redirect to the canonical URL of a plain GET that needs one (never for htmx)."""
    if request.method != "GET" or getattr(request, "htmx", False):
        return None
    url = clean_url(request, drop)
    return HttpResponseRedirect(url) if url else None


def push_clean_url(request: HttpRequest, response: HttpResponse, drop: Iterable[str] = ()):
    """``response`` to an htmx request, with the canonical URL to push when the request's was not
    clean."""
    if getattr(request, "htmx", False):
        url = clean_url(request, drop)
        if url:
            push_url(response, url)
    return response
