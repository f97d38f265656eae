"""The indicator values' import of the fault runs (``loadtest/faults.sh``) and of the logins
measured during an import (``loadtest/sqlite_logins.py``), in a process of its own, on the
database of ``DATABASE_URL``:

- ``importer.py prepare``: a strategy of 500 indicators (``bench.import_bench.build_strategy``)
  and a superuser ``login`` (password ``LOAD_PASSWORD``, "demo"); prints the strategy's id;
- ``importer.py import STRATEGY_ID N``: N new values imported into it by the admin's
  confirmation code (``IndicatorValueResource.import_data``, one transaction: all or nothing);
  prints ``writing`` when the import starts and ``imported N`` when it has committed;
- ``importer.py count STRATEGY_ID``: the strategy's values, counted.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from bench.import_bench import build_strategy, value_rows  # noqa: E402
from indicators.models import IndicatorValue  # noqa: E402
from indicators.resources import IndicatorValueResource  # noqa: E402
from strategies.models import Strategy  # noqa: E402

INDICATORS = 500


def prepare() -> None:
    get_user_model().objects.create_superuser(
        "login", "login@example.org", os.environ.get("LOAD_PASSWORD", "demo")
    )
    strategy = build_strategy(projects=20, indicators=INDICATORS, name="faults")
    print(strategy.pk)


def run_import(strategy_id: int, count: int) -> None:
    strategy = Strategy.objects.get(pk=strategy_id)
    dataset = value_rows(strategy, count)
    print("writing", flush=True)
    start = time.perf_counter()
    result = IndicatorValueResource(strategy=strategy).import_data(
        dataset, dry_run=False, use_transactions=True
    )
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit(f"import refused: {result.counts}")
    print(f"imported {result.counts['new']} in {time.perf_counter() - start:.1f} s", flush=True)


def count(strategy_id: int) -> None:
    print(IndicatorValue.objects.filter(indicator__strategy=strategy_id).count())


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "prepare":
        prepare()
    elif command == "import":
        run_import(int(arguments[0]), int(arguments[1]))
    elif command == "count":
        count(int(arguments[0]))
    else:
        raise SystemExit(__doc__)
