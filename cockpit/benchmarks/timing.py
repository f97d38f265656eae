"""Timers of the benchmark: server time of a request rendered in-process (median of several runs
after a warm-up, queries counted on one more run), peak memory of a piece of work, and the
machine the figures come from."""

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
    timed; the queries are counted on one more run (the capture costs time), and with ``memory``
    the peak of Python allocations on one more. ``note`` says what the response showed."""
    headers = headers or {}

    def get():
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RequestFailed(f"GET {url} answered {response.status_code}")
        return response

    get()
    durations = []
    for _run in range(runs):
        start = time.perf_counter()
        response = get()
        durations.append(time.perf_counter() - start)
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
    )


def time_call(function: Callable[[], object], *, runs: int, memory: bool = True) -> Timing:
    """``function`` timed ``runs`` times (median), its queries counted on one more run and its
    peak memory on another; ``size`` is the length of what it returns, when it has one."""
    durations = []
    result = None
    for _run in range(runs):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        function()
    count = len(queries)
    peak = peak_memory(function)[1] if memory else None
    size = len(result) if hasattr(result, "__len__") else 0
    return Timing(statistics.median(durations), count, size, runs, peak=peak)


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
    ]
