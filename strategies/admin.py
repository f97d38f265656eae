"""The cascade in the admin (territories, communes, memberships, strategies, axes, domains,
themes, measures), scoped to the editor's territories."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_access import EditedBySuperusersInline, TerritoryMembershipAdmin, TerritoryScopedAdmin
from .import_admin import SpreadsheetAdminMixin
from .models import Axis, Commune, Domain, Measure, Membership, Strategy, Territory, Theme
from .resources import MeasureResource


class CommuneInline(admin.TabularInline):
    model = Commune
    extra = 0


class MembershipInline(EditedBySuperusersInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Territory)
class TerritoryAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = ""
    list_display = ("name", "slug", "currency")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CommuneInline, MembershipInline)


@admin.register(Commune)
class CommuneAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "territory"
    list_display = ("name", "territory")
    list_filter = ("territory",)
    list_select_related = ("territory",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(TerritoryMembershipAdmin, admin.ModelAdmin):
    list_display = ("user", "territory", "role")
    list_filter = ("role", "territory")
    list_select_related = ("user", "territory")
    search_fields = ("user__username", "user__last_name", "territory__name")
    autocomplete_fields = ("user", "territory")


class AxisInline(admin.StackedInline):
    model = Axis
    extra = 0
    fields = ("number", "title", "strategic_objective")
    show_change_link = True


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "territory"
    list_display = ("title", "short_name", "territory", "start_year", "horizon_year", "phase")
    list_filter = ("phase", "territory", "is_public")
    list_select_related = ("territory",)
    search_fields = ("title", "short_name", "territory__name")
    autocomplete_fields = ("territory",)
    fieldsets = (
        (None, {"fields": ("territory", "title", "short_name", "phase", "is_public")}),
        (_("Horizon"), {"fields": ("start_year", "horizon_year")}),
        (
            _("Système d'objectifs"),
            {"fields": ("vision", "slogan", "finality", "general_objective")},
        ),
        (
            _("Seuils des statuts d'indicateurs"),
            {
                "fields": ("on_track_threshold", "warning_threshold"),
                "description": _(
                    "Un indicateur est en bonne voie quand son atteinte vaut au moins le premier "
                    "seuil de la progression attendue à la date du jour, à surveiller au-dessus du "
                    "second, en retard en dessous."
                ),
            },
        ),
    )
    inlines = (AxisInline, ThemeInline)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "title")
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "strategy__territory"
    list_display = ("__str__", "strategy")
    list_filter = ("strategy",)
    list_select_related = ("strategy__territory",)
    search_fields = ("title", "strategy__short_name")
    autocomplete_fields = ("strategy",)
    inlines = (DomainInline,)


@admin.register(Domain)
class DomainAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "axis__strategy__territory"
    list_display = ("title", "axis", "order")
    list_filter = ("axis__strategy", "axis")
    list_select_related = ("axis",)
    search_fields = ("title", "axis__title")
    autocomplete_fields = ("axis",)


@admin.register(Theme)
class ThemeAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "strategy__territory"
    list_display = ("name", "strategy")
    list_filter = ("strategy",)
    list_select_related = ("strategy__territory",)
    search_fields = ("name",)
    autocomplete_fields = ("strategy",)


@admin.register(Measure)
class MeasureAdmin(TerritoryScopedAdmin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    territory_path = "strategy__territory"
    resource_classes = (MeasureResource,)
    list_display = ("code", "title", "domain", "axis", "lead", "objective_code")
    list_display_links = ("code", "title")
    list_filter = ("strategy", "domain__axis")
    list_select_related = ("domain__axis",)
    search_fields = ("code", "title", "objective_code", "operational_objective", "lead")
    autocomplete_fields = ("domain", "themes")
    fieldsets = (
        (None, {"fields": ("domain", "code", "title", "order")}),
        (_("Objectif opérationnel"), {"fields": ("objective_code", "operational_objective")}),
        (
            _("Modèle d'efficacité"),
            {"fields": ("lead", "partners", "resources", "outputs", "themes")},
        ),
    )

    # The projects app adds its ProjectInline here (projects/admin.py): it imports this app, never
    # the reverse.
    inlines = ()

    @admin.display(description=_("axe"), ordering="domain__axis__number")
    def axis(self, measure: Measure) -> Axis:
        return measure.domain.axis
