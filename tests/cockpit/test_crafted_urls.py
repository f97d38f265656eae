"""Crafted URLs never give a server error: a bad value in a filter, an id or a query parameter is a
bad request (400), a page not found or an ignored filter, on SQLite and on PostgreSQL (which
refuses NUL characters in any string).

The fuzzing walks the URL configuration (every pattern, the admin's included, with valid ids from
the demo, then ids that are not numbers or too large) and each changelist's filters, search,
ordering, pagination and date hierarchy, also on the admin's export pages (which filter like their
changelist). The parameters fuzzed are listed here explicitly (``CHANGELIST_PARAMS``,
``PAGE_PARAMS``); a meta-test fails when an admin declares a filter, or a page's filter form a
field, missing from these lists. Hypothesis runs derandomised with few examples per target, so
the file runs in well under a minute.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.forms import CockpitFilterForm
from indicators.models import Indicator, IndicatorValue
from prioritisation.forms import RankingFilterForm, ScoringFilterForm
from projects.models import Project
from rounds.models import Round, RoundOwner
from strategies.models import Axis, Measure, Strategy
from tests.factories import ContactFactory, UserFactory
from workshops.models import Workshop

REGISTRY = admin.site._registry
MODELS = sorted(REGISTRY, key=lambda model: model._meta.label)

#: The query parameters fuzzed on each changelist (and its export page), beyond search, ordering,
#: pagination and "show all": each filter's own parameters and the date hierarchy's. The
#: meta-test below fails when an admin declares one that is missing here.
CHANGELIST_PARAMS: dict[str, tuple[str, ...]] = {
    "auth.Group": (),
    "auth.User": (
        "groups__id__exact",
        "groups__isnull",
        "is_active__exact",
        "is_active__isnull",
        "is_staff__exact",
        "is_staff__isnull",
        "is_superuser__exact",
        "is_superuser__isnull",
    ),
    "axes.AccessAttempt": (
        "attempt_time__day",
        "attempt_time__gte",
        "attempt_time__lt",
        "attempt_time__month",
        "attempt_time__year",
        "locked_out",
        "path_info",
        "path_info__isnull",
    ),
    "axes.AccessFailureLog": (
        "attempt_time__day",
        "attempt_time__gte",
        "attempt_time__lt",
        "attempt_time__month",
        "attempt_time__year",
        "locked_out__exact",
        "locked_out__isnull",
        "path_info",
        "path_info__isnull",
    ),
    "axes.AccessLog": (
        "attempt_time__day",
        "attempt_time__gte",
        "attempt_time__lt",
        "attempt_time__month",
        "attempt_time__year",
        "logout_time__gte",
        "logout_time__isnull",
        "logout_time__lt",
        "path_info",
        "path_info__isnull",
    ),
    "django_tasks_database.DBTaskResult": (
        "priority",
        "priority__isnull",
        "queue_name",
        "queue_name__isnull",
        "status__exact",
        "status__isnull",
    ),
    "indicators.Indicator": (
        "axis__id__exact",
        "axis__isnull",
        "direction__exact",
        "direction__isnull",
        "frequency__exact",
        "frequency__isnull",
        "level__exact",
        "level__isnull",
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "indicators.IndicatorValue": (
        "date__day",
        "date__month",
        "date__year",
        "indicator__level__exact",
        "indicator__level__isnull",
        "indicator__strategy__id__exact",
        "indicator__strategy__isnull",
    ),
    "prioritisation.Criterion": (
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "prioritisation.Proposal": (
        "axis",
        "created_at__day",
        "created_at__month",
        "created_at__year",
        "status__exact",
        "status__isnull",
        "strategy__id__exact",
        "strategy__isnull",
        "workshop__id__exact",
        "workshop__isnull",
    ),
    "prioritisation.Score": (
        "criterion__id__exact",
        "criterion__isnull",
        "criterion__strategy__id__exact",
        "criterion__strategy__isnull",
        "scored_at__day",
        "scored_at__month",
        "scored_at__year",
    ),
    "projects.Project": (
        "axis",
        "end_date__day",
        "end_date__month",
        "end_date__year",
        "late",
        "lead",
        "lead__isnull",
        "mark",
        "priority__exact",
        "priority__isnull",
        "status__exact",
        "status__isnull",
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "rounds.Round": (
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "strategies.Axis": (
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "strategies.Commune": (
        "territory__id__exact",
        "territory__isnull",
    ),
    "strategies.Contact": (
        "territory__id__exact",
        "territory__isnull",
    ),
    "strategies.Domain": (
        "axis__id__exact",
        "axis__isnull",
        "axis__strategy__id__exact",
        "axis__strategy__isnull",
    ),
    "strategies.Measure": (
        "axis__id__exact",
        "axis__isnull",
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "strategies.Membership": (
        "role__exact",
        "role__isnull",
        "territory__id__exact",
        "territory__isnull",
    ),
    "strategies.Strategy": (
        "is_public__exact",
        "is_public__isnull",
        "phase__exact",
        "phase__isnull",
        "territory__id__exact",
        "territory__isnull",
    ),
    "strategies.Territory": (),
    "strategies.Theme": (
        "strategy__id__exact",
        "strategy__isnull",
    ),
    "workshops.Decision": (
        "status__exact",
        "status__isnull",
        "workshop__id__exact",
        "workshop__isnull",
    ),
    "workshops.Workshop": (
        "date__day",
        "date__month",
        "date__year",
        "strategy__id__exact",
        "strategy__isnull",
    ),
}

#: Every changelist's own parameters: search, ordering, page, show all, and Django's
#: "_changelist_filters" and "_to_field" (popups).
CHANGELIST_COMMON = (SEARCH_VAR, ORDER_VAR, PAGE_VAR, ALL_VAR, "_to_field", "_changelist_filters")

#: The query parameters the product's own pages read: the cockpit's, ranking's and scoring grid's
#: filter forms (checked below; the cockpit's are read by its Excel pack and its PDF briefing too,
#: members' and public, whose routes take no other parameter than ``pk`` and ``workshop_pk``),
#: their pagination and opened axis, the triage's ids, the criteria template page's, the owner's
#: "saved" flag, the login's "next"; the API's (api/views.py) page size, territory, indicator
#: level and staleness (its other filters are the cockpit's).
PAGE_PARAMS = (
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
    "comments",
    "page",
    "axe",
    "ids",
    "strategy",
    "template",
    "enregistre",
    "next",
    "language",
    "page_size",
    "territory",
    "level",
    "stale",
)
FILTER_FORMS = (CockpitFilterForm, RankingFilterForm, ScoringFilterForm)

#: Values a crafted URL carries: NUL characters (PostgreSQL refuses them), numbers that are not
#: ids or overflow a 64-bit integer, text where a number is expected, lookups, very long strings,
#: right-to-left and astral characters, dates at the calendar's ends.
NASTY = (
    "\x00",
    "1\x00",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e309",
    "9999",
    "10000",
    "2147483648",
    "9223372036854775808",
    "-" + "9" * 40,
    "",
    " ",
    "x" * 4000,
    "é✓🙂\u202e",
    "1__in",
    "__",
    "id__gt",
    "1,2,abc",
    "'\"<>%",
    "True",
    "null",
)
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def fuzz_settings(examples: int):
    return settings(
        derandomize=True,
        database=None,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def queries(params) -> st.SearchStrategy[dict[str, str]]:
    """Some of ``params``, each with a crafted value (at least one)."""
    return st.dictionaries(st.sampled_from(sorted(params)), VALUES, min_size=1, max_size=4)


def assert_no_server_error(response, url: str) -> None:
    assert response.status_code < 500, f"{response.status_code} on {url!r}"


# --- What the admins and pages declare ----------------------------------------------------------


def declared_changelist_params(model) -> set[str]:
    """The query parameters of the changelist of ``model``: its filters' (each built as Django
    builds it, whether or not it has choices to show) and its date hierarchy's."""
    model_admin = REGISTRY[model]
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    params = set()
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            spec = item(request, {}, model, model_admin)
        else:
            path, factory = item if isinstance(item, (tuple, list)) else (item, None)
            field = get_fields_from_path(model, path)[-1]
            factory = factory or FieldListFilter.create
            spec = factory(field, request, {}, model, model_admin, field_path=path)
        params |= set(spec.expected_parameters())
    if model_admin.date_hierarchy:
        params |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return params


