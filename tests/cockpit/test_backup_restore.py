"""The documented backup and restore (``make backup`` / ``make restore``) on the demo: every covered
table comes back byte for byte (raw SQL, every column, ordered by primary key), history, link
tables, content types and permissions included, with text as browsers send it (CR LF, a lone CR,
tabs, emoji, control characters); a SQLite backup restores into PostgreSQL (and a PostgreSQL one
into SQLite) with equal rows; an old XML backup still restores; a broken file changes nothing
and says why in one line."""

from __future__ import annotations

import datetime
import decimal
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from cockpit.management.commands.backup import EXCLUDED, covered_models
from projects.models import Project

#: What browsers and spreadsheets put in text: CR LF from a text area, a lone CR, tabs, emoji
#: (outside the BMP), accents, every C0 control but NUL (XML 1.0 cannot carry them), DEL, C1
#: controls, a BOM and the non-characters U+FFFE / U+10FFFF.
AWKWARD = (
    "ligne 1\r\nligne 2\rseule\tentre\ttabs 🚀 été "
    + "".join(chr(c) for c in range(1, 32))
    + "\x7f\x80\x9f\ufeff\ufffe\U0010ffff fin\r\n"
)

DEVNULL = open(os.devnull, "w")  # noqa: SIM115 - the commands' success lines are not checked


def select_every_column(model) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.local_concrete_fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} ORDER BY {pk}"


def table_rows(model, cursor) -> list[tuple]:
    """Every column of ``model``'s table, as the database driver returns them, ordered by pk."""
    cursor.execute(select_every_column(model))
    return [tuple((type(value).__name__, value) for value in row) for row in cursor.fetchall()]


def snapshot() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        return {model._meta.label_lower: table_rows(model, cursor) for model in covered_models()}


