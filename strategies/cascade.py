"""The rules of the rows below the axes (measures, projects) and their parents: a row keeps its
strategy (``refuse_strategy_change``), hangs where its strategy's shape says and repeats its
parent's axis and strategy (``DerivedStrategyMixin``), and its owner belongs to the strategy's
territory (``check_owner_territory``). ``related_value`` reads a parent's column from the object
at hand when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Strategy


MOVE_ACROSS_STRATEGIES = _(
    "Un élément ne peut pas passer dans une autre stratégie : ses codes et ses indicateurs en "
    "dépendent. Créez-le dans l'autre stratégie."
)


def refuse_strategy_change(instance: models.Model, field: str, before, after) -> None:
    """Raise when a saved row's strategy would change (``before``/``after`` are strategy ids)."""
    if instance.pk is not None and before is not None and after is not None and before != after:
        raise ValidationError({field: MOVE_ACROSS_STRATEGIES})


def related_value(instance: models.Model, field_name: str, attribute: str):
    """``attribute`` of the row that ``instance.<field_name>`` points at: read from the related
    object already loaded when there is one (an import's lookups hand them over), otherwise with
    one query. None without a related row."""
    field = instance._meta.get_field(field_name)
    pk = getattr(instance, field.attname)
    if pk is None:
        return None
    if field.is_cached(instance):
        related = field.get_cached_value(instance)
        if related is not None and related.pk == pk:
            return getattr(related, attribute)
    return field.related_model._base_manager.filter(pk=pk).values_list(attribute, flat=True).first()


class DerivedStrategyMixin(models.Model):
    """A row of the cascade below the axes (a measure, a project). It hangs under one parent: its
    nearest level that the strategy uses (a measure under its domain or, in a strategy without
    domains, under its axis; a project under its measure or directly under its axis). Two
    columns repeat what the parent gives, so that the database keeps codes unique within a
    strategy and the cockpit groups rows by axis in one column: ``axis`` (the parent's axis, or
    the parent itself) and ``strategy`` (the axis's). ``save()`` and form validation fill both
    from the parent; subclasses name it with ``parent_field``."""

    #: The optional level above this row, whose axis this row takes ("domain", "measure").
    parent_field = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.sync_strategy()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.sync_axis()
        refuse_strategy_change(
            self, self.strategy_parent_field, self.strategy_id, self.derive_strategy_id()
        )
        self.clean_shape()

    @property
    def strategy_parent_field(self) -> str:
        """The field that gives the strategy (for error messages)."""
        return self.parent_field if getattr(self, f"{self.parent_field}_id") else "axis"

    def sync_axis(self) -> None:
        """The axis of the parent, when the row hangs under a level below the axes."""
        if getattr(self, f"{self.parent_field}_id") is not None:
            axis_id = related_value(self, self.parent_field, "axis_id")
            if axis_id is not None:
                self.axis_id = axis_id

    def derive_strategy_id(self) -> int | None:
        self.sync_axis()
        return related_value(self, "axis", "strategy_id")

    def sync_strategy(self) -> None:
        derived = self.derive_strategy_id()
        if derived is not None:
            refuse_strategy_change(self, self.strategy_parent_field, self.strategy_id, derived)
            self.strategy_id = derived

    def validate_constraints(self, exclude=None) -> None:
        # The strategy is not a form field: fill it and let the (strategy, code) check run anyway.
        self.sync_strategy()
        exclude = set(exclude or ()) - {"strategy"} if self.strategy_id else exclude
        super().validate_constraints(exclude=exclude)

    def shape_errors(self, strategy: Strategy) -> dict:
        """Whether the row hangs where the strategy's shape says: under its parent level when the
        strategy uses it, directly under an axis otherwise."""
        levels = strategy.levels
        parent = self.parent_field
        has_parent = getattr(self, f"{parent}_id") is not None
        if levels.used(parent) and not has_parent:
            return {
                parent: _("%(level)s : obligatoire dans cette stratégie.")
                % {"level": levels.name(parent).Singular}
            }
        if not levels.used(parent) and has_parent:
            return {
                parent: _(
                    "Cette stratégie n'utilise pas le niveau « %(level)s » : rattachez "
                    "l'élément directement à son %(axis)s."
                )
                % {"level": levels.name(parent).Singular, "axis": levels.axis.singular}
            }
        if not has_parent and self.axis_id is None:
            return {"axis": _("%(level)s : obligatoire.") % {"level": levels.axis.Singular}}
        return {}

    def clean_shape(self) -> None:
        """``shape_errors`` against the row's strategy (the one the import or the form gave, or
        its axis's)."""
        strategy = None
        if "strategy" in self._state.fields_cache or self.strategy_id is not None:
            strategy = self.strategy
        elif self.axis_id is not None:
            strategy = (
                self._meta.get_field("strategy")
                .related_model.objects.filter(axes=self.axis_id)
                .first()
            )
        if strategy is not None:
            errors = self.shape_errors(strategy)
            if errors:
                raise ValidationError(errors)


def check_owner_territory(row: models.Model, strategy_id: int | None) -> None:
    """A row's owner (a contact) belongs to the territory of the row's strategy."""
    if not getattr(row, "owner_id", None) or strategy_id is None:
        return
    # From the objects at hand when there are (an import's lookups, the form's choices): no query.
    territory_id = related_value(row, "strategy", "territory_id")
    if territory_id != related_value(row, "owner", "territory_id"):
        raise ValidationError(
            {"owner": _("Ce contact appartient à un autre territoire que la stratégie.")}
        )
