"""Workshops with their agenda and decisions in the admin, scoped to the editor's territories."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from projects.admin import mark_html
from projects.models import Mark
from strategies.admin_access import ScopedInline, TerritoryScopedAdmin

from .models import AgendaItem, Decision, Workshop


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "text")


class DecisionInline(ScopedInline, admin.StackedInline):
    model = Decision
    extra = 0
    fields = (
        ("text",),
        ("axis", "measure", "project"),
        ("owner", "due_date"),
        ("status", "closed_on"),
    )
    autocomplete_fields = ("axis", "measure", "project")
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "strategy__territory"
    list_display = ("number", "title", "date", "place", "strategy")
    list_display_links = ("number", "title")
    list_filter = ("strategy",)
    list_select_related = ("strategy__territory",)
    search_fields = ("title", "place", "minutes")
    date_hierarchy = "date"
    fieldsets = (
        (None, {"fields": ("strategy", "number", "title", "date", "place")}),
        (_("Présences"), {"fields": ("participants", "excused")}),
        (_("Procès-verbal"), {"fields": ("minutes",)}),
    )
    inlines = (AgendaItemInline, DecisionInline)


@admin.register(Decision)
class DecisionAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "workshop__strategy__territory"
    list_display = ("workshop", "text", "owner", "due_date", "status", "overdue")
    list_filter = ("status", "workshop")
    list_select_related = ("workshop",)
    search_fields = ("text",)
    autocomplete_fields = ("workshop", "axis", "measure", "project")
    fieldsets = (
        (None, {"fields": ("workshop", "text")}),
        (_("Concerne"), {"fields": ("axis", "measure", "project")}),
        (_("Suivi"), {"fields": ("owner", "due_date", "status", "closed_on")}),
    )

    @admin.display(description=_("en retard"), empty_value="")
    def overdue(self, decision: Decision) -> str:
        """« ✗ en retard », as the projects' column says it, or nothing (not Django's green tick
        for a late decision)."""
        return mark_html(Mark.LATE) if decision.is_overdue(timezone.localdate()) else ""
