"""The workshop pack: the cockpit's state in one Excel workbook.

``build_pack`` writes the same things as the cockpit page, from the same ``AxisBlock`` list (already
filtered by the caller) or from a ``Snapshot`` of a past workshop's day: the synthesis, the steering
table, the modèle d'efficacité (``steering_sheets``), the indicators and their values
(``indicator_sheets``) and charts (``chart_sheet``), the projects (``project_sheets``), optionally
what changed and the decisions (``journal_sheets``), and the prioritisation's sheets when the
strategy has proposals or criteria. Every sheet is written through ``spreadsheets.xlsx``.

The number of queries does not depend on the number of rows: the blocks are built by the caller;
here one query for the operational indicators, one for the values, one per relation of the
projects (fundings, communes, themes), two for the strategy's rollups and two for the share of
its figures that are up to date.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable
from contextlib import contextmanager

from django.utils.translation import gettext as _

from indicators.models import EffectRollup, Indicator
from prioritisation.sheets import add_prioritisation_sheets
from projects.rollups import ImplementationRollup
from spreadsheets.xlsx import Book
from steering.rollups import Rollup, data_share, strategy_rollup
from steering.table import AxisBlock
from strategies.models import Strategy
from workshops.snapshot import Snapshot

from .chart_sheet import charts_sheet
from .indicator_sheets import indicators_sheet, values_sheet
from .journal_sheets import changes_sheet, decisions_sheet
from .project_sheets import projects_sheet
from .steering_sheets import cockpit_sheet, effectiveness_sheet, synthesis_sheet

# --- The pack -------------------------------------------------------------------------------------


def build_pack(
    strategy: Strategy,
    *,
    on: datetime.date,
    axes: list[AxisBlock] | None = None,
    snapshot: Snapshot | None = None,
    changes: list | None = None,
    decisions: list | None = None,
    title: str = "",
    filters: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook (.xlsx bytes) of the cockpit at ``on``: today's state for ``axes`` (already
    filtered, the filters in words in ``filters``), or the state read back from the history for a
    ``snapshot`` of a past day. ``progress(done, total)`` after each sheet, when given (a
    background job's bar)."""
    steps = Steps(progress, 10 + (changes is not None) + (decisions is not None))
    with no_cyclic_collection():
        return _build_pack(strategy, on, axes, snapshot, changes, decisions, title, filters, steps)


class Steps:
    """Counts the pack's steps for a progress callback (none: counts for nobody)."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


@contextmanager
def no_cyclic_collection():
    """A pack of 10,000 projects is about a million small objects that live until the file is
    written: the cyclic garbage collector would scan them again and again (some 15 % of the
    time) and find nothing to free, since they hold no cycle. Reference counting still frees
    everything; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_pack(strategy, on, axes, snapshot, changes, decisions, title, filters, step) -> bytes:
    strategy_name = str(strategy)
    # Row by row to disk: a pack of 10,000 projects does not hold its cells in memory.
    book = Book(strategy_name, on, constant_memory=True, currency=strategy.territory.currency)
    book.workbook.set_properties(
        {
            "title": title
            or _("%(strategy)s – cockpit au %(date)s")
            % {"strategy": strategy_name, "date": f"{on:%d.%m.%Y}"},
            "author": _("Cockpit territorial"),
            "subject": strategy.title,
        }
    )
    if snapshot is not None:
        axes, operational = snapshot.blocks()
        total = snapshot_total(strategy, on, axes)
        share = None  # the history keeps no past « rien à signaler »: today's share only
    else:
        measure_ids = [m.measure.pk for block in axes for m in block.measures if m.measure]
        operational = (
            Indicator.objects.for_strategy(strategy)
            .filter(level=Indicator.Level.OPERATIONAL, measure__in=measure_ids)
            .evaluated(on)
        )
        total = strategy_rollup(strategy, on)
        share = data_share(strategy, on)
    step()
    synthesis_sheet(book, strategy, on, axes, total, share, filters)
    step()
    cockpit_sheet(book, axes, strategy)
    step()
    effectiveness_sheet(book, axes, strategy)
    step()
    evaluated = indicators_sheet(book, axes, operational)
    indicators = [indicator for indicator, _e in evaluated]
    step()
    values_title, spans, history = values_sheet(book, indicators, on, snapshot)
    step()
    charts_sheet(book, values_title, axes, spans, history, on)
    step()
    projects_sheet(book, strategy, axes)
    step()
    if changes is not None:
        changes_sheet(book, changes)
        step()
    if decisions is not None:
        decisions_sheet(book, decisions, on)
        step()

    # Proposals and ranking, when the strategy has any.
    add_prioritisation_sheets(book, strategy, on=on, axes=axes)
    step()
    content = book.close()
    step()
    return content


def snapshot_total(strategy: Strategy, on: datetime.date, axes: list[AxisBlock]) -> Rollup:
    """The whole strategy's rollups of a past day, from the blocks of its snapshot (every axis)."""
    return Rollup(
        ImplementationRollup.of(
            [project for block in axes for project in block.projects], on, strategy.horizon_date
        ),
        EffectRollup.of(evaluation for block in axes for _i, evaluation in block.indicators),
    )
