"""A background job: who asked for what, how far it got, and the file it made.

The rows live in the ``jobs`` database alias (``jobs/router.py``), which may be a database file
of its own: so no foreign key, the user's and the strategy's ids are plain numbers.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class JobQuerySet(models.QuerySet):
    def for_user(self, user) -> JobQuerySet:
        """The jobs a user may see: their own, every job for a superuser."""
        return self if user.is_superuser else self.filter(user_id=user.pk)

    def expired(self, now: datetime.datetime | None = None) -> JobQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())

    def stale(self, now: datetime.datetime | None = None) -> JobQuerySet:
        """Running jobs whose worker gave no sign of life (claim, progress) for
        ``JOB_STALE_SECONDS``: it stopped (killed, restarted, out of memory)."""
        cutoff = (now or timezone.now()) - stale_after()
        return self.filter(state=State.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


class State(models.TextChoices):
    """Where a job is (module level: the constraint in ``Job.Meta`` reads its values)."""

    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    FAILED = "failed", _("échouée")


class Unit(models.TextChoices):
    """What a job's progress counts."""

    ROWS = "rows", _("lignes")
    STEPS = "steps", _("étapes")


class Job(models.Model):
    State = State
    Unit = Unit

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.BigIntegerField(_("utilisateur"))
    strategy_id = models.BigIntegerField(_("stratégie"), null=True, blank=True)
    kind = models.CharField(_("sorte"), max_length=60)
    title = models.CharField(_("titre"), max_length=300)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    language = models.CharField(_("langue"), max_length=10, default="fr")
    back_url = models.CharField(_("page d'origine"), max_length=500, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit, default=Unit.STEPS)
    message = models.TextField(_("message"), blank=True)
    file_name = models.CharField(_("fichier"), max_length=300, blank=True)
    download_name = models.CharField(_("nom du téléchargement"), max_length=300, blank=True)
    #: Where a finished job's result is shown (an import's preview), rather than downloaded.
    result_url = models.CharField(_("page du résultat"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)
    #: The worker's last sign of life: its claim, then each progress write (``Progress``).
    heartbeat_at = models.DateTimeField(_("dernier signe du processus"), null=True, blank=True)
    #: The URL (a GET) that started the job, offered again if its worker stopped; blank when the
    #: job came from a form (an import: the user sends the file again from ``back_url``).
    restart_url = models.CharField(_("page qui relance"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="jobs_job_expires_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="jobs_job_state_valid"
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="jobs_job_unit_valid"),
            models.CheckConstraint(
                condition=Q(total=0) | Q(done__lte=models.F("total")),
                name="jobs_job_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def waiting_for_worker(self) -> bool:
        """Still queued after ``JOB_NO_WORKER_SECONDS``: no worker has taken it."""
        waited = (timezone.now() - self.created_at).total_seconds()
        return self.state == self.State.QUEUED and waited >= settings.JOB_NO_WORKER_SECONDS

    @property
    def is_stale(self) -> bool:
        """Running, and no sign of life from its worker for ``JOB_STALE_SECONDS``."""
        last = self.heartbeat_at or self.started_at
        return (
            self.state == self.State.RUNNING
            and last is not None
            and timezone.now() - last > stale_after()
        )

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def unit_words(self) -> str:
        if self.unit == self.Unit.ROWS:
            return ngettext("ligne", "lignes", self.total)
        return ngettext("étape", "étapes", self.total)
