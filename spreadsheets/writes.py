"""The bulk writes of an import: rows created and updated a thousand at a time, each batch in its
own savepoint, with their history records and their many-to-many links (``BulkWriteMixin``,
mixed into ``spreadsheets.resources.SpreadsheetResource``); new rows inserted by
``spreadsheets.inserts``, on PostgreSQL by the thread of ``spreadsheets.writer`` while the next
rows are read."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import connections, models, transaction
from import_export.utils import atomic_if_using_transaction
from simple_history.utils import bulk_create_with_history

from spreadsheets.history import copy_to_history, has_history, history_statements
from spreadsheets.inserts import insert_new_rows, prepared_insert
from spreadsheets.writer import BackgroundWriter

logger = logging.getLogger(__name__)


class BulkWriteMixin:
    """The writes of a ``SpreadsheetResource``."""

    #: The thread that writes the new rows while the next ones are read (PostgreSQL), when the
    #: import runs ``background_writes``.
    _writer: BackgroundWriter | None = None

    @contextlib.contextmanager
    def background_writes(self, using_transactions: bool, dry_run: bool) -> Iterator[None]:
        """For the block, new rows written by a thread of their own where that is possible: on
        PostgreSQL, in the import's transaction, for rows without many-to-many cells (written
        with the new rows' ids)."""
        using = self.get_db_connection_name()
        if (
            dry_run
            or not using_transactions
            or self.m2m_attributes
            or not BackgroundWriter.possible(using)
        ):
            yield
            return
        writer = BackgroundWriter(using)
        self._writer = writer
        try:
            with writer.running():
                yield
        finally:
            self._writer = None

    def writes_in_background(self) -> bool:
        return self._writer is not None

    def write_transaction(self, write, using_transactions: bool, using: str):
        """The transaction around a batch's write: none for the new rows that the thread writes
        (each batch in a savepoint of its own, ``spreadsheets.writer``)."""
        if write == self.bulk_create and self.writes_in_background():
            return contextlib.nullcontext()
        return atomic_if_using_transaction(using_transactions, using=using)

    def report_background_failure(self, result, raise_errors) -> None:
        """A batch that the thread could not write, reported as the import's error."""
        failure = self._writer.take_failure() if self._writer is not None else None
        if failure is not None:
            logger.error(
                "Bulk write of %s failed",
                self._meta.model.__name__,
                exc_info=(type(failure), failure, failure.__traceback__),
            )
            self.handle_import_error(result, failure, raise_errors)

    def bulk_create_in_background(self, dry_run, raise_errors, batch_size, result) -> bool:
        """The new rows handed to the thread; False when they must be written here (a case the
        lean insert does not cover, a history table simple-history must write)."""
        instances = self.create_instances
        if not instances or dry_run:
            instances.clear()
            return True
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            instances.clear()  # nothing is written once a row is bad (``_bulk_write``)
            return True
        model = self._meta.model
        using = self.get_db_connection_name()
        history = None
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and has_history(model):
            history = {"history_type": "+", "user": self.user, "reason": self._change_reason}
            if history_statements(model, [], connection=connections[using], **history) is None:
                return False  # pragma: no cover - our history tables qualify
        try:
            rows = prepared_insert(model, instances, using)
            if rows is None:
                return False
            self._writer.write(
                model, instances, rows, batch_size=batch_size or 1000, history=history
            )
        except Exception as error:  # reported as the import's error, then rolled back
            logger.exception("Bulk write of %s failed", model.__name__)
            self.handle_import_error(result, error, raise_errors)
        instances.clear()
        return True

    def _bulk_write(self, instances, dry_run, raise_errors, result, write) -> None:
        """One bulk write in its own savepoint, so that a database error is reported (and the
        file rolled back) rather than breaking the transaction. Nothing is written once a row is
        bad (the file will be rolled back anyway), nor by the preview: every row went through the
        rules the database enforces (above, in Python); the confirmation writes, in one
        transaction."""
        try:
            if not instances or dry_run:
                return
            if result is not None and (result.has_errors() or result.has_validation_errors()):
                return
            try:
                with transaction.atomic(using=self.get_db_connection_name()):
                    write(instances)
            except Exception as error:  # reported as the import's error, then rolled back
                logger.exception("Bulk write of %s failed", self._meta.model.__name__)
                self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self._writer is not None:
            self.report_background_failure(result, raise_errors)
            if self.bulk_create_in_background(dry_run, raise_errors, batch_size, result):
                return

        def write(instances) -> None:
            using = self.get_db_connection_name()
            if connections[using].features.can_return_rows_from_bulk_insert:
                insert_new_rows(
                    self._meta.model, instances, using=using, batch_size=batch_size or 1000
                )
                self.record_history(instances, "+")
            else:  # pragma: no cover - SQLite and PostgreSQL return the new ids
                bulk_create_with_history(
                    instances,
                    self._meta.model,
                    batch_size=batch_size,
                    default_user=self.user,
                    default_change_reason=self._change_reason,
                )
            self.write_m2m(instances, created=True)

        self._bulk_write(self.create_instances, dry_run, raise_errors, result, write)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.report_background_failure(result, raise_errors)

        def write(instances) -> None:
            changed = sorted({name for obj in instances for name in obj._import_changed})
            if changed:
                self._meta.model._default_manager.bulk_update(
                    instances, changed, batch_size=batch_size
                )
            self.record_history(instances, "~")
            self.write_m2m(instances, created=False)

        self._bulk_write(self.update_instances, dry_run, raise_errors, result, write)

    def record_history(self, instances: list[models.Model], history_type: str) -> None:
        """Each written row's history record: the user, the file, the row's new values."""
        copy_to_history(
            self._meta.model,
            instances,
            history_type=history_type,
            user=self.user,
            reason=self._change_reason,
            using=self.get_db_connection_name(),
        )

    def write_m2m(self, instances: list[models.Model], *, created: bool) -> None:
        """The many-to-many cells of the written rows: per relation, one delete (of the changed
        rows' links) and one insert."""
        connection = connections[self.get_db_connection_name()]
        quote = connection.ops.quote_name
        for attribute in sorted(self.m2m_attributes):
            relation = self._meta.model._meta.get_field(attribute)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            rewrite = {}
            for instance in instances:
                if attribute not in instance._import_m2m:
                    continue
                wanted = frozenset(obj.pk for obj in instance._import_m2m[attribute])
                before = instance._import_before
                if before is not None and before[attribute] == wanted:
                    continue
                rewrite[instance.pk] = wanted
            if not rewrite:
                continue
            if not created:
                through._default_manager.filter(**{f"{source}__in": list(rewrite)}).delete()
            # A link is two ids: one INSERT run for all of them, without a model per link (the
            # 20,000 links of 10,000 projects would otherwise cost more than the projects).
            columns = [through._meta.get_field(name).column for name in (source, target)]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote(through._meta.db_table)} "
                    f"({quote(columns[0])}, {quote(columns[1])}) VALUES (%s, %s)",
                    [(pk, other) for pk, others in rewrite.items() for other in sorted(others)],
                )
