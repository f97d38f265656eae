"""Projects: the implementation side of the cascade, their cockpit mark, lateness and rollups;
and how they are prioritised: workshop proposals, shared criteria, scores and weighted scores."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from strategies.models import (
    Axis,
    Commune,
    DerivedStrategyMixin,
    Measure,
    Strategy,
    Theme,
    code_validator,
)

#: A project ending within this many days with less than half its progress is flagged "!".
DUE_SOON_DAYS = 30
DUE_SOON_PROGRESS = 50


class Mark(models.TextChoices):
    """The cockpit's "ok" column: ✓ / ! / ✗, abandoned projects apart."""

    OK = "ok", _("✓ dans les temps")
    WARNING = "warning", _("! à surveiller")
    LATE = "ko", _("✗ en retard ou bloqué")
    ABANDONED = "abandoned", _("abandonné")

    @property
    def symbol(self) -> str:
        return {"ok": "✓", "warning": "!", "ko": "✗", "abandoned": "–"}[self.value]


def today() -> datetime.date:
    return timezone.localdate()


class ProjectQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> ProjectQuerySet:
        return self.filter(strategy=strategy)

    def late(self, on: datetime.date | None = None) -> ProjectQuerySet:
        return self.filter(Project.late_q(on or today()))

    def with_mark(self, on: datetime.date | None = None) -> ProjectQuerySet:
        """Annotate ``current_mark`` (a Mark value) and ``currently_late`` (a bool), computed by the
        database with the same rules as ``Project.mark()`` and ``Project.is_late()``."""
        return self.annotate(
            current_mark=Project.mark_expression(on), currently_late=Project.late_expression(on)
        )

    def rollup(self, on: datetime.date | None = None) -> ImplementationRollup:
        """The implementation rollup of these projects, in one query."""
        return ImplementationRollup.from_row(self.order_by().aggregate(**_rollup_aggregates(on)))

    def rollup_by(
        self, key: str, on: datetime.date | None = None
    ) -> dict[int, ImplementationRollup]:
        """One rollup per value of ``key`` (``"measure"``, ``"measure__domain__axis"``)."""
        rows = self.order_by().values(key).annotate(**_rollup_aggregates(on))
        return {row[key]: ImplementationRollup.from_row(row) for row in rows}

    def with_weighted_score(self) -> ProjectQuerySet:
        """Annotate ``weighted_score`` (0–100, None when unscored), ``n_scored`` and
        ``n_criteria`` (see ``score_annotations``); ``ranked(qs)`` orders by it."""
        return self.annotate(**score_annotations("project"))


def _rollup_aggregates(on: datetime.date | None) -> dict:
    mark = Project.mark_expression(on)
    return {
        "n_total": Count("pk"),
        "n_ok": Count("pk", filter=Q(_mark_q(mark, Mark.OK))),
        "n_warning": Count("pk", filter=Q(_mark_q(mark, Mark.WARNING))),
        "n_ko": Count("pk", filter=Q(_mark_q(mark, Mark.LATE))),
        "n_abandoned": Count("pk", filter=Q(status=Project.Status.ABANDONED)),
        "n_done": Count("pk", filter=Q(status=Project.Status.DONE)),
        "n_late": Count("pk", filter=Project.late_q(on or today())),
        "budget_planned": Sum("budget_planned", filter=~Q(status=Project.Status.ABANDONED)),
        "budget_spent": Sum("budget_spent"),
    }


def _mark_q(mark_expression, value: str) -> Q:
    # Count(filter=...) takes a Q; compare the CASE expression with the wanted mark.
    from django.db.models.lookups import Exact

    return Q(Exact(mark_expression, Value(value)))


