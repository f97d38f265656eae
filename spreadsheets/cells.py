"""Each distinct cell of a column read once per import (``CellCleaner``): a column of 100,000 rows
that names 500 indicators, 200 dates and one source has its widget run 701 times, not 300,000.

Only widgets whose reading depends on the cell alone are remembered: those whose class says so
itself (``cell_only = True`` in the class body, not inherited, since a subclass may read other
cells of the row, as the domain does with the axis). A cell that a widget refuses is remembered
with its message, raised again as the same ``ValueError`` each time it is met."""

from __future__ import annotations

import datetime
from typing import Any

from import_export import fields

#: The kinds of cell values remembered (the reader gives these; a float NaN is never found again,
#: so it is read each time, as before).
CELL_KINDS = frozenset({type(None), str, int, float, datetime.datetime, datetime.date})
#: Distinct cells remembered per column (a column whose cells all differ gains nothing).
MAX_CELLS = 20_000


def reads_cell_only(widget: Any) -> bool:
    """Whether the widget's class declares that its reading depends on the cell alone."""
    return type(widget).__dict__.get("cell_only", False) is True


class CellCleaner:
    """The widgets of an import's columns, each distinct cell of a column read once."""

    def __init__(self, columns: list[fields.Field]) -> None:
        self.known: dict[str, dict[tuple, tuple[bool, Any]]] = {
            field.column_name: {} for field in columns if reads_cell_only(field.widget)
        }

    def clean(self, field: fields.Field, value: Any, row: dict) -> Any:
        """``field.widget.clean(value, row=row)``, remembered when the widget allows it."""
        known = self.known.get(field.column_name)
        kind = value.__class__
        if known is None or kind not in CELL_KINDS:
            return field.widget.clean(value, row=row)
        key = (kind, value)
        outcome = known.get(key)
        if outcome is None:
            try:
                outcome = (True, field.widget.clean(value, row=row))
            except ValueError as error:
                outcome = (False, str(error))
            if len(known) < MAX_CELLS:
                known[key] = outcome
        if outcome[0]:
            return outcome[1]
        raise ValueError(outcome[1])