@pytest.fixture(autouse=True)
def fresh_content_types():
    """A restore rewrites the content types inside the test's transaction; the rollback takes the
    rows back but Django's process-wide ContentType cache would keep what it read. Forget the cache
    on both sides of each test."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def edited_demo(demo):
    """The demo after a secretariat edit (a history row with its author), with awkward text in the
    first text column of three rows of every table of ours that has one, history included."""
    secretariat = get_user_model().objects.get(username="secretariat")
    project = Project.objects.get(strategy=demo, code="p1")
    project.status = Project.Status.PAUSED
    project._history_user = secretariat
    project.save()
    for model in covered_models():
        text = next(
            (f for f in model._meta.local_concrete_fields if isinstance(f, models.TextField)), None
        )
        if text is None or model._meta.app_label in ("auth", "contenttypes", "admin"):
            continue
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:3])
        for index, pk in enumerate(pks):
            model._base_manager.filter(pk=pk).update(**{text.name: f"{AWKWARD}{index}"})
    return demo


def backup(path: Path) -> Path:
    call_command("backup", output=str(path), stdout=DEVNULL)
    return path


def restore(path: Path) -> None:
    call_command("restore", str(path), interactive=False, stdout=DEVNULL)


def test_backup_then_restore_gives_back_every_row_byte_for_byte(edited_demo, tmp_path):
    before = snapshot()
    assert len(before["projects.historicalproject"]) > len(before["projects.project"])
    assert before["projects.project_communes"], "the demo's link tables are compared too"
    with_awkward = [
        label
        for label, rows in before.items()
        if any(isinstance(v, str) and v.startswith(AWKWARD) for row in rows for _, v in row)
    ]
    assert len(with_awkward) >= 5, with_awkward
    saved = backup(tmp_path / "cockpit.json.gz")
    Project.objects.filter(code="p2").update(title="Changé après la sauvegarde")
    Project.objects.filter(code="p3").delete()

    restore(saved)

    after = snapshot()
    for label, rows in before.items():
        assert after[label] == rows, label
    latest = Project.objects.get(code="p1").history.latest("history_date")
    assert latest.history_user.username == "secretariat"


def test_text_keeps_carriage_returns_tabs_emoji_and_control_characters(edited_demo, tmp_path):
    project = Project.objects.order_by("pk").first()
    saved = backup(tmp_path / "cockpit.json.gz")
    Project.objects.update(description="")

    restore(saved)

    assert Project.objects.get(pk=project.pk).description == project.description
    assert "\r\n" in project.description and "\rseule" in project.description


def test_the_backup_covers_every_table_but_sessions_logins_and_queued_tasks(db):
    covered = {model._meta.label_lower for model in covered_models()}
    assert {"contenttypes.contenttype", "auth.permission", "auth.user_groups"} <= covered
    assert {"projects.historicalproject", "projects.project_communes", "admin.logentry"} <= covered
    assert not {label for label in covered if label.split(".")[0] in EXCLUDED}


def test_a_new_row_after_restore_gets_a_fresh_id(edited_demo, tmp_path):
    restore(backup(tmp_path / "cockpit.json.gz"))
    highest = Project.objects.order_by("-pk").first()
    secretariat = get_user_model().objects.get(username="secretariat")

    copy = Project.objects.get(pk=highest.pk)
    copy.pk, copy.code = None, f"{highest.code}-copie"
    copy._history_user = secretariat
    copy.save()
    copy.communes.add(*highest.communes.all()[:1])
    LogEntry.objects.log_actions(secretariat.pk, [copy], 1)

    assert copy.pk > highest.pk
    assert copy.history.count() == 1


def test_the_restored_demo_is_usable(edited_demo, tmp_path):
    restore(backup(tmp_path / "cockpit.json.gz"))
    client = Client()
    response = client.post(reverse("login"), {"username": "commission", "password": "demo"})
    assert response.status_code == 302
    assert client.get(reverse("cockpit:strategy", args=[edited_demo.pk])).status_code == 200
    secretariat = get_user_model().objects.get(username="secretariat")
    assert secretariat.has_perm("projects.change_project")


def test_an_old_xml_backup_still_restores(demo, tmp_path):
    """What ``backup`` wrote before issue 17: XML, content types and permissions by natural key."""
    old = tmp_path / "cockpit_2026-01-31_020000.xml.gz"
    call_command(
        "dumpdata",
        format="xml",
        natural_foreign=True,
        exclude=["contenttypes", "auth.permission", "sessions", "axes"],
        output=str(old),
        verbosity=0,
    )
    before = snapshot()
    Project.objects.filter(code="p2").update(title="Changé après la sauvegarde")

    restore(old)

    after = snapshot()
    for label in ("projects.project", "projects.historicalproject", "strategies.strategy"):
        assert after[label] == before[label], label
    secretariat = get_user_model().objects.get(username="secretariat")
    assert secretariat.has_perm("projects.change_project")


# A failed restore ---------------------------------------------------------------------------


def truncated(saved: Path) -> bytes:
    data = saved.read_bytes()
    return data[: len(data) // 2]


def rewritten(saved: Path, change) -> bytes:
    rows = json.loads(gzip.decompress(saved.read_bytes()))
    change(rows)
    return gzip.compress(json.dumps(rows).encode())


def unknown_model(rows):
    rows.append({"model": "projects.oldproject", "pk": 1, "fields": {}})


def unknown_field(rows):
    project = next(row for row in rows if row["model"] == "projects.project")
    project["fields"]["retired_column"] = "x"


def repeated_code(rows):
    projects = [row for row in rows if row["model"] == "projects.project"]
    projects[1]["fields"]["code"] = projects[0]["fields"]["code"]
    projects[1]["fields"]["strategy"] = projects[0]["fields"]["strategy"]


def dangling_link(rows):
    project = next(row for row in rows if row["model"] == "projects.project")
    project["fields"]["measure"] = 10**9


BROKEN = {
    "corrupt gzip": (lambda saved: b"\x1f\x8b\x08\x00garbage" * 20, "corrompu"),
    "not gzip": (lambda saved: b"PK\x03\x04 a zip, not a backup", "archive gzip"),
    "truncated": (truncated, "tronqué"),
    "no rows": (lambda saved: gzip.compress(b"[]"), "aucune ligne"),
    "unknown model": (lambda saved: rewritten(saved, unknown_model), "projects.oldproject"),
    "unknown field": (lambda saved: rewritten(saved, unknown_field), "retired_column"),
    "a code twice": (lambda saved: rewritten(saved, repeated_code), "contrainte"),
    "a link to nothing": (lambda saved: rewritten(saved, dangling_link), "contrainte"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_backup_says_why_in_one_line_and_changes_nothing(edited_demo, tmp_path, case):
    make, words = BROKEN[case]
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(make(backup(tmp_path / "cockpit.json.gz")))
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(broken), interactive=False)

    message = str(refused.value)
    assert message.startswith("Restauration impossible, rien n'a changé : ")
    assert words in message and "\n" not in message
    assert snapshot() == before


def test_a_file_that_is_no_backup_is_refused(db, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("bonjour")
    with pytest.raises(CommandError, match="ce n'est pas une sauvegarde"):
        call_command("restore", str(other), interactive=False)


def test_the_reason_reads_in_english_for_an_english_user(db, tmp_path):
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"PK\x03\x04 a zip, not a backup")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(broken), interactive=False)
    assert str(refused.value) == (
        "Restore impossible, nothing changed: the file is not a readable gzip archive "
        "(corrupt file)."
    )


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("restore", str(tmp_path / "absent.json.gz"), interactive=False)


def run_manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_prints_the_reason_in_one_line_without_a_traceback(tmp_path):
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    database = f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    done = run_manage("restore", str(broken), "--noinput", database_url=database)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "Restauration impossible, rien n'a changé" in done.stderr


# From one engine to the other ---------------------------------------------------------------

POSTGRES = os.environ.get("COCKPIT_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


def normalised(field, value):
    """A value read from either engine's driver, as the field means it."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        if isinstance(value, str):
            value = parse_datetime(value)
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(field, models.TimeField):
        return datetime.time.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(str(value))
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.JSONField):
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(field, models.UUIDField):
        return uuid.UUID(str(value))
    return value


