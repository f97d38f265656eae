"""Invitations to a territory's commission: an editor names an account, its holder accepts.

An editor who adds a member by user name or e-mail used to learn at once whether such an account
existed in the installation (issue 17). Now the admin answers the same whatever was typed and
enqueues ``strategies.tasks.send_membership_invitation``, which looks the account up and, when one
active account matches, mails it a signed link (``make_token``); the membership is created when
its holder, logged in, opens the link (``cockpit.views.invitations``). The link carries no secret
of the database: a signature (``django.core.signing``) over the account, territory and role, valid
``INVITATION_MAX_AGE``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q

SALT = "strategies.membership-invitation"
INVITATION_MAX_AGE = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Invitation:
    user_id: int
    territory_id: int
    role: str


def make_token(invitation: Invitation) -> str:
    return signing.dumps(
        [invitation.user_id, invitation.territory_id, invitation.role], salt=SALT, compress=True
    )


def read_token(token: str) -> Invitation | None:
    """The invitation a link carries; None when it is altered or older than the maximum age."""
    try:
        user_id, territory_id, role = signing.loads(token, salt=SALT, max_age=INVITATION_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Invitation(int(user_id), int(territory_id), str(role))


def find_account(value: str):
    """The one active account with this user name or e-mail (case ignored), or None."""
    user_model = get_user_model()
    matches = list(
        user_model._default_manager.filter(
            Q(**{f"{user_model.USERNAME_FIELD}__iexact": value}) | Q(email__iexact=value),
            is_active=True,
        )[:2]
    )
    if len(matches) > 1:
        matches = [user for user in matches if user.get_username().lower() == value.lower()]
    return matches[0] if len(matches) == 1 else None
