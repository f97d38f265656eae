"""The database router of the jobs: their rows go through the ``jobs`` database alias.

Progress must be readable while the task's own transaction (an import, all or nothing) is still
open, and on SQLite the task holds the write lock of the main file for its whole length. So the
``jobs`` alias is a connection of its own, in autocommit: on PostgreSQL the same database (each
progress update is committed at once, whatever the task's connection is doing), on SQLite a
separate file next to the main one (``db-jobs.sqlite3``), which no import ever locks.

When both aliases name one database (``JOBS_DATABASE_SHARED``), every app migrates on either alias
(the same tables, whichever runs first); otherwise the jobs app lives only in the jobs file and
the other apps only in the main database.
"""

from __future__ import annotations

from django.conf import settings

JOBS_DB = "jobs"


class JobsRouter:
    def db_for_read(self, model, **hints):
        return JOBS_DB if model._meta.app_label == "jobs" else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if settings.JOBS_DATABASE_SHARED:
            return None
        if db == JOBS_DB:
            return app_label == "jobs"
        if app_label == "jobs":
            return False
        return None
