"""New model instances for the rows of an import, made as ``Model()`` makes them but without its
per-field work (``InstanceFactory``), and foreign keys set without the descriptor's checks
(``set_related``): 100,000 rows spent more in ``Model.__init__`` and in the foreign key's
``__set__`` than in reading their cells.

Both fall back to Django's own way whenever the shortcut would not be the same: a model with
``pre_init`` or ``post_init`` receivers, a field whose attribute is a descriptor other than
Django's plain ones (a file, say), a default that is a callable or a database default (computed
for each row, as ``Model()`` does), a value that is not an instance of the related model."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models, router
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

#: Default values shared by every new row without harm (immutable).
IMMUTABLE = (type(None), str, int, float, bool, Decimal, datetime.date, datetime.time)


class InstanceFactory:
    """``model()`` with no arguments, faster: the fields' defaults copied into the instance."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.static: dict[str, Any] = {}
        self.computed: list[models.Field] = []
        self.plain = not (pre_init.has_listeners(model) or post_init.has_listeners(model))
        for field in model._meta.concrete_fields:
            if field.column is None or getattr(field, "generated", False):
                continue
            descriptor = model.__dict__.get(field.attname)
            if type(descriptor) not in (DeferredAttribute, ForeignKeyDeferredAttribute):
                self.plain = False
            if field.has_default() and callable(field.default):
                self.computed.append(field)
                continue
            if getattr(field, "has_db_default", lambda: False)():
                self.computed.append(field)
                continue
            default = field.get_default()
            if isinstance(default, IMMUTABLE):
                self.static[field.attname] = default
            else:
                self.computed.append(field)

    def __call__(self) -> models.Model:
        if not self.plain:
            return self.model()
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        values = instance.__dict__
        values.update(self.static)
        for field in self.computed:
            values[field.attname] = field.get_default()
        return instance


def forward_foreign_key(model: type[models.Model], attribute: str) -> models.ForeignKey | None:
    """The model's foreign key of that name, when ``set_related`` may set it (not a one-to-one,
    whose other side caches the row too, and behind Django's plain descriptor)."""
    try:
        field = model._meta.get_field(attribute)
    except Exception:
        return None
    if not isinstance(field, models.ForeignKey) or isinstance(field, models.OneToOneField):
        return None
    if type(model.__dict__.get(field.attname)) is not ForeignKeyDeferredAttribute:
        return None
    return field


def set_related(instance: models.Model, field: models.ForeignKey, value: Any) -> None:
    """``setattr(instance, field.name, value)`` for a related row found by the import (an instance
    of the related model, or None): its id, its database and the cached row, as the descriptor
    sets them when no database router is configured (otherwise the descriptor does it)."""
    state = instance._state
    if value is None:
        if field.name in state.fields_cache:
            setattr(instance, field.name, value)
            return
        instance.__dict__[field.attname] = None
    elif (
        isinstance(value, field.related_model)
        and value._state.db is not None
        and not router.routers
        and state.db in (None, value._state.db)
    ):
        state.db = value._state.db
        instance.__dict__[field.attname] = getattr(value, field.target_field.attname)
    else:
        setattr(instance, field.name, value)
        return
    state.fields_cache[field.name] = value
