"""The documented backup and restore (``make backup`` / ``make restore``) on the demo: every row
comes back as it was, history included; a broken file changes nothing."""

from __future__ import annotations

import gzip

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from cockpit.management.commands.backup import EXCLUDED
from projects.models import Project

#: Rows compared value by value, primary keys included (content types and permissions are
#: recreated by ``migrate``/``flush``, so the admin's log is compared by count).
COMPARED_APPS = ("auth", "strategies", "projects", "indicators", "cockpit")


def saved_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED:
            continue
        yield model


def snapshot() -> dict:
    rows = {}
    for model in saved_models():
        label = model._meta.label_lower
        if model._meta.app_label in COMPARED_APPS:
            rows[label] = list(model._default_manager.order_by("pk").values())
        else:
            rows[label] = model._default_manager.count()
    for user in get_user_model().objects.all():
        rows[f"groups of {user.username}"] = sorted(user.groups.values_list("name", flat=True))
    return rows


@pytest.fixture(autouse=True)
def fresh_content_types():
    """A restore recreates the content types with new ids inside the test's transaction; the
    rollback takes them away but Django's process-wide ContentType cache would keep them, and the
    next test (load_demo's group permissions) would look permissions up under ids that no longer
    exist. Forget the cache on both sides of each test."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def edited_demo(demo):
    """The demo after a secretariat edit, so that the history has an author to keep."""
    secretariat = get_user_model().objects.get(username="secretariat")
    project = Project.objects.get(strategy=demo, code="p1")
    project.status = Project.Status.PAUSED
    project._history_user = secretariat
    project.save()
    return demo


def test_backup_then_restore_gives_back_every_row(edited_demo, tmp_path):
    backup = tmp_path / "cockpit.xml.gz"
    before = snapshot()
    assert len(before["projects.historicalproject"]) > len(before["projects.project"])

    call_command("backup", output=str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    with gzip.open(backup) as compressed:
        assert compressed.read(5) == b"<?xml"
    Project.objects.filter(code="p2").update(title="Changé après la sauvegarde")
    Project.objects.filter(code="p3").delete()
    call_command("restore", str(backup), interactive=False, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert snapshot() == before
    latest = Project.objects.get(code="p1").history.latest("history_date")
    assert latest.history_user.username == "secretariat"


def test_the_restored_demo_is_usable(edited_demo, tmp_path):
    backup = tmp_path / "cockpit.xml.gz"
    call_command("backup", output=str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("restore", str(backup), interactive=False, stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    response = client.post(reverse("login"), {"username": "commission", "password": "demo"})
    assert response.status_code == 302
    assert client.get(reverse("cockpit:strategy", args=[edited_demo.pk])).status_code == 200
    secretariat = get_user_model().objects.get(username="secretariat")
    assert secretariat.has_perm("projects.change_project")


def test_a_broken_backup_changes_nothing(edited_demo, tmp_path):
    backup = tmp_path / "broken.json"
    backup.write_text('[{"model": "projects.project", "pk": 1, "fields": {"code": ')
    before = snapshot()
    with pytest.raises(Exception):  # noqa: B017 - loaddata's own error, whatever its class
        call_command("restore", str(backup), interactive=False)
    assert snapshot() == before


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("restore", str(tmp_path / "absent.json.gz"), interactive=False)
