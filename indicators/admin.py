"""Indicators and their values in the admin, scoped to the editor's territories, with spreadsheet
import and export."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from strategies.admin_access import TerritoryScopedAdmin
from strategies.import_admin import SpreadsheetAdminMixin

from .models import Indicator, IndicatorValue, format_number, format_percent
from .resources import IndicatorResource, IndicatorValueResource


class IndicatorValueInline(admin.TabularInline):
    """Values of an indicator, newest first (the model's ordering)."""

    model = IndicatorValue
    extra = 1
    fields = ("date", "value", "source", "comment")


@admin.register(Indicator)
class IndicatorAdmin(TerritoryScopedAdmin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    territory_path = "strategy__territory"
    resource_classes = (IndicatorResource,)
    list_display = (
        "code",
        "name",
        "parent",
        "status_mark",
        "attainment",
        "baseline",
        "target",
        "current",
        "unit",
    )
    list_display_links = ("code", "name")
    list_filter = ("strategy", "level", "axis", "direction", "frequency")
    list_select_related = ("strategy", "axis", "measure")
    search_fields = ("code", "name", "source")
    autocomplete_fields = ("strategy", "axis", "measure", "owner")
    inlines = (IndicatorValueInline,)
    fieldsets = (
        (None, {"fields": ("strategy", "code", "name", "description", "unit")}),
        (_("Rattachement"), {"fields": ("level", "axis", "measure")}),
        (
            _("Trajectoire"),
            {
                "fields": (
                    "direction",
                    ("baseline_value", "baseline_date"),
                    ("target_value", "target_date"),
                    ("range_min", "range_max"),
                ),
                "description": _(
                    "État actuel inconnu : laissez-le vide (« ? »). Pour une fourchette, "
                    "renseignez le minimum et le maximum au lieu de l'état visé."
                ),
            },
        ),
        (_("Suivi"), {"fields": ("source", "owner", "frequency")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_value()

    def _evaluation(self, indicator: Indicator):
        # One evaluation per row and per request, from the annotated latest value (no query).
        if not hasattr(indicator, "_evaluation"):
            indicator._evaluation = indicator.evaluate()
        return indicator._evaluation

    @admin.display(description=_("axe / mesure"))
    def parent(self, indicator: Indicator):
        return indicator.measure or indicator.axis

    @admin.display(description=_("état actuel"))
    def baseline(self, indicator: Indicator) -> str:
        return (
            "?" if indicator.baseline_value is None else f"{indicator.baseline_value.normalize():f}"
        )

    @admin.display(description=_("état visé"))
    def target(self, indicator: Indicator) -> str:
        if indicator.direction == Indicator.Direction.RANGE:
            return f"{format_number(indicator.range_min)}–{format_number(indicator.range_max)}"
        return format_number(indicator.target_value)

    @admin.display(description=_("atteint"), ordering="latest_value")
    def current(self, indicator: Indicator) -> str:
        value = indicator.latest_value
        return "–" if value is None else format_number(value)

    @admin.display(description=_("atteinte"))
    def attainment(self, indicator: Indicator) -> str:
        attainment = self._evaluation(indicator).attainment
        return "–" if attainment is None else format_percent(attainment)

    @admin.display(description=_("statut"))
    def status_mark(self, indicator: Indicator) -> str:
        evaluation = self._evaluation(indicator)
        return format_html(
            '<span class="mark status-{} tone-{}" title="{}">{} {}</span>',
            evaluation.status.value,
            evaluation.status.colour,
            evaluation.explanation,
            evaluation.symbol,
            evaluation.status.label,
        )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(TerritoryScopedAdmin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    territory_path = "indicator__strategy__territory"
    resource_classes = (IndicatorValueResource,)
    strategy_path = "indicator__strategy"
    list_display = ("indicator", "date", "value", "source")
    list_filter = ("indicator__strategy", "indicator__level")
    list_select_related = ("indicator",)
    search_fields = ("indicator__code", "indicator__name", "comment", "source")
    autocomplete_fields = ("indicator",)
    date_hierarchy = "date"
