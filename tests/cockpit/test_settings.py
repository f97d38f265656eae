"""Settings read the environment: development by default on a laptop, production when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def debug_setting(**env) -> str:
    return setting("DEBUG", **env)


def setting(name: str, **env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return (result.stdout + result.stderr).strip().splitlines()[-1]


def test_manage_py_runs_in_development_mode_when_nothing_is_configured():
    assert debug_setting() == "True"


def test_manage_py_keeps_production_settings_when_a_secret_key_is_set():
    assert debug_setting(DJANGO_SECRET_KEY="k" * 50) == "False"


def test_mails_go_to_the_console_in_development_and_to_smtp_in_production():
    assert setting("EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend"
    assert setting("EMAIL_BACKEND", DJANGO_EMAIL_BACKEND="") == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert setting("EMAIL_BACKEND", DJANGO_SECRET_KEY="k" * 50) == (
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_the_server_refuses_to_start_without_a_secret_key_in_production():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import cockpit.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dates_read_dd_mm_yyyy_in_both_languages(language):
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(datetime.date(2019, 6, 3), "SHORT_DATE_FORMAT") == "03.06.2019"
        assert date_format(datetime.date(2019, 6, 3)) == "03.06.2019"


def test_previous_secret_keys_are_read_for_a_rotation():
    assert setting("SECRET_KEY_FALLBACKS", DJANGO_DEBUG="1") == "[]"
    fallbacks = setting("SECRET_KEY_FALLBACKS", DJANGO_DEBUG="1", DJANGO_SECRET_KEY_FALLBACKS="a,b")
    assert fallbacks == "['a', 'b']"
