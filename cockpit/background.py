"""The kinds of background job of the cockpit: the packs of a large strategy
(``cockpit/views/exports.py`` decides when), run by the task worker (``jobs``)."""

from __future__ import annotations

from django.http import QueryDict

from jobs.models import Job
from jobs.services import Output, Progress, register
from strategies.models import Strategy
from workshops.models import Workshop

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
