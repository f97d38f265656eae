"""One run of the benchmark: for each size, a synthetic strategy, then every page, the cockpit's
htmx fragments, the admin's project list and form, the Excel pack, its floor, the PDF briefing (in a
fresh process: its time and peak resident memory), the project import and the strategy workbook
(export, import into an empty strategy), each timed with its queries counted; then the table of
the figures and the targets.

Requests are rendered in-process through Django's test client with production settings (no
debug), so that the figures are server time: no network, no browser.
"""

from __future__ import annotations

import math
import multiprocessing
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import ApiToken
from bench.child import build_briefing_alone, build_pack_alone
from bench.data import BenchStrategy, Scale, build_strategy
from bench.floor import floor_workbook, strict_floor_workbook
from bench.imports import NOT_INSTALLED, time_import
from bench.rounds import OWNER_PAGE, ROUND_PAGE, time_rounds
from bench.timing import Timing, time_call, time_request
from bench.workbooks import time_workbook
from indicators.models import Indicator
from projects.models import Project
from strategies.models import Measure, Strategy
from workshops.models import Workshop

#: Issue 16: a round opened for 500 owners (mails queued), the owner's and the round's pages.
TARGET_ROUND_OPEN = 2.0
TARGET_ROUND_PAGE = 0.3
ROUND_PAGES = (OWNER_PAGE, ROUND_PAGE)

#: The issue's targets on a 2-core machine.
TARGET_COCKPIT_300 = 0.100
#: Issue 19: every page and fragment at 10,000 projects, median (it was 500 ms until then).
TARGET_PAGE = 0.300
TARGET_PACK = 10.0
#: Issue 19: the pack within 1.5× the strict floor, its peak under 200 MB, both for the Python
#: allocations (tracemalloc) and for the resident memory of a fresh process that builds it.
TARGET_PACK_MEMORY = 200 * 1024 * 1024
TARGET_FLOOR_RATIO = 1.5
TARGET_IMPORT = 10.0
#: Issue 15: the strategy workbook at 10,000 projects and 100,000 values, each way.
TARGET_WORKBOOK = 15.0
TARGET_WORKBOOK_MEMORY = 250 * 1024 * 1024

#: Issue 21: the PDF briefing in the worker (a fresh process that first warms up as ``db_worker``
#: does when it starts: the briefing's time, and the process's peak resident memory), at 300
#: projects and at 10,000 (where it lists only the late, blocked and stale projects).
TARGET_BRIEFING = {300: (3.0, 300 * 1024), 10_000: (90.0, 1536 * 1024)}  # seconds, KB

PACK = "Excel pack"
BRIEFING = "PDF briefing, in a worker (time, peak RSS)"
FLOOR = "floor: same rows, XlsxWriter constant_memory, no format"
OPENPYXL_FLOOR = "floor (openpyxl write-only)"
RATIO = "pack / floor"
PACK_RSS = "Excel pack, fresh process (peak RSS)"
IMPORT = "project import (dry run + confirm)"
#: Issue 22: a list of the JSON API under 200 ms at 10,000 projects; the open-data zip (every
#: table, 10,000 projects and 100,000 values) streamed under 10 s and 200 MB.
TARGET_API_LIST = 0.200
TARGET_OPEN_DATA = 10.0
TARGET_OPEN_DATA_MEMORY = 200 * 1024 * 1024
OPEN_DATA_ZIP = "open data: zip (streamed)"
API_PREFIX = "API: "


@dataclass
class SizeReport:
    size: int
    scale: Scale
    built: float
    #: label → Timing, or a text (n/a, a ratio)
    rows: dict[str, Timing | str] = field(default_factory=dict)
    #: The peak resident memory (KB) of a fresh process that built the pack, when measured.
    pack_rss: int | None = None
    #: The PDF briefing's seconds and peak resident memory (KB) in a fresh process, when measured.
    briefing: tuple[float, int] | None = None
    #: The pack's time over the strict floor's, median of interleaved pairs, when measured.
    ratio: float | None = None


def bench_settings():
    """Production-like settings for in-process requests: no debug, the test client's host, plain
    static files (no collectstatic manifest needed), no HTTPS redirect (there is no TLS here)."""
    return override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )


