"""The model's check and unique constraints evaluated in Python, row after row, against data loaded
once: the SQL truth value of a condition (``compile_condition``) and each constraint ready to be
checked (``RowConstraint``). What a spreadsheet import uses to validate 100,000 rows without a
query per row."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower


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


def _key_part(model: type[models.Model], expression: Any) -> tuple[str, str, bool]:
    """An expression of a unique constraint as (field name, attname, compared lowercased): a
    field, or ``Lower`` of a field (a code unique ignoring case)."""
    if isinstance(expression, Lower):
        (source,) = expression.get_source_expressions()
        name, attname, _lowered = _key_part(model, source)
        return name, attname, True
    if isinstance(expression, F):
        return expression.name, _attname(model, expression.name), False
    raise Unsupported(expression)


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
    condition, or a unique constraint's key (fields, or ``Lower`` of fields: compared ignoring
    case) and the condition under which it applies."""

    constraint: models.BaseConstraint
    #: The fields it is about (a code unique within the scope of the import is about the code).
    fields: frozenset[str]
    condition: Predicate | None = None
    key: tuple[str, ...] = ()
    #: For each attribute of ``key``, whether it is compared lowercased (``Lower("code")``).
    lowered: tuple[bool, ...] = ()
    #: A condition ``compile_condition`` cannot handle: the database checks it (one query).
    in_database: bool = False

    @classmethod
    def of(
        cls, constraint, model: type[models.Model], scope_field: str | None = None
    ) -> RowConstraint | None:
        """The constraint ready to be checked, or None for a kind it does not check;
        ``scope_field`` is the model's field to the scope of the import, which every row shares
        (left out of what a unique constraint is about)."""
        if isinstance(constraint, models.CheckConstraint):
            fields = frozenset(referenced_fields(constraint.condition))
            try:
                return cls(constraint, fields, compile_condition(constraint.condition, model))
            except Unsupported:  # pragma: no cover - every constraint of ours is supported
                return cls(constraint, fields, in_database=True)
        if isinstance(constraint, models.UniqueConstraint):
            try:
                parts = [(name, _attname(model, name), False) for name in constraint.fields] or [
                    _key_part(model, expression) for expression in constraint.expressions
                ]
            except Unsupported:  # pragma: no cover - every constraint of ours is supported
                return None
            names = frozenset(name for name, _attname, _lowered in parts)
            condition = (
                compile_condition(constraint.condition, model)
                if constraint.condition is not None
                else None
            )
            return cls(
                constraint,
                names - {scope_field} or names,
                condition,
                key=tuple(attname for _name, attname, _lowered in parts),
                lowered=tuple(lowered for _name, _attname, lowered in parts),
            )
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
        if None in key:
            return None
        if any(self.lowered):
            key = fold_key(key, self.lowered)
        return key

    def broken(self, instance: models.Model, exclude: set[str]) -> bool:
        """Whether a check constraint is broken (False, not unknown, as SQL has it)."""
        if self.in_database:  # pragma: no cover - see ``of``
            try:
                self.constraint.validate(type(instance), instance, exclude=exclude)
            except ValidationError:
                return True
            return False
        return self.condition(instance) is False


def fold_key(values: tuple, lowered: tuple[bool, ...]) -> tuple:
    """A key's values, those compared ignoring case lowercased (as the database's ``LOWER``
    compares the codes, which are ASCII)."""
    return tuple(
        value.lower() if fold and isinstance(value, str) else value
        for value, fold in zip(values, lowered, strict=True)
    )
