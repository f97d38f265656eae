"""Enqueue a background task once the current transaction commits (Django's Tasks API).

The lowest layer that every app which changes data can import (``spreadsheets`` below it is the
spreadsheet machinery only). A task enqueued inside a transaction would otherwise reach a worker
before its rows are committed, or survive their rollback; outside a transaction it is enqueued at
once. Tasks themselves live in each app's ``tasks.py`` (``from django_tasks import task``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task  # django.tasks.Task in Django 6


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """``task.enqueue(*args, **kwargs)`` when the current transaction (default database) commits.

    The task's result is not returned: it does not exist yet. A task that must be followed
    enqueues itself, or records what it did, in the rows it changes."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
