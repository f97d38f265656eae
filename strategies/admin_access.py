"""Each territory's data in the admin is its editors' only; and a stale form never overwrites.

Every admin class of the domain says how its model reaches its territory, with
``territory_path`` (``"strategy__territory"`` for a project, ``""`` for a territory itself).
``TerritoryScopedAdmin`` then restricts, for an editor (a ``Membership`` with the ``editor``
role), everything the admin shows or accepts to the territories they edit:

- changelists, and so exports, actions and autocomplete answers (``get_queryset``);
- change, delete and history pages: another territory's object is "not found" (the admin's
  redirect for a change form, 404 for a history page), as if it did not exist;
- foreign-key and many-to-many choices, in selects, autocomplete widgets and inlines, so that a
  forged id is refused like a wrong one;
- list filters on a relation (``"strategy"``, ``"axis"``) list only allowed choices.

Superusers see everything. The admin site lets in only superusers and editors
(``strategies.admin_site``). Membership itself is managed by superusers, and by editors for the
viewers (commission members) of their own territories (``TerritoryMembershipAdmin``).

Optimistic lock: the change form of a historised model (django-simple-history) carries the id of
the object's latest history record; saving checks it is still the latest, so that of two editors
who opened the same object, the second to save gets a conflict message instead of silently
overwriting the first one's changes. No migration: the history is the version.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.utils import (
    NotRelationField,
    flatten_fieldsets,
    get_fields_from_path,
    unquote,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_lookups import LookupCheckedChangeList, is_id
from .models import Membership
from .tasks import send_membership_invitation
from .tasks_util import enqueue_on_commit

#: The hidden field of a change form that carries the version the editor started from.
VERSION_FIELD = "cockpit_version"


# --- Who edits what ---------------------------------------------------------------------------


def editor_territory_ids(user) -> frozenset[int] | None:
    """The territories ``user`` edits; None for a superuser (no restriction). Cached on the user
    object, i.e. once per request."""
    if user.is_superuser:
        return None
    cached = getattr(user, "_editor_territory_ids", None)
    if cached is None:
        cached = frozenset()
        if user.is_authenticated and user.is_active:
            cached = frozenset(
                Membership.objects.filter(user=user, role=Membership.Role.EDITOR).values_list(
                    "territory_id", flat=True
                )
            )
        user._editor_territory_ids = cached
    return cached


def may_use_admin(user) -> bool:
    """Superusers and the editors of at least one territory (a viewer never)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(editor_territory_ids(user))


def scope_queryset(queryset: QuerySet, user, path: str) -> QuerySet:
    """``queryset`` limited to the territories ``user`` edits, following ``path`` (a lookup to the
    territory, ``""`` for territories themselves)."""
    allowed = editor_territory_ids(user)
    if allowed is None:
        return queryset
    return queryset.filter(**{f"{path}__in" if path else "pk__in": allowed})


