"""The owner's page of an update round: ``/mise-a-jour/<token>/``, no login, no session.

The token is looked up by its hash; an unknown or revoked link answers 404, a closed round's 410,
each with a French page and nothing written. The page lists the owner's open projects and
indicators with their current figures and saves them all at once, or nothing: every form is
validated as the admin validates, and an item that the secretariat changed after the page was
shown is refused with the admin's conflict message.
"""

from __future__ import annotations

import hmac
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from strategies.admin_access import check_version, conflict_message

from .forms import ProjectUpdateForm, ValueForm
from .models import RoundOwner, hash_token
from .services import open_projects, projects_of

#: The prefixes of the forms: p<project id>-…, i<indicator id>-….
ITEM_KEY = re.compile(r"^([pi])(\d+)-")


def _private(response: HttpResponse) -> HttpResponse:
    """A personal page: not cached, not indexed, its address never sent to another site."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _find_owner(token: str) -> RoundOwner | None:
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    owner = (
        RoundOwner.objects.select_related("round__strategy__territory", "contact__user")
        .filter(token_hash=digest)
        .first()
    )
    # The lookup is by hash (an index); the comparison itself takes constant time.
    if owner is None or not hmac.compare_digest(owner.token_hash or "", digest):
        return None
    return owner


def _refused(request: HttpRequest, status: int) -> HttpResponse:
    return _private(render(request, "rounds/link_refused.html", {"status": status}, status=status))


def _projects(owner: RoundOwner) -> list[Project]:
    history = Project.history.model.objects.filter(id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    return list(
        projects_of(owner)
        .annotate(version=Subquery(history.values("history_id")[:1]))
        .order_by("code")
    )


def _value_history(indicator_id):
    return IndicatorValue.history.model.objects.filter(indicator_id=indicator_id).order_by(
        "-history_date", "-history_id"
    )


def _indicators(owner: RoundOwner) -> list[Indicator]:
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-pk")
    return list(
        Indicator.objects.filter(strategy_id=owner.round.strategy_id, owner=owner.contact)
        .with_latest_value()
        .annotate(
            latest_source=Subquery(latest.values("source")[:1]),
            version=Subquery(_value_history(OuterRef("pk")).values("history_id")[:1]),
        )
        .order_by("code")
    )


def _version(item) -> str:
    return "" if item.version is None else str(item.version)


def _forms(owner: RoundOwner, data=None, keep=()):
    """One form per project and per indicator, bound to ``data`` when it has the item's fields,
    except the items in ``keep`` (refused for a conflict: they show the current figures). An item
    left out of the posted data is left as it is."""
    today = timezone.localdate()
    posted = _posted_items(data or {})
    projects, indicators = _projects(owner), _indicators(owner)
    project_forms = [
        ProjectUpdateForm(
            data if ("p", p.pk) in posted - set(keep) else None,
            instance=p,
            prefix=f"p{p.pk}",
            version=_version(p),
        )
        for p in projects
    ]
    value_forms = [
        ValueForm(
            data if ("i", i.pk) in posted - set(keep) else None,
            instance=IndicatorValue(indicator=i),
            prefix=f"i{i.pk}",
            version=_version(i),
            initial={"date": today, "source": i.latest_source or i.source},
        )
        for i in indicators
    ]
    for form, project in zip(project_forms, projects, strict=True):
        form.item = project
    for form, indicator in zip(value_forms, indicators, strict=True):
        form.item = indicator
    return project_forms, value_forms


def _posted_items(data) -> set[tuple[str, int]]:
    return {(m[1], int(m[2])) for key in data if (m := ITEM_KEY.match(key))}


def _check_value_version(indicator: Indicator, seen: str) -> None:
    latest = _value_history(indicator.pk).select_related("history_user").first()
    if latest is None:  # no value was ever recorded: nothing to conflict with
        return
    if seen != str(latest.history_id):
        raise ValidationError(conflict_message(latest.instance, latest, None), code="conflict")


def _save(owner: RoundOwner, project_forms, value_forms, reason: str) -> list:
    """Save every changed form in one transaction; return the refused (conflicting) forms, in
    which case nothing is saved."""
    user = owner.contact.user
    conflicts = []
    with transaction.atomic():
        for form in project_forms:
            if not form.is_bound or not form.has_changed():
                continue
            try:
                check_version(form.item, form.cleaned_data.get("version") or "")
            except ValidationError as error:
                conflicts.append((form, error.messages[0]))
                continue
            project = form.save(commit=False)
            project._change_reason = reason
            project._history_user = user
            project.save()
        for form in value_forms:
            if not form.is_bound or not form.has_changed():
                continue
            try:
                _check_value_version(form.item, form.cleaned_data.get("version") or "")
            except ValidationError as error:
                conflicts.append((form, error.messages[0]))
                continue
            value = form.save(commit=False)
            value._change_reason = reason
            value._history_user = user
            value.save()
        if conflicts:
            transaction.set_rollback(True)
            return conflicts
        RoundOwner.objects.filter(pk=owner.pk).update(
            answered_at=timezone.now(), nothing_to_change=False
        )
    return []


def _nothing_to_change(owner: RoundOwner) -> None:
    now = timezone.now()
    with transaction.atomic():
        RoundOwner.objects.filter(pk=owner.pk).update(answered_at=now, nothing_to_change=True)
        # ``Project.confirmed_at`` (the data's age) comes with another part of the cockpit.
        if hasattr(Project, "confirmed_at"):
            open_projects(owner.round.strategy_id).filter(owner=owner.contact).update(
                confirmed_at=now
            )


# No CSRF cookie check: the secret token in the URL already proves that the request comes from
# someone who holds the link (a forged cross-site request cannot know it); and under
# ``Referrer-Policy: no-referrer`` browsers post the form with ``Origin: null``, which Django's
# origin check refuses.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def owner_update(request: HttpRequest, token: str) -> HttpResponse:
    owner = _find_owner(token)
    if owner is None:
        return _refused(request, 404)
    round_ = owner.round
    if not round_.is_open:
        return _refused(request, 410)
    if owner.opened_at is None:
        RoundOwner.objects.filter(pk=owner.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    conflicts: list = []
    saved = request.GET.get("enregistre") == "1"
    if request.method == "POST":
        if "rien" in request.POST:
            _nothing_to_change(owner)
            return _private(redirect(f"{request.path}?enregistre=1"))
        project_forms, value_forms = _forms(owner, request.POST)
        allowed = {("p", f.item.pk) for f in project_forms} | {
            ("i", f.item.pk) for f in value_forms
        }
        if not _posted_items(request.POST) <= allowed:
            # An item that is not the owner's: refused whole, nothing written.
            return _refused(request, 400)
        forms = [form for form in (*project_forms, *value_forms) if form.is_bound]
        if all(form.is_valid() for form in forms):
            reason = _("mis à jour par %(contact)s via la campagne du %(date)s") % {
                "contact": owner.contact,
                "date": timezone.localtime(round_.opened_at).strftime("%d.%m.%Y"),
            }
            conflicts = _save(owner, project_forms, value_forms, reason)
            if not conflicts:
                return _private(redirect(f"{request.path}?enregistre=1"))
            keep = {(f.prefix[0], f.item.pk) for f, _message in conflicts}
            project_forms, value_forms = _forms(owner, request.POST, keep=keep)
            messages = {(f.prefix[0], f.item.pk): m for f, m in conflicts}
            for form in [*project_forms, *value_forms]:
                form.conflict = messages.get((form.prefix[0], form.item.pk))
    else:
        project_forms, value_forms = _forms(owner)
    has_errors = request.method == "POST" and not conflicts
    context = {
        "owner": owner,
        "round": round_,
        "round_strategy": round_.strategy,
        "deadline": round_.deadline.strftime("%d.%m.%Y"),
        "project_forms": project_forms,
        "value_forms": value_forms,
        "conflicts": conflicts,
        "has_errors": has_errors,
        "saved": saved,
    }
    status = 409 if conflicts else 200
    return _private(render(request, "rounds/owner_update.html", context, status=status))