@dataclass(frozen=True)
class ImplementationRollup:
    """Projects by cockpit mark, share done, late count and budget, for any group of projects.

    Abandoned projects are counted apart and left out of the share done and the planned budget.
    """

    total: int = 0
    ok: int = 0
    warning: int = 0
    late_or_blocked: int = 0
    abandoned: int = 0
    done: int = 0
    late: int = 0
    budget_planned: Decimal = Decimal(0)
    budget_spent: Decimal = Decimal(0)
    marks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict) -> ImplementationRollup:
        counts = {
            "ok": row["n_ok"] or 0,
            "warning": row["n_warning"] or 0,
            "ko": row["n_ko"] or 0,
            "abandoned": row["n_abandoned"] or 0,
        }
        return cls(
            total=row["n_total"] or 0,
            ok=counts["ok"],
            warning=counts["warning"],
            late_or_blocked=counts["ko"],
            abandoned=counts["abandoned"],
            done=row["n_done"] or 0,
            late=row["n_late"] or 0,
            budget_planned=row["budget_planned"] or Decimal(0),
            budget_spent=row["budget_spent"] or Decimal(0),
            marks=counts,
        )

    @classmethod
    def of(cls, projects: list[Project], on: datetime.date) -> ImplementationRollup:
        """The same rollup computed in Python, for projects that are not rows of the table (a
        past state read back from the history). Tested to agree with ``ProjectQuerySet.rollup``."""
        counts = {"ok": 0, "warning": 0, "ko": 0, "abandoned": 0}
        keys = {Mark.OK: "ok", Mark.WARNING: "warning", Mark.LATE: "ko"}
        done = late = 0
        planned = spent = Decimal(0)
        for project in projects:
            mark = project.mark(on)
            if project.status == Project.Status.ABANDONED:
                counts["abandoned"] += 1
            else:
                counts[keys[mark]] += 1
                planned += project.budget_planned or 0
            done += project.status == Project.Status.DONE
            late += project.is_late(on)
            spent += project.budget_spent or 0
        return cls(
            total=len(projects),
            ok=counts["ok"],
            warning=counts["warning"],
            late_or_blocked=counts["ko"],
            abandoned=counts["abandoned"],
            done=done,
            late=late,
            budget_planned=planned,
            budget_spent=spent,
            marks=counts,
        )

    @property
    def active(self) -> int:
        """Projects that count for the share done: all but the abandoned ones."""
        return self.total - self.abandoned

    @property
    def percent_done(self) -> Decimal | None:
        if not self.active:
            return None
        return (Decimal(100) * self.done / self.active).quantize(Decimal("0.1"))

    @property
    def percent_spent(self) -> Decimal | None:
        if not self.budget_planned:
            return None
        return (Decimal(100) * self.budget_spent / self.budget_planned).quantize(Decimal("0.1"))


