"""What every operation of the API shares: the ninja API itself (its OpenAPI description, its
errors as JSON: 400 naming the parameter, 401, 404, 429), the paging of its lists, the cockpit's
filters bound to its parameters, and the conditional answer (``api/conditional.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, ValidationError

from cockpit.forms import CockpitFilterForm

from . import schemas
from .access import (
    RateLimited,
    TokenAuth,
    public_reader,
)
from .conditional import conditional

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
#: The largest id a path or a filter takes (a 64-bit signed integer).
MAX_ID = 2**63 - 1
PAGING = ("page", "page_size")
#: The cockpit's filters of projects, as the API names them (the form's fields).
PROJECT_FILTERS = (
    "axis",
    "domain",
    "theme",
    "commune",
    "status",
    "priority",
    "mark",
    "lead",
    "late",
    "engaged",
    "active",
    "after_horizon",
    "q",
)


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class CockpitApi(NinjaAPI):
    def get_root_path(self, path_params: dict) -> str:
        """Under the ``api`` application's namespace (``api/urls.py``)."""
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)

    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's schema, where each operation reads without a token too (``security`` lists
        the empty requirement beside the token)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                if "security" in operation and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


api = CockpitApi(
    title="Cockpit stratégique territorial",
    version="1",
    description=(
        "Read-only access to the territories' strategies: public strategies without a token, "
        "a member's strategies with a personal token (`Authorization: Bearer <token>`, created "
        "on the account page). See docs/API.md."
    ),
    urls_namespace="v1",
    auth=[TokenAuth(), public_reader],
    # The strict CSP of the site forbids the docs page's scripts from a CDN: the description
    # is served as JSON only (docs/API.md says how to read it).
    docs_url=None,
)

ERRORS = {400: schemas.ErrorOut, 401: schemas.ErrorOut, 404: schemas.ErrorOut}
LIMITED = {**ERRORS, 429: schemas.ErrorOut}


def responses(page_schema) -> dict:
    return {200: page_schema, 304: None, **LIMITED}


def error(request: HttpRequest, status: int, detail: str, errors=()) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": list(errors)}, status=status)


@api.exception_handler(ValidationError)
def invalid_parameter(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path")]
        errors.append({"parameter": ".".join(location) or "?", "message": str(item.get("msg"))})
    names = ", ".join(item["parameter"] for item in errors)
    return error(request, 400, gettext("Paramètre invalide : %(names)s") % {"names": names}, errors)


@api.exception_handler(BadParameter)
def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    return error(
        request,
        400,
        gettext("Paramètre invalide : %(names)s") % {"names": exc.parameter},
        [{"parameter": exc.parameter, "message": exc.message}],
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(request, 401, gettext("Jeton absent, inconnu ou révoqué."))
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error(
        request,
        429,
        gettext("Trop de requêtes : réessayez dans %(seconds)s s.") % {"seconds": exc.retry_after},
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception | None) -> HttpResponse:
    return error(request, 404, gettext("Introuvable."))


# --- Helpers ---------------------------------------------------------------------------------


def check_parameters(request: HttpRequest, allowed: Iterable[str]) -> None:
    """A query parameter the operation does not read is an error, not silently ignored."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise BadParameter(unknown[0], gettext("paramètre inconnu de cette opération."))


def json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def page_link(request: HttpRequest, page: int | None) -> str | None:
    if page is None:
        return None
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paged(
    request: HttpRequest,
    items,
    page: int,
    page_size: int,
    to_rows: Callable[[Sequence], list[dict]],
    *,
    by_ids: bool = False,
) -> dict:
    """One page of ``items`` (a queryset or a list) as the API's page object; with ``by_ids``,
    ``to_rows`` reads the page's rows itself from their ids (in order)."""
    total = len(items) if isinstance(items, list) else items.count()
    pages = max(1, math.ceil(total / page_size))
    if page > pages:
        raise BadParameter(
            "page", gettext("la dernière page est la page %(pages)s.") % {"pages": pages}
        )
    start = (page - 1) * page_size
    if isinstance(items, list):
        chunk = items[start : start + page_size]
    else:
        # The page's ids first, from the ordering alone (a deep page skips ids, not whole joined
        # and annotated rows), then those rows.
        ids = list(items.values_list("pk", flat=True)[start : start + page_size])
        if by_ids:
            chunk = ids
        else:
            found = {row.pk: row for row in items.filter(pk__in=ids).order_by()}
            chunk = [found[pk] for pk in ids]
    return {
        "count": total,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": page_link(request, page + 1 if page < pages else None),
        "previous": page_link(request, page - 1 if page > 1 else None),
        "results": to_rows(chunk),
    }


def cockpit_filters(strategy, member: bool, values: dict) -> CockpitFilterForm:
    """The cockpit's filter form bound to the API's parameters; a value it refuses is a 400
    naming the parameter."""
    if not member and values.get("lead") is not None:
        raise BadParameter(
            "lead", gettext("réservé aux membres (les personnes ne sont pas publiques).")
        )
    data = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    form = CockpitFilterForm(strategy, data)
    if not member:
        del form.fields["lead"]
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        raise BadParameter(name, " ".join(str(message) for message in messages))
    return form


def conditional_json(request, strategy, member, build: Callable[[], dict]) -> HttpResponse:
    return conditional(request, strategy, member, lambda: json(build()))


Id = Path(..., ge=1, le=MAX_ID)
FilterId = Query(None, ge=1, le=MAX_ID)
PageNumber = Query(1, ge=1, le=10**6, description="The page, from 1.")
PageSize = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Objects a page, at most 1,000.")
