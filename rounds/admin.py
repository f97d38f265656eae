"""Update rounds in the admin, scoped to the editor's territories: opening one (the add form
calls ``services.open_round``), following each owner's answer, reminding, resending, closing."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from strategies.admin_access import TerritoryScopedAdmin

from . import services
from .models import Round, RoundOwner


class ResendForm(forms.Form):
    email = forms.EmailField(label=_("nouvelle adresse e-mail"), required=False)


def _item_counts(round_: Round) -> dict[int, int]:
    """Per contact, the open projects and indicators they own in the round's strategy."""
    counts: dict[int, int] = {}
    projects = (
        services.open_projects(round_.strategy_id)
        .filter(owner__isnull=False)
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    indicators = (
        Indicator.objects.filter(strategy_id=round_.strategy_id, owner__isnull=False)
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    for row in [*projects, *indicators]:
        counts[row["owner_id"]] = counts.get(row["owner_id"], 0) + row["n"]
    return counts


@admin.register(Round)
class RoundAdmin(TerritoryScopedAdmin, admin.ModelAdmin):
    territory_path = "strategy__territory"
    list_display = ("__str__", "deadline", "owners_count", "answered_count", "is_open")
    list_filter = ("strategy",)
    list_select_related = ("strategy__territory",)
    change_form_template = "admin/rounds/round/change_form.html"
    actions = ("remind_all", "close")
    fields = ("strategy", "workshop", "deadline", "message")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_owners=Count("owners"),
                n_answered=Count("owners", filter=Q(owners__answered_at__isnull=False)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "strategy",
            "workshop",
            "deadline",
            "message",
            "opened_at",
            "opened_by",
            "closed_at",
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return (*self.fields, "opened_at", "opened_by", "closed_at")

    @admin.display(description=_("destinataires"), ordering="n_owners")
    def owners_count(self, obj: Round) -> int:
        return obj.n_owners

    @admin.display(description=_("réponses"), ordering="n_answered")
    def answered_count(self, obj: Round) -> int:
        return obj.n_answered

    @admin.display(description=_("ouverte"), boolean=True)
    def is_open(self, obj: Round) -> bool:
        return obj.is_open

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # a round's fields do not change once it is open
        opened = services.open_round(
            obj.strategy, obj.deadline, obj.message, workshop=obj.workshop, by=request.user
        )
        obj.pk = opened.pk
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        count = obj.owners.count()
        self.message_user(
            request,
            ngettext(
                "Campagne ouverte : %(count)d e-mail envoyé.",
                "Campagne ouverte : %(count)d e-mails envoyés.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:rounds_round_change", args=(obj.pk,)))

    # --- The change page: one row per owner, with its buttons --------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        round_ = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if round_ is not None:
            counts = _item_counts(round_)
            owners = list(round_.owners.select_related("contact").order_by("contact__name"))
            for owner in owners:
                owner.items = counts.get(owner.contact_id, 0)
            extra_context["round_owners"] = owners
            extra_context["round_obj"] = round_
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/relancer/", view(self.remind_view), name="rounds_round_remind"),
            path(
                "<int:pk>/relancer/<int:owner_pk>/",
                view(self.remind_view),
                name="rounds_round_remind_one",
            ),
            path(
                "<int:pk>/renvoyer/<int:owner_pk>/",
                view(self.resend_view),
                name="rounds_round_resend",
            ),
            path("<int:pk>/clore/", view(self.close_view), name="rounds_round_close"),
            *super().get_urls(),
        ]

    def _round_for_change(self, request, pk) -> Round:
        round_ = self.get_object(request, str(pk))
        if round_ is None:
            raise Http404
        if not self.has_change_permission(request, round_):
            raise PermissionDenied
        return round_

    def _back(self, round_: Round) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:rounds_round_change", args=(round_.pk,)))

    def remind_view(self, request, pk, owner_pk=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        round_ = self._round_for_change(request, pk)
        owners = None
        if owner_pk is not None:
            owners = [get_object_or_404(RoundOwner, pk=owner_pk, round=round_)]
        count = services.remind(round_, owners)
        self.message_user(
            request,
            ngettext("%(count)d relance envoyée.", "%(count)d relances envoyées.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
        return self._back(round_)

    def resend_view(self, request, pk, owner_pk):
        round_ = self._round_for_change(request, pk)
        owner = get_object_or_404(
            RoundOwner.objects.select_related("contact"), pk=owner_pk, round=round_
        )
        form = ResendForm(request.POST or None, initial={"email": owner.email})
        if request.method == "POST" and form.is_valid():
            try:
                services.resend(owner, form.cleaned_data["email"] or None)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("Lien renvoyé à %(email)s ; l'ancien lien ne fonctionne plus.")
                    % {"email": owner.email},
                    messages.SUCCESS,
                )
                return self._back(round_)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Renvoyer le lien à une autre adresse"),
            "round_obj": round_,
            "owner": owner,
            "form": form,
        }
        return TemplateResponse(request, "admin/rounds/round/resend.html", context)

    def close_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        round_ = self._round_for_change(request, pk)
        services.close_round(round_)
        self.message_user(request, gettext("Campagne close : ses liens ne fonctionnent plus."))
        return self._back(round_)

    # --- Changelist actions ----------------------------------------------------------------------

    @admin.action(description=_("Relancer tous ceux qui n'ont pas répondu"))
    def remind_all(self, request, queryset):
        count = sum(services.remind(round_) for round_ in queryset)
        self.message_user(
            request,
            ngettext("%(count)d relance envoyée.", "%(count)d relances envoyées.", count)
            % {"count": count},
        )

    @admin.action(description=_("Clore la campagne"))
    def close(self, request, queryset):
        for round_ in queryset:
            services.close_round(round_)
        self.message_user(request, gettext("Campagnes closes : leurs liens ne fonctionnent plus."))
