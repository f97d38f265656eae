"""The resources of the workbook's sheets that the admin's per-model imports do not have: axes (by
number) and domains (by axis number and title), and measures and projects whose « Axe » column
is written, not only shown, so that a strategy without domains or without measures hangs them
directly under their axis. Indicators and values are read by the admin's own resources
(``indicators.resources``).

When the strategy uses the level above (domains for measures, measures for projects), the axis is
the parent's, whatever the cell says (``DerivedStrategyMixin.sync_axis``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.lookups import ScopedLookupWidget
from spreadsheets.widgets import IntegerWidget, TextWidget
from strategies.imports import StrategyResource
from strategies.models import Axis, Domain
from strategies.resources import MeasureResource


def axis_widget() -> ScopedLookupWidget:
    return ScopedLookupWidget(
        Axis,
        "number",
        queryset=lambda strategy: Axis.objects.filter(strategy=strategy).order_by(),
        unknown=_("Aucun axe numéro %(value)s dans la stratégie « %(strategy)s »."),
        description=_("numéro d'un axe de la stratégie"),
    )


class AxisResource(StrategyResource):
    number = Field("number", "Numéro", widget=IntegerWidget())
    title = Field("title", "Titre", widget=TextWidget())
    strategic_objective = Field("strategic_objective", "Objectif stratégique", widget=TextWidget())

    column_help = {
        "Numéro": _("Le numéro de l'axe, unique dans la stratégie (1, 2…) : il l'identifie."),
        "Objectif stratégique": _("Le résultat attendu à l'horizon."),
    }
    example: dict[str, Any] = {
        "Numéro": 1,
        "Titre": "Mobilité",
        "Objectif stratégique": "Des déplacements plus sûrs et plus sobres",
    }

    class Meta:
        model = Axis
        fields = ("number", "title", "strategic_objective", "strategy_label")
        import_order = fields
        export_order = fields
        import_id_fields = ("number",)


class DomainResource(StrategyResource):
    """A domain by its axis and its title: a new title is a new domain (nothing is renamed)."""

    scope_path = "axis__strategy"

    axis = Field("axis", "Axe", widget=axis_widget())
    title = Field("title", "Titre", widget=TextWidget())
    order = Field("order", "Ordre", widget=IntegerWidget(), saves_null_values=False)

    column_help = {
        "Axe": _("Le numéro de l'axe du domaine."),
        "Titre": _("Le titre du domaine : avec l'axe, il l'identifie."),
        "Ordre": _("L'ordre du domaine dans son axe (0 par défaut)."),
    }
    example: dict[str, Any] = {"Axe": 1, "Titre": "Transports publics", "Ordre": 1}

    class Meta:
        model = Domain
        fields = ("axis", "title", "order", "strategy_label")
        import_order = fields
        export_order = fields
        import_id_fields = ("axis", "title")

    def record_history(self, instances, history_type: str) -> None:
        """Domains keep no history (``Domain`` has no ``HistoricalRecords``)."""


class WorkbookMeasureResource(MeasureResource):
    """``MeasureResource`` whose « Axe » column is written: the axis of a measure of a strategy
    without domains."""

    axis = Field("axis", "Axe", widget=axis_widget())

    column_help = {
        **MeasureResource.column_help,
        "Axe": _(
            "Le numéro de l'axe : celui du domaine quand la stratégie utilise des domaines, "
            "sinon l'axe dont la mesure relève."
        ),
    }


class WorkbookProjectResource(ProjectResource):
    """``ProjectResource`` with an « Axe » column: the axis of a project of a strategy without
    measures (with measures, the measure's)."""

    axis = Field("axis", "Axe", widget=axis_widget())

    column_help = {
        **ProjectResource.column_help,
        "Axe": _(
            "Le numéro de l'axe : celui de la mesure quand la stratégie utilise des mesures, "
            "sinon l'axe dont le projet relève."
        ),
    }

    class Meta:
        model = Project
        fields = (
            "code",
            "title",
            "axis",
            *(
                name
                for name in ProjectResource._meta.fields
                if name not in ("code", "title", "axis")
            ),
        )
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)
