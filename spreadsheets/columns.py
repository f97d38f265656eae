"""The columns of a spreadsheet resource: the file's headers matched to its fields (in French,
without regard to case and accents), the raw value of each column of a row (to compare two states
of it and show what changed), the columns of the empty template and what the export writes in
each (``ColumnsMixin``, mixed into ``spreadsheets.resources.SpreadsheetResource``)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from import_export import fields, widgets

from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.text import LIST_SEPARATOR, SpreadsheetError, normalize, quoted
from spreadsheets.widgets import DateWidget, DecimalWidget, IntegerWidget


@dataclass(frozen=True)
class TemplateColumn:
    """A column of the empty import template and its line on the explanation sheet."""

    name: str
    kind: str
    required: str
    help: str
    accepted: str
    example: Any = None


class ColumnsMixin:
    """The columns of a ``SpreadsheetResource``."""

    #: Column → what it holds, for the template's explanation sheet.
    column_help: dict[str, str] = {}
    #: An example row for the template, by column.
    example: dict[str, Any] = {}
    #: Fields the export writes but the template leaves out (informative columns).
    export_only_fields: tuple[str, ...] = ()
    #: The file's columns that the resource does not know (``canonical_headers``): ignored.
    ignored_columns: tuple[str, ...] = ()

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls._meta.model._meta.verbose_name_plural).capitalize()

    def get_import_fields(self) -> list[fields.Field]:
        # import-export asks for them on every row; they do not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @property
    def key_columns(self) -> list[str]:
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    @functools.cached_property
    def key_attributes(self) -> tuple[str, ...]:
        return tuple(self.fields[name].attribute for name in self.get_import_id_fields())

    @functools.cached_property
    def diff_fields(self) -> list[fields.Field]:
        """The columns that write to the row (all but the informative ones)."""
        return [
            field for field in self.get_import_fields() if field.attribute and not field.readonly
        ]

    @functools.cached_property
    def m2m_attributes(self) -> frozenset[str]:
        return frozenset(
            field.attribute
            for field in self.diff_fields
            if isinstance(field.widget, widgets.ManyToManyWidget)
        )

    def is_m2m(self, field: fields.Field) -> bool:
        return field.attribute in self.m2m_attributes

    @functools.cached_property
    def snapshot_names(self) -> list[tuple[fields.Field, str, bool]]:
        """Each diffed column with the instance attribute that holds its raw value (a foreign
        key's id) and whether it is a many-to-many relation."""
        opts = self._meta.model._meta
        names = []
        for field in self.diff_fields:
            if self.is_m2m(field):
                names.append((field, field.attribute, True))
            else:
                names.append((field, opts.get_field(field.attribute).attname, False))
        return names

    def canonical_headers(self, headers: Iterable[Any]) -> list[str]:
        """The file's headers as the resource's column names. A column the resource does not know
        (a clerk's « Remarques internes ») keeps its header, is ignored by the import and named in
        ``header_warnings``. Raises ``SpreadsheetError`` (in French) on a repeated column or a
        missing key column, naming the unknown ones too (one of them may be the key, misspelt)."""
        columns = [field.column_name for field in self.get_import_fields()]
        known = {normalize(column): column for column in columns}
        canonical, unknown, repeated = [], [], []
        for header in headers:
            text = "" if header is None else str(header).strip()
            name = known.get(normalize(text))
            if name is None:
                unknown.append(text)
            elif name in canonical:
                repeated.append(name)
            canonical.append(name or text)
        self.ignored_columns = tuple(unknown)
        problems = []
        if repeated:
            problems.append(
                gettext("Colonnes en double : %(repeated)s.")
                % {"repeated": ", ".join(quoted(text) for text in repeated)}
            )
        missing = [name for name in self.key_columns if name not in canonical]
        if missing:
            if unknown:
                problems.insert(
                    0,
                    gettext("Colonnes inconnues : %(unknown)s.")
                    % {"unknown": ", ".join(quoted(text) for text in unknown)},
                )
            problems.append(
                gettext("Colonnes obligatoires absentes : %(missing)s.")
                % {"missing": ", ".join(quoted(name) for name in missing)}
            )
        if problems:
            problems.append(
                gettext("Les colonnes attendues sont : %(columns)s.")
                % {"columns": ", ".join(columns)}
            )
            raise SpreadsheetError(" ".join(problems))
        return canonical

    def header_warnings(self) -> list[str]:
        """What the preview says of the columns ``canonical_headers`` found but ignores."""
        rows = self._meta.model._meta.verbose_name_plural
        return [
            gettext("Colonne ignorée : %(column)s (inconnue pour les %(rows)s).")
            % {"column": quoted(column), "rows": rows}
            for column in self.ignored_columns
        ]

    def column_of(self, name: str) -> str:
        """The column of a model field or resource field name, for messages."""
        if name == NON_FIELD_ERRORS:
            return ""
        if name in self.fields:
            return self.fields[name].column_name
        for field in self.fields.values():
            if field.attribute == name:
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            return name

    def column_order(self, column: str) -> int:
        columns = [field.column_name for field in self.get_import_fields()]
        return columns.index(column) if column in columns else len(columns)

    def snapshot(self, instance: models.Model) -> dict[str, Any]:
        """The raw value of each column that writes to the row (ids for relations, normalised
        text), to compare two states of a row without rendering them."""
        values = {}
        pending = getattr(instance, "_import_m2m", {})
        for field, name, many in self.snapshot_names:
            if many:
                if name in pending:
                    value = frozenset(item.pk for item in pending[name])
                elif instance.pk is None:
                    value = frozenset()
                elif name in getattr(instance, "_import_links", {}):
                    value = instance._import_links[name]
                else:
                    value = frozenset(getattr(instance, name).values_list("pk", flat=True))
            else:
                value = getattr(instance, name)
                if value.__class__ is str:
                    # Browsers send CRLF from a textarea, spreadsheets keep LF: the same text.
                    value = value.replace("\r\n", "\n").strip()
            values[field.attribute] = value
        return values

    def display(self, field: fields.Field, value: Any) -> str:
        """A raw value (from ``snapshot``) as the preview shows it."""
        if value is None or value == "" or value == frozenset():
            return ""
        widget = field.widget
        if self.is_m2m(field):
            names = widget.lookup.by_pk()
            return LIST_SEPARATOR.join(sorted(str(names[pk]) for pk in value if pk in names))
        if isinstance(widget, ScopedLookupWidget):
            value = widget.by_pk().get(value)
        rendered = widget.render(value)
        return "" if rendered is None else str(rendered)

    # --- The empty template ---------------------------------------------------------------------

    def template_columns(self) -> list[TemplateColumn]:
        """The template's columns (the informative ones of ``export_only_fields`` left out), with
        what the explanation sheet says of each."""
        columns = []
        left_out = {self.fields[name] for name in self.export_only_fields}
        for field in self.get_import_fields():
            if field in left_out:
                continue
            name = field.column_name
            columns.append(
                TemplateColumn(
                    name=name,
                    kind=self.column_kind(field),
                    required=self.requirement(field),
                    help=str(self.column_help.get(name) or self.model_help(field)),
                    accepted=str(field.widget.describe())
                    if hasattr(field.widget, "describe")
                    else "",
                    example=self.example.get(name),
                )
            )
        return columns

    def requirement(self, field: fields.Field) -> str:
        if field.attribute in self.key_attributes:
            return gettext("oui")
        try:
            model_field = self._meta.model._meta.get_field(field.attribute or "")
        except FieldDoesNotExist:
            return gettext("non")
        if model_field.blank or model_field.has_default() or model_field.many_to_many:
            return gettext("non")
        return gettext("oui, pour une nouvelle ligne")

    def model_help(self, field: fields.Field) -> str:
        try:
            model_field = self._meta.model._meta.get_field(field.attribute or "")
        except FieldDoesNotExist:
            return ""
        return str(model_field.help_text or model_field.verbose_name).capitalize()

    def template_instructions(self) -> list[str]:
        """The lines the explanation sheet starts with."""
        return []

    def reference_lists(self) -> dict[str, list[str]]:
        """For a template made for a scope (a strategy): the codes and names its columns
        accept."""
        lists = {}
        for field in self.diff_fields:
            lookup = getattr(field.widget, "lookup", field.widget)
            if isinstance(lookup, ScopedLookupWidget):
                lists[field.column_name] = [
                    lookup.reference_label(obj) for obj in lookup.objects().values()
                ]
        return lists

    # --- Exports --------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return self.optimize_export(queryset)

    def optimize_export(self, queryset):
        """The export's queryset with what its columns show (``select_related``,
        ``prefetch_related``), so that the export costs a fixed number of queries."""
        return queryset

    def after_export(self, queryset, dataset, **kwargs) -> None:
        """Tells the file format what each column holds (dates, amounts), for its cell formats."""
        dataset.title = self.get_display_name()
        export_fields = self.get_export_fields(kwargs.get("export_fields"))
        dataset.column_kinds = [self.column_kind(field) for field in export_fields]

    @staticmethod
    def column_kind(field: fields.Field) -> str:
        widget = field.widget
        if isinstance(widget, DateWidget):
            return "date"
        if isinstance(widget, IntegerWidget):
            return "int"
        if isinstance(widget, DecimalWidget):
            return widget.kind
        return "text"
