"""The workbook uploaded for a preview, kept on the server until it is confirmed.

The browser never names the file: the upload is kept in the storage every process and server of
the installation shares (``spreadsheets.uploads``: the database's ``uploads`` cache, or Redis),
and the user's session (kept on the server) holds, per strategy, the upload's signed reference,
bound to the user, the strategy and the workbook and valid ``SPREADSHEET_IMPORT_CONFIRM_MAX_AGE``
seconds. The confirmation, on whichever server, takes the file of this user's session for this
strategy, or nothing, and says why. A new upload replaces the previous one; a preview never
confirmed expires with the cache entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext

from spreadsheets import uploads as shared
from strategies.models import Strategy

SESSION_KEY = "workbook_uploads"
KIND = "workbook"


@dataclass(frozen=True)
class Upload:
    """A stored upload: its content and the name it had on the user's computer."""

    content: bytes
    name: str


class Refused(Exception):
    """No upload to confirm for this strategy; ``str()`` says why, for the user."""


def keep(request: HttpRequest, strategy: Strategy, content: bytes, name: str) -> None:
    """Store ``content`` for ``strategy``'s confirmation by this user (replacing an earlier
    upload)."""
    forget(request, strategy)
    token = shared.keep(content, user=request.user, strategy=strategy, kind=KIND, file=name[:200])
    references = dict(request.session.get(SESSION_KEY, {}))
    references[str(strategy.pk)] = token
    request.session[SESSION_KEY] = references


def token_of(request: HttpRequest, strategy: Strategy) -> str | None:
    """The signed reference of the upload kept for ``strategy`` (a background job takes the
    upload with it, outside the session)."""
    token = request.session.get(SESSION_KEY, {}).get(str(strategy.pk))
    return token if isinstance(token, str) else None


def take_for_job(token: str, *, user, strategy: Strategy) -> Upload:
    """The upload of ``token`` for a background job run for ``user``; ``Refused`` otherwise."""
    try:
        content, kept = shared.take(token, user=user, strategy=strategy, kind=KIND)
    except shared.RefusedUpload as refusal:
        raise Refused(str(refusal)) from None
    return Upload(content, kept.get("file", ""))


def take(request: HttpRequest, strategy: Strategy) -> Upload:
    """The upload this user's session keeps for ``strategy``, intact; ``Refused`` otherwise."""
    token = request.session.get(SESSION_KEY, {}).get(str(strategy.pk))
    if not isinstance(token, str):
        raise Refused(
            gettext(
                "Le classeur de l'aperçu n'est plus disponible : rien n'a été importé. "
                "Chargez-le à nouveau."
            )
        )
    try:
        content, kept = shared.take(token, user=request.user, strategy=strategy, kind=KIND)
    except shared.RefusedUpload as refusal:
        raise Refused(str(refusal)) from None
    return Upload(content, kept.get("file", ""))


def forget(request: HttpRequest, strategy: Strategy) -> None:
    """Remove the upload kept for ``strategy`` (after its confirmation, or before another)."""
    references = dict(request.session.get(SESSION_KEY, {}))
    token = references.pop(str(strategy.pk), None)
    if token is None:
        return
    request.session[SESSION_KEY] = references
    if isinstance(token, str):
        shared.discard(token)
