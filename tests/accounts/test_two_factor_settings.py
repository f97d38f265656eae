"""Two-factor login is required in production and not in development, unless configured."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def required(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_ALLOW_ASYNC_UNSAFE="true", **env)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)",
        ],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return (result.stdout + result.stderr).strip().splitlines()[-1]


def test_two_factor_login_is_required_when_debug_is_off_and_not_in_development():
    assert required(DJANGO_SECRET_KEY="k" * 50) == "True"
    assert required(DJANGO_DEBUG="1") == "False"
