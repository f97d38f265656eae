"""The benchmark's report: the figures of every size as a Markdown table (``table``), each
target met or missed (``verdicts``), and the machine they were measured on (``header_lines``,
``caption``). The measures themselves are ``bench.runner``'s."""

from __future__ import annotations

from bench.rounds import OPEN as ROUND_OPEN
from bench.runner import (
    API_PREFIX,
    FLOOR,
    IMPORT,
    OPEN_DATA_ZIP,
    OPENPYXL_FLOOR,
    PACK,
    PACK_RSS,
    ROUND_PAGES,
    TARGET_API_LIST,
    TARGET_BRIEFING,
    TARGET_COCKPIT_300,
    TARGET_FLOOR_RATIO,
    TARGET_IMPORT,
    TARGET_OPEN_DATA,
    TARGET_OPEN_DATA_MEMORY,
    TARGET_PACK,
    TARGET_PACK_MEMORY,
    TARGET_PAGE,
    TARGET_ROUND_OPEN,
    TARGET_ROUND_PAGE,
    TARGET_WORKBOOK,
    TARGET_WORKBOOK_MEMORY,
    SizeReport,
)
from bench.timing import Timing, machine
from bench.workbooks import WORKBOOK_CONFIRM, WORKBOOK_EXPORT, WORKBOOK_PREVIEW, WORKBOOK_ROWS
from workbooks.export import CHUNK


def briefing_verdicts(reports: list[SizeReport]) -> list[str]:
    """The briefing's targets at 300 projects and at 10,000 (the largest size at least 10,000)."""
    lines = []
    for report in reports:
        if report.briefing is None:
            continue
        size = 300 if report.size == 300 else 10_000 if report.size >= 10_000 else None
        if size is None:
            continue
        seconds, peak = report.briefing
        target_seconds, target_peak = TARGET_BRIEFING[size]
        lines.append(
            _verdict(
                seconds < target_seconds and peak < target_peak,
                f"PDF briefing at {report.size} projects under {target_seconds:.0f} s and "
                f"{target_peak / 1024:.0f} MB: {seconds:.1f} s, {peak / 1024:.0f} MB",
            )
        )
    return lines


