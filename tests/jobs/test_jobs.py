"""Background jobs (jobs/): a large pack or strategy workbook made by the task worker, its page
with the progress bar polled by htmx, the download, failures, expiry and who may see a job.

The suite's task backend is ``immediate``: a job enqueued on commit runs when the request's
callbacks are executed (``django_capture_on_commit_callbacks(execute=True)``)."""

from __future__ import annotations

import datetime
import io
from html import unescape

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobFailed, Output, purge_expired, register, start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@register("test_unexpected_error")
def unexpected_error(job, progress):
    progress(1, 4)
    raise RuntimeError("boom")


@register("test_refused")
def refused(job, progress):
    raise JobFailed("La feuille « Valeurs » manque : rien n'a été importé.")


@register("test_file")
def small_file(job, progress):
    progress(1, 1)
    return Output(name="essai.txt", content=b"contenu complet")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def background(settings):
    """Every pack and workbook of the demo made in the background."""
    settings.PACK_BACKGROUND_PROJECTS = 0
    settings.WORKBOOK_BACKGROUND_PROJECTS = 0


@pytest.fixture
def commission(demo):
    return get_user_model().objects.get(username="commission")


def follow_job(client, response, callbacks_fixture):
    assert response.status_code == 302, response.status_code
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    return job


def run_request(client, url, capture):
    with capture(execute=True):
        response = client.get(url)
    return response


def open_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True)


# --- Small stays immediate, large goes to the worker -----------------------------------------


