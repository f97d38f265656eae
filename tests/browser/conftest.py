"""Browser tests drive Debian's Chromium (never a Playwright download) against ``live_server``.

``live_server`` serves from another thread, which sees only committed rows: these tests run with
``transactional_db`` (every table emptied after each test), so they load the demo themselves,
once per test, instead of the module-wide demo of tests/conftest.py.
"""

import io
import shutil

import pytest
from django.core.management import call_command

from strategies.models import Strategy

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A commission in Valais: French first, Swiss dates.
    return {**browser_context_args, "locale": "fr-CH", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """The demo territory, committed for the live server."""
    call_command("load_demo", stdout=io.StringIO())
    return Strategy.objects.get(short_name="SDI")
