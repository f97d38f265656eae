"""Two editors, one object: the second to save a form opened before the first one's save gets a
conflict message, and nothing of theirs is saved. Every admin change is in the history and the
cockpit's journal, with who made it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Project
from strategies.admin_access import VERSION_FIELD
from tests.territories import admin_form_data as form_data
from tests.territories import world_fixture

world = world_fixture()


def editor(world) -> Client:
    client = Client()
    client.force_login(world.users["editor_a"])
    return client


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def test_the_form_carries_the_version_it_was_opened_with(world, db):
    project = world.a.project
    response = editor(world).get(change_url(project))
    html = response.content.decode()
    version = str(project.history.latest("history_date").history_id)
    assert f'name="{VERSION_FIELD}" value="{version}"' in html
    assert 'type="hidden"' in html


def test_the_second_editor_to_save_a_stale_form_gets_a_conflict_and_saves_nothing(world, db):
    project = world.a.project
    first, second = editor(world), Client()
    second.force_login(world.users["superuser"])
    first_form = first.get(change_url(project))  # both open the project
    second_form = second.get(change_url(project))

    response = second.post(change_url(project), form_data(second_form, status="blocked"))
    assert response.status_code == 302
    history_before = project.history.count()

    response = first.post(change_url(project), form_data(first_form, title="Titre du premier"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Conflit de modification : root a enregistré « p1 – Projet A » le" in html
    assert "(champs modifiés : statut)" in html
    assert "Vos modifications n&#x27;ont pas été enregistrées" in html
    project.refresh_from_db()
    assert (project.title, project.status) == ("Projet A", Project.Status.BLOCKED)
    assert project.history.count() == history_before

    # Reloaded, the form starts from the current version and saves.
    fresh = first.get(change_url(project))
    response = first.post(change_url(project), form_data(fresh, title="Titre du premier"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.status) == ("Titre du premier", Project.Status.BLOCKED)


def test_a_bulk_action_after_the_form_was_opened_is_a_conflict_too(world, db):
    project = world.a.project
    client = editor(world)
    stale = client.get(change_url(project))
    client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "change_status", "status": "paused", "_selected_action": [project.pk]},
    )
    response = client.post(change_url(project), form_data(stale, title="Tardif"))
    assert "Conflit de modification" in response.content.decode()
    project.refresh_from_db()
    assert (project.title, project.status) == ("Projet A", Project.Status.PAUSED)


@pytest.mark.parametrize("kind", ["indicator", "measure", "strategy", "workshop"])
def test_every_historised_model_is_protected(world, db, kind):
    obj = world.a.objects[kind]
    first, second = editor(world), editor(world)
    stale = first.get(change_url(obj))
    assert second.post(change_url(obj), form_data(second.get(change_url(obj)))).status_code == 302
    response = first.post(change_url(obj), form_data(stale))
    assert response.status_code == 200
    assert "Conflit de modification" in response.content.decode()


def test_an_admin_edit_is_in_the_history_and_the_cockpit_journal_with_its_author(world, db):
    indicator = world.a.indicator
    client = editor(world)
    response = client.post(
        change_url(indicator), form_data(client.get(change_url(indicator)), target_value="120")
    )
    assert response.status_code == 302
    latest = indicator.history.latest("history_date")
    assert latest.history_user == world.users["editor_a"]
    assert latest.target_value == Decimal("120")

    member = Client()
    member.force_login(world.users["viewer_a"])
    page = member.get(
        reverse("cockpit:indicator", args=[indicator.strategy_id, indicator.pk])
    ).content.decode()
    assert "modifié par editor_a, le" in page
    assert "état visé : 100 → 120" in page
    assert Indicator.objects.get(pk=indicator.pk).target_value == Decimal("120")


def test_the_indicator_journal_lists_the_values_recorded_and_corrected(world, db):
    value = world.a.indicatorvalue
    client = editor(world)
    response = client.post(change_url(value), form_data(client.get(change_url(value)), value="45"))
    assert response.status_code == 302
    member = Client()
    member.force_login(world.users["viewer_a"])
    page = member.get(
        reverse("cockpit:indicator", args=[world.a.strategy.pk, world.a.indicator.pk])
    ).content.decode()
    day = value.date.strftime("%d.%m.%Y")
    assert f"valeur du {day} modifiée par editor_a, le" in page
    assert "valeur : 40 → 45" in page
    assert f"valeur du {day} saisie par système" in page