def test_a_small_pack_is_still_answered_in_the_request(member_client, demo):
    response = member_client.get(reverse("cockpit:pack", args=[demo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert not Job.objects.exists()


def test_a_large_pack_runs_in_the_background_then_is_downloaded(
    member_client, demo, background, django_capture_on_commit_callbacks, media
):
    url = reverse("cockpit:pack", args=[demo.pk]) + "?late=on"
    response = run_request(member_client, url, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE and job.done == job.total > 0
    assert job.download_name.endswith(".xlsx") and "en-retard" in job.download_name
    assert (media / job.file_name).exists()

    page = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert "Terminé." in page and reverse("jobs:download", args=[job.pk]) in page
    assert 'hx-trigger="every 1s"' not in page

    download = member_client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert job.download_name in download["Content-Disposition"]
    book = open_xlsx(b"".join(download.streaming_content))
    assert "Synthèse" in book.sheetnames


def test_a_large_workshop_pack_runs_in_the_background(
    member_client, demo, background, django_capture_on_commit_callbacks
):
    workshop = demo.workshops.order_by("date").first()
    url = reverse("cockpit:workshop_pack", args=[demo.pk, workshop.pk])
    run_request(member_client, url, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job.kind == "workshop_pack" and job.state == Job.State.DONE
    assert f"atelier-{workshop.number}" in job.download_name
    download = member_client.get(reverse("jobs:download", args=[job.pk]))
    assert "Décisions" in open_xlsx(b"".join(download.streaming_content)).sheetnames


def test_a_large_strategy_workbook_runs_in_the_background(
    client, demo, background, django_capture_on_commit_callbacks
):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    url = reverse("admin:strategies_strategy_workbook", args=[demo.pk])
    response = run_request(client, url, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == "workbook_export" and job.state == Job.State.DONE
    assert job.download_name.startswith("classeur-")
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert "Projets" in open_xlsx(b"".join(download.streaming_content)).sheetnames


def test_the_same_request_while_its_job_waits_gives_the_same_job(member_client, demo, background):
    url = reverse("cockpit:pack", args=[demo.pk])
    first = member_client.get(url)  # not committed: the job waits
    second = member_client.get(url)

    assert first["Location"] == second["Location"]
    assert Job.objects.count() == 1
    assert member_client.get(url + "?late=on")["Location"] != first["Location"]


# --- The page and its polling ------------------------------------------------------------------


def test_a_running_job_shows_its_bar_and_polls_every_second(member_client, commission):
    job = start(commission, kind="test_file", title="Import", unit=Job.Unit.ROWS)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=4200, total=10000)

    page = member_client.get(job.get_absolute_url())
    html = unescape(page.content.decode()).replace("\u202f", " ").replace("\xa0", " ")
    assert '<progress aria-label="Avancement" max="10000" value="4200">' in html
    assert "4 200 / 10 000 lignes" in html
    assert 'hx-trigger="every 1s"' in html
    assert '<meta http-equiv="refresh"' in html  # without JavaScript (in noscript)

    partial = member_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b'hx-trigger="every 1s"' in partial.content
    assert partial["Vary"].count("HX-Request") == 1


def test_the_partial_of_a_finished_job_stops_the_polling(member_client, commission):
    job = start(commission, kind="test_file", title="Import")
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message="Échec précis.")

    partial = member_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "hx-trigger" not in html and "Échec précis." in html


def test_polling_costs_the_same_queries_whatever_the_progress(member_client, commission):
    small = start(commission, kind="test_file", title="A", unit=Job.Unit.ROWS)
    large = start(commission, kind="test_file", title="B", unit=Job.Unit.ROWS, params={"n": 2})
    Job.objects.filter(pk=small.pk).update(state=Job.State.RUNNING, done=5, total=10)
    Job.objects.filter(pk=large.pk).update(state=Job.State.RUNNING, done=42000, total=100000)
    headers = {"HX-Request": "true"}
    member_client.get(small.get_absolute_url(), headers=headers)  # session warmed up

    counts = []
    for job in (small, large):
        with (
            CaptureQueriesContext(connections["default"]) as main,
            CaptureQueriesContext(connections["jobs"]) as jobs,
        ):
            member_client.get(job.get_absolute_url(), headers=headers)
        counts.append((len(main), len(jobs)))
    assert counts[0] == counts[1]
    assert counts[0][1] == 1  # the job, read once


def test_a_job_no_worker_took_says_so(member_client, commission, settings):
    settings.JOB_NO_WORKER_SECONDS = 5
    job = start(commission, kind="test_file", title="Rapport")
    fresh = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert "Aucun processus de fond" not in fresh

    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=6))
    late = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert "Aucun processus de fond n'a pris la tâche depuis 5 secondes" in late
    assert "db_worker" in late and 'hx-trigger="every 1s"' in late


# --- Failures: a message, no file --------------------------------------------------------------


def test_a_job_that_raises_leaves_a_message_and_no_file(
    member_client, commission, django_capture_on_commit_callbacks, media
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(commission, kind="test_unexpected_error", title="Rapport")
    job.refresh_from_db()

    assert job.state == Job.State.FAILED and job.file_name == ""
    assert "erreur inattendue" in job.message and "boom" not in job.message
    assert not (media / "jobs").exists() or not any((media / "jobs").rglob("*.*"))
    page = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert "rien n'a été enregistré" in page and "Télécharger" not in page
    assert member_client.get(reverse("jobs:download", args=[job.pk])).status_code == 302


def test_a_refused_job_shows_its_own_message(
    member_client, commission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(commission, kind="test_refused", title="Import")
    page = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert "La feuille « Valeurs » manque : rien n'a été importé." in page


def test_a_storage_that_fails_leaves_no_file(
    commission, django_capture_on_commit_callbacks, monkeypatch, media
):
    def save_then_fail(name, content, max_length=None):
        path = media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read()[:3])  # a partial file, then the disk fills up
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", save_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(commission, kind="test_file", title="Rapport")
    job.refresh_from_db()

    assert job.state == Job.State.FAILED
    assert not any(path.is_file() for path in (media / "jobs").rglob("*"))


# --- Expiry ---------------------------------------------------------------------------------------


def test_an_expired_file_is_refused_then_purged(
    member_client, commission, django_capture_on_commit_callbacks, media, settings
):
    settings.JOB_RESULT_HOURS = 24
    with django_capture_on_commit_callbacks(execute=True):
        job = start(commission, kind="test_file", title="Rapport")
    job.refresh_from_db()
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=24)
    download = reverse("jobs:download", args=[job.pk])
    assert member_client.get(download).status_code == 200

    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = member_client.get(download)
    assert response.status_code == 410
    assert "Ce fichier n'est plus disponible" in unescape(response.content.decode())
    assert "24 heures" in unescape(response.content.decode())

    out = io.StringIO()
    call_command("purge_jobs", stdout=out)
    assert out.getvalue().startswith("1 job")
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not (media / job.file_name).exists()
    assert purge_expired() == 0


# --- Who sees a job -------------------------------------------------------------------------------


def test_another_users_job_is_not_found_but_a_superuser_sees_it(client, commission, admin_user):
    job = start(commission, kind="test_file", title="Rapport")
    client.force_login(UserFactory())
    for url in (job.get_absolute_url(), reverse("jobs:download", args=[job.pk])):
        assert client.get(url).status_code == 404
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404

    client.force_login(admin_user)
    assert client.get(job.get_absolute_url()).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, commission):
    job = start(commission, kind="test_file", title="Rapport")
    response = client.get(job.get_absolute_url())
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_migrating_the_jobs_alias_of_a_shared_database_does_nothing(settings):
    # On PostgreSQL the jobs alias is the main database: `migrate` made its table, and the other
    # apps' data migrations would wait on the jobs connection's transaction.
    settings.JOBS_DATABASE_SHARED = True
    out = io.StringIO()
    call_command("migrate", database="jobs", stdout=out)
    assert out.getvalue() == "The jobs' database is the main one: nothing to migrate.\n"
