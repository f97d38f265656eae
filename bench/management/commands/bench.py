"""``manage.py bench``: the benchmark of docs/BENCHMARKS.md, in a database of its own.

By default the command creates a separate database, migrates it, builds synthetic strategies of
100, 300, 1,000 and 10,000 projects, times every page, the cockpit's htmx fragments, the admin's
project list and form, the Excel pack (against its floor), the project import and the strategy
workbook (export, then import into an empty strategy), prints the figures and the issue's
targets, and drops the database. The database is a SQLite file in the
temporary directory, or, with ``DATABASE_URL=postgres://…/NAME``, the PostgreSQL database
``NAME_bench``: never the configured database itself.

``--in-place`` runs in the configured database instead, which must be a test or benchmark one
(its name starts with ``test`` or ends with ``_bench`` or ``_load``): the smoke test does so.
``--populate N`` only adds a strategy of N projects there (``make load`` does so).
``--workbook-only`` measures the strategy workbook alone (``--no-workbook`` leaves it out).
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation

from bench import report, runner, timing
from bench.data import build_strategy
from strategies.models import Territory

DEFAULT_SIZES = (100, 300, 1000, 10000)


def looks_disposable(name: str) -> bool:
    """A database the benchmark may write into: an in-memory or test database, or one named for
    the benchmark or the load test."""
    stem = Path(str(name)).stem
    return "memory" in str(name) or stem.startswith("test") or stem.endswith(("_bench", "_load"))


class Command(BaseCommand):
    help = (
        "Benchmark: synthetic strategies of several sizes in a separate database; server time "
        "and queries of every page, the Excel pack against its floor, the project import."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            nargs="+",
            type=int,
            default=list(DEFAULT_SIZES),
            help="numbers of projects (default: 100 300 1000 10000)",
        )
        parser.add_argument(
            "--runs", type=int, default=5, help="timed runs per page (the median is shown)"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the benchmark database after the run"
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="use the configured database (a test, *_bench or *_load one only)",
        )
        parser.add_argument("--no-import", action="store_true", help="skip the project import")
        parser.add_argument("--no-workbook", action="store_true", help="skip the strategy workbook")
        parser.add_argument(
            "--workbook-only",
            action="store_true",
            help="only the strategy workbook's export and import (no page, pack or import)",
        )
        parser.add_argument(
            "--no-briefing",
            action="store_true",
            help="skip the PDF briefing (made in a fresh process: seconds to a minute a size)",
        )
        parser.add_argument(
            "--no-rss",
            action="store_true",
            help="skip the pack's peak memory measured in a fresh process",
        )
        parser.add_argument(
            "--populate",
            type=int,
            metavar="N",
            help="only add a strategy of N projects to the configured (load) database",
        )
        parser.add_argument("--territory", help="with --populate: the territory's slug")
        parser.add_argument("--password", help="with --populate: the bench users' password")

    def handle(self, *args, **options):
        if any(size < 1 for size in options["sizes"]) or options["runs"] < 1:
            raise CommandError("Les tailles et le nombre de passages doivent être positifs.")
        if options["populate"]:
            self.populate(options)
            return
        if options["in_place"]:
            self.refuse_unless_disposable()
            self.run(options)
            return
        old_name = self.create_database()
        try:
            self.run(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=options["keep"])

    def refuse_unless_disposable(self) -> None:
        name = connection.settings_dict["NAME"]
        if not looks_disposable(name):
            raise CommandError(
                f"La base {name} n'est ni une base de test ni une base de banc d'essai "
                "(…_bench, …_load) : rien n'a été écrit."
            )

    def create_database(self) -> str:
        """A new, migrated database beside the configured one; returns the configured name."""
        test = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test["NAME"] = str(Path(tempfile.gettempdir()) / "cockpit_bench.sqlite3")
        else:
            test["NAME"] = f"{connection.settings_dict['NAME']}_bench"
        self.stdout.write(f"Benchmark database: {test['NAME']} (created, migrated)")
        return connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )

    def populate(self, options) -> None:
        self.refuse_unless_disposable()
        territory = None
        if options["territory"]:
            territory = Territory.objects.filter(slug=options["territory"]).first()
            if territory is None:
                raise CommandError(f"Aucun territoire « {options['territory']} ».")
        size = options["populate"]
        start = time.perf_counter()
        bench = build_strategy(
            size,
            territory=territory,
            label=f"{size}-{os.getpid()}",
            password=options["password"],
        )
        self.stdout.write(
            f"Strategy {bench.strategy.pk} ({size} projects) built in "
            f"{time.perf_counter() - start:.1f} s"
        )

    def run(self, options) -> None:
        say = self.stdout.write
        with (
            translation.override("fr"),
            runner.bench_settings(),
            warnings.catch_warnings(),
        ):
            # The in-process requests fetch no static file: whitenoise need not find the
            # collected ones (it warns "No directory at: staticfiles/" otherwise).
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            say("## Machine")
            for line in report.header_lines():
                say(line)
            reports = []
            for size in options["sizes"]:
                say(f"Size {size}…")
                reports.append(
                    runner.run_size(
                        size,
                        runs=options["runs"],
                        label=f"{size}-{time.time_ns()}",
                        imports=not (options["no_import"] or options["workbook_only"]),
                        rss=not (options["no_rss"] or options["in_place"]),
                        workbooks=not options["no_workbook"],
                        pages_and_pack=not options["workbook_only"],
                        briefing=not (
                            options["no_briefing"]
                            or options["workbook_only"]
                            or options["in_place"]
                        ),
                        say=say,
                    )
                )
            say("")
            say(f"## Figures (median of {options['runs']} runs; Excel pack and floor: ")
            say(f"median of {max(1, min(options['runs'], 3))}; each run from another stack depth;")
            say("max = the slowest run; q = queries)")
            say("")
            for line in report.table(reports):
                say(line)
            say("")
            say("## Targets")
            for line in report.verdicts(reports):
                say(line)
            say("")
            say(f"CPU reference after the run: {timing.cpu_reference()}")
