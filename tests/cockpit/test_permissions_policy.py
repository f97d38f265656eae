"""The Permissions-Policy header on every response: the cockpit's pages, the admin, the public
pages, error pages (404, refused form, 500) and the health endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.territories import make_public, world_fixture

world = world_fixture()

REFUSED = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")


def features(response) -> dict[str, str]:
    header = response["Permissions-Policy"]
    return dict(part.strip().split("=", 1) for part in header.split(","))


def assert_refuses_every_device(response) -> None:
    policy = features(response)
    for feature in REFUSED:
        assert policy[feature] == "()", (feature, response.request["PATH_INFO"])
    # Nothing is granted to another origin, nor to every origin.
    assert all(allow == "()" for allow in policy.values())
    # FLoC's interest-cohort is gone from browsers (Chrome logs an error for it): not sent.
    assert "interest-cohort" not in policy


def test_pages_admin_and_public_pages_carry_the_permissions_policy(world, db):
    make_public(world.a.strategy)
    editor = Client()
    editor.force_login(world.users["editor_a"])
    s = world.a.strategy.pk
    for client, url in (
        (editor, reverse("cockpit:home")),
        (editor, reverse("cockpit:strategy", args=[s])),
        (editor, reverse("admin:index")),
        (editor, reverse("admin:projects_project_change", args=[world.a.project.pk])),
        (Client(), reverse("public:strategy", args=[s])),
        (Client(), reverse("login")),
        (Client(), reverse("health")),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_refuses_every_device(response)


def test_error_pages_carry_the_permissions_policy(db):
    assert_refuses_every_device(Client().get("/nulle-part/"))  # 404
    refused = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert refused.status_code == 403
    assert_refuses_every_device(refused)
    redirect = Client().get(reverse("cockpit:home"))  # to the login page
    assert redirect.status_code == 302
    assert_refuses_every_device(redirect)


@pytest.mark.urls("tests.cockpit.error_urls")
def test_a_server_error_carries_the_permissions_policy(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert_refuses_every_device(response)
