"""Bad input in the secretariat's forms: a clear French message on the field at fault, and
nothing saved (neither the object, nor its inlines, nor a history row)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.territories import admin_form_data, world_fixture

world = world_fixture()

CASES = [
    # (kind, changes, message)
    ("project", {"start_date": "31.02.2025"}, "Saisissez une date valide."),
    ("project", {"start_date": "2025-13-01"}, "Saisissez une date valide."),
    (
        "project",
        {"start_date": "15.01.2026", "end_date": "14.12.2025"},
        "La fin ne peut pas précéder le début.",
    ),
    (
        "project",
        {"budget_planned": "-10"},
        "Assurez-vous que cette valeur est supérieure ou égale à 0.",
    ),
    ("project", {"budget_spent": "abc"}, "Saisissez un nombre."),
    ("project", {"code": "p 1"}, "Un code ne contient ni espace ni accent"),
    (
        "project",
        {"progress": "150"},
        "Assurez-vous que cette valeur est inférieure ou égale à 100.",
    ),
    (
        "project",
        {"fundings-0-amount": "-5"},
        "Assurez-vous que cette valeur est supérieure ou égale à 0.",
    ),
    (
        "indicator",
        {"baseline_value": "100", "target_value": "100"},
        "L’état visé doit différer de l’état actuel.",
    ),
    (
        "indicator",
        {"baseline_date": "01.01.2025", "target_date": "01.01.2024"},
        "L’échéance doit suivre la date de l’état actuel.",
    ),
    (
        "indicator",
        {"baseline_value": "150", "target_value": "100"},
        "Un indicateur à augmenter vise plus que l’état actuel.",
    ),
    ("indicator", {"code": "s 1"}, "Un code ne contient ni espace ni accent"),
    ("indicator", {"target_value": ""}, "Indiquez l’état visé"),
    ("indicatorvalue", {"date": "32.01.2025"}, "Saisissez une date valide."),
    ("indicatorvalue", {"value": "beaucoup"}, "Saisissez un nombre."),
    ("measure", {"code": "m 1"}, "Un code ne contient ni espace ni accent"),
    (
        "strategy",
        {"start_year": "2030", "horizon_year": "2020"},
        "L’horizon doit suivre l’année de début.",
    ),
    (
        "strategy",
        {"on_track_threshold": "60", "warning_threshold": "70"},
        "Les seuils doivent respecter 0 &lt; « à surveiller » ≤ « en bonne voie » ≤ 100.",
    ),
    ("workshop", {"date": "30.02.2025"}, "Saisissez une date valide."),
    (
        "decision",
        {"measure": "measure", "project": "project"},
        "Une décision concerne au plus un élément",
    ),
    ("decision", {"due_date": "demain"}, "Saisissez une date valide."),
]


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def state(obj):
    """Everything the failed save could have touched."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    fundings = list(obj.fundings.values()) if hasattr(obj, "fundings") else None
    return values, fundings, obj.history.count()


@pytest.mark.parametrize(("kind", "changes", "message"), CASES, ids=lambda value: str(value)[:30])
def test_bad_input_gets_a_french_message_and_saves_nothing(world, db, kind, changes, message):
    obj = world.a.objects[kind]
    client = Client()
    client.force_login(world.users["editor_a"])
    before = state(obj)
    resolved = {
        key: (world.a.objects[value].pk if value in ("measure", "project") else value)
        for key, value in changes.items()
    }
    # A harmless change too, that must not be saved either.
    data = admin_form_data(client.get(change_url(obj)), **resolved)
    for name in ("title", "name", "text"):
        if name in data:
            data[name] = f"{data[name]} modifié"
    response = client.post(change_url(obj), data)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "’").replace("'", "’")
    assert message.replace("'", "’") in html
    assert "Corrigez" in html  # the admin's summary: « Corrigez l'erreur ci-dessous. »
    assert state(obj) == before
