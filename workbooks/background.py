"""The background job of the strategy workbook's download, for a large strategy
(``workbooks/admin.py`` decides when)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify

from jobs.models import Job
from jobs.services import Output, Progress, register
from strategies.models import Strategy

from .export import export_workbook


def workbook_filename(strategy: Strategy) -> str:
    name = slugify(strategy.short_name or strategy.title) or "strategie"
    return f"classeur-{name}-{timezone.localdate():%Y-%m-%d}.xlsx"


@register("workbook_export")
def workbook_export(job: Job, progress: Progress) -> Output:
    strategy = Strategy.objects.get(pk=job.strategy_id)
    return Output(name=workbook_filename(strategy), content=export_workbook(strategy, progress))
