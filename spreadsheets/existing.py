"""The rows already in the database that an import may update, loaded once as tuples and found by
their business key (``ExistingRows``; a code unique ignoring case found ignoring case), and the
instance loader that finds them (``BusinessKeyInstanceLoader``): no query per row of the file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from django.db import models
from import_export.instance_loaders import BaseInstanceLoader

from spreadsheets.constraints import fold_key


class ExistingRows:
    """The rows of the scope (a strategy), by business key, kept as tuples of their column values
    and made into model instances only when a row of the file names one: a file of 100,000 values
    that match 100,000 stored ones costs tuples, not instances. ``attach`` gives each instance the
    related rows that the resource has already loaded (its measure, its indicator, its
    many-to-many links), so that reading them makes no query."""

    def __init__(
        self,
        queryset: models.QuerySet,
        key: tuple[str, ...],
        attach: Callable[[models.Model], None],
        lowered: tuple[bool, ...] = (),
    ) -> None:
        self.model = queryset.model
        self.db = queryset.db
        self.attnames = [field.attname for field in self.model._meta.concrete_fields]
        positions = [self.attnames.index(attname) for attname in key]
        self.attach = attach
        rows = queryset.order_by().values_list(*self.attnames)
        if any(lowered):
            # Codes unique ignoring case: the row of "k1" is found by "K1" (folded by the resource).
            self.rows = {
                fold_key(tuple(values[position] for position in positions), lowered): values
                for values in rows
            }
        else:
            self.rows = {
                tuple(values[position] for position in positions): values for values in rows
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
    """Finds the row that a spreadsheet row updates by its business key, among the rows of the scope
    that the resource loaded once (no query per row)."""

    def get_instance(self, row):
        key = self.resource.current_key
        return None if key is None else self.resource.existing.get(key)
