"""The workflow of an update round: open it, remind, resend, close. Mails leave after the
transaction commits (``rounds.tasks``), so a rolled-back round sends nothing."""

from __future__ import annotations

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from projects.models import Project
from strategies.models import Contact, Strategy

from . import tasks
from .models import Round, RoundOwner

#: A project in one of these statuses is no longer followed: its owner is not asked.
CLOSED_STATUSES = (Project.Status.DONE, Project.Status.ABANDONED)


def open_projects(strategy: Strategy | int) -> QuerySet[Project]:
    return Project.objects.filter(strategy=strategy).exclude(status__in=CLOSED_STATUSES)


def projects_of(round_owner: RoundOwner) -> QuerySet[Project]:
    """The projects an owner's page lists: theirs that are open, and those changed since the round
    opened (a project the owner has just marked réalisé stays on their page)."""
    changed = Project.history.model.objects.filter(
        id=OuterRef("pk"), history_date__gte=round_owner.round.opened_at
    )
    return Project.objects.filter(
        strategy=round_owner.round.strategy_id, owner=round_owner.contact_id
    ).filter(~Q(status__in=CLOSED_STATUSES) | Exists(changed))


def owners_of(strategy: Strategy) -> QuerySet[Contact]:
    """The contacts owning at least one open project or one indicator of ``strategy``."""
    projects = open_projects(strategy).filter(owner__isnull=False).values("owner_id")
    indicators = Indicator.objects.filter(strategy=strategy, owner__isnull=False).values("owner_id")
    return Contact.objects.filter(Q(pk__in=projects) | Q(pk__in=indicators))


def _send_after_commit(owner_ids: list[int], kind: str) -> None:
    for owner_id in owner_ids:
        transaction.on_commit(partial(tasks.enqueue_owner_mail, owner_id, kind))


@transaction.atomic
def open_round(
    strategy: Strategy,
    deadline: datetime.date,
    message: str = "",
    workshop=None,
    by=None,
) -> Round:
    """A new round of ``strategy``, with one recipient per owner and one mail each (after
    commit)."""
    round_ = Round.objects.create(
        strategy=strategy, workshop=workshop, deadline=deadline, message=message, opened_by=by
    )
    owners = RoundOwner.objects.bulk_create(
        RoundOwner(round=round_, contact=contact, email=contact.email)
        for contact in owners_of(strategy)
    )
    _send_after_commit([owner.pk for owner in owners], tasks.INVITATION)
    return round_


@transaction.atomic
def remind(round_: Round, owners=None, *, now: datetime.datetime | None = None) -> int:
    """Remind the owners (all of the round's by default) who have not answered and were not
    reminded the same day; returns how many. A closed round reminds nobody."""
    if not round_.is_open:
        return 0
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    candidates = RoundOwner.objects.filter(round=round_, answered_at__isnull=True)
    if owners is not None:
        candidates = candidates.filter(pk__in=[getattr(owner, "pk", owner) for owner in owners])
    ids = [
        owner.pk
        for owner in candidates.select_for_update()
        if owner.reminded_at is None or timezone.localtime(owner.reminded_at).date() != today
    ]
    for owner in RoundOwner.objects.filter(pk__in=ids):
        owner.reminded_at = now
        owner.reminders += 1
        owner.save(update_fields=["reminded_at", "reminders"])
    _send_after_commit(ids, tasks.REMINDER)
    return len(ids)


@transaction.atomic
def resend(round_owner: RoundOwner, new_email: str | None = None) -> RoundOwner:
    """Send the link again (to ``new_email`` when given): the old link stops working at once."""
    if not round_owner.round.is_open:
        raise ValidationError(
            _("La campagne est close : son lien ne peut plus être envoyé."), code="closed"
        )
    if new_email:
        new_email = new_email.strip().lower()
        validate_email(new_email)
        round_owner.email = new_email
    round_owner.token_hash = None
    round_owner.save(update_fields=["email", "token_hash"])
    _send_after_commit([round_owner.pk], tasks.INVITATION)
    return round_owner


@transaction.atomic
def close_round(round_: Round) -> Round:
    """Close the round: its links answer « campagne close » from now on."""
    if round_.closed_at is None:
        round_.closed_at = timezone.now()
        round_.save(update_fields=["closed_at"])
    return round_
