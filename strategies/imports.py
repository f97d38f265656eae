"""Spreadsheet import and export: the building blocks shared by the resources of the three domain
apps (``strategies/resources.py``, ``projects/resources.py``, ``indicators/resources.py``).

Built on django-import-export, configured the way its maintainers recommend for large files (bulk
mode, lookups cached, no query per row) and made strict enough that a bad file changes nothing:

- rows are identified by business keys within the strategy chosen in the import form (a project by
  its code, a value by its indicator's code and its date), never by database ids, and so are the
  foreign keys (a measure by its code, a commune by its name in the strategy's territory);
- French headers, matched without regard to case, accents and punctuation ("qui?" is "Qui ?");
  dates as dd.mm.yyyy or ISO; choices by their French label or their value; numbers with a comma or
  a point; empty optional cells are fine;
- every row goes through the model's own rules, as the admin form does (field validation,
  ``clean()``, unique and check constraints with their French messages), evaluated in Python
  against data loaded once: no query per row;
- every error is reported with its line, its column and a French message, and the whole file is
  rolled back when any row is bad;
- writes are bulk, and each created or changed row gets its simple-history record (who imported
  it, when, from which file), many-to-many links included.

Nothing here imports ``cockpit``: the file formats (reading xlsx and csv safely, writing them with
the Excel pack's formula neutralisation) live in ``cockpit/spreadsheets.py`` and reach the admin
through the ``SPREADSHEET_IMPORT_FORMATS`` / ``SPREADSHEET_EXPORT_FORMATS`` settings.
"""

from __future__ import annotations

import datetime
import functools
import logging
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history

from spreadsheets.text import (
    DATE_INPUT_FORMATS,
    LIST_SEPARATOR,
    SpreadsheetError,
    fold,
    normalize,
    quoted,
)
from strategies.models import DerivedStrategyMixin, Strategy

logger = logging.getLogger(__name__)


# --- Widgets ------------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    """Text as typed, trimmed; an empty cell is an empty text; a number typed in a text column (a
    code "12") is read as the text "12"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_blank=True, **kwargs)

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime.datetime | datetime.date):
            return quoted(value)[2:-2]
        return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)

    def describe(self) -> str:
        return gettext("texte libre")


