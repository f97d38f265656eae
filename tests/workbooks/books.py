"""Strategy workbooks written by the tests as a secretariat would type them (openpyxl), and the
workbooks the cockpit writes opened back."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl

from tests.workbooks.plans import SMART_VALLEE

STRATEGY_HEADERS = (
    "Niveau",
    "Utilisé",
    "Singulier",
    "Pluriel",
    "Genre",
    "Singulier (anglais)",
    "Pluriel (anglais)",
    "Préfixe des codes",
)
LEVEL_LABELS = {
    "axis": "axes",
    "domain": "domaines",
    "measure": "mesures",
    "project": "projets",
}
INDICATOR_HEADERS = ("Code", "Nom", "Niveau", "Orientation", "Unité", "État actuel", "État visé")
VALUE_HEADERS = ("Indicateur", "Date", "Valeur")


def workbook(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """An xlsx with these sheets, each a list of rows (the first one its headers)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def strategy_sheet(plan: dict) -> list[list[Any]]:
    rows: list[list[Any]] = [list(STRATEGY_HEADERS)]
    used = {"domain": plan["uses_domains"], "measure": plan["uses_measures"]}
    for kind, label in LEVEL_LABELS.items():
        names = plan["level_names"].get(kind, {})
        rows.append(
            [
                label,
                "oui" if used.get(kind, True) else "non",
                names.get("singular"),
                names.get("plural"),
                names.get("gender"),
                names.get("singular_en"),
                names.get("plural_en"),
                names.get("prefix"),
            ]
        )
    return rows


def smart_vallee_sheets(plan: dict = SMART_VALLEE) -> dict[str, list[list[Any]]]:
    """The CCVH plan's sheets, in the order of a workbook, as the secretariat types them."""
    return {
        "Stratégie": strategy_sheet(plan),
        "Orientations": [
            ["Numéro", "Titre", "Objectif stratégique"],
            *(list(row) for row in plan["orientations"]),
        ],
        "Actions": [
            ["Code", "Titre", "Orientation", "Statut", "Priorité", "Début", "Fin"],
            *(list(row) for row in plan["actions"]),
        ],
        "Indicateurs": [
            list(INDICATOR_HEADERS),
            *(
                [code, name, "stratégique", axis, unit, baseline, target]
                for code, name, axis, unit, baseline, target in plan["indicators"]
            ),
        ],
        "Valeurs": [list(VALUE_HEADERS), *(list(row) for row in plan["values"])],
    }


def smart_vallee_workbook(plan: dict = SMART_VALLEE) -> bytes:
    return workbook(smart_vallee_sheets(plan))
