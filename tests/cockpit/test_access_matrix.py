"""The permission matrix: six roles × every cockpit page, fragment and download, the admin's
changelists, change forms and history pages, and the public pages, with the answer each gets.

Answers: a status code, ``"login"`` (sent to a login page), or ``"gone"`` (the admin's "this
object does not exist" redirect to its index). Another territory's object is never a 403: it
answers 404 (or "gone" in the admin) like an object that does not exist.

Strategy A is public, B is not: the public pages of A open for everyone, B's for no one.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.territories import ROLES, make_public, world_fixture

world = world_fixture()

L, G = "login", "gone"
#          anonymous viewer_a editor_a viewer_b editor_b superuser
MEMBERS_OF_A = (L, 200, 200, 404, 404, 200)
LOGGED_IN = (L, 200, 200, 200, 200, 200)
EDITORS = (L, L, 200, L, 200, 200)
CHANGE_FORM_OF_A = (L, L, 200, L, G, 200)
HISTORY_OF_A = (L, L, 200, L, 404, 200)
EDITORS_OF_A = (L, 403, 200, 404, 404, 200)
EVERYONE = (200, 200, 200, 200, 200, 200)
NO_ONE = (404, 404, 404, 404, 404, 404)


def cockpit(name: str, *kinds: str):
    """A cockpit URL of territory A, built from the world: ``cockpit("axis", "axis")``, or
    ``cockpit("prioritisation:ranking")`` for another URL namespace."""

    def url(world) -> str:
        return reverse(
            name if ":" in name else f"cockpit:{name}",
            args=[world.a.strategy.pk, *(world.a.objects[k].pk for k in kinds)],
        )

    return url


def public(name: str, side: str = "a", *kinds: str):
    def url(world) -> str:
        objects = getattr(world, side).objects
        args = [objects["strategy"].pk, *(objects[k].pk for k in kinds)]
        return reverse(f"public:{name}", args=args) if name != "home" else reverse("public:home")

    return url


COCKPIT_PAGES = {
    "home": (lambda world: reverse("cockpit:home"), LOGGED_IN),
    "strategy": (cockpit("strategy"), MEMBERS_OF_A),
    "strategy-fragment": (cockpit("strategy"), MEMBERS_OF_A),  # with HX-Request
    "strategy-filtered": (lambda world: cockpit("strategy")(world) + "?late=on", MEMBERS_OF_A),
    "pack": (cockpit("pack"), MEMBERS_OF_A),
    "axis": (cockpit("axis", "axis"), MEMBERS_OF_A),
    "measure": (cockpit("measure", "measure"), MEMBERS_OF_A),
    "project": (cockpit("project", "project"), MEMBERS_OF_A),
    "indicator": (cockpit("indicator", "indicator"), MEMBERS_OF_A),
    "timeline": (cockpit("timeline"), MEMBERS_OF_A),
    "effectiveness": (cockpit("effectiveness"), MEMBERS_OF_A),
    "communes": (cockpit("communes"), MEMBERS_OF_A),
    "workshops": (cockpit("workshops"), MEMBERS_OF_A),
    "workshop": (cockpit("workshop", "workshop"), MEMBERS_OF_A),
    "workshop-pack": (cockpit("workshop_pack", "workshop"), MEMBERS_OF_A),
    "proposals": (cockpit("prioritisation:proposals"), MEMBERS_OF_A),
    "ranking": (cockpit("prioritisation:ranking"), MEMBERS_OF_A),
    "scoring": (cockpit("prioritisation:scoring"), EDITORS_OF_A),
}

PUBLIC_PAGES = {
    "public-home": (public("home"), EVERYONE),
    "public-strategy": (public("strategy"), EVERYONE),
    "public-axis": (public("axis", "a", "axis"), EVERYONE),
    "public-measure": (public("measure", "a", "measure"), EVERYONE),
    "public-indicator": (public("indicator", "a", "indicator"), EVERYONE),
    "public-strategy-not-published": (public("strategy", "b"), NO_ONE),
    "public-indicator-not-published": (public("indicator", "b", "indicator"), NO_ONE),
}

#: Every model the admin edits, by the kind of its object in the world.
ADMIN_MODELS = {
    "strategies.territory": "territory",
    "strategies.commune": "commune",
    "strategies.contact": "contact",
    "strategies.membership": "membership",
    "strategies.strategy": "strategy",
    "strategies.axis": "axis",
    "strategies.domain": "domain",
    "strategies.theme": "theme",
    "strategies.measure": "measure",
    "projects.project": "project",
    "indicators.indicator": "indicator",
    "indicators.indicatorvalue": "indicatorvalue",
    "workshops.workshop": "workshop",
    "workshops.decision": "decision",
    "prioritisation.criterion": "criterion",
    "prioritisation.proposal": "proposal",
    "prioritisation.score": "score",
    "rounds.round": "round",
}


def admin_page(label: str, view: str):
    app, model = label.split(".")

    def url(world) -> str:
        if view in ("changelist", "add", "import", "export", "import_template"):
            return reverse(f"admin:{app}_{model}_{view}")
        return reverse(
            f"admin:{app}_{model}_{view}", args=[world.a.objects[ADMIN_MODELS[label]].pk]
        )

    return url


def historised(label: str) -> bool:
    from django.apps import apps

    return hasattr(apps.get_model(label)._meta, "simple_history_manager_attribute")


ADMIN_PAGES = {
    "admin-index": (lambda world: reverse("admin:index"), EDITORS),
    **{
        f"admin-{label}-changelist": (admin_page(label, "changelist"), EDITORS)
        for label in ADMIN_MODELS
    },
    **{
        f"admin-{label}-change": (admin_page(label, "change"), CHANGE_FORM_OF_A)
        for label in ADMIN_MODELS
    },
    **{
        f"admin-{label}-history": (admin_page(label, "history"), HISTORY_OF_A)
        for label in ADMIN_MODELS
        if historised(label)
    },
    "admin-autocomplete": (
        lambda world: (
            reverse("admin:autocomplete")
            + "?app_label=projects&model_name=project&field_name=measure&term="
        ),
        EDITORS,
    ),
}


def import_export_pages() -> dict:
    """IMPORT AND EXPORT (issue 5): the admin's import and export pages of every model that has
    them, found by their URL names; they answer like a changelist."""
    pages = {}
    for label in ADMIN_MODELS:
        app, model = label.split(".")
        for view in ("import", "export", "import_template"):
            try:
                reverse(f"admin:{app}_{model}_{view}")
            except NoReverseMatch:
                continue
            pages[f"admin-{label}-{view}"] = (admin_page(label, view), EDITORS)
    return pages


MATRIX = {**COCKPIT_PAGES, **PUBLIC_PAGES, **ADMIN_PAGES, **import_export_pages()}


def answer(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return L
        if location.rstrip("/").endswith("/admin"):
            return G
        return f"302 {location}"
    return response.status_code


def client_for(world, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("target", MATRIX)
def test_each_role_gets_the_expected_answer(world, db, target):
    make_public(world.a.strategy)
    build_url, expected = MATRIX[target]
    url = build_url(world)
    headers = {"HX-Request": "true"} if target.endswith("-fragment") else {}
    answers = {role: answer(client_for(world, role).get(url, headers=headers)) for role in ROLES}
    assert answers == dict(zip(ROLES, expected, strict=True)), url


def test_every_model_of_the_admin_is_in_the_matrix():
    from strategies.admin_access import TerritoryScopedAdmin

    scoped = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, TerritoryScopedAdmin)
    }
    assert scoped == set(ADMIN_MODELS)


def test_every_domain_model_of_the_admin_is_scoped_to_a_territory():
    from strategies.admin_access import TerritoryScopedAdmin

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("strategies", "projects", "indicators", "cockpit"):
            assert isinstance(model_admin, TerritoryScopedAdmin), model
            assert model_admin.territory_path is not None, model
