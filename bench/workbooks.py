"""The strategy workbook of the benchmark (``workbooks``): the synthetic strategy exported as one
workbook, then that workbook imported into a new, empty strategy of the same territory, as a
secretariat onboards a plan: the preview, then the confirmation, each reading the file again.

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
WORKBOOK_IMPORT = "strategy workbook import, empty strategy (preview + confirm)"
WORKBOOK_ROWS = (WORKBOOK_EXPORT, WORKBOOK_IMPORT)


class ImportRefused(RuntimeError):
    pass


def onboard(strategy: Strategy, content: bytes) -> bytes:
    """Import ``content`` into a new strategy beside ``strategy``: preview, then confirmation;
    everything rolled back. Returns the workbook (its size is reported)."""
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
        for confirm in (False, True):
            result = import_workbook(new, content, file_name="banc.xlsx", confirm=confirm)
            if not result.ok:
                raise ImportRefused(f"the workbook was refused: {result.problems[:3]}")
        transaction.set_rollback(True)
    return content


def time_workbook(strategy: Strategy, *, runs: int) -> dict[str, Timing]:
    """The export and the import, each timed ``runs`` times (median), with its queries and the
    peak of its Python allocations."""
    exported = time_call(lambda: export_workbook(strategy), runs=runs)
    content = export_workbook(strategy)
    imported = time_call(lambda: onboard(strategy, content), runs=runs)
    return {WORKBOOK_EXPORT: exported, WORKBOOK_IMPORT: imported}
