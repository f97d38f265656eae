"""The mails of an update round, sent in the background when a task queue is installed.

``send_owner_mail(round_owner_id, kind)`` issues the owner a new link (a fresh random token whose
hash replaces the previous one: the raw token only ever goes in the e-mail, never in the database
or a queue) and sends it. Services call ``enqueue_owner_mail`` after their transaction commits.

When the ``django_tasks`` backport is installed, ``send_owner_mail`` is a task and is enqueued;
without it, the mail is sent at once, in the request. Both paths call the same function, so this
is the only place that knows whether a queue exists.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import RoundOwner, hash_token

try:  # The task queue (django-tasks backport), when installed.
    from django_tasks import task
except ImportError:  # pragma: no cover - depends on the installation
    task = None

INVITATION = "invitation"
REMINDER = "reminder"
KINDS = (INVITATION, REMINDER)


def _as_task(function):
    """``function`` as a django-tasks task when the package is there, unchanged otherwise."""
    return task()(function) if task is not None else function


def owner_url(token: str) -> str:
    return settings.COCKPIT_BASE_URL.rstrip("/") + reverse("rounds:update", args=(token,))


@_as_task
def send_owner_mail(round_owner_id: int, kind: str) -> None:
    """Give the owner a new link and mail it; nothing changes if the mail cannot be sent."""
    if kind not in KINDS:
        raise ValueError(kind)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        owner = (
            RoundOwner.objects.select_for_update(of=("self",))
            .select_related("round__strategy", "contact")
            .filter(pk=round_owner_id)
            .first()
        )
        if owner is None or not owner.round.is_open:
            return
        token = secrets.token_urlsafe(32)
        owner.token_hash = hash_token(token)
        if kind == INVITATION:
            owner.sent_at = timezone.now()
        owner.save(update_fields=["token_hash", "sent_at"])
        round_ = owner.round
        context = {
            "owner": owner,
            "round": round_,
            "strategy": round_.strategy,
            "url": owner_url(token),
            "deadline": round_.deadline.strftime("%d.%m.%Y"),
            "reminder": kind == REMINDER,
        }
        if kind == REMINDER:
            subject = gettext("Rappel : mise à jour de vos projets et indicateurs d'ici le %s")
        else:
            subject = gettext("Mise à jour de vos projets et indicateurs d'ici le %s")
        body = render_to_string("rounds/email.txt", context)
        send_mail(subject % context["deadline"], body, None, [owner.email])


def enqueue_owner_mail(round_owner_id: int, kind: str) -> None:
    """After commit: enqueue the mail when there is a queue, send it now otherwise."""
    if hasattr(send_owner_mail, "enqueue"):
        send_owner_mail.enqueue(round_owner_id, kind)
    else:
        send_owner_mail(round_owner_id, kind)
