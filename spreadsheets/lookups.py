"""Related rows named in a spreadsheet by a business key (a code, a number, a name) within the
scope of the import (its strategy, say): one foreign key (``ScopedLookupWidget``) or several
names in one cell (``ScopedNamesWidget``), found in a dictionary that one query fills."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext
from import_export import widgets

from spreadsheets.text import LIST_SEPARATOR, fold, quoted

if TYPE_CHECKING:
    from spreadsheets.resources import SpreadsheetResource

#: What separates a row's key from its name in the template's lists ("m1 – Mobilité douce"), and
#: the hyphen typed for it.
LABEL_SEPARATORS = (" – ", " - ")


def split_label(text: str) -> list[tuple[str, str]]:
    """The ways a label of the template's lists splits into a key and a name, at the first
    separator: ``[("m1", "Mobilité douce")]`` for "m1 – Mobilité douce"."""
    parts = []
    for separator in LABEL_SEPARATORS:
        key, found, name = text.partition(separator)
        if found and key.strip():
            parts.append((key.strip(), name.strip()))
    return parts


class ScopedLookupWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a business key within the scope of the import, found in a
    dictionary that one query fills on first use.

    ``queryset`` gives the candidates from the scope, ``key`` the text a row uses for each of them
    (``field`` is what the export writes), ``label`` how the template's lists show each of them
    (``str()`` by default), ``unknown`` the message for a value that matches none (with
    ``%(value)s``, and the scope under the resource's ``scope_name``, ``%(strategy)s`` for a
    strategy).

    A cell may hold a label as the template's lists show it, "m1 – Mobilité douce" (or with a
    hyphen): it names m1 when the text before the dash is a key of the scope."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        *,
        queryset: Callable[[Any], models.QuerySet],
        unknown: str,
        description: str,
        key: Callable[[models.Model], Any] | None = None,
        label: Callable[[models.Model], str] = str,
        **kwargs,
    ) -> None:
        super().__init__(model, field=field, **kwargs)
        self.candidates = queryset
        self.key = key or (lambda obj: getattr(obj, field))
        self.label = label
        self.unknown = unknown
        self.description = description
        self.resource: SpreadsheetResource | None = None
        self._by_key: dict[str, models.Model] | None = None
        self._by_folded: dict[str, list[models.Model]] = {}

    def bind(self, resource: SpreadsheetResource) -> None:
        self.resource = resource
        self._by_key = None

    @property
    def scope(self) -> Any:
        return self.resource.scope if self.resource else None

    def unknown_message(self, value: str) -> str:
        """``unknown`` for a value (already quoted) that names nothing in the scope."""
        scope_name = self.resource.scope_name if self.resource else "scope"
        return self.unknown % {"value": value, scope_name: self.scope}

    def objects(self) -> dict[str, models.Model]:
        """Every candidate by its key as written (trimmed), loaded with one query, then kept."""
        if self._by_key is None:
            candidates = list(self.candidates(self.scope)) if self.scope is not None else []
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

    def find_labelled(self, value: Any) -> models.Model | None:
        """The candidate a label of the template's lists names ("m1 – Mobilité douce"): the one
        whose key is the text before the dash, if any."""
        for key, _name in split_label(self.normalize_key(value)):
            found = self.find(key)
            if found is not None:
                return found
        return None

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        found = self.find(value) or self.find_labelled(value)
        if found is None:
            raise ValueError(self.unknown_message(quoted(value)))
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        return getattr(value, self.field)

    def describe(self) -> str:
        return str(self.description)

    def reference_label(self, obj: models.Model) -> str:
        return self.label(obj)


class ScopedNamesWidget(widgets.ManyToManyWidget):
    """Several related rows (communes, themes) by their names within the scope of the import,
    separated by semicolons (or commas, or new lines); names are matched without regard to case
    and spacing."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        queryset: Callable[[Any], models.QuerySet],
        unknown: str,
        description: str,
        field: str = "name",
    ) -> None:
        super().__init__(model, separator=LIST_SEPARATOR, field=field)
        self.lookup = ScopedLookupWidget(
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
                self.lookup.unknown_message(", ".join(quoted(name) for name in unknown))
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