class Project(DerivedStrategyMixin):
    class Status(models.TextChoices):
        PLANNED = "planned", _("à venir")
        IN_PROGRESS = "in_progress", _("en cours")
        DONE = "done", _("réalisé")
        PAUSED = "paused", _("en pause")
        BLOCKED = "blocked", _("bloqué")
        ABANDONED = "abandoned", _("abandonné")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("1 – haute")
        MEDIUM = 2, _("2 – moyenne")
        LOW = 3, _("3 – basse")

    class BudgetKind(models.TextChoices):
        INVESTMENT = "investment", _("investissement")
        OPERATING = "operating", _("fonctionnement")

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("stratégie"),
        on_delete=models.CASCADE,
        related_name="projects",
        editable=False,
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("mesure"), on_delete=models.PROTECT, related_name="projects"
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=Priority.choices, default=Priority.MEDIUM
    )
    lead = models.CharField(_("qui ?"), max_length=200, blank=True, help_text=_("Le porteur."))
    partners = models.CharField(_("partenaires"), max_length=300, blank=True)
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes concernées"), blank=True, related_name="projects"
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    status_comment = models.TextField(_("commentaire sur le statut"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    budget_planned = models.DecimalField(
        _("budget prévu"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_spent = models.DecimalField(
        _("budget dépensé"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_kind = models.CharField(
        _("nature du budget"), max_length=20, choices=BudgetKind.choices, blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes transversaux"), blank=True, related_name="projects"
    )

    strategy_parent_field = "measure"

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        # Explicit import and export permissions (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("import_project", "Peut importer des projets depuis un tableur"),
            ("export_project", "Peut exporter des projets en tableur"),
        ]
        # p1, p2 … p10, as the seed numbers them (shorter codes first, then by code).
        ordering = ("strategy", Length("code"), "code")
        constraints = [
            models.UniqueConstraint(
                fields=("strategy", "code"),
                name="project_unique_code_per_strategy",
                violation_error_message=_("Ce code de projet est déjà utilisé dans la stratégie."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3),
                name="project_priority_1_to_3",
                violation_error_message=_("La priorité va de 1 (haute) à 3 (basse)."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="project_progress_percent",
                violation_error_message=_("L'avancement est un pourcentage entre 0 et 100."),
            ),
            models.CheckConstraint(
                condition=(Q(budget_planned__isnull=True) | Q(budget_planned__gte=0))
                & (Q(budget_spent__isnull=True) | Q(budget_spent__gte=0)),
                name="project_budgets_not_negative",
                violation_error_message=_("Un budget ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["planned", "in_progress", "done", "paused", "blocked", "abandoned"]
                ),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(budget_kind__in=["", "investment", "operating"]),
                name="project_budget_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def derive_strategy_id(self) -> int | None:
        if not self.measure_id:
            return None
        return (
            Measure.objects.filter(pk=self.measure_id).values_list("strategy_id", flat=True).first()
        )

    # --- Domain rules -------------------------------------------------------------------------

    def is_late(self, on: datetime.date | None = None) -> bool:
        """Late: the end date is past and the project is neither done nor abandoned."""
        on = on or today()
        return (
            self.end_date is not None
            and self.end_date < on
            and self.status not in (self.Status.DONE, self.Status.ABANDONED)
        )

    def is_due_soon(self, on: datetime.date | None = None) -> bool:
        """Ends within 30 days with less than half done (unknown progress counts as not done)."""
        on = on or today()
        return (
            self.end_date is not None
            and on <= self.end_date <= on + datetime.timedelta(days=DUE_SOON_DAYS)
            and (self.progress is None or self.progress < DUE_SOON_PROGRESS)
        )

    def mark(self, on: datetime.date | None = None) -> Mark:
        """The cockpit mark; the same rules as ``mark_expression`` (tested to agree)."""
        if self.status == self.Status.ABANDONED:
            return Mark.ABANDONED
        if self.status == self.Status.DONE:
            return Mark.OK
        if self.status == self.Status.BLOCKED or self.is_late(on):
            return Mark.LATE
        if self.status == self.Status.PAUSED or self.is_due_soon(on):
            return Mark.WARNING
        return Mark.OK

    @staticmethod
    def late_q(on: datetime.date) -> Q:
        return Q(end_date__lt=on) & ~Q(status__in=[Project.Status.DONE, Project.Status.ABANDONED])

    @staticmethod
    def late_expression(on: datetime.date | None = None) -> Case:
        # A CASE, not the bare condition: without an end date the condition is NULL, not false.
        return Case(
            When(Project.late_q(on or today()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )

    @staticmethod
    def mark_expression(on: datetime.date | None = None) -> Case:
        on = on or today()
        soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
        status = Project.Status
        return Case(
            When(status=status.ABANDONED, then=Value(Mark.ABANDONED.value)),
            When(status=status.DONE, then=Value(Mark.OK.value)),
            When(Q(status=status.BLOCKED) | Q(end_date__lt=on), then=Value(Mark.LATE.value)),
            When(
                Q(status=status.PAUSED)
                | (
                    Q(end_date__gte=on, end_date__lte=soon)
                    & (Q(progress__isnull=True) | Q(progress__lt=DUE_SOON_PROGRESS))
                ),
                then=Value(Mark.WARNING.value),
            ),
            default=Value(Mark.OK.value),
            output_field=CharField(),
        )

    def weighted_score(self) -> WeightedScore:
        """The weighted score from the stored scores (two queries: criteria, scores)."""
        return Score.weighted_score_of(self.strategy_id, project=self)


class Funding(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="fundings"
    )
    funder = models.CharField(_("financeur"), max_length=200)
    amount = models.DecimalField(
        _("montant"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    secured = models.BooleanField(_("acquis"), default=False)

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ("project", "-amount")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} – {self.amount}"

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("Un montant ne peut pas être négatif.")})


# --- Proposals, criteria, scores: from workshop proposals to prioritised projects --------------


def score_percent(weights_and_ratios: list[tuple[float, float]]) -> float | None:
    """The weighted mean of normalised scores, on 0–100: Σ wᵢ·rᵢ / Σ wᵢ × 100, where rᵢ is a
    score brought to 0–1 on its criterion's scale. None when nothing is scored."""
    total_weight = sum(weight for weight, _ratio in weights_and_ratios)
    if not weights_and_ratios or not total_weight:
        return None
    return sum(weight * ratio for weight, ratio in weights_and_ratios) * 100.0 / total_weight


def round_score(value: float | None) -> Decimal | None:
    """A weighted score as shown and compared (ties): one decimal, halves rounded up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeightedScore:
    """A project's or a proposal's weighted score (0–100) over its scored criteria, with how many
    of the strategy's criteria are scored. Computed on request, never stored."""

    value: float | None
    scored: int
    total: int

    @property
    def rounded(self) -> Decimal | None:
        return round_score(self.value)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.scored == self.total

    @property
    def coverage(self) -> str:
        """« 3/5 critères notés »."""
        return _("%(scored)s/%(total)s critères notés") % {
            "scored": self.scored,
            "total": self.total,
        }

    @classmethod
    def of(cls, criteria: Iterable[Criterion], values: dict[int, int]) -> WeightedScore:
        """From the strategy's ``criteria`` and the ``values`` given, by criterion id (a
        criterion without a value is left out of the mean and counted as not scored)."""
        criteria = list(criteria)
        pairs = [
            (float(criterion.weight), criterion.ratio(values[criterion.pk]))
            for criterion in criteria
            if values.get(criterion.pk) is not None
        ]
        return cls(score_percent(pairs), len(pairs), len(criteria))


def score_annotations(target: str) -> dict[str, Any]:
    """The ``weighted_score`` (float, 0–100, None when unscored), ``n_scored`` and
    ``n_criteria`` annotations of a project or proposal queryset (``target`` names the score's
    foreign key), as subqueries: no join, no GROUP BY on the outer query, the same rule as
    ``WeightedScore.of``."""
    scores = (
        Score.objects.filter(**{target: OuterRef("pk")}, criterion__strategy=OuterRef("strategy"))
        .order_by()
        .values(target)
    )
    weight = Cast("criterion__weight", FloatField())
    ratio = Cast(F("value") - F("criterion__scale_min"), FloatField()) / Cast(
        F("criterion__scale_max") - F("criterion__scale_min"), FloatField()
    )
    weighted = scores.annotate(weighted=Sum(weight * ratio) * Value(100.0) / Sum(weight)).values(
        "weighted"
    )
    counted = scores.annotate(n=Count("pk")).values("n")
    criteria = (
        Criterion.objects.filter(strategy=OuterRef("strategy"))
        .order_by()
        .values("strategy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "weighted_score": Subquery(weighted, output_field=FloatField()),
        "n_scored": Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        "n_criteria": Coalesce(Subquery(criteria, output_field=IntegerField()), 0),
    }


def annotated_weighted_score(obj: models.Model) -> WeightedScore:
    """The ``WeightedScore`` of a row annotated by ``with_weighted_score()``."""
    return WeightedScore(obj.weighted_score, obj.n_scored, obj.n_criteria)


def ranked(queryset: models.QuerySet) -> models.QuerySet:
    """Best weighted score first, unscored last."""
    return queryset.order_by(F("weighted_score").desc(nulls_last=True))


def suggest_project_code(strategy: Strategy | int, taken: Iterable[str] = ()) -> str:
    """The next free "pN" code of the strategy (after the highest pN in use), skipping ``taken``."""
    codes = set(Project.objects.filter(strategy=strategy).values_list("code", flat=True))
    codes.update(taken)
    numbers = [int(code[1:]) for code in codes if re.fullmatch(r"p\d+", code)]
    number = max(numbers, default=0) + 1
    while f"p{number}" in codes:
        number += 1
    return f"p{number}"


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    description: str
    weight: Decimal = Decimal(1)
    scale_min: int = 0
    scale_max: int = 3


@dataclass(frozen=True)
class CriteriaTemplate:
    key: str
    label: str
    criteria: tuple[CriterionSpec, ...]


#: The two sets of criteria a strategy starts from; the secretariat adjusts names and weights.
#: Names and descriptions are data written in the strategy's language (French), not interface
#: text: creating a set twice, from any interface language, finds the same names.
CRITERIA_TEMPLATES = {
    "elire": CriteriaTemplate(
        "elire",
        _("ELIRE (impact durable)"),
        (
            CriterionSpec(
                "Emploi",
                "Emplois créés ou maintenus sur le territoire. 0 : aucun, 3 : effet fort.",
            ),
            CriterionSpec(
                "Lien social",
                (
                    "Rencontres et cohésion entre habitants, hôtes et générations ; participation."
                    " 0 : aucun, 3 : effet fort."
                ),
            ),
            CriterionSpec(
                "Image",
                "Notoriété et attractivité du territoire, fierté des habitants. 0 à 3.",
            ),
            CriterionSpec(
                "Retour économique sur investissement",
                (
                    "Recettes, retombées et économies attendues au regard du montant investi. "
                    "0 : nul, 3 : élevé."
                ),
            ),
            CriterionSpec(
                "Environnement",
                (
                    "Climat, énergie, biodiversité, sol, eau. 0 : défavorable ou nul, "
                    "3 : très favorable."
                ),
            ),
        ),
    ),
    "rayonnement": CriteriaTemplate(
        "rayonnement",
        _("Rayonnement intercommunal"),
        (
            CriterionSpec(
                "Valeur ajoutée économique",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Valeur ajoutée sociale",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Valeur ajoutée environnementale",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Nombre de communes concernées",
                "0 : une seule commune … 3 : toutes les communes du territoire.",
            ),
            CriterionSpec(
                "Faisabilité",
                "Technique, juridique et financière. 3 : réalisable à court terme.",
            ),
            CriterionSpec(
                "Coût",
                "Noté à l'envers : 3 : coût faible ou couvert, 0 : coût très élevé.",
            ),
        ),
    ),
}


class CriterionQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> CriterionQuerySet:
        return self.filter(strategy=strategy)

    def create_from_template(self, strategy: Strategy, key: str) -> list[Criterion]:
        """Add the template's criteria that the strategy does not have yet (by name), after its
        existing ones; an existing criterion is never changed. Returns the criteria created."""
        template = CRITERIA_TEMPLATES[key]
        existing = set(Criterion.objects.filter(strategy=strategy).values_list("name", flat=True))
        order = (
            Criterion.objects.filter(strategy=strategy).aggregate(m=models.Max("order"))["m"] or 0
        )
        created = []
        for spec in template.criteria:
            name = str(spec.name)
            if name in existing:
                continue
            order += 1
            criterion = Criterion(
                strategy=strategy,
                name=name,
                description=str(spec.description),
                weight=spec.weight,
                scale_min=spec.scale_min,
                scale_max=spec.scale_max,
                order=order,
            )
            criterion.full_clean()
            criterion.save()
            created.append(criterion)
        return created


class Criterion(models.Model):
    """A criterion shared by the communes to judge projects and proposals (ELIRE, rayonnement
    intercommunal...), with its weight in the weighted score and its scale."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Ce que signifie chaque note de l'échelle.")
    )
    weight = models.DecimalField(
        _("poids"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Un critère de poids 2 compte deux fois plus qu'un critère de poids 1."),
    )
    scale_min = models.SmallIntegerField(_("note minimale"), default=0)
    scale_max = models.SmallIntegerField(_("note maximale"), default=3)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ("strategy", "order", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("strategy", "name"),
                name="criterion_unique_name_per_strategy",
                violation_error_message=_("La stratégie a déjà un critère de ce nom."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("Le poids d'un critère doit être positif."),
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="criterion_scale_ordered",
                violation_error_message=_(
                    "La note maximale doit être plus grande que la note minimale."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scale_label(self) -> str:
        return f"{self.scale_min}–{self.scale_max}"

    def ratio(self, value: int) -> float:
        """A score brought to 0–1 on this criterion's scale."""
        return (value - self.scale_min) / (self.scale_max - self.scale_min)

    def scale_error(self, value: int) -> str | None:
        """The French message for a value outside the scale, else None."""
        if self.scale_min <= value <= self.scale_max:
            return None
        return _("La note « %(name)s » va de %(min)s à %(max)s ; %(value)s n'est pas admis.") % {
            "name": self.name,
            "min": self.scale_min,
            "max": self.scale_max,
            "value": value,
        }

    def clean(self) -> None:
        if self.pk is None or self.scale_min is None or self.scale_max is None:
            return
        outside = (
            Score.objects.filter(criterion=self)
            .filter(Q(value__lt=self.scale_min) | Q(value__gt=self.scale_max))
            .count()
        )
        if outside:
            raise ValidationError(
                ngettext(
                    "%(count)d note existante sortirait de cette échelle : corrigez-la d'abord.",
                    "%(count)d notes existantes sortiraient de cette échelle : corrigez-les "
                    "d'abord.",
                    outside,
                )
                % {"count": outside}
            )


class ProposalQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> ProposalQuerySet:
        return self.filter(strategy=strategy)

    def open(self) -> ProposalQuerySet:
        """Proposals still to be turned into a project: new ones, and retained ones whose project
        is not created yet."""
        return self.filter(
            Q(status=Proposal.Status.NEW) | Q(status=Proposal.Status.RETAINED, project__isnull=True)
        )

    def retained_without_project(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.RETAINED, project__isnull=True)

    def with_weighted_score(self) -> ProposalQuerySet:
        return self.annotate(**score_annotations("proposal"))


class Proposal(models.Model):
    """A proposal made during a workshop ("ratissage des propositions"), per axis or "Joker",
    until the secretariat retains it (a project is created), merges it or sets it aside."""

    class Status(models.TextChoices):
        NEW = "new", _("nouvelle")
        RETAINED = "retained", _("retenue")
        MERGED = "merged", _("fusionnée")
        SET_ASIDE = "set_aside", _("écartée")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="proposals"
    )
    workshop = models.ForeignKey(
        "cockpit.Workshop",
        verbose_name=_("atelier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Vide : « Joker », un autre domaine."),
    )
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    proposed_by = models.CharField(
        _("proposé par"), max_length=200, help_text=_("Un nom ou un groupe, ex. « Groupe 2 ».")
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes concernées"), blank=True, related_name="proposals"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    reason = models.TextField(
        _("motif"), blank=True, help_text=_("Pourquoi elle est retenue, fusionnée ou écartée.")
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet créé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    merged_into_project = models.ForeignKey(
        Project,
        verbose_name=_("fusionnée dans le projet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
    )
    merged_into_proposal = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans la proposition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ("strategy", "-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "retained", "merged", "set_aside"]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="set_aside") | ~Q(reason=""),
                name="proposal_set_aside_has_reason",
                violation_error_message=_("Une proposition écartée doit dire pourquoi (motif)."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status="merged",
                    merged_into_project__isnull=False,
                    merged_into_proposal__isnull=True,
                )
                | Q(
                    status="merged",
                    merged_into_project__isnull=True,
                    merged_into_proposal__isnull=False,
                )
                | (
                    ~Q(status="merged")
                    & Q(merged_into_project__isnull=True, merged_into_proposal__isnull=True)
                ),
                name="proposal_merged_into_one_target",
                violation_error_message=_(
                    "Une proposition fusionnée l'est dans un projet ou dans une autre proposition "
                    "(un seul) ; une autre ne l'est dans rien."
                ),
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(status="retained"),
                name="proposal_project_only_when_retained",
                violation_error_message=_("Seule une proposition retenue a un projet créé."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into_proposal__isnull=True) | ~Q(merged_into_proposal=F("pk")),
                name="proposal_not_merged_into_itself",
                violation_error_message=_(
                    "Une proposition ne peut pas être fusionnée en elle-même."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def axis_label(self) -> str:
        return str(self.axis) if self.axis_id else str(JOKER_LABEL)

    @property
    def merged_into(self) -> Project | Proposal | None:
        return self.merged_into_project or self.merged_into_proposal

    @property
    def is_open(self) -> bool:
        """Still to be triaged: new, or retained while its project is not created."""
        return self.status == self.Status.NEW or (
            self.status == self.Status.RETAINED and self.project_id is None
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        strategy_id = self.strategy_id
        if strategy_id:
            if self.axis_id and self.axis.strategy_id != strategy_id:
                errors["axis"] = _("Cet axe appartient à une autre stratégie.")
            if self.workshop_id and self.workshop.strategy_id != strategy_id:
                errors["workshop"] = _("Cet atelier appartient à une autre stratégie.")
            for field in ("project", "merged_into_project", "merged_into_proposal"):
                target = getattr(self, field)
                if target is not None and target.strategy_id != strategy_id:
                    errors[field] = _("Cet élément appartient à une autre stratégie.")
        if self.merged_into_proposal_id:
            target = self.merged_into_proposal
            if self.pk is not None and target.pk == self.pk:
                errors["merged_into_proposal"] = _(
                    "Une proposition ne peut pas être fusionnée en elle-même."
                )
            elif target.status in (self.Status.MERGED, self.Status.SET_ASIDE):
                errors["merged_into_proposal"] = _(
                    "Fusionnez dans une proposition nouvelle ou retenue, pas dans une proposition "
                    "déjà fusionnée ou écartée."
                )
        if self.status == self.Status.SET_ASIDE and not self.reason.strip():
            errors["reason"] = _("Une proposition écartée doit dire pourquoi (motif).")
        if errors:
            raise ValidationError(errors)

    def weighted_score(self) -> WeightedScore:
        return Score.weighted_score_of(self.strategy_id, proposal=self)

    # --- Triage (the secretariat, in the admin) -----------------------------------------------

    def _check_open(self) -> None:
        if not self.is_open:
            raise ValidationError(
                _("La proposition « %(title)s » est déjà triée (%(status)s).")
                % {"title": self.title, "status": self.get_status_display()}
            )

    def accept(
        self,
        *,
        measure: Measure,
        code: str,
        priority: int = Project.Priority.MEDIUM,
        reason: str = "",
    ) -> Project:
        """Retain the proposal: create its project under ``measure`` (same title, description,
        communes; its scores carried over) and keep the link both ways."""
        self._check_open()
        if measure.strategy_id != self.strategy_id:
            raise ValidationError({"measure": _("Cette mesure appartient à une autre stratégie.")})
        with transaction.atomic():
            project = Project(
                measure=measure,
                code=code,
                title=self.title,
                description=self.description,
                priority=priority,
                status=Project.Status.PLANNED,
            )
            project.full_clean()
            project._change_reason = _("Créé depuis la proposition « %(title)s »") % {
                "title": self.title
            }
            project.save()
            project.communes.set(self.communes.all())
            for score in self.scores.select_related("criterion"):
                Score(
                    project=project,
                    criterion=score.criterion,
                    value=score.value,
                    comment=score.comment,
                    scored_by=score.scored_by,
                ).save()
            self.status = self.Status.RETAINED
            self.project = project
            if reason:
                self.reason = reason
            self.full_clean()
            self._change_reason = _("Retenue : projet %(code)s créé") % {"code": project.code}
            self.save()
        return project

    def merge_into(self, target: Project | Proposal, *, reason: str = "") -> None:
        """Merge into an existing project or proposal of the same strategy; its communes join
        the target's."""
        self._check_open()
        with transaction.atomic():
            self.status = self.Status.MERGED
            if isinstance(target, Project):
                self.merged_into_project, self.merged_into_proposal = target, None
            else:
                self.merged_into_project, self.merged_into_proposal = None, target
            self.project = None
            if reason:
                self.reason = reason
            self.full_clean()
            self._change_reason = _("Fusionnée dans « %(target)s »") % {"target": target}
            self.save()
            target.communes.add(*self.communes.all())

    def set_aside(self, reason: str) -> None:
        """Set the proposal aside, saying why."""
        self._check_open()
        if not reason or not reason.strip():
            raise ValidationError({"reason": _("Dites pourquoi la proposition est écartée.")})
        self.status = self.Status.SET_ASIDE
        self.reason = reason.strip()
        self.full_clean()
        self._change_reason = _("Écartée")
        self.save()


JOKER_LABEL = _("Joker (autres domaines)")


class Score(models.Model):
    """The score of a project or of a proposal (exactly one) on a criterion, with a comment."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("critère"), on_delete=models.CASCADE, related_name="scores"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scores",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scores",
    )
    value = models.SmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    scored_at = models.DateTimeField(_("noté le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ("criterion__strategy", "project", "proposal", "criterion__order", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, proposal__isnull=True)
                | Q(project__isnull=True, proposal__isnull=False),
                name="score_project_xor_proposal",
                violation_error_message=_(
                    "Une note porte soit sur un projet, soit sur une proposition."
                ),
            ),
            # Unconditional: NULLs are distinct, and formsets check unconditional constraints
            # between their own rows too.
            models.UniqueConstraint(
                fields=("criterion", "project"),
                name="score_unique_per_criterion_and_project",
                violation_error_message=_("Ce projet a déjà une note pour ce critère."),
            ),
            models.UniqueConstraint(
                fields=("criterion", "proposal"),
                name="score_unique_per_criterion_and_proposal",
                violation_error_message=_("Cette proposition a déjà une note pour ce critère."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} – {self.criterion} : {self.value}"

    def save(self, *args, **kwargs) -> None:
        # No database constraint can see the criterion's scale: refuse out-of-scale values on
        # every save, not only in forms.
        if self.criterion_id is not None and self.value is not None:
            message = self.criterion.scale_error(self.value)
            if message:
                raise ValidationError({"value": message})
        super().save(*args, **kwargs)

    @property
    def target(self) -> Project | Proposal | None:
        return self.project or self.proposal

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.criterion_id is None:
            return
        if self.value is not None:
            message = self.criterion.scale_error(self.value)
            if message:
                errors["value"] = message
        target = self.target
        if target is not None and target.strategy_id != self.criterion.strategy_id:
            errors["criterion"] = _("Ce critère appartient à une autre stratégie.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def record(
        cls,
        *,
        criterion: Criterion,
        target: Project | Proposal,
        value: int | None,
        comment: str | None = None,
        user=None,
    ) -> tuple[Score | None, bool]:
        """Set the score of ``target`` on ``criterion`` to ``value`` (None removes it, with its
        comment; a ``comment`` of None keeps the stored one). Returns the score (None when
        removed) and whether anything changed; an unchanged score is not saved again."""
        lookup = {"project": target} if isinstance(target, Project) else {"proposal": target}
        score = cls.objects.filter(criterion=criterion, **lookup).first()
        if value is None:
            if score is None:
                return None, False
            score.delete()
            return None, True
        if score is None:
            score = cls(criterion=criterion, **lookup)
        elif score.value == value and (comment is None or comment == score.comment):
            return score, False
        score.criterion = criterion
        for field_name, obj in lookup.items():
            setattr(score, field_name, obj)  # known: no query to load or check it
        score.value = value
        if comment is not None:
            score.comment = comment
        if user is not None and user.is_authenticated:
            score.scored_by = user
        score.full_clean(
            exclude=["criterion", "project", "proposal", "scored_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        score.save()
        return score, True

    @staticmethod
    def weighted_score_of(strategy_id: int, **target) -> WeightedScore:
        """The weighted score of ``project=`` or ``proposal=`` from its stored scores."""
        criteria = list(Criterion.objects.filter(strategy_id=strategy_id))
        values = dict(
            Score.objects.filter(**target, criterion__strategy_id=strategy_id).values_list(
                "criterion_id", "value"
            )
        )
        return WeightedScore.of(criteria, values)
