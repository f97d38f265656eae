"""Projects: the implementation side of the cascade, their fundings, their cockpit mark (✓ / ! / ✗ /
?), lateness and the implementation rollup of any group of them. (How they are prioritised lives in
the prioritisation app.)

The words of the implementation side are defined here once, each with its symbol and colour: a
project's status (``Project.Status``), its mark (``Mark``) and the flag of a project ending after
its strategy's horizon (``AFTER_HORIZON``). Pages, the admin, the pack and "what changed" read
them from here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Length, Lower, NullIf
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategies.cascade import DerivedStrategyMixin, check_owner_territory
from strategies.data_age import DEFAULT_NO_NEWS_DAYS
from strategies.models import Axis, Commune, Contact, Measure, Strategy, Theme, code_validator
from strategies.money import format_money

from .marks import (  # the vocabulary (projects/marks.py), also read from here
    AFTER_HORIZON,
    AFTER_HORIZON_COLOUR,
    AFTER_HORIZON_SYMBOL,
    AMBER,
    GREEN,
    GREY,
    RED,
    Mark,
    agree,
)

if TYPE_CHECKING:
    from .rollups import ImplementationRollup

__all__ = [
    "AFTER_HORIZON",
    "AFTER_HORIZON_COLOUR",
    "AFTER_HORIZON_SYMBOL",
    "AMBER",
    "GREEN",
    "GREY",
    "RED",
    "Funding",
    "Mark",
    "Project",
    "agree",
]

#: A project ending within this many days with less than half its progress is flagged "!".
DUE_SOON_DAYS = 30
#: Before any news: what ``Project.last_news_expression(never=True)`` gives a project without a
#: history record or a confirmation.
NO_NEWS_YET = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
DUE_SOON_PROGRESS = 50


def today() -> datetime.date:
    return timezone.localdate()


class ProjectQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> ProjectQuerySet:
        return self.filter(strategy=strategy)

    def late(self, on: datetime.date | None = None) -> ProjectQuerySet:
        return self.filter(Project.late_q(on or today()))

    def with_mark(self, on: datetime.date | None = None) -> ProjectQuerySet:
        """Annotate ``current_mark`` (a Mark value), ``currently_late`` and ``after_horizon``
        (bools), computed by the database with the same rules as ``Project.mark()``,
        ``Project.is_late()`` and ``Project.ends_after_horizon()``."""
        return self.annotate(
            current_mark=Project.mark_expression(on),
            currently_late=Project.late_expression(on),
            after_horizon=Project.after_horizon_expression(),
        )

    def with_news(
        self, on: datetime.date | None = None, days: int | None = None
    ) -> ProjectQuerySet:
        """Annotate ``last_news`` (when the status, progress or dates last changed, creation
        included, or the last « rien à signaler » confirmation, whichever is later) and
        ``no_news`` (an open project, neither réalisé nor abandonné, whose last news is ``days``
        days old or more: the strategy's ``no_news_days``, 90 by default), in the same query."""
        on = on or today()
        days = DEFAULT_NO_NEWS_DAYS if days is None else days
        # Old news: given before the start (here) of the day after ``on - days``, or never (the
        # expression's NO_NEWS_YET). The history's subquery is written twice, not nine times.
        cutoff = timezone.make_aware(
            datetime.datetime.combine(on - datetime.timedelta(days=days - 1), datetime.time())
        )
        closed = Q(status__in=CLOSED_STATUSES)
        return self.alias(news_or_never=Project.last_news_expression(never=True)).annotate(
            last_news=NullIf(F("news_or_never"), Value(NO_NEWS_YET)),
            no_news=Case(
                When(closed, then=Value(False)),
                When(news_or_never__lt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )

    def rollup(self, on: datetime.date | None = None) -> ImplementationRollup:
        """The implementation rollup of these projects, in one query."""
        from .rollups import ImplementationRollup, rollup_aggregates

        return ImplementationRollup.from_row(self.order_by().aggregate(**rollup_aggregates(on)))

    def rollup_by(
        self, key: str, on: datetime.date | None = None
    ) -> dict[int, ImplementationRollup]:
        """One rollup per value of ``key`` (``"measure"``, ``"axis"``, ``"strategy"``)."""
        from .rollups import ImplementationRollup, rollup_aggregates

        rows = self.order_by().values(key).annotate(**rollup_aggregates(on))
        return {row[key]: ImplementationRollup.from_row(row) for row in rows}


class Project(DerivedStrategyMixin):
    class Status(models.TextChoices):
        PLANNED = "planned", _("à venir")
        IN_PROGRESS = "in_progress", _("en cours")
        DONE = "done", _("réalisé")
        PAUSED = "paused", _("en pause")
        BLOCKED = "blocked", _("bloqué")
        ABANDONED = "abandoned", _("abandonné")

        @property
        def symbol(self) -> str:
            return {
                "planned": "○",
                "in_progress": "◐",
                "done": "✓",
                "paused": "‖",
                "blocked": "✗",
                "abandoned": "–",
            }[self.value]

        @property
        def colour(self) -> str:
            return {
                "planned": GREY,
                "in_progress": GREEN,
                "done": GREEN,
                "paused": AMBER,
                "blocked": RED,
                "abandoned": GREY,
            }[self.value]

        @property
        def text(self) -> str:
            """« ◐ en cours »: the symbol and the word."""
            return f"{self.symbol} {self.label}"

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
    owner = models.ForeignKey(
        Contact,
        verbose_name=_("responsable de la mise à jour"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_(
            "La personne qui tient le projet à jour (un contact du territoire) ; « Qui ? » reste "
            "le porteur."
        ),
    )
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
    confirmed_at = models.DateTimeField(
        _("dernière confirmation (rien à signaler)"),
        null=True,
        blank=True,
        help_text=_(
            "Le responsable a confirmé que rien n'a changé ; remet à zéro le délai « sans "
            "nouvelles »."
        ),
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
            # Unique ignoring case: k1 and K1 would be the same project to the secretariat.
            models.UniqueConstraint(
                Lower("code"),
                "strategy",
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
                condition=Q(budget_committed__isnull=True) | Q(budget_committed__gte=0),
                name="project_budget_committed_not_negative",
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

    def clean(self) -> None:
        super().clean()
        check_owner_territory(self, self.strategy_id)

    # --- Domain rules -------------------------------------------------------------------------

    def is_late(self, on: datetime.date | None = None) -> bool:
        """Late: the end date is past and the project is neither done, abandoned nor blocked (a
        blocked project is counted as blocked, never as late)."""
        on = on or today()
        return (
            self.end_date is not None
            and self.end_date < on
            and self.status not in (self.Status.DONE, self.Status.ABANDONED, self.Status.BLOCKED)
        )

    def is_due_soon(self, on: datetime.date | None = None) -> bool:
        """Ends within 30 days with less than half done (unknown progress counts as not done)."""
        on = on or today()
        return (
            self.end_date is not None
            and on <= self.end_date <= on + datetime.timedelta(days=DUE_SOON_DAYS)
            and (self.progress is None or self.progress < DUE_SOON_PROGRESS)
        )

    def is_unscheduled(self) -> bool:
        """Not yet scheduled: not started (à venir), with neither a start nor an end date."""
        return (
            self.status == self.Status.PLANNED and self.start_date is None and self.end_date is None
        )

    def is_engaged(self) -> bool:
        return self.status in ENGAGED_STATUSES

    def ends_after_horizon(self, horizon: datetime.date | None = None) -> bool:
        """The end date is after the strategy's horizon (``Strategy.horizon_date``, or
        ``horizon``); abandoned projects are apart."""
        horizon = horizon or self.strategy.horizon_date
        return (
            self.end_date is not None
            and self.end_date > horizon
            and self.status != self.Status.ABANDONED
        )

    def mark(self, on: datetime.date | None = None) -> Mark:
        """The cockpit mark; the same rules as ``mark_expression`` (tested to agree)."""
        if self.status == self.Status.ABANDONED:
            return Mark.ABANDONED
        if self.status == self.Status.DONE:
            return Mark.OK
        if self.status == self.Status.BLOCKED:
            return Mark.BLOCKED
        if self.is_late(on):
            return Mark.LATE
        if self.status == self.Status.PAUSED or self.is_due_soon(on):
            return Mark.WARNING
        if self.is_unscheduled():
            return Mark.UNSCHEDULED
        return Mark.OK

    @staticmethod
    def late_q(on: datetime.date) -> Q:
        return Q(end_date__lt=on) & ~Q(
            status__in=[Project.Status.DONE, Project.Status.ABANDONED, Project.Status.BLOCKED]
        )

    @staticmethod
    def unscheduled_q() -> Q:
        return Q(status=Project.Status.PLANNED, start_date__isnull=True, end_date__isnull=True)

    @staticmethod
    def engaged_q() -> Q:
        return Q(status__in=ENGAGED_STATUSES)

    @staticmethod
    def after_horizon_q() -> Q:
        """``ends_after_horizon`` in SQL: after 31 December of the strategy's horizon year."""
        return Q(end_date__year__gt=F("strategy__horizon_year")) & ~Q(
            status=Project.Status.ABANDONED
        )

    @staticmethod
    def late_expression(on: datetime.date | None = None) -> Case:
        # A CASE, not the bare condition: without an end date the condition is NULL, not false.
        return Case(
            When(Project.late_q(on or today()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )

    @staticmethod
    def after_horizon_expression() -> Case:
        return Case(
            When(Project.after_horizon_q(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )

    def has_no_news(self, on: datetime.date | None = None, days: int | None = None) -> bool:
        """« Sans nouvelles », for one project (one query); lists use ``with_news``."""
        days = self.strategy.no_news_days if days is None else days
        row = Project.objects.filter(pk=self.pk).with_news(on, days).values("no_news").first()
        return bool(row and row["no_news"])

    @staticmethod
    def last_news_expression(*, never: bool = False) -> Func:
        """The last time the project gave news, as a subquery of its history: the date of the
        first record of its latest run of records with its current status, progress and dates
        (its creation when they never changed), or its last confirmation when later; NULL
        without either, or ``NO_NEWS_YET`` when ``never``."""
        records = Project.history.model.objects

        def outer(name: str) -> OuterRef:  # the project, seen from a record of its history
            return OuterRef(name)

        def outer_outer(name: str) -> OuterRef:  # the project, seen one subquery deeper
            return OuterRef(OuterRef(name))

        def differing(ref):
            """The project's records whose status, progress or dates differ from its row's."""

            def same(name: str, empty) -> Exact:
                return Exact(Coalesce(F(name), Value(empty)), Coalesce(ref(name), Value(empty)))

            unchanged = (
                Q(status=ref("status"))
                & Q(same("progress", -1))
                & Q(same("start_date", datetime.date(1, 1, 1)))
                & Q(same("end_date", datetime.date(1, 1, 1)))
            )
            return records.filter(id=ref("pk")).exclude(unchanged)

        last_different = differing(outer_outer).order_by("-history_date").values("history_date")[:1]
        since = (
            records.filter(id=outer("pk"))
            .filter(Q(history_date__gt=Subquery(last_different)) | ~Exists(differing(outer_outer)))
            .order_by("history_date")
            .values("history_date")[:1]
        )
        changed = Subquery(since, output_field=models.DateTimeField())
        none = Value(NO_NEWS_YET, output_field=models.DateTimeField())
        # The later of the two, either one missing (SQLite's MAX, unlike PostgreSQL's GREATEST,
        # gives NULL for one NULL): NO_NEWS_YET when both are.
        latest = Greatest(Coalesce(changed, none), Coalesce(F("confirmed_at"), none))
        return latest if never else NullIf(latest, none)

    @staticmethod
    def mark_expression(on: datetime.date | None = None) -> Case:
        on = on or today()
        soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
        status = Project.Status
        return Case(
            When(status=status.ABANDONED, then=Value(Mark.ABANDONED.value)),
            When(status=status.DONE, then=Value(Mark.OK.value)),
            When(status=status.BLOCKED, then=Value(Mark.BLOCKED.value)),
            When(end_date__lt=on, then=Value(Mark.LATE.value)),
            When(
                Q(status=status.PAUSED)
                | (
                    Q(end_date__gte=on, end_date__lte=soon)
                    & (Q(progress__isnull=True) | Q(progress__lt=DUE_SOON_PROGRESS))
                ),
                then=Value(Mark.WARNING.value),
            ),
            When(Project.unscheduled_q(), then=Value(Mark.UNSCHEDULED.value)),
            default=Value(Mark.OK.value),
            output_field=CharField(),
        )


#: The statuses of an engaged project: started, whatever became of it since (not abandoned).
ENGAGED_STATUSES = (
    Project.Status.IN_PROGRESS,
    Project.Status.PAUSED,
    Project.Status.BLOCKED,
    Project.Status.DONE,
)
#: The statuses of a closed project, which gives no more news.
CLOSED_STATUSES = (Project.Status.DONE, Project.Status.ABANDONED)
#: The statuses in the order of a project's life, as the rollups list them.
STATUS_ORDER = (
    Project.Status.PLANNED,
    Project.Status.IN_PROGRESS,
    Project.Status.PAUSED,
    Project.Status.BLOCKED,
    Project.Status.DONE,
    Project.Status.ABANDONED,
)


def mark_word(mark: Mark, status: str) -> str:
    """The word of a project's mark: the mark's, or « réalisé » for a done project (✓)."""
    return Project.Status.DONE.label if status == Project.Status.DONE else mark.label


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
        """The funder and the amount in the currency of the project's territory ("Canton du
        Valais – 875 000 CHF")."""
        if self.project_id is None:
            return self.funder
        currency = self.project.strategy.territory.currency
        return f"{self.funder} – {format_money(self.amount, currency)}"

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("Un montant ne peut pas être négatif.")})


def suggest_project_code(strategy: Strategy | int, taken: Iterable[str] = ()) -> str:
    """The next free "pN" code of the strategy (after the highest pN in use), skipping ``taken``
    (codes compared ignoring case: P7 takes p7)."""
    codes = set(Project.objects.filter(strategy=strategy).values_list("code", flat=True))
    codes = {code.lower() for code in [*codes, *taken]}
    numbers = [int(code[1:]) for code in codes if re.fullmatch(r"p\d+", code)]
    number = max(numbers, default=0) + 1
    while f"p{number}" in codes:
        number += 1
    return f"p{number}"
