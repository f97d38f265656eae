"""Projects and their fundings in the admin, scoped to the editor's territories: the seed's
columns, marks, lateness, a bulk status change, spreadsheet import and export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from strategies.admin import LevelAwareAdmin, MeasureAdmin
from strategies.admin_access import TerritoryScopedAdmin, scope_queryset
from strategies.admin_lookups import id_lookup
from strategies.import_admin import SpreadsheetAdminMixin
from strategies.models import Axis
from strategies.money import format_money

from .models import Funding, Mark, Project, mark_word, today
from .resources import ProjectResource


def mark_html(mark: str, status: str = "") -> str:
    """The cockpit mark with its symbol, word and colour, as on the cockpit (« ✓ réalisé » for a
    done project)."""
    mark = Mark(mark)
    return format_html(
        '<span class="mark mark-{} tone-{}">{} {}</span>',
        mark.value,
        mark.colour,
        mark.symbol,
        mark_word(mark, status),
    )


class AxisListFilter(admin.SimpleListFilter):
    title = _("axe")
    parameter_name = "axis"

    def lookups(self, request, model_admin):
        axes = scope_queryset(
            Axis.objects.select_related("strategy"), request.user, "strategy__territory"
        )
        return [
            (axis.pk, f"{axis.strategy.short_name or axis.strategy.title} – {axis}")
            for axis in axes
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(axis=id_lookup(self.value()))
        return queryset


class LateListFilter(admin.SimpleListFilter):
    title = _("en retard")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return (("yes", _("oui")), ("no", _("non")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.late()
        if self.value() == "no":
            return queryset.exclude(Project.late_q(today()))
        return queryset


class MarkListFilter(admin.SimpleListFilter):
    title = _("état (cockpit)")
    parameter_name = "mark"

    def lookups(self, request, model_admin):
        return [(mark.value, mark.text) for mark in Mark]

    def queryset(self, request, queryset):
        if self.value() in Mark.values:
            return queryset.filter(current_mark=self.value())
        return queryset


class ProjectActionForm(ActionForm):
    status = forms.ChoiceField(
        label=_("Nouveau statut"),
        choices=[("", "---------"), *Project.Status.choices],
        required=False,
    )


def with_displays(fields, displays: dict[str, str]) -> list:
    """``fields`` with each amount replaced by the method that shows it with its currency (a
    read-only form), each method once."""
    methods = set(displays.values())
    return [displays.get(name, name) for name in fields if name not in methods]


class FundingInline(admin.TabularInline):
    """The project's fundings; each row is titled by ``Funding.__str__`` ("Canton du Valais –
    875 000 CHF"), read with the project's strategy and territory in the same query."""

    model = Funding
    extra = 0
    #: Amounts shown with their currency when the user may only view the fundings.
    amount_displays = {"amount": "amount_display"}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project__strategy__territory")

    def view_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.view_only(request, obj):
            return with_displays(fields, self.amount_displays)
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.view_only(request, obj):
            return (*fields, *self.amount_displays.values())
        return fields

    @admin.display(description=_("montant"))
    def amount_display(self, funding: Funding) -> str:
        return format_money(funding.amount, funding.project.strategy.territory.currency)


class ProjectInline(admin.TabularInline):
    """Projects of a measure, on the measure's page."""

    model = Project
    extra = 0
    fields = ("code", "title", "priority", "start_date", "end_date", "status")
    show_change_link = True


MeasureAdmin.inlines = (*MeasureAdmin.inlines, ProjectInline)


