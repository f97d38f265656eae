"""The ranking rule: best weighted score first, unscored last and unranked; equal (shown) scores
share a rank and are reported as ties; a priority-1 project in the bottom third of the scored rows,
or a priority-3 one in the top third, is flagged for the commission."""

from decimal import Decimal

import pytest

from prioritisation.models import Proposal, with_weighted_score
from prioritisation.ranking import (
    HIGH_PRIORITY_LOW_SCORE,
    LOW_PRIORITY_HIGH_SCORE,
    build_ranking,
)
from projects.models import Project
from tests.factories import (
    CriterionFactory,
    MeasureFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
)


def portfolio(specs, proposals=()):
    """Projects (code, priority, score on a 0–3 criterion or None) and retained proposals
    (title, score); returns the ranking as the cockpit builds it."""
    strategy = StrategyFactory()
    criterion = CriterionFactory(strategy=strategy)
    measure = MeasureFactory(domain__axis__strategy=strategy)
    for code, priority, value in specs:
        project = ProjectFactory(measure=measure, code=code, priority=priority)
        if value is not None:
            ScoreFactory(criterion=criterion, project=project, value=value)
    for title, value in proposals:
        proposal = ProposalFactory(strategy=strategy, title=title, status="retained")
        if value is not None:
            ScoreFactory(criterion=criterion, proposal=proposal, project=None, value=value)
    return build_ranking(
        [criterion],
        with_weighted_score(Project.objects.filter(strategy=strategy)).select_related("axis"),
        Proposal.objects.filter(strategy=strategy).with_weighted_score().select_related("axis"),
    )


def summary(ranking):
    return [(row.code or row.title, row.rank, row.tied, row.disagreement) for row in ranking.rows]


def test_order_ranks_ties_and_unscored_rows(db):
    ranking = portfolio(
        [("p1", 2, 1), ("p2", 2, 3), ("p3", 2, None), ("p4", 2, 3), ("p5", 2, 0)],
        proposals=[("Navette", 2)],
    )
    assert summary(ranking) == [
        ("p2", 1, True, ""),
        ("p4", 1, True, ""),
        ("Navette", 3, False, ""),
        ("p1", 4, False, ""),
        ("p5", 5, False, ""),
        ("p3", None, False, ""),
    ]
    assert [[row.code for row in group] for group in ranking.ties] == [["p2", "p4"]]
    assert ranking.rows[0].rounded == Decimal("100.0")
    assert ranking.rows[0].cells[0].value == 3
    assert ranking.rows[-1].cells == [None]
    assert [row.code for row in ranking.unscored] == ["p3"]


def test_equal_scores_order_by_priority_then_code(db):
    ranking = portfolio([("p10", 2, 2), ("p9", 1, 2), ("p2", 2, 2)])
    assert [row.code for row in ranking.rows] == ["p9", "p2", "p10"]
    assert {row.rank for row in ranking.rows} == {1}


@pytest.mark.parametrize(
    ("specs", "flags"),
    [
        # Six scored rows: thirds of two. p5 (priority 1) is fifth: bottom third.
        (
            [("p1", 3, 3), ("p2", 2, 3), ("p3", 2, 2), ("p4", 2, 2), ("p5", 1, 1), ("p6", 2, 0)],
            {"p1": LOW_PRIORITY_HIGH_SCORE, "p5": HIGH_PRIORITY_LOW_SCORE},
        ),
        # A priority-1 project in the middle third, a priority-3 one in the bottom: no flag.
        (
            [("p1", 2, 3), ("p2", 2, 3), ("p3", 1, 2), ("p4", 3, 1), ("p5", 3, 0), ("p6", 2, 0)],
            {},
        ),
        # Under three scored rows there are no thirds.
        ([("p1", 3, 3), ("p2", 1, 0)], {}),
        # Unscored rows are not in any third.
        ([("p1", 1, None), ("p2", 2, 3), ("p3", 2, 2), ("p4", 3, 1)], {}),
        (
            [("p1", 3, 3), ("p2", 2, 2), ("p3", 1, 0), ("p4", 1, None)],
            {"p1": LOW_PRIORITY_HIGH_SCORE, "p3": HIGH_PRIORITY_LOW_SCORE},
        ),
    ],
)
def test_priority_and_score_disagreements(db, specs, flags):
    ranking = portfolio(specs)
    assert {row.code: row.disagreement for row in ranking.disagreements} == flags


def test_proposals_are_never_flagged(db):
    ranking = portfolio([("p1", 2, 3), ("p2", 2, 2)], proposals=[("A", 0), ("B", 3)])
    assert ranking.disagreements == []
    assert [row.is_project for row in ranking.rows] == [True, False, True, False]
