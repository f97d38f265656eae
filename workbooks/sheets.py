"""The sheets of a strategy workbook: which ones a strategy's shape asks for, what each is called
and what its columns are, in the strategy's own words.

One sheet per level the strategy uses (« Axes », « Domaines d'intervention », « Mesures »,
« Projets », or « Orientations » and « Actions » for a strategy that names its levels so), then
« Indicateurs » and « Valeurs », in the order they are imported: each sheet may name the rows of
the sheets before it. A column that names a level is headed by the level's name (« Orientation »
rather than « Axe »); it is read back under either name. The file speaks French whatever the
interface's language, like the admin's spreadsheets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from indicators.resources import IndicatorResource, IndicatorValueResource
from spreadsheets.text import normalize
from strategies.imports import StrategyResource
from strategies.levels import AXIS, DEFAULTS, DOMAIN, KINDS, MEASURE, PROJECT, LevelName, Levels

from .resources import (
    AxisResource,
    DomainResource,
    WorkbookMeasureResource,
    WorkbookProjectResource,
)

INDICATOR, VALUE = "indicator", "value"
#: The data sheets, in the order they are imported (each may name the rows of those before it).
ORDER = (AXIS, DOMAIN, MEASURE, PROJECT, INDICATOR, VALUE)
#: Sheets whose rows no other sheet names: the preview needs not write them to check the next.
LEAVES = frozenset({PROJECT, VALUE})

GUIDE_TITLE = "Mode d'emploi"
STRATEGY_TITLE = "Stratégie"
INDICATORS_TITLE = "Indicateurs"
VALUES_TITLE = "Valeurs"

RESOURCES: dict[str, type[StrategyResource]] = {
    AXIS: AxisResource,
    DOMAIN: DomainResource,
    MEASURE: WorkbookMeasureResource,
    PROJECT: WorkbookProjectResource,
    INDICATOR: IndicatorResource,
    VALUE: IndicatorValueResource,
}

#: The resource fields each sheet writes, in the order of its columns: each resource's own, but
#: for the informative « Stratégie » column (the workbook is one strategy's). Read from the
#: resources, so that a column added to an import is in the workbook too.
FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name in resource._meta.fields if name != "strategy_label")
    for kind, resource in RESOURCES.items()
}

#: The fields that name a row of another sheet, and that sheet's kind.
PARENT_FIELDS = {"axis": AXIS, "domain": DOMAIN, "measure": MEASURE, "indicator": INDICATOR}
#: The fields a sheet leaves out when the strategy does not use the level they name.
OPTIONAL_FIELDS = {"domain": DOMAIN, "measure": MEASURE}

#: Characters Excel refuses in a sheet's name, which is at most 31 characters long.
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    return FORBIDDEN.sub(" ", name).strip().strip("'")[:31].strip()


def french_names(levels: Levels) -> dict[str, LevelName]:
    """Each level's name in French (the file's language), used by the strategy or not."""
    with translation.override(settings.LANGUAGE_CODE):
        return {kind: levels.name(kind, settings.LANGUAGE_CODE) for kind in KINDS}


@dataclass(frozen=True)
class Parent:
    """A column that names a row of another sheet."""

    field: str
    column: str
    kind: str


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet of a strategy's workbook."""

    kind: str
    title: str
    #: The resource fields of its columns, in order.
    fields: tuple[str, ...]
    #: Column (the resource's name) → header, for the columns named after a level.
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def resource_class(self) -> type[StrategyResource]:
        return RESOURCES[self.kind]

    def column(self, name: str) -> str:
        """The resource's column name of a field."""
        return self.resource_class.fields[name].column_name

    @property
    def columns(self) -> list[str]:
        return [self.column(name) for name in self.fields]

    @property
    def headers(self) -> list[str]:
        return [self.header(column) for column in self.columns]

    def header(self, column: str) -> str:
        """The header of a column in this workbook (« Orientation » for « Axe »)."""
        return self.renamed.get(column, column)

    def headers_of(self, columns: str) -> str:
        """Headers of a problem's columns (« Début, Fin »)."""
        return ", ".join(self.header(part) for part in columns.split(", ")) if columns else ""

    @property
    def key_columns(self) -> list[str]:
        return [self.column(name) for name in self.resource_class._meta.import_id_fields]

    @property
    def parents(self) -> list[Parent]:
        return [
            Parent(name, self.column(name), PARENT_FIELDS[name])
            for name in self.fields
            if name in PARENT_FIELDS
        ]

    @functools.cached_property
    def known_headers(self) -> dict[str, str]:
        """Every header the sheet's resource reads, normalised, to its column name: the resource's
        columns under their own name and under their name in this workbook."""
        columns = [field.column_name for field in self.resource_class().get_import_fields()]
        known = {normalize(column): column for column in columns}
        for column, header in self.renamed.items():
            known.setdefault(normalize(header), column)
        return known


def sheet_specs(levels: Levels, *, used_only: bool = True) -> list[SheetSpec]:
    """The data sheets of a strategy of this shape and these names, in import order (with
    ``used_only=False``, the sheets of the levels it does not use too)."""
    names = french_names(levels)
    specs = []
    for kind in ORDER:
        if used_only and kind in KINDS and not levels.used(kind):
            continue
        fields = tuple(
            name
            for name in FIELDS[kind]
            if name not in OPTIONAL_FIELDS or levels.used(OPTIONAL_FIELDS[name])
        )
        columns = {RESOURCES[kind].fields[name].column_name for name in FIELDS[kind]}
        renamed = {}
        for name in fields:
            level = PARENT_FIELDS.get(name)
            if level in KINDS:
                column = RESOURCES[kind].fields[name].column_name
                header = names[level].Singular
                # A level named like another column of the sheet keeps the column's own name.
                if normalize(header) != normalize(column) and header not in columns:
                    renamed[column] = header
        title = {INDICATOR: INDICATORS_TITLE, VALUE: VALUES_TITLE}.get(kind)
        specs.append(SheetSpec(kind, title or sheet_title(names[kind].Plural), fields, renamed))
    return specs


def sheet_kinds(*levels: Levels) -> dict[str, str]:
    """Normalised sheet name → what the sheet holds (a kind, ``"strategy"`` or ``"guide"``): the
    fixed names first, then the levels' names (plural, then singular) in each ``levels`` given
    (the workbook's, the strategy's), then the default names."""
    kinds: dict[str, str] = {}

    def add(name: str, kind: str) -> None:
        key = normalize(sheet_title(str(name)))
        if key:
            kinds.setdefault(key, kind)

    add(GUIDE_TITLE, "guide")
    add(STRATEGY_TITLE, "strategy")
    add(INDICATORS_TITLE, INDICATOR)
    add(VALUES_TITLE, VALUE)
    add("Valeurs d'indicateur", VALUE)
    for each in levels:
        for kind, name in french_names(each).items():
            add(name.Plural, kind)
            add(name.Singular, kind)
    with translation.override(settings.LANGUAGE_CODE):
        for kind, (singular, plural, _gender, _prefix) in DEFAULTS.items():
            add(str(plural), kind)
            add(str(singular), kind)
    return kinds
