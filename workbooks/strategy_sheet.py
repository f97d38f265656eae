"""The « Stratégie » sheet of a workbook: the strategy's shape (which levels it uses) and what it
calls them, one row per level: « Niveau », « Utilisé » (oui / non), « Singulier », « Pluriel »,
« Genre » (f / m), « Singulier (anglais) », « Pluriel (anglais) », « Préfixe des codes ».

Names left empty are the default words (axe, domaine d'intervention, mesure, projet), so that a
strategy that never named its levels exports empty cells and reads them back unchanged. Read
into a ``StrategySettings``; the checks are those of the admin's form (``clean_level_names``,
``strategies.shape``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spreadsheets.reader import SheetRows
from spreadsheets.text import normalize, quoted
from spreadsheets.widgets import ChoiceWidget
from strategies.levels import (
    FEMININE,
    KIND_LABELS,
    KINDS,
    MASCULINE,
    OPTIONAL_KINDS,
    clean_level_names,
)
from strategies.models import Strategy

from .results import SheetProblem
from .sheets import STRATEGY_TITLE

LEVEL, USED, GENDER = "Niveau", "Utilisé", "Genre"
#: The name columns, by key of ``Strategy.level_names``.
NAME_COLUMNS = {
    "singular": "Singulier",
    "plural": "Pluriel",
    "gender": GENDER,
    "singular_en": "Singulier (anglais)",
    "plural_en": "Pluriel (anglais)",
    "prefix": "Préfixe des codes",
}
COLUMNS = (LEVEL, USED, *NAME_COLUMNS.values())
YES, NO = "oui", "non"


@dataclass
class StrategySettings:
    """What the sheet says of the strategy, and the line of each level (for messages)."""

    uses_domains: bool
    uses_measures: bool
    level_names: dict
    lines: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, strategy: Strategy) -> StrategySettings:
        return cls(strategy.uses_domains, strategy.uses_measures, dict(strategy.level_names))

    def differs_from(self, strategy: Strategy) -> bool:
        return (
            self.uses_domains != strategy.uses_domains
            or self.uses_measures != strategy.uses_measures
            or self.level_names != clean_level_names(strategy.level_names)
        )


def french(choices) -> list[tuple[str, str]]:
    with translation.override(settings.LANGUAGE_CODE):
        return [(value, str(label)) for value, label in choices]


def level_widget() -> ChoiceWidget:
    return ChoiceWidget(french(KIND_LABELS.items()))


def used_widget() -> ChoiceWidget:
    return ChoiceWidget([(YES, YES), (NO, NO)])


def gender_widget() -> ChoiceWidget:
    return ChoiceWidget(
        [(FEMININE, gettext_lazy("féminin")), (MASCULINE, gettext_lazy("masculin"))],
        as_value=True,
    )


def strategy_rows(strategy: Strategy) -> list[list[str]]:
    """The sheet's rows for ``strategy``: its own names, empty where it keeps the default."""
    labels = dict(french(KIND_LABELS.items()))
    levels = strategy.levels
    rows = []
    for kind in KINDS:
        entry = strategy.level_names.get(kind) or {}
        rows.append(
            [
                labels[kind],
                YES if levels.used(kind) else NO,
                *(entry.get(key, "") for key in NAME_COLUMNS),
            ]
        )
    return rows


def read_strategy_sheet(
    rows: SheetRows | None, strategy: Strategy
) -> tuple[StrategySettings, list[SheetProblem]]:
    """The settings the sheet gives (a level it leaves out keeps the strategy's), and what is
    wrong with it."""
    found = StrategySettings.of(strategy)
    problems: list[SheetProblem] = []

    def problem(line, column, message, value=None) -> None:
        problems.append(SheetProblem(STRATEGY_TITLE, line, column, message, value))

    if rows is None or not rows.headers:
        return found, problems
    known = {normalize(column): column for column in COLUMNS}
    headers = [known.get(normalize(header)) for header in rows.headers]
    if LEVEL not in headers:
        problem(
            1,
            LEVEL,
            _("La colonne %(column)s manque : elle dit de quel niveau parle chaque ligne.")
            % {"column": quoted(LEVEL)},
        )
        return found, problems
    names = {kind: dict(entry) for kind, entry in found.level_names.items()}
    used = {kind: True for kind in KINDS} | {
        "domain": found.uses_domains,
        "measure": found.uses_measures,
    }
    widgets = {LEVEL: level_widget(), USED: used_widget(), GENDER: gender_widget()}
    for line, values in zip(rows.line_numbers, rows, strict=True):
        cells = {header: value for header, value in zip(headers, values, strict=False) if header}
        try:
            kind = widgets[LEVEL].clean(cells.get(LEVEL))
        except ValueError as error:
            problem(line, LEVEL, str(error), cells.get(LEVEL))
            continue
        if kind is None:
            continue
        if kind in found.lines:
            problem(
                line,
                LEVEL,
                _("Ce niveau figure déjà à la ligne %(line)s.") % {"line": found.lines[kind]},
                cells.get(LEVEL),
            )
            continue
        found.lines[kind] = line
        if USED in cells:
            try:
                flag = widgets[USED].clean(cells[USED])
            except ValueError as error:
                problem(line, USED, str(error), cells[USED])
            else:
                if flag is not None:
                    if kind not in OPTIONAL_KINDS and flag == NO:
                        problem(
                            line,
                            USED,
                            _("Les axes et les projets sont toujours utilisés."),
                            cells[USED],
                        )
                    used[kind] = flag == YES
        entry = {}
        for key, column in NAME_COLUMNS.items():
            if column not in headers:
                entry[key] = names.get(kind, {}).get(key, "")
                continue
            value = cells.get(column)
            if key == "gender" and value not in (None, ""):
                try:
                    value = widgets[GENDER].clean(value)
                except ValueError as error:
                    problem(line, column, str(error), value)
                    continue
            entry[key] = "" if value is None else str(value).strip()
        names[kind] = {key: value for key, value in entry.items() if value}
    try:
        found.level_names = clean_level_names(
            {kind: entry for kind, entry in names.items() if entry}
        )
    except ValueError as error:
        problem(None, "", str(error))
    found.uses_domains, found.uses_measures = used["domain"], used["measure"]
    return found, problems
