"""The admin's import of a file above ``IMPORT_BACKGROUND_ROWS`` rows (lowered here): the preview
made by the worker with the rows' progress, shown on the import page with its counts, errors and
confirmation form; the confirmation made by the worker, all or nothing, its summary on the job's
page and in the admin's log. The suite's task backend runs a job when the request's on-commit
callbacks are executed."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from jobs.models import Job
from projects.models import Project
from strategies.models import Measure
from tests.factories import MeasureFactory, UserFactory
from tests.import_files import admin_url, confirm, upload, xlsx

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

ROWS = ["Code", "Titre", "Mesure"]


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_ROWS = 1


@pytest.fixture
def secretariat(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


def upload_in_background(client, strategy, content, capture) -> Job:
    with capture(execute=True):
        response = upload(client, Project, strategy, content, name="projets.xlsx")
    job = Job.objects.get(params__confirm=False)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    return job


def test_a_file_under_the_threshold_is_still_previewed_in_the_request(secretariat, demo, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    preview = upload(
        secretariat, Project, demo, xlsx(ROWS, [["p90", "A", "m1"], ["p91", "B", "m1"]])
    )

    assert preview.status_code == 200 and preview.context["result"].counts["new"] == 2
    assert not Job.objects.exists()


def test_a_large_file_is_previewed_then_imported_by_the_worker(
    secretariat, demo, django_capture_on_commit_callbacks
):
    content = xlsx(ROWS, [["p90", "Nouveau A", "m1"], ["p91", "Nouveau B", "m1"]])
    job = upload_in_background(secretariat, demo, content, django_capture_on_commit_callbacks)

    assert (job.state, job.message) == (Job.State.DONE, "")
    assert job.unit == Job.Unit.ROWS and job.done == job.total == 2
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()
    partial = secretariat.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial["HX-Redirect"] == job.result_url
    assert secretariat.get(f"/taches/{job.pk}/fichier/").status_code == 404  # not a download

    preview = secretariat.get(job.result_url)
    html = unescape(preview.content.decode())
    assert preview.status_code == 200
    assert preview.context["result"].counts == {"new": 2, "update": 0, "skip": 0, "invalid": 0}
    assert "2 nouvelle(s) ligne(s), 0 modifiée(s), 0 inchangée(s)." in html
    assert "Nouveau B" in html and "Confirmer l'import" in html

    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(secretariat, Project, preview)

    job = Job.objects.get(params__confirm=True)
    assert done.status_code == 302 and done["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE and job.file_name == "" and job.result_url == ""
    assert job.message == "Import terminé : 2 créé(s), 0 modifié(s), 0 inchangé(s)."
    page = unescape(secretariat.get(job.get_absolute_url()).content.decode())
    assert job.message in page and admin_url(Project, "changelist") in page
    assert set(
        Project.objects.filter(strategy=demo, code__in=["p90", "p91"]).values_list(
            "title", flat=True
        )
    ) == {"Nouveau A", "Nouveau B"}
    assert Project.history.filter(code="p90", history_user__username="secretariat").exists()
    entry = LogEntry.objects.get()
    assert entry.change_message.startswith("Import de « projets.xlsx » dans ")


def test_a_bad_row_is_shown_in_french_and_nothing_is_written(
    secretariat, demo, django_capture_on_commit_callbacks
):
    content = xlsx(ROWS, [["p90", "Nouveau", "m1"], ["p91", "X", "m999"]])
    job = upload_in_background(secretariat, demo, content, django_capture_on_commit_callbacks)

    preview = secretariat.get(job.result_url)
    html = unescape(preview.content.decode())
    assert preview.context["confirm_form"] is None
    assert "Ce fichier ne peut pas être importé tel quel" in html
    assert "Aucune mesure de code « m999 »" in html and "Confirmer l'import" not in html
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()


def test_a_confirmation_that_finds_a_bad_row_writes_nothing(
    secretariat, demo, django_capture_on_commit_callbacks
):
    measure = MeasureFactory(
        domain=Measure.objects.filter(strategy=demo).first().domain, code="m90"
    )
    content = xlsx(ROWS, [["p90", "Bon", "m1"], ["p91", "Le sien", "m90"]])
    job = upload_in_background(secretariat, demo, content, django_capture_on_commit_callbacks)
    preview = secretariat.get(job.result_url)
    measure.delete()

    with django_capture_on_commit_callbacks(execute=True):
        confirm(secretariat, Project, preview)

    job = Job.objects.get(params__confirm=True)
    html = unescape(secretariat.get(job.result_url).content.decode())
    assert "L'import a été annulé : rien n'a été enregistré" in html
    assert "Aucune mesure de code « m90 »" in html and "Confirmer l'import" not in html
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()
    assert not LogEntry.objects.exists()


def test_another_users_job_and_preview_are_not_found(
    secretariat, demo, django_capture_on_commit_callbacks
):
    content = xlsx(ROWS, [["p90", "A", "m1"], ["p91", "B", "m1"]])
    job = upload_in_background(secretariat, demo, content, django_capture_on_commit_callbacks)

    other = Client()
    other.force_login(UserFactory(is_superuser=False, is_staff=True))
    assert other.get(job.get_absolute_url()).status_code == 404
    assert secretariat.get(admin_url(Project, "import") + "?job=not-a-uuid").status_code == 404
    Job.objects.filter(pk=job.pk).update(user_id=other.session["_auth_user_id"])
    assert secretariat.get(job.result_url).status_code == 404


def test_the_worker_checks_the_users_strategies_again(
    secretariat, demo, django_capture_on_commit_callbacks
):
    """The secretariat left the territory between the upload and the worker's turn."""
    content = xlsx(ROWS, [["p90", "A", "m1"], ["p91", "B", "m1"]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(secretariat, Project, demo, content)
    demo.territory.memberships.filter(user__username="secretariat").delete()
    for callback in callbacks:
        callback()

    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "rien n'a été importé" in job.message
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()
