"""The help pages: the list of guides and one guide, in the reader's language.

They need no login: they hold no territory's data (their examples are the demo's), the project
leads who follow an update round's link have no account, and a member who cannot log in must still
be able to read how to get in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import content


def index(request: HttpRequest) -> HttpResponse:
    language = content.reader_language()
    guides = [content.render(slug, language) for slug in content.GUIDES]
    return render(request, "guides/index.html", {"guides": guides})


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    language = content.reader_language()
    if not content.exists(slug, language):
        raise Http404
    return render(request, "guides/guide.html", {"guide": content.render(slug, language)})
