"""The import benchmark's functions run (at a tiny size) as ``manage.py bench_import`` and a general
benchmark call them, so that they cannot rot."""

import io

import pytest

from bench.import_bench import (
    ImportBenchmark,
    Phase,
    bench_admin_import,
    bench_worker_import,
    build_strategy,
    machine,
    project_rows,
    value_rows,
)
from bench.management.commands.bench_import import TARGET_VALUES, VALUES_LABEL, Command
from indicators.models import IndicatorValue
from projects.models import Project
from tests.factories import UserFactory


def test_the_project_import_benchmark_measures_the_admin_requests(db):
    strategy = build_strategy(projects=40)
    user = UserFactory(username="banc", is_staff=True, is_superuser=True)

    result = bench_admin_import(Project, strategy, project_rows(strategy, 40), user)

    assert [phase.name for phase in result.phases] == [
        "fichier xlsx",
        "aperçu",
        "confirmation",
        "réimport inchangé (aperçu)",
    ]
    assert result.counts["aperçu"]["new"] == 40
    assert result.counts["réimport inchangé (aperçu)"]["skip"] == 40
    assert Project.objects.filter(strategy=strategy).count() == 40
    assert all(phase.seconds > 0 and phase.peak_mb > 0 for phase in result.phases)
    assert result.phase("confirmation").queries > 0
    assert result.preview_and_confirm > 0


def test_the_value_import_benchmark_runs(db):
    strategy = build_strategy(projects=20, indicators=5)
    user = UserFactory(username="banc", is_staff=True, is_superuser=True)

    result = bench_admin_import(IndicatorValue, strategy, value_rows(strategy, 30), user)

    assert result.counts["aperçu"]["new"] == 30
    assert IndicatorValue.objects.filter(indicator__strategy=strategy).count() == 30
    assert "cœurs" in machine()


@pytest.mark.django_db(databases=["default", "jobs"])
def test_the_worker_import_benchmark_runs_both_jobs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    strategy = build_strategy(projects=20, indicators=5)
    user = UserFactory(username="banc", is_staff=True, is_superuser=True)

    result = bench_worker_import(IndicatorValue, strategy, value_rows(strategy, 30), user)

    assert [phase.name for phase in result.phases] == [
        "fichier xlsx",
        "envoi du fichier (requête)",
        "aperçu",
        "page de l'aperçu (requête)",
        "envoi de la confirmation (requête)",
        "confirmation",
    ]
    assert result.counts["aperçu"]["new"] == 30
    assert IndicatorValue.objects.filter(indicator__strategy=strategy).count() == 30
    assert result.phase("confirmation").queries > 0 and result.peak_mb > 0


def value_benchmark(seconds: float, peak_mb: float) -> ImportBenchmark:
    phases = [
        Phase("aperçu", seconds / 2, seconds / 2, 10, peak_mb),
        Phase("confirmation", seconds / 2, seconds / 2, 100, peak_mb - 10),
    ]
    return ImportBenchmark(VALUES_LABEL, TARGET_VALUES, 1, phases)


def test_the_value_import_target_is_printed_met_or_missed():
    out = io.StringIO()
    command = Command(stdout=out, no_color=True)

    command.target_line(value_benchmark(9.5, 150))
    command.target_line(value_benchmark(12.5, 150))
    command.target_line(value_benchmark(9.5, 230))

    lines = out.getvalue().splitlines()
    target = "import of 100,000 values (preview + confirmation) under 12 s and 200 MB"
    assert lines[0].startswith(f"- [x] {target}: 9.5 s")
    assert lines[1].startswith(f"- [ ] {target}: 12.5 s")
    assert lines[2].startswith(f"- [ ] {target}: 9.5 s") and lines[2].endswith("230 MB")
