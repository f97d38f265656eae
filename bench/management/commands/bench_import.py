"""``manage.py bench_import [--projects N] [--values N] [--worker]``: how long the admin's
spreadsheet import takes, with how many queries and how much memory, on a throwaway database.

By default the whole import runs in the admin's requests (as a file under
``IMPORT_BACKGROUND_ROWS`` rows does). With ``--worker`` the file goes the way of a large one:
the preview and the confirmation are background jobs, each run in a fresh process as the task
worker would (``manage.py bench_import --run-job <id>`` on the same throwaway databases, no HTTP),
which reports its time, CPU time, queries and peak RSS (the whole process's: Django included).

The database is a copy made for the run, like the test runner's (a temporary SQLite file, or
``test_<name>`` on PostgreSQL with ``DATABASE_URL``), migrated, then dropped: the real data is
never touched. The targets: 10,000 projects, preview plus confirmation, under 10 s (issue 5);
100,000 indicator values under 12 s and 200 MB (issue 14).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connections
from django.test.utils import (
    override_settings,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

from bench.import_bench import (
    ImportBenchmark,
    Phase,
    bench_admin_import,
    bench_worker_import,
    build_strategy,
    machine,
    project_rows,
    run_job_here,
    value_rows,
)
from bench.timing import cpu_reference
from indicators.models import IndicatorValue
from projects.models import Project

#: Indicators of the values' benchmark (the issue's top size: 500 indicators, 100,000 values).
INDICATORS = 500
#: The target of issues 14 and 19: 100,000 values, preview plus confirmation, under 12 s and
#: 200 MB (a line met or missed at the end, when that many values were imported).
TARGET_VALUES = 100_000
VALUES_TARGET_SECONDS = 12
VALUES_TARGET_MB = 200
VALUES_LABEL = "valeurs d'indicateurs"


class Command(BaseCommand):
    help = (
        "Mesure l'import de tableurs de l'administration (aperçu, confirmation, réimport) sur une "
        "base jetable : temps, requêtes, mémoire."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--projects", type=int, default=10_000, help="projets importés")
        parser.add_argument("--values", type=int, default=100_000, help="valeurs importées")
        parser.add_argument(
            "--worker",
            action="store_true",
            help="aperçu et confirmation en tâches de fond, chacune dans un processus neuf",
        )
        # Internal: the process that runs one job (``--worker``), on the run's databases.
        parser.add_argument("--run-job", default="", help=argparse.SUPPRESS)
        parser.add_argument("--databases", default="", help=argparse.SUPPRESS)

    def handle(self, *args, projects: int, values: int, worker: bool, **options) -> None:
        if options["run_job"]:
            self.run_job(options["run_job"], options["databases"])
            return
        self.worker = worker
        with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
            self.folder = folder
            database = settings.DATABASES["default"]
            if database["ENGINE"].endswith("sqlite3"):
                database.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
                # A file, not memory: the worker's process opens it too.
                jobs_database = settings.DATABASES["jobs"]
                if jobs_database["ENGINE"].endswith("sqlite3"):
                    jobs_database.setdefault("TEST", {})["NAME"] = str(
                        Path(folder) / "bench-jobs.sqlite3"
                    )
            media = override_settings(MEDIA_ROOT=str(Path(folder) / "media"))  # the jobs' files
            media.enable()
            # The test client's responses carry their context (the import's result) only in a
            # test environment.
            setup_test_environment()
            old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "No directory at", UserWarning)
                    self.run(projects, values)
            finally:
                connections.close_all()  # the jobs alias's too (PostgreSQL: the same database)
                teardown_databases(old_config, verbosity=0)
                teardown_test_environment()
                media.disable()

    def bench(self, model, strategy, dataset, user, *, label: str) -> ImportBenchmark:
        if self.worker:
            return bench_worker_import(
                model, strategy, dataset, user, run_job=self.job_in_fresh_process, label=label
            )
        return bench_admin_import(model, strategy, dataset, user, label=label)

    def job_in_fresh_process(self, job_id: str, name: str) -> Phase:
        """The job run by a new ``manage.py`` process on this run's databases, as the worker
        would; its measure read from its last line of output."""
        names = {alias: connections[alias].settings_dict["NAME"] for alias in ("default", "jobs")}
        done = subprocess.run(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "bench_import",
                "--run-job",
                job_id,
                "--databases",
                json.dumps(names),
            ],
            env={**os.environ, "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"La tâche {name} a échoué :\n{done.stderr[-3000:]}")
        measure = json.loads(done.stdout.strip().splitlines()[-1])
        return Phase(name, **measure)

    def run_job(self, job_id: str, databases: str) -> None:
        """In the fresh process: the run's databases in place of the settings', then the job."""
        settings.DEBUG = False  # as a worker in production: no query log
        for alias, name in json.loads(databases).items():
            connections[alias].settings_dict["NAME"] = name
        phase = run_job_here(job_id, "tâche")
        measure = {
            "seconds": phase.seconds,
            "cpu_seconds": phase.cpu_seconds,
            "queries": phase.queries,
            "peak_mb": phase.peak_mb,
        }
        self.stdout.write(json.dumps(measure))

    def run(self, projects: int, values: int) -> None:
        where = "aperçu et confirmation dans le worker" if self.worker else "dans la requête"
        self.stdout.write(f"Import de tableurs dans l'administration ({where}) – {machine()}")
        self.stdout.write(f"Référence CPU au début : {cpu_reference()}")
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
        results = []
        if projects:
            strategy = build_strategy(projects=projects, name="projets")
            results.append(
                self.bench(
                    Project, strategy, project_rows(strategy, projects), user, label="projets"
                )
            )
            self.report(results[-1], target=10)
        if values:
            strategy = build_strategy(projects=20, indicators=INDICATORS, name="valeurs")
            results.append(
                self.bench(
                    IndicatorValue,
                    strategy,
                    value_rows(strategy, values),
                    user,
                    label=VALUES_LABEL,
                )
            )
            self.report(results[-1], target=VALUES_TARGET_SECONDS, memory=VALUES_TARGET_MB)
        self.stdout.write("")
        self.stdout.write(f"Référence CPU à la fin : {cpu_reference()}")
        for result in results:
            if result.label == VALUES_LABEL and result.rows == TARGET_VALUES:
                self.target_line(result)

    def target_line(self, result: ImportBenchmark) -> None:
        """The target of issue 19, met or missed: 100,000 values, preview plus confirmation,
        under 12 s and 200 MB."""
        met = (
            result.preview_and_confirm < VALUES_TARGET_SECONDS and result.peak_mb < VALUES_TARGET_MB
        )
        line = (
            f"- [{'x' if met else ' '}] import of {TARGET_VALUES:,} values (preview + "
            f"confirmation) under {VALUES_TARGET_SECONDS:g} s and {VALUES_TARGET_MB} MB: "
            f"{result.preview_and_confirm:.1f} s ({result.preview_and_confirm_cpu:.1f} s CPU), "
            f"{result.peak_mb:.0f} MB"
        )
        self.stdout.write(self.style.SUCCESS(line) if met else self.style.ERROR(line))

    def report(self, result: ImportBenchmark, *, target: float, memory: float = 0) -> None:
        self.stdout.write("")
        size = result.file_bytes / 1024 / 1024
        self.stdout.write(f"{result.rows} {result.label} (xlsx de {size:.1f} Mo)")
        self.stdout.write(
            f"  {'étape':<36} {'secondes':>9} {'s CPU':>7} {'requêtes':>9} {'pic Mo':>7}"
        )
        for phase in result.phases:
            self.stdout.write(
                f"  {phase.name:<36} {phase.seconds:>9.2f} {phase.cpu_seconds:>7.2f} "
                f"{phase.queries:>9} {phase.peak_mb:>7.0f}"
            )
        for name, counts in result.counts.items():
            self.stdout.write(
                f"  {name} : {counts['new']} nouvelles, {counts['update']} modifiées, "
                f"{counts['skip']} inchangées"
            )
        total = result.preview_and_confirm
        verdict = "OK" if total < target and (not memory or result.peak_mb < memory) else "TROP"
        limits = f"< {target} s" + (f", < {memory} Mo" if memory else "")
        cpu = result.preview_and_confirm_cpu
        line = (
            f"  aperçu + confirmation : {total:.2f} s ({cpu:.2f} s CPU), "
            f"pic {result.peak_mb:.0f} Mo (cible {limits}) : {verdict}"
        )
        self.stdout.write(self.style.SUCCESS(line) if verdict == "OK" else self.style.ERROR(line))
