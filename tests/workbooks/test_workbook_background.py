"""The strategy workbook's import of a large file in the background: the preview made by the
worker with its progress, shown on the import page; the confirmation made by the worker, all or
nothing, with its summary on the job's page and in the admin's log. The suite's task backend
runs a job when the request's on-commit callbacks are executed."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from jobs.models import Job
from projects.models import Project
from tests.factories import UserFactory
from tests.workbooks.books import open_book, save
from tests.workbooks.test_workbook_admin import edited_workbook, upload, url
from workbooks.export import export_workbook
from workbooks.reading import declared_rows

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_ROWS = 0


@pytest.fixture
def secretariat(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


def test_the_rows_a_workbook_declares_are_read_from_its_sheets(demo):
    content = export_workbook(demo)
    book = open_book(content)
    rows = sum(sheet.max_row - 1 for sheet in book.worksheets)
    assert declared_rows(content) == rows > demo.projects.count()
    assert declared_rows(b"not a zip") == 0


def test_a_large_workbook_is_previewed_then_imported_by_the_worker(
    secretariat, demo, django_capture_on_commit_callbacks
):
    content, code = edited_workbook(demo)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(secretariat, demo, content, name="sdi-revu.xlsx")

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE and job.unit == Job.Unit.ROWS
    assert job.done == job.total > demo.projects.count()
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"

    # The polling partial sends the browser to the preview once it is ready.
    partial = secretariat.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial["HX-Redirect"] == job.result_url
    assert secretariat.get(f"/taches/{job.pk}/fichier/").status_code == 404  # not a download

    preview = secretariat.get(job.result_url)
    html = unescape(preview.content.decode())
    assert preview.context["result"].counts()["Projets"] == (0, 1, demo.projects.count() - 1)
    assert "Titre revu en atelier" in html and "Confirmer l'import" in html

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = secretariat.post(url("workbook_confirm", demo))

    job = Job.objects.exclude(pk=job.pk).get()
    assert confirmed["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE and job.file_name == "" and job.result_url == ""
    summary = "Import du classeur « sdi-revu.xlsx » : 0 élément(s) créé(s), 1 modifié(s)."
    assert job.message == summary
    assert summary in unescape(secretariat.get(job.get_absolute_url()).content.decode())
    assert Project.objects.get(strategy=demo, code=code).title == "Titre revu en atelier"
    entry = LogEntry.objects.filter(object_id=str(demo.pk)).latest("action_time")
    assert entry.get_change_message() == summary


def test_a_large_workbook_with_errors_shows_them_and_writes_nothing(
    secretariat, demo, django_capture_on_commit_callbacks
):
    book = open_book(export_workbook(demo))
    book["Projets"].cell(row=3, column=4).value = "m99"
    with django_capture_on_commit_callbacks(execute=True):
        upload(secretariat, demo, save(book))

    job = Job.objects.get()
    html = unescape(secretariat.get(job.result_url).content.decode())
    assert "Mesure « m99 » introuvable" in html and "Confirmer l'import" not in html


def test_another_users_preview_is_not_found(secretariat, demo, django_capture_on_commit_callbacks):
    content, _code = edited_workbook(demo)
    with django_capture_on_commit_callbacks(execute=True):
        upload(secretariat, demo, content)
    job = Job.objects.get()

    other = Client()
    other.force_login(UserFactory(is_superuser=False, is_staff=True))
    assert other.get(job.get_absolute_url()).status_code == 404
    assert secretariat.get(url("workbook_import", demo) + "?job=not-a-uuid").status_code == 404
    Job.objects.filter(pk=job.pk).update(user_id=other.session["_auth_user_id"])
    assert secretariat.get(job.result_url).status_code == 404
