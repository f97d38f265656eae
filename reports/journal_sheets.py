"""The pack's journal of a workshop: what changed since the previous workshop, and the
decisions (open ones, and those taken or closed in the period)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spreadsheets.tables import write_table
from spreadsheets.values import yes_no
from spreadsheets.xlsx import RED, Book, Column

#: What the kinds of change of ``cockpit.changes`` say in the pack (other kinds are shown as is).
CHANGE_KINDS = {
    "project_created": gettext_lazy("projet créé"),
    "project_changed": gettext_lazy("projet modifié"),
    "project_late": gettext_lazy("projet en retard"),
    "value_recorded": gettext_lazy("valeur mesurée"),
    "decision_taken": gettext_lazy("décision prise"),
    "decision_closed": gettext_lazy("décision close"),
}

CHANGE_COLUMNS = [
    Column(gettext_lazy("Date"), 16, "datetime"),
    Column(gettext_lazy("Type"), 14),
    Column(gettext_lazy("Objet"), 36),
    Column(gettext_lazy("Champ"), 18),
    Column(gettext_lazy("Avant"), 24, "auto"),
    Column(gettext_lazy("Après"), 24, "auto"),
    Column(gettext_lazy("Par"), 16),
]


def changes_sheet(book: Book, changes: list) -> None:
    rows = [
        [
            change.when,
            str(CHANGE_KINDS.get(change.kind, change.kind)),
            str(change.subject),
            str(change.field or ""),
            "" if change.before is None else change.before,
            "" if change.after is None else change.after,
            str(change.author or ""),
        ]
        for change in changes
    ]
    # Before/after keep their type (a date stays a date); anything else is written as text.
    for row in rows:
        for index in (4, 5):
            if not isinstance(row[index], str | int | float | Decimal | datetime.date):
                row[index] = str(row[index])
    sheet = book.sheet(_("Changements"), [c.width for c in CHANGE_COLUMNS], freeze_row=2)
    write_table(sheet, CHANGE_COLUMNS, rows)


DECISION_COLUMNS = [
    Column(gettext_lazy("Atelier"), 20),
    Column(gettext_lazy("Décision"), 50),
    Column(gettext_lazy("Concerne"), 30),
    Column(gettext_lazy("Responsable"), 20),
    Column(gettext_lazy("Échéance"), 12, "date"),
    Column(gettext_lazy("Statut"), 14),
    Column(gettext_lazy("En retard"), 10),
]


def decisions_sheet(book: Book, decisions: list, on: datetime.date) -> None:
    rows, fills = [], []
    for decision in decisions:
        workshop = decision.workshop
        concerns = [
            str(target)
            for target in (
                getattr(decision, "axis", None),
                getattr(decision, "measure", None),
                getattr(decision, "project", None),
            )
            if target is not None
        ]
        overdue = bool(decision.is_overdue(on))
        fills.append({7: RED} if overdue else None)
        rows.append(
            [
                _("Atelier %(number)s du %(date)s")
                % {"number": workshop.number, "date": f"{workshop.date:%d.%m.%Y}"},
                decision.text,
                "\n".join(concerns),
                str(decision.owner or ""),
                decision.due_date,
                str(decision.get_status_display()),
                yes_no(overdue),
            ]
        )
    sheet = book.sheet(_("Décisions"), [c.width for c in DECISION_COLUMNS], freeze_row=2)
    write_table(sheet, DECISION_COLUMNS, rows, fills=fills)
