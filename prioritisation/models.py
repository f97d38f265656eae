"""Prioritisation: the criteria a strategy judges its projects by, the proposals made in the
workshops until the secretariat triages them (``services.py``), and the scores of projects and
proposals, with the weighted-score annotations the grid and the ranking read (``scoring.py`` holds
the rule itself)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from projects.models import Project
from strategies.models import Axis, Commune, Strategy

from .criteria import CRITERIA_TEMPLATES
from .scoring import WeightedScore


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
        db_table = "projects_criterion"
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
        "workshops.Workshop",
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
        Commune,
        verbose_name=_("communes concernées"),
        blank=True,
        related_name="proposals",
        db_table="projects_proposal_communes",
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
    history = HistoricalRecords(table_name="projects_historicalproposal")

    class Meta:
        db_table = "projects_proposal"
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

    history = HistoricalRecords(table_name="projects_historicalscore")

    class Meta:
        db_table = "projects_score"
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


# --- Weighted scores of project and proposal querysets ------------------------------------------


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


def with_weighted_score(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` of projects or proposals annotated with ``weighted_score`` (0–100, None when
    unscored), ``n_scored`` and ``n_criteria``; ``ranked(qs)`` orders by it."""
    target = "project" if queryset.model is Project else "proposal"
    return queryset.annotate(**score_annotations(target))


def weighted_score_of(target: Project | Proposal) -> WeightedScore:
    """The weighted score of a project or a proposal from its stored scores (two queries)."""
    key = "project" if isinstance(target, Project) else "proposal"
    return Score.weighted_score_of(target.strategy_id, **{key: target})
