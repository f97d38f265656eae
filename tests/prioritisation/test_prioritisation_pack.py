"""The Excel pack gains a "Propositions" sheet and a "Priorisation" sheet when the strategy has
proposals and criteria: opened back with openpyxl, they hold the proposals and what became of
them, and the ranking with its per-criterion scores, ties and disagreements; text never becomes a
formula; they follow the pack's filters; a constant number of queries."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prioritisation.models import Proposal
from strategies.models import Axis
from tests.factories import (
    CriterionFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
    UserFactory,
)
from workshops.models import Workshop


def open_pack(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def pack_url(strategy, query: str = "") -> str:
    return reverse("cockpit:pack", args=[strategy.pk]) + query


def header(ws) -> list:
    return [cell.value for cell in ws[1]]


def rows_by(ws, column: str) -> dict:
    """Each data row as a dict of its headers, keyed by the value in ``column``."""
    names = header(ws)
    index = names.index(column)
    rows = {}
    for values in ws.iter_rows(min_row=2, values_only=True):
        if values[index] is None and values[2] is None:
            break  # the notes below the table
        rows[values[index]] = dict(zip(names, values, strict=True))
    return rows


@pytest.fixture
def pack(member_client, demo) -> openpyxl.Workbook:
    return open_pack(member_client.get(pack_url(demo)))


def test_pack_ends_with_the_two_sheets(pack):
    assert pack.sheetnames[-2:] == ["Propositions", "Priorisation"]


def test_priorisation_sheet_ranks_with_scores_ties_and_disagreements(pack):
    ws = pack["Priorisation"]
    assert header(ws) == [
        "Rang",
        "Code",
        "Projet ou proposition",
        "Type",
        "Axe",
        "Priorité",
        "Budget prévu",
        "Emploi (0–3, ×2)",
        "Lien social (0–3)",
        "Image (0–3)",
        "Retour économique sur investissement (0–3, ×2)",
        "Environnement (0–3, ×2)",
        "Note pondérée (sur 100)",
        "Critères notés",
        "Ex æquo",
        "Priorité et note",
    ]
    assert [ws.cell(row=row, column=2).value for row in range(2, 7)] == [
        "p19",
        "p24",
        "p1",
        "p11",
        "p12",
    ]
    rows = rows_by(ws, "Projet ou proposition")
    p19 = rows["Application mobile des usagers"]
    assert (p19["Rang"], p19["Priorité"], p19["Budget prévu"]) == (1, 3, 150000)
    assert p19["Note pondérée (sur 100)"] == 87.5
    assert p19["Priorité et note"] == "priorité 3, mais dans le premier tiers"
    assert ws["M2"].number_format == "0.0"
    assert ws["G2"].number_format == '#,##0 "CHF"'
    assert ws["P2"].fill.fgColor.rgb.endswith("FFEB9C")
    p24 = rows["Guichet entreprises intercommunal"]
    assert (p24["Environnement (0–3, ×2)"], p24["Critères notés"]) == (None, "4/5")
    assert rows["Chauffage à distance"]["Ex æquo"] == "oui"
    assert rows["Chauffage à distance"]["Rang"] == rows["Récolte de bois intensifiée"]["Rang"] == 4
    retained = rows["Réseau de chaleur au bois des forêts communales"]
    assert (retained["Type"], retained["Code"], retained["Axe"]) == ("proposition retenue", None, 2)
    unscored = rows["Centre de congrès Le Régent"]
    assert (unscored["Rang"], unscored["Critères notés"]) == (None, "0/5")
    assert "Résidence pour saisonniers" not in rows  # abandoned
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:P{len(rows) + 1}"
    notes = [ws.cell(row=row, column=1).value for row in range(len(rows) + 2, ws.max_row + 1)]
    assert "Ex æquo (75,0 sur 100, rang 4) : p11, p12." in notes
    assert any(str(note).startswith("À discuter : p20 – Révision") for note in notes)


def test_weighted_scores_carry_a_data_bar_out_of_100(pack):
    ws = pack["Priorisation"]
    bars = [
        rule.dataBar
        for formatting in ws.conditional_formatting
        for rule in formatting.rules
        if rule.type == "dataBar"
    ]
    assert [(bar.cfvo[0].val, bar.cfvo[1].val) for bar in bars] == [(0, 100)]


def test_propositions_sheet_lists_the_proposals_and_their_outcome(pack, demo):
    ws = pack["Propositions"]
    assert header(ws)[:9] == [
        "Atelier",
        "Déposée le",
        "Axe",
        "Proposition",
        "Description",
        "Proposée par",
        "Communes",
        "Statut",
        "Suite donnée",
    ]
    rows = rows_by(ws, "Proposition")
    assert len(rows) == Proposal.objects.filter(strategy=demo).count()
    held = Workshop.objects.get(strategy=demo, number=3)
    merged = rows["Parkings d'échange à l'entrée du Haut-Plateau"]
    assert merged["Atelier"] == f"Atelier 3 du {held.date:%d.%m.%Y}"
    assert merged["Statut"] == "fusionnée"
    assert merged["Suite donnée"] == "Fusionnée dans le projet p1 – Plan sectoriel de la mobilité"
    joker = rows["Label « Commune en santé » pour les trois communes"]
    assert (joker["Axe"], joker["Communes"]) == (
        "Joker (autres domaines)",
        "Crans-Montana, Icogne, Lens",
    )
    navette = rows["Navette intercommunale en soirée"]
    assert (navette["Note pondérée (sur 100)"], navette["Critères notés"]) == (58.3, "5/5")
    set_aside = rows["Fête intercommunale annuelle"]
    assert set_aside["Motif"].startswith("Relève des sociétés locales")
    assert ws.cell(row=2, column=2).number_format == "DD.MM.YYYY HH:MM"


def test_user_text_never_becomes_a_formula(member_client, demo):
    ProposalFactory(
        strategy=demo,
        title='=HYPERLINK("http://evil.example","clic")',
        proposed_by="@Groupe",
        description="-2+3",
    )
    ws = open_pack(member_client.get(pack_url(demo)))["Propositions"]
    for row in ws.iter_rows(min_row=2):
        if row[3].value == '=HYPERLINK("http://evil.example","clic")':
            assert (row[3].data_type, row[3].quotePrefix) == ("s", True)
            assert (row[4].value, row[4].data_type) == ("-2+3", "s")
            assert (row[5].value, row[5].data_type) == ("@Groupe", "s")
            break
    else:
        raise AssertionError("the proposal is missing")


def test_filtered_pack_keeps_the_axis_projects_and_proposals(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    pack = open_pack(member_client.get(pack_url(demo, f"?axis={axis.pk}")))
    ranked = rows_by(pack["Priorisation"], "Projet ou proposition")
    assert {row["Axe"] for row in ranked.values()} == {2}
    assert "Réseau de chaleur au bois des forêts communales" in ranked
    proposals = rows_by(pack["Propositions"], "Proposition")
    assert {row["Axe"] for row in proposals.values()} == {"Axe 2 : Ressources naturelles"}


def test_workshop_pack_has_both_sheets(member_client, demo):
    workshop = Workshop.objects.get(strategy=demo, number=4)
    url = reverse("cockpit:workshop_pack", args=[demo.pk, workshop.pk])
    pack = open_pack(member_client.get(url))
    assert pack.sheetnames[-4:] == ["Changements", "Décisions", "Propositions", "Priorisation"]
    assert pack["Priorisation"].oddFooter.left.text == (f"État au {timezone.localdate():%d.%m.%Y}")


def test_no_sheets_without_proposals_or_criteria(client, db):
    membership = MembershipFactory()
    strategy = StrategyFactory(territory=membership.territory)
    ProjectFactory(measure=MeasureFactory(domain__axis__strategy=strategy))
    client.force_login(membership.user)
    names = open_pack(client.get(pack_url(strategy))).sheetnames
    assert "Propositions" not in names and "Priorisation" not in names
    CriterionFactory(strategy=strategy)
    names = open_pack(client.get(pack_url(strategy))).sheetnames
    assert names[-1] == "Priorisation" and "Propositions" not in names


def prioritised_strategy(user, n_projects: int):
    strategy = StrategyFactory()
    MembershipFactory(user=user, territory=strategy.territory)
    criteria = [CriterionFactory(strategy=strategy) for _ in range(3)]
    measure = MeasureFactory(domain__axis__strategy=strategy)
    for index in range(n_projects):
        project = ProjectFactory(measure=measure)
        ScoreFactory(criterion=criteria[index % 3], project=project, value=index % 4)
    for index in range(n_projects // 2):
        proposal = ProposalFactory(strategy=strategy, status="retained" if index % 2 else "new")
        ScoreFactory(criterion=criteria[0], proposal=proposal, project=None, value=1)
    return strategy


def test_pack_queries_do_not_grow_with_projects_and_proposals(client, db):
    user = UserFactory()
    client.force_login(user)
    counts = []
    for size in (6, 60):
        strategy = prioritised_strategy(user, size)
        client.get(pack_url(strategy))  # warm-up
        with CaptureQueriesContext(connection) as queries:
            pack = open_pack(client.get(pack_url(strategy)))
        assert pack["Propositions"].max_row == 1 + size // 2
        counts.append(len(queries))
    assert counts[0] == counts[1]
