"""The weighted score of a project or a proposal: a weighted mean of its scores brought to 0–100
on each criterion's scale, over the scored criteria only (with a visible count), computed the same
way by the database (for ranking) and in Python; scales, weights and targets guarded by the
database and by validation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from prioritisation.criteria import CRITERIA_TEMPLATES
from prioritisation.models import (
    Criterion,
    Proposal,
    Score,
    annotated_weighted_score,
    ranked,
    weighted_score_of,
    with_weighted_score,
)
from prioritisation.scoring import WeightedScore
from projects.models import Project
from tests.factories import (
    CriterionFactory,
    MeasureFactory,
    ProjectFactory,
    ProposalFactory,
    ScoreFactory,
    StrategyFactory,
)

D = Decimal

# (criteria as (weight, scale_min, scale_max), values (None: not scored), expected, scored/total)
CASES = {
    "one criterion at the top of its scale": ([("1", 0, 3)], [3], D("100.0"), (1, 1)),
    "one criterion at the bottom": ([("1", 0, 3)], [0], D("0.0"), (1, 1)),
    "equal weights average": ([("1", 0, 3), ("1", 0, 3)], [3, 0], D("50.0"), (2, 2)),
    "weight 2 counts twice": ([("2", 0, 3), ("1", 0, 3)], [3, 0], D("66.7"), (2, 2)),
    "decimal weights": ([("0.5", 0, 3), ("1.5", 0, 3)], [0, 3], D("75.0"), (2, 2)),
    "third of a scale": ([("1", 0, 3)], [1], D("33.3"), (1, 1)),
    "unscored criterion left out of the mean": (
        [("1", 0, 3), ("1", 0, 3), ("5", 0, 3)],
        [3, 3, None],
        D("100.0"),
        (2, 3),
    ),
    "nothing scored": ([("1", 0, 3), ("1", 0, 3)], [None, None], None, (0, 2)),
    "different scales are normalised": ([("1", 0, 3), ("1", 1, 5)], [2, 5], D("83.3"), (2, 2)),
    "negative scale": ([("1", -2, 2)], [0], D("50.0"), (1, 1)),
    "five ELIRE dimensions, two missing": (
        [("2", 0, 3), ("1", 0, 3), ("1", 0, 3), ("2", 0, 3), ("2", 0, 3)],
        [3, None, 2, None, 1],
        D("66.7"),  # (2·1 + 1·⅔ + 2·⅓) / 5 = 0.6667
        (3, 5),
    ),
}


def build_case(criteria_specs, values, *, on_proposal: bool = False):
    strategy = StrategyFactory()
    criteria = [
        CriterionFactory(strategy=strategy, weight=D(weight), scale_min=low, scale_max=high)
        for weight, low, high in criteria_specs
    ]
    if on_proposal:
        target = ProposalFactory(strategy=strategy)
        kwargs = {"proposal": target, "project": None}
    else:
        target = ProjectFactory(measure=MeasureFactory(domain__axis__strategy=strategy))
        kwargs = {"project": target}
    for criterion, value in zip(criteria, values, strict=True):
        if value is not None:
            ScoreFactory(criterion=criterion, value=value, **kwargs)
    return target


@pytest.mark.parametrize("on_proposal", [False, True], ids=["project", "proposal"])
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_weighted_score_table(db, case, on_proposal):
    criteria_specs, values, expected, (scored, total) = case
    target = build_case(criteria_specs, values, on_proposal=on_proposal)

    in_python = weighted_score_of(target)
    model = Proposal if on_proposal else Project
    annotated = annotated_weighted_score(with_weighted_score(model.objects.all()).get(pk=target.pk))

    for score in (in_python, annotated):
        assert score.rounded == expected
        assert (score.scored, score.total) == (scored, total)
        assert score.coverage == f"{scored}/{total} critères notés"
    if expected is not None:
        assert annotated.value == pytest.approx(in_python.value)


def test_weighted_score_of_criteria_and_values_without_database():
    criteria = [
        Criterion(pk=1, weight=D(2), scale_min=0, scale_max=3),
        Criterion(pk=2, weight=D(1), scale_min=1, scale_max=5),
        Criterion(pk=3, weight=D(1), scale_min=0, scale_max=3),
    ]
    score = WeightedScore.of(criteria, {1: 3, 2: 1})
    assert score.rounded == D("66.7")  # (2·1 + 1·0) / 3
    assert (score.scored, score.total, score.is_complete) == (2, 3, False)
    assert WeightedScore.of(criteria, {}).value is None
    assert WeightedScore.of([], {}).coverage == "0/0 critères notés"


def test_ranked_orders_by_weighted_score_with_unscored_last(db):
    strategy = StrategyFactory()
    criterion = CriterionFactory(strategy=strategy)
    measure = MeasureFactory(domain__axis__strategy=strategy)
    low, unscored, high = (ProjectFactory(measure=measure) for _ in range(3))
    ScoreFactory(criterion=criterion, project=low, value=1)
    ScoreFactory(criterion=criterion, project=high, value=3)
    order = list(ranked(with_weighted_score(Project.objects.all())).values_list("pk", flat=True))
    assert order == [high.pk, low.pk, unscored.pk]


def test_scores_of_another_strategys_criterion_are_ignored_by_the_annotation(db):
    project = ScoreFactory(value=3).project
    foreign = CriterionFactory()  # another strategy
    Score.objects.bulk_create([Score(criterion=foreign, project=project, value=0)])
    annotated = with_weighted_score(Project.objects.all()).get(pk=project.pk)
    assert (annotated.weighted_score, annotated.n_scored, annotated.n_criteria) == (100.0, 1, 1)


# --- Scale bounds, weights and targets ----------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 4])
def test_a_score_outside_its_criterions_scale_is_rejected(db, value):
    criterion = CriterionFactory(name="Emploi")
    project = ProjectFactory(measure=MeasureFactory(domain__axis__strategy=criterion.strategy))
    score = Score(criterion=criterion, project=project, value=value)
    with pytest.raises(ValidationError) as error:
        score.full_clean()
    assert error.value.message_dict["value"] == [
        f"La note « Emploi » va de 0 à 3 ; {value} n'est pas admis."
    ]
    with pytest.raises(ValidationError):
        score.save()  # not only forms: every save
    assert not Score.objects.exists()


@pytest.mark.parametrize("value", [0, 3])
def test_the_ends_of_the_scale_are_accepted(db, value):
    score = ScoreFactory.build(
        criterion=CriterionFactory(), project=None, proposal=None, value=value
    )
    score.project = ProjectFactory(
        measure=MeasureFactory(domain__axis__strategy=score.criterion.strategy)
    )
    score.full_clean()
    score.save()
    assert Score.objects.get().value == value


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"weight": D(0)}, "criterion_weight_positive"),
        ({"weight": D("-1")}, "criterion_weight_positive"),
        ({"scale_min": 3, "scale_max": 3}, "criterion_scale_ordered"),
        ({"scale_min": 5, "scale_max": 1}, "criterion_scale_ordered"),
    ],
)
def test_database_refuses_a_null_weight_or_an_empty_scale(db, fields, constraint):
    strategy = StrategyFactory()
    criterion = Criterion(strategy=strategy, name="Emploi", **fields)
    with pytest.raises(ValidationError):
        criterion.full_clean()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Criterion.objects.bulk_create([criterion])
    assert constraint in str(error.value) or "CHECK" in str(error.value).upper()


def test_database_refuses_a_score_of_both_or_neither_target(db):
    criterion = CriterionFactory()
    project = ProjectFactory(measure=MeasureFactory(domain__axis__strategy=criterion.strategy))
    proposal = ProposalFactory(strategy=criterion.strategy)
    for kwargs in ({"project": project, "proposal": proposal}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.bulk_create([Score(criterion=criterion, value=1, **kwargs)])
    with pytest.raises(ValidationError) as error:
        Score(criterion=criterion, value=1, project=project, proposal=proposal).full_clean()
    assert "soit sur un projet, soit sur une proposition" in str(error.value)


def test_one_score_per_criterion_and_target(db):
    score = ScoreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.bulk_create(
            [Score(criterion=score.criterion, project=score.project, value=0)]
        )
    duplicate = Score(criterion=score.criterion, project=score.project, value=0)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "déjà une note pour ce critère" in str(error.value)


def test_a_criterion_of_another_strategy_is_refused(db):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        Score(criterion=CriterionFactory(), project=project, value=1).full_clean()
    assert error.value.message_dict["criterion"] == ["Ce critère appartient à une autre stratégie."]


def test_narrowing_a_scale_below_existing_scores_is_refused(db):
    score = ScoreFactory(value=3)
    criterion = score.criterion
    criterion.scale_max = 2
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "1 note existante sortirait de cette échelle" in str(error.value)
    criterion.scale_max = 5
    criterion.full_clean()


# --- Templates ----------------------------------------------------------------------------------


def test_elire_template_creates_its_five_dimensions_once(db):
    strategy = StrategyFactory()
    created = Criterion.objects.create_from_template(strategy, "elire")
    assert [c.name for c in created] == [
        "Emploi",
        "Lien social",
        "Image",
        "Retour économique sur investissement",
        "Environnement",
    ]
    assert all((c.scale_min, c.scale_max, c.weight) == (0, 3, D(1)) for c in created)
    assert Criterion.objects.create_from_template(strategy, "elire") == []
    assert Criterion.objects.filter(strategy=strategy).count() == 5


def test_rayonnement_template_adds_after_existing_criteria_and_keeps_edits(db):
    strategy = StrategyFactory()
    Criterion.objects.create_from_template(strategy, "elire")
    Criterion.objects.filter(strategy=strategy, name="Emploi").update(weight=D(3))
    created = Criterion.objects.create_from_template(strategy, "rayonnement")
    assert [c.name for c in created] == [
        str(s.name) for s in CRITERIA_TEMPLATES["rayonnement"].criteria
    ]
    assert "Nombre de communes concernées" in [c.name for c in created]
    names = list(Criterion.objects.filter(strategy=strategy).values_list("name", flat=True))
    assert names[:5] == [str(s.name) for s in CRITERIA_TEMPLATES["elire"].criteria]
    assert Criterion.objects.get(strategy=strategy, name="Emploi").weight == D(3)
    Criterion.objects.create_from_template(strategy, "elire")
    assert Criterion.objects.filter(strategy=strategy).count() == 11
