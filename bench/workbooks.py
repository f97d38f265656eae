"""The strategy workbook of the benchmark (``workbooks``): the synthetic strategy exported as one
workbook, then that workbook imported into a new, empty strategy of the same territory, as a
secretariat onboards a plan. The preview and the confirmation are two requests, each reading the
file again, and are timed apart (the secretariat waits for each); the confirmation does the same
work whether a preview came first or not (the preview keeps nothing).

Each import runs inside a transaction rolled back afterwards, so that the benchmark's database
keeps one strategy per size: the final COMMIT of the confirmation is therefore not timed. The new
strategy gets the same transversal themes first (a workbook names them; it does not create them).
"""

from __future__ import annotations

from django.db import transaction

from bench.timing import Timing, time_call
from strategies.models import Strategy, Theme
from workbooks.export import export_workbook
from workbooks.services import import_workbook

WORKBOOK_EXPORT = "strategy workbook export"
WORKBOOK_PREVIEW = "strategy workbook import into an empty strategy: preview"
WORKBOOK_CONFIRM = "strategy workbook import into an empty strategy: confirmation"
WORKBOOK_ROWS = (WORKBOOK_EXPORT, WORKBOOK_PREVIEW, WORKBOOK_CONFIRM)


class ImportRefused(RuntimeError):
    pass


def onboard(strategy: Strategy, content: bytes, *, confirm: bool) -> bytes:
    """Import ``content`` into a new strategy beside ``strategy`` (the preview, or the confirmed
    import); everything rolled back. Returns the workbook (its size is reported)."""
    with transaction.atomic():
        new = Strategy.objects.create(
            territory=strategy.territory,
            title=f"{strategy.title} (classeur)",
            start_year=strategy.start_year,
            horizon_year=strategy.horizon_year,
        )
        Theme.objects.bulk_create(
            Theme(strategy=new, name=name)
            for name in strategy.themes.values_list("name", flat=True)
        )
        result = import_workbook(new, content, file_name="banc.xlsx", confirm=confirm)
        if not result.ok or not result.new:
            raise ImportRefused(f"the workbook was refused: {result.problems[:3]}")
        transaction.set_rollback(True)
    return content


def time_workbook(strategy: Strategy, *, runs: int) -> dict[str, Timing]:
    """The export, the preview and the confirmation, each timed ``runs`` times (median), with its
    queries and the peak of its Python allocations."""
    exported = time_call(lambda: export_workbook(strategy), runs=runs)
    content = export_workbook(strategy)
    return {
        WORKBOOK_EXPORT: exported,
        WORKBOOK_PREVIEW: time_call(lambda: onboard(strategy, content, confirm=False), runs=runs),
        WORKBOOK_CONFIRM: time_call(lambda: onboard(strategy, content, confirm=True), runs=runs),
    }
