"""ETag and Last-Modified of a strategy's data, and the 304 of a conditional request.

The date is the latest of the strategy's history (django-simple-history's records of the strategy,
its axes, measures, projects, indicators and indicator values, deletions included), read in one
query. What the API says also depends on the day (a project becomes late, a value « à
actualiser »), so the date is never earlier than the start of today, and the ETag names the day,
the reader's access (public or member), the language and the exact URL.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from strategies.models import Axis, Measure, Strategy


def _latest(records, **lookups) -> Subquery:
    return Subquery(records.filter(**lookups).order_by("-history_date").values("history_date")[:1])


def latest_change(strategy: Strategy) -> datetime.datetime | None:
    """When the strategy's rows last changed, from their history (None without any)."""
    outer = OuterRef("pk")
    row = (
        Strategy.objects.filter(pk=strategy.pk)
        .values("pk")
        .annotate(
            strategy=_latest(Strategy.history.model.objects, id=outer),
            axes=_latest(Axis.history.model.objects, strategy_id=outer),
            measures=_latest(Measure.history.model.objects, strategy_id=outer),
            projects=_latest(Project.history.model.objects, strategy_id=outer),
            indicators=_latest(Indicator.history.model.objects, strategy_id=outer),
            values=_latest(
                IndicatorValue.history.model.objects,
                indicator_id__in=Indicator.objects.filter(
                    strategy_id=OuterRef(OuterRef("pk"))
                ).values("pk"),
            ),
        )
        .first()
    )
    dates = [value for key, value in (row or {}).items() if key != "pk" and value is not None]
    return max(dates, default=None)


def last_modified(strategy: Strategy) -> datetime.datetime:
    """``latest_change``, or the start of today when later (the day changes the figures)."""
    start_of_day = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    latest = latest_change(strategy)
    return start_of_day if latest is None else max(latest, start_of_day)


def etag_of(request: HttpRequest, scope: str, modified: datetime.datetime) -> str:
    key = "|".join(
        (
            "v1",
            request.get_full_path(),
            scope,
            get_language() or "",
            timezone.localdate().isoformat(),
            modified.isoformat(),
        )
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def conditional(
    request: HttpRequest, strategy: Strategy, member: bool, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response of ``build`` with its ETag and Last-Modified, or a 304 when the request's
    ``If-None-Match`` / ``If-Modified-Since`` say the reader has it already (``build`` is then
    not called)."""
    modified = last_modified(strategy)
    etag = etag_of(request, "member" if member else "public", modified)
    timestamp = modified.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(timestamp))
    response = not_modified if not_modified is not None else build()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = "private, no-cache" if member else "public, no-cache"
    return response
