"""The admin URLs of the models that moved (workshops out of ``cockpit``, proposals, criteria and
scores out of ``projects``) redirect for good to the new ones, with the rest of the path and the
query string, and the new page answers the secretariat as the old one did."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from prioritisation.models import Criterion, Proposal, Score
from strategies.models import Strategy
from workshops.models import Decision, Workshop


@pytest.fixture(scope="module")
def demo_ids(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back after it: the ids the URLs need."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield {
                "strategy": Strategy.objects.get(short_name="SDI").pk,
                "workshop": Workshop.objects.order_by("pk").first().pk,
                "decision": Decision.objects.order_by("pk").first().pk,
                "proposal": Proposal.objects.filter(status="new").order_by("pk").first().pk,
                "criterion": Criterion.objects.order_by("pk").first().pk,
                "score": Score.objects.order_by("pk").first().pk,
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def secretariat(db, demo_ids) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


# old URL → new URL (``{name}`` is a demo id), and what the new page answers the secretariat.
MOVED = [
    ("/admin/cockpit/", "/admin/workshops/", 200),
    ("/admin/cockpit/workshop/", "/admin/workshops/workshop/", 200),
    (
        "/admin/cockpit/workshop/?strategy__id__exact={strategy}&o=-1",
        "/admin/workshops/workshop/?strategy__id__exact={strategy}&o=-1",
        200,
    ),
    (
        "/admin/cockpit/workshop/{workshop}/change/?_changelist_filters=o%3D-1",
        "/admin/workshops/workshop/{workshop}/change/?_changelist_filters=o%3D-1",
        200,
    ),
    (
        "/admin/cockpit/workshop/{workshop}/history/",
        "/admin/workshops/workshop/{workshop}/history/",
        200,
    ),
    ("/admin/cockpit/workshop/add/", "/admin/workshops/workshop/add/", 200),
    (
        "/admin/cockpit/decision/?status__exact=open",
        "/admin/workshops/decision/?status__exact=open",
        200,
    ),
    (
        "/admin/cockpit/decision/{decision}/change/",
        "/admin/workshops/decision/{decision}/change/",
        200,
    ),
    (
        "/admin/cockpit/decision/{decision}/history/",
        "/admin/workshops/decision/{decision}/history/",
        200,
    ),
    # Agenda items are edited on their workshop's page: no list of their own, then or now.
    ("/admin/cockpit/agendaitem/", "/admin/workshops/agendaitem/", 404),
    (
        "/admin/projects/proposal/?status__exact=new",
        "/admin/prioritisation/proposal/?status__exact=new",
        200,
    ),
    (
        "/admin/projects/proposal/{proposal}/change/",
        "/admin/prioritisation/proposal/{proposal}/change/",
        200,
    ),
    (
        "/admin/projects/proposal/{proposal}/history/",
        "/admin/prioritisation/proposal/{proposal}/history/",
        200,
    ),
    (
        "/admin/projects/proposal/triage/retenir/?ids={proposal}",
        "/admin/prioritisation/proposal/triage/retenir/?ids={proposal}",
        200,
    ),
    ("/admin/projects/criterion/", "/admin/prioritisation/criterion/", 200),
    (
        "/admin/projects/criterion/{criterion}/change/",
        "/admin/prioritisation/criterion/{criterion}/change/",
        200,
    ),
    (
        "/admin/projects/criterion/from-template/?strategy={strategy}&template=elire",
        "/admin/prioritisation/criterion/from-template/?strategy={strategy}&template=elire",
        200,
    ),
    ("/admin/projects/score/", "/admin/prioritisation/score/", 200),
    ("/admin/projects/score/{score}/change/", "/admin/prioritisation/score/{score}/change/", 200),
    ("/admin/projects/score/{score}/history/", "/admin/prioritisation/score/{score}/history/", 200),
]


@pytest.mark.parametrize(("old", "new", "answer"), MOVED, ids=[old for old, _n, _a in MOVED])
def test_an_old_admin_url_redirects_for_good_to_the_new_one(
    secretariat, demo_ids, old, new, answer
):
    response = secretariat.get(old.format(**demo_ids))

    assert response.status_code == 301
    assert response["Location"] == new.format(**demo_ids)
    assert secretariat.get(response["Location"]).status_code == answer


def test_the_redirect_does_not_wait_for_a_login(db):
    response = Client().get("/admin/projects/proposal/12/change/?a=1")

    assert response.status_code == 301
    assert response["Location"] == "/admin/prioritisation/proposal/12/change/?a=1"
    assert Client().get(response["Location"]).status_code == 302  # to the login page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/projects/project/",
        "/admin/projects/",
        "/admin/projects/project/import/",
        "/admin/workshops/workshop/",
        "/admin/prioritisation/proposal/",
    ],
)
def test_the_admin_urls_that_did_not_move_answer_themselves(secretariat, url):
    assert secretariat.get(url).status_code == 200


@pytest.mark.parametrize(
    ("old", "location"),
    [
        (
            "/admin/cockpit/workshop/%0d%0aSet-Cookie:%20x=1/",
            "/admin/workshops/workshop/%0D%0ASet-Cookie:%20x%3D1/",
        ),
        ("/admin/projects/proposal/%00/change/", "/admin/prioritisation/proposal/%00/change/"),
        ("/admin/projects/proposal/%25/history/", "/admin/prioritisation/proposal/%25/history/"),
        ("/admin/projects/proposal/é/", "/admin/prioritisation/proposal/%C3%A9/"),
        ("/admin/projects/proposal/%FF%FE/", "/admin/prioritisation/proposal/%25FF%25FE/"),
        ("/admin/projects/score//evil.example/", "/admin/prioritisation/score//evil.example/"),
        # The server hands the path over decoded: still a path of this site, under /admin/.
        ("/admin/cockpit/decision/..%2F..%2Fx/", "/admin/workshops/decision/../../x/"),
        (
            "/admin/projects/criterion/?q=%0d%0a&x=é",
            "/admin/prioritisation/criterion/?q=%0d%0a&x=%C3%A9",
        ),
        (
            "/admin/projects/criterion/" + "a/" * 2000,
            "/admin/prioritisation/criterion/" + "a/" * 2000,
        ),
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_a_crafted_old_url_never_gives_a_server_error(secretariat, who, old, location):
    client = secretariat if who == "secretariat" else Client()
    client.raise_request_exception = False

    response = client.get(old)

    if "%00" in old:  # a NUL character is refused before any redirect (request_checks.py)
        assert response.status_code == 400
        return
    assert response.status_code == 301
    assert response["Location"] == location
    assert client.get(response["Location"]).status_code < 500
