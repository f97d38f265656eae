"""Commission members propose during a workshop, from the workshop page, the axis page or the
proposals page: any member may propose (viewer or editor), the proposal is stored with its
context, bad input gets a French error and stores nothing, another territory sees nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from prioritisation.models import Proposal
from strategies.models import Axis, Commune
from tests.factories import CommuneFactory, MembershipFactory, UserFactory
from workshops.models import Workshop

HTMX = {"HX-Request": "true"}


@pytest.fixture
def workshop(demo):
    return Workshop.objects.get(strategy=demo, number=4)


@pytest.fixture
def axis(demo):
    return Axis.objects.get(strategy=demo, number=2)


def workshop_url(workshop) -> str:
    return reverse("prioritisation:workshop_proposal", args=[workshop.strategy_id, workshop.pk])


def test_workshop_page_shows_its_proposals_and_the_form(member_client, demo):
    held = Workshop.objects.get(strategy=demo, number=3)
    page = member_client.get(reverse("cockpit:workshop", args=[demo.pk, held.pk])).content
    page = page.decode()
    assert 'id="propositions"' in page
    assert "Proposer une réalisation" in page
    assert "Navette intercommunale en soirée" in page
    assert "Fusionnée dans le projet" in page
    assert "Relève des sociétés locales" in page  # why it was set aside
    assert 'name="axis_choice"' in page  # the workshop is given, the axis is chosen
    assert 'name="workshop"' not in page
    assert "Trier les propositions" not in page  # the triage is the secretariat's, in the admin


def test_a_viewer_proposes_from_the_workshop_page(member_client, workshop):
    communes = Commune.objects.filter(name__in=["Icogne", "Lens"])
    axis = Axis.objects.get(strategy=workshop.strategy, number=1)
    response = member_client.post(
        workshop_url(workshop),
        {
            "title": "Navette de nuit",
            "description": "Le samedi soir.",
            "proposed_by": "Groupe 2",
            "axis_choice": str(axis.pk),
            "communes": [c.pk for c in communes],
        },
    )
    page = reverse("cockpit:workshop", args=[workshop.strategy_id, workshop.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{page}#propositions"
    proposal = Proposal.objects.get(title="Navette de nuit")
    assert (proposal.strategy, proposal.workshop, proposal.axis) == (
        workshop.strategy,
        workshop,
        axis,
    )
    assert (proposal.proposed_by, proposal.status) == ("Groupe 2", Proposal.Status.NEW)
    assert set(proposal.communes.all()) == set(communes)
    assert proposal.submitted_by.username == "commission"
    assert proposal.history.count() == 1
    followed = member_client.get(page).content.decode()
    assert "la proposition « Navette de nuit » est enregistrée" in followed


def test_joker_proposal_has_no_axis(member_client, workshop):
    member_client.post(
        workshop_url(workshop),
        {"title": "Label santé", "proposed_by": "Groupe 5", "axis_choice": "joker"},
    )
    assert Proposal.objects.get(title="Label santé").axis is None


def test_htmx_submission_returns_the_section_with_a_thank_you_and_a_fresh_form(
    member_client, workshop
):
    response = member_client.post(
        workshop_url(workshop),
        {"title": "Marché", "proposed_by": "Groupe 3", "axis_choice": "joker"},
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="propositions"')
    assert "Merci : « Marché » est enregistrée" in page
    assert 'value="Groupe 3"' in page  # the group types its next proposal
    assert 'name="title"' in page and 'value="Marché"' not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "proposed_by": "G", "axis_choice": "joker"}, "Ce champ est obligatoire."),
        ({"title": "X", "proposed_by": "G", "axis_choice": ""}, "Ce champ est obligatoire."),
        ({"title": "X", "proposed_by": "G", "axis_choice": "999999"}, "choix valide"),
        ({"title": "X", "proposed_by": "", "axis_choice": "joker"}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_error_and_stores_nothing(member_client, workshop, data, message):
    before = Proposal.objects.count()
    response = member_client.post(workshop_url(workshop), data, headers=HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert Proposal.objects.count() == before
    # Without htmx, the form comes back on the proposals page, with the errors.
    response = member_client.post(workshop_url(workshop), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Proposal.objects.count() == before


def test_another_territorys_commune_or_axis_is_refused(member_client, workshop):
    foreign = CommuneFactory()
    response = member_client.post(
        workshop_url(workshop),
        {"title": "X", "proposed_by": "G", "axis_choice": "joker", "communes": [foreign.pk]},
    )
    assert response.status_code == 200
    assert not Proposal.objects.filter(title="X").exists()


def test_axis_page_proposes_for_its_axis(member_client, axis):
    page = member_client.get(reverse("cockpit:axis", args=[axis.strategy_id, axis.pk]))
    html = page.content.decode()
    assert "Réseau de chaleur au bois des forêts communales" in html  # an axis 2 proposal
    assert "Carte d&#x27;hôte" not in html and "Carte d'hôte" not in html  # axis 3
    assert 'name="axis_choice"' not in html
    url = reverse("prioritisation:axis_proposal", args=[axis.strategy_id, axis.pk])
    response = member_client.post(url, {"title": "Bisses", "proposed_by": "Groupe 2"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="Bisses")
    assert (proposal.axis, proposal.workshop) == (axis, None)


def test_proposals_page_lists_every_proposal_with_counts(member_client, demo):
    response = member_client.get(reverse("prioritisation:proposals", args=[demo.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="proposal proposal-') == Proposal.objects.filter(strategy=demo).count()
    assert "Joker (autres domaines)" in page
    assert "● nouvelle</span> <strong>4</strong>" in " ".join(page.split())


def test_an_editor_may_propose_too_and_sees_the_triage_link(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    url = reverse("prioritisation:proposals", args=[demo.pk])
    assert "Trier les propositions dans l'administration" in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Y", "proposed_by": "Secrétariat", "axis_choice": "joker"}
    )
    assert response.status_code == 302
    assert Proposal.objects.filter(title="Y", strategy=demo).exists()


def test_another_territory_sees_nothing_and_cannot_propose(client, demo, workshop, axis):
    outsider = UserFactory()
    MembershipFactory(user=outsider)
    client.force_login(outsider)
    before = Proposal.objects.count()
    for url in (
        reverse("prioritisation:proposals", args=[demo.pk]),
        workshop_url(workshop),
        reverse("prioritisation:axis_proposal", args=[demo.pk, axis.pk]),
    ):
        assert client.get(url).status_code in (404, 405)
        data = {"title": "Intrus", "proposed_by": "X", "axis_choice": "joker"}
        assert client.post(url, data).status_code == 404
    assert Proposal.objects.count() == before


def test_anonymous_visitors_are_sent_to_the_login(client, demo, workshop):
    response = client.post(workshop_url(workshop), {"title": "X"})
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]
    assert not Proposal.objects.filter(title="X").exists()


def test_htmx_submission_on_the_proposals_page_refreshes_its_counts_out_of_band(
    member_client, demo
):
    url = reverse("prioritisation:proposals", args=[demo.pk])
    new = Proposal.objects.filter(strategy=demo, status=Proposal.Status.NEW).count()
    response = member_client.post(
        url,
        {"title": "Four à pain", "proposed_by": "Groupe 1", "axis_choice": "joker"},
        headers=HTMX,
    )
    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert '<ul id="proposal-counts" class="proposal-counts" hx-swap-oob="true">' in page
    assert f"● nouvelle</span> <strong>{new + 1}</strong>" in page
    # The page itself carries the same id, so that htmx finds what to replace.
    assert 'id="proposal-counts"' in member_client.get(url).content.decode()


def test_htmx_submission_from_a_workshop_sends_no_counts(member_client, workshop):
    response = member_client.post(
        workshop_url(workshop),
        {"title": "Marché", "proposed_by": "Groupe 3", "axis_choice": "joker"},
        headers=HTMX,
    )
    assert "proposal-counts" not in response.content.decode()
