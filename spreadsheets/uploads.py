"""Uploads kept on the server between an import's preview and its confirmation.

The file goes into the ``uploads`` cache (a table of the database, or Redis when ``REDIS_URL`` is
set): storage that every process and every server of the installation shares, so that a preview
shown by one worker or server can be confirmed on another, and never a folder of one machine. It
is stored under a random name, and the confirmation gets back a *reference*: a token signed with
the secret key (``django.core.signing.TimestampSigner``) carrying that name, the user, the
strategy, what is imported (a model, the workbook), the digest of the content and whatever the
caller adds. ``take`` gives the content back only for that user, strategy and kind of import,
before ``SPREADSHEET_IMPORT_CONFIRM_MAX_AGE`` seconds; otherwise it raises ``RefusedUpload``
with a message for the user, and touches nothing. A name the browser makes up is never read.

``SharedUploadStorage`` is the same storage in the shape of import-export's temporary storages
(``IMPORT_EXPORT_TMP_STORAGE_CLASS``): its ``CacheStorage`` on our cache alias, with the expiry
of the setting, and a missing file reported as such.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext, ngettext
from import_export.tmp_storages import BaseStorage

#: The alias in ``CACHES`` (cockpit/settings.py).
CACHE = "uploads"
KEY_PREFIX = "upload-"
SALT = "spreadsheets.uploads.reference"
#: The rows read from an upload, kept beside it under the digest of its content
#: (``keep_rows``); the version changes whenever ``spreadsheets.reader`` reads a file differently,
#: so that rows read by an older reader are never used.
ROWS_PREFIX = "rows-1-"


class RefusedUpload(Exception):
    """A reference that is not this user's, for this strategy and import, or no longer valid;
    ``str()`` is the message for the user (translated)."""


def max_age() -> int:
    return settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE


def valid_name(name: str) -> bool:
    """A name ``save`` gives (32 hexadecimal digits), never a path."""
    return len(name) == 32 and all(char in "0123456789abcdef" for char in name)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class SharedUploadStorage(BaseStorage):
    """import-export's temporary storage, in the shared ``uploads`` cache."""

    def _key(self) -> str:
        if not self.name or not valid_name(self.name):
            raise FileNotFoundError(self.name)
        return KEY_PREFIX + self.name

    def save(self, data: bytes) -> None:
        if not self.name:
            self.name = secrets.token_hex(16)
        # A minute beyond the reference's age, so that a valid reference finds its file.
        caches[CACHE].set(self._key(), bytes(data), timeout=max_age() + 60)

    def read(self) -> bytes:
        data = caches[CACHE].get(self._key())
        if data is None:
            raise FileNotFoundError(self.name)
        self.sha256 = digest(data)
        return data

    def remove(self) -> None:
        """The file, and the rows kept with it when it was read by this storage."""
        keys = [self._key()]
        if getattr(self, "sha256", None):
            keys.append(ROWS_PREFIX + self.sha256)
        caches[CACHE].delete_many(keys)


def keep_rows(content: bytes, rows: tuple) -> None:
    """The rows read from an upload (what ``spreadsheets.formats.SpreadsheetFile`` makes of it),
    kept as long as the upload, so that its confirmation does not read the file again. They are
    found by the digest of the content: only the server writes this storage, and a content has
    one reading."""
    caches[CACHE].set(ROWS_PREFIX + digest(content), rows, timeout=max_age() + 60)


def kept_rows(content: bytes) -> tuple | None:
    """The rows ``keep_rows`` kept for this content, or None."""
    return caches[CACHE].get(ROWS_PREFIX + digest(content))


def reference(name: str, *, user, strategy, kind: str, **extra: Any) -> str:
    """The signed reference of an upload stored under ``name``."""
    payload = {"name": name, "user": user.pk, "strategy": strategy.pk, "kind": kind, **extra}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def read_reference(token: str, *, user, strategy, kind: str) -> dict[str, Any]:
    """What ``reference`` signed, once checked against the user, the strategy and the kind of
    import; ``RefusedUpload`` otherwise."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age())
    except signing.SignatureExpired:
        minutes = max(1, max_age() // 60)
        raise RefusedUpload(
            ngettext(
                "Cet aperçu date de plus de %(minutes)s minute : rien n'a été importé. "
                "Chargez le fichier à nouveau.",
                "Cet aperçu date de plus de %(minutes)s minutes : rien n'a été importé. "
                "Chargez le fichier à nouveau.",
                minutes,
            )
            % {"minutes": minutes}
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise RefusedUpload(
            gettext(
                "Cette confirmation ne correspond à aucun aperçu : rien n'a été importé. "
                "Chargez le fichier à nouveau."
            )
        ) from None
    if not isinstance(payload, dict) or payload.get("kind") != kind:
        raise RefusedUpload(
            gettext(
                "Cette confirmation ne correspond à aucun aperçu : rien n'a été importé. "
                "Chargez le fichier à nouveau."
            )
        )
    if payload.get("user") != user.pk:
        raise RefusedUpload(
            gettext(
                "Cet aperçu a été préparé par un autre compte : rien n'a été importé. Chargez "
                "le fichier à nouveau."
            )
        )
    if strategy is None or payload.get("strategy") != strategy.pk:
        raise RefusedUpload(
            gettext(
                "Cet aperçu a été préparé pour une autre stratégie : rien n'a été importé. "
                "Chargez le fichier à nouveau."
            )
        )
    return payload


def keep(content: bytes, *, user, strategy, kind: str, **extra: Any) -> str:
    """Store ``content`` and return its reference."""
    storage = SharedUploadStorage()
    storage.save(content)
    return reference(
        storage.name, user=user, strategy=strategy, kind=kind, sha256=digest(content), **extra
    )


def take(token: str, *, user, strategy, kind: str) -> tuple[bytes, dict[str, Any]]:
    """The content a reference names, and what it carries; ``RefusedUpload`` when the reference
    is not valid for this user, strategy and kind, or the file is gone or changed."""
    payload = read_reference(token, user=user, strategy=strategy, kind=kind)
    try:
        content = SharedUploadStorage(name=str(payload.get("name", ""))).read()
    except FileNotFoundError:
        content = None
    if content is None or digest(content) != payload.get("sha256"):
        raise RefusedUpload(
            gettext(
                "Le fichier de l'aperçu n'est plus disponible ou a changé : rien n'a été "
                "importé. Chargez-le à nouveau."
            )
        )
    return content, payload


def discard(token: str) -> None:
    """Remove the file of a reference signed here (after its confirmation, or when another
    upload replaces it); a reference not signed here removes nothing."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return
    if isinstance(payload, dict) and valid_name(str(payload.get("name", ""))):
        storage = SharedUploadStorage(name=payload["name"])
        storage.sha256 = str(payload.get("sha256") or "")
        storage.remove()
