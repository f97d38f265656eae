"""The upgrade from the code before the apps moved: a database built by the previous code with the
demo and an editor's changes, migrated by the current code, still serves the editor.

The previous code is the commit before the restructure (workshops left ``cockpit``, proposals,
criteria and scores left ``projects``), taken out of git history with ``git archive`` and run for
real in subprocesses: its ``migrate``, its ``load_demo``, then ``with_previous_code.py`` (the
secretariat changes a proposal, a workshop and a decision, each with its history record and admin
log entry). The current code's ``migrate`` follows, then ``with_current_code.py``: the editor logs
in, edits the proposal, imports a project, reads the history. The database is a SQLite file, or on
PostgreSQL a database named after the test database with an ``_upgrade`` suffix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.upgrade.with_current_code import IMPORTED, MOVED_PERMISSIONS, NEW_TITLE
from tests.upgrade.with_previous_code import REASON

# The last commit before the restructure into workshops, prioritisation, steering... (3a555d6).
PREVIOUS = "0e58737"
REPO = Path(settings.BASE_DIR)
HERE = Path(__file__).resolve().parent
# Where each moved model's content type, permissions and log entries must now be found.
MOVED_APPS = {
    **{
        ("cockpit", model): "workshops"
        for model in (
            "workshop",
            "historicalworkshop",
            "agendaitem",
            "decision",
            "historicaldecision",
        )
    },
    **{
        ("projects", model): "prioritisation"
        for model in ("criterion", "proposal", "historicalproposal", "score", "historicalscore")
    },
}


def moved(label: str) -> str:
    """``cockpit.workshop[.codename]`` → ``workshops.workshop[.codename]``; others unchanged."""
    app, model, *rest = label.split(".")
    return ".".join([MOVED_APPS.get((app, model), app), model, *rest])


@pytest.fixture
def previous_code(tmp_path) -> Path:
    """The previous code's tree, out of git history (the work tree and its git data untouched)."""
    git = shutil.which("git")
    known = git and subprocess.run(
        [git, "-C", REPO, "rev-parse", "--verify", "--quiet", f"{PREVIOUS}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if not known or known.returncode != 0:
        pytest.fail(
            f"The upgrade test builds its database with the previous code, commit {PREVIOUS}, "
            "taken from git history, which this checkout lacks (no git, no .git, or a shallow "
            "clone): run `git fetch --unshallow` (CI: clone with the full history)."
        )
    ancestor = subprocess.run(
        [git, "-C", REPO, "merge-base", "--is-ancestor", PREVIOUS, "HEAD"], check=False
    )
    assert ancestor.returncode == 0, f"{PREVIOUS} is not an ancestor of the code under test"
    tree = tmp_path / "previous"
    tree.mkdir()
    archive = subprocess.run(
        [git, "-C", REPO, "archive", PREVIOUS], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return tree


@pytest.fixture
def upgrade_database(django_db_setup, tmp_path) -> Iterator[str]:
    """The URL of an empty database for the upgrade, on the test database's engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    assert connection.vendor == "postgresql", connection.vendor
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    name = f"{params['NAME']}_upgrade"
    server = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }

    def execute(statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(sql.SQL(statement).format(sql.Identifier(name)))

    execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    execute("CREATE DATABASE {}")
    credentials = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    address = f"{params['HOST'] or ''}:{params['PORT']}" if params["PORT"] else params["HOST"]
    try:
        yield f"postgres://{credentials}@{address or ''}/{quote(name, safe='')}"
    finally:
        execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def environment(database_url: str, code: Path) -> dict[str, str]:
    """This process's environment without its Django and cockpit settings: development mode (no
    secret key needed) on the upgrade database, with ``code`` first on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COCKPIT_")) and key not in {"DATABASE_URL", "PYTHONPATH"}
    }
    return {
        **env,
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(code),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


class Steps:
    """Runs each step in a subprocess, fails with its output, and times it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, name: str, args: list[str], *, code: Path, env: dict[str, str]):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, *args],
            cwd=code,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.timings[name] = round(time.perf_counter() - start, 1)
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
        return result


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_editor_still_edits_imports_and_reads_history_after_the_upgrade(
    previous_code, upgrade_database, record_property
):
    steps = Steps()
    old = environment(upgrade_database, previous_code)
    new = environment(upgrade_database, REPO)

    # The previous code builds the database: migrations, demo, the secretariat's changes.
    migrated = steps.run(
        "previous migrate", ["manage.py", "migrate", "--noinput"], code=previous_code, env=old
    )
    # Its C module (cockpit/_framestack.c) is not built here: a warning, and it carries on.
    assert "cockpit._framestack is not built" in migrated.stderr
    steps.run("previous load_demo", ["manage.py", "load_demo"], code=previous_code, env=old)
    before = last_json(
        steps.run(
            "previous edits",
            [str(HERE / "with_previous_code.py")],
            code=previous_code,
            env=old,
        ).stdout
    )
    assert before["cockpit_package"] == str(previous_code / "cockpit")

    # The current code migrates it, then the editor works.
    migrated = steps.run(
        "current migrate", ["manage.py", "migrate", "--noinput"], code=REPO, env=new
    )
    assert "Applying prioritisation.0002_content_types... OK" in migrated.stdout
    after = last_json(
        steps.run(
            "current editor",
            [str(HERE / "with_current_code.py"), json.dumps(before)],
            code=REPO,
            env=new,
        ).stdout
    )
    record_property("timings", steps.timings)
    print(connection.vendor, steps.timings)
    facts = after["facts"]
    edited = before["edited"]

    # (a) The secretariat's group keeps every permission, on the moved content types.
    assert facts["group_permissions"] == sorted(moved(name) for name in before["group_permissions"])
    assert "prioritisation.proposal.change_proposal" in facts["group_permissions"]
    assert after["login"]["status"] == 302
    assert after["permissions"] == dict.fromkeys(MOVED_PERMISSIONS, True)
    for (app, model), new_app in MOVED_APPS.items():
        assert (
            facts["content_types"][f"{new_app}.{model}"]
            == before["content_types"][f"{app}.{model}"]
        )
        assert f"{app}.{model}" not in facts["content_types"]

    # (b) The editor opens the proposal the previous code changed and saves an edit.
    edit = after["edit"]
    assert (edit["page"], edit["save"], edit["errors"]) == (200, 302, "")
    assert edit["location"].startswith("/admin/prioritisation/proposal/")
    assert edit["title"] == NEW_TITLE
    assert edit["history_user"] == "secretariat"

    # (c) The editor imports a project: preview, confirmation, the project with its history.
    imported = after["import"]
    assert imported["preview"] == 200
    assert imported["counts"] == {"new": 1, "update": 0, "skip": 0, "invalid": 0}
    assert (imported["confirm"], imported["location"]) == (302, "/admin/projects/project/")
    assert imported["project"] == {
        "title": IMPORTED["title"],
        "measure": IMPORTED["measure"],
        "history_user": "secretariat",
    }

    # (d) The proposal's history shows the change made with the previous code; the admin log
    # entries made before the upgrade still lead to their objects.
    history = after["history"]
    assert history["status"] == 200
    assert edited["projects.Proposal"]["history_id"] in history["records"]
    assert REASON in history["html"]
    assert edited["projects.Proposal"]["value"] in history["html"]  # the title the old code set
    assert NEW_TITLE in history["html"]
    assert (
        history["old_url"]
        == f"/admin/prioritisation/proposal/{edited['projects.Proposal']['pk']}/history/"
    )
    assert set(after["log_entries"]) == set(before["log_entries"])
    for pk, content_type in before["log_entries"].items():
        assert after["log_entries"][pk]["content_type"] == moved(content_type)
    for label, change in edited.items():
        entry = after["log_entries"][str(change["log_entry"])]
        model = moved(label.lower())
        assert entry["object"].lower() == f"{model}:{change['pk']}"
        assert entry["admin_url"] == f"/admin/{model.replace('.', '/')}/{change['pk']}/change/"
        assert entry["admin_url_status"] == 200
    assert after["admin_index"] == 200

    # (e) The workshops, decisions, proposals... and their history are all there, as they were.
    assert facts["counts"] == before["counts"]
    assert facts["history"] == before["history"]
    assert all(count for count in facts["counts"].values()), facts["counts"]
    assert after["pages"] == {
        "workshop": {"change": 200, "history": 200},
        "decision": {"change": 200, "history": 200},
    }