def pages(bench: BenchStrategy) -> list[tuple[str, str, str, dict]]:
    """(label, URL, who, headers) of every page and htmx fragment a member or an editor opens.

    Not measured: the public cockpit (the member pages' views, for a published strategy), the
    account and login pages (no portfolio data), POSTs (a score, a proposal: their queries are
    tested constant; the update round's are timed in ``bench.rounds``), the downloads other than
    the strategy's Excel pack (the workshop pack, the strategy workbook: timed apart) and the
    admin beyond the project list and form."""
    strategy = bench.strategy
    pk = strategy.pk
    axis = strategy.axes.order_by("number").first()
    measure = Measure.objects.for_strategy(strategy).order_by("pk").first()
    project = Project.objects.for_strategy(strategy).order_by("pk").first()
    indicator = (
        Indicator.objects.filter(strategy=strategy, level=Indicator.Level.STRATEGIC)
        .order_by("pk")
        .first()
    )
    workshop = Workshop.objects.filter(strategy=strategy).order_by("-number").first()
    htmx = {"HX-Request": "true"}
    # The API with a member's personal token (the session of the client plays no part there).
    token = {"Authorization": f"Bearer {api_token(bench)}"}
    api = f"/api/v1/strategies/{pk}"
    last = max(1, math.ceil(Project.objects.for_strategy(strategy).count() / 100))
    cockpit = reverse("cockpit:strategy", args=[pk])
    axis_table = reverse("cockpit:axis_table", args=[pk, axis.pk])
    project_page = reverse("cockpit:project", args=[pk, project.pk])
    indicator_page = reverse("cockpit:indicator", args=[pk, indicator.pk])
    ranking = reverse("prioritisation:ranking", args=[pk])
    scoring = reverse("prioritisation:scoring", args=[pk])
    calendar = reverse("cockpit:timeline", args=[pk])
    return [
        ("home", reverse("cockpit:home"), "viewer", {}),
        ("cockpit", cockpit, "viewer", {}),
        ("cockpit filtered: late (htmx)", f"{cockpit}?late=on", "viewer", htmx),
        ("axis table, page 1 (htmx)", axis_table, "viewer", htmx),
        ("axis table, page 2 rows (htmx)", f"{axis_table}?page=2", "viewer", htmx),
        ("axis page", reverse("cockpit:axis", args=[pk, axis.pk]), "viewer", {}),
        ("measure page", reverse("cockpit:measure", args=[pk, measure.pk]), "viewer", {}),
        ("project page", project_page, "viewer", {}),  # its journal: HISTORY_ROWS
        ("project page, journal page 2", f"{project_page}?page=2", "viewer", {}),
        ("indicator page", indicator_page, "viewer", {}),  # DENSE_VALUES values
        ("indicator page, values page 2", f"{indicator_page}?page=2", "viewer", {}),
        ("calendar", calendar, "viewer", {}),
        ("calendar, axis 2 page 2", f"{calendar}?axe=2&page=2", "viewer", {}),
        ("effectiveness model", reverse("cockpit:effectiveness", args=[pk]), "viewer", {}),
        ("communes", reverse("cockpit:communes", args=[pk]), "viewer", {}),
        ("ranking", ranking, "viewer", {}),
        ("ranking filtered: axis 1 (htmx)", f"{ranking}?axis={axis.pk}", "viewer", htmx),
        ("ranking, page 2 rows (htmx)", f"{ranking}?page=2", "viewer", htmx),
        ("scoring grid", scoring, "editor", {}),
        ("scoring grid, page 2 rows (htmx)", f"{scoring}?page=2", "editor", htmx),
        ("proposals", reverse("prioritisation:proposals", args=[pk]), "viewer", {}),
        ("workshops", reverse("cockpit:workshops", args=[pk]), "viewer", {}),
        ("workshop page", reverse("cockpit:workshop", args=[pk, workshop.pk]), "viewer", {}),
        (f"{API_PREFIX}projects list", f"{api}/projects", "viewer", token),
        (
            f"{API_PREFIX}projects list, 1,000 a page",
            f"{api}/projects?page_size=1000",
            "viewer",
            token,
        ),
        (f"{API_PREFIX}projects list, late", f"{api}/projects?late=on", "viewer", token),
        (f"{API_PREFIX}projects list, last page", f"{api}/projects?page={last}", "viewer", token),
        (f"{API_PREFIX}indicators list", f"{api}/indicators", "viewer", token),
        (
            f"{API_PREFIX}indicator values list",
            f"{api}/indicators/{indicator.pk}/values",
            "viewer",
            token,
        ),
        (f"{API_PREFIX}measures list", f"{api}/measures", "viewer", token),
        (f"{API_PREFIX}strategy and its figures (not a list)", api, "viewer", token),
        (
            "admin: project list",
            reverse("admin:projects_project_changelist") + f"?strategy__id__exact={pk}",
            "editor",
            {},
        ),
        (
            "admin: project form",
            reverse("admin:projects_project_change", args=[project.pk]),
            "editor",
            {},
        ),
    ]


