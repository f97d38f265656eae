"""A job whose worker died (issue 19): the claim and each progress write stamp ``heartbeat_at``;
a running job silent for ``JOB_STALE_SECONDS`` is marked failed when its page is read, when the
same job is asked again and by ``purge_jobs``; its page says so in French, stops polling and
offers to start it again. Time is moved by moving the heartbeat back, never by sleeping."""

from __future__ import annotations

import datetime
import io
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import Output, Progress, mark_stale, register, run, start

pytestmark = pytest.mark.django_db(databases=["default", "jobs"])

STOPPED = "Le processus de fond qui faisait cette tâche s'est arrêté avant la fin"


@register("test_stale_file")
def stale_file(job, progress):
    progress(1, 2)
    return Output(name="essai.txt", content=b"contenu")


@pytest.fixture(autouse=True)
def stale_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOB_STALE_SECONDS = 600


@pytest.fixture
def commission(demo):
    return get_user_model().objects.get(username="commission")


def running(job: Job, *, silent_for: int, done: int = 3, total: int = 10) -> Job:
    """``job`` running, its worker's last sign of life ``silent_for`` seconds ago."""
    last = timezone.now() - datetime.timedelta(seconds=silent_for)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=last, heartbeat_at=last, done=done, total=total
    )
    return Job.objects.get(pk=job.pk)


def page_of(client, job: Job, **headers) -> str:
    response = client.get(job.get_absolute_url(), headers=headers)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_job_silent_for_longer_than_the_setting_is_failed_when_its_page_is_read(
    member_client, commission
):
    job = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=601)

    html = page_of(member_client, job)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert STOPPED in html and "Vous pouvez la relancer" in html
    assert 'hx-trigger="every 1s"' not in html
    assert '<meta http-equiv="refresh"' not in html


def test_a_job_with_a_recent_sign_of_life_keeps_running_and_polling(member_client, commission):
    job = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=599)

    html = page_of(member_client, job, **{"HX-Request": "true"})

    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert STOPPED not in html and 'hx-trigger="every 1s"' in html


def test_the_setting_decides_how_long_a_silence_is_allowed(member_client, commission, settings):
    settings.JOB_STALE_SECONDS = 5
    job = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=6)

    html = page_of(member_client, job, **{"HX-Request": "true"})

    assert STOPPED in html and "hx-trigger" not in html


def test_a_claimed_job_silent_since_its_start_is_stale_too(commission):
    job = start(commission, kind="test_stale_file", title="Rapport")
    long_ago = timezone.now() - datetime.timedelta(seconds=601)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=long_ago)

    assert mark_stale() == 1
    assert Job.objects.get(pk=job.pk).state == Job.State.FAILED


def test_each_progress_write_is_a_sign_of_life(commission):
    job = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=601)

    Progress(job)(4, 10)

    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < datetime.timedelta(seconds=60)
    assert mark_stale() == 0 and Job.objects.get(pk=job.pk).state == Job.State.RUNNING


def test_the_worker_stamps_its_claim_and_a_finished_job_is_never_stale(commission):
    job = start(commission, kind="test_stale_file", title="Rapport")
    run(str(job.pk))
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.heartbeat_at is not None

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(days=1))
    assert mark_stale() == 0


def test_purge_jobs_marks_the_stale_jobs_failed_and_keeps_them_for_the_retention(commission):
    stale = running(start(commission, kind="test_stale_file", title="A"), silent_for=601)
    alive = running(
        start(commission, kind="test_stale_file", title="B", params={"n": 2}), silent_for=10
    )

    out = io.StringIO()
    call_command("purge_jobs", stdout=out)

    assert out.getvalue().startswith("0 job")
    stale.refresh_from_db()
    assert stale.state == Job.State.FAILED and stale.message.startswith(STOPPED)
    assert stale.expires_at > timezone.now()
    assert Job.objects.get(pk=alive.pk).state == Job.State.RUNNING


def test_the_message_is_in_the_language_of_the_user_who_asked(commission):
    job = running(start(commission, kind="test_stale_file", title="Report"), silent_for=601)
    Job.objects.filter(pk=job.pk).update(language="en")

    mark_stale()

    assert Job.objects.get(pk=job.pk).message.startswith("The background process doing this task")


def test_a_stopped_pack_is_started_again_by_its_link_as_a_new_job(
    member_client, demo, settings, django_capture_on_commit_callbacks
):
    settings.PACK_BACKGROUND_PROJECTS = 0
    url = reverse("cockpit:pack", args=[demo.pk]) + "?late=on"
    dead = Job.objects.get(pk=member_client.get(url)["Location"].split("/")[-2])
    assert dead.restart_url == url
    running(dead, silent_for=601)

    html = page_of(member_client, dead)
    assert f'<a class="button" href="{url}">Relancer la tâche</a>' in html

    with django_capture_on_commit_callbacks(execute=True):
        again = member_client.get(url)
    assert again.status_code == 302 and again["Location"] != dead.get_absolute_url()
    new = Job.objects.exclude(pk=dead.pk).get()
    assert new.state == Job.State.DONE and new.params == dead.params
    assert Job.objects.get(pk=dead.pk).state == Job.State.FAILED


def test_asking_again_for_a_stopped_job_does_not_give_the_dead_one_back(commission):
    dead = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=601)

    again = start(commission, kind="test_stale_file", title="Rapport")

    assert again.pk != dead.pk
    assert Job.objects.get(pk=dead.pk).state == Job.State.FAILED


def test_a_stopped_job_started_from_a_form_links_back_to_its_page(member_client, commission):
    job = start(commission, kind="test_stale_file", title="Import", back_url="/admin/")
    running(job, silent_for=601)

    html = page_of(member_client, job)

    assert """<a class="button" href="/admin/">Recommencer depuis la page d'origine</a>""" in html
    assert STOPPED in html


def test_reading_a_stale_job_on_the_download_link_goes_back_to_its_page(member_client, commission):
    job = running(start(commission, kind="test_stale_file", title="Rapport"), silent_for=601)

    response = member_client.get(reverse("jobs:download", args=[job.pk]))

    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert Job.objects.get(pk=job.pk).state == Job.State.FAILED
