"""The one task of the jobs: run the job of that id (``jobs.services.run``)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_job(job_id: str) -> None:
    services.run(job_id)
