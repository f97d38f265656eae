"""The new rows of an import written on PostgreSQL by a thread of their own while the next rows
are read (``BackgroundWriter``): the database inserts a batch and copies it to the history while
Python reads, checks and prepares the next thousand rows, on the two cores of a small server,
instead of one waiting for the other.

The thread writes on the import's own connection, inside its transaction, one batch at a time;
the import's thread waits for it before any statement of its own (an execute wrapper), so that the
statements of the two never interleave and the file stays all or nothing. Each batch is written
inside a savepoint of its own: a database error rolls the batch back, leaves the transaction
usable, and is reported as the import's error (``take_failure``), as a batch written in the
import's thread reports it. SQLite (one writer, in the same process) writes in the import's
thread as before."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connections, models

from spreadsheets.history import history_statements
from spreadsheets.inserts import give_ids, run_insert

SAVEPOINT = "spreadsheet_batch"


class BackgroundWriter:
    """A thread that writes the import's new rows on its connection, a batch at a time."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.connection = connections[using]
        self.executor: ThreadPoolExecutor | None = None
        self.pending: Future | None = None
        self.failure: BaseException | None = None
        self.local = threading.local()

    @staticmethod
    def possible(using: str) -> bool:
        """PostgreSQL, inside the import's transaction."""
        connection = connections[using]
        return connection.vendor == "postgresql" and connection.in_atomic_block

    @contextmanager
    def running(self) -> Iterator[BackgroundWriter]:
        """The thread, for the block; every statement of the block's thread waits for it."""
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spreadsheet-writer")
        try:
            with self.connection.execute_wrapper(self.before_statement):
                yield self
                self.settle()
        finally:
            self.settle()
            self.executor.shutdown(wait=True)
            self.executor = None

    def before_statement(self, execute, sql, params, many, context):
        if not getattr(self.local, "writing", False):
            self.settle()
        return execute(sql, params, many, context)

    def settle(self) -> None:
        """Wait for the batch being written; its failure kept for ``take_failure``."""
        pending, self.pending = self.pending, None
        if pending is not None:
            error = pending.exception()
            if error is not None and self.failure is None:
                self.failure = error

    def take_failure(self) -> BaseException | None:
        """The failure of a batch written so far, once."""
        self.settle()
        failure, self.failure = self.failure, None
        return failure

    def write(
        self,
        model: type[models.Model],
        instances: list[models.Model],
        rows: list[list],
        *,
        batch_size: int,
        history: dict[str, Any] | None,
    ) -> None:
        """Insert the prepared ``rows`` of ``instances`` (and copy them to their history with
        ``history``'s who and why), in the thread; returns at once."""
        self.settle()
        self.pending = self.executor.submit(
            self._write, model, list(instances), rows, batch_size, history
        )

    def _write(self, model, instances, rows, batch_size, history) -> None:
        self.local.writing = True
        connection = self.connection
        with connection.make_cursor(connection.create_cursor()) as cursor:
            cursor.execute(f"SAVEPOINT {SAVEPOINT}")
            try:
                ids = run_insert(model, rows, cursor, connection, batch_size=batch_size)
                if history is not None:
                    statements = history_statements(model, ids, connection=connection, **history)
                    for sql, params in statements or ():
                        cursor.execute(sql, params)
            except BaseException:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
                cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
                raise
            cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        give_ids(model, instances, ids, self.using)
