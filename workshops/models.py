"""The commission's workshops (ateliers), their agenda and the decisions they take.

These models were born in the ``cockpit`` app: they keep its tables (``db_table``), so that moving
them changed no row.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project
from strategies.models import Axis, Measure, Strategy

#: ``Workshop.period()`` looks the previous workshop up unless the caller passes it.
_LOOK_UP = object()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Workshop(models.Model):
    """An atelier of the commission: its agenda, who came, its minutes and its decisions."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="workshops"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=250)
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Une personne par ligne.")
    )
    excused = models.TextField(_("excusés"), blank=True, help_text=_("Une personne par ligne."))
    minutes = models.TextField(_("procès-verbal"), blank=True)

    history = HistoricalRecords(table_name="cockpit_historicalworkshop")

    class Meta:
        db_table = "cockpit_workshop"
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ("strategy", "date", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("strategy", "number"),
                name="workshop_unique_number_per_strategy",
                violation_error_message=_(
                    "Ce numéro d'atelier est déjà utilisé dans la stratégie."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Atelier %(number)s : %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("cockpit:workshop", args=(self.strategy_id, self.pk))

    @property
    def participant_list(self) -> list[str]:
        return _lines(self.participants)

    @property
    def excused_list(self) -> list[str]:
        return _lines(self.excused)

    def previous(self) -> Workshop | None:
        """The strategy's workshop just before this one by date (None for the first)."""
        return (
            Workshop.objects.filter(strategy_id=self.strategy_id)
            .filter(Q(date__lt=self.date) | Q(date=self.date, number__lt=self.number))
            .exclude(pk=self.pk)
            .order_by("-date", "-number")
            .first()
        )

    def period(self, previous=_LOOK_UP) -> tuple[datetime.datetime, datetime.datetime]:
        """What "since the previous workshop" covers: from the start of the previous workshop's
        day (or 1 January of the strategy's start year) to the end of this workshop's day, or to
        now when this workshop is still to come. Pass ``previous`` when already known."""
        if previous is _LOOK_UP:
            previous = self.previous()
        start_day = previous.date if previous else self.strategy.start_date
        start = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time.min))
        now = timezone.now()
        if self.date > timezone.localdate(now):
            return start, now
        end = timezone.make_aware(datetime.datetime.combine(self.date, datetime.time.max))
        return start, end


class AgendaItem(models.Model):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("point"), max_length=300)

    class Meta:
        db_table = "cockpit_agendaitem"
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ("workshop", "order", "pk")

    def __str__(self) -> str:
        return self.text


class DecisionQuerySet(models.QuerySet):
    def open(self) -> DecisionQuerySet:
        return self.filter(status=Decision.Status.OPEN)

    def overdue(self, on: datetime.date | None = None) -> DecisionQuerySet:
        """Open decisions whose due date is past."""
        return self.open().filter(due_date__lt=on or timezone.localdate())

    def flagged(self, on: datetime.date | None = None) -> list[tuple[Decision, bool]]:
        """Each decision in workshop order with whether it is overdue at ``on`` (one query)."""
        on = on or timezone.localdate()
        decisions = self.select_related("workshop").order_by("workshop__date", "pk")
        return [(decision, decision.is_overdue(on)) for decision in decisions]


class Decision(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        DONE = "done", _("faite")
        ABANDONED = "abandoned", _("abandonnée")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("décision"))
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("mesure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    owner = models.CharField(_("responsable"), max_length=200, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(
        _("close le"),
        null=True,
        blank=True,
        help_text=_("Rempli à la clôture (faite ou abandonnée) s'il est vide."),
    )

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(table_name="cockpit_historicaldecision")

    class Meta:
        db_table = "cockpit_decision"
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ("workshop", "pk")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(axis__isnull=True, measure__isnull=True)
                    | Q(axis__isnull=False, measure__isnull=True, project__isnull=True)
                    | Q(axis__isnull=True, measure__isnull=False, project__isnull=True)
                    | Q(axis__isnull=True, measure__isnull=True, project__isnull=False)
                ),
                name="decision_at_most_one_concern",
                violation_error_message=_(
                    "Une décision concerne au plus un élément : un axe, une mesure ou un projet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "abandoned"]),
                name="decision_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        if self.status != self.Status.OPEN and self.closed_on is None:
            self.closed_on = timezone.localdate()
        super().save(*args, **kwargs)

    @property
    def concern(self) -> Axis | Measure | Project | None:
        return self.project or self.measure or self.axis

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < on
