"""The base of every spreadsheet resource: a model's rows in a spreadsheet, within one *scope* (an
object chosen when importing, say a strategy, and the path from the model to it), imported fast and
strictly with django-import-export.

Configured the way its maintainers recommend for large files (bulk mode, lookups cached, no query
per row) and made strict enough that a bad file changes nothing:

- rows are identified by business keys within the scope, never by database ids, and so are the
  foreign keys (``spreadsheets.lookups``);
- French headers, matched without regard to case, accents and punctuation; cells read by the
  widgets of ``spreadsheets.widgets``;
- every row goes through the model's own rules, evaluated in Python against data loaded once
  (``spreadsheets.validation``): no query per row;
- every error is reported with its line, its column and a French message, and the whole file is
  rolled back when any row is bad;
- writes are bulk, and each created or changed row gets its simple-history record, many-to-many
  links included (``spreadsheets.writes``).
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext
from import_export import exceptions, fields, resources
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction

from spreadsheets.cells import CellCleaner
from spreadsheets.columns import ColumnsMixin
from spreadsheets.constraints import RowConstraint, fold_key
from spreadsheets.existing import BusinessKeyInstanceLoader, ExistingRows
from spreadsheets.formulas import FormulaWithoutValue
from spreadsheets.instances import InstanceFactory, forward_foreign_key, set_related
from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.memory import heap_frozen
from spreadsheets.results import (
    Change,
    Problem,
    SpreadsheetResult,
    SpreadsheetRowResult,
    file_errors,
    result_counts,
)
from spreadsheets.text import SpreadsheetError, quoted
from spreadsheets.validation import ValidationMixin
from spreadsheets.writes import BulkWriteMixin

logger = logging.getLogger(__name__)


#: Rows between two progress reports of an import (``progress`` attribute of a resource).
PROGRESS_ROWS = 1000


class SpreadsheetResource(ColumnsMixin, ValidationMixin, BulkWriteMixin, resources.ModelResource):
    """A model's rows in a spreadsheet, within one scope (``scope=`` at construction). Subclasses
    declare their columns as fields with French column names (plain strings: a file's headers do
    not change with the interface's language), the business key in ``import_id_fields``, and the
    path to the scope in ``scope_path``.

    import-export's options are set for speed and safety: bulk writes, unchanged rows skipped and
    left out of the result, ``skip_diff`` (no deep copy of each row: its values are snapshotted
    before the import changes them), validation of every row, and a transaction rolled back by
    any error or validation error. Its per-cell plumbing is replaced by a direct loop over the
    columns of the file (``import_instance``)."""

    #: Path from the model to the scope: the rows an import may update are the scope's.
    scope_path = ""
    #: What the messages call the scope (``%(strategy)s`` in "... dans la stratégie
    #: %(strategy)s").
    scope_name = "scope"
    #: The message of an import started without a scope.
    scope_missing = ""
    #: New rows whose cells the preview shows, and updated rows whose changes it shows (the others
    #: are counted).
    preview_new_rows = 200
    preview_updated_rows = 1000

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        skip_diff = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = BusinessKeyInstanceLoader
        chunk_size = 2000

    def __init__(self, scope: Any = None, user=None, **kwargs) -> None:
        self._import_fields: list[fields.Field] | None = None
        super().__init__(**kwargs)
        self.scope = scope
        self.user = user if getattr(user, "is_authenticated", False) else None
        for field in self.fields.values():
            if hasattr(field.widget, "bind"):
                field.widget.bind(self)
        self.existing: ExistingRows | dict = {}
        self.problems: list[Problem] = []
        self.current_key: tuple | None = None
        self._present: list[fields.Field] = []
        self._seen_keys: dict[Any, int] = {}
        self._cleaned_values: dict[tuple, tuple[bool, Any]] = {}
        self._unique_keys: dict[str, dict[tuple, Any]] = {}
        self._line_numbers: list[int] | None = None
        self._formulas_without_value = False
        self._formula_columns: list[str] = []
        self._change_reason = ""
        self._key_values: dict[str, Any] = {}
        self._changes: list[Change] = []
        self._repr = ""
        self._new_rows = 0
        self._updated_rows = 0
        self._cells = CellCleaner([])
        self._columns: list[tuple[fields.Field, str, str, Any]] = []

    @classmethod
    def get_row_result_class(cls):
        return SpreadsheetRowResult

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    @functools.cached_property
    def scope_field(self) -> str | None:
        """The model's own field to the scope, when it has one (set on each new row)."""
        path = self.scope_path
        if not path or "__" in path:
            return None
        names = {field.name for field in self._meta.model._meta.fields}
        return path if path in names else None

    # --- Existing rows and keys -----------------------------------------------------------------

    def load_existing(self) -> ExistingRows:
        """The scope's rows by business key (one query, plus one per many-to-many relation)."""
        opts = self._meta.model._meta
        existing = ExistingRows(
            self._meta.model._default_manager.filter(**{self.scope_path: self.scope}),
            tuple(opts.get_field(name).attname for name in self.key_attributes),
            self.attach,
            self.key_lowered,
        )
        for attribute in self.m2m_attributes:
            relation = opts.get_field(attribute)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            links = defaultdict(set)
            for source_id, target_id in through._default_manager.filter(
                **{f"{source}__{self.scope_path}": self.scope}
            ).values_list(f"{source}_id", f"{target}_id"):
                links[source_id].add(target_id)
            existing.links[attribute] = {pk: frozenset(ids) for pk, ids in links.items()}
        return existing

    def attach(self, instance: models.Model) -> None:
        """Gives an existing row the related rows its columns name, from the widgets' lookups."""
        for field, attname, by_pk in self.lookups:
            setattr(instance, field.attribute, by_pk.get(getattr(instance, attname)))
        if self.scope_field:
            setattr(instance, self.scope_field, self.scope)

    @functools.cached_property
    def lookups(self) -> list[tuple[fields.Field, str, dict]]:
        """The foreign-key columns, with their id attribute and their rows by id."""
        opts = self._meta.model._meta
        return [
            (field, opts.get_field(field.attribute).attname, field.widget.by_pk())
            for field in self.diff_fields
            if isinstance(field.widget, ScopedLookupWidget)
        ]

    @functools.cached_property
    def key_fields(self) -> list[fields.Field]:
        return [self.fields[name] for name in self.get_import_id_fields()]

    @functools.cached_property
    def key_lowered(self) -> tuple[bool, ...]:
        """For each attribute of the business key, whether rows are matched on it ignoring case:
        when the model's unique constraint on the key is on ``Lower(...)`` of it (codes unique
        ignoring case, k1 and K1 being one project)."""
        model = self._meta.model
        for constraint in model._meta.constraints:
            rule = RowConstraint.of(constraint, model, self.scope_field)
            if rule is not None and rule.is_unique and rule.fields == set(self.key_attributes):
                lowered = dict(zip(rule.key, rule.lowered, strict=True))
                opts = model._meta
                return tuple(
                    lowered.get(opts.get_field(name).attname, False) for name in self.key_attributes
                )
        return tuple(False for _name in self.key_attributes)

    def row_key(self, row: dict) -> tuple | None:
        """The business key of a row, or None when its key cells cannot be read (their errors are
        reported on their columns). The cleaned key values are kept for ``import_instance``."""
        self._key_values = {}
        values = []
        for field in self.key_fields:
            try:
                value = self._cells.clean(field, row.get(field.column_name), row)
            except ValueError:
                return None
            if value in (None, ""):
                return None
            self._key_values[field.attribute] = value
            values.append(value.pk if isinstance(value, models.Model) else value)
        if any(self.key_lowered):
            return fold_key(tuple(values), self.key_lowered)
        return tuple(values)

    def describe_key(self, row: dict) -> str:
        return ", ".join(f"{column} {quoted(row.get(column))}" for column in self.key_columns)

    def line_of(self, row_number: int) -> int:
        """The spreadsheet line of the n-th data row (the header is line 1)."""
        if self._line_numbers and 0 < row_number <= len(self._line_numbers):
            return self._line_numbers[row_number - 1]
        return row_number + 1

    # --- The import, step by step ---------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """import-export's, except that a validation error rolls the whole file back by default:
        one bad row among a thousand writes nothing."""
        with heap_frozen():
            result = super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=rollback_on_validation_errors,
                **kwargs,
            )
        result.file_errors = file_errors(result)
        result.warnings = self.header_warnings()
        result.counts = result_counts(result)
        result.scope = self.scope
        if not hasattr(result, "problems"):
            result.problems, result.shown_rows = [], []
        return result

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        """import-export's loop over the rows, with the same hooks and the same result, without
        what a row of ours does not use and 100,000 rows pay for (a savepoint object, an ordered
        dict and three copies of the keyword arguments per row, deletions, diffs). A file refused
        as a whole (headers, scope) has its rows left unread."""
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        using = self.get_db_connection_name()
        try:
            with atomic_if_using_transaction(using_transactions, using=using):
                self.before_import(dataset, **kwargs)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
            return result
        loader = self._meta.instance_loader_class(self, dataset)
        if collect_failed_rows:
            result.add_dataset_headers(dataset.headers)
        options = {**kwargs, "dry_run": dry_run, "using_transactions": using_transactions}
        headers, batch_size = dataset.headers, self._meta.batch_size
        # ``progress(rows_done)``, when the caller set one (a background job's bar).
        progress = getattr(self, "progress", None)
        # On PostgreSQL, new rows are written by a thread while the next ones are read.
        with self.background_writes(using_transactions, dry_run):
            for number, values in enumerate(dataset, 1):
                if progress is not None and number % PROGRESS_ROWS == 0:
                    progress(number)
                row = dict(zip(headers, values, strict=False))
                options["row_number"] = number
                row_result = self.import_row(row, loader, **options)
                for pending, write in (
                    (self.create_instances, self.bulk_create),
                    (self.update_instances, self.bulk_update),
                ):
                    if len(pending) == batch_size:
                        with self.write_transaction(write, using_transactions, using):
                            write(using_transactions, dry_run, raise_errors, batch_size, result)
                result.increment_row_result_total(row_result)
                if row_result.errors or row_result.validation_error:
                    self.report_bad_row(result, number, row, row_result, collect_failed_rows)
                    if raise_errors:
                        error = row_result.validation_error or row_result.errors[-1].error
                        raise exceptions.ImportError(error, number=number, row=row)
                if (
                    row_result.import_type != RowResult.IMPORT_TYPE_SKIP
                    or self._meta.report_skipped
                ):
                    result.append_row_result(row_result)
            with self.write_transaction(self.bulk_create, using_transactions, using):
                self.bulk_create(using_transactions, dry_run, raise_errors, result=result)
                self.bulk_update(using_transactions, dry_run, raise_errors, result=result)
            self.report_background_failure(result, raise_errors)
        try:
            with atomic_if_using_transaction(using_transactions, using=using):
                self.after_import(dataset, result, **kwargs)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        return result

    @staticmethod
    def report_bad_row(result, number: int, row: dict, row_result, collect_failed_rows) -> None:
        if row_result.errors:
            result.append_error_row(number, row, row_result.errors)
            failure = row_result.errors[0]
        else:
            result.append_invalid_row(number, row, row_result.validation_error)
            failure = row_result.validation_error
        if collect_failed_rows:
            result.append_failed_row(row, failure)

    def before_import(self, dataset, **kwargs) -> None:
        if self.scope is None:
            raise SpreadsheetError(str(self.scope_missing))
        dataset.headers = self.canonical_headers(dataset.headers or [])
        present = set(dataset.headers)
        self._present = [field for field in self.diff_fields if field.column_name in present]
        self._cells = CellCleaner(self.diff_fields)
        model = self._meta.model
        self._columns = [
            (field, field.attribute, field.column_name, forward_foreign_key(model, field.attribute))
            for field in self._present
        ]
        self._line_numbers = getattr(dataset, "line_numbers", None)
        self._formulas_without_value = getattr(dataset, "formulas_without_value", False)
        self._formula_columns = []
        self.problems = []
        self._seen_keys = {}
        self._cleaned_values = {}
        self._new_rows = self._updated_rows = 0
        file_name = kwargs.get("file_name") or ""
        self._change_reason = (
            gettext("Import du fichier « %(file)s »") % {"file": file_name}
            if file_name
            else gettext("Import d'un tableur")
        )
        self.existing = self.load_existing()
        self._unique_keys = self.load_unique_keys()

    def _check_import_id_fields(self, headers) -> None:
        # ``canonical_headers`` has said, in French, which key columns are missing.
        return None

    def import_row(self, row, instance_loader, **kwargs):
        """import-export's steps for a row, those of a row that is created or updated (rows are
        never deleted, and no diff is kept: ``save_instance`` notes what changes)."""
        row_result = self.get_row_result_class()()
        if self._formulas_without_value:
            row = self.without_formulas(row)
        try:
            self.before_import_row(row, **kwargs)
            instance, new = self.get_or_init_instance(instance_loader, row)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = (
                RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            )
            errors: dict = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if self.skip_row(instance, None, row, errors):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, errors)
                self.save_instance(instance, new, row, **kwargs)
            row_result.add_instance_info(instance)
            self.after_import_row(row, row_result, **kwargs)
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
        except Exception as error:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            if not isinstance(error, TransactionManagementError):
                logger.debug(error, exc_info=True)
            row_result.errors.append(
                self.get_error_result_class()(error, row=row, number=kwargs["row_number"])
            )
        return row_result

    def without_formulas(self, row: dict) -> dict:
        """The row with its formulas saved without their value as empty cells, for the widgets;
        their columns are kept for ``import_instance`` to report (the row itself, with the
        formulas, is what the errors show)."""
        self._formula_columns = [
            column for column, value in row.items() if value.__class__ is FormulaWithoutValue
        ]
        if not self._formula_columns:
            return row
        return {
            column: None if column in self._formula_columns else value
            for column, value in row.items()
        }

    def before_import_row(self, row, **kwargs) -> None:
        self._changes = []
        self._repr = ""
        self.current_key = self.row_key(row)

    @functools.cached_property
    def new_instance(self) -> InstanceFactory:
        return InstanceFactory(self._meta.model)

    def init_instance(self, row=None):
        instance = self.new_instance()
        if self.scope_field:
            setattr(instance, self.scope_field, self.scope)
        return instance

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        instance._import_before = None if new else self.snapshot(instance)

    def import_instance(self, instance, row, **kwargs) -> None:
        """Each column of the file read by its widget onto the row (errors by column), the
        many-to-many cells read too (written after the row), a key repeated in the file refused,
        and the row's own checks (``check_row``).

        This is import-export's ``import_instance`` without its per-cell plumbing (four copies of
        the keyword arguments per cell), which costs more than the cells themselves."""
        errors: dict[str, list] = {}
        pending = {}
        known = self._key_values
        uncomputed = self.report_formulas(errors) if self._formula_columns else ()
        cells, m2m = self._cells, self.m2m_attributes
        for field, attribute, column, foreign_key in self._columns:
            if column in uncomputed:
                continue
            if attribute in known:
                if instance.pk is not None:
                    continue  # the key found the row: "K1" keeps the code "k1" it matched
                value = known[attribute]
            else:
                try:
                    value = cells.clean(field, row[column], row)
                except ValueError as error:
                    errors[attribute] = [ValidationError(str(error), code="invalid")]
                    continue
            if attribute in m2m:
                pending[attribute] = value
            elif value is None and not field.saves_null_values:
                continue
            elif foreign_key is not None:
                set_related(instance, foreign_key, value)
            else:
                setattr(instance, attribute, value)
        instance._import_m2m = pending
        key = self.current_key
        if key is not None:
            line = self.line_of(kwargs.get("row_number", 0))
            first = self._seen_keys.setdefault(key, line)
            if first != line:
                errors.setdefault(self.key_attributes[0], []).append(
                    ValidationError(
                        gettext("%(key)s figure déjà à la ligne %(line)s du fichier.")
                        % {"key": self.describe_key(row), "line": first},
                        code="duplicate",
                    )
                )
        self.check_row(row, errors)
        if errors:
            raise ValidationError(errors)

    def report_formulas(self, errors: dict[str, list]) -> list[str]:
        """An error in each of the row's columns that holds a formula saved without its value
        (an ignored column aside); returns those columns."""
        columns = []
        for field in self.get_import_fields():
            if field.column_name not in self._formula_columns:
                continue
            columns.append(field.column_name)
            key = field.attribute if field in self._present else field.column_name
            errors.setdefault(key, []).append(
                ValidationError(
                    gettext(
                        "La cellule contient une formule sans valeur calculée : ouvrez le fichier "
                        "dans Excel ou LibreOffice, enregistrez-le, puis importez-le à nouveau."
                    ),
                    code="formula",
                )
            )
        return columns

    def check_row(self, row: dict, errors: dict[str, list]) -> None:
        """A subclass's checks of a row's other cells, adding to ``errors`` (by field name)."""

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """Unchanged: every column that writes to the row holds what the row held (raw values
        compared, many-to-many by primary key; import-export's own loop would query them)."""
        if import_validation_errors or not self._meta.skip_unchanged:
            return False
        before = instance._import_before
        return before is not None and self.snapshot(instance) == before

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Before queuing the row for the bulk write: what it changes (``bulk_update`` writes only
        those columns, and the preview shows them for its first rows; a new row that the preview
        does not show has nothing to compare)."""
        if is_create:
            show = self._new_rows < self.preview_new_rows
            self._new_rows += 1
        else:
            show = self._updated_rows < self.preview_updated_rows
            self._updated_rows += 1
        changed = []
        fields_to_compare = self.diff_fields if show or not is_create else ()
        after = self.snapshot(instance) if fields_to_compare else {}
        before = instance._import_before
        for field in fields_to_compare:
            attribute = field.attribute
            new = after[attribute]
            if is_create:
                if new is None or new == "" or new == frozenset():
                    continue
                old = None
            else:
                old = before[attribute]
                if old == new:
                    continue
            if attribute not in self.m2m_attributes:
                changed.append(attribute)
            if show:
                self._changes.append(
                    Change(
                        field.column_name,
                        "" if is_create else self.display(field, old),
                        self.display(field, new),
                    )
                )
        if show:
            self._repr = str(instance)
        instance._import_changed = changed
        if self._is_dry_run(kwargs):
            # The preview writes nothing: rows are not even queued (import-export would open a
            # savepoint around each thousand of them).
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs) -> None:
        row_result.line = self.line_of(kwargs.get("row_number", 0))
        row_result.changes = self._changes
        row_result.object_repr = self._repr
        row_result.instance = None  # kept by the bulk write until it is written, not by results

    def after_import(self, dataset, result, **kwargs) -> None:
        """Every error as a ``Problem`` (line, column, French message, value read) for the preview.
        (import-export's would reset the id sequences: ids never come from a file.)"""
        headers = list(result.diff_headers)
        for invalid in result.invalid_rows:
            values = dict(zip(headers, invalid.values, strict=False))
            for column, messages in invalid.error_dict.items():
                column = "" if column == NON_FIELD_ERRORS else column
                value = values.get(column.split(", ")[-1])
                for message in messages:
                    self.problems.append(
                        Problem(self.line_of(invalid.number), column, message, value)
                    )
        for error_row in result.error_rows:
            for error in error_row.errors:
                logger.error("Import row %s failed", error_row.number, exc_info=error.error)
                self.problems.append(
                    Problem(
                        self.line_of(error_row.number),
                        "",
                        gettext("Erreur inattendue (%(kind)s) : rien n'a été importé.")
                        % {"kind": type(error.error).__name__},
                    )
                )
        self.problems.sort(key=lambda problem: (problem.line, self.column_order(problem.column)))
        result.problems = self.problems
        result.shown_rows = [row for row in result.rows if row.changes]
