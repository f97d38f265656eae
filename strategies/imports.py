"""The spreadsheet resources of the strategy apps (``strategies/resources.py``,
``projects/resources.py``, ``indicators/resources.py``): ``spreadsheets.resources``'s fast and
strict import, scoped to the strategy chosen in the import form.

What the strategy adds: the informative "Stratégie" column of the exports (a row from another
strategy is refused on import), the explanation sheet of the template, and what a row whose
strategy derives from its parent (a project from its measure) needs to know to validate without a
query.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from spreadsheets.resources import SpreadsheetResource
from spreadsheets.text import normalize, quoted
from spreadsheets.widgets import TextWidget

from .cascade import DerivedStrategyMixin
from .models import Strategy


class StrategyResource(SpreadsheetResource):
    """A model's rows in a spreadsheet, within one strategy (``strategy=`` at construction; the
    admin takes it from the import form). ``scope_path`` is the path from the model to its
    strategy (``"indicator__strategy"`` for a value)."""

    scope_path = "strategy"
    scope_name = "strategy"
    scope_missing = _("Choisissez la stratégie dans laquelle importer.")
    export_only_fields = ("strategy_label",)

    strategy_label = fields.Field(
        column_name="Stratégie", attribute=None, readonly=True, widget=TextWidget()
    )

    def __init__(self, strategy: Strategy | None = None, user=None, **kwargs) -> None:
        super().__init__(scope=strategy, user=user, **kwargs)

    @property
    def strategy(self) -> Strategy | None:
        return self.scope

    def import_data(self, dataset, *args, **kwargs):
        result = super().import_data(dataset, *args, **kwargs)
        result.strategy = self.strategy
        return result

    # --- The informative "Stratégie" column -----------------------------------------------------

    def dehydrate_strategy_label(self, instance: models.Model) -> str:
        strategy = instance
        for attribute in self.scope_path.split("__"):
            strategy = getattr(strategy, attribute)
        return str(strategy)

    def check_row(self, row: dict, errors: dict[str, list]) -> None:
        """The informative "Stratégie" column, when filled, names the import's strategy."""
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

    # --- Validation and the template ------------------------------------------------------------

    @functools.cached_property
    def derived_fields(self) -> frozenset[str]:
        # A measure's or a project's axis comes from its parent, or is asked for by the shape
        # check (``DerivedStrategyMixin.shape_errors``) with a message that names the level.
        if issubclass(self._meta.model, DerivedStrategyMixin):
            return frozenset({"axis"})
        return frozenset()

    def fill_derived(self, instance: models.Model) -> None:
        """A measure's or a project's axis, from its parent found among the strategy's rows."""
        if isinstance(instance, DerivedStrategyMixin):
            instance.sync_axis()

    def clean_instance(self, instance: models.Model) -> None:
        """The model's ``clean()``. A row whose strategy derives from its parent (a project from
        its measure) is told that strategy, the import's: its parent was found among the
        strategy's rows, so ``clean()`` needs no query to know it."""
        if isinstance(instance, DerivedStrategyMixin) and self.strategy is not None:
            strategy_id = self.strategy.pk
            instance.derive_strategy_id = lambda: strategy_id
            if instance.strategy_id is None or instance.strategy_id == strategy_id:
                # The strategy object itself, so that the shape check needs no query.
                instance.strategy = self.strategy
        super().clean_instance(instance)

    def template_instructions(self) -> list[str]:
        keys = ", ".join(f"« {column} »" for column in self.key_columns)
        lines = [
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
        if self.strategy is not None and any(
            self.column_kind(field) == "money" for field in self.get_import_fields()
        ):
            # The template made for a strategy knows its territory's currency.
            territory = self.strategy.territory
            lines.insert(
                4,
                gettext("Montants en %(currency)s, la monnaie du territoire « %(territory)s ».")
                % {"currency": territory.currency, "territory": territory.name},
            )
        return lines