@admin.register(Project)
class ProjectAdmin(
    LevelAwareAdmin, TerritoryScopedAdmin, SpreadsheetAdminMixin, SimpleHistoryAdmin
):
    territory_path = "strategy__territory"
    resource_classes = (ProjectResource,)
    # The seed's columns (Projets, Prio, Qui ?, Début, Fin, ok), then status, lateness and measure.
    list_display = (
        "code",
        "title",
        "prio",
        "lead",
        "start_date",
        "end_date",
        "cockpit_mark",
        "status",
        "late",
        "measure_code",
        "budget",
    )
    list_display_links = ("code", "title")
    list_filter = (
        "strategy",
        AxisListFilter,
        "status",
        MarkListFilter,
        "priority",
        ("lead", admin.AllValuesFieldListFilter),
        LateListFilter,
    )
    list_select_related = ("measure", "strategy__territory")
    search_fields = ("code", "title")
    autocomplete_fields = ("measure", "axis", "owner", "communes", "themes")
    date_hierarchy = "end_date"
    inlines = (FundingInline,)
    action_form = ProjectActionForm
    actions = ("change_status",)
    fieldsets = (
        (None, {"fields": ("measure", "axis", "code", "title", "description", "priority")}),
        (_("Qui ?"), {"fields": ("lead", "owner", "partners", "communes", "themes")}),
        (
            _("Calendrier et avancement"),
            {"fields": ("start_date", "end_date", "status", "status_comment", "progress")},
        ),
        (
            _("Budget"),
            {"fields": ("budget_planned", "budget_committed", "budget_spent", "budget_kind")},
        ),
    )
    #: Budgets shown with their currency when the user may only view the project.
    budget_displays = {
        "budget_planned": "budget",
        "budget_committed": "committed_budget",
        "budget_spent": "spent_budget",
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": with_displays(options["fields"], self.budget_displays)})
            for name, options in fieldsets
        ]

    @admin.display(description=_("budget prévu"), ordering="budget_planned")
    def budget(self, project: Project) -> str:
        return format_money(project.budget_planned, project.strategy.territory.currency)

    @admin.display(description=_("budget engagé"))
    def committed_budget(self, project: Project) -> str:
        return format_money(project.budget_committed, project.strategy.territory.currency)

    @admin.display(description=_("budget dépensé"))
    def spent_budget(self, project: Project) -> str:
        return format_money(project.budget_spent, project.strategy.territory.currency)

    def get_queryset(self, request):
        return super().get_queryset(request).with_mark(today())

    @admin.display(description=_("prio"), ordering="priority")
    def prio(self, project: Project) -> str:
        return format_html(
            '<span title="{}">{}</span>', project.get_priority_display(), project.priority
        )

    @admin.display(description=_("mesure"), ordering="measure__code")
    def measure_code(self, project: Project) -> str:
        if project.measure is None:
            return "–"
        return format_html(
            '<span title="{}">{}</span>', project.measure.title, project.measure.code
        )

    @admin.display(description=_("ok"), ordering="current_mark")
    def cockpit_mark(self, project: Project) -> str:
        return mark_html(project.current_mark, project.status)

    @admin.display(description=_("en retard"), ordering="currently_late", empty_value="")
    def late(self, project: Project) -> str:
        """« ✗ en retard », as the cockpit says it, or nothing."""
        return mark_html(Mark.LATE) if project.currently_late else ""

    @admin.action(description=_("Changer le statut des projets sélectionnés"))
    def change_status(self, request, queryset):
        status = request.POST.get("status", "")
        if status not in Project.Status.values:
            self.message_user(
                request,
                _("Choisissez le nouveau statut dans la liste à côté de l'action."),
                messages.ERROR,
            )
            return
        projects = [project for project in queryset if project.status != status]
        for project in projects:
            project.status = status
        bulk_update_with_history(
            projects,
            Project,
            ["status"],
            default_user=request.user,
            default_change_reason=_("Statut changé en masse : %(status)s")
            % {"status": Project.Status(status).label},
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d projet est passé au statut « %(status)s ».",
                "%(count)d projets sont passés au statut « %(status)s ».",
                len(projects),
            )
            % {"count": len(projects), "status": Project.Status(status).label},
            messages.SUCCESS,
        )
