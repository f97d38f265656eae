"""Timing the admin's spreadsheet import, as a secretariat would run it: an xlsx uploaded to the
import page (file checks, read, dry run, preview), then the confirmation (read again, import,
history, admin log), then the same file again (nothing to change).

Functions, not a command, so that ``manage.py bench_import`` and a general benchmark can call
them on a database of their choosing:

- ``build_strategy(projects=..., indicators=...)``: a synthetic strategy to import into (axes,
  domains, measures in proportion, communes, themes, indicators);
- ``project_rows(strategy, count)`` / ``value_rows(strategy, count)``: new rows for it, as a
  dataset with the import's columns;
- ``bench_admin_import(model, strategy, dataset, user)``: the three admin requests above, each
  measured (``Phase``: seconds, queries, peak memory of the process), the file imported in the
  request whatever its size (``IMPORT_BACKGROUND_ROWS`` raised for the run);
- ``bench_worker_import(model, strategy, dataset, user, run_job=...)``: the same file above
  ``IMPORT_BACKGROUND_ROWS``, as a secretariat gets it: the upload request, the preview's job,
  the preview page, the confirmation request, the confirmation's job; ``run_job(job_id)`` runs a
  job and measures it (``manage.py bench_import --worker``: in a fresh process, as the worker
  would; here by default: in this process, ``run_job_here``).

Peak memory is the process's resident high-water mark, reset before each phase where Linux allows
it (``/proc/self/clear_refs``), else the high-water mark since the start (an upper bound). Before
each phase the memory freed by the previous ones is given back to the system (a full garbage
collection, then glibc's ``malloc_trim``), so that a phase's peak is what it needs on top of what
is alive, not what an earlier phase left in the allocator; the benchmark's own rows are dropped
once written to the file.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import gc
import os
import platform
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from indicators.models import Indicator
from indicators.resources import IndicatorValueResource
from jobs import services as jobs
from jobs.models import Job
from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.formats import XLSX
from strategies.models import Axis, Commune, Domain, Measure, Strategy, Territory, Theme

PROJECTS_PER_MEASURE = 20


@dataclass
class Phase:
    name: str
    #: Wall-clock time, and the CPU time of this process (Python and SQLite; not PostgreSQL's):
    #: on a machine shared with other jobs, the second tells what the first would be alone.
    seconds: float
    cpu_seconds: float
    queries: int
    peak_mb: float


@dataclass
class ImportBenchmark:
    label: str
    rows: int
    file_bytes: int
    phases: list[Phase] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def phase(self, name: str) -> Phase:
        return next(phase for phase in self.phases if phase.name == name)

    @property
    def preview_and_confirm(self) -> float:
        """The figure of the target: dry run (preview) plus confirmation."""
        return self.phase("aperçu").seconds + self.phase("confirmation").seconds

    @property
    def preview_and_confirm_cpu(self) -> float:
        return self.phase("aperçu").cpu_seconds + self.phase("confirmation").cpu_seconds

    @property
    def peak_mb(self) -> float:
        """The peak of the target's steps: the preview and the confirmation."""
        return max(self.phase("aperçu").peak_mb, self.phase("confirmation").peak_mb)


def machine() -> str:
    """The machine as the figures depend on it: cores, load when measured, Python, database."""
    if connection.vendor == "sqlite":
        database = "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    else:
        version = connection.pg_version
        database = f"{connection.display_name} {version // 10000}.{version % 10000}"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (
        f"{os.cpu_count()} cœurs (charge {load:.1f}), Python {platform.python_version()}, "
        f"{database}"
    )


# --- Measuring ------------------------------------------------------------------------------------


def _release_memory() -> None:
    """Memory freed so far given back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def measured(name: str, phases: list[Phase]) -> Iterator[None]:
    """Time, queries and peak memory of the block, appended to ``phases``."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    _release_memory()
    _reset_peak()
    start, cpu_start = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        yield
    phases.append(
        Phase(
            name,
            time.perf_counter() - start,
            time.process_time() - cpu_start,
            queries,
            _peak_mb(),
        )
    )


# --- Synthetic data -------------------------------------------------------------------------------


