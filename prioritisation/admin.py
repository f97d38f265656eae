"""The prioritisation in the admin: criteria (also inline on the strategy, with actions that
create them from a template), scores (also inline on proposals), and the proposals with their
triage pages, which ask what each step needs and then call ``services``. A project's page shows its
weighted score, scores and the proposals it comes from, read only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from projects.admin import ProjectAdmin
from projects.models import Project, suggest_project_code
from strategies.admin import StrategyAdmin
from strategies.admin_access import ScopedInline, TerritoryScopedAdmin, scope_queryset
from strategies.admin_lookups import id_lookup
from strategies.models import Axis, Strategy

from . import services
from .criteria import CRITERIA_TEMPLATES
from .forms import JOKER, AcceptForm, MergeForm, ReasonForm, SetAsideForm
from .models import JOKER_LABEL, Criterion, Proposal, Score, weighted_score_of


class CriterionInline(ScopedInline, admin.TabularInline):
    """The strategy's criteria and their weights, on the strategy's page."""

    model = Criterion
    extra = 0
    fields = ("order", "name", "weight", "scale_min", "scale_max", "description")
    show_change_link = True


def _create_criteria(modeladmin, request, queryset, key: str) -> None:
    if not request.user.has_perm("prioritisation.add_criterion"):
        modeladmin.message_user(
            request, _("Vous n'avez pas le droit de créer des critères."), messages.ERROR
        )
        return
    template = CRITERIA_TEMPLATES[key]
    for strategy in queryset:
        created = Criterion.objects.create_from_template(strategy, key)
        modeladmin.message_user(
            request,
            ngettext(
                "%(strategy)s : %(count)d critère « %(template)s » créé.",
                "%(strategy)s : %(count)d critères « %(template)s » créés.",
                len(created),
            )
            % {"strategy": strategy, "count": len(created), "template": template.label}
            if created
            else _("%(strategy)s a déjà tous les critères « %(template)s ».")
            % {"strategy": strategy, "template": template.label},
            messages.SUCCESS if created else messages.INFO,
        )


@admin.action(description=_("Créer les critères ELIRE (Emploi, Lien social, Image, …)"))
def create_elire_criteria(modeladmin, request, queryset):
    _create_criteria(modeladmin, request, queryset, "elire")


@admin.action(description=_("Créer les critères « Rayonnement intercommunal »"))
def create_rayonnement_criteria(modeladmin, request, queryset):
    _create_criteria(modeladmin, request, queryset, "rayonnement")


StrategyAdmin.inlines = (*StrategyAdmin.inlines, CriterionInline)
StrategyAdmin.actions = (
    *(StrategyAdmin.actions or ()),
    create_elire_criteria,
    create_rayonnement_criteria,
)


class CriteriaTemplateForm(forms.Form):
    strategy = forms.ModelChoiceField(label=_("Stratégie"), queryset=Strategy.objects.none())
    template = forms.ChoiceField(
        label=_("Modèle"),
        choices=[(key, template.label) for key, template in CRITERIA_TEMPLATES.items()],
        widget=forms.RadioSelect,
    )


@admin.register(Criterion)
class CriterionAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "strategy__territory"
    list_display = ("name", "strategy", "order", "weight", "scale", "n_scores")
    list_display_links = ("name",)
    list_editable = ("order", "weight")
    list_filter = ("strategy",)
    list_select_related = ("strategy__territory",)
    search_fields = ("name", "description")
    autocomplete_fields = ("strategy",)
    fieldsets = (
        (None, {"fields": ("strategy", "name", "description", "order")}),
        (_("Poids et échelle"), {"fields": ("weight", "scale_min", "scale_max")}),
    )
    change_list_template = "admin/prioritisation/criterion/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(scores_count=Count("scores"))

    def get_urls(self):
        return [
            path(
                "from-template/",
                self.admin_site.admin_view(self.from_template_view),
                name="prioritisation_criterion_from_template",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("échelle"))
    def scale(self, criterion: Criterion) -> str:
        return criterion.scale_label

    @admin.display(description=_("notes"), ordering="scores_count")
    def n_scores(self, criterion: Criterion) -> int:
        return criterion.scores_count

    def from_template_view(self, request):
        """Create a strategy's criteria from a template (ELIRE, rayonnement intercommunal); the
        criteria the strategy already has (by name) are left as they are."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CriteriaTemplateForm(request.POST or None, initial=request.GET.dict())
        form.fields["strategy"].queryset = scope_queryset(
            Strategy.objects.all(), request.user, "territory"
        )
        if request.method == "POST" and form.is_valid():
            strategy = form.cleaned_data["strategy"]
            key = form.cleaned_data["template"]
            _create_criteria(self, request, Strategy.objects.filter(pk=strategy.pk), key)
            url = reverse("admin:prioritisation_criterion_changelist")
            return HttpResponseRedirect(f"{url}?strategy__id__exact={strategy.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Créer des critères à partir d'un modèle"),
            "form": form,
            "templates": CRITERIA_TEMPLATES.values(),
        }
        return TemplateResponse(
            request, "admin/prioritisation/criterion/from_template.html", context
        )


