"""Measures in a spreadsheet (import and export from the admin): one row per measure of a
strategy, identified by its code; its domain by the axis number and the domain's title."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from spreadsheets.lookups import ScopedLookupWidget, ScopedNamesWidget, split_label
from spreadsheets.text import fold, normalize, quoted
from spreadsheets.widgets import IntegerWidget, TextWidget

from .imports import StrategyResource
from .models import Axis, Contact, Domain, Measure, Theme


def themes_widget() -> ScopedNamesWidget:
    return ScopedNamesWidget(
        Theme,
        queryset=lambda strategy: Theme.objects.filter(strategy=strategy),
        unknown=_("Thème transversal inconnu dans la stratégie : %(value)s."),
        description=_("noms des thèmes transversaux de la stratégie, séparés par « ; »"),
    )


class AxisWidget(ScopedLookupWidget):
    """An axis by its number: « 2 », « 2.0 » or « Axe 2 » (what the template's list shows)."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            digits = re.fullmatch(r"\D*?(\d+)(?:\s*[:–-].*)?", value.strip(), flags=re.S)
            if digits:
                value = digits.group(1)
        return super().clean(value, row, **kwargs)


def contact_widget() -> ScopedLookupWidget:
    """An owner by the e-mail of a contact of the strategy's territory."""
    return ScopedLookupWidget(
        Contact,
        "email",
        queryset=lambda strategy: Contact.objects.filter(territory=strategy.territory_id),
        key=lambda contact: contact.email.lower(),
        unknown=_(
            "Aucun contact d'e-mail %(value)s dans le territoire de la stratégie "
            "« %(strategy)s » : créez-le d'abord (administration, Contacts)."
        ),
        description=_("e-mail d'un contact du territoire"),
    )


def axis_widget() -> ScopedLookupWidget:
    return AxisWidget(
        Axis,
        "number",
        queryset=lambda strategy: Axis.objects.filter(strategy=strategy).order_by("number"),
        unknown=_("Aucun axe de numéro %(value)s dans la stratégie « %(strategy)s »."),
        description=_("numéro d'un axe de la stratégie (1, 2…)"),
    )


class DomainWidget(ScopedLookupWidget):
    """A domain by its title, within the axis of the row's "Axe" column (the title alone is enough
    when no other axis of the strategy has a domain of that title)."""

    axis_column = "Axe"

    def __init__(self) -> None:
        super().__init__(
            Domain,
            "title",
            queryset=lambda strategy: (
                Domain.objects.filter(axis__strategy=strategy)
                .select_related("axis")
                .order_by("axis__number", "order")
            ),
            key=lambda domain: f"{domain.axis.number}|{domain.title}",
            unknown=_("Aucun domaine d'intervention %(value)s dans la stratégie."),
            description=_("titre d'un domaine d'intervention de l'axe donné dans la colonne Axe"),
        )

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = self.axis_number(row or {})
        try:
            return self.by_title(value, number)
        except ValueError:
            # "2 – Énergie", as the template's list shows it: the domain of that axis (the one of
            # the "Axe" column, when given).
            for axis, title in split_label(self.normalize_key(value)):
                if axis.isdigit() and number in (None, int(axis)):
                    found = self.find(f"{int(axis)}|{title}")
                    if found is not None:
                        return found
            raise

    def by_title(self, value, number: int | None) -> Domain:
        """The domain of that title, in the axis numbered ``number`` when given."""
        if number is not None:
            found = self.find(f"{number}|{self.normalize_key(value)}")
            if found is None:
                raise ValueError(
                    gettext("L'axe %(number)s n'a pas de domaine d'intervention %(value)s.")
                    % {"number": number, "value": quoted(value)}
                )
            return found
        title = fold(self.normalize_key(value))
        matches = [
            domain for key, domain in self.objects().items() if fold(key.split("|", 1)[1]) == title
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(
                gettext(
                    "Plusieurs axes ont un domaine d'intervention %(value)s : indiquez l'axe "
                    "(colonne « %(column)s »)."
                )
                % {"value": quoted(value), "column": self.axis_column}
            )
        raise ValueError(self.unknown_message(quoted(value)))

    def reference_label(self, domain: Domain) -> str:
        return f"{domain.axis.number} – {domain.title}"

    def axis_number(self, row: dict) -> int | None:
        cell = next(
            (
                value
                for column, value in row.items()
                if normalize(column) == normalize(self.axis_column)
            ),
            None,
        )
        if cell is None or str(cell).strip() == "":
            return None
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        digits = re.search(r"\d+", str(cell))
        if digits is None:
            raise ValueError(
                gettext("%(value)s n'est pas un numéro d'axe.") % {"value": quoted(cell)}
            )
        return int(digits.group())


class MeasureResource(StrategyResource):
    code = Field("code", "Code", widget=TextWidget())
    title = Field("title", "Titre", widget=TextWidget())
    axis = Field("axis", "Axe", widget=axis_widget(), saves_null_values=False)
    domain = Field("domain", "Domaine d'intervention", widget=DomainWidget())
    objective_code = Field("objective_code", "Code objectif", widget=TextWidget())
    operational_objective = Field(
        "operational_objective", "Objectif opérationnel", widget=TextWidget()
    )
    lead = Field("lead", "Responsable", widget=TextWidget())
    partners = Field("partners", "Partenaires", widget=TextWidget())
    resources = Field("resources", "Ressources", widget=TextWidget())
    outputs = Field("outputs", "Réalisations attendues", widget=TextWidget())
    themes = Field("themes", "Thèmes", widget=themes_widget())
    order = Field("order", "Ordre", widget=IntegerWidget(), saves_null_values=False)

    column_help = {
        "Code": _("Le code de la mesure, unique dans la stratégie (m1, m2…)."),
        "Axe": _(
            "Le numéro de l'axe (celui du domaine d'intervention quand la stratégie en utilise)."
        ),
        "Domaine d'intervention": _("Le domaine d'intervention de l'axe, tel que saisi."),
        "Code objectif": _("Le code de l'objectif opérationnel (o1…), unique dans la stratégie."),
        "Ordre": _("L'ordre de la mesure dans son domaine (0 par défaut)."),
    }
    example: dict[str, Any] = {
        "Code": "m12",
        "Titre": "Mettre en place un guichet unique pour les entreprises",
        "Axe": 2,
        "Domaine d'intervention": "Économie et emploi",
        "Code objectif": "o12",
        "Objectif opérationnel": "Un seul interlocuteur pour toute entreprise qui s'installe",
        "Responsable": "Communes",
        "Partenaires": "Chambre de commerce",
        "Ressources": "0,2 EPT",
        "Réalisations attendues": "Guichet ouvert, 30 entreprises accompagnées par an",
        "Thèmes": "Communication; Digitalisation",
        "Ordre": 1,
    }

    class Meta:
        model = Measure
        fields = (
            "code",
            "title",
            "axis",
            "domain",
            "objective_code",
            "operational_objective",
            "lead",
            "partners",
            "resources",
            "outputs",
            "themes",
            "order",
            "strategy_label",
        )
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)

    def optimize_export(self, queryset):
        return queryset.select_related("axis", "strategy__territory").prefetch_related("themes")