class DateWidget(widgets.Widget):
    """A date: a date cell of the spreadsheet, or text as dd.mm.yyyy or ISO (yyyy-mm-dd)."""

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    return datetime.datetime.strptime(value.strip(), input_format).date()
                except ValueError:
                    continue
        raise ValueError(
            gettext("%(value)s n'est pas une date (jj.mm.aaaa, par exemple 31.12.2026).")
            % {"value": quoted(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else date_format(value, "SHORT_DATE_FORMAT")

    def describe(self) -> str:
        return gettext("date jj.mm.aaaa (ou aaaa-mm-jj)")


class DecimalWidget(widgets.Widget):
    """A number: a number cell, or text with a comma or a point as decimal separator, spaces or
    apostrophes between thousands, and an optional unit (%, CHF, €). ``unknown`` is a text that
    stands for "no value" (the indicators' "?" for an unknown baseline)."""

    UNITS = ("%", "chf", "fr.", "€", "eur")
    #: "money" for amounts (shown with two decimals in the spreadsheet), else a plain number.
    kind = "number"

    def __init__(self, *, unknown: str | None = None, kind: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.unknown = unknown
        if kind:
            self.kind = kind

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.error(value)
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if not text or (self.unknown is not None and text == self.unknown):
            return None
        return self.parse(text, value)

    def parse(self, text: str, value: Any) -> Decimal:
        cleaned = text.casefold()
        for unit in self.UNITS:
            cleaned = cleaned.removesuffix(unit).strip()
        for separator in (" ", "\u00a0", "\u202f", "'", "’"):
            cleaned = cleaned.replace(separator, "")
        if "," in cleaned and "." in cleaned:
            # 1.234,5 or 1,234.5: the last one is the decimal separator.
            thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
            cleaned = cleaned.replace(thousands, "")
        if cleaned.count(",") == 1:
            cleaned = cleaned.replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise self.error(value) from None
        if not number.is_finite():
            raise self.error(value)
        return number

    def error(self, value) -> ValueError:
        message = gettext("%(value)s n'est pas un nombre.") % {"value": quoted(value)}
        if self.unknown:
            message += " " + gettext(
                "Laissez la cellule vide ou écrivez %(unknown)s si la valeur est inconnue."
            ) % {"unknown": quoted(self.unknown)}
        return ValueError(message)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return self.unknown or (None if kwargs.get("force_native_type") else "")
        if kwargs.get("force_native_type"):
            return value
        return f"{value.normalize():f}"

    def describe(self) -> str:
        text = gettext("nombre (virgule ou point décimal)")
        if self.unknown:
            text += " ; " + gettext("%(unknown)s ou vide si inconnu") % {
                "unknown": quoted(self.unknown)
            }
        return text


class IntegerWidget(DecimalWidget):
    """A whole number (a percentage of progress: "45", "45 %")."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(
                gettext("%(value)s n'est pas un nombre entier.") % {"value": quoted(value)}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)

    def describe(self) -> str:
        return gettext("nombre entier")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, read from its French label ("en cours"), its value
    ("in_progress") or, for labels such as "1 – haute" or "stratégique (axe)", their parts ("1",
    "haute", "stratégique"). Written as the label, or as the value when ``as_value`` (priorities
    are the numbers 1 to 3 in the seed's tables).

    An empty cell gives ``empty``: None leaves the row's current value (the model's default on a
    new row) when the field does not save nulls; "" clears an optional choice."""

    def __init__(
        self,
        choices: Iterable[tuple[Any, Any]],
        *,
        as_value: bool = False,
        empty: Any = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.empty = empty
        choices = list(choices)
        # The file speaks French whatever the interface's language (like its headers); labels in
        # the other languages are understood too.
        with translation.override(settings.LANGUAGE_CODE):
            self.choices = [(value, str(label)) for value, label in choices]
        self.as_value = as_value
        self.index: dict[str, Any] = {}
        for language, _name in [(settings.LANGUAGE_CODE, ""), *settings.LANGUAGES]:
            with translation.override(language):
                for value, label in choices:
                    label = str(label)
                    names = {str(value), label, label.split(" (")[0]}
                    names.update(part for part in label.split(" – ") if part.strip())
                    for name in names:
                        self.index.setdefault(normalize(name), value)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.empty
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return self.index[normalize(value)]
        except KeyError:
            raise ValueError(
                gettext("%(value)s n'est pas une valeur possible : %(choices)s.")
                % {"value": quoted(value), "choices": self.describe()}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return None if kwargs.get("force_native_type") else ""
        if self.as_value:
            return value
        return dict(self.choices).get(value, value)

    def describe(self) -> str:
        return ", ".join(label for value, label in self.choices if value != "")


class StrategyLookupWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a business key (a code, a number, a name) within the strategy of the
    import, found in a dictionary that one query fills on first use.

    ``queryset`` gives the candidates from the strategy, ``key`` the text a row uses for each of
    them (``field`` is what the export writes), ``unknown`` the French message for a value that
    matches none (with ``%(value)s`` and ``%(strategy)s``)."""

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        *,
        queryset: Callable[[Strategy], models.QuerySet],
        unknown: str,
        description: str,
        key: Callable[[models.Model], Any] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(model, field=field, **kwargs)
        self.candidates = queryset
        self.key = key or (lambda obj: getattr(obj, field))
        self.unknown = unknown
        self.description = description
        self.resource: SpreadsheetResource | None = None
        self._by_key: dict[str, models.Model] | None = None
        self._by_folded: dict[str, list[models.Model]] = {}

    def bind(self, resource: SpreadsheetResource) -> None:
        self.resource = resource
        self._by_key = None

    @property
    def strategy(self) -> Strategy | None:
        return self.resource.strategy if self.resource else None

    def objects(self) -> dict[str, models.Model]:
        """Every candidate by its key as written (trimmed), loaded with one query, then kept."""
        if self._by_key is None:
            candidates = list(self.candidates(self.strategy)) if self.strategy else []
            self._by_key = {self.normalize_key(self.key(obj)): obj for obj in candidates}
            self._by_folded = defaultdict(list)
            for key, obj in self._by_key.items():
                self._by_folded[fold(key)].append(obj)
        return self._by_key

    def by_pk(self) -> dict[int, models.Model]:
        return {obj.pk: obj for obj in self.objects().values()}

    @staticmethod
    def normalize_key(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())

    def find(self, value: Any) -> models.Model | None:
        """The candidate a cell names: as written, else the only one written so but for case and
        accents ("energie" for "Énergie")."""
        key = self.normalize_key(value)
        found = self.objects().get(key)
        if found is None:
            matches = self._by_folded.get(fold(key), [])
            found = matches[0] if len(matches) == 1 else None
        return found

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        found = self.find(value)
        if found is None:
            raise ValueError(self.unknown % {"value": quoted(value), "strategy": self.strategy})
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        return getattr(value, self.field)

    def describe(self) -> str:
        return str(self.description)

    def reference_label(self, obj: models.Model) -> str:
        return str(obj)


class StrategyNamesWidget(widgets.ManyToManyWidget):
    """Several related rows (communes, themes) by their names within the strategy or its
    territory, separated by semicolons (or commas, or new lines); names are matched without regard
    to case and spacing."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        queryset: Callable[[Strategy], models.QuerySet],
        unknown: str,
        description: str,
        field: str = "name",
    ) -> None:
        super().__init__(model, separator=LIST_SEPARATOR, field=field)
        self.lookup = StrategyLookupWidget(
            model, field, queryset=queryset, unknown=unknown, description=description
        )

    def bind(self, resource: SpreadsheetResource) -> None:
        self.lookup.bind(resource)

    def clean(self, value, row=None, **kwargs) -> list[models.Model]:
        if value is None or not str(value).strip():
            return []
        known = self.lookup.objects()
        found: dict[int, models.Model] = {}
        unknown = []
        for part in str(value).replace("\n", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            obj = self.lookup.find(part)
            if obj is not None:
                found[obj.pk] = obj
                continue
            for name in part.split(","):  # "Icogne, Lens"
                name = name.strip()
                obj = self.lookup.find(name) if name else None
                if obj is not None:
                    found[obj.pk] = obj
                elif name:
                    unknown.append(name)
        if unknown:
            raise ValueError(
                self.lookup.unknown
                % {
                    "value": ", ".join(quoted(name) for name in unknown),
                    "strategy": self.lookup.strategy,
                }
                + " "
                + gettext("Possibles : %(names)s.")
                % {"names": ", ".join(sorted(str(obj) for obj in known.values())) or "–"}
            )
        return list(found.values())

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return LIST_SEPARATOR.join(sorted(getattr(item, self.field) for item in value.all()))

    def describe(self) -> str:
        return str(self.lookup.description)


# --- Validation without a query per row ----------------------------------------------------------


class Unsupported(Exception):
    """A constraint condition that ``evaluate`` cannot compute in Python."""


LOOKUPS = {"exact", "isnull", "gt", "gte", "lt", "lte", "in"}
COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}

Predicate = Callable[[models.Model], "bool | None"]


def _attname(model: type[models.Model], name: str) -> str:
    if "__" in name:
        raise Unsupported(name)
    return model._meta.get_field(name).attname


def _lookup_predicate(model: type[models.Model], path: str, rhs: Any) -> Predicate:
    name, _sep, lookup = path.rpartition("__")
    if lookup not in LOOKUPS:
        name, lookup = path, "exact"
    lhs_name = _attname(model, name)
    rhs_name = _attname(model, rhs.name) if isinstance(rhs, F) else None
    if rhs_name is None and hasattr(rhs, "resolve_expression"):
        raise Unsupported(rhs)

    def predicate(instance: models.Model) -> bool | None:
        lhs = getattr(instance, lhs_name)
        value = getattr(instance, rhs_name) if rhs_name else rhs
        if lookup == "isnull":
            return (lhs is None) == bool(value)
        if lookup == "exact" and value is None:
            return lhs is None
        if lhs is None or (lookup != "in" and value is None):
            return None  # SQL: a comparison with NULL is unknown
        if lookup == "in":
            return lhs in value
        return COMPARISONS[lookup](lhs, value)

    return predicate


def compile_condition(condition: Q, model: type[models.Model]) -> Predicate:
    """A constraint's condition as a Python function of an unsaved instance that gives its SQL
    truth value: True, False, or None (unknown, as SQL says of ``NULL >= 1``; a check constraint
    lets it pass).

    Handles what check constraints are made of (``exact``, ``isnull``, comparisons, ``in``, ``F()``
    of the same row, ``&``, ``|``, ``~``); anything else raises ``Unsupported``."""
    parts = []
    for child in condition.children:
        if isinstance(child, Q):
            parts.append(compile_condition(child, model))
        elif isinstance(child, tuple):
            parts.append(_lookup_predicate(model, *child))
        else:
            raise Unsupported(child)
    if condition.connector not in (Q.AND, Q.OR):
        raise Unsupported(condition.connector)
    decisive = condition.connector == Q.OR  # True decides an OR, False an AND
    negated = condition.negated

    def predicate(instance: models.Model) -> bool | None:
        unknown = False
        for part in parts:
            value = part(instance)
            if value is None:
                unknown = True
            elif value is decisive:
                return not value if negated else value
        if unknown:
            return None
        return decisive if negated else not decisive

    return predicate


def evaluate(condition: Q, instance: models.Model) -> bool | None:
    """``compile_condition`` applied once."""
    return compile_condition(condition, type(instance))(instance)


def referenced_fields(condition: Q) -> set[str]:
    """The model fields a condition reads (to skip it when one of them already failed, as
    ``Model.full_clean`` does, and to say which columns an error is about)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced_fields(child)
        elif isinstance(child, tuple):
            path, rhs = child
            name, _sep, lookup = path.rpartition("__")
            names.add(name if lookup in LOOKUPS else path)
            if isinstance(rhs, F):
                names.add(rhs.name)
    return names


@dataclass(frozen=True)
class RowConstraint:
    """A model constraint ready to be checked row after row in Python: a check constraint's
    condition, or a unique constraint's key and the condition under which it applies."""

    constraint: models.BaseConstraint
    #: The fields it is about (a code unique in the strategy is about the code).
    fields: frozenset[str]
    condition: Predicate | None = None
    key: tuple[str, ...] = ()
    #: A condition ``compile_condition`` cannot handle: the database checks it (one query).
    in_database: bool = False

    @classmethod
    def of(cls, constraint, model: type[models.Model]) -> RowConstraint | None:
        if isinstance(constraint, models.CheckConstraint):
            fields = frozenset(referenced_fields(constraint.condition))
            try:
                return cls(constraint, fields, compile_condition(constraint.condition, model))
            except Unsupported:  # pragma: no cover - every constraint of ours is supported
                return cls(constraint, fields, in_database=True)
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            fields = frozenset(constraint.fields) - {"strategy"} or frozenset(constraint.fields)
            condition = (
                compile_condition(constraint.condition, model)
                if constraint.condition is not None
                else None
            )
            key = tuple(_attname(model, name) for name in constraint.fields)
            return cls(constraint, fields, condition, key)
        return None

    @property
    def is_unique(self) -> bool:
        return bool(self.key)

    @property
    def message(self) -> str:
        return str(self.constraint.get_violation_error_message())

    def unique_key(self, instance: models.Model) -> tuple | None:
        """The row's key for a unique constraint, None when the constraint does not apply (a
        condition not met, a NULL in the key)."""
        if self.condition is not None and not self.condition(instance):
            return None
        key = tuple(getattr(instance, attname) for attname in self.key)
        return None if None in key else key

    def broken(self, instance: models.Model, exclude: set[str]) -> bool:
        """Whether a check constraint is broken (False, not unknown, as SQL has it)."""
        if self.in_database:  # pragma: no cover - see ``of``
            try:
                self.constraint.validate(type(instance), instance, exclude=exclude)
            except ValidationError:
                return True
            return False
        return self.condition(instance) is False


@dataclass(frozen=True)
class Problem:
    """One error of the preview: the spreadsheet line, the column, the French message and the
    value read in that cell."""

    line: int
    column: str
    message: str
    value: Any = None

    @property
    def shown_value(self) -> str:
        if self.value in (None, ""):
            return ""
        return quoted(self.value)[2:-2]


@dataclass(frozen=True)
class Change:
    """One cell of the preview: what a new row brings, or what an update changes."""

    column: str
    before: str
    after: str


@dataclass(frozen=True)
class TemplateColumn:
    """A column of the empty import template and its line on the explanation sheet."""

    name: str
    kind: str
    required: str
    help: str
    accepted: str
    example: Any = None


class ExistingRows:
    """The rows of the strategy, by business key, kept as tuples of their column values and made
    into model instances only when a row of the file names one: a file of 100,000 values that
    match 100,000 stored ones costs tuples, not instances. ``attach`` gives each instance the
    related rows that the resource has already loaded (its measure, its indicator, its
    many-to-many links), so that reading them makes no query."""

    def __init__(
        self,
        queryset: models.QuerySet,
        key: tuple[str, ...],
        attach: Callable[[models.Model], None],
    ) -> None:
        self.model = queryset.model
        self.db = queryset.db
        self.attnames = [field.attname for field in self.model._meta.concrete_fields]
        positions = [self.attnames.index(attname) for attname in key]
        self.attach = attach
        self.rows = {
            tuple(values[position] for position in positions): values
            for values in queryset.order_by().values_list(*self.attnames)
        }
        self.links: dict[str, dict[Any, frozenset]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: tuple) -> models.Model | None:
        values = self.rows.get(key)
        if values is None:
            return None
        instance = self.model.from_db(self.db, self.attnames, values)
        instance._import_links = {
            attribute: links.get(instance.pk, frozenset())
            for attribute, links in self.links.items()
        }
        self.attach(instance)
        return instance

    def namespaces(self) -> Iterable[SimpleNamespace]:
        """Each row as an object with its column values as attributes (for the constraints)."""
        for values in self.rows.values():
            yield SimpleNamespace(**dict(zip(self.attnames, values, strict=True)))


class BusinessKeyInstanceLoader(BaseInstanceLoader):
    """Finds the row that a spreadsheet row updates by its business key, among the strategy's rows
    that the resource loaded once (no query per row)."""

    def get_instance(self, row):
        key = self.resource.current_key
        return None if key is None else self.resource.existing.get(key)


class SpreadsheetRowResult(RowResult):
    """A row's result without what 100,000 rows cannot afford: the instance and its text are kept
    only for the rows the preview shows (``SpreadsheetResource.after_import_row``)."""

    line = 0
    changes: tuple = ()

    def add_instance_info(self, instance) -> None:
        self.object_id = getattr(instance, "pk", None)


# --- History of the bulk writes --------------------------------------------------------------

HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def copy_to_history(
    model: type[models.Model],
    instances: list[models.Model],
    *,
    history_type: str,
    user,
    reason: str,
    using: str,
) -> None:
    """The history records (simple-history) of rows just written in bulk: who, when, why, and the
    row's values as the database holds them.

    simple-history's ``bulk_history_create`` builds a historical model instance per row, which
    costs more than the rows themselves at 100,000 values; since the rows are in the database
    already, their records are copied there, one ``INSERT … SELECT`` per thousand rows. A
    historical table with a column this does not know gets simple-history's own way instead."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    tracked = list(history.tracked_fields)
    columns = {field.attname for field in history._meta.concrete_fields}
    if columns != {field.attname for field in tracked} | HISTORY_COLUMNS:
        history.objects.bulk_history_create(  # pragma: no cover - our history tables qualify
            instances,
            update=history_type == "~",
            default_user=user,
            default_change_reason=reason,
        )
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    copied = ", ".join(quote(history._meta.get_field(field.name).column) for field in tracked)
    source = ", ".join(quote(field.column) for field in tracked)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    stamp = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        reason,
        history_type,
        getattr(user, "pk", None),
    ]
    pks = [instance.pk for instance in instances]
    array = connection.vendor == "postgresql"  # one array parameter: three times faster there
    size = 1000 if array else 500  # SQLite takes at most 999 parameters
    for start in range(0, len(pks), size):
        batch = pks[start : start + size]
        selected = "= ANY(%s)" if array else f"IN ({', '.join(['%s'] * len(batch))})"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {extra}) "
                f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} {selected}",
                [*stamp, batch] if array else [*stamp, *batch],
            )


# --- The base resource ---------------------------------------------------------------------------


class SpreadsheetResource(resources.ModelResource):
    """A model's rows in a spreadsheet, within one strategy (``strategy=`` at construction; the
    admin takes it from the import form). Subclasses declare their columns as fields with French
    column names (plain strings: a file's headers do not change with the interface's
    language) and the business key in ``import_id_fields``.

    import-export's options are set for speed and safety: bulk writes, unchanged rows skipped and
    left out of the result, ``skip_diff`` (no deep copy of each row: its values are snapshotted
    before the import changes them), validation of every row, and a transaction rolled back by
    any error or validation error. Its per-cell plumbing is replaced by a direct loop over the
    columns of the file (``import_instance``)."""

    #: Path from the model to its strategy: the rows an import may update, and the informative
    #: "Stratégie" column of the exports.
    strategy_path = "strategy"
    #: Column → what it holds, for the template's explanation sheet.
    column_help: dict[str, str] = {}
    #: An example row for the template, by column.
    example: dict[str, Any] = {}
    #: New rows whose cells the preview shows, and updated rows whose changes it shows (the others
    #: are counted).
    preview_new_rows = 200
    preview_updated_rows = 1000

    strategy_label = fields.Field(
        column_name="Stratégie", attribute=None, readonly=True, widget=TextWidget()
    )

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        skip_diff = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = BusinessKeyInstanceLoader
        chunk_size = 2000

    def __init__(self, strategy: Strategy | None = None, user=None, **kwargs) -> None:
        self._import_fields: list[fields.Field] | None = None
        super().__init__(**kwargs)
        self.strategy = strategy
        self.user = user if getattr(user, "is_authenticated", False) else None
        for field in self.fields.values():
            if hasattr(field.widget, "bind"):
                field.widget.bind(self)
        self.existing: ExistingRows | dict = {}
        self.problems: list[Problem] = []
        self.current_key: tuple | None = None
        self._present: list[fields.Field] = []
        self._seen_keys: dict[Any, int] = {}
        self._unique_keys: dict[str, dict[tuple, Any]] = {}
        self._line_numbers: list[int] | None = None
        self._change_reason = ""
        self._key_values: dict[str, Any] = {}
        self._changes: list[Change] = []
        self._repr = ""
        self._new_rows = 0
        self._updated_rows = 0
        self._refused = False

    @classmethod
    def get_row_result_class(cls):
        return SpreadsheetRowResult

    # --- Columns --------------------------------------------------------------------------------

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
        """The file's headers as the resource's column names; raises ``SpreadsheetError`` (in
        French) on an unknown or repeated column, or a missing key column."""
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
        problems = []
        if unknown:
            problems.append(
                gettext("Colonnes inconnues : %(unknown)s.")
                % {"unknown": ", ".join(quoted(text) for text in unknown)}
            )
        if repeated:
            problems.append(
                gettext("Colonnes en double : %(repeated)s.")
                % {"repeated": ", ".join(quoted(text) for text in repeated)}
            )
        missing = [name for name in self.key_columns if name not in canonical]
        if missing:
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
        if isinstance(widget, StrategyLookupWidget):
            value = widget.by_pk().get(value)
        rendered = widget.render(value)
        return "" if rendered is None else str(rendered)

    # --- The empty template ---------------------------------------------------------------------

    def template_columns(self) -> list[TemplateColumn]:
        """The template's columns (the informative "Stratégie" left out), with what the
        explanation sheet says of each."""
        columns = []
        for field in self.get_import_fields():
            if field is self.fields["strategy_label"]:
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
        keys = ", ".join(f"« {column} »" for column in self.key_columns)
        return [
            gettext(
                "Une ligne par élément, sous la ligne des en-têtes ; l'ordre des colonnes est "
                "libre et une colonne facultative peut manquer (elle ne change alors rien)."
            ),
            gettext(
                "%(keys)s identifie la ligne dans la stratégie choisie au moment de l'import : "
                "une ligne qui existe est mise à jour, une nouvelle est créée ; rien n'est "
                "supprimé."
            )
            % {"keys": keys},
            gettext(
                "Une cellule vide efface la valeur, sauf pour les listes de choix (statut, "
                "priorité...) qui gardent la valeur actuelle ou, pour une nouvelle ligne, celle "
                "par défaut."
            ),
            gettext(
                "Dates au format jj.mm.aaaa ; nombres avec virgule ou point ; plusieurs communes "
                "ou thèmes séparés par « ; »."
            ),
            gettext(
                "Rien n'est enregistré tant qu'une ligne est en erreur : l'aperçu donne chaque "
                "erreur avec sa ligne et sa colonne. Remplacez la ligne d'exemple par vos données."
            ),
        ]

    def reference_lists(self) -> dict[str, list[str]]:
        """For a template made for a strategy: the codes and names its columns accept."""
        lists = {}
        for field in self.diff_fields:
            lookup = getattr(field.widget, "lookup", field.widget)
            if isinstance(lookup, StrategyLookupWidget):
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

    def dehydrate_strategy_label(self, instance: models.Model) -> str:
        strategy = instance
        for attribute in self.strategy_path.split("__"):
            strategy = getattr(strategy, attribute)
        return str(strategy)

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

    # --- Existing rows and keys -----------------------------------------------------------------

    def load_existing(self) -> ExistingRows:
        """The strategy's rows by business key (one query, plus one per many-to-many relation)."""
        opts = self._meta.model._meta
        existing = ExistingRows(
            self._meta.model._default_manager.filter(**{self.strategy_path: self.strategy}),
            tuple(opts.get_field(name).attname for name in self.key_attributes),
            self.attach,
        )
        for attribute in self.m2m_attributes:
            relation = opts.get_field(attribute)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            links = defaultdict(set)
            for source_id, target_id in through._default_manager.filter(
                **{f"{source}__{self.strategy_path}": self.strategy}
            ).values_list(f"{source}_id", f"{target}_id"):
                links[source_id].add(target_id)
            existing.links[attribute] = {pk: frozenset(ids) for pk, ids in links.items()}
        return existing

    def attach(self, instance: models.Model) -> None:
        """Gives an existing row the related rows its columns name, from the widgets' lookups."""
        for field, attname, by_pk in self.lookups:
            setattr(instance, field.attribute, by_pk.get(getattr(instance, attname)))
        if self.has_strategy_field:
            instance.strategy = self.strategy

    @functools.cached_property
    def lookups(self) -> list[tuple[fields.Field, str, dict]]:
        """The foreign-key columns, with their id attribute and their rows by id."""
        opts = self._meta.model._meta
        return [
            (field, opts.get_field(field.attribute).attname, field.widget.by_pk())
            for field in self.diff_fields
            if isinstance(field.widget, StrategyLookupWidget)
        ]

    def row_key(self, row: dict) -> tuple | None:
        """The business key of a row, or None when its key cells cannot be read (their errors are
        reported on their columns). The cleaned key values are kept for ``import_instance``."""
        self._key_values = {}
        values = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                value = field.widget.clean(row.get(field.column_name), row=row)
            except ValueError:
                return None
            if value in (None, ""):
                return None
            self._key_values[field.attribute] = value
            values.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(values)

    def describe_key(self, row: dict) -> str:
        return ", ".join(f"{column} {quoted(row.get(column))}" for column in self.key_columns)

    def is_this_strategy(self, label: Any) -> bool:
        """Whether an informative "Stratégie" cell names the import's strategy (its full name, its
        title, or its short name with or without the horizon)."""
        return normalize(label) in self.strategy_names

    @functools.cached_property
    def strategy_names(self) -> set[str]:
        strategy = self.strategy
        names = {str(strategy), strategy.title}
        if strategy.short_name:
            names |= {strategy.short_name, f"{strategy.short_name} {strategy.horizon_year}"}
        return {normalize(name) for name in names}

    def line_of(self, row_number: int) -> int:
        """The spreadsheet line of the n-th data row (the header is line 1)."""
        if self._line_numbers and 0 < row_number <= len(self._line_numbers):
            return self._line_numbers[row_number - 1]
        return row_number + 1

    # --- The import, step by step ---------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """import-export's, except that a validation error rolls the whole file back by default:
        one bad row among a thousand writes nothing."""
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )
        result.file_errors = file_errors(result)
        result.counts = result_counts(result)
        result.strategy = self.strategy
        if not hasattr(result, "problems"):
            result.problems, result.shown_rows = [], []
        return result

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        self._refused = False
        result = super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
        )
        if self._refused:
            # The file was refused as a whole (headers, strategy): its rows were not read.
            result.rows.clear()
            for import_type in result.totals:
                result.totals[import_type] = 0
        return result

    def before_import(self, dataset, **kwargs) -> None:
        self._refused = True
        if self.strategy is None:
            raise SpreadsheetError(gettext("Choisissez la stratégie dans laquelle importer."))
        dataset.headers = self.canonical_headers(dataset.headers or [])
        present = set(dataset.headers)
        self._present = [field for field in self.diff_fields if field.column_name in present]
        self._line_numbers = getattr(dataset, "line_numbers", None)
        self.problems = []
        self._seen_keys = {}
        self._new_rows = self._updated_rows = 0
        file_name = kwargs.get("file_name") or ""
        self._change_reason = (
            gettext("Import du fichier « %(file)s »") % {"file": file_name}
            if file_name
            else gettext("Import d'un tableur")
        )
        self.existing = self.load_existing()
        self._unique_keys = self.load_unique_keys()
        self._refused = False

    def _check_import_id_fields(self, headers) -> None:
        # ``canonical_headers`` has said, in French, which key columns are missing.
        return None

    def import_row(self, row, instance_loader, **kwargs):
        if self._refused:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs) -> None:
        self._changes = []
        self._repr = ""
        self.current_key = self.row_key(row)

    @functools.cached_property
    def has_strategy_field(self) -> bool:
        return any(field.name == "strategy" for field in self._meta.model._meta.fields)

    def init_instance(self, row=None):
        instance = self._meta.model()
        if self.has_strategy_field:
            instance.strategy = self.strategy
        return instance

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        instance._import_before = None if new else self.snapshot(instance)

    def import_instance(self, instance, row, **kwargs) -> None:
        """Each column of the file read by its widget onto the row (errors by column), the
        many-to-many cells read too (written after the row), a key repeated in the file refused,
        and the informative "Stratégie" column compared with the import's strategy.

        This is import-export's ``import_instance`` without its per-cell plumbing (four copies of
        the keyword arguments per cell), which costs more than the cells themselves."""
        errors: dict[str, list] = {}
        pending = {}
        known = self._key_values
        for field in self._present:
            attribute = field.attribute
            if attribute in known:
                value = known[attribute]
            else:
                try:
                    value = field.widget.clean(row[field.column_name], row=row)
                except ValueError as error:
                    errors[attribute] = [ValidationError(str(error), code="invalid")]
                    continue
            if attribute in self.m2m_attributes:
                pending[attribute] = value
            elif value is not None or field.saves_null_values:
                setattr(instance, attribute, value)
        instance._import_m2m = pending
        key = self.current_key
        if key is not None:
            line = self.line_of(kwargs.get("row_number", 0))
            first = self._seen_keys.setdefault(key, line)
            if first != line:
                errors.setdefault(self.key_attributes[0], []).append(
                    ValidationError(
                        gettext("%(key)s figure déjà à la ligne %(line)s du fichier.")
                        % {"key": self.describe_key(row), "line": first},
                        code="duplicate",
                    )
                )
        label_column = self.fields["strategy_label"].column_name
        label = row.get(label_column)
        if label not in (None, "") and not self.is_this_strategy(label):
            errors["strategy_label"] = [
                ValidationError(
                    gettext(
                        "Cette ligne vient de la stratégie %(other)s : importez-la dans celle-ci, "
                        "ou videz la colonne « %(column)s »."
                    )
                    % {"other": quoted(label), "column": label_column},
                    code="strategy",
                )
            ]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """Unchanged: every column that writes to the row holds what the row held (raw values
        compared, many-to-many by primary key; import-export's own loop would query them)."""
        if import_validation_errors or not self._meta.skip_unchanged:
            return False
        before = instance._import_before
        return before is not None and self.snapshot(instance) == before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own rules, as ``full_clean()`` applies them in the admin form, without a
        query per row; errors keyed by column."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            errors = self.full_clean(instance, errors)
        if errors:
            by_column: dict[str, list] = defaultdict(list)
            for name, messages in errors.items():
                by_column[self.column_of(name) or NON_FIELD_ERRORS].extend(messages)
            raise ValidationError(dict(by_column))

    @functools.cached_property
    def model_field_sets(self) -> tuple[frozenset[str], frozenset[str], list]:
        """The model's relations (not looked up again), its fields not to validate (not editable)
        and its editable relations."""
        model_fields = self._meta.model._meta.fields
        relations = frozenset(field.name for field in model_fields if field.is_relation)
        not_editable = frozenset(field.name for field in model_fields if not field.editable)
        editable_relations = [
            field for field in model_fields if field.is_relation and field.editable
        ]
        return relations, not_editable, editable_relations

    @functools.cached_property
    def not_null_blank_fields(self) -> list[models.Field]:
        return [
            field
            for field in self._meta.model._meta.concrete_fields
            if field.editable and field.blank and not field.null and not field.primary_key
        ]

    def full_clean(self, instance: models.Model, errors: dict) -> dict:
        """``Model.full_clean()`` without its queries: field validation (foreign keys are not
        looked up again: they were found among the strategy's rows), ``clean()``, then the check
        and unique constraints evaluated in Python against the rows loaded once."""
        relations, not_editable, editable_relations = self.model_field_sets
        failed = {self.fields[name].attribute if name in self.fields else name for name in errors}
        try:
            instance.clean_fields(exclude=failed | relations | not_editable)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.not_null_blank_fields:
            # clean_fields skips an empty optional field; the database refuses NULL all the same.
            if field.name not in failed and getattr(instance, field.attname) is None:
                errors = ValidationError(
                    {field.name: [field.error_messages["null"]]}
                ).update_error_dict(errors)
        for field in editable_relations:
            if field.name not in failed:
                try:
                    # Field.validate, not ForeignKey.validate (a query): the related row was found
                    # among the strategy's; only a missing one is an error here.
                    models.Field.validate(field, getattr(instance, field.attname), instance)
                except ValidationError as error:
                    errors = ValidationError({field.name: error.error_list}).update_error_dict(
                        errors
                    )
        try:
            self.clean_instance(instance)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        failed |= {name for name in errors if name != NON_FIELD_ERRORS}
        for rule in self.row_constraints:
            if rule.fields & failed:
                continue  # as full_clean: a constraint on a field that failed is not checked
            if rule.is_unique:
                broken = self.unique_violation(instance, rule)
            else:
                broken = rule.broken(instance, failed)
            if broken:
                errors = ValidationError(
                    {self.constraint_columns(rule) or NON_FIELD_ERRORS: [rule.message]}
                ).update_error_dict(errors)
        return errors

    def clean_instance(self, instance: models.Model) -> None:
        """The model's ``clean()``. A row whose strategy derives from its parent (a project from
        its measure) is told that strategy, the import's: its parent was found among the
        strategy's rows, so ``clean()`` needs no query to know it."""
        if isinstance(instance, DerivedStrategyMixin) and self.strategy is not None:
            strategy_id = self.strategy.pk
            instance.derive_strategy_id = lambda: strategy_id
            if instance.strategy_id is None:
                instance.strategy_id = strategy_id
        instance.clean()

    @functools.cached_property
    def row_constraints(self) -> list[RowConstraint]:
        """The model's constraints to check on each row. A unique constraint on the business key
        is left out: the key finds the row it updates, and a key repeated in the file is refused
        (``import_instance``)."""
        model = self._meta.model
        rules = (RowConstraint.of(constraint, model) for constraint in model._meta.constraints)
        return [
            rule
            for rule in rules
            if rule is not None
            and not (rule.is_unique and rule.fields == frozenset(self.key_attributes))
        ]

    def constraint_columns(self, rule: RowConstraint) -> str:
        """The columns an error of the constraint is about ("Début, Fin")."""
        columns = {self.column_of(name) for name in rule.fields}
        return ", ".join(sorted(columns, key=self.column_order))

    def load_unique_keys(self) -> dict[str, dict[tuple, Any]]:
        """For each unique constraint to check, the keys that the strategy's rows hold."""
        rules = [rule for rule in self.row_constraints if rule.is_unique]
        registries: dict[str, dict[tuple, Any]] = {rule.constraint.name: {} for rule in rules}
        if rules:
            for row in self.existing.namespaces():
                for rule in rules:
                    key = rule.unique_key(row)
                    if key is not None:
                        registries[rule.constraint.name][key] = row.id
        return registries

    def unique_violation(self, instance: models.Model, rule: RowConstraint) -> bool:
        """Whether another row of the strategy, or an earlier row of the file, holds the key."""
        key = rule.unique_key(instance)
        if key is None:
            return False
        registry = self._unique_keys.setdefault(rule.constraint.name, {})
        holder = instance.pk if instance.pk is not None else ("new row", id(instance))
        return registry.setdefault(key, holder) != holder

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Before queuing the row for the bulk write: what it changes (``bulk_update`` writes only
        those columns, and the preview shows them for its first rows)."""
        after = self.snapshot(instance)
        before = instance._import_before
        if is_create:
            show = self._new_rows < self.preview_new_rows
            self._new_rows += 1
        else:
            show = self._updated_rows < self.preview_updated_rows
            self._updated_rows += 1
        changed = []
        for field in self.diff_fields:
            attribute = field.attribute
            new = after[attribute]
            if is_create:
                if new is None or new == "" or new == frozenset():
                    continue
                old = None
            else:
                old = before[attribute]
                if old == new:
                    continue
            if attribute not in self.m2m_attributes:
                changed.append(attribute)
            if show:
                self._changes.append(
                    Change(
                        field.column_name,
                        "" if is_create else self.display(field, old),
                        self.display(field, new),
                    )
                )
        if show:
            self._repr = str(instance)
        instance._import_changed = changed
        if self._is_dry_run(kwargs):
            # The preview writes nothing: rows are not even queued (import-export would open a
            # savepoint around each thousand of them).
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs) -> None:
        row_result.line = self.line_of(kwargs.get("row_number", 0))
        row_result.changes = self._changes
        row_result.object_repr = self._repr
        row_result.instance = None  # kept by the bulk write until it is written, not by results

    # --- Bulk writes with history ---------------------------------------------------------------

    def _bulk_write(self, instances, dry_run, raise_errors, result, write) -> None:
        """One bulk write in its own savepoint, so that a database error is reported (and the
        file rolled back) rather than breaking the transaction. Nothing is written once a row is
        bad (the file will be rolled back anyway), nor by the preview: every row went through the
        rules the database enforces (above, in Python); the confirmation writes, in one
        transaction."""
        try:
            if not instances or dry_run:
                return
            if result is not None and (result.has_errors() or result.has_validation_errors()):
                return
            try:
                with transaction.atomic(using=self.get_db_connection_name()):
                    write(instances)
            except Exception as error:  # reported as the import's error, then rolled back
                logger.exception("Bulk write of %s failed", self._meta.model.__name__)
                self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        def write(instances) -> None:
            using = self.get_db_connection_name()
            if connections[using].features.can_return_rows_from_bulk_insert:
                self._meta.model._default_manager.bulk_create(instances, batch_size=batch_size)
                self.record_history(instances, "+")
            else:  # pragma: no cover - SQLite and PostgreSQL return the new ids
                bulk_create_with_history(
                    instances,
                    self._meta.model,
                    batch_size=batch_size,
                    default_user=self.user,
                    default_change_reason=self._change_reason,
                )
            self.write_m2m(instances, created=True)

        self._bulk_write(self.create_instances, dry_run, raise_errors, result, write)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        def write(instances) -> None:
            changed = sorted({name for obj in instances for name in obj._import_changed})
            if changed:
                self._meta.model._default_manager.bulk_update(
                    instances, changed, batch_size=batch_size
                )
            self.record_history(instances, "~")
            self.write_m2m(instances, created=False)

        self._bulk_write(self.update_instances, dry_run, raise_errors, result, write)

    def record_history(self, instances: list[models.Model], history_type: str) -> None:
        """Each written row's history record: the user, the file, the row's new values."""
        copy_to_history(
            self._meta.model,
            instances,
            history_type=history_type,
            user=self.user,
            reason=self._change_reason,
            using=self.get_db_connection_name(),
        )

    def write_m2m(self, instances: list[models.Model], *, created: bool) -> None:
        """The many-to-many cells of the written rows: per relation, one delete (of the changed
        rows' links) and one insert."""
        connection = connections[self.get_db_connection_name()]
        quote = connection.ops.quote_name
        for attribute in sorted(self.m2m_attributes):
            relation = self._meta.model._meta.get_field(attribute)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            rewrite = {}
            for instance in instances:
                if attribute not in instance._import_m2m:
                    continue
                wanted = frozenset(obj.pk for obj in instance._import_m2m[attribute])
                before = instance._import_before
                if before is not None and before[attribute] == wanted:
                    continue
                rewrite[instance.pk] = wanted
            if not rewrite:
                continue
            if not created:
                through._default_manager.filter(**{f"{source}__in": list(rewrite)}).delete()
            # A link is two ids: one INSERT run for all of them, without a model per link (the
            # 20,000 links of 10,000 projects would otherwise cost more than the projects).
            columns = [through._meta.get_field(name).column for name in (source, target)]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote(through._meta.db_table)} "
                    f"({quote(columns[0])}, {quote(columns[1])}) VALUES (%s, %s)",
                    [(pk, other) for pk, others in rewrite.items() for other in sorted(others)],
                )

    def after_import(self, dataset, result, **kwargs) -> None:
        """Every error as a ``Problem`` (line, column, French message, value read) for the preview.
        (import-export's would reset the id sequences: ids never come from a file.)"""
        headers = list(result.diff_headers)
        for invalid in result.invalid_rows:
            values = dict(zip(headers, invalid.values, strict=False))
            for column, messages in invalid.error_dict.items():
                column = "" if column == NON_FIELD_ERRORS else column
                value = values.get(column.split(", ")[-1])
                for message in messages:
                    self.problems.append(
                        Problem(self.line_of(invalid.number), column, message, value)
                    )
        for error_row in result.error_rows:
            for error in error_row.errors:
                logger.error("Import row %s failed", error_row.number, exc_info=error.error)
                self.problems.append(
                    Problem(
                        self.line_of(error_row.number),
                        "",
                        gettext("Erreur inattendue (%(kind)s) : rien n'a été importé.")
                        % {"kind": type(error.error).__name__},
                    )
                )
        self.problems.sort(key=lambda problem: (problem.line, self.column_order(problem.column)))
        result.problems = self.problems
        result.shown_rows = [row for row in result.rows if row.changes]


def file_errors(result) -> list[str]:
    """The errors of a result that concern the whole file (not a row), in French."""
    messages = []
    for error in result.base_errors:
        if isinstance(error.error, SpreadsheetError):
            messages.append(str(error.error))
        else:
            messages.append(
                gettext("La base de données a refusé l'import (%(kind)s) : rien n'a été importé.")
                % {"kind": type(error.error).__name__}
            )
    return messages


def result_counts(result) -> dict[str, int]:
    totals = result.totals
    return {
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "update": totals[RowResult.IMPORT_TYPE_UPDATE],
        "skip": totals[RowResult.IMPORT_TYPE_SKIP],
        "invalid": totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR],
    }