def test_every_changelist_filter_is_fuzzed(db):
    declared = {model._meta.label: declared_changelist_params(model) for model in MODELS}
    listed = {label: set(params) for label, params in CHANGELIST_PARAMS.items()}
    assert listed == declared


def test_every_page_filter_is_fuzzed():
    fields = {name for form in FILTER_FORMS for name in form.base_fields}
    assert fields <= set(PAGE_PARAMS)


def test_every_api_parameter_is_fuzzed():
    from api.views import api

    paths = api.get_openapi_schema()["paths"].values()
    names = {
        parameter["name"]
        for path in paths
        for operation in path.values()
        for parameter in operation.get("parameters", ())
        if parameter["in"] == "query"
    }
    assert names and names <= set(PAGE_PARAMS)


# --- The URL configuration with ids of the demo -----------------------------------------------


def url_patterns(resolver=None, prefix: str = ""):
    """Every pattern of the URL configuration, with its full route (a regex for some)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, pattern


#: The names of the unnamed groups of a regex pattern, in order (django-simple-history's history
#: form: ``^([^/]+)/history/([^/]+)/$``).
POSITIONAL = ("object_id", "history_id")


def fill(route: str, values: dict[str, str]) -> str:
    """The path of ``route`` (``<int:pk>`` or ``(?P<pk>…)`` groups) with ``values``."""
    route = re.sub(r"(?<!\(\?P)<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], route)
    path, index, positional = "", 0, 0
    while index < len(route):
        if route.startswith("(?P<", index):
            name = route[index + 4 : route.index(">", index)]
            depth, end = 0, index
            while True:
                depth += {"(": 1, ")": -1}.get(route[end], 0)
                if depth == 0:
                    break
                end += 1
            path, index = path + values[name], end + 1
        elif route.startswith("(", index) and not route.startswith("(?", index):
            end = route.index(")", index)
            path, index = path + values[POSITIONAL[positional]], end + 1
            positional += 1
        elif route.startswith("\\Z", index):
            index += 2
        elif route[index] in "^$":
            index += 1
        elif route[index] == "\\":
            path, index = path + route[index + 1], index + 2
        else:
            path, index = path + route[index], index + 1
    return "/" + path


def admin_model(route: str):
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        return None
    return next(
        (m for m in REGISTRY if (m._meta.app_label, m._meta.model_name) == match.groups()),
        None,
    )


def an_owner(strategy: Strategy) -> RoundOwner:
    round_ = Round.objects.create(strategy=strategy, deadline="2030-01-01")
    contact = ContactFactory(territory=strategy.territory)
    return RoundOwner.objects.create(
        round=round_, contact=contact, email=contact.email, token_hash=uuid.uuid4().hex
    )


def id_values(route: str, strategy: Strategy, owner: RoundOwner) -> dict[str, str]:
    """Valid values for every parameter a route names. A new parameter name in the URL
    configuration fails here (KeyError) until it is given one."""
    project = Project.objects.filter(strategy=strategy).order_by("pk").first()
    model = admin_model(route)
    if model is Round:
        object_id = owner.round_id
    elif model is not None:
        object_id = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    else:
        object_id = project.pk
    history = getattr(model, "history", None) if model is not None else None
    version = history.order_by("pk").values_list("pk", flat=True).first() if history else 1
    values = {
        # A background job's id is a UUID (jobs/urls.py): an unknown one, answered 404.
        "pk": uuid.UUID(int=1)
        if "<uuid:pk>" in route
        else owner.round_id
        if model is Round
        else strategy.pk,
        "object_id": object_id,
        "id": object_id,
        "axis_pk": Axis.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "measure_pk": Measure.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "project_pk": project.pk,
        "target_pk": project.pk,
        "indicator_pk": Indicator.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "workshop_pk": Workshop.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "criterion_pk": strategy.criteria.order_by("pk").first().pk,
        "owner_pk": owner.pk,
        "slug": "commission",  # a help guide (guides/urls.py)
        # An API token of the account page (revoked by POST only; another user's is a 404).
        "token_pk": 1,
        "table": "projects",
        "kind": "projet",
        "step": "retenir",
        "token": "jeton-inconnu",
        "uidb64": "MQ",
        "version_id": version,
        "history_id": version,
        "content_type_id": ContentType.objects.get_for_model(Project).pk,
        "app_label": "projects",
        "url": "inexistant/",
        "rest": "inexistant/",
    }
    names = {name for pair in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route) for name in pair}
    if re.search(r"\((?!\?)", route):
        names |= set(POSITIONAL)
    return {name: str(values[name]) for name in names if name}


@pytest.fixture
def superuser(demo):
    return UserFactory(username="racine", is_staff=True, is_superuser=True)


@pytest.fixture
def secretariat(demo):
    return get_user_model().objects.get(username="secretariat")


def client_for(route: str, superuser, secretariat) -> Client:
    """The admin as a superuser (every model), the product's pages as the secretariat (an
    editor of the demo's territory)."""
    client = Client()
    client.force_login(superuser if route.startswith("admin/") else secretariat)
    return client


