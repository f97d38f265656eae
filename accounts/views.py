"""The account page and the two-factor pages django-otp does not give: enrolment (QR code as
inline SVG, drawn by segno on the server), recovery codes shown once, the code step after the
password."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import twofactor
from accounts.forms import ApiTokenForm, CodeForm
from accounts.models import ApiToken
from accounts.twofactor import CodeRefused, State
from strategies.access import can_change_data


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: ``next`` when it is a page of this site, the home page otherwise."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


#: The session key that hands a new API token's secret to the account page, once.
FRESH_TOKEN_KEY = "accounts:fresh-api-token"


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "api_tokens": ApiToken.objects.for_user(user),
        "api_token_form": ApiTokenForm(),
        "fresh_token": request.session.pop(FRESH_TOKEN_KEY, None),
        "memberships": user.memberships.select_related("territory").order_by("territory__name"),
        "has_totp": twofactor.has_totp_device(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "last_used": twofactor.last_used(user),
        "changes_data": can_change_data(user),
        "required": settings.TWO_FACTOR_REQUIRED,
    }
    return render(request, "accounts/account.html", context)


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Step 1: scan the QR code (or type the secret); step 2: confirm with a code of the app."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.confirm_totp_device(request.user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            twofactor.mark_verified(request, device)
            request.session[twofactor.FRESH_CODES_KEY] = codes
            messages.success(request, gettext("La double authentification est activée."))
            return redirect(
                reverse("accounts:recovery_codes") + "?" + urlencode({"next": _next_url(request)})
            )
    device = twofactor.pending_totp_device(request.user)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#000", light="#fff", title=gettext("Code QR à scanner")
        ),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
        "owed": twofactor.owed(request) is State.ENROL,
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the session hands them over and forgets them."""
    codes = request.session.pop(twofactor.FRESH_CODES_KEY, None)
    context = {
        "codes": codes,
        "codes_left": twofactor.recovery_codes_left(request.user),
        "has_totp": twofactor.has_totp_device(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@login_required
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_totp_device(request.user):
        messages.error(request, gettext("Activez d'abord la double authentification."))
        return redirect("accounts:account")
    request.session[twofactor.FRESH_CODES_KEY] = twofactor.new_recovery_codes(request.user)
    return redirect("accounts:recovery_codes")


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password, for an account with a confirmed device."""
    if twofactor.owed(request) is not State.VERIFY:
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify_code(request.user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            twofactor.mark_verified(request, device)
            if device.__class__ is not twofactor.TOTPDevice:
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    gettext(
                        "Code de secours utilisé ; il vous en reste %(left)s. "
                        "Créez-en de nouveaux depuis « Mon compte »."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@login_required
def create_api_token(request: HttpRequest) -> HttpResponse:
    """A new personal API token; its secret is shown once, on the account page."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Donnez un nom au jeton (100 caractères au plus)."))
        return redirect(reverse("accounts:account") + "#api")
    _token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
    request.session[FRESH_TOKEN_KEY] = raw
    return redirect(reverse("accounts:account") + "#api")


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, token_pk: int) -> HttpResponse:
    """Revoke one of the user's tokens (another user's answers 404)."""
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=token_pk)
    token.revoke()
    messages.success(request, gettext("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect(reverse("accounts:account") + "#api")
