"""The demo carries atelier 3's proposals (the groups per axis and the "Joker"), triaged every
way, the five ELIRE criteria with the commission's weights and scores that make a real ranking;
loading it again adds nothing and keeps the secretariat's changes."""

import io

from django.core.management import call_command

from prioritisation.models import Criterion, Proposal, Score
from prioritisation.services import set_aside_proposal


def test_demo_has_the_workshop_proposals_triaged_every_way(demo):
    proposals = Proposal.objects.filter(strategy=demo)
    assert {p.workshop.number for p in proposals} == {3}
    assert set(proposals.values_list("status", flat=True)) == {
        "new",
        "retained",
        "merged",
        "set_aside",
    }
    assert set(proposals.values_list("proposed_by", flat=True)) == {
        "Groupe 1",
        "Groupe 2",
        "Groupe 3",
        "Groupe 4",
        "Groupe 5 (Joker)",
    }
    jokers = proposals.filter(axis__isnull=True)
    assert jokers.count() == 2
    assert {p.merged_into_project.code for p in proposals.filter(status="merged")} == {"p1", "p22"}
    assert all(p.reason for p in proposals.exclude(status="new"))


def test_demo_has_the_elire_criteria_and_scores(demo):
    criteria = Criterion.objects.filter(strategy=demo)
    assert [(c.name, int(c.weight)) for c in criteria] == [
        ("Emploi", 2),
        ("Lien social", 1),
        ("Image", 1),
        ("Retour économique sur investissement", 2),
        ("Environnement", 2),
    ]
    assert Score.objects.filter(criterion__strategy=demo, project__isnull=False).count() > 50
    assert Score.objects.filter(criterion__strategy=demo, proposal__isnull=False).exists()


def test_loading_again_keeps_the_triage_and_the_weights(demo):
    proposal = Proposal.objects.get(strategy=demo, title="Navette intercommunale en soirée")
    set_aside_proposal(proposal, "Trop coûteuse")
    Criterion.objects.filter(strategy=demo, name="Image").update(weight=3)
    Score.objects.filter(project__code="p20").delete()
    counts = (Proposal.objects.count(), Criterion.objects.count(), Score.objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert (Proposal.objects.count(), Criterion.objects.count(), Score.objects.count()) == counts
    assert Proposal.objects.get(pk=proposal.pk).status == "set_aside"
    assert Criterion.objects.get(strategy=demo, name="Image").weight == 3
