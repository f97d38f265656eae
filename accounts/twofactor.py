"""Two-factor login with django-otp: who must give a code, enrolment, recovery codes, reset.

An account that has a confirmed device (a TOTP app, ``TOTPDevice``; recovery codes,
``StaticDevice``) gives a code after its password before it is verified
(``django_otp.login``, then ``request.user.is_verified()`` through ``OTPMiddleware``). An account
that can change data (``strategies.access.can_change_data``: editors and superusers) and has no
device must enrol when ``settings.TWO_FACTOR_REQUIRED`` is on. Viewers keep a password only.

What the session still owes is kept in it (``STATE_KEY``), computed once at login (and on the
first request of a session opened before this existed), so that a page costs no query for it.
"""

from __future__ import annotations

import datetime
import enum

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from strategies.access import can_change_data

#: The session's key for what the login still owes (a ``State`` value).
STATE_KEY = "accounts_two_factor"
#: Recovery codes waiting to be shown once, after enrolment or regeneration.
FRESH_CODES_KEY = "accounts_recovery_codes"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = _("Application d'authentification")
RECOVERY_DEVICE_NAME = _("Codes de secours")


class State(enum.StrEnum):
    VERIFY = "verify"  # a confirmed device: a code before anything else
    ENROL = "enrol"  # can change data and has no device: enrol when required
    NONE = "none"  # nothing owed (a viewer without device)
    VERIFIED = "verified"  # verified by a device in this session


def state_for(user) -> State:
    if user_has_device(user, confirmed=True):
        return State.VERIFY
    if can_change_data(user):
        return State.ENROL
    return State.NONE


def remember_state_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: what this session owes, computed while logging in."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_KEY] = state_for(user).value


def owed(request) -> State:
    """What the logged-in user of ``request`` still owes: nothing once verified by a device."""
    user = request.user
    if user.is_verified():
        return State.NONE
    stored = request.session.get(STATE_KEY)
    # Absent: a session opened before two-factor login existed; VERIFIED but no longer verified:
    # its device was removed since (a superuser's reset). Either way, compute it again.
    if stored is None or stored == State.VERIFIED:
        stored = state_for(user).value
        request.session[STATE_KEY] = stored
    state = State(stored)
    if state is State.ENROL and not settings.TWO_FACTOR_REQUIRED:
        return State.NONE
    return state


def mark_verified(request, device) -> None:
    """Log the device in for this session (a new session key: the session is worth more now)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[STATE_KEY] = State.VERIFIED.value


# --- Codes ------------------------------------------------------------------------------------


class CodeRefused(Exception):
    """A code that does not verify; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _throttled_message(extra: dict) -> str:
    wait = max(1, int((extra["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return gettext("Trop de codes erronés : attendez %(seconds)s s avant de réessayer.") % {
        "seconds": wait
    }


def _verify_on(devices, code: str):
    """The device of ``devices`` that accepts ``code``, or CodeRefused. Each failure counts on
    the device (django-otp's ``ThrottlingMixin``: a wait of 1, 2, 4, 8… seconds after each)."""
    for device in devices:
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            raise CodeRefused(_throttled_message(extra))
        if device.verify_token(code):
            return device
    raise CodeRefused(gettext("Code incorrect. Vérifiez-le et réessayez."))


def verify_code(user, code: str):
    """The confirmed device of ``user`` that accepts ``code``: six digits are a code of the app,
    anything else a recovery code (used up by this). Raises CodeRefused."""
    code = _normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    # The device rows are locked while checked, so that two attempts cannot both pass; the
    # failure count is saved with them (verify_token saves it), even when the code is refused.
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        try:
            return _verify_on(devices, code)
        except CodeRefused as refused:
            error = refused
    raise error


# --- Enrolment --------------------------------------------------------------------------------


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created the first time): its secret stays the same
    when the enrolment page is shown again."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(TOTP_DEVICE_NAME), confirmed=False)
    return device


def confirm_totp_device(user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Check ``code`` on the pending device; then it replaces the user's other TOTP devices and
    new recovery codes are made. Returns the device and the codes (shown once)."""
    code = _normalise(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CodeRefused(gettext("Cette inscription a expiré : recommencez-la."))
        try:
            _verify_on([device], code)
        except CodeRefused as refused:
            error = refused
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            return device, new_recovery_codes(user)
    raise error


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes by ``RECOVERY_CODE_COUNT`` new ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=str(RECOVERY_DEVICE_NAME))
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_totp_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Reset by a superuser ---------------------------------------------------------------------


def reset_devices(user, *, by) -> int:
    """Remove every device of ``user`` (a lost phone): at the next login they enrol again.
    Written in the admin log under ``by``. Returns how many devices were removed."""
    removed = 0
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[user],
            action_flag=CHANGE,
            # The admin log translates the field name when it shows the entry.
            change_message=[{"changed": {"fields": [gettext_noop("double authentification")]}}],
            single_object=True,
        )
    return removed


def last_used(user) -> datetime.datetime | None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device.last_used_at if device else None
