"""Timers of the benchmark: server time of a request rendered in-process (median of several runs
after a warm-up, queries counted on one more run), peak memory of a piece of work, and the
machine the figures come from.

Stack depth. CPython 3.11 keeps the frames of Python calls in chunks of 16 KiB and frees a chunk
as soon as the stack shrinks below it, so a loop whose calls cross the edge of a chunk maps and
unmaps memory on every call (CPython issue gh-142183, fixed in 3.13 and 3.14 by keeping one chunk
aside). Whether a page's template rendering meets such an edge depends only on how deep the
caller's stack already is: the same cockpit request measured 70 ms from one depth and 180 ms
from a few frames deeper. So each timed run starts at a different depth (``at_depth``), spread
over one chunk, and the median is that of a page at any depth, not at the harness's accidental
one; the slowest run is kept beside it.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cockpit.session_ages import SEEN_AT

#: Frames of ``at_depth`` that fill about one 16 KiB chunk of CPython 3.11's frame stack
#: (measured: the cockpit's slow depths recur every 137 frames).
DEPTH_SPAN = 140


def at_depth(frames: int, function: Callable[[], object]) -> object:
    """``function()`` called from ``frames`` more frames down the stack."""
    if frames <= 0:
        return function()
    return at_depth(frames - 1, function)


def depths(runs: int) -> list[int]:
    """The extra stack depth of each of ``runs`` timed runs: evenly spread over one chunk."""
    return [round(run * DEPTH_SPAN / runs) for run in range(runs)]


@dataclass(frozen=True)
class Timing:
    """Median seconds over ``runs``, the queries of one run, the response size in bytes, and the
    peak of Python allocations (bytes) when measured."""

    seconds: float
    queries: int
    size: int = 0
    runs: int = 1
    peak: int | None = None
    #: What the response showed, when it matters (the cockpit: "open" or "closed" axes).
    note: str = ""
    #: The slowest of the timed runs (seconds).
    slowest: float = 0.0


class RequestFailed(RuntimeError):
    pass


def time_request(
    client: Client,
    url: str,
    *,
    runs: int,
    headers: dict | None = None,
    memory: bool = False,
    note: Callable[[bytes], str] | None = None,
) -> Timing:
    """GET ``url`` once to warm up (sessions, caches, compiled templates), then ``runs`` times
    timed, each from another stack depth (``depths``); the queries are counted on one more run
    (the capture costs time), and with ``memory`` the peak of Python allocations on one more.
    ``note`` says what the response showed."""
    headers = headers or {}

    def get():
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RequestFailed(f"GET {url} answered {response.status_code}")
        return response

    get()
    durations = []
    for depth in depths(runs):
        start = time.perf_counter()
        response = at_depth(depth, get)
        durations.append(time.perf_counter() - start)
    fresh_activity(client)
    with CaptureQueriesContext(connection) as queries:
        get()
    count = len(queries)  # now: the next request empties the connection's log
    peak = peak_memory(get)[1] if memory else None
    return Timing(
        statistics.median(durations),
        count,
        len(response.content),
        runs,
        peak=peak,
        note=note(response.content) if note else "",
        slowest=max(durations),
    )


def fresh_activity(client: Client) -> None:
    """The session's last activity set to now, as a request writes it once a minute
    (``cockpit.session_ages``): the request whose queries are counted next does not write it
    (three queries more in whichever request came a minute after the last write)."""
    session = client.session
    if session.get(SEEN_AT) is not None:
        session[SEEN_AT] = int(time.time())
        session.save()


def time_call(function: Callable[[], object], *, runs: int, memory: bool = True) -> Timing:
    """``function`` timed ``runs`` times (median), its queries counted on one more run and its
    peak memory on another; ``size`` is the length of what it returns, when it has one."""
    durations = []
    result = None
    for depth in depths(runs):
        start = time.perf_counter()
        result = at_depth(depth, function)
        durations.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        function()
    count = len(queries)
    peak = peak_memory(function)[1] if memory else None
    size = len(result) if hasattr(result, "__len__") else 0
    return Timing(
        statistics.median(durations), count, size, runs, peak=peak, slowest=max(durations)
    )


def peak_memory(function: Callable[[], object]) -> tuple[object, int]:
    """What ``function`` returns and the peak of the Python allocations it made (tracemalloc:
    the interpreter's heap, including what XlsxWriter and zlib allocate through it)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = function()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return result, peak


def cpu_reference(runs: int = 15) -> str:
    """The time of a fixed pure-Python loop, median and range of ``runs``: how fast this machine
    runs Python right now. On a shared virtual machine it changes from second to second (seen
    here: 10 ms, or 18 to 20 ms while a neighbour used the same physical core), and every figure
    of the run with it."""
    durations = []
    for _run in range(runs):
        start = time.perf_counter()
        sum(number * number for number in range(300_000))
        durations.append(time.perf_counter() - start)
    return (
        f"{statistics.median(durations) * 1000:.1f} ms "
        f"({min(durations) * 1000:.1f}–{max(durations) * 1000:.1f} ms over {runs} runs)"
    )


def machine() -> list[tuple[str, str]]:
    """Where the figures come from: cores, load, Python, Django, database."""
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        database = f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
    elif vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
        database = vendor
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        ("machine", f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()}"),
        ("load average (1, 5, 15 min)", load),
        ("python", sys.version.split()[0]),
        ("django", django.get_version()),
        ("database", database),
        ("CPU reference (sum of 300,000 squares in Python)", cpu_reference()),
    ]
