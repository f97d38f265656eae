"""The link of an invitation to a territory's commission (strategies/invitations.py): opened by
the invited account's holder, logged in, it creates the membership."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from strategies.invitations import read_token
from strategies.models import Membership, Territory


@login_required
def accept_membership(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation, POST accepts it; a link altered, expired or meant for another
    account gets a French page (400) and creates nothing."""
    invitation = read_token(token)
    territory = Territory.objects.filter(pk=invitation.territory_id).first() if invitation else None
    if invitation is None or territory is None or invitation.user_id != request.user.pk:
        return render(request, "cockpit/invitation_refused.html", status=400)
    if request.method == "POST":
        Membership.objects.get_or_create(
            user=request.user, territory=territory, defaults={"role": invitation.role}
        )
        messages.success(
            request,
            gettext("Vous êtes membre de la commission de %(territory)s.")
            % {"territory": territory},
        )
        return redirect("cockpit:home")
    return render(request, "cockpit/invitation.html", {"territory": territory})