def build_strategy(*, projects: int, indicators: int = 0, name: str = "bench") -> Strategy:
    """A strategy with 4 axes of 3 domains, one measure per 20 projects, 3 communes, 4 themes and
    ``indicators`` strategic indicators (written in bulk: this is the stage, not the play)."""
    territory = Territory.objects.create(name=f"Territoire {name}", slug=f"territoire-{name}")
    strategy = Strategy.objects.create(
        territory=territory,
        title=f"Stratégie {name}",
        short_name="BENCH",
        start_year=2020,
        horizon_year=2030,
    )
    Commune.objects.bulk_create(
        Commune(territory=territory, name=commune) for commune in ("Amont", "Centre", "Aval")
    )
    Theme.objects.bulk_create(
        Theme(strategy=strategy, name=theme)
        for theme in ("Communication", "Digitalisation", "Durabilité", "Énergie")
    )
    axes = Axis.objects.bulk_create(
        Axis(strategy=strategy, number=number, title=f"Axe {number}") for number in range(1, 5)
    )
    domains = Domain.objects.bulk_create(
        Domain(axis=axis, title=f"Domaine {axis.number}.{order}", order=order)
        for axis in axes
        for order in range(1, 4)
    )
    measure_count = max(1, projects // PROJECTS_PER_MEASURE)
    Measure.objects.bulk_create(
        Measure(
            strategy=strategy,
            domain=domains[index % len(domains)],
            axis_id=domains[index % len(domains)].axis_id,
            code=f"m{index + 1}",
            title=f"Mesure {index + 1}",
        )
        for index in range(measure_count)
    )
    Indicator.objects.bulk_create(
        Indicator(
            strategy=strategy,
            code=f"s{index + 1}",
            name=f"Indicateur {index + 1}",
            level=Indicator.Level.STRATEGIC,
            axis=axes[index % len(axes)],
            target_value=Decimal(1000),
        )
        for index in range(indicators)
    )
    return strategy


def project_rows(strategy: Strategy, count: int) -> tablib.Dataset:
    """``count`` new projects of the strategy, every column filled."""
    headers = [field.column_name for field in ProjectResource().get_import_fields()]
    measures = list(Measure.objects.filter(strategy=strategy).values_list("code", flat=True))
    communes = list(
        Commune.objects.filter(territory=strategy.territory_id).values_list("name", flat=True)
    )
    themes = list(Theme.objects.filter(strategy=strategy).values_list("name", flat=True))
    statuses = [str(label) for _value, label in Project.Status.choices]
    dataset = tablib.Dataset(headers=headers)
    start = datetime.date(2024, 1, 1)
    for index in range(count):
        begin = start + datetime.timedelta(days=index % 700)
        row = {
            "Code": f"p{index + 1}",
            "Titre": f"Projet de démonstration numéro {index + 1}",
            "Mesure": measures[index % len(measures)],
            "Priorité": 1 + index % 3,
            "Qui ?": f"Porteur {index % 17}",
            "Partenaires": "Communes, associations",
            "Communes": "; ".join(communes[: 1 + index % len(communes)]),
            "Thèmes": themes[index % len(themes)],
            "Axe": None,  # the measure's
            "Responsable de la mise à jour": None,
            "Début": begin,
            "Fin": begin + datetime.timedelta(days=365 + index % 400),
            "Statut": statuses[index % len(statuses)],
            "Commentaire sur le statut": "",
            "Avancement (%)": index % 101,
            "Budget prévu": 10000 + index * 10,
            "Budget engagé": 8000 + index * 5,
            "Budget dépensé": 5000 + index * 3,
            "Nature du budget": "investissement" if index % 2 else "fonctionnement",
            "Description": f"Description du projet {index + 1}, sur deux phrases. Rien de plus.",
            "Stratégie": str(strategy),
        }
        dataset.append([row[header] for header in headers])
    return dataset


def value_rows(strategy: Strategy, count: int) -> tablib.Dataset:
    """``count`` new values spread over the strategy's indicators, one a day per indicator."""
    headers = [field.column_name for field in IndicatorValueResource().get_import_fields()]
    codes = list(Indicator.objects.filter(strategy=strategy).values_list("code", flat=True))
    dataset = tablib.Dataset(headers=headers)
    start = datetime.date(2020, 1, 1)
    for index in range(count):
        row = {
            "Indicateur": codes[index % len(codes)],
            "Date": start + datetime.timedelta(days=index // len(codes)),
            "Valeur": round(100 + (index % 997) * 0.37, 2),
            "Source": "Relevé",
            "Commentaire": "",
            "Stratégie": str(strategy),
        }
        dataset.append([row[header] for header in headers])
    return dataset


# --- The admin's import, measured -----------------------------------------------------------------


def bench_admin_import(
    model: type[Model],
    strategy: Strategy,
    dataset: tablib.Dataset,
    user,
    *,
    label: str = "",
) -> ImportBenchmark:
    """The dataset as an xlsx, imported through the admin by ``user`` (who needs the import
    permission and the strategy): preview, confirmation, then the same file again. Needs a test
    environment (``setup_test_environment()``; pytest-django sets one up), whose test client keeps
    the responses' context."""
    phases: list[Phase] = []
    with measured("fichier xlsx", phases):
        content = XLSX().export_data(dataset)
    result = ImportBenchmark(
        label or str(model._meta.verbose_name_plural), len(dataset), len(content), phases
    )
    del dataset  # the import's memory, not the benchmark's
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    client = Client()
    client.force_login(user)

    def preview(name: str) -> dict:
        with measured(name, phases):
            response = client.post(
                reverse(f"{prefix}_import"),
                {
                    "strategy": strategy.pk,
                    "format": 0,
                    "resource": 0,
                    "import_file": SimpleUploadedFile(
                        "bench.xlsx", content, content_type=XLSX().get_content_type()
                    ),
                },
            )
        import_result = response.context["result"]
        result.counts[name] = import_result.counts
        if import_result.problems or import_result.file_errors:
            problems = import_result.file_errors + [
                f"ligne {problem.line}, {problem.column} : {problem.message}"
                for problem in import_result.problems[:5]
            ]
            raise RuntimeError("Import refusé : " + " ; ".join(problems))
        confirm_form = response.context.get("confirm_form")
        if confirm_form is None:
            return {}
        return {
            field: confirm_form.initial[field]
            for field in confirm_form.fields
            if confirm_form.initial.get(field) is not None
        }

    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        IMPORT_BACKGROUND_ROWS=10**9,  # in the request, whatever the size
    ):
        confirm = preview("aperçu")
        with measured("confirmation", phases):
            response = client.post(reverse(f"{prefix}_process_import"), confirm)
        if response.status_code != 302:
            raise RuntimeError(f"La confirmation a répondu {response.status_code}.")
        preview("réimport inchangé (aperçu)")
    return result


# --- The admin's import in the worker, measured ---------------------------------------------------

#: A job run and measured: the job's id in, its phase (named by the caller) out.
JobRunner = Callable[[str, str], Phase]


def run_job_here(job_id: str, name: str) -> Phase:
    """The job run in this process, as the worker's task does (``jobs.services.run``)."""
    phases: list[Phase] = []
    with measured(name, phases):
        jobs.run(job_id)
    return phases[0]


def bench_worker_import(
    model: type[Model],
    strategy: Strategy,
    dataset: tablib.Dataset,
    user,
    *,
    run_job: JobRunner = run_job_here,
    label: str = "",
) -> ImportBenchmark:
    """The dataset as an xlsx, imported through the admin by ``user`` with the preview and the
    confirmation in the worker (``IMPORT_BACKGROUND_ROWS`` lowered for the run): the requests
    measured here, each job by ``run_job``. The phases « aperçu » and « confirmation » are the
    jobs (the figure of the target)."""
    phases: list[Phase] = []
    with measured("fichier xlsx", phases):
        content = XLSX().export_data(dataset)
    result = ImportBenchmark(
        label or str(model._meta.verbose_name_plural), len(dataset), len(content), phases
    )
    del dataset
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    client = Client()
    client.force_login(user)

    def job_of(response, name: str) -> Job:
        if response.status_code != 302:
            raise RuntimeError(f"{name} : la requête a répondu {response.status_code}.")
        job = Job.objects.filter(user_id=user.pk).order_by("-created_at").first()
        if job is None or response["Location"] != job.get_absolute_url():
            raise RuntimeError(f"{name} : aucune tâche lancée.")
        return job

    def finished(job: Job, name: str) -> Job:
        phases.append(run_job(str(job.pk), name))
        job.refresh_from_db()
        if job.state != Job.State.DONE:
            raise RuntimeError(f"{name} : la tâche a échoué ({job.message}).")
        return job

    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
        IMPORT_BACKGROUND_ROWS=0,
    ):
        with measured("envoi du fichier (requête)", phases):
            response = client.post(
                reverse(f"{prefix}_import"),
                {
                    "strategy": strategy.pk,
                    "format": 0,
                    "resource": 0,
                    "import_file": SimpleUploadedFile(
                        "bench.xlsx", content, content_type=XLSX().get_content_type()
                    ),
                },
            )
        job = finished(job_of(response, "envoi"), "aperçu")
        with measured("page de l'aperçu (requête)", phases):
            response = client.get(job.result_url)
        preview = response.context["result"]
        result.counts["aperçu"] = preview.counts
        if preview.problems or preview.file_errors:
            problems = preview.file_errors + [
                f"ligne {problem['line']}, {problem['column']} : {problem['message']}"
                for problem in preview.problems[:5]
            ]
            raise RuntimeError("Import refusé : " + " ; ".join(problems))
        confirm_form = response.context["confirm_form"]
        data = {
            field: confirm_form.initial[field]
            for field in confirm_form.fields
            if confirm_form.initial.get(field) is not None
        }
        with measured("envoi de la confirmation (requête)", phases):
            response = client.post(reverse(f"{prefix}_process_import"), data)
        job = finished(job_of(response, "confirmation"), "confirmation")
    return result
