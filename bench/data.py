"""Synthetic strategies of any size, bulk-created in a few seconds.

The proportions follow the issue: at 10,000 projects, 500 indicators and 100,000 indicator values;
measures hold ten projects each on average, five measures make a domain, axes go from 4 to 10. The
data are deterministic (a seeded generator per size) and varied: every project status and mark,
dates around today, priorities, leads, communes, themes, fundings; increasing, decreasing and
range indicators with weekly values, achieved, on track or off track. The first strategic
indicator (the one the bench's indicator page shows) has ``DENSE_VALUES`` weekly values at any size.
Two workshops, the last one with ``PROPOSALS`` proposals. The prioritisation is in use: five
criteria (one weighted double), and ``Scale.scored`` projects (every one up to 1,000, then 1,000)
scored on most of them, so that the ranking and the scoring grid show realistic rows.

Rows are written with ``bulk_create``: no ``save()``, so no history rows, except the first
project's ``HISTORY_ROWS`` (bulk-created too), so that its page shows a long journal (the pack of
a past workshop, which reads the history, is not measured).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue
from prioritisation.models import Criterion, Proposal, Score
from projects.models import Funding, Project
from strategies.models import (
    Axis,
    Commune,
    Domain,
    Measure,
    Membership,
    Strategy,
    Territory,
    Theme,
)
from workshops.models import Workshop

BATCH = 2000
#: Values of the first indicator, whatever the size: the indicator page is measured at this many.
DENSE_VALUES = 2000
#: History rows of the first project, whatever the size: its page's journal is that long.
HISTORY_ROWS = 1000
#: Proposals made at the bench's last workshop.
PROPOSALS = 30
#: The criteria of the ranking: (name, weight).
CRITERIA = (
    ("Emploi", Decimal(2)),
    ("Lien social", Decimal(1)),
    ("Image", Decimal(1)),
    ("Retour économique", Decimal(1)),
    ("Environnement", Decimal(1)),
)

STATUSES = (
    [Project.Status.PLANNED] * 20
    + [Project.Status.IN_PROGRESS] * 45
    + [Project.Status.DONE] * 20
    + [Project.Status.PAUSED] * 5
    + [Project.Status.BLOCKED] * 5
    + [Project.Status.ABANDONED] * 5
)
WORKS = (
    "Réfection du chemin",
    "Étude de faisabilité pour",
    "Aménagement de la place de",
    "Rénovation énergétique de l'école de",
    "Signalétique touristique de",
    "Plan de mobilité douce de",
    "Assainissement du réseau d'eau de",
    "Création d'un espace de coworking à",
    "Valorisation des alpages de",
    "Soutien aux commerces de",
)
PLACES = ("Lens", "Icogne", "Chermignon", "Montana", "Randogne", "Mollens", "Aminona", "Vermala")
THEMES = (
    "Digitalisation",
    "Développement durable",
    "Climat",
    "Jeunesse",
    "Tourisme quatre saisons",
    "Collaboration intercommunale",
)
FUNDERS = ("Canton du Valais", "Confédération (NPR)", "Loterie romande", "Communes", "Privés")


@dataclass(frozen=True)
class Scale:
    """How many of each row a strategy of ``projects`` projects holds."""

    projects: int

    @property
    def axes(self) -> int:
        return min(10, max(4, self.projects // 1000))

    @property
    def measures(self) -> int:
        return max(self.axes, self.projects // 10)

    @property
    def domains(self) -> int:
        return max(self.axes, self.measures // 5)

    @property
    def indicators(self) -> int:
        return max(2 * self.axes, self.projects // 20)

    @property
    def values(self) -> int:
        return 10 * self.projects

    @property
    def communes(self) -> int:
        return min(40, max(3, self.projects // 250))

    @property
    def scored(self) -> int:
        """Projects with scores: all of them up to 1,000, then 1,000."""
        return min(self.projects, 1000)

    @property
    def leads(self) -> int:
        return min(60, max(4, self.projects // 100))


@dataclass
class BenchStrategy:
    strategy: Strategy
    scale: Scale
    viewer: AbstractBaseUser
    editor: AbstractBaseUser


def _user(username: str, *, staff: bool, password: str | None) -> AbstractBaseUser:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username, is_staff=staff, is_superuser=staff)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    return user


def build_strategy(
    projects: int,
    *,
    territory: Territory | None = None,
    label: str = "",
    password: str | None = None,
    today: datetime.date | None = None,
) -> BenchStrategy:
    """A strategy of ``projects`` projects with everything proportional (see ``Scale``), in a new
    territory unless one is given, with a viewer (commission member) and a superuser editor."""
    scale = Scale(projects)
    today = today or timezone.localdate()
    rng = random.Random(projects)
    label = label or f"{projects}"
    with transaction.atomic():
        if territory is None:
            territory = Territory.objects.create(
                name=f"Banc d'essai {label}", slug=f"banc-essai-{label}"[:80]
            )
        communes = Commune.objects.bulk_create(
            Commune(territory=territory, name=f"Commune {label}-{index + 1}")
            for index in range(scale.communes)
        )
        strategy = Strategy.objects.create(
            territory=territory,
            title=f"Stratégie de banc d'essai à {projects} projets",
            short_name=f"BANC{label}"[:30],
            start_year=today.year - 4,
            horizon_year=today.year + 6,
            vision="Une région attractive, solidaire et durable, mesurée projet par projet.",
            finality="Faire de la région une référence en matière de développement durable.",
            general_objective="Les habitants et les entreprises trouvent ici ce qu'il leur faut.",
            phase=Strategy.Phase.MONITORING,
        )
        themes = Theme.objects.bulk_create(Theme(strategy=strategy, name=name) for name in THEMES)
        axes = Axis.objects.bulk_create(
            Axis(
                strategy=strategy,
                number=number,
                title=f"Axe thématique {number}",
                strategic_objective=f"L'objectif stratégique de l'axe {number} est atteint.",
            )
            for number in range(1, scale.axes + 1)
        )
        domains = Domain.objects.bulk_create(
            Domain(axis=axes[index % scale.axes], title=f"Domaine {index + 1}", order=index)
            for index in range(scale.domains)
        )
        measures = Measure.objects.bulk_create(
            (
                Measure(
                    strategy=strategy,
                    domain=domains[index % scale.domains],
                    axis_id=domains[index % scale.domains].axis_id,
                    code=f"m{index + 1}",
                    objective_code=f"o{index + 1}",
                    title=f"Mesure {index + 1} : {rng.choice(WORKS).lower()} {rng.choice(PLACES)}",
                    operational_objective="Les équipements répondent aux besoins en 2030.",
                    lead=f"Service {index % 7 + 1}",
                    partners="Communes, Canton",
                    resources="0,2 EPT, budget ordinaire",
                    outputs="Un plan adopté, des travaux réalisés.",
                    order=index,
                )
                for index in range(scale.measures)
            ),
            batch_size=BATCH,
        )
        Measure.themes.through.objects.bulk_create(
            Measure.themes.through(measure_id=measure.pk, theme_id=themes[index % 6].pk)
            for index, measure in enumerate(measures)
        )
        project_rows = Project.objects.bulk_create(
            (_project(strategy, measures, index, rng, today, scale) for index in range(projects)),
            batch_size=BATCH,
        )
        Project.communes.through.objects.bulk_create(
            (
                Project.communes.through(project_id=project.pk, commune_id=commune.pk)
                for index, project in enumerate(project_rows)
                for commune in {communes[index % len(communes)], rng.choice(communes)}
            ),
            batch_size=BATCH,
        )
        Project.themes.through.objects.bulk_create(
            (
                Project.themes.through(project_id=project.pk, theme_id=themes[index % 6].pk)
                for index, project in enumerate(project_rows)
            ),
            batch_size=BATCH,
        )
        Funding.objects.bulk_create(
            (
                Funding(
                    project=project,
                    funder=FUNDERS[index % len(FUNDERS)],
                    amount=Decimal(rng.randrange(5, 500) * 1000),
                    secured=index % 3 != 0,
                )
                for index, project in enumerate(project_rows)
                if index % 2 == 0
            ),
            batch_size=BATCH,
        )
        indicators = Indicator.objects.bulk_create(
            (
                _indicator(strategy, axes, measures, index, today)
                for index in range(scale.indicators)
            ),
            batch_size=BATCH,
        )
        per_indicator = scale.values // len(indicators)
        steps = [DENSE_VALUES if index == 0 else per_indicator for index in range(len(indicators))]
        IndicatorValue.objects.bulk_create(
            (
                IndicatorValue(
                    indicator=indicator,
                    date=today - datetime.timedelta(days=7 * (count - step)),
                    value=_value(indicator, step, count, rng),
                    source="Office cantonal de la statistique" if step % 4 == 0 else "",
                )
                for indicator, count in zip(indicators, steps, strict=True)
                for step in range(count)
            ),
            batch_size=BATCH,
        )
        viewer = _user(f"banc-{label}-membre", staff=False, password=password)
        editor = _user(f"banc-{label}-secretariat", staff=True, password=password)
        _scores(strategy, project_rows[: scale.scored], rng, editor)
        _history(project_rows[0], editor, today)
        _creations(project_rows[1:], editor)
        _workshops_and_proposals(strategy, axes, today)
        Membership.objects.bulk_create(
            [
                Membership(user=viewer, territory=territory, role=Membership.Role.VIEWER),
                Membership(user=editor, territory=territory, role=Membership.Role.EDITOR),
            ],
            ignore_conflicts=True,
        )
    return BenchStrategy(strategy, scale, viewer, editor)


def _project(strategy, measures, index: int, rng: random.Random, today, scale: Scale) -> Project:
    start = today + datetime.timedelta(days=rng.randrange(-1500, 200))
    end = start + datetime.timedelta(days=rng.randrange(60, 1500))
    status = rng.choice(STATUSES)
    progress = {Project.Status.DONE: 100, Project.Status.PLANNED: 0}.get(
        status, rng.choice([None, 10, 25, 40, 60, 80])
    )
    planned = Decimal(rng.randrange(10, 2000) * 1000)
    return Project(
        strategy=strategy,
        measure=measures[index % len(measures)],
        axis_id=measures[index % len(measures)].axis_id,
        code=f"p{index + 1}",
        title=f"{rng.choice(WORKS)} {rng.choice(PLACES)} ({index + 1})",
        description="Description du projet, de ses étapes et de ses effets attendus." * (index % 3),
        priority=index % 3 + 1,
        lead=f"Porteur {index % scale.leads + 1}",
        partners="Canton, associations" if index % 4 == 0 else "",
        start_date=start,
        end_date=end,
        status=status,
        progress=progress,
        budget_planned=planned,
        budget_spent=(planned * Decimal(progress or 0) / 100).quantize(Decimal("1")),
        budget_kind=Project.BudgetKind.INVESTMENT if index % 2 else Project.BudgetKind.OPERATING,
    )


def _indicator(strategy, axes, measures, index: int, today) -> Indicator:
    strategic = index % 2 == 0
    kind = index % 5
    fields = {
        "direction": Indicator.Direction.INCREASE,
        "baseline_value": Decimal(10),
        "target_value": Decimal(100),
    }
    if kind == 3:
        fields = {
            "direction": Indicator.Direction.DECREASE,
            "baseline_value": Decimal(100),
            "target_value": Decimal(20),
        }
    elif kind == 4:
        fields = {
            "direction": Indicator.Direction.RANGE,
            "baseline_value": None,
            "target_value": None,
            "range_min": Decimal(40),
            "range_max": Decimal(60),
        }
    return Indicator(
        strategy=strategy,
        code=f"s{index // 2 + 1}" if strategic else f"i{index // 2 + 1}",
        name=f"Indicateur {index + 1} : part des ménages raccordés",
        unit="%",
        level=Indicator.Level.STRATEGIC if strategic else Indicator.Level.OPERATIONAL,
        axis=axes[(index // 2) % len(axes)] if strategic else None,
        measure=None if strategic else measures[(index // 2 * 7) % len(measures)],
        baseline_date=today.replace(year=today.year - 5, month=1, day=1),
        source="Office cantonal de la statistique",
        **fields,
    )


def _value(indicator: Indicator, step: int, steps: int, rng: random.Random) -> Decimal:
    """A value that moves towards the target, faster for some indicators than for others."""
    pace = int(indicator.code[1:]) % 3 / 2  # 0, ½, 1, in turn along the codes
    share = Decimal(step + 1) / steps * Decimal(str(round(pace + 0.1, 2)))
    if indicator.direction == Indicator.Direction.RANGE:
        base = Decimal(30) + share * 25
    else:
        base = (
            indicator.baseline_value + (indicator.target_value - indicator.baseline_value) * share
        )
    return (base + Decimal(rng.randrange(-20, 20)) / 10).quantize(Decimal("0.01"))


def _scores(strategy, projects, rng: random.Random, editor) -> None:
    """The criteria, and scores of ``projects`` on most of them (some left unscored)."""
    criteria = Criterion.objects.bulk_create(
        Criterion(strategy=strategy, name=name, weight=weight, scale_min=0, scale_max=3, order=n)
        for n, (name, weight) in enumerate(CRITERIA)
    )
    Score.objects.bulk_create(
        (
            Score(
                criterion=criterion,
                project=project,
                value=rng.randrange(0, 4),
                comment="Effet attendu fort sur le village." if index % 7 == 0 else "",
                scored_by=editor,
            )
            for index, project in enumerate(projects)
            for position, criterion in enumerate(criteria)
            if (index + position) % 6  # about one score in six left to give
        ),
        batch_size=BATCH,
    )


def _history(project: Project, editor, today) -> None:
    """``HISTORY_ROWS`` records of ``project``'s history, oldest first: its creation, then a
    change of progress or status every few days, the last one its current state."""
    history = Project.history.model
    tracked = [
        field.attname
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_") and hasattr(project, field.attname)
    ]
    state = {name: getattr(project, name) for name in tracked}
    start = timezone.now() - datetime.timedelta(days=2 * HISTORY_ROWS)
    statuses = (Project.Status.IN_PROGRESS, Project.Status.PAUSED, Project.Status.IN_PROGRESS)
    records = []
    for step in range(HISTORY_ROWS):
        changes = {"progress": step % 101} if step < HISTORY_ROWS - 1 else {}
        if changes and step % 10 == 5:
            changes["status"] = statuses[step // 10 % 3]
        records.append(
            history(
                **{**state, **changes},
                history_date=start + datetime.timedelta(days=2 * step),
                history_type="+" if step == 0 else "~",
                history_user=editor,
                history_change_reason="Mise à jour de l'avancement" if step else "",
            )
        )
    history.objects.bulk_create(records, batch_size=BATCH)


def _creations(projects: list[Project], editor) -> None:
    """The creation record of each other project, long ago, as any project saved through the
    admin or an import has one: a history where every project has its rows, so that
    PostgreSQL's statistics (``ANALYZE``) do not see one project's thousand rows as the whole
    table (it then scanned them for each project: the cockpit at 300 projects took 336 ms)."""
    history = Project.history.model
    if not projects:
        return
    tracked = [
        field.attname
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_") and hasattr(projects[0], field.attname)
    ]
    created = timezone.now() - datetime.timedelta(days=2 * HISTORY_ROWS + 1)
    history.objects.bulk_create(
        (
            history(
                **{name: getattr(project, name) for name in tracked},
                history_date=created,
                history_type="+",
                history_user=editor,
                history_change_reason="",
            )
            for project in projects
        ),
        batch_size=BATCH,
    )


def _workshops_and_proposals(strategy, axes, today) -> None:
    """Two workshops (the last one 30 days after the first, next week) and ``PROPOSALS``
    proposals made at the last one: new, retained, set aside; one in five a « Joker » (no axis),
    the others spread over the axes from the first, so that every axis has some at every size
    (the axis page's queries are then the same at every size)."""
    Workshop.objects.bulk_create(
        Workshop(
            strategy=strategy,
            number=number,
            title=f"Atelier {number} : suivi de la stratégie",
            date=today + datetime.timedelta(days=7 - 30 * (2 - number)),
            place="Salle communale",
            participants="Présidence\nSecrétariat\nCommission",
        )
        for number in (1, 2)
    )
    workshop = Workshop.objects.get(strategy=strategy, number=2)
    statuses = (Proposal.Status.NEW, Proposal.Status.RETAINED, Proposal.Status.SET_ASIDE)
    Proposal.objects.bulk_create(
        Proposal(
            strategy=strategy,
            workshop=workshop,
            axis=None if index % 5 == 4 else axes[(index - index // 5) % len(axes)],
            title=f"{WORKS[index % len(WORKS)]} {PLACES[index % len(PLACES)]} (proposition)",
            proposed_by=f"Groupe {index % 4 + 1}",
            status=statuses[index % 3],
            reason="Déjà couvert par un projet." if index % 3 == 2 else "",
        )
        for index in range(PROPOSALS)
    )
