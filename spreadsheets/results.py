"""What an import reports: each error of the preview (``Problem``), each change it shows
(``Change``), and a result that keeps only the rows the preview shows, with the counts and the
errors of the whole file in French."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from import_export.results import Result, RowResult

from spreadsheets.text import SpreadsheetError, quoted


@dataclass(frozen=True)
class Problem:
    """One error of the preview: the spreadsheet line, the column, the French message and the
    value read in that cell."""

    line: int
    column: str
    message: str
    value: Any = None

    @property
    def shown_value(self) -> str:
        if self.value in (None, ""):
            return ""
        return quoted(self.value)[2:-2]


@dataclass(frozen=True)
class Change:
    """One cell of the preview: what a new row brings, or what an update changes."""

    column: str
    before: str
    after: str


class SpreadsheetRowResult(RowResult):
    """A row's result without what 100,000 rows cannot afford: the instance and its text are kept
    only for the rows the preview shows (``SpreadsheetResource.after_import_row``)."""

    line = 0
    changes: tuple = ()

    def add_instance_info(self, instance) -> None:
        self.object_id = getattr(instance, "pk", None)


class SpreadsheetResult(Result):
    """import-export's result, keeping in ``rows`` only the rows the preview shows (those with
    changes to show): the others are counted in ``totals``, and the bad ones are in
    ``invalid_rows`` and ``error_rows``. A file of 100,000 rows thus keeps a thousand row results,
    not 100,000, and asking whether it has errors does not go through every row."""

    def append_row_result(self, row_result) -> None:
        if row_result.changes:
            self.rows.append(row_result)

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]


def file_errors(result) -> list[str]:
    """The errors of a result that concern the whole file (not a row), in French."""
    messages = []
    for error in result.base_errors:
        if isinstance(error.error, SpreadsheetError):
            messages.append(str(error.error))
        else:
            messages.append(
                gettext("La base de données a refusé l'import (%(kind)s) : rien n'a été importé.")
                % {"kind": type(error.error).__name__}
            )
    return messages


def result_counts(result) -> dict[str, int]:
    totals = result.totals
    return {
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "update": totals[RowResult.IMPORT_TYPE_UPDATE],
        "skip": totals[RowResult.IMPORT_TYPE_SKIP],
        "invalid": totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
    }


class StoredPreview:
    """An import's preview as plain data, what a background job keeps (``as_data``) and the import
    page shows again (``from_data``): the counts, the rows of the diff table the preview shows,
    every error and warning, in French, already as text. import-export's ``Result`` holds
    exceptions and tracebacks; this holds nothing but strings and numbers (JSON)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.counts: dict[str, int] = data["counts"]
        self.strategy: str = data.get("strategy", "")
        self.file_errors: list[str] = data.get("file_errors", [])
        self.warnings: list[str] = data.get("warnings", [])
        self.problems: list[dict[str, Any]] = data.get("problems", [])
        self.shown_rows: list[dict[str, Any]] = data.get("shown_rows", [])
        self.errors: bool = data.get("errors", False)
        self.validation_errors: bool = data.get("validation_errors", False)

    @staticmethod
    def as_data(result) -> dict[str, Any]:
        """What the preview page needs of an import's result (``SpreadsheetResult``)."""
        return {
            "counts": dict(result.counts),
            "strategy": str(getattr(result, "strategy", None) or getattr(result, "scope", "")),
            "file_errors": [str(message) for message in result.file_errors],
            "warnings": [str(message) for message in result.warnings],
            "problems": [
                {
                    "line": problem.line,
                    "column": str(problem.column),
                    "message": str(problem.message),
                    "shown_value": problem.shown_value,
                }
                for problem in result.problems
            ],
            "shown_rows": [
                {
                    "line": row.line,
                    "import_type": row.import_type,
                    "object_repr": str(row.object_repr or ""),
                    "changes": [
                        {
                            "column": str(change.column),
                            "before": change.before,
                            "after": change.after,
                        }
                        for change in row.changes
                    ],
                }
                for row in result.shown_rows
            ],
            "errors": result.has_errors(),
            "validation_errors": result.has_validation_errors(),
        }

    def has_errors(self) -> bool:
        return self.errors

    def has_validation_errors(self) -> bool:
        return self.validation_errors

    @property
    def ok(self) -> bool:
        return not (self.errors or self.validation_errors)
