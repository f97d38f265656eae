"""Importing a strategy workbook: the whole strategy, all or nothing, previewed first.

1. The file is read with the admin's imports' checks (``workbooks.reading``), then checked as a
   whole before anything is written (``workbooks.checks``): the « Stratégie » sheet, the sheets
   the strategy's shape asks for, the headers, every key and every parent across sheets.
2. In one transaction: the strategy takes the shape and the level names of the « Stratégie »
   sheet (``strategies.shape.change_shape``: a strategy with data loses nothing), then each sheet
   goes through its resource (``workbooks.sheets.RESOURCES``: the admin's cell widgets, the
   model's rules, bulk writes with history), in the order of the cascade, so that a sheet finds
   the rows the previous ones created.
3. The preview runs the same steps and rolls them back; the sheets no other sheet names
   (projects, values) are only checked, not written (``dry_run``). The confirmation commits only
   when no row of any sheet is bad.

A row whose parent is bad in its own sheet is not checked again: it gets one message that says
so. A sheet with bad rows still writes its good ones inside the transaction (rolled back in the
end), so that the next sheets are checked against them and the preview lists every error at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spreadsheets.reader import SheetRows
from spreadsheets.results import Change
from spreadsheets.text import SpreadsheetError, quoted
from strategies.models import Strategy
from strategies.shape import change_shape

from .checks import Plan, PlannedSheet, check_workbook
from .reading import read_workbook
from .results import SheetProblem, SheetReport, WorkbookResult
from .sheets import LEAVES, STRATEGY_TITLE, french_names
from .strategy_sheet import USED

#: Rows with changes shown per sheet in the preview (the others are counted).
SHOWN_ROWS = 50


@dataclass(frozen=True)
class ShownRow:
    """A row of the preview: its line, whether it is new, what it is and what changes."""

    line: int
    new: bool
    label: str
    changes: tuple


def import_workbook(
    strategy: Strategy,
    data: bytes,
    *,
    user=None,
    file_name: str = "",
    confirm: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> WorkbookResult:
    """Import the workbook ``data`` into ``strategy``: a preview (nothing kept), or, with
    ``confirm``, the import itself, committed only when every row of every sheet is good.
    ``progress(rows_done, rows)`` now and then, when given (a background job's bar)."""
    result = WorkbookResult(confirmed=confirm)
    try:
        sheets = read_workbook(data)
    except SpreadsheetError as error:
        result.problems.append(SheetProblem("", None, "", str(error)))
        return result
    plan = check_workbook(strategy, sheets)
    result.warnings = plan.warnings
    if plan.problems:
        result.problems = plan.problems
        return result
    keep = False
    try:
        with transaction.atomic():
            WorkbookImport(
                strategy, plan, result, user=user, file_name=file_name, progress=progress
            ).run(write_leaves=confirm)
            keep = confirm and result.ok
            if not keep:
                transaction.set_rollback(True)
    finally:
        if not keep and strategy.pk is not None:
            # The strategy object as the database holds it again (its shape, its names).
            strategy.refresh_from_db(fields=["uses_domains", "uses_measures", "level_names"])
    return result


class WorkbookImport:
    """The steps of one import inside its transaction (see the module's docstring)."""

    def __init__(
        self,
        strategy: Strategy,
        plan: Plan,
        result: WorkbookResult,
        *,
        user,
        file_name: str,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.progress = progress
        #: Rows of the sheets imported so far, of all of them (the progress bar's).
        self.rows_done = 0
        self.rows_total = sum(len(planned.rows) for planned in plan.sheets)
        self.strategy = strategy
        self.plan = plan
        self.result = result
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.file_name = file_name
        #: Kind → keys of its rows that are bad, or under a bad parent.
        self.failed: dict[str, set] = {}

    def run(self, *, write_leaves: bool) -> None:
        if not self.apply_settings():
            return
        for planned in self.plan.sheets:
            self.import_sheet(planned, dry_run=planned.spec.kind in LEAVES and not write_leaves)
        if self.progress is not None:
            self.progress(self.rows_total, self.rows_total)

    @property
    def reason(self) -> str:
        if self.file_name:
            return _("Import du classeur « %(file)s »") % {"file": self.file_name}
        return _("Import d'un classeur")

    def apply_settings(self) -> bool:
        """The shape and the level names of the « Stratégie » sheet; False when refused."""
        settings, strategy = self.plan.settings, self.strategy
        report = SheetReport("strategy", STRATEGY_TITLE)
        self.result.sheets.append(report)
        if not settings.differs_from(strategy):
            report.unchanged = 1
            return True
        strategy._change_reason = self.reason
        strategy._history_user = self.user
        if (settings.uses_domains, settings.uses_measures) != (
            strategy.uses_domains,
            strategy.uses_measures,
        ):
            try:
                change_shape(
                    strategy,
                    uses_domains=settings.uses_domains,
                    uses_measures=settings.uses_measures,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    kind = "domain" if name == "uses_domains" else "measure"
                    for message in messages:
                        self.result.problems.append(
                            SheetProblem(STRATEGY_TITLE, settings.lines.get(kind), USED, message)
                        )
                return False
        if settings.level_names != strategy.level_names:
            strategy.level_names = settings.level_names
            strategy.save(update_fields=["level_names"])
        report.changed = 1
        return True

    # --- One sheet ------------------------------------------------------------------------------

    def import_sheet(self, planned: PlannedSheet, *, dry_run: bool) -> None:
        spec = planned.spec
        report = SheetReport(spec.kind, planned.name)
        self.result.sheets.append(report)
        rows, keys = self.rows_to_check(planned)
        if not len(rows):
            return
        resource = self.resource(planned)
        if self.progress is not None:
            done, total = self.rows_done, self.rows_total
            resource.progress = lambda rows: self.progress(done + rows, total)
        outcome = resource.import_data(
            rows, dry_run=dry_run, use_transactions=True, file_name=self.file_name
        )
        self.rows_done += len(planned.rows)
        if self.progress is not None:
            self.progress(self.rows_done, self.rows_total)
        report.new = outcome.counts["new"]
        report.changed = outcome.counts["update"]
        report.unchanged = outcome.counts["skip"]
        report.shown_rows = [
            ShownRow(
                row.line,
                row.import_type == "new",
                row.object_repr,
                tuple(
                    Change(spec.header(change.column), change.before, change.after)
                    for change in row.changes
                ),
            )
            for row in outcome.shown_rows[:SHOWN_ROWS]
        ]
        for message in outcome.file_errors:
            self.problem(planned, None, "", message)
        if not (outcome.problems or outcome.file_errors):
            return
        by_line = dict(zip(rows.line_numbers, keys, strict=True))
        bad_lines = set()
        for found in outcome.problems:
            self.problem(
                planned, found.line, spec.headers_of(found.column), found.message, found.value
            )
            bad_lines.add(found.line)
        self.failed.setdefault(spec.kind, set()).update(
            by_line[line] for line in bad_lines if by_line.get(line) is not None
        )
        if dry_run or not bad_lines or outcome.file_errors:
            return
        # The good rows written all the same (the transaction will be rolled back), so that the
        # next sheets are checked against them.
        good = [index for index, line in enumerate(rows.line_numbers) if line not in bad_lines]
        self.resource(planned).import_data(
            SheetRows(rows.headers, [rows[i] for i in good], [rows.line_numbers[i] for i in good]),
            use_transactions=True,
            file_name=self.file_name,
        )

    def resource(self, planned: PlannedSheet):
        return planned.spec.resource_class(strategy=self.strategy, user=self.user)

    def rows_to_check(self, planned: PlannedSheet) -> tuple[SheetRows, list]:
        """The sheet's rows but those under a bad parent (each reported once), and their keys."""
        rows = planned.rows
        if not any(self.failed.values()):
            return rows, planned.keys
        names = french_names(self.plan.levels)
        kept, lines, keys = [], [], []
        for values, line, key, references in zip(
            rows, rows.line_numbers, planned.keys, planned.parents, strict=True
        ):
            bad = next((ref for ref in references if ref[1] in self.failed.get(ref[0], ())), None)
            if bad is None:
                kept.append(values)
                lines.append(line)
                keys.append(key)
                continue
            kind, _key, column = bad
            value = values[rows.headers.index(column)]
            self.problem(
                planned,
                line,
                planned.spec.header(column),
                _(
                    "%(level)s %(value)s a une erreur dans sa feuille : corrigez-la, cette ligne "
                    "sera vérifiée ensuite."
                )
                % {
                    "level": names[kind].Singular if kind in names else _("Indicateur"),
                    "value": quoted(value),
                },
                value,
            )
            if key is not None:
                self.failed.setdefault(planned.spec.kind, set()).add(key)
        return SheetRows(rows.headers, kept, lines), keys

    def problem(self, planned: PlannedSheet, line, column: str, message: str, value=None):
        self.result.problems.append(SheetProblem(planned.name, line, column, message, value))
