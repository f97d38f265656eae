"""The API against its own OpenAPI description: schemathesis generates requests for every operation
from the served schema (``/api/v1/openapi.json``) and sends them in-process to the WSGI
application, as the public, as a member with a token, and with the ids it makes up; no answer is a
server error and every answer matches the schema (status code, content type, body). Hypothesis
runs derandomised with few examples per operation, so the file runs in well under 2 minutes."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import bearer, token_for
from tests.territories import make_public, world_fixture

world = world_fixture()
pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8


@contextmanager
def connection_kept():
    """Django's WSGI handler closes the database connection at the start and end of each request;
    the test's transaction lives on it, so it is kept open, as Django's test client does (which
    connects the closing again after each of its own requests: no test client call inside)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def served_schema(world, settings):
    settings.API_RATE_LIMIT = 0  # hundreds of requests a minute here
    make_public(world.a.strategy)
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document["Content-Type"].startswith("application/json")
    schema = schemathesis.openapi.from_dict(document.json())
    schema.app = get_wsgi_application()
    return schema


def test_the_schema_describes_every_operation_and_the_token(served_schema):
    raw = served_schema.raw_schema
    assert raw["openapi"].startswith("3.1")
    assert raw["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    paths = set(raw["paths"])
    for path in (
        "/api/v1/territories",
        "/api/v1/strategies/{pk}",
        "/api/v1/strategies/{pk}/levels",
        "/api/v1/strategies/{pk}/projects",
        "/api/v1/strategies/{pk}/indicators/{indicator_pk}/values",
    ):
        assert path in paths
    projects = raw["paths"]["/api/v1/strategies/{pk}/projects"]["get"]
    names = {parameter["name"] for parameter in projects["parameters"]}
    assert {"axis", "status", "commune", "late", "q", "page", "page_size"} <= names
    assert {} in projects["security"]  # readable without a token (public strategies)


def ids_of(side) -> dict[str, int]:
    return {
        "pk": side.strategy.pk,
        "project_pk": side.project.pk,
        "indicator_pk": side.indicator.pk,
    }


def run_operations(schema, *, path_ids: dict | None, headers: dict) -> int:
    """Every operation, ``EXAMPLES`` generated cases each; returns how many were sent."""
    app = schema.app
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal sent
            if path_ids is not None and case.path_parameters:
                case.path_parameters = {
                    name: path_ids.get(name, value) for name, value in case.path_parameters.items()
                }
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            sent += 1

        with connection_kept():
            check()
    return sent


def test_public_operations_conform_to_the_schema(served_schema, world):
    assert run_operations(served_schema, path_ids=ids_of(world.a), headers={}) > 50


def test_made_up_ids_conform_to_the_schema(served_schema):
    assert run_operations(served_schema, path_ids=None, headers={}) > 50


def test_token_operations_conform_to_the_schema(served_schema, world):
    headers = bearer(token_for(world.users["viewer_a"]))
    assert run_operations(served_schema, path_ids=ids_of(world.a), headers=headers) > 50
    # Another territory's token on strategy A (public): the public's answers, still conforming.
    other = bearer(token_for(world.users["viewer_b"]))
    assert run_operations(served_schema, path_ids=ids_of(world.a), headers=other) > 50
