"""The page of a background job (``/taches/<uuid>/``): its progress bar, polled by htmx every
second (the partial stops polling once the job is finished), then the download link or the
failure's message (a job whose worker stopped is marked failed here, when it is read: its page
says so and offers to start it again); and the download itself. Only the job's user, and
superusers, see either: anyone else gets 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .models import Job
from .services import refresh_if_stale


def get_job_for_user(request: HttpRequest, pk) -> Job:
    job = Job.objects.for_user(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return refresh_if_stale(job)


@login_required
@require_GET
@never_cache
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = get_job_for_user(request, pk)
    template = "jobs/job.html#progress" if request.htmx else "jobs/job.html"
    context = {"job": job, "no_worker_seconds": settings.JOB_NO_WORKER_SECONDS}
    response = TemplateResponse(request, template, context)
    if request.htmx and job.state == Job.State.DONE and job.result_url:
        response["HX-Redirect"] = job.result_url  # the result is a page: go there
    return response


@login_required
@require_GET
@never_cache
def job_download(request: HttpRequest, pk) -> HttpResponse:
    job = get_job_for_user(request, pk)
    if job.result_url:
        raise Http404  # a result read by its page, never downloaded
    if job.state != Job.State.DONE:
        return redirect(job)
    if job.is_expired or not default_storage.exists(job.file_name):
        context = {"job": job, "hours": settings.JOB_RESULT_HOURS}
        return TemplateResponse(request, "jobs/expired.html", context, status=410)
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        as_attachment=True,
        filename=job.download_name,
    )
