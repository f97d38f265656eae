"""The project import of the benchmark: the adapter to whatever import the project has.

The import through django-import-export (``projects.resources.ProjectResource``) comes with issue
5. This module is the one place that knows how to call it: until it exists, ``time_import`` answers
None and the benchmark prints "n/a (import not installed)".
"""

from __future__ import annotations

import importlib
import time

import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.timing import Timing
from projects.models import Project
from strategies.models import Strategy

NOT_INSTALLED = "n/a (import not installed)"


def time_import(strategy: Strategy) -> Timing | None:
    """Export the strategy's projects with the import's own resource, change every title, then
    import the rows back as the secretariat does: a dry run, then the confirmation. The time and
    the queries of both; None when the project has no import."""
    try:
        resources = importlib.import_module("projects.resources")
    except ImportError:
        return None
    resource_class = getattr(resources, "ProjectResource", None)
    if resource_class is None:
        return None
    try:
        resource = resource_class(strategy=strategy)
    except TypeError:
        resource = resource_class()
    dataset = resource.export(queryset=Project.objects.filter(strategy=strategy))
    title = next((h for h in dataset.headers if h in ("title", "titre", "Titre")), None)
    if title is not None:  # every row changes: the confirmation writes each project
        column = dataset.headers.index(title)
        rows = [list(row) for row in dataset]
        for row in rows:
            row[column] = f"{row[column]} (importé)"
        dataset = tablib.Dataset(*rows, headers=dataset.headers)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for dry_run in (True, False):
            result = resource.import_data(
                dataset, dry_run=dry_run, use_transactions=True, strategy=strategy
            )
            if result.has_errors() or result.has_validation_errors():
                raise RuntimeError(f"the import refused the exported rows: {result.totals}")
        seconds = time.perf_counter() - start
    return Timing(seconds, len(queries))