class ScoreInline(ScopedInline, admin.TabularInline):
    """The scores of a proposal, on its page; criteria of its strategy only."""

    model = Score
    extra = 0
    fields = ("criterion", "value", "comment", "scored_by", "scored_at")
    readonly_fields = ("scored_by", "scored_at")
    verbose_name_plural = _("notes (priorisation)")

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_strategy_id = getattr(obj, "strategy_id", None)
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class ScoreFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.scored_by = user
                return super().save_new(form, commit=commit)

            def save_existing(self, form, obj, commit=True):
                if form.has_changed():
                    form.instance.scored_by = user
                return super().save_existing(form, obj, commit=commit)

        return ScoreFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            strategy_id = getattr(self, "parent_strategy_id", None)
            kwargs["queryset"] = (
                Criterion.objects.filter(strategy_id=strategy_id)
                if strategy_id
                else Criterion.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Score)
class ScoreAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "criterion__strategy__territory"
    list_display = ("criterion", "target", "value", "short_comment", "scored_by", "scored_at")
    list_filter = ("criterion__strategy", "criterion")
    list_select_related = ("criterion", "project", "proposal", "scored_by")
    search_fields = ("project__code", "project__title", "proposal__title", "criterion__name")
    autocomplete_fields = ("criterion", "project", "proposal")
    fields = ("criterion", "project", "proposal", "value", "comment", "scored_by", "scored_at")
    readonly_fields = ("scored_by", "scored_at")
    date_hierarchy = "scored_at"

    @admin.display(description=_("commentaire"))
    def short_comment(self, score: Score) -> str:
        return Truncator(score.comment).chars(60)

    def save_model(self, request, obj, form, change):
        obj.scored_by = request.user
        super().save_model(request, obj, form, change)


class ProposalAxisFilter(admin.SimpleListFilter):
    title = _("axe")
    parameter_name = "axis"

    def lookups(self, request, model_admin):
        axes = scope_queryset(
            Axis.objects.select_related("strategy"), request.user, "strategy__territory"
        )
        return [
            (JOKER, JOKER_LABEL),
            *(
                (axis.pk, f"{axis.strategy.short_name or axis.strategy.title} – {axis}")
                for axis in axes
            ),
        ]

    def queryset(self, request, queryset):
        if self.value() == JOKER:
            return queryset.filter(axis__isnull=True)
        if self.value():
            return queryset.filter(axis=id_lookup(self.value()))
        return queryset


#: The triage steps: URL segment → title of the page.
TRIAGE_STEPS = {
    "retenir": _("Retenir : créer les projets"),
    "fusionner": _("Fusionner dans un projet ou une proposition"),
    "ecarter": _("Écarter, avec un motif"),
}


