"""Indicators and their values in a spreadsheet (import and export from the admin): an indicator
by its code within the strategy, a value by its indicator's code and its date."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.widgets import ChoiceWidget, DateWidget, DecimalWidget, TextWidget
from strategies.imports import StrategyResource
from strategies.models import Axis, Measure
from strategies.resources import contact_widget

from .models import Indicator, IndicatorValue


def indicator_widget() -> ScopedLookupWidget:
    return ScopedLookupWidget(
        Indicator,
        "code",
        queryset=lambda strategy: (
            Indicator.objects.filter(strategy=strategy).select_related("strategy").order_by()
        ),
        unknown=_("Aucun indicateur de code %(value)s dans la stratégie « %(strategy)s »."),
        description=_("code d'un indicateur de la stratégie (s1, o1…)"),
    )


class IndicatorResource(StrategyResource):
    code = Field("code", "Code", widget=TextWidget())
    name = Field("name", "Nom", widget=TextWidget())
    level = Field(
        "level",
        "Niveau",
        widget=ChoiceWidget(Indicator.Level.choices),
        saves_null_values=False,
    )
    axis = Field(
        "axis",
        "Axe",
        widget=ScopedLookupWidget(
            Axis,
            "number",
            queryset=lambda strategy: Axis.objects.filter(strategy=strategy).order_by(),
            label=lambda axis: f"{axis.number} – {axis.title}",
            unknown=_("Aucun axe numéro %(value)s dans la stratégie « %(strategy)s »."),
            description=_("numéro d'un axe de la stratégie (indicateur stratégique)"),
        ),
    )
    measure = Field(
        "measure",
        "Mesure",
        widget=ScopedLookupWidget(
            Measure,
            "code",
            queryset=lambda strategy: Measure.objects.filter(strategy=strategy).order_by(),
            unknown=_("Aucune mesure de code %(value)s dans la stratégie « %(strategy)s »."),
            description=_("code d'une mesure de la stratégie (indicateur opérationnel)"),
        ),
    )
    unit = Field("unit", "Unité", widget=TextWidget())
    direction = Field(
        "direction",
        "Sens",
        widget=ChoiceWidget(Indicator.Direction.choices),
        saves_null_values=False,
    )
    baseline_value = Field("baseline_value", "État actuel", widget=DecimalWidget(unknown="?"))
    baseline_date = Field("baseline_date", "Date de l'état actuel", widget=DateWidget())
    target_value = Field("target_value", "État visé", widget=DecimalWidget())
    target_date = Field("target_date", "Échéance", widget=DateWidget())
    range_min = Field("range_min", "Fourchette : minimum", widget=DecimalWidget())
    range_max = Field("range_max", "Fourchette : maximum", widget=DecimalWidget())
    source = Field("source", "Source", widget=TextWidget())
    owner = Field("owner", "Responsable des valeurs", widget=contact_widget())
    frequency = Field(
        "frequency",
        "Fréquence",
        widget=ChoiceWidget(Indicator.Frequency.choices),
        saves_null_values=False,
    )
    description = Field("description", "Description", widget=TextWidget())

    column_help = {
        "Code": _("Le code de l'indicateur, unique dans la stratégie (s1, o1…)."),
        "Niveau": _(
            "Un indicateur stratégique se rattache à un axe, un opérationnel à une mesure."
        ),
        "État actuel": _("La valeur de départ ; « ? » ou vide si elle est inconnue."),
        "État visé": _("Obligatoire sauf pour une fourchette ; différent de l'état actuel."),
        "Échéance": _("Par défaut, la fin de l'année d'horizon de la stratégie."),
        "Fourchette : minimum": _("Pour un indicateur « à maintenir dans une fourchette »."),
        "Fourchette : maximum": _("Pour un indicateur « à maintenir dans une fourchette »."),
    }
    example: dict[str, Any] = {
        "Code": "s9",
        "Nom": "Nuitées hôtelières",
        "Niveau": "stratégique",
        "Axe": 1,
        "Mesure": "",
        "Unité": "nuitées",
        "Sens": "à augmenter",
        "État actuel": 1250000,
        "Date de l'état actuel": datetime.date(2019, 12, 31),
        "État visé": 1400000,
        "Échéance": datetime.date(2028, 12, 31),
        "Fourchette : minimum": "",
        "Fourchette : maximum": "",
        "Source": "Observatoire statistique",
        "Fréquence": "annuelle",
        "Description": "Nuitées dans l'hôtellerie de la région",
    }

    class Meta:
        model = Indicator
        fields = (
            "code",
            "name",
            "level",
            "axis",
            "measure",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "range_min",
            "range_max",
            "source",
            "owner",
            "frequency",
            "description",
            "strategy_label",
        )
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)

    def optimize_export(self, queryset):
        return queryset.select_related("axis", "measure", "owner", "strategy__territory")


class IndicatorValueResource(StrategyResource):
    scope_path = "indicator__strategy"

    indicator = Field("indicator", "Indicateur", widget=indicator_widget())
    date = Field("date", "Date", widget=DateWidget())
    value = Field("value", "Valeur", widget=DecimalWidget())
    source = Field("source", "Source", widget=TextWidget())
    comment = Field("comment", "Commentaire", widget=TextWidget())

    column_help = {
        "Indicateur": _(
            "Une valeur par indicateur et par date : la même date met à jour la valeur."
        ),
        "Date": _("Le jour où la valeur a été mesurée."),
    }
    example: dict[str, Any] = {
        "Indicateur": "s1",
        "Date": datetime.date(2025, 12, 31),
        "Valeur": 1325000,
        "Source": "Observatoire statistique",
        "Commentaire": "Chiffre provisoire",
    }

    class Meta:
        model = IndicatorValue
        fields = ("indicator", "date", "value", "source", "comment", "strategy_label")
        import_order = fields
        export_order = fields
        import_id_fields = ("indicator", "date")

    def optimize_export(self, queryset):
        return queryset.select_related("indicator__strategy__territory")
