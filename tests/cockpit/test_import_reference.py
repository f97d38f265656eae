"""The reference from an import's preview to its confirmation (admin imports and the strategy
workbook): kept on the server in storage every process shares, bound to the user, the strategy
and the import, with an expiry; a forged, foreign or expired one gets a clear page and changes
nothing, deletes nothing."""

from __future__ import annotations

import tempfile
import time
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from demo import data as demo_data
from projects.models import Project
from spreadsheets import uploads
from strategies.models import Measure
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.import_files import XLSX_TYPE, admin_url, confirm, upload, xlsx
from tests.workbooks.books import open_book, save
from workbooks.export import export_workbook

User = get_user_model()


@pytest.fixture(autouse=True)
def empty_temp_folder(monkeypatch, tmp_path):
    """The process's temporary folder, empty: nothing of an import may be kept there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretariat(demo) -> Client:
    return logged_in(User.objects.get(username="secretariat"))


def an_editor_of(territory):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=demo_data.SECRETARIAT_GROUP))
    MembershipFactory(user=user, territory=territory, role="editor")
    return user


def new_project_file(code: str = "p90") -> bytes:
    return xlsx(["Code", "Titre", "Mesure"], [[code, "Nouveau projet", "m1"]])


def confirmation_data(preview) -> dict:
    form = preview.context["confirm_form"]
    return {name: value for name, value in form.initial.items() if value is not None}


def refused(response, message: str) -> None:
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html and "rien n'a été importé" in html
    assert "Recommencer l'import" in html


def test_a_file_named_by_the_browser_is_neither_read_nor_deleted(
    secretariat, demo, empty_temp_folder
):
    planted = empty_temp_folder / "planted.xlsx"
    planted.write_bytes(new_project_file("p95"))
    preview = upload(secretariat, Project, demo, new_project_file("p90"))
    data = confirmation_data(preview)
    data["import_file_name"] = planted.name

    response = secretariat.post(admin_url(Project, "process_import"), data)

    refused(response, "Cette confirmation ne correspond à aucun aperçu")
    assert not Project.objects.filter(strategy=demo, code__in=["p90", "p95"]).exists()
    assert planted.exists()


def test_another_users_reference_is_refused_and_left_to_its_owner(secretariat, demo):
    preview = upload(secretariat, Project, demo, new_project_file())
    colleague = logged_in(an_editor_of(demo.territory))

    response = colleague.post(admin_url(Project, "process_import"), confirmation_data(preview))

    refused(response, "Cet aperçu a été préparé par un autre compte")
    assert not Project.objects.filter(strategy=demo, code="p90").exists()
    assert confirm(secretariat, Project, preview).status_code == 302
    assert Project.objects.get(strategy=demo, code="p90").title == "Nouveau projet"


def test_a_reference_for_another_strategy_is_refused(secretariat, demo):
    elsewhere = ProjectFactory(code="p1", title="Ailleurs").strategy
    MembershipFactory(
        user=User.objects.get(username="secretariat"), territory=elsewhere.territory, role="editor"
    )
    preview = upload(secretariat, Project, demo, xlsx(["Code", "Titre"], [["p1", "Piraté"]]))
    data = {**confirmation_data(preview), "strategy": elsewhere.pk}

    response = secretariat.post(admin_url(Project, "process_import"), data)

    refused(response, "Cet aperçu a été préparé pour une autre stratégie")
    assert Project.objects.get(strategy=elsewhere, code="p1").title == "Ailleurs"
    assert Project.objects.get(strategy=demo, code="p1").title != "Piraté"


def test_a_reference_for_another_model_is_refused(secretariat, demo):
    preview = upload(secretariat, Project, demo, new_project_file())

    response = secretariat.post(admin_url(Measure, "process_import"), confirmation_data(preview))

    refused(response, "Cette confirmation ne correspond à aucun aperçu")
    assert not Project.objects.filter(strategy=demo, code="p90").exists()


def signed_seconds_ago(monkeypatch, seconds: int) -> None:
    """References signed from now on carry a time ``seconds`` in the past."""
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(int(time.time()) - seconds),
    )


def test_an_expired_reference_is_refused(secretariat, demo, settings, monkeypatch):
    settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE = 600
    signed_seconds_ago(monkeypatch, 601)
    preview = upload(secretariat, Project, demo, new_project_file())

    response = confirm(secretariat, Project, preview)

    refused(response, "Cet aperçu date de plus de 10 minutes")
    assert not Project.objects.filter(strategy=demo, code="p90").exists()


def test_a_reference_within_its_age_is_confirmed(secretariat, demo, settings, monkeypatch):
    settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE = 600
    signed_seconds_ago(monkeypatch, 590)
    preview = upload(secretariat, Project, demo, new_project_file())

    assert confirm(secretariat, Project, preview).status_code == 302
    assert Project.objects.filter(strategy=demo, code="p90").exists()


def test_tampered_hidden_fields_cannot_break_the_confirmation(secretariat, demo):
    preview = upload(secretariat, Project, demo, new_project_file(), name="vrai.xlsx")
    data = {
        **confirmation_data(preview),
        "format": "abc",
        "resource": "9",
        "original_file_name": "faux.xlsx",
    }

    response = secretariat.post(admin_url(Project, "process_import"), data)

    assert response.status_code == 302
    record = Project.objects.get(strategy=demo, code="p90").history.first()
    assert record.history_change_reason == "Import du fichier « vrai.xlsx »"


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {caches[uploads.CACHE]._table}")
        return cursor.fetchone()[0]


def test_a_preview_on_one_server_is_confirmed_on_another(demo, empty_temp_folder):
    """Two clients, two sessions: nothing passes between them but the confirmation form and the
    shared database (its cache table), never a local file or a process's memory."""
    assert not isinstance(caches[uploads.CACHE], LocMemCache)
    user = User.objects.get(username="secretariat")
    server_a, server_b = logged_in(user), logged_in(user)
    before = cache_rows()

    preview = upload(server_a, Project, demo, new_project_file())

    assert cache_rows() == before + 2  # the file, and the rows read from it
    assert list(empty_temp_folder.iterdir()) == []
    done = server_b.post(admin_url(Project, "process_import"), confirmation_data(preview))
    assert done.status_code == 302
    assert Project.objects.get(strategy=demo, code="p90").title == "Nouveau projet"
    assert cache_rows() == before
    assert list(empty_temp_folder.iterdir()) == []


