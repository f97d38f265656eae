"""Requests refused before any view: a NUL character in the path, the query string or a posted
form is a bad request (400, templates/400.html).

No form or page of the product takes a NUL character (Django's form fields refuse it with
``ProhibitNullCharactersValidator``), and PostgreSQL refuses it in any string, so a list filter,
a search or an admin action given one (``?status=%00``) failed with a server error on
PostgreSQL only. The check covers what Django parses (``request.GET``, ``request.POST``: keys and
values); uploaded files are not read.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest

NUL = "\x00"


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET):
            raise BadRequest("Caractère NUL dans l'adresse.")
        if request.method == "POST" and _has_nul(request.POST):
            raise BadRequest("Caractère NUL dans le formulaire envoyé.")
        return self.get_response(request)
