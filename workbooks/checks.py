"""The first pass over a strategy workbook, before anything is written: the settings of its
« Stratégie » sheet and whether the strategy may take them, which sheets it has (none missing,
none for a level the strategy does not use), their headers, each row's key (no code twice in a
sheet) and each row's parents (found in an earlier sheet of the workbook or in the strategy).

What it finds is a list of ``SheetProblem`` (sheet, line, column, French message); the import
writes nothing while there is one. What it keeps for the import is a ``Plan``: the settings, and
each sheet's rows under the resource's own column names, with their keys and their parents'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from indicators.models import Indicator
from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.reader import SheetRows
from spreadsheets.text import SpreadsheetError, fold, normalize, quoted
from spreadsheets.widgets import DateWidget, IntegerWidget, TextWidget
from strategies.levels import AXIS, DOMAIN, KINDS, MEASURE, Levels
from strategies.models import Axis, Domain, Measure, Strategy
from strategies.shape import shape_change_errors, shape_errors

from .reading import Sheet
from .results import SheetProblem
from .sheets import (
    INDICATOR,
    STRATEGY_TITLE,
    VALUE,
    SheetSpec,
    french_names,
    sheet_kinds,
    sheet_specs,
)
from .strategy_sheet import USED, StrategySettings, read_strategy_sheet

#: A row's parent: the kind of the sheet it is in, its key there, and the column naming it.
Reference = tuple[str, Any, str]


@dataclass
class PlannedSheet:
    """A data sheet of the workbook, checked: its rows (the columns the resource reads, under the
    resource's names), each row's key and the parents it names in the workbook."""

    spec: SheetSpec
    name: str
    rows: SheetRows
    keys: list[Any] = field(default_factory=list)
    parents: list[tuple[Reference, ...]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name


@dataclass
class Plan:
    settings: StrategySettings
    levels: Levels
    sheets: list[PlannedSheet] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)


# --- Keys -----------------------------------------------------------------------------------


#: The cells of keys read as the resources read them.
TEXT, NUMBER, DATE = TextWidget(), IntegerWidget(), DateWidget()


def text_key(value: Any) -> str | None:
    """A code or a title as rows are matched: trimmed, single spaces, without case or accents."""
    if value is None:
        return None
    text = fold(ScopedLookupWidget.normalize_key(TEXT.clean(value)))
    return text or None


def number_key(value: Any) -> str | None:
    try:
        number = NUMBER.clean(value)
    except ValueError:
        return None
    return None if number is None else str(number)


def date_key(value: Any):
    try:
        return DATE.clean(value)
    except ValueError:
        return None


def candidates(value: Any) -> list[str]:
    """The keys a parent cell may mean: the cell, or its code before a dash (« m1 – Titre »)."""
    key = text_key(value)
    if key is None:
        return []
    found = [key]
    for dash in (" – ", " - "):
        if dash in key:
            found.append(key.split(dash, 1)[0].strip())
    return found


def axis_digits(value: Any) -> str | None:
    """The axis number of a cell as the measure's domain column reads it (« 2 », « Axe 2 »)."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.search(r"\d+", str(value))
    return digits.group() if digits else None


def stored_keys(strategy: Strategy) -> dict[str, set]:
    """The keys of the rows the strategy holds, by kind, that a workbook's rows may name."""
    if strategy.pk is None:
        return {kind: set() for kind in (AXIS, DOMAIN, MEASURE, INDICATOR)}
    return {
        AXIS: {
            str(number)
            for number in Axis.objects.filter(strategy=strategy).values_list("number", flat=True)
        },
        DOMAIN: {
            (str(number), fold(title))
            for number, title in Domain.objects.filter(axis__strategy=strategy).values_list(
                "axis__number", "title"
            )
        },
        MEASURE: {
            fold(code)
            for code in Measure.objects.filter(strategy=strategy).values_list("code", flat=True)
        },
        INDICATOR: {
            fold(code)
            for code in Indicator.objects.filter(strategy=strategy).values_list("code", flat=True)
        },
    }


def domain_key(row: dict) -> tuple[str, str] | None:
    """A domain by its axis number and its title."""
    axis, title = (candidates(row.get("Axe")) or [None])[0], text_key(row.get("Titre"))
    return None if axis is None or title is None else (axis, title)


def value_key(row: dict) -> tuple[str, Any] | None:
    """A value by its indicator's code and its date."""
    code, date = text_key(row.get("Indicateur")), date_key(row.get("Date"))
    return None if code is None or date is None else (code, date)


ROW_KEYS: dict[str, Callable[[dict], Any]] = {
    AXIS: lambda row: number_key(row.get("Numéro")),
    DOMAIN: domain_key,
    VALUE: value_key,
}


def row_key(kind: str, row: dict) -> Any:
    """The key of a row of a sheet of ``kind`` (a code for measures, projects, indicators)."""
    if kind in ROW_KEYS:
        return ROW_KEYS[kind](row)
    return text_key(row.get("Code"))


# --- The pass -------------------------------------------------------------------------------


class Checker:
    """The first pass over the sheets of one workbook, for one strategy."""

    def __init__(self, strategy: Strategy, sheets: dict[str, Sheet]) -> None:
        self.strategy = strategy
        self.book = sheets
        self.problems: list[SheetProblem] = []
        self.warnings: list[SheetProblem] = []
        self.known: dict[str, set] = {}
        #: Kind → the title of its sheet (the workbook's own, once read).
        self.titles: dict[str, str] = {}

    def problem(self, sheet: str, line: int | None, column: str, message: str, value=None):
        self.problems.append(SheetProblem(sheet, line, column, message, value))

    def run(self) -> Plan:
        self.settings = settings = self.read_settings()
        levels = Levels(settings.level_names, settings.uses_domains, settings.uses_measures)
        plan = Plan(settings, levels, problems=self.problems, warnings=self.warnings)
        found = self.recognise(levels)
        self.known = stored_keys(self.strategy)
        names = french_names(levels)
        specs = sheet_specs(levels)
        self.titles = {spec.kind: found.get(spec.kind, spec.title) for spec in specs}
        for spec in specs:
            name = found.get(spec.kind)
            if name is None:
                self.problem(
                    spec.title,
                    None,
                    "",
                    self.missing_sheet(spec, names),
                )
                continue
            sheet = self.book[name]
            if isinstance(sheet, SpreadsheetError):
                self.problem(name, None, "", str(sheet))
                continue
            planned = self.read_sheet(spec, name, sheet)
            if planned is not None:
                self.check_rows(planned, names)
                plan.sheets.append(planned)
        return plan

    def where(self, kind: str) -> str:
        """The cell of the « Stratégie » sheet that says whether a level is used."""
        line = self.settings.lines.get(kind)
        if line is None:
            return _("feuille « %(sheet)s »") % {"sheet": STRATEGY_TITLE}
        return _("feuille « %(sheet)s », ligne %(line)s, colonne « %(column)s »") % {
            "sheet": STRATEGY_TITLE,
            "line": line,
            "column": USED,
        }

    def missing_sheet(self, spec: SheetSpec, names) -> str:
        if spec.kind not in KINDS:
            return _(
                "Feuille absente : le classeur doit avoir la feuille « %(sheet)s », même vide "
                "(ses en-têtes suffisent)."
            ) % {"sheet": spec.title}
        return _(
            "Feuille absente : la stratégie utilise les %(rows)s (%(where)s), le classeur doit "
            "avoir leur feuille « %(sheet)s », même vide (ses en-têtes suffisent)."
        ) % {
            "rows": self.rows_name(spec.kind, names),
            "where": self.where(spec.kind),
            "sheet": spec.title,
        }

    @staticmethod
    def rows_name(kind: str, names) -> str:
        if kind in KINDS:
            return names[kind].plural
        return {INDICATOR: _("indicateurs"), VALUE: _("valeurs d'indicateur")}[kind]

    # --- Settings and sheets ------------------------------------------------------------------

    def read_settings(self) -> StrategySettings:
        name = next(
            (name for name in self.book if normalize(name) == normalize(STRATEGY_TITLE)), None
        )
        sheet = self.book.get(name) if name else None
        if name is None:
            self.problem(
                STRATEGY_TITLE,
                None,
                "",
                _(
                    "Feuille absente : elle dit quels niveaux la stratégie utilise et comment "
                    "elle les nomme."
                ),
            )
        elif isinstance(sheet, SpreadsheetError):
            self.problem(name, None, "", str(sheet))
            sheet = None
        settings, problems = read_strategy_sheet(sheet, self.strategy)
        self.problems.extend(problems)
        errors = shape_errors(settings.uses_domains, settings.uses_measures)
        if not errors and self.strategy.pk is not None:
            errors = shape_change_errors(
                self.strategy, settings.uses_domains, settings.uses_measures
            )
        for name_of_field, message in errors.items():
            kind = DOMAIN if name_of_field == "uses_domains" else MEASURE
            self.problem(STRATEGY_TITLE, settings.lines.get(kind), USED, str(message))
        return settings

    def recognise(self, levels: Levels) -> dict[str, str]:
        """Kind → the workbook's sheet of that kind; a sheet of an unused level, a kind given two
        sheets and an unknown sheet are reported."""
        kinds = sheet_kinds(levels, self.strategy.levels)
        names = french_names(levels)
        found: dict[str, str] = {}
        for name in self.book:
            kind = kinds.get(normalize(name))
            if kind in ("guide", "strategy"):
                continue
            if kind is None:
                self.warnings.append(
                    SheetProblem(
                        name,
                        None,
                        "",
                        _(
                            "Feuille ignorée : ce n'est pas une feuille du classeur d'une "
                            "stratégie."
                        ),
                    )
                )
            elif kind in KINDS and not levels.used(kind):
                self.problem(
                    name,
                    None,
                    "",
                    _(
                        "La stratégie n'utilise pas le niveau « %(level)s » (%(where)s) : "
                        "supprimez cette feuille, ou écrivez « oui » dans la colonne "
                        "« %(column)s » de ce niveau."
                    )
                    % {"level": names[kind].Singular, "where": self.where(kind), "column": USED},
                )
            elif kind in found:
                self.problem(
                    name,
                    None,
                    "",
                    _("Deux feuilles pour les %(rows)s : « %(first)s » et « %(second)s ».")
                    % {"rows": self.rows_name(kind, names), "first": found[kind], "second": name},
                )
            else:
                found[kind] = name
        return found

    def read_sheet(self, spec: SheetSpec, name: str, sheet: SheetRows) -> PlannedSheet | None:
        """The sheet's rows under the resource's column names, without the columns it does not
        read (each named in a warning); None when its headers cannot be read."""
        header_line = getattr(sheet, "header_line", 1)
        columns, kept, problems = [], [], len(self.problems)
        for index, header in enumerate(sheet.headers):
            column = spec.known_headers.get(normalize(header))
            if column is None:
                self.warnings.append(
                    SheetProblem(
                        name,
                        header_line,
                        header,
                        _("Colonne ignorée : elle n'est pas une colonne de cette feuille."),
                    )
                )
            elif column in columns:
                self.problem(name, header_line, header, _("Cette colonne figure deux fois."))
            else:
                columns.append(column)
                kept.append(index)
        if sheet.headers:
            for column in spec.key_columns:
                if column not in columns:
                    self.problem(
                        name,
                        header_line,
                        spec.header(column),
                        _("Colonne obligatoire absente : elle identifie chaque ligne."),
                    )
        if len(self.problems) > problems:
            return None
        if len(kept) == len(sheet.headers):
            rows = SheetRows(columns, sheet._data, sheet.line_numbers)
        else:
            rows = SheetRows(
                columns,
                [tuple(values[index] for index in kept) for values in sheet],
                sheet.line_numbers,
            )
        return PlannedSheet(spec, name, rows)

    # --- Rows -----------------------------------------------------------------------------------

    def check_rows(self, planned: PlannedSheet, names) -> None:
        """Each row's key (not twice in the sheet) and parents (in the workbook or the
        strategy)."""
        spec, rows = planned.spec, planned.rows
        kind = spec.kind
        parents = [parent for parent in spec.parents if parent.column in rows.headers]
        key_column = spec.header(spec.key_columns[-1])
        seen: dict[Any, int] = {}
        own = self.known.setdefault(kind, set())
        in_workbook: set = set()
        headers = rows.headers
        for line, values in zip(rows.line_numbers, rows, strict=True):
            row = dict(zip(headers, values, strict=False))
            key = row_key(kind, row)
            planned.keys.append(key)
            if key is not None:
                first = seen.setdefault(key, line)
                if first != line:
                    self.problem(
                        planned.name,
                        line,
                        key_column,
                        _("%(key)s figure déjà à la ligne %(line)s de cette feuille.")
                        % {"key": self.describe_key(spec, row), "line": first},
                        row.get(spec.key_columns[-1]),
                    )
                in_workbook.add(key)
            references = []
            for parent in parents:
                value = row.get(parent.column)
                if value is None or str(value).strip() == "":
                    continue
                reference = self.find_parent(parent.kind, value, row)
                if reference is None:
                    self.problem(
                        planned.name,
                        line,
                        spec.header(parent.column),
                        _(
                            "%(level)s %(value)s introuvable : ni dans la feuille « %(sheet)s » "
                            "du classeur, ni dans la stratégie."
                        )
                        % {
                            "level": self.level_label(parent.kind, names),
                            "value": quoted(value),
                            "sheet": self.sheet_title(parent.kind),
                        },
                        value,
                    )
                else:
                    references.append((*reference, parent.column))
            planned.parents.append(tuple(references))
        own |= in_workbook

    def sheet_title(self, kind: str) -> str:
        return self.titles.get(kind, "")

    @staticmethod
    def level_label(kind: str, names) -> str:
        if kind in KINDS:
            return names[kind].Singular
        return _("Indicateur")

    @staticmethod
    def describe_key(spec: SheetSpec, row: dict) -> str:
        return ", ".join(
            f"{spec.header(column)} {quoted(row.get(column))}" for column in spec.key_columns
        )

    def find_parent(self, kind: str, value: Any, row: dict) -> tuple[str, Any] | None:
        """The parent a cell names, as (kind, key), when the workbook or the strategy has it."""
        known = self.known.get(kind, set())
        if kind == DOMAIN:
            title = text_key(value)
            number = axis_digits(row.get("Axe"))
            if number is not None:
                return (kind, (number, title)) if (number, title) in known else None
            match = next((key for key in known if key[1] == title), None)
            return None if match is None else (kind, match)
        for key in candidates(value):
            if key in known:
                return kind, key
        return None


def check_workbook(strategy: Strategy, sheets: dict[str, Sheet]) -> Plan:
    """The first pass over ``sheets`` for ``strategy`` (see the module's docstring)."""
    return Checker(strategy, sheets).run()
