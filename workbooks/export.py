"""The strategy workbook written from the database: « Mode d'emploi », « Stratégie », one sheet per
level the strategy uses, « Indicateurs », « Valeurs » (``workbooks.sheets``), each cell written by
its resource's widget as the admin's exports write it (real dates and numbers, choices as their
French labels, formulas never injected), so that the workbook imports back unchanged.

Dropdowns are Excel data validations: the choices of a column (statuses, priorities, levels…),
and the codes of the parent sheet for a column that names a parent (a project's measure lists
the « Code » column of « Mesures »). They warn, they do not forbid: a parent may also be one the
strategy holds, and the import checks every cell anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.widgets import ManyToManyWidget
from openpyxl.utils import get_column_letter

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from spreadsheets.formats import export_columns
from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.tables import Table
from spreadsheets.widgets import ChoiceWidget
from spreadsheets.xlsx import PLAIN, Book, Sheet
from strategies.levels import AXIS, DOMAIN, FEMININE, MASCULINE, MEASURE, PROJECT
from strategies.models import Axis, Domain, Measure, Strategy

from .guide import write_guide
from .sheets import INDICATOR, STRATEGY_TITLE, SheetSpec, sheet_specs
from .strategy_sheet import COLUMNS, GENDER, LEVEL, NO, USED, YES, level_widget, strategy_rows

#: The last row of a sheet (XlsxWriter counts from 0): dropdowns cover every row to come.
LAST_ROW = 1_048_575
#: Rows read from the database at a time.
CHUNK = 2000


def rows_of(kind: str, strategy: Strategy) -> QuerySet:
    """A sheet's rows, in the order of the cockpit, with what their columns show."""
    if kind == AXIS:
        return Axis.objects.filter(strategy=strategy).order_by("number")
    if kind == DOMAIN:
        return (
            Domain.objects.filter(axis__strategy=strategy)
            .select_related("axis")
            .order_by("axis__number", "order", "title")
        )
    if kind == MEASURE:
        return (
            Measure.objects.filter(strategy=strategy)
            .select_related("axis", "domain")
            .prefetch_related("themes")
        )
    if kind == PROJECT:
        return (
            Project.objects.filter(strategy=strategy)
            .select_related("axis", "measure", "owner")
            .prefetch_related("communes", "themes")
        )
    if kind == INDICATOR:
        return Indicator.objects.filter(strategy=strategy).select_related("axis", "measure")
    return (
        IndicatorValue.objects.filter(indicator__strategy=strategy)
        .select_related("indicator")
        .order_by(Length("indicator__code"), "indicator__code", "date")
    )


def export_workbook(
    strategy: Strategy, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """The strategy's workbook (xlsx bytes); ``progress(done, total)`` after each sheet, when
    given (a background job's bar)."""
    specs = sheet_specs(strategy.levels)
    total = len(specs) + 3
    book = Book(str(strategy), timezone.localdate(), constant_memory=True)
    write_guide(book, strategy, specs)
    write_strategy_sheet(book, strategy)
    if progress:
        progress(2, total)
    by_kind = {spec.kind: spec for spec in specs}
    for done, spec in enumerate(specs, start=3):
        write_data_sheet(book, strategy, spec, by_kind)
        if progress:
            progress(done, total)
    content = book.close()
    if progress:
        progress(total, total)
    return content


def write_strategy_sheet(book: Book, strategy: Strategy) -> None:
    columns = export_columns(list(COLUMNS), ["text"] * len(COLUMNS))
    sheet = book.sheet(STRATEGY_TITLE, [column.width for column in columns], freeze_row=2)
    table = Table(sheet, columns, body=PLAIN)
    for row in strategy_rows(strategy):
        table.add(row)
    table.end()
    for column, values in (
        (LEVEL, [label for _value, label in level_widget().choices]),
        (USED, [YES, NO]),
        (GENDER, [FEMININE, MASCULINE]),
    ):
        dropdown(sheet, COLUMNS.index(column), values)


def write_data_sheet(
    book: Book, strategy: Strategy, spec: SheetSpec, by_kind: dict[str, SheetSpec]
) -> None:
    resource = spec.resource_class(strategy=strategy)
    fields = [resource.fields[name] for name in spec.fields]
    columns = export_columns(spec.headers, [resource.column_kind(field) for field in fields])
    sheet = book.sheet(spec.title, [column.width for column in columns], freeze_row=2)
    table = Table(sheet, columns, body=PLAIN)
    for cells in sheet_cells(rows_of(spec.kind, strategy), fields):
        table.add(cells)
    table.end()
    parents = {parent.field: parent.kind for parent in spec.parents}
    for index, (name, field) in enumerate(zip(spec.fields, fields, strict=True)):
        if name in parents and parents[name] in by_kind:
            parent = by_kind[parents[name]]
            key = parent.column("title") if parent.kind == DOMAIN else parent.key_columns[-1]
            letter = get_column_letter(parent.columns.index(key) + 1)
            title = parent.title.replace("'", "''")
            dropdown(sheet, index, f"='{title}'!${letter}$2:${letter}${LAST_ROW + 1}")
        elif isinstance(field.widget, ChoiceWidget):
            widget = field.widget
            values = [
                str(value) if widget.as_value else label
                for value, label in widget.choices
                if value != ""
            ]
            dropdown(sheet, index, values)


def sheet_cells(queryset: QuerySet, fields: list) -> Iterator[list]:
    """Each row's cells, as the fields' widgets render them (``force_native_type``: real dates
    and numbers). A sheet without many-to-many columns (values, indicators…) is read as tuples,
    a related row's column as the key its widget writes (the indicator's code), without a model
    instance per row: 100,000 values cost tuples."""
    if any(isinstance(field.widget, ManyToManyWidget) for field in fields):
        for instance in queryset.iterator(chunk_size=CHUNK):
            yield [field.export(instance, force_native_type=True) for field in fields]
        return
    paths, renders = [], []
    for field in fields:
        widget = field.widget
        if isinstance(widget, ScopedLookupWidget):
            paths.append(f"{field.attribute}__{widget.field}")
            renders.append(None)
        else:
            paths.append(field.attribute)
            renders.append(functools.partial(widget.render, force_native_type=True))
    for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
        yield [
            value if render is None else render(value)
            for value, render in zip(values, renders, strict=True)
        ]


def dropdown(sheet: Sheet, column: int, source: list[str] | str) -> None:
    """A dropdown over the column (from 0) below its header: a list, or a range's formula."""
    sheet.ws.data_validation(
        1,
        column,
        LAST_ROW,
        column,
        {
            "validate": "list",
            "source": source,
            "ignore_blank": True,
            "error_type": "warning",
            "error_title": _("Valeur hors de la liste")[:32],
            "error_message": _(
                "Cette valeur n'est pas dans la liste. L'import dira si elle est acceptée."
            )[:255],
        },
    )
