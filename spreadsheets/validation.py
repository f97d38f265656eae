"""Every row of an import checked with the model's own rules, as ``full_clean()`` applies them in
the admin form, but without a query per row: field validation, ``clean()``, and the check and
unique constraints evaluated in Python against the rows loaded once (``ValidationMixin``, mixed
into ``spreadsheets.resources.SpreadsheetResource``)."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from spreadsheets.constraints import RowConstraint

#: The values whose validation by a field depends on nothing else (cached per import), and how
#: many validations an import keeps (the values of a column that differ on every row gain
#: nothing from the cache).
PLAIN_VALUES = frozenset({str, int, float, bool, Decimal, datetime.date, datetime.datetime})
MAX_CACHED = 20_000


class ValidationMixin:
    """The validation of a ``SpreadsheetResource``'s rows."""

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
    def validated_fields(self) -> list[models.Field]:
        """The fields ``clean_fields`` validates: neither relations nor fields not editable."""
        relations, not_editable, _editable_relations = self.model_field_sets
        return [
            field
            for field in self._meta.model._meta.fields
            if field.name not in relations
            and field.name not in not_editable
            and not getattr(field, "generated", False)
        ]

    def clean_fields(self, instance: models.Model, failed: set[str]) -> dict[str, list]:
        """``Model.clean_fields()`` for the ``validated_fields`` that have not failed, each value
        validated once per import: the date or the source that a thousand rows hold is cleaned
        once (a field's ``clean`` of a plain value depends on nothing else). Errors by field."""
        errors: dict[str, list] = {}
        cleaned = self._cleaned_values
        for field in self.validated_fields:
            if field.name in failed:
                continue
            raw = getattr(instance, field.attname)
            if field.blank and raw in field.empty_values:
                continue
            kind = raw.__class__
            if kind not in PLAIN_VALUES:
                outcome = self.clean_value(field, raw, instance)
            else:
                # Decimal("1.0") == Decimal("1"), but the number of decimals is validated too.
                key = (field.attname, kind, raw, raw.as_tuple().exponent if kind is Decimal else 0)
                outcome = cleaned.get(key)
                if outcome is None:
                    outcome = self.clean_value(field, raw, instance)
                    if len(cleaned) < MAX_CACHED:
                        cleaned[key] = outcome
            valid, value = outcome
            if valid:
                setattr(instance, field.attname, value)
            else:
                errors[field.name] = list(value)
        return errors

    @staticmethod
    def clean_value(field: models.Field, raw: Any, instance: models.Model) -> tuple[bool, Any]:
        try:
            return True, field.clean(raw, instance)
        except ValidationError as error:
            return False, error.error_list

    @functools.cached_property
    def not_null_blank_fields(self) -> list[models.Field]:
        return [
            field
            for field in self._meta.model._meta.concrete_fields
            if field.editable and field.blank and not field.null and not field.primary_key
        ]

    def full_clean(self, instance: models.Model, errors: dict) -> dict:
        """``Model.full_clean()`` without its queries: field validation (foreign keys are not
        looked up again: they were found among the scope's rows), ``clean()``, then the check
        and unique constraints evaluated in Python against the rows loaded once."""
        editable_relations = self.model_field_sets[2]
        failed = {self.fields[name].attribute if name in self.fields else name for name in errors}
        field_errors = self.clean_fields(instance, failed)
        if field_errors:
            errors = ValidationError(field_errors).update_error_dict(errors)
        self.fill_derived(instance)
        skipped = failed | self.derived_fields
        for field in self.not_null_blank_fields:
            # clean_fields skips an empty optional field; the database refuses NULL all the same.
            if field.name not in skipped and getattr(instance, field.attname) is None:
                errors = ValidationError(
                    {field.name: [field.error_messages["null"]]}
                ).update_error_dict(errors)
        for field in editable_relations:
            if field.name not in skipped:
                try:
                    # Field.validate, not ForeignKey.validate (a query): the related row was found
                    # among the scope's; only a missing one is an error here.
                    models.Field.validate(field, getattr(instance, field.attname), instance)
                except ValidationError as error:
                    errors = ValidationError({field.name: error.error_list}).update_error_dict(
                        errors
                    )
        try:
            self.clean_instance(instance)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                # A field whose cell failed already has its message: clean() says no more on it.
                kept = {name: e for name, e in error.error_dict.items() if name not in failed}
                error = ValidationError(kept) if kept else None
            if error is not None:
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

    #: Fields filled from the row's parent, checked by the model's ``clean()``.
    derived_fields: frozenset[str] = frozenset()

    def fill_derived(self, instance: models.Model) -> None:
        """Fill the columns a row repeats from its parent (a subclass knows which)."""

    def clean_instance(self, instance: models.Model) -> None:
        """The model's ``clean()`` (a subclass may tell the row what it would otherwise query)."""
        instance.clean()

    @functools.cached_property
    def row_constraints(self) -> list[RowConstraint]:
        """The model's constraints to check on each row. A unique constraint on the business key
        is left out: the key finds the row it updates, and a key repeated in the file is refused
        (``import_instance``)."""
        model = self._meta.model
        rules = (
            RowConstraint.of(constraint, model, self.scope_field)
            for constraint in model._meta.constraints
        )
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
        """For each unique constraint to check, the keys that the scope's rows hold."""
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
        """Whether another row of the scope, or an earlier row of the file, holds the key."""
        key = rule.unique_key(instance)
        if key is None:
            return False
        registry = self._unique_keys.setdefault(rule.constraint.name, {})
        holder = instance.pk if instance.pk is not None else ("new row", id(instance))
        return registry.setdefault(key, holder) != holder
