"""Projects in a spreadsheet (import and export from the admin): one row per project of a
strategy, identified by its code; its measure by the measure's code, its communes and themes by
their names, with the seed's columns (Projets, Prio, Qui ?, Début, Fin...)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from spreadsheets.lookups import ScopedLookupWidget, ScopedNamesWidget
from spreadsheets.widgets import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    TextWidget,
)
from strategies.imports import StrategyResource
from strategies.models import Commune, Measure
from strategies.resources import axis_widget, contact_widget, themes_widget

from .models import Project


def measure_widget() -> ScopedLookupWidget:
    return ScopedLookupWidget(
        Measure,
        "code",
        queryset=lambda strategy: Measure.objects.filter(strategy=strategy).order_by(),
        unknown=_(
            "Aucune mesure de code %(value)s dans la stratégie « %(strategy)s » : importez "
            "d'abord les mesures (et leurs domaines), ou tout le plan d'un coup avec le classeur "
            "de la stratégie."
        ),
        description=_("code d'une mesure de la stratégie (m1, m2…)"),
    )


class ProjectResource(StrategyResource):
    code = Field("code", "Code", widget=TextWidget())
    title = Field("title", "Titre", widget=TextWidget())
    measure = Field("measure", "Mesure", widget=measure_widget())
    axis = Field("axis", "Axe", widget=axis_widget(), saves_null_values=False)
    priority = Field(
        "priority",
        "Priorité",
        widget=ChoiceWidget(Project.Priority.choices, as_value=True),
        saves_null_values=False,
    )
    lead = Field("lead", "Qui ?", widget=TextWidget())
    owner = Field("owner", "Responsable de la mise à jour", widget=contact_widget())
    partners = Field("partners", "Partenaires", widget=TextWidget())
    communes = Field(
        "communes",
        "Communes",
        widget=ScopedNamesWidget(
            Commune,
            queryset=lambda strategy: Commune.objects.filter(territory=strategy.territory_id),
            unknown=_("Commune inconnue dans le territoire de la stratégie : %(value)s."),
            description=_("noms des communes du territoire, séparés par « ; »"),
        ),
    )
    themes = Field("themes", "Thèmes", widget=themes_widget())
    start_date = Field("start_date", "Début", widget=DateWidget())
    end_date = Field("end_date", "Fin", widget=DateWidget())
    status = Field(
        "status",
        "Statut",
        widget=ChoiceWidget(Project.Status.choices),
        saves_null_values=False,
    )
    status_comment = Field("status_comment", "Commentaire sur le statut", widget=TextWidget())
    progress = Field("progress", "Avancement (%)", widget=IntegerWidget())
    budget_planned = Field("budget_planned", "Budget prévu", widget=DecimalWidget(kind="money"))
    budget_committed = Field(
        "budget_committed", "Budget engagé", widget=DecimalWidget(kind="money")
    )
    budget_spent = Field("budget_spent", "Budget dépensé", widget=DecimalWidget(kind="money"))
    budget_kind = Field(
        "budget_kind",
        "Nature du budget",
        widget=ChoiceWidget(Project.BudgetKind.choices, empty=""),
    )
    description = Field("description", "Description", widget=TextWidget())

    column_help = {
        "Code": _("Le code du projet, unique dans la stratégie (p1, p2…)."),
        "Mesure": _("La mesure dont le projet relève (vide si la stratégie n'a pas de mesures)."),
        "Axe": _("Le numéro de l'axe : celui de la mesure quand la stratégie en utilise."),
        "Priorité": _("1 (haute), 2 (moyenne, par défaut) ou 3 (basse)."),
        "Qui ?": _("Le porteur du projet."),
        "Responsable de la mise à jour": _(
            "L'e-mail d'un contact du territoire, qui tient le projet à jour. Vide : personne."
        ),
        "Début": _("Vide si inconnu."),
        "Fin": _("Ne peut pas précéder le début. Vide si inconnue."),
        "Statut": _("« à venir » par défaut."),
        "Avancement (%)": _("De 0 à 100. Vide si inconnu."),
        "Budget prévu": _("Montant sans signe négatif, dans la monnaie du territoire."),
        "Budget engagé": _("Montant sans signe négatif, dans la monnaie du territoire."),
        "Budget dépensé": _("Montant sans signe négatif, dans la monnaie du territoire."),
    }
    example: dict[str, Any] = {
        "Code": "p42",
        "Titre": "Sentier didactique",
        "Mesure": "m3",
        "Axe": 1,
        "Priorité": 1,
        "Qui ?": "Service technique",
        "Partenaires": "Office du tourisme",
        "Communes": "Commune A; Commune B",
        "Thèmes": "Développement durable",
        "Début": datetime.date(2026, 3, 1),
        "Fin": datetime.date(2027, 10, 31),
        "Statut": "en cours",
        "Commentaire sur le statut": "Tracé validé par les deux communes",
        "Avancement (%)": 20,
        "Budget prévu": 120000,
        "Budget engagé": 40000,
        "Budget dépensé": 15000.5,
        "Nature du budget": "investissement",
        "Description": "Panneaux le long du sentier, application de visite",
    }

    class Meta:
        model = Project
        fields = (
            "code",
            "title",
            "measure",
            "axis",
            "priority",
            "lead",
            "owner",
            "partners",
            "communes",
            "themes",
            "start_date",
            "end_date",
            "status",
            "status_comment",
            "progress",
            "budget_planned",
            "budget_committed",
            "budget_spent",
            "budget_kind",
            "description",
            "strategy_label",
        )
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)

    def optimize_export(self, queryset):
        return queryset.select_related(
            "measure", "axis", "owner", "strategy__territory"
        ).prefetch_related("communes", "themes")
