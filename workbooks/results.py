"""What a workbook import reports: each error and warning with its sheet, line and column
(``SheetProblem``), what each sheet creates, changes and leaves (``SheetReport``), and the whole
(``WorkbookResult``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spreadsheets.text import quoted


@dataclass(frozen=True)
class SheetProblem:
    """An error (or a warning) of the workbook: its sheet, its line in the sheet (None for the
    sheet as a whole), its column (as headed in the workbook), a French message and the value
    read."""

    sheet: str
    line: int | None
    column: str
    message: str
    value: Any = None

    @property
    def shown_value(self) -> str:
        if self.value in (None, ""):
            return ""
        return quoted(self.value)[2:-2]


@dataclass
class SheetReport:
    """One sheet's rows: created, changed and unchanged, and the first changes, for the
    preview."""

    kind: str
    title: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    #: The first rows with changes: import-export row results (line, object_repr, changes).
    shown_rows: list = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass
class WorkbookResult:
    """The import of a workbook, previewed or confirmed: written only when ``confirmed`` and
    ``ok``."""

    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)
    confirmed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new(self) -> int:
        return sum(sheet.new for sheet in self.sheets)

    @property
    def changed(self) -> int:
        return sum(sheet.changed for sheet in self.sheets)

    @property
    def unchanged(self) -> int:
        return sum(sheet.unchanged for sheet in self.sheets)

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed)

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Sheet title → (new, changed, unchanged)."""
        return {sheet.title: (sheet.new, sheet.changed, sheet.unchanged) for sheet in self.sheets}