def normalised_rows(model, rows) -> list[tuple]:
    fields = model._meta.local_concrete_fields
    return [tuple(normalised(f, v) for f, (_, v) in zip(fields, row, strict=True)) for row in rows]


class OtherEngine:
    """A fresh, migrated database of the other engine, read with its own driver."""

    def __init__(self, tmp_path: Path):
        if connection.vendor == "sqlite":
            psycopg = pytest.importorskip("psycopg")
            try:
                self.admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
            except psycopg.OperationalError:
                pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
            self.name = f"cockpit_hbackup_restore_{uuid.uuid4().hex[:8]}"
            self.admin.execute(f'CREATE DATABASE "{self.name}"')
            self.url = POSTGRES.rsplit("/", 1)[0] + f"/{self.name}"
        else:
            self.admin = None
            self.url = f"sqlite:///{tmp_path / 'other.sqlite3'}"

    def rows(self, model) -> list[tuple]:
        sql = select_every_column(model)
        if self.admin is None:
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as other:
                fetched = other.execute(sql).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.url) as other:
                fetched = other.execute(sql).fetchall()
        return normalised_rows(model, [[(None, v) for v in row] for row in fetched])

    def drop(self) -> None:
        if self.admin is not None:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin.close()


@pytest.fixture
def other_engine(tmp_path):
    engine = OtherEngine(tmp_path)
    try:
        yield engine
    finally:
        engine.drop()


@pytest.mark.slow
def test_a_backup_restores_into_the_other_engine_with_equal_rows(
    edited_demo, tmp_path, other_engine
):
    saved = backup(tmp_path / "cockpit.json.gz")
    before = snapshot()
    migrated = run_manage("migrate", "--noinput", database_url=other_engine.url)
    assert migrated.returncode == 0, migrated.stderr

    restored = run_manage("restore", str(saved), "--noinput", database_url=other_engine.url)

    assert restored.returncode == 0, restored.stderr
    for model in covered_models():
        label = model._meta.label_lower
        assert other_engine.rows(model) == normalised_rows(model, before[label]), label
