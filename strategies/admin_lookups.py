"""A crafted changelist URL is a bad request (400), never a server error.

Django's ``ChangeList`` turns a bad lookup into ``IncorrectLookupParameters`` (then a redirect to
``?e=1`` and a page titled "database error") only where it expects one: a ``SimpleListFilter``
that filters on its raw value (``?axis=abc``: ``ValueError``), a date hierarchy at the calendar's
end (``?end_date__year=9999``: ``ValueError`` or ``OverflowError``), and every view that builds a
changelist without that redirect (django-import-export's export: ``IncorrectLookupParameters``
itself) answered 500. ``LookupCheckedChangeList`` answers all of these with Django's
``BadRequest``: the product's 400 page (templates/400.html), which says the address was altered and
nothing was saved. NUL bytes, which PostgreSQL refuses in any string, are refused before any view
(``cockpit.request_checks``).
"""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError

#: What a filter raises on a value of the wrong type or out of range, when the queryset is built.
BAD_LOOKUP_ERRORS = (
    IncorrectLookupParameters,
    ValidationError,
    ValueError,
    TypeError,
    OverflowError,
)


#: The largest id a database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    """Whether ``value`` (from a URL) can be a row's id."""
    value = str(value)
    return value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID


def id_lookup(value: str) -> int:
    """The value of a list filter that names a row by its id; ``IncorrectLookupParameters`` (a
    bad request) unless it is one."""
    if is_id(value):
        return int(value)
    raise IncorrectLookupParameters(f"not an id: {value[:50]!r}")


class LookupCheckedChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except BAD_LOOKUP_ERRORS as error:
            raise BadRequest(f"Filtre de liste incorrect : {error}") from error

    def get_results(self, request):
        # SQLite takes no integer beyond 64 bits: a lookup given one fails only when counted.
        try:
            return super().get_results(request)
        except OverflowError as error:
            raise BadRequest(f"Filtre de liste incorrect : {error}") from error
