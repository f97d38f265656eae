"""An update round (campagne de mise à jour): the secretariat asks every owner of a strategy's open
projects and indicators to bring them up to date by a deadline, through a personal link.

A link is a random token (``secrets.token_urlsafe(32)``) of which only the SHA-256 is stored; the
raw token only ever goes in the e-mail (``rounds.tasks``). Each mail issues a new token, which
revokes the previous one of that owner.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategies.models import Contact, Strategy
from workshops.models import Workshop


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Round(models.Model):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="rounds"
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounds",
        help_text=_("Facultatif : l'atelier que cette campagne prépare."),
    )
    deadline = models.DateField(_("délai de réponse"))
    message = models.TextField(
        _("message du secrétariat"), blank=True, help_text=_("Repris dans chaque e-mail.")
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouverte par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campagne de mise à jour")
        verbose_name_plural = _("campagnes de mise à jour")
        ordering = ("-opened_at",)

    def __str__(self) -> str:
        return _("Campagne du %(date)s – %(strategy)s") % {
            "date": timezone.localtime(self.opened_at).strftime("%d.%m.%Y"),
            "strategy": self.strategy,
        }

    def clean(self) -> None:
        if self.workshop_id and self.strategy_id and self.workshop.strategy_id != self.strategy_id:
            raise ValidationError(
                {"workshop": _("Cet atelier appartient à une autre stratégie que la campagne.")}
            )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundOwner(models.Model):
    """One contact asked in one round: the mail sent, the link visited, the answer."""

    round = models.ForeignKey(
        Round, verbose_name=_("campagne"), on_delete=models.CASCADE, related_name="owners"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="round_owners"
    )
    email = models.EmailField(_("e-mail utilisé"), max_length=254)
    #: SHA-256 of the current link's token; None before the first mail and once revoked.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("lien ouvert le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    nothing_to_change = models.BooleanField(_("rien à signaler"), default=False)
    reminded_at = models.DateTimeField(_("relancé le"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("relances"), default=0)

    class Meta:
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        ordering = ("round", "contact__name")
        constraints = [
            models.UniqueConstraint(
                fields=("round", "contact"), name="round_owner_unique_contact_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} <{self.email}>"