def cell(value: Timing | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    # Builds (the pack, the workbooks, the import) in seconds; a page (a response, without its
    # memory measured) in ms, however slow.
    if value.peak is not None or (value.seconds >= 1 and not value.size):
        parts = [f"{value.seconds:.2f} s"]
        if value.peak is not None:
            parts.append(f"{value.peak / 1024 / 1024:.0f} MB")
        if value.size >= 1024 * 1024:
            parts.append(f"{value.size / 1024 / 1024:.1f} MB file")
        elif value.size:
            parts.append(f"{value.size / 1024:.0f} KB file")
        parts.append(f"{value.queries} q")
        return ", ".join(parts)
    note = f" ({value.note})" if value.note else ""
    slowest = f" (max {value.slowest * 1000:.0f})" if value.slowest else ""
    return f"{value.seconds * 1000:.0f} ms{slowest}, {value.queries} q{note}"


def table(reports: list[SizeReport]) -> list[str]:
    """The figures as a Markdown table: one line per measure, one column per size, under a line
    that says where they come from (``caption``), so that a table pasted in docs/ says it too."""
    sizes = [f"{report.size:,} projects".replace(",", " ") for report in reports]
    lines = [
        caption(),
        "",
        "| | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    data = [
        (
            "data (axes, measures, indicators, values)",
            [
                f"{r.scale.axes}, {r.scale.measures}, {r.scale.indicators}, {r.scale.values}"
                for r in reports
            ],
        )
    ]
    for label in reports[0].rows:
        data.append((label, [cell(report.rows.get(label)) for report in reports]))
    for label, cells in data:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def verdicts(reports: list[SizeReport]) -> list[str]:
    """Each target of the issue, met or missed, for the sizes that were measured."""
    lines = []
    by_size = {report.size: report for report in reports}
    if 300 in by_size:
        cockpit = by_size[300].rows["cockpit"]
        lines.append(
            _verdict(
                cockpit.seconds < TARGET_COCKPIT_300,
                f"cockpit at 300 projects under 100 ms: {cockpit.seconds * 1000:.0f} ms",
            )
        )
    largest = reports[-1]
    if PACK in largest.rows:
        lines.extend(page_and_pack_verdicts(largest))
    imported = largest.rows.get(IMPORT)
    if isinstance(imported, Timing):
        lines.append(
            _verdict(
                imported.seconds < TARGET_IMPORT,
                f"import of {largest.size} rows under 10 s: {imported.seconds:.1f} s",
            )
        )
    elif imported:
        lines.append(f"- [ ] import of {largest.size} rows under 10 s: {imported}")
    for label in WORKBOOK_ROWS:
        timing = largest.rows.get(label)
        if isinstance(timing, Timing):
            lines.append(
                _verdict(
                    timing.seconds < TARGET_WORKBOOK and timing.peak < TARGET_WORKBOOK_MEMORY,
                    f"{label} at {largest.size} projects under 15 s and 250 MB: "
                    f"{timing.seconds:.1f} s, {timing.peak / 1024 / 1024:.0f} MB",
                )
            )
    preview, confirmation = largest.rows.get(WORKBOOK_PREVIEW), largest.rows.get(WORKBOOK_CONFIRM)
    if isinstance(preview, Timing) and isinstance(confirmation, Timing):
        both = preview.seconds + confirmation.seconds
        lines.append(
            _verdict(
                both < TARGET_WORKBOOK,
                f"strategy workbook preview + confirmation under 15 s: {both:.1f} s",
            )
        )
    lines.extend(briefing_verdicts(reports))
    lines.extend(query_verdicts(reports))
    return lines


def page_and_pack_verdicts(largest: SizeReport) -> list[str]:
    lines = []
    lines.extend(page_verdicts(largest))
    lines.extend(api_verdicts(largest))
    opened = largest.rows.get(ROUND_OPEN)
    if isinstance(opened, Timing):
        lines.append(
            _verdict(
                opened.seconds < TARGET_ROUND_OPEN,
                f"an update round opened for every owner under 2 s: {opened.seconds:.2f} s",
            )
        )
    rounds_slow = [
        f"{label} {largest.rows[label].seconds * 1000:.0f} ms"
        for label in ROUND_PAGES
        if isinstance(largest.rows.get(label), Timing)
        and largest.rows[label].seconds >= TARGET_ROUND_PAGE
    ]
    lines.append(
        _verdict(
            not rounds_slow,
            "update round pages under 300 ms"
            + (f": over: {', '.join(rounds_slow)}" if rounds_slow else ""),
        )
    )
    pack, floor = largest.rows[PACK], largest.rows[FLOOR]
    lines.append(
        _verdict(pack.seconds < TARGET_PACK, f"Excel pack under 10 s: {pack.seconds:.1f} s")
    )
    lines.append(
        _verdict(
            pack.peak < TARGET_PACK_MEMORY,
            f"Excel pack under 200 MB: {pack.peak / 1024 / 1024:.0f} MB (Python allocations)",
        )
    )
    if largest.pack_rss is not None:
        lines.append(
            _verdict(
                largest.pack_rss * 1024 < TARGET_PACK_MEMORY,
                f"Excel pack under 200 MB: {largest.pack_rss / 1024:.0f} MB "
                "(peak RSS of a fresh process that builds it, interpreter and Django included)",
            )
        )
    ratio = largest.ratio if largest.ratio is not None else pack.seconds / floor.seconds
    lines.append(
        _verdict(
            ratio <= TARGET_FLOOR_RATIO,
            f"Excel pack within 1.5× the strict floor (XlsxWriter constant_memory, no format, "
            f"same queries; median of interleaved pairs): {ratio:.2f}×",
        )
    )
    return lines


#: Rows of the report that are not a page or a fragment.
NOT_PAGES = (
    PACK,
    FLOOR,
    OPENPYXL_FLOOR,
    IMPORT,
    PACK_RSS,
    *WORKBOOK_ROWS,
    ROUND_OPEN,
    OPEN_DATA_ZIP,
)


def api_verdicts(largest: SizeReport) -> list[str]:
    """Issue 22: every API list under 200 ms; the open-data zip under 10 s and 200 MB."""
    lines = []
    lists = [
        (label, timing)
        for label, timing in largest.rows.items()
        if label.startswith(API_PREFIX) and " list" in label and isinstance(timing, Timing)
    ]
    if lists:
        slow = [label for label, timing in lists if timing.seconds >= TARGET_API_LIST]
        slowest = max(timing.seconds for _label, timing in lists)
        lines.append(
            _verdict(
                not slow,
                f"API lists at {largest.size} projects under {TARGET_API_LIST * 1000:.0f} ms: "
                f"slowest {slowest * 1000:.0f} ms"
                + (f" (missed by: {'; '.join(slow)})" if slow else ""),
            )
        )
    zipped = largest.rows.get(OPEN_DATA_ZIP)
    if isinstance(zipped, Timing):
        lines.append(
            _verdict(
                zipped.seconds < TARGET_OPEN_DATA and zipped.peak < TARGET_OPEN_DATA_MEMORY,
                f"open-data zip under 10 s and 200 MB: {zipped.seconds:.1f} s, "
                f"{zipped.peak / 1024 / 1024:.0f} MB (Python allocations)",
            )
        )
    return lines


def page_verdicts(largest: SizeReport) -> list[str]:
    """The page target for every page and fragment measured, then one line per page: met or
    missed (and by which page)."""
    timed = [
        (label, timing)
        for label, timing in largest.rows.items()
        if isinstance(timing, Timing) and label not in NOT_PAGES
    ]
    slow = [label for label, timing in timed if timing.seconds >= TARGET_PAGE]
    limit = f"{TARGET_PAGE * 1000:.0f} ms"
    lines = [
        _verdict(
            not slow,
            f"every page and fragment at {largest.size} projects: median under {limit}"
            + (f" (missed by: {'; '.join(slow)})" if slow else ""),
        )
    ]
    for label, timing in timed:
        lines.append(
            "  "
            + _verdict(
                timing.seconds < TARGET_PAGE,
                f"{label}: {timing.seconds * 1000:.0f} ms (max {timing.slowest * 1000:.0f})",
            )
        )
    return lines


def query_verdicts(reports: list[SizeReport]) -> list[str]:
    """Query counts that grow with size, compared between responses of the same kind: more
    queries at the largest size than at the smallest (a query per row would make them grow at
    every size). A count that moves by the data, not the size (an axis with or without a second
    page, a ranking page with or without unscored rows), is listed apart, not a failure."""
    lines, varying = [], []
    for label, timing in reports[0].rows.items():
        # An import writes its rows and a round queues one mail (a task row) per owner: their
        # queries follow the rows by design. The workbook's export reads by chunks (below).
        apart = (IMPORT, WORKBOOK_PREVIEW, WORKBOOK_CONFIRM, ROUND_OPEN, WORKBOOK_EXPORT)
        if not isinstance(timing, Timing) or label in apart:
            continue
        counts = [report.rows[label].queries for report in reports]
        # The cockpit loads its tables up to steering.OPEN_PROJECTS projects, their sizes
        # beyond: the counts are compared within each mode.
        groups: dict[str, list[int]] = {}
        for report, count in zip(reports, counts, strict=True):
            groups.setdefault(report.rows[label].note, []).append(count)
        if any(group[-1] > group[0] for group in groups.values()):
            lines.append(_verdict(False, f"queries of {label} grow: {counts}"))
        elif any(len(set(group)) > 1 for group in groups.values()):
            varying.append(f"{label} {counts}")
    if not lines:
        lines.append(
            _verdict(True, "query counts do not grow with size (any page, fragment, pack)")
        )
    lines.extend(export_query_verdict(reports))
    if varying:
        lines.append("  - counts that move with the data, not with the size: " + "; ".join(varying))
    return lines


def export_query_verdict(reports: list[SizeReport]) -> list[str]:
    """The strategy workbook's export reads its large sheets ``CHUNK`` rows at a time, each
    chunk with its relations (three queries): its count may grow by that, never by a row."""
    timings = [report.rows.get(WORKBOOK_EXPORT) for report in reports]
    if not all(isinstance(timing, Timing) for timing in timings):
        return []
    counts = [timing.queries for timing in timings]
    largest = reports[-1].size
    allowed = counts[0] + 3 * -(-largest // CHUNK)
    return [
        _verdict(
            counts[-1] <= allowed,
            f"strategy workbook export reads by chunks of {CHUNK:,} rows, not a query a row: "
            f"{counts} queries (at most {allowed} at {largest} projects)",
        )
    ]


def _verdict(met: bool, text: str) -> str:
    return f"- [{'x' if met else ' '}] {text}"


#: What ``machine()`` said at the start of the run (the CPU reference is measured once).
_machine: list[tuple[str, str]] = []


def header_lines() -> list[str]:
    _machine[:] = machine()
    return [f"- {name}: {value}" for name, value in _machine]


def caption() -> str:
    """One line for the table: machine, CPU reference, Python, Django and database, as measured
    at the start of the run."""
    facts = dict(_machine or machine())
    cpu = next(value for name, value in facts.items() if name.startswith("CPU reference"))
    return (
        f"Machine: {facts['machine']}; CPU reference {cpu.split(' (')[0]} (sum of 300,000 "
        f"squares); load {facts['load average (1, 5, 15 min)']}; Python {facts['python']}; "
        f"Django {facts['django']}; {facts['database']}."
    )
