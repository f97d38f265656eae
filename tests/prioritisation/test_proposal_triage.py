"""The secretariat triages the workshop proposals: retaining one creates its project under the
chosen measure and keeps the link back; a proposal can be merged into a project or another
proposal, or set aside with a reason. In the admin, each step asks what it needs, then applies to
all the selected proposals or to none; the database refuses inconsistent triage states."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from prioritisation.models import Criterion, Proposal, Score, weighted_score_of
from prioritisation.services import accept_proposal, merge_proposal, set_aside_proposal
from projects.models import Project, suggest_project_code
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    CriterionFactory,
    DomainFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
    UserFactory,
)
from workshops.models import Workshop


@pytest.fixture
def setting(db):
    """A strategy with an axis, a measure, a project p1, a workshop and a new proposal about two
    of its three communes, scored on one criterion."""
    strategy = StrategyFactory()
    axis = AxisFactory(strategy=strategy, number=1)
    measure = MeasureFactory(domain=DomainFactory(axis=axis), code="m1")
    project = ProjectFactory(measure=measure, code="p1", title="Plan de mobilité")
    communes = [CommuneFactory(territory=strategy.territory) for _ in range(3)]
    project.communes.add(communes[0])
    workshop = Workshop.objects.create(
        strategy=strategy, number=3, title="Atelier 3", date=datetime.date(2019, 6, 3)
    )
    proposal = ProposalFactory(
        strategy=strategy,
        workshop=workshop,
        axis=axis,
        title="Navette en soirée",
        description="Le soir et le week-end.",
        proposed_by="Groupe 1",
    )
    proposal.communes.set(communes[1:])
    criterion = CriterionFactory(strategy=strategy, name="Emploi")
    ScoreFactory(criterion=criterion, proposal=proposal, project=None, value=3, comment="fort")
    return {
        "strategy": strategy,
        "axis": axis,
        "measure": measure,
        "project": project,
        "communes": communes,
        "proposal": proposal,
        "criterion": criterion,
    }


# --- The domain: accept, merge, set aside -------------------------------------------------------


def test_accepting_creates_the_project_under_the_measure_and_links_back(setting):
    proposal = setting["proposal"]
    project = accept_proposal(proposal, measure=setting["measure"], code="p2", priority=1)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETAINED
    assert proposal.project == project
    assert list(project.proposals.all()) == [proposal]
    assert (project.strategy, project.measure, project.code, project.priority) == (
        setting["strategy"],
        setting["measure"],
        "p2",
        1,
    )
    assert (project.title, project.description) == ("Navette en soirée", "Le soir et le week-end.")
    assert project.status == Project.Status.PLANNED
    assert set(project.communes.all()) == set(setting["communes"][1:])
    # Its scores are carried over: the project ranks as the proposal did.
    score = Score.objects.get(project=project)
    assert (score.criterion, score.value, score.comment) == (setting["criterion"], 3, "fort")
    assert weighted_score_of(project).rounded == proposal.weighted_score().rounded == 100
    assert project.history.first().history_change_reason.startswith("Créé depuis la proposition")


def test_accepting_with_a_code_already_used_changes_nothing(setting):
    proposal = setting["proposal"]
    with pytest.raises(ValidationError):
        accept_proposal(proposal, measure=setting["measure"], code="p1")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW
    assert Project.objects.count() == 1


def test_accepting_under_another_strategys_measure_is_refused(setting):
    with pytest.raises(ValidationError) as error:
        accept_proposal(setting["proposal"], measure=MeasureFactory(), code="p2")
    assert "autre stratégie" in str(error.value)
    assert Project.objects.count() == 1


def test_merging_into_a_project_links_it_and_adds_the_communes(setting):
    proposal, project = setting["proposal"], setting["project"]
    merge_proposal(proposal, project, reason="Déjà prévu.")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.MERGED
    assert (proposal.merged_into_project, proposal.merged_into_proposal) == (project, None)
    assert proposal.reason == "Déjà prévu."
    assert set(project.communes.all()) == set(setting["communes"])
    assert list(project.merged_proposals.all()) == [proposal]


def test_merging_into_another_proposal(setting):
    proposal = setting["proposal"]
    target = ProposalFactory(strategy=setting["strategy"], title="Transports du soir")
    merge_proposal(proposal, target)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into_proposal) == (Proposal.Status.MERGED, target)
    assert set(target.communes.all()) == set(setting["communes"][1:])


def test_merging_into_itself_or_a_set_aside_proposal_is_refused(setting):
    proposal = setting["proposal"]
    with pytest.raises(ValidationError):
        merge_proposal(proposal, proposal)
    other = ProposalFactory(strategy=setting["strategy"])
    set_aside_proposal(other, "Hors sujet")
    with pytest.raises(ValidationError) as error:
        merge_proposal(Proposal.objects.get(pk=proposal.pk), other)
    assert "déjà fusionnée ou écartée" in str(error.value)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.NEW


def test_setting_aside_needs_a_reason(setting):
    proposal = setting["proposal"]
    with pytest.raises(ValidationError) as error:
        set_aside_proposal(proposal, "  ")
    assert error.value.message_dict["reason"] == ["Dites pourquoi la proposition est écartée."]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW
    set_aside_proposal(proposal, "Relève des sociétés locales.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (
        Proposal.Status.SET_ASIDE,
        "Relève des sociétés locales.",
    )


def test_a_triaged_proposal_cannot_be_triaged_again(setting):
    proposal = setting["proposal"]
    set_aside_proposal(proposal, "Non")
    with pytest.raises(ValidationError) as error:
        accept_proposal(proposal, measure=setting["measure"], code="p2")
    assert "déjà triée (écartée)" in str(error.value)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "set_aside", "reason": ""},
        {"status": "merged"},
        {"status": "new", "merged_into_project": "project"},
        {"status": "merged", "merged_into_project": "project", "merged_into_proposal": "other"},
        {"status": "new", "project": "project"},
        {"status": "maybe"},
    ],
)
def test_database_refuses_inconsistent_triage_states(setting, fields):
    other = ProposalFactory(strategy=setting["strategy"])
    values = {
        key: {"project": setting["project"], "other": other}.get(value, value)
        for key, value in fields.items()
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=setting["proposal"].pk).update(**values)


def test_axis_and_workshop_must_belong_to_the_strategy(setting):
    proposal = setting["proposal"]
    proposal.axis = AxisFactory()
    proposal.workshop = Workshop.objects.create(
        strategy=StrategyFactory(), number=1, title="Ailleurs", date=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert set(error.value.message_dict) == {"axis", "workshop"}


def test_suggested_codes_follow_the_highest_p_code(setting):
    strategy = setting["strategy"]
    ProjectFactory(measure=setting["measure"], code="p9")
    ProjectFactory(measure=setting["measure"], code="x-1")
    assert suggest_project_code(strategy) == "p10"
    assert suggest_project_code(strategy, taken=["p10"]) == "p11"


def test_suggested_codes_skip_a_code_written_in_capitals(setting):
    ProjectFactory(measure=setting["measure"], code="P9")

    assert suggest_project_code(setting["strategy"]) == "p10"
    assert suggest_project_code(setting["strategy"], taken=["P10"]) == "p11"


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def secretariat(client, setting):
    """A staff editor of the territory with every permission on proposals and projects."""
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, territory=setting["strategy"].territory, role="editor")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["projects", "prioritisation"],
            codename__in=[
                "view_proposal",
                "change_proposal",
                "add_project",
                "view_project",
                "add_criterion",
                "view_criterion",
                "change_strategy",
            ],
        ),
        *Permission.objects.filter(codename="change_strategy"),
    )
    client.force_login(user)
    return client


def triage_url(step: str, *proposals) -> str:
    ids = ",".join(str(p.pk) for p in proposals)
    return f"{reverse('admin:prioritisation_proposal_triage', args=[step])}?ids={ids}"


def test_admin_action_leads_to_the_triage_page_of_the_selected_proposals(secretariat, setting):
    proposal = setting["proposal"]
    response = secretariat.post(
        reverse("admin:prioritisation_proposal_changelist"),
        {"action": "accept_proposals", "_selected_action": [proposal.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == triage_url("retenir", proposal)
    page = secretariat.get(response["Location"]).content.decode()
    assert "Navette en soirée" in page
    assert 'value="p2"' in page  # the next free code, suggested


def test_admin_accepts_a_proposal_under_the_chosen_measure(secretariat, setting):
    proposal = setting["proposal"]
    prefix = f"p{proposal.pk}"
    response = secretariat.post(
        triage_url("retenir", proposal),
        {
            f"{prefix}-measure": setting["measure"].pk,
            f"{prefix}-code": "p7",
            f"{prefix}-priority": "1",
            "reason": "Retenue en plénum.",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETAINED
    assert (proposal.project.code, proposal.project.priority) == ("p7", 1)
    assert proposal.reason == "Retenue en plénum."
    # The project's admin page shows the proposal it comes from (read only).
    page = secretariat.get(
        reverse("admin:projects_project_change", args=[proposal.project.pk])
    ).content.decode()
    assert "Propositions d&#x27;origine" in page or "Propositions d'origine" in page
    assert "Navette en soirée" in page


def test_admin_accept_with_bad_input_saves_nothing_and_says_why(secretariat, setting):
    first = setting["proposal"]
    second = ProposalFactory(strategy=setting["strategy"], title="Deuxième")
    data = {}
    for proposal in (first, second):
        data |= {
            f"p{proposal.pk}-measure": setting["measure"].pk,
            f"p{proposal.pk}-code": "p5",  # the same code twice
            f"p{proposal.pk}-priority": "2",
        }
    response = secretariat.post(triage_url("retenir", first, second), data)
    assert response.status_code == 200
    assert "Ce code est donné à deux projets." in response.content.decode()
    data[f"p{second.pk}-code"] = "p1"  # already a project
    response = secretariat.post(triage_url("retenir", first, second), data)
    assert "Ce code de projet est déjà utilisé dans la stratégie." in response.content.decode()
    assert Project.objects.count() == 1
    assert set(Proposal.objects.values_list("status", flat=True)) == {"new"}


def test_admin_accept_refuses_codes_that_differ_only_by_case(secretariat, setting):
    first = setting["proposal"]
    second = ProposalFactory(strategy=setting["strategy"], title="Deuxième")
    data = {}
    for proposal, code in ((first, "p5"), (second, "P5")):
        data |= {
            f"p{proposal.pk}-measure": setting["measure"].pk,
            f"p{proposal.pk}-code": code,
            f"p{proposal.pk}-priority": "2",
        }
    response = secretariat.post(triage_url("retenir", first, second), data)
    assert "Ce code est donné à deux projets." in response.content.decode()
    data[f"p{second.pk}-code"] = "P1"  # p1 is a project
    response = secretariat.post(triage_url("retenir", first, second), data)
    assert "Ce code de projet est déjà utilisé dans la stratégie." in response.content.decode()
    assert Project.objects.count() == 1
    assert set(Proposal.objects.values_list("status", flat=True)) == {"new"}


def test_admin_merges_proposals_into_a_project(secretariat, setting):
    proposal = setting["proposal"]
    response = secretariat.post(
        triage_url("fusionner", proposal),
        {"target": f"project:{setting['project'].pk}", "reason": "Doublon"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into_project) == ("merged", setting["project"])


def test_admin_merge_into_another_strategys_project_is_refused(secretariat, setting):
    proposal = setting["proposal"]
    foreign = ProjectFactory()
    response = secretariat.post(
        triage_url("fusionner", proposal), {"target": f"project:{foreign.pk}"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.NEW


def test_admin_sets_aside_with_a_reason_only(secretariat, setting):
    proposal = setting["proposal"]
    response = secretariat.post(triage_url("ecarter", proposal), {"reason": ""})
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.NEW
    response = secretariat.post(triage_url("ecarter", proposal), {"reason": "Hors SDI"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SET_ASIDE


def test_triaged_proposals_are_left_out_of_a_triage(secretariat, setting):
    proposal = setting["proposal"]
    set_aside_proposal(proposal, "Non")
    response = secretariat.get(triage_url("retenir", proposal))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:prioritisation_proposal_changelist")


def test_a_commission_member_cannot_triage(client, setting):
    viewer = UserFactory()
    MembershipFactory(user=viewer, territory=setting["strategy"].territory, role="viewer")
    client.force_login(viewer)
    response = client.get(triage_url("retenir", setting["proposal"]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = client.post(triage_url("ecarter", setting["proposal"]), {"reason": "x"})
    assert Proposal.objects.get(pk=setting["proposal"].pk).status == Proposal.Status.NEW


def test_staff_without_the_permission_gets_403(client, setting):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, territory=setting["strategy"].territory, role="editor")
    user.user_permissions.add(*Permission.objects.filter(codename="view_proposal"))
    client.force_login(user)
    assert client.get(triage_url("ecarter", setting["proposal"])).status_code == 403


def test_strategy_action_creates_the_elire_criteria_once(secretariat, setting):
    strategy = setting["strategy"]
    url = reverse("admin:strategies_strategy_changelist")
    data = {"action": "create_elire_criteria", "_selected_action": [strategy.pk]}
    secretariat.post(url, data)
    secretariat.post(url, data)
    names = list(Criterion.objects.filter(strategy=strategy).values_list("name", flat=True))
    assert names == [
        "Emploi",  # the fixture's, kept
        "Lien social",
        "Image",
        "Retour économique sur investissement",
        "Environnement",
    ]


def test_criteria_from_a_template_in_the_criteria_admin(secretariat, setting):
    strategy = setting["strategy"]
    url = reverse("admin:prioritisation_criterion_from_template")
    assert secretariat.get(url).status_code == 200
    response = secretariat.post(url, {"strategy": strategy.pk, "template": "rayonnement"})
    assert response.status_code == 302
    assert Criterion.objects.filter(strategy=strategy).count() == 7
    other = StrategyFactory()  # not one of the user's territories
    response = secretariat.post(url, {"strategy": other.pk, "template": "rayonnement"})
    assert response.status_code == 200
    assert not Criterion.objects.filter(strategy=other).exists()
