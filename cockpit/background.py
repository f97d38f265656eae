"""The kinds of background job of the cockpit: the packs and the PDF briefings of a large strategy
(``cockpit/views/exports.py`` and ``briefings.py`` decide when), run by the task worker
(``jobs``)."""

from __future__ import annotations

from django.http import QueryDict

from jobs.models import Job
from jobs.services import JobFailed, Output, Progress, register, warm_up
from reports.briefing import BriefingFailed
from reports.briefing import warm_up as warm_up_briefing
from strategies.models import Strategy
from workshops.models import Workshop

from .views.briefings import make_strategy_briefing, make_workshop_briefing
from .views.exports import make_strategy_pack, make_workshop_pack


def job_strategy(job: Job) -> Strategy:
    return Strategy.objects.select_related("territory").get(pk=job.strategy_id)


@register("strategy_pack")
def strategy_pack(job: Job, progress: Progress) -> Output:
    strategy = job_strategy(job)
    content, name = make_strategy_pack(strategy, QueryDict(job.params["query"]), progress)
    return Output(name=name, content=content)


@register("workshop_pack")
def workshop_pack(job: Job, progress: Progress) -> Output:
    strategy = job_strategy(job)
    workshop = Workshop.objects.get(strategy=strategy, pk=job.params["workshop"])
    content, name = make_workshop_pack(strategy, workshop, progress)
    return Output(name=name, content=content)


@register("strategy_briefing")
def strategy_briefing(job: Job, progress: Progress) -> Output:
    strategy = job_strategy(job)
    try:
        content, name = make_strategy_briefing(strategy, QueryDict(job.params["query"]), progress)
    except BriefingFailed as failure:
        raise JobFailed(str(failure)) from failure
    return Output(name=name, content=content)


@register("workshop_briefing")
def workshop_briefing(job: Job, progress: Progress) -> Output:
    strategy = job_strategy(job)
    workshop = Workshop.objects.get(strategy=strategy, pk=job.params["workshop"])
    workshop.strategy = strategy
    try:
        content, name = make_workshop_briefing(strategy, workshop, progress)
    except BriefingFailed as failure:
        raise JobFailed(str(failure)) from failure
    return Output(name=name, content=content)


@warm_up
def load_weasyprint() -> None:
    """WeasyPrint's import, its fonts and its default stylesheets (``reports.briefing``)."""
    warm_up_briefing()
