"""One vocabulary: each project mark and status and each indicator status has one word, one
symbol and one colour (``projects.models.Mark``, ``Project.Status``, ``indicators.models.Status``),
and every place says it the same way: the cockpit, the admin's list and filters, "what changed",
the pack, and the English catalogue."""

from __future__ import annotations

import html as html_lib
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from indicators.models import Status
from projects.models import Mark, Project
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory
from tests.portfolios import days, every_kind
from workshops.changes import changes_between, day_start
from workshops.models import Decision

#: The one way each mark is written: symbol and word.
MARKS = {
    "ok": "✓ dans les temps",
    "warning": "! à surveiller",
    "ko": "✗ en retard",
    "blocked": "✗ bloqué",
    "unscheduled": "? non planifié",
    "abandoned": "– abandonné",
}
STATUSES = {
    "achieved": "✓ atteint",
    "on_track": "✓ en bonne voie",
    "warning": "! à surveiller",
    "off_track": "✗ hors trajectoire",
    "no_data": "? sans donnée",
}
#: A mark's markup: its value, colour, then its symbol and word.
MARK_HTML = re.compile(r'class="mark mark-(\w+) tone-(\w+)"[^>]*>(.) ([^<]+)</span>')
STATUS_HTML = re.compile(r'class="mark status-(\w+) tone-(\w+)"[^>]*>(.) ([^<]+)</span>')


@pytest.fixture
def strategy(db):
    """The portfolio of every kind, with an indicator of each status: the values of s2 and s4
    are measured ten days before, then one day before today (what changed since then)."""
    strategy = every_kind()
    axis = strategy.axes.get(number=1)

    def indicator(code, *values):
        made = IndicatorFactory(
            axis=axis,
            strategy=strategy,
            code=code,
            baseline_date=days(-100),
            target_date=days(100),  # half the way expected today
            target_value=Decimal(100),
        )
        for day, value in values:
            IndicatorValueFactory(indicator=made, date=days(day), value=Decimal(value))

    indicator("s1", (-1, 120))  # achieved
    indicator("s2", (-20, 10), (-1, 60))  # off track, then on track
    indicator("s3", (-1, 40))  # warning
    indicator("s4", (-20, 60), (-1, 10))  # on track, then off track
    indicator("s5")  # no data
    return strategy


def marks_of(fragment: str) -> dict[str, str]:
    """Each mark a page shows, written as it shows it, with its colour checked."""
    found = {}
    for value, colour, symbol, word in MARK_HTML.findall(fragment):
        assert colour == Mark(value).colour, value
        found.setdefault(value, f"{symbol} {html_lib.unescape(word)}")
    return found


def statuses_of(fragment: str) -> dict[str, str]:
    found = {}
    for value, colour, symbol, word in STATUS_HTML.findall(fragment):
        assert colour == Status(value).colour, value
        found.setdefault(value, f"{symbol} {html_lib.unescape(word)}")
    return found


def rows_by_code(page: str) -> dict[str, str]:
    """The rows of a table of projects, by the project's code."""
    rows = {}
    for row in page.split("<tr")[1:]:
        code = re.search(r">(p\d+)<", row)
        if code:
            rows.setdefault(code.group(1), row)
    return rows


def test_each_mark_and_status_has_one_symbol_word_and_colour():
    assert {mark.value: mark.text for mark in Mark} == MARKS
    assert {status.value: status.text for status in Status} == STATUSES
    assert {status.value: status.text for status in Project.Status} == {
        "planned": "○ à venir",
        "in_progress": "◐ en cours",
        "done": "✓ réalisé",
        "paused": "‖ en pause",
        "blocked": "✗ bloqué",
        "abandoned": "– abandonné",
    }
    assert Mark.BLOCKED.text == Project.Status.BLOCKED.text
    assert Mark.BLOCKED.colour == Project.Status.BLOCKED.colour == Mark.LATE.colour == "red"
    assert Mark.WARNING.label == Status.WARNING.label


def test_cockpit_admin_what_changed_and_pack_use_the_same_words(client, strategy):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    projects = {p.code: p.mark().value for p in Project.objects.for_strategy(strategy)}
    # p8 says « ✓ réalisé », p4 and p12 « ⚑ après l'horizon » beside their mark (tested below).
    not_done = [code for code in projects if code not in ("p4", "p8", "p12")]
    words: dict[str, dict[str, str]] = {}

    # The cockpit: the steering table, its rollups' marks, and the Gantt chart's legend.
    cockpit = client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    rows = rows_by_code(cockpit)
    words["cockpit"] = {projects[code]: marks_of(rows[code])[projects[code]] for code in not_done}
    legend = client.get(reverse("cockpit:timeline", args=[strategy.pk])).content.decode()
    legend = legend[legend.index('class="gantt-legend"') : legend.index("</ul>")]
    words["timeline legend"] = marks_of(legend)

    # The admin: the list's column and the mark filter.
    admin = client.get(reverse("admin:projects_project_changelist")).content.decode()
    rows = rows_by_code(admin)
    words["admin list"] = {
        projects[code]: marks_of(rows[code].split('class="field-cockpit_mark"')[1])[projects[code]]
        for code in not_done
    }
    words["admin filter"] = {
        value: html_lib.unescape(word).strip()
        for value, word in re.findall(r'href="\?mark=(\w+)"[^>]*>([^<]+)</a>', admin)
    }

    # The pack: the steering table's and the project list's "ok" columns.
    pack = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:pack", args=[strategy.pk])).content)
    )
    sheet = pack["Cockpit"]
    cells = {row[10]: row[16] for row in sheet.iter_rows(min_row=3, values_only=True)}
    words["pack cockpit"] = {projects[code]: cells[code] for code in not_done}
    sheet = pack["Projets"]
    cells = {row[0]: row[12] for row in sheet.iter_rows(min_row=2, values_only=True)}
    words["pack projects"] = {projects[code]: cells[code] for code in not_done}

    for place, found in words.items():
        assert found == {mark: MARKS[mark] for mark in found}, place
    for place in ("cockpit", "admin list", "admin filter", "pack cockpit", "pack projects"):
        assert set(words[place]) == set(MARKS), place