def territory_id_of(obj: models.Model, path: str) -> int | None:
    """The territory of ``obj`` (a saved object or a historical instance), following ``path``."""
    if not path:
        return obj.pk
    *parents, last = path.split("__")
    target = obj
    for name in parents:
        target = getattr(target, name, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def related_territory_path(admin_site: admin.AdminSite, model: type[models.Model]) -> str | None:
    """The territory path declared by ``model``'s admin, None when it is not a territory's data
    (users, for instance)."""
    model_admin = admin_site._registry.get(model)
    return getattr(model_admin, "territory_path", None)


# --- Foreign-key choices and list filters -----------------------------------------------------


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices (select or autocomplete) limited to the user's
    territories; for admin classes and inlines alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scope_choices(formfield, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scope_choices(formfield, db_field, request)

    def _scope_choices(self, formfield, db_field, request):
        if formfield is None or not hasattr(formfield, "queryset"):
            return formfield
        path = related_territory_path(self.admin_site, db_field.remote_field.model)
        if path is not None:
            formfield.queryset = scope_queryset(formfield.queryset, request.user, path)
        return formfield


class ScopedInline(ScopedChoicesMixin):
    """For inline classes: their rows belong to the parent (already scoped); their own foreign
    keys are scoped here."""


class EditedBySuperusersInline:
    """An inline that only superusers edit; others see it read-only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """The admin's filter on a relation, listing only the related objects of the user's
    territories (Django's lists them all)."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        path = related_territory_path(model_admin.admin_site, related)
        if path is None or request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        allowed = scope_queryset(related._default_manager.all(), request.user, path)
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(pk__in=allowed.values("pk")),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


# --- Optimistic lock ----------------------------------------------------------------------------


def is_historised(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def latest_record(obj: models.Model):
    """The latest history record of ``obj`` (None when it has none), with its author."""
    history = getattr(type(obj), obj._meta.simple_history_manager_attribute)
    return (
        history.filter(**{obj._meta.pk.attname: obj.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


def conflict_message(obj: models.Model, latest, seen) -> str:
    user = latest.history_user
    author = (user.get_full_name() or user.get_username()) if user else gettext("le système")
    when = date_format(timezone.localtime(latest.history_date), "SHORT_DATETIME_FORMAT")
    changed = ""
    if seen is not None:
        fields = [
            str(type(obj)._meta.get_field(change.field).verbose_name)
            for change in latest.diff_against(seen).changes
        ]
        if fields:
            changed = gettext(" (champs modifiés : %(fields)s)") % {"fields": ", ".join(fields)}
    return gettext(
        "Conflit de modification : %(author)s a enregistré « %(object)s » le %(when)s, après "
        "l'ouverture de ce formulaire%(changed)s. Vos modifications n'ont pas été enregistrées, "
        "pour ne pas écraser les siennes : rechargez la page pour partir de la version actuelle, "
        "puis refaites vos changements."
    ) % {"author": author, "object": obj, "when": when, "changed": changed}


def check_version(obj: models.Model, seen_version: str) -> None:
    """Raise a ``ValidationError`` unless ``seen_version`` (a history id, "" for none) is still
    the latest version of ``obj``. Inside the admin's transaction the object's row is locked
    first, so two simultaneous saves are checked one after the other (PostgreSQL)."""
    model = type(obj)
    connection = connections[router.db_for_write(model)]
    if connection.in_atomic_block and connection.features.has_select_for_update:
        # Only this row, without the joins of the default ordering (a nullable parent, such as a
        # measure's domain, is an outer join that PostgreSQL refuses to lock).
        rows = model._default_manager.filter(pk=obj.pk).order_by()
        if connection.features.has_select_for_update_of:
            rows = rows.select_for_update(of=("self",))
        else:
            rows = rows.select_for_update()
        list(rows.values_list("pk"))
    latest = latest_record(obj)
    current = "" if latest is None else str(latest.history_id)
    if seen_version == current:
        return
    seen = None
    if seen_version.isdigit():
        history = getattr(model, obj._meta.simple_history_manager_attribute)
        seen = history.filter(history_id=int(seen_version)).first()
    raise ValidationError(conflict_message(obj, latest, seen), code="conflict")


def version_locked_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """``base`` with the hidden version field and its check."""

    class VersionLockedForm(base):
        cockpit_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None and not self.is_bound:
                latest = latest_record(self.instance)
                self.initial[VERSION_FIELD] = "" if latest is None else str(latest.history_id)

        def clean(self):
            cleaned_data = super().clean()
            # A browser always sends the field; a form posted without it (a script) is not
            # checked.
            if self.instance.pk is not None and self.add_prefix(VERSION_FIELD) in self.data:
                check_version(self.instance, self.data[self.add_prefix(VERSION_FIELD)] or "")
            return cleaned_data

    VersionLockedForm.__name__ = f"VersionLocked{base.__name__}"
    return VersionLockedForm


# --- The admin class ----------------------------------------------------------------------------


class TerritoryScopedAdmin(ScopedChoicesMixin):
    """Put first in an admin class's bases, and set ``territory_path``."""

    #: The lookup from the model to its territory: "strategy__territory", "" for Territory.
    territory_path: str | None = None

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.territory_path)

    def get_changelist(self, request, **kwargs):
        # A crafted filter is a bad request (400), never a server error (admin_lookups.py).
        return LookupCheckedChangeList

    def in_scope(self, request, obj) -> bool:
        allowed = editor_territory_ids(request.user)
        return allowed is None or territory_id_of(obj, self.territory_path) in allowed

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or self.in_scope(request, obj)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or self.in_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or self.in_scope(request, obj)
        )

    # Filters on a relation list only the user's territories' objects.
    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        if field.is_relation:
            return (item, ScopedRelatedFieldListFilter)
        return item

    # History pages (django-simple-history): another territory's object, even deleted, is not
    # found.
    def history_view(self, request, object_id, extra_context=None):
        if is_historised(self.model) and self.get_object(request, unquote(object_id)) is None:
            record = self._record(object_id).order_by("-history_date").first()
            if record is None or not self.in_scope(request, record.instance):
                raise Http404
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_id(version_id):  # a crafted URL: not found, as a version that does not exist
            raise Http404
        record = self._record(object_id).filter(history_id=version_id).first()
        if record is None or not self.in_scope(request, record.instance):
            raise Http404
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def _record(self, object_id):
        """The history records of the object ``object_id`` (none for a malformed id)."""
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return history.none()
        return history.filter(**{self.model._meta.pk.attname: pk})

    # The optimistic lock on the change form of a historised model.
    def locks_version(self, request, obj) -> bool:
        return (
            obj is not None
            and is_historised(self.model)
            and self.has_change_permission(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.locks_version(request, obj):
            kwargs["form"] = version_locked_form(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.locks_version(request, obj) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *others = fieldsets
        return [(name, {**options, "fields": (*options["fields"], VERSION_FIELD)}), *others]


# --- Memberships --------------------------------------------------------------------------------


class AccountField(forms.CharField):
    """An account named by its user name or its e-mail address, as typed: an editor does not
    browse the installation's accounts, nor learn whether one exists (strategies/invitations.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Compte (nom d'utilisateur ou adresse e-mail)"))
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "help_text",
            _(
                "Si un compte actif correspond, son titulaire reçoit par e-mail une invitation ; "
                "il devient membre de la commission du territoire en l'acceptant."
            ),
        )
        super().__init__(**kwargs)


class MembershipInvitationForm(forms.ModelForm):
    """An editor's "add a member": the account is not looked up here, so that the answer is the
    same whatever exists; ``send_membership_invitation`` does it in the background."""

    account = AccountField()

    class Meta:
        model = Membership
        fields = ("territory", "role")


class TerritoryMembershipAdmin(TerritoryScopedAdmin):
    """Superusers manage every membership; an editor manages the viewers (commission members) of
    the territories they edit, and only sees the other memberships of those territories."""

    territory_path = "territory"

    def _is_viewer_membership(self, obj) -> bool:
        return obj is None or obj.role == Membership.Role.VIEWER

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            request.user.is_superuser or self._is_viewer_membership(obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            request.user.is_superuser or self._is_viewer_membership(obj)
        )

    def _invites(self, request, obj) -> bool:
        """An editor adding a member sends an invitation instead (strategies/invitations.py)."""
        return obj is None and not request.user.is_superuser

    def get_fields(self, request, obj=None):
        if self._invites(request, obj):
            return ("account", "territory", "role")
        return super().get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._invites(request, obj):
            kwargs["form"] = MembershipInvitationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change or request.user.is_superuser:
            return super().save_model(request, obj, form, change)
        enqueue_on_commit(
            send_membership_invitation,
            form.cleaned_data["account"],
            obj.territory_id,
            obj.role,
            translation.get_language() or settings.LANGUAGE_CODE,
        )

    def log_addition(self, request, obj, message):
        if obj.pk is not None:  # an invitation is not a membership yet
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is not None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            gettext(
                "Si un compte actif correspond à « %(account)s », son titulaire reçoit par "
                "e-mail une invitation à rejoindre la commission de %(territory)s ; il en devient "
                "membre en l'acceptant."
            )
            % {"account": request.POST.get("account", "").strip(), "territory": obj.territory},
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:strategies_membership_changelist"))

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if request.user.is_superuser:
            return fields
        return tuple(name for name in fields if name != "user")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.is_superuser:
            return (*fields, "user")
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            return AccountField()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (Membership.Role.VIEWER.value, Membership.Role.VIEWER.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
