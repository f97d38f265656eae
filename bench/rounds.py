"""Update rounds at the scale of a large portfolio (issue 16): opening a round for 500 owners (mails
queued, not sent), the owner's page with 200 items and the round's page in the admin with its 500
owners. Owners are contacts of the bench strategy's territory: the first owns ``OWNER_ITEMS``
projects, the others share the rest."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test import Client
from django.urls import reverse

from bench.timing import Timing, time_call, time_request
from projects.models import Project
from rounds.models import Round, RoundOwner, hash_token
from rounds.services import open_round
from strategies.models import Contact, Strategy

#: Row names, the same at every size (so that their query counts are compared across sizes); the
#: sizes are in ``scale``: 500 owners and 200 items for the first one at 10,000 projects.
OPEN = "update round: open (mails queued)"
OWNER_PAGE = "update round: owner's page"
ROUND_PAGE = "update round: follow-up page (admin)"
#: The link of the first owner in the benchmark (its hash is stored like any link's).
TOKEN = "bench-owner-link"


def scale(size: int) -> tuple[int, int]:
    """Owners and the first owner's items at ``size`` projects: 500 and 200 at 10,000."""
    return min(500, max(1, size // 20)), min(200, max(1, size // 50))


def give_owners(strategy: Strategy, owners: int, items: int) -> list[Contact]:
    contacts = Contact.objects.bulk_create(
        Contact(
            territory_id=strategy.territory_id,
            name=f"Responsable {index + 1}",
            email=f"responsable{index + 1}@bench.example",
            organisation=f"Service {index % 7 + 1}",
        )
        for index in range(owners)
    )
    ids = list(
        Project.objects.filter(strategy=strategy).order_by("pk").values_list("pk", flat=True)
    )
    Project.objects.filter(pk__in=ids[:items]).update(owner=contacts[0])
    others = contacts[1:] or contacts
    for index, contact in enumerate(others):
        Project.objects.filter(pk__in=ids[items + index :: len(others)]).update(owner=contact)
    return contacts


def time_rounds(strategy: Strategy, editor, *, runs: int, size: int) -> dict[str, Timing]:
    owners, items = scale(size)
    contacts = give_owners(strategy, owners, items)
    deadline = datetime.date.today() + datetime.timedelta(days=21)

    def opened() -> Round:
        with transaction.atomic():
            return open_round(strategy, deadline, "Merci de mettre vos projets à jour.", by=editor)

    rows = {OPEN: time_call(opened, runs=max(1, min(runs, 3)))}
    round_ = Round.objects.filter(strategy=strategy).latest("pk")
    first = RoundOwner.objects.get(round=round_, contact=contacts[0])
    # One link per strategy: every size of a run lives in the same database.
    token = f"{TOKEN}-{strategy.pk}"
    first.token_hash = hash_token(token)
    first.save(update_fields=["token_hash"])
    rows[OWNER_PAGE] = time_request(Client(), reverse("rounds:update", args=[token]), runs=runs)
    admin = Client()
    admin.force_login(editor)
    rows[ROUND_PAGE] = time_request(
        admin, reverse("admin:rounds_round_change", args=[round_.pk]), runs=runs
    )
    return rows
