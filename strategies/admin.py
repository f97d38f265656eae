"""The cascade in the admin (territories, communes, memberships, strategies, axes, domains,
themes, measures), scoped to the editor's territories."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_access import EditedBySuperusersInline, TerritoryMembershipAdmin, TerritoryScopedAdmin
from .admin_forms import StrategyAdminForm, level_fieldsets
from .import_admin import SpreadsheetAdminMixin
from .models import (
    Axis,
    Commune,
    Contact,
    Domain,
    Measure,
    Membership,
    Strategy,
    Territory,
    Theme,
)
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


@admin.register(Contact)
class ContactAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "territory"
    list_display = ("name", "email", "organisation", "territory", "user")
    list_filter = ("territory",)
    list_select_related = ("territory", "user")
    search_fields = ("name", "email", "organisation")
    autocomplete_fields = ("territory", "user")


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
    form = StrategyAdminForm
    fieldsets = (
        (None, {"fields": ("territory", "title", "short_name", "phase", "is_public", "licence")}),
        (
            _("Niveaux de la stratégie"),
            {
                "fields": ("uses_domains", "uses_measures"),
                "description": _(
                    "Axes et projets sont toujours là ; domaines et mesures sont facultatifs. Sans "
                    "mesures, chaque projet relève directement d'un axe. Un niveau qui a déjà des "
                    "éléments ne peut être retiré qu'une fois vide. Les noms ci-dessous "
                    "remplacent « axe », « mesure »… sur chaque page, feuille et message ; vides, "
                    "ce sont ceux du SDI."
                ),
            },
        ),
        *level_fieldsets(),
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
        (
            _("Âge des données"),
            {
                "fields": ("stale_grace_percent", "irregular_stale_months", "no_news_days"),
                "description": _(
                    "Quand une valeur d'indicateur est « à actualiser » et un projet « sans "
                    "nouvelles » ; l'en-tête du cockpit et la synthèse du rapport donnent la part "
                    "des données à jour."
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


class LevelAwareAdmin:
    """A measure's or a project's change form in its strategy's words: the fields named after the
    strategy's levels, and, for a saved row, only the parent its strategy's shape uses (a new row
    shows both, the shape check says which one counts)."""

    #: Field name → level kind, for the labels.
    level_fields = {"axis": "axis", "domain": "domain", "measure": "measure"}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.strategy_id:
            return fieldsets
        levels = obj.strategy.levels
        parent = obj.parent_field
        hidden = {"axis"} if levels.used(parent) else {parent}
        if parent == "measure" and not obj.strategy.uses_domains:
            hidden.add("domain")
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in fieldsets
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and obj.strategy_id:
            levels = obj.strategy.levels
            for name, kind in self.level_fields.items():
                if name in form.base_fields and levels.name(kind).custom:
                    form.base_fields[name].label = levels.name(kind).Singular
        return form


@admin.register(Measure)
class MeasureAdmin(
    LevelAwareAdmin, TerritoryScopedAdmin, SpreadsheetAdminMixin, SimpleHistoryAdmin
):
    territory_path = "strategy__territory"
    resource_classes = (MeasureResource,)
    list_display = ("code", "title", "domain", "axis_number", "lead", "objective_code")
    list_display_links = ("code", "title")
    list_filter = ("strategy", "axis")
    list_select_related = ("axis", "domain")
    search_fields = ("code", "title", "objective_code", "operational_objective", "lead")
    autocomplete_fields = ("domain", "axis", "themes")
    fieldsets = (
        (None, {"fields": ("domain", "axis", "code", "title", "order")}),
        (_("Objectif opérationnel"), {"fields": ("objective_code", "operational_objective")}),
        (
            _("Modèle d'efficacité"),
            {"fields": ("lead", "partners", "resources", "outputs", "themes")},
        ),
    )

    # The projects app adds its ProjectInline here (projects/admin.py): it imports this app, never
    # the reverse.
    inlines = ()

    @admin.display(description=_("axe"), ordering="axis__number")
    def axis_number(self, measure: Measure) -> Axis:
        return measure.axis
