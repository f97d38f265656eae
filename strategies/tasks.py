"""Background tasks of the territories: the invitation to a commission (invitations.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from .invitations import INVITATION_MAX_AGE, Invitation, find_account, make_token
from .models import Membership, Territory


@task()
def send_membership_invitation(account: str, territory_id: int, role: str, language: str) -> None:
    """Mail the account named ``account`` a link to join the territory; nothing when no single
    active account matches, or when it is a member already."""
    user = find_account(account)
    territory = Territory.objects.filter(pk=territory_id).first()
    if user is None or territory is None or not user.email:
        return
    if Membership.objects.filter(user=user, territory=territory).exists():
        return
    token = make_token(Invitation(user.pk, territory.pk, role))
    url = settings.COCKPIT_BASE_URL.rstrip("/") + reverse("membership_accept", args=(token,))
    with translation.override(language):
        context = {
            "user": user,
            "territory": territory,
            "url": url,
            "days": INVITATION_MAX_AGE.days,
        }
        subject = gettext("Invitation à la commission de %(territory)s") % {"territory": territory}
        body = render_to_string("strategies/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
