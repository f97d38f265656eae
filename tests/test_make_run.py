"""`make run` serves on the port asked for (README: "Quick start"), read from a dry run of make."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*arguments: str) -> str:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    return subprocess.run(
        ["make", "-n", "run", *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_serves_on_port_8000_by_default() -> None:
    assert "runserver 127.0.0.1:8000" in _dry_run()


def test_make_run_serves_on_the_port_given() -> None:
    commands = _dry_run("PORT=8001")
    assert "runserver 127.0.0.1:8001" in commands
    assert "DJANGO_BASE_URL='http://127.0.0.1:8001'" in commands
