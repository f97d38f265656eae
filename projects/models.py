"""Projects: the implementation side of the cascade, their fundings, their cockpit mark (✓ / ! / ✗),
lateness and the implementation rollup of any group of them. (How they are prioritised lives in the
prioritisation app.)"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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


#: What each project mark says, in words, beside its symbol and colour (pages and pack).
MARK_WORDS = {
    Mark.OK: _("dans les temps"),
    Mark.WARNING: _("attention"),
    Mark.LATE: _("en retard"),
    Mark.ABANDONED: _("abandonné"),
}


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
        """One rollup per value of ``key`` (``"measure"``, ``"axis"``)."""
        rows = self.order_by().values(key).annotate(**_rollup_aggregates(on))
        return {row[key]: ImplementationRollup.from_row(row) for row in rows}


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
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.PROTECT,
        related_name="projects",
        blank=True,
        help_text=_("Celui de la mesure quand la stratégie utilise des mesures."),
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("mesure"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
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
    budget_committed = models.DecimalField(
        _("budget engagé"),
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

    parent_field = "measure"

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
                condition=Q(budget_committed__isnull=True) | Q(budget_committed__gte=0),
                name="project_budget_committed_not_negative",
                violation_error_message=_("Un budget ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(budget_kind__in=["", "investment", "operating"]),
                name="project_budget_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

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


def suggest_project_code(strategy: Strategy | int, taken: Iterable[str] = ()) -> str:
    """The next free "pN" code of the strategy (after the highest pN in use), skipping ``taken``."""
    codes = set(Project.objects.filter(strategy=strategy).values_list("code", flat=True))
    codes.update(taken)
    numbers = [int(code[1:]) for code in codes if re.fullmatch(r"p\d+", code)]
    number = max(numbers, default=0) + 1
    while f"p{number}" in codes:
        number += 1
    return f"p{number}"
