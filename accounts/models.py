"""Personal API tokens: a member reads the JSON API (``api/``) with ``Authorization: Bearer
<token>``, scoped to the territories where the member holds a membership.

A token is a random string (``secrets.token_urlsafe(32)``, behind a short readable prefix) of which
only the SHA-256 is stored, like an update round's link (``rounds.models.hash_token``): it is shown
once, on the account page, right after it is created. Revoking keeps the row (when it was created,
last used and revoked) and refuses the token from then on.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rounds.models import hash_token

#: What every token starts with, so that a token pasted in the wrong place is recognisable.
TOKEN_PREFIX = "ctk_"


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def for_user(self, user) -> ApiTokenQuerySet:
        return self.filter(user=user)

    def find(self, raw: str) -> ApiToken | None:
        """The active token whose secret is ``raw`` (None for an unknown or revoked one)."""
        if not raw:
            return None
        return self.active().select_related("user").filter(token_hash=hash_token(raw)).first()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("À quoi sert ce jeton (ex. tableau de bord).")
    )
    token_hash = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    #: The first characters of the token, to tell the tokens apart on the account page.
    hint = models.CharField(_("début du jeton"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ("user", "-created_at")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``: the row and the raw secret, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(raw), hint=raw[: len(TOKEN_PREFIX) + 4]
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
