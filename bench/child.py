"""The Excel pack built in a new Python process, for its peak resident memory (what tracemalloc
cannot see: the memory of C libraries and of the interpreter itself). Only the standard library is
imported at the top: the process sets Django up first."""

from __future__ import annotations

import os
import resource
import time


def peak_rss() -> int:
    """The peak resident memory of this process, in KB: VmHWM on Linux (``ru_maxrss`` would
    count the parent's memory at the fork before the exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def build_pack_alone(strategy_pk: int, database_name: str, send) -> None:
    """Send (peak RSS before the pack, peak RSS after it, in KB, and the seconds it took)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone, translation

    settings.DEBUG = False
    connections["default"].settings_dict["NAME"] = database_name
    from cockpit.forms import CockpitFilterForm
    from cockpit.views.strategy import filtered_axes
    from reports.pack import build_pack
    from strategies.models import Strategy

    translation.activate(settings.LANGUAGE_CODE)
    strategy = Strategy.objects.get(pk=strategy_pk)
    on = timezone.localdate()
    start = peak_rss()
    begin = time.perf_counter()
    build_pack(strategy, on=on, axes=filtered_axes(strategy, CockpitFilterForm(strategy), on))
    seconds = time.perf_counter() - begin
    send.send((start, peak_rss(), seconds))


def build_briefing_alone(strategy_pk: int, database_name: str, send) -> None:
    """The PDF briefing of the cockpit (no filter) in this fresh process, as the worker makes
    it: first the worker's warm-up (``jobs.services.warm_up_worker``, which ``db_worker`` runs
    when it starts), then the briefing: send (peak RSS before, peak RSS after, in KB, the
    briefing's seconds, the PDF's size in bytes, the warm-up's seconds)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.utils import translation

    settings.DEBUG = False
    connections["default"].settings_dict["NAME"] = database_name
    from django.http import QueryDict

    from cockpit.views.briefings import make_strategy_briefing
    from jobs.services import warm_up_worker
    from strategies.models import Strategy

    translation.activate(settings.LANGUAGE_CODE)
    strategy = Strategy.objects.select_related("territory").get(pk=strategy_pk)
    start = peak_rss()
    begin = time.perf_counter()
    warm_up_worker()
    warm_up = time.perf_counter() - begin
    begin = time.perf_counter()
    content, _name = make_strategy_briefing(strategy, QueryDict())
    seconds = time.perf_counter() - begin
    send.send((start, peak_rss(), seconds, len(content), warm_up))
