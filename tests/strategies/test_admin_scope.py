"""The admin shows and accepts only the editor's territories: lists, choices, autocomplete,
filters, actions, history and revert pages; memberships of viewers are the editors' to manage."""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from projects.models import Project
from strategies.models import Membership
from tests.factories import UserFactory
from tests.territories import world_fixture

world = world_fixture()

KINDS = {
    "strategies.territory": "territory",
    "strategies.commune": "commune",
    "strategies.membership": "membership",
    "strategies.strategy": "strategy",
    "strategies.axis": "axis",
    "strategies.domain": "domain",
    "strategies.theme": "theme",
    "strategies.measure": "measure",
    "projects.project": "project",
    "projects.funding": "funding",
    "indicators.indicator": "indicator",
    "indicators.indicatorvalue": "indicatorvalue",
    "workshops.workshop": "workshop",
    "workshops.decision": "decision",
}
ADMIN_LABELS = [label for label in KINDS if label != "projects.funding"]


def kind_of(model) -> str | None:
    return KINDS.get(f"{model._meta.app_label}.{model._meta.model_name}")


def url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def client_of(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("label", ADMIN_LABELS)
def test_an_editor_lists_only_their_territory(world, db, label):
    a, b = world.a.objects[KINDS[label]], world.b.objects[KINDS[label]]
    listed = {
        obj.pk
        for obj in client_of(world, "editor_b")
        .get(url(label, "changelist"))
        .context["cl"]
        .result_list
    }
    assert b.pk in listed
    assert a.pk not in listed
    everything = client_of(world, "superuser").get(url(label, "changelist")).context["cl"]
    assert {a.pk, b.pk} <= {obj.pk for obj in everything.result_list}


@pytest.mark.parametrize(
    "label", [label for label in ADMIN_LABELS if label != "strategies.territory"]
)
def test_choices_of_the_add_form_are_the_editors_territory_only(world, db, label):
    response = client_of(world, "editor_b").get(url(label, "add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    checked = 0
    for name, field in form.fields.items():
        kind = (
            kind_of(getattr(field, "queryset", None).model) if hasattr(field, "queryset") else None
        )
        if kind is None:
            continue
        choices = set(field.queryset.values_list("pk", flat=True))
        assert world.b.objects[kind].pk in choices, name
        assert world.a.objects[kind].pk not in choices, name
        checked += 1
    assert checked, f"no territorial choice on the {label} form"


def test_a_forged_choice_of_another_territory_is_refused_and_nothing_saved(world, db):
    before = Project.objects.count()
    response = client_of(world, "editor_b").post(
        url("projects.project", "add"),
        {
            "measure": world.a.measure.pk,
            "code": "p99",
            "title": "Intrus",
            "priority": 2,
            "status": "planned",
            "fundings-TOTAL_FORMS": 0,
            "fundings-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Project.objects.count() == before


def test_autocomplete_answers_only_the_editors_territory(world, db):
    response = client_of(world, "editor_b").get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": "project", "field_name": "measure", "term": ""},
    )
    ids = {int(result["id"]) for result in json.loads(response.content)["results"]}
    assert ids == {world.b.measure.pk}


def test_list_filters_name_only_the_editors_territory(world, db):
    html = client_of(world, "editor_b").get(url("projects.project", "changelist")).content.decode()
    assert "STRB – Axe 1 : Axe du territoire B" in html  # the axis filter
    assert not re.search(r"\bSTRA\b", html)  # neither A's strategy nor its axis (not in a token)
    assert "Axe du territoire A" not in html
    everything = client_of(world, "superuser").get(url("projects.project", "changelist"))
    html = everything.content.decode()
    assert "STRA 2030 – Territoire A" in html  # the strategy filter, two choices
    assert "STRA – Axe 1 : Axe du territoire A" in html


def test_a_bulk_action_cannot_reach_another_territory(world, db):
    project = world.a.project
    client_of(world, "editor_b").post(
        url("projects.project", "changelist"),
        {"action": "change_status", "status": "blocked", "_selected_action": [project.pk]},
    )
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED


def test_another_territorys_history_version_cannot_be_seen_nor_reverted(world, db):
    project = world.a.project
    record = project.history.first()
    revert = reverse("admin:projects_project_simple_history", args=[project.pk, record.history_id])
    editor_b = client_of(world, "editor_b")
    assert editor_b.get(revert).status_code == 404
    assert editor_b.post(revert, {"title": "Écrasé"}).status_code == 404
    project.refresh_from_db()
    assert project.title == "Projet A"
    assert client_of(world, "editor_a").get(revert).status_code == 200


def test_the_history_of_a_deleted_object_stays_its_territorys(world, db):
    project = world.a.project
    history = url("projects.project", "history", project.pk)
    project.delete()
    assert client_of(world, "editor_b").get(history).status_code == 404
    assert client_of(world, "editor_a").get(history).status_code == 200


def test_another_territorys_object_cannot_be_deleted(world, db):
    response = client_of(world, "editor_b").post(
        url("workshops.decision", "delete", world.a.decision.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert apps.get_model("workshops.Decision").objects.filter(pk=world.a.decision.pk).exists()


def test_a_staff_viewer_cannot_open_the_admin(world, db):
    viewer = world.users["viewer_a"]
    viewer.is_staff = True
    viewer.save()
    response = client_of(world, "viewer_a").get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Memberships ----------------------------------------------------------------------------


def membership_form(territory, account: str, role: str = "viewer") -> dict:
    return {"account": account, "territory": territory.pk, "role": role}


def test_an_editor_invites_a_viewer_of_their_territory_by_user_name_or_email(
    world, db, mailoutbox, django_capture_on_commit_callbacks
):
    """The account found is mailed an invitation; its holder joins by the link
    (tests/cockpit/test_membership_enumeration.py)."""
    UserFactory(username="nouveau", email="nouveau@example.org")
    UserFactory(username="autre", email="autre@example.org")
    editor = client_of(world, "editor_a")
    with django_capture_on_commit_callbacks(execute=True):
        for account in ("nouveau", "AUTRE@example.org"):
            response = editor.post(
                url("strategies.membership", "add"), membership_form(world.a.territory, account)
            )
            assert response.status_code == 302
    assert sorted(mail.to[0] for mail in mailoutbox) == ["autre@example.org", "nouveau@example.org"]
    assert not Membership.objects.filter(user__username__in=["nouveau", "autre"]).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "editor"}, "Sélectionnez un choix valide"),
        ({"territory": "other"}, "Sélectionnez un choix valide"),
    ],
    ids=["editor-role", "other-territory"],
)
def test_an_editor_cannot_add_an_editor_nor_a_member_elsewhere(world, db, changes, message):
    UserFactory(username="nouveau")
    data = membership_form(world.a.territory, "nouveau")
    data.update(changes)
    if data["territory"] == "other":
        data["territory"] = world.b.territory.pk
    before = Membership.objects.count()
    response = client_of(world, "editor_a").post(url("strategies.membership", "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Membership.objects.count() == before


def test_an_editor_removes_a_viewer_but_not_an_editor(world, db):
    editor = client_of(world, "editor_a")
    editor_membership = Membership.objects.get(user=world.users["editor_a"])
    assert (
        editor.post(
            url("strategies.membership", "delete", editor_membership.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    response = editor.post(
        url("strategies.membership", "change", editor_membership.pk),
        {"territory": world.a.territory.pk, "role": "viewer"},
    )
    assert response.status_code == 403
    editor_membership.refresh_from_db()
    assert editor_membership.role == "editor"

    viewer_membership = world.a.membership
    response = editor.post(
        url("strategies.membership", "delete", viewer_membership.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=viewer_membership.pk).exists()


def test_an_editor_sees_the_memberships_of_their_territories_only(world, db):
    listed = (
        client_of(world, "editor_a").get(url("strategies.membership", "changelist")).context["cl"]
    )
    territories = {membership.territory_id for membership in listed.result_list}
    assert territories == {world.a.territory.pk}


def test_a_superuser_makes_anyone_an_editor_anywhere(world, db):
    newcomer = UserFactory(username="nouveau")
    response = client_of(world, "superuser").post(
        url("strategies.membership", "add"),
        {"user": newcomer.pk, "territory": world.b.territory.pk, "role": "editor"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == "editor"


def test_territory_memberships_inline_is_read_only_for_editors(world, db):
    response = client_of(world, "editor_a").get(
        url("strategies.territory", "change", world.a.territory.pk)
    )
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is Membership
    )
    assert not inline.has_add_permission
    assert not inline.has_change_permission


def test_every_foreign_key_of_a_scoped_admin_leads_to_a_scoped_model():
    """A new model or relation cannot slip through: every relation a scoped admin's form offers
    leads to a scoped admin (users aside)."""
    from django.contrib.auth import get_user_model

    from strategies.admin_access import TerritoryScopedAdmin

    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, TerritoryScopedAdmin):
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.editable):
                continue
            if field.related_model is get_user_model():
                continue
            related_admin = admin.site._registry.get(field.related_model)
            assert isinstance(related_admin, TerritoryScopedAdmin), (model, field.name)