def api_token(bench: BenchStrategy) -> str:
    """A personal API token of the bench's viewer (a new one each call; the secret is not kept)."""
    return ApiToken.issue(bench.viewer, "bench")[1]


def consume(url: str) -> int:
    """GET a streamed download and read it to the end; its size in bytes."""
    response = Client().get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return sum(len(chunk) for chunk in response.streaming_content)


def time_open_data(bench: BenchStrategy, *, runs: int) -> Timing:
    """The open-data zip of the strategy, published for the time of the measure."""
    strategy = bench.strategy
    was_public = strategy.is_public
    Strategy.objects.filter(pk=strategy.pk).update(is_public=True)
    try:
        url = reverse("api:zip", args=[strategy.pk])
        return time_call(lambda: consume(url), runs=runs)
    finally:
        Strategy.objects.filter(pk=strategy.pk).update(is_public=was_public)


def run_size(
    size: int,
    *,
    runs: int,
    label: str,
    imports: bool = True,
    rss: bool = True,
    workbooks: bool = True,
    pages_and_pack: bool = True,
    briefing: bool = True,
    say: Callable[[str], None] = print,
) -> SizeReport:
    start = time.perf_counter()
    bench = build_strategy(size, label=label)
    analyze()
    report = SizeReport(size, bench.scale, time.perf_counter() - start)
    say(f"  {size} projects built in {report.built:.1f} s")
    heavy_runs = max(1, min(runs, 3))
    if pages_and_pack:
        measure_pages_and_pack(bench, report, runs=runs, rss=rss, say=say)
    if briefing:
        say(f"  {size} projects: PDF briefing")
        report.rows[BRIEFING], report.briefing = briefing_in_fresh_process(bench.strategy.pk)
    if imports:
        say(f"  {size} projects: import")
        report.rows[IMPORT] = time_import(bench.strategy) or NOT_INSTALLED
    if workbooks:
        say(f"  {size} projects: strategy workbook")
        report.rows.update(time_workbook(bench.strategy, runs=heavy_runs))
    return report


def measure_pages_and_pack(
    bench: BenchStrategy,
    report: SizeReport,
    *,
    runs: int,
    rss: bool,
    say: Callable[[str], None],
) -> None:
    size = report.size
    clients = {"viewer": Client(), "editor": Client()}
    clients["viewer"].force_login(bench.viewer)
    clients["editor"].force_login(bench.editor)
    # Many more API requests than a token's minute allows: the limit is counted, never reached.
    with override_settings(API_RATE_LIMIT=10**9):
        for name, url, who, headers in pages(bench):
            report.rows[name] = time_request(
                clients[who], url, runs=runs, headers=headers, note=display_mode
            )
    say(f"  {size} projects: update round")
    report.rows.update(time_rounds(bench.strategy, bench.editor, runs=runs, size=size))
    heavy_runs = max(1, min(runs, 3))
    pack_url = reverse("cockpit:pack", args=[bench.strategy.pk])
    say(f"  {size} projects: open-data zip")
    report.rows[OPEN_DATA_ZIP] = time_open_data(bench, runs=heavy_runs)
    say(f"  {size} projects: Excel pack")
    # A large strategy's pack is made by the task worker (jobs/): time the pack itself, in the
    # request, as the worker makes it.
    with override_settings(PACK_BACKGROUND_PROJECTS=10**9):
        report.rows[PACK] = time_request(clients["viewer"], pack_url, runs=heavy_runs, memory=True)
    report.rows[FLOOR] = time_call(lambda: strict_floor_workbook(bench.strategy), runs=heavy_runs)
    report.rows[OPENPYXL_FLOOR] = time_call(lambda: floor_workbook(bench.strategy), runs=heavy_runs)
    pack, floor = report.rows[PACK], report.rows[FLOOR]
    with override_settings(PACK_BACKGROUND_PROJECTS=10**9):
        ratios = interleaved_ratios(
            lambda: clients["viewer"].get(pack_url),
            lambda: strict_floor_workbook(bench.strategy),
            pairs=max(3, heavy_runs),
        )
    report.ratio = statistics.median(ratios)
    report.rows[RATIO] = (
        f"{report.ratio:.2f}× time (median of {len(ratios)} interleaved pairs: "
        f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}), "
        f"{pack.peak / floor.peak:.2f}× memory"
    )
    if rss:
        report.rows[PACK_RSS], report.pack_rss = pack_in_fresh_process(bench.strategy.pk)