def fuzzed_params(route: str) -> tuple[str, ...]:
    model = admin_model(route)
    if model is not None:
        return (*CHANGELIST_PARAMS[model._meta.label], *CHANGELIST_COMMON)
    return PAGE_PARAMS


@fuzz_settings(examples=1)
@given(data=st.data())
def test_every_url_with_crafted_query_parameters_never_fails(data, demo, superuser, secretariat):
    """Every pattern, with the demo's ids and a crafted query string (the admin's with its
    model's changelist parameters: a change page or an export keeps the changelist's filters)."""
    owner = an_owner(demo)
    clients = {}
    for route, _pattern in url_patterns():
        path = fill(route, id_values(route, demo, owner))
        client = clients.setdefault(
            route.startswith("admin/"), client_for(route, superuser, secretariat)
        )
        query = data.draw(queries(fuzzed_params(route)), label=route)
        url = f"{path}?{urlencode(query)}"
        assert_no_server_error(client.get(url), url)


#: Ids that are not ids: text, negative, beyond 64 bits, NUL, a lookup.
BAD_IDS = ("abc", "-1", "99999999999999999999999", "1%00")


def test_every_url_with_crafted_ids_never_fails(demo, superuser, secretariat):
    owner = an_owner(demo)
    clients = {}
    for route, _pattern in url_patterns():
        values = id_values(route, demo, owner)
        client = clients.setdefault(
            route.startswith("admin/"), client_for(route, superuser, secretariat)
        )
        for name in values:
            if name in ("url", "rest", "app_label"):
                continue
            for bad in BAD_IDS:
                url = fill(route, {**values, name: bad})
                assert_no_server_error(client.get(url), url)