@admin.register(Proposal)
class ProposalAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_path = "strategy__territory"
    list_display = (
        "title",
        "axis_display",
        "proposed_by",
        "workshop",
        "status_display",
        "outcome",
        "created_at",
    )
    list_filter = ("strategy", "status", ProposalAxisFilter, "workshop")
    list_select_related = (
        "strategy__territory",
        "axis",
        "workshop",
        "project",
        "merged_into_project",
        "merged_into_proposal",
    )
    search_fields = ("title", "description", "proposed_by")
    autocomplete_fields = (
        "strategy",
        "workshop",
        "axis",
        "communes",
        "project",
        "merged_into_project",
        "merged_into_proposal",
    )
    readonly_fields = ("submitted_by", "created_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "strategy",
                    "workshop",
                    "axis",
                    "title",
                    "description",
                    "proposed_by",
                    "communes",
                )
            },
        ),
        (
            _("Tri"),
            {
                "fields": (
                    "status",
                    "reason",
                    "project",
                    "merged_into_project",
                    "merged_into_proposal",
                ),
                "description": _(
                    "Pour trier, préférez les boutons « Retenir », « Fusionner » et « Écarter » : "
                    "ils créent le projet et gardent les liens."
                ),
            },
        ),
        (_("Saisie"), {"fields": ("submitted_by", "created_at")}),
    )
    inlines = (ScoreInline,)
    actions = ("accept_proposals", "merge_proposals", "set_aside_proposals")
    change_form_template = "admin/prioritisation/proposal/change_form.html"

    def get_urls(self):
        return [
            path(
                "triage/<str:step>/",
                self.admin_site.admin_view(self.triage_view),
                name="prioritisation_proposal_triage",
            ),
            *super().get_urls(),
        ]

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("axe"), ordering="axis__number")
    def axis_display(self, proposal: Proposal) -> str:
        return (
            _("Axe %(number)s") % {"number": proposal.axis.number} if proposal.axis else _("Joker")
        )

    @admin.display(description=_("statut"), ordering="status")
    def status_display(self, proposal: Proposal) -> str:
        symbol = {"new": "●", "retained": "✓", "merged": "⇢", "set_aside": "✗"}[proposal.status]
        return format_html(
            '<span class="proposal-status status-{}">{} {}</span>',
            proposal.status,
            symbol,
            proposal.get_status_display(),
        )

    @admin.display(description=_("suite donnée"))
    def outcome(self, proposal: Proposal) -> str:
        if proposal.project:
            return format_html(
                '→ <a href="{}">{}</a>',
                reverse("admin:projects_project_change", args=(proposal.project.pk,)),
                proposal.project,
            )
        if proposal.merged_into_project:
            return format_html(
                '⇢ <a href="{}">{}</a>',
                reverse("admin:projects_project_change", args=(proposal.merged_into_project.pk,)),
                proposal.merged_into_project,
            )
        if proposal.merged_into_proposal:
            return format_html(
                '⇢ <a href="{}">{}</a>',
                reverse(
                    "admin:prioritisation_proposal_change", args=(proposal.merged_into_proposal.pk,)
                ),
                proposal.merged_into_proposal,
            )
        return Truncator(proposal.reason).chars(60)

    # --- Triage: actions lead to a page that asks what is needed -------------------------------

    def _to_triage(self, request, queryset, step: str):
        open_ids = [p.pk for p in queryset if p.is_open]
        skipped = queryset.count() - len(open_ids)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d proposition déjà triée est laissée de côté.",
                    "%(count)d propositions déjà triées sont laissées de côté.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if not open_ids:
            return None
        url = reverse("admin:prioritisation_proposal_triage", args=(step,))
        return HttpResponseRedirect(f"{url}?ids={','.join(map(str, open_ids))}")

    @admin.action(description=_("Retenir : créer les projets"), permissions=["change"])
    def accept_proposals(self, request, queryset):
        return self._to_triage(request, queryset, "retenir")

    @admin.action(
        description=_("Fusionner dans un projet ou une proposition"), permissions=["change"]
    )
    def merge_proposals(self, request, queryset):
        return self._to_triage(request, queryset, "fusionner")

    @admin.action(description=_("Écarter, avec un motif"), permissions=["change"])
    def set_aside_proposals(self, request, queryset):
        return self._to_triage(request, queryset, "ecarter")

    def triage_view(self, request, step: str):
        """Retain (create the projects), merge or set aside the proposals ``?ids=1,2``: a form,
        then all of them or none."""
        if step not in TRIAGE_STEPS:
            raise Http404
        if not self.has_change_permission(request) or (
            step == "retenir" and not request.user.has_perm("projects.add_project")
        ):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.strip().isdigit()]
        proposals = list(
            self.get_queryset(request)
            .filter(pk__in=ids)
            .select_related("strategy__territory", "axis", "workshop")
            .order_by("created_at", "pk")
        )
        proposals = [proposal for proposal in proposals if proposal.is_open]
        changelist = reverse("admin:prioritisation_proposal_changelist")
        if not proposals:
            self.message_user(request, _("Aucune proposition à trier."), messages.WARNING)
            return HttpResponseRedirect(changelist)
        strategies = {proposal.strategy_id for proposal in proposals}
        if step == "fusionner" and len(strategies) > 1:
            self.message_user(
                request,
                _("Fusionnez des propositions d'une seule stratégie à la fois."),
                messages.ERROR,
            )
            return HttpResponseRedirect(changelist)
        data = request.POST if request.method == "POST" else None
        forms_by_proposal: list[tuple[Proposal, forms.Form]] = []
        if step == "retenir":
            taken: list[str] = []
            for proposal in proposals:
                code = suggest_project_code(proposal.strategy_id, taken)
                taken.append(code)
                form = AcceptForm(
                    data, prefix=f"p{proposal.pk}", proposal=proposal, initial={"code": code}
                )
                forms_by_proposal.append((proposal, form))
            common = ReasonForm(data)
        elif step == "fusionner":
            common = MergeForm(
                data, strategy=proposals[0].strategy, exclude=[p.pk for p in proposals]
            )
        else:
            common = SetAsideForm(data)
        if request.method == "POST":
            done = self._apply_triage(request, step, proposals, forms_by_proposal, common)
            if done is not None:
                return HttpResponseRedirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": TRIAGE_STEPS[step],
            "step": step,
            "proposals": proposals,
            "forms_by_proposal": forms_by_proposal,
            "common": common,
            "media": self.media + common.media,
        }
        return TemplateResponse(request, "admin/prioritisation/proposal/triage.html", context)

    def _apply_triage(self, request, step, proposals, forms_by_proposal, common) -> int | None:
        """Apply the step to every proposal in one transaction, or to none (errors are put on
        the forms). Returns how many were triaged, None when nothing was."""
        valid = common.is_valid() & all([form.is_valid() for _p, form in forms_by_proposal])
        if step == "retenir" and valid:
            # Codes are unique ignoring case: p5 and P5 are one project.
            codes = [form.cleaned_data["code"].lower() for _p, form in forms_by_proposal]
            for _proposal, form in forms_by_proposal:
                if codes.count(form.cleaned_data["code"].lower()) > 1:
                    form.add_error("code", _("Ce code est donné à deux projets."))
                    valid = False
        if not valid:
            return None
        created = []
        try:
            if step == "retenir":
                created = services.retain_proposals(
                    [
                        services.Retained(
                            proposal,
                            measure=form.cleaned_data["measure"],
                            code=form.cleaned_data["code"],
                            priority=form.cleaned_data["priority"],
                        )
                        for proposal, form in forms_by_proposal
                    ],
                    reason=common.cleaned_data["reason"],
                )
            elif step == "fusionner":
                services.merge_proposals(
                    proposals, common.cleaned_data["target"], reason=common.cleaned_data["reason"]
                )
            else:
                services.set_aside_proposals(proposals, common.cleaned_data["reason"])
        except ValidationError as error:
            message = "; ".join(
                f"{message}"
                for messages_ in getattr(error, "message_dict", {"": error.messages}).values()
                for message in messages_
            )
            common.add_error(
                None,
                _("Rien n'a été enregistré : %(error)s") % {"error": message},
            )
            return None
        if step == "retenir":
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    ngettext(
                        "%(count)d proposition retenue ; projet créé :",
                        "%(count)d propositions retenues ; projets créés :",
                        len(created),
                    )
                    % {"count": len(created)},
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a>',
                        (
                            (reverse("admin:projects_project_change", args=(p.pk,)), p)
                            for p in created
                        ),
                    ),
                ),
                messages.SUCCESS,
            )
        else:
            template = (
                ngettext(
                    "%(count)d proposition fusionnée dans « %(target)s ».",
                    "%(count)d propositions fusionnées dans « %(target)s ».",
                    len(proposals),
                )
                if step == "fusionner"
                else ngettext(
                    "%(count)d proposition écartée.",
                    "%(count)d propositions écartées.",
                    len(proposals),
                )
            )
            self.message_user(
                request,
                template % {"count": len(proposals), "target": common.cleaned_data.get("target")},
                messages.SUCCESS,
            )
        return len(proposals)


admin.site.unregister(Project)


@admin.register(Project)
class PrioritisedProjectAdmin(ProjectAdmin):
    """The projects' admin, with the project's prioritisation shown read only on its page (no
    form field is added: the project form posts what it always did)."""

    change_form_template = "admin/prioritisation/project/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                weighted_score=weighted_score_of(obj),
                scores=obj.scores.select_related("criterion"),
                origins=obj.proposals.select_related("workshop"),
                merged=obj.merged_proposals.all(),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