def analyze() -> None:
    """On PostgreSQL, the planner's statistics of the rows just built, as autovacuum gathers them
    on a real server after a large change: without them it expects one row where there are a
    thousand and nests loops (the workshop page took 350 ms instead of 90). SQLite gathers none
    unless told (Django never does), so it is left as an installation has it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def interleaved_ratios(
    pack: Callable[[], object], floor: Callable[[], object], *, pairs: int
) -> list[float]:
    """The pack's time over the floor's, each pair timed back to back (pack, then floor): on a
    shared host whose speed changes from minute to minute, the two halves of a pair run at
    about the same speed, which two medians taken minutes apart do not."""
    ratios = []
    for _pair in range(pairs):
        start = time.perf_counter()
        pack()
        middle = time.perf_counter()
        floor()
        ratios.append((middle - start) / (time.perf_counter() - middle))
    return ratios


def display_mode(content: bytes) -> str:
    """How a page showed a large portfolio (``axes_mode``), or a ranking or a scoring grid
    "paged" (a page of rows and a link to the next ones); a ranking's page that reaches its
    unscored rows says so (it reads them: one query more than a page of scored rows)."""
    mode = axes_mode(content) or ("paged" if b'<tr class="more no-print">' in content else "")
    if UNSCORED_ROW in content:
        mode = f"{mode}, unscored rows" if mode else "unscored rows"
    return mode


#: The rank cell of an unscored row of the ranking (no rank: a dash).
UNSCORED_ROW = '<td class="num rank">–</td>'.encode()


def axes_mode(content: bytes) -> str:
    """How a page showed the axes of a large portfolio: the cockpit's "closed" axes (tables
    loaded on demand), a report's "one axis" at a time, or the cockpit's "open" axes."""
    if b"deferred-table" in content:
        return "closed"
    if b'class="axis-choice' in content:
        return "one axis"
    return "open" if b'<details class="axis"' in content else ""


# --- The pack in a process of its own ------------------------------------------------------------


def pack_in_fresh_process(strategy_pk: int) -> tuple[str, int | None]:
    """The peak resident memory of a new Python process that builds the pack, and how much of it
    the pack took (tracemalloc does not see what C libraries allocate): in words, and the peak in
    KB (None when the process did not answer)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=build_pack_alone, args=(strategy_pk, connection.settings_dict["NAME"], send)
    )
    process.start()
    process.join(timeout=600)
    if not receive.poll():
        return "n/a (the process did not answer)", None
    start, peak, seconds = receive.recv()
    text = f"{peak / 1024:.0f} MB ({(peak - start) / 1024:.0f} MB for the pack), {seconds:.1f} s"
    return text, peak


def briefing_in_fresh_process(strategy_pk: int) -> tuple[str, tuple[float, int] | None]:
    """The PDF briefing made in a new Python process, as the task worker makes it (WeasyPrint's
    memory is mostly its own, which tracemalloc does not see): in words, and (seconds, peak KB)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=build_briefing_alone, args=(strategy_pk, connection.settings_dict["NAME"], send)
    )
    process.start()
    process.join(timeout=900)
    if not receive.poll():
        return "n/a (the process did not answer)", None
    start, peak, seconds, size, warm_up = receive.recv()
    text = (
        f"{seconds:.1f} s, {peak / 1024:.0f} MB ({(peak - start) / 1024:.0f} MB for the "
        f"briefing), {size / 1024:.0f} KB file; the worker's warm-up before it {warm_up:.1f} s"
    )
    return text, (seconds, peak)