def test_the_confirmation_imports_the_rows_read_at_the_preview(secretariat, demo):
    """The rows read at the preview are kept with the upload (under the digest of its content):
    the confirmation, on any server, imports them without reading the file again."""
    content = new_project_file()
    preview = upload(secretariat, Project, demo, content)
    headers, rows, lines, formulas = uploads.kept_rows(content)
    assert rows == [("p90", "Nouveau projet", "m1")]
    # Rows kept by the server are what the confirmation imports: changed here to tell them from
    # the file's.
    uploads.keep_rows(content, (headers, [("p90", "Lu à l'aperçu", "m1")], lines, formulas))

    assert confirm(secretariat, Project, preview).status_code == 302

    assert Project.objects.get(strategy=demo, code="p90").title == "Lu à l'aperçu"
    assert uploads.kept_rows(content) is None


def test_the_confirmation_reads_the_file_again_without_its_kept_rows(secretariat, demo):
    content = new_project_file()
    preview = upload(secretariat, Project, demo, content)
    caches[uploads.CACHE].delete(uploads.ROWS_PREFIX + uploads.digest(content))

    assert confirm(secretariat, Project, preview).status_code == 302

    assert Project.objects.get(strategy=demo, code="p90").title == "Nouveau projet"


def test_a_vanished_preview_file_gets_a_message(secretariat, demo):
    preview = upload(secretariat, Project, demo, new_project_file())
    caches[uploads.CACHE].clear()

    response = confirm(secretariat, Project, preview)

    assert response.status_code == 302
    page = secretariat.get(response["Location"])
    assert "Le fichier de l'aperçu n'est plus disponible" in unescape(page.content.decode())
    assert not Project.objects.filter(strategy=demo, code="p90").exists()


# --- The strategy workbook ---------------------------------------------------------------------


def workbook_url(name: str, strategy) -> str:
    return reverse(f"admin:strategies_strategy_{name}", args=[strategy.pk])


def edited_workbook(demo) -> tuple[bytes, str]:
    book = open_book(export_workbook(demo))
    code = book["Projets"].cell(row=2, column=1).value
    book["Projets"].cell(row=2, column=2).value = "Titre revu en atelier"
    return save(book), code


def upload_workbook(client, strategy, content: bytes):
    return client.post(
        workbook_url("workbook_import", strategy),
        {"workbook": SimpleUploadedFile("classeur.xlsx", content, content_type=XLSX_TYPE)},
    )


def on_another_server(client) -> Client:
    """The same browser (its session cookie) talking to another server."""
    other = Client()
    other.cookies = client.cookies
    return other


def test_a_workbook_previewed_on_one_server_is_confirmed_on_another(
    secretariat, demo, empty_temp_folder
):
    content, code = edited_workbook(demo)
    before = cache_rows()

    assert upload_workbook(secretariat, demo, content).status_code == 200

    assert cache_rows() == before + 1
    assert [path for path in Path(empty_temp_folder).rglob("*") if path.is_file()] == []
    done = on_another_server(secretariat).post(workbook_url("workbook_confirm", demo))
    assert done.status_code == 302 and done["Location"] == workbook_url("change", demo)
    assert Project.objects.get(strategy=demo, code=code).title == "Titre revu en atelier"
    assert cache_rows() == before


def test_an_expired_workbook_preview_is_refused(secretariat, demo, settings, monkeypatch):
    settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE = 600
    signed_seconds_ago(monkeypatch, 601)
    content, code = edited_workbook(demo)
    upload_workbook(secretariat, demo, content)

    response = secretariat.post(workbook_url("workbook_confirm", demo), follow=True)

    assert "Cet aperçu date de plus de 10 minutes" in unescape(response.content.decode())
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"