def test_a_project_ending_after_the_horizon_is_flagged_beside_its_mark(client, strategy):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    project = Project.objects.get(strategy=strategy, code="p4")

    cockpit = client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    page = client.get(reverse("cockpit:project", args=[strategy.pk, project.pk])).content.decode()
    pack = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:pack", args=[strategy.pk])).content)
    )
    in_pack = {row[0]: row[12] for row in pack["Projets"].iter_rows(min_row=2, values_only=True)}
    steering = {row[10]: row[16] for row in pack["Cockpit"].iter_rows(min_row=3, values_only=True)}

    flag = "⚑ après l&#x27;horizon"
    assert flag in rows_by_code(cockpit)["p4"] and flag not in rows_by_code(cockpit)["p2"]
    assert f'✓ dans les temps</span> <span class="mark horizon-flag tone-amber">{flag}' in page
    assert in_pack["p4"] == steering["p4"] == "✓ dans les temps ⚑ après l'horizon"
    assert in_pack["p12"] == "✓ dans les temps ⚑ après l'horizon"
    assert in_pack["p9"] == "– abandonné"  # abandoned projects are apart
    assert in_pack["p2"] == "✓ dans les temps"


def test_indicator_statuses_read_the_same_on_the_cockpit_the_admin_the_pack_and_what_changed(
    client, strategy
):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    words: dict[str, dict[str, str]] = {}

    cockpit = client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    words["cockpit"] = statuses_of(cockpit[cockpit.index('<table class="steering">') :])
    admin = client.get(reverse("admin:indicators_indicator_changelist")).content.decode()
    words["admin list"] = statuses_of(admin)
    pack = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:pack", args=[strategy.pk])).content)
    )
    for place, found in words.items():
        assert found == STATUSES, place
    in_pack = {row[10] for row in pack["Indicateurs"].iter_rows(min_row=2, values_only=True)}
    assert in_pack == set(STATUSES.values())

    changes = changes_between(strategy, day_start(days(-10)), timezone.now())
    moves = {change.subject.split(" – ")[0]: change.field for change in changes if change.field}
    assert moves["s2"] == "hors trajectoire → en bonne voie"
    assert moves["s4"] == "en bonne voie → hors trajectoire"


def test_what_changed_names_project_statuses_as_the_cockpit_and_the_admin_do(client, strategy):
    project = Project.objects.get(strategy=strategy, code="p10")
    project.status = Project.Status.BLOCKED
    project.save()

    changes = changes_between(strategy, day_start(days(-1)), timezone.now())

    (change,) = [change for change in changes if change.kind == "project_changed"]
    assert change.field == "statut"
    assert (change.before, change.after) == ("en cours", "bloqué")
    assert change.after == Project.Status.BLOCKED.label == Mark.BLOCKED.label


def test_admin_late_column_says_late_in_words_or_nothing(client, strategy):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "x"))

    admin = client.get(reverse("admin:projects_project_changelist")).content.decode()
    rows = rows_by_code(admin)

    late = rows["p3"].split('class="field-late"')[1].split("</td>")[0]
    on_time = rows["p2"].split('class="field-late"')[1].split("</td>")[0]
    assert "✗ en retard" in late and "tone-red" in late
    assert "icon-yes" not in admin and "icon-no" not in admin
    assert "✗" not in on_time and "en retard" not in on_time


def test_the_english_catalogue_has_one_word_for_each_mark_and_status():
    with translation.override("en"):
        marks = {mark.value: mark.text for mark in Mark}
        statuses = {status.value: status.text for status in Status}
        project_statuses = {status.value: status.text for status in Project.Status}

    assert marks == {
        "ok": "✓ on schedule",
        "warning": "! warning",
        "ko": "✗ late",
        "blocked": "✗ blocked",
        "unscheduled": "? unscheduled",
        "abandoned": "– abandoned",
    }
    assert statuses == {
        "achieved": "✓ achieved",
        "on_track": "✓ on track",
        "warning": "! warning",
        "off_track": "✗ off track",
        "no_data": "? no data",
    }
    assert project_statuses["blocked"] == marks["blocked"]


def test_admin_overdue_decisions_say_late_in_words_not_with_a_green_tick(client, demo):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "x"))
    overdue = Decision.objects.filter(workshop__strategy=demo).overdue()
    assert overdue.exists(), (
        "the demo must have an overdue decision for this test to mean something"
    )

    admin = client.get(reverse("admin:workshops_decision_changelist")).content.decode()

    cells = [cell.split("</td>")[0] for cell in admin.split('class="field-overdue"')[1:]]
    assert sum("✗ en retard" in cell and "tone-red" in cell for cell in cells) == overdue.count()
    assert "icon-yes" not in admin and "icon-no" not in admin