def test_the_url_walk_reaches_each_pattern(demo):
    """The walk fills each pattern so that it resolves to that very view."""
    owner = an_owner(demo)
    patterns = list(url_patterns())
    for route, _pattern in patterns:
        path = fill(route, id_values(route, demo, owner))
        found = resolve(path).func
        # A route listed twice (the product's own view before Django's, as the password reset)
        # resolves to the first of them.
        first = next(p for r, p in patterns if r == route)
        assert found == first.callback, route


# --- Each changelist's filters, search, ordering, pages and date hierarchy ---------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_with_crafted_filters_never_fails(demo, superuser, model):
    params = (*CHANGELIST_PARAMS[model._meta.label], *CHANGELIST_COMMON)
    client = Client()
    client.force_login(superuser)
    meta = model._meta
    changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
    export = f"{changelist}export/" if hasattr(REGISTRY[model], "export_action") else None

    @fuzz_settings(examples=8)
    @given(query=queries(params))
    def fuzz(query):
        for path in filter(None, (changelist, export)):
            url = f"{path}?{urlencode(query)}"
            assert_no_server_error(client.get(url), url)

    fuzz()


# --- The cases of issue 17 ------------------------------------------------------------------------


@pytest.fixture
def admin_of_demo(secretariat):
    client = Client()
    client.force_login(secretariat)
    return client


@pytest.mark.parametrize(
    "query",
    [
        "axis=abc",
        "axis=99999999999999999999999",
        "end_date__year=9999",
        "status__exact=%00",
        "lead=%00",
        "q=%00",
    ],
)
def test_a_crafted_filter_on_the_project_list_is_a_bad_request(admin_of_demo, query):
    response = admin_of_demo.get(f"/admin/projects/project/?{query}")
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_a_bad_filter_on_the_indicator_value_export_is_a_bad_request(admin_of_demo):
    for query in (
        "date__year=9999",
        "date__year=abc",
        "date__year=2024&date__month=13x",
    ):
        response = admin_of_demo.get(f"/admin/indicators/indicatorvalue/export/?{query}")
        assert response.status_code == 400, query


def test_a_nul_character_in_a_posted_form_is_refused_and_changes_nothing(admin_of_demo, demo):
    project = Project.objects.filter(strategy=demo).order_by("pk").first()
    url = f"/admin/projects/project/{project.pk}/change/"
    response = admin_of_demo.post(url, {"title": "Titre\x00", "_save": "Enregistrer"})
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).title == project.title


def test_a_proposal_list_filtered_by_a_bad_axis_is_a_bad_request(admin_of_demo):
    assert admin_of_demo.get("/admin/prioritisation/proposal/?axis=abc").status_code == 400


def test_indicator_values_exported_with_a_valid_filter_still_download(admin_of_demo, demo):
    response = admin_of_demo.get(
        f"/admin/indicators/indicatorvalue/export/?indicator__strategy__id__exact={demo.pk}"
    )
    assert response.status_code == 200
    assert IndicatorValue.objects.filter(indicator__strategy=demo).exists()
