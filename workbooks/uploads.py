"""The workbook uploaded for a preview, kept on the server until it is confirmed.

The browser never names the file: the upload is stored under a random name in a folder of the
server's temporary directory (``WORKBOOK_UPLOAD_DIR`` overrides it), and the user's session (kept
on the server) holds, per strategy, that name, the user and the file's digest. The confirmation
takes the file of this user's session for this strategy, or nothing. A new upload replaces the
previous one; files older than a day are removed when another is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest

from strategies.models import Strategy

SESSION_KEY = "workbook_uploads"
#: Uploads left behind (a preview never confirmed) are removed after this many seconds.
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Upload:
    """A stored upload: its content and the name it had on the user's computer."""

    content: bytes
    name: str


def storage() -> FileSystemStorage:
    folder = getattr(settings, "WORKBOOK_UPLOAD_DIR", None) or (
        Path(tempfile.gettempdir()) / "cockpit-workbooks"
    )
    return FileSystemStorage(location=folder)


def valid(token: str) -> bool:
    """A name ``keep`` gives (32 hexadecimal digits), never a path."""
    return len(token) == 32 and all(char in "0123456789abcdef" for char in token)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def keep(request: HttpRequest, strategy: Strategy, content: bytes, name: str) -> None:
    """Store ``content`` for ``strategy``'s confirmation by this user (replacing an earlier
    upload)."""
    files = storage()
    forget(request, strategy)
    remove_stale(files)
    token = secrets.token_hex(16)
    files.save(f"{token}.xlsx", ContentFile(content))
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads[str(strategy.pk)] = {
        "token": token,
        "name": name[:200],
        "user": request.user.pk,
        "sha256": digest(content),
    }
    request.session[SESSION_KEY] = uploads


def take(request: HttpRequest, strategy: Strategy) -> Upload | None:
    """The upload this user's session keeps for ``strategy``, if it is still there, intact."""
    entry = request.session.get(SESSION_KEY, {}).get(str(strategy.pk))
    if not entry or entry.get("user") != request.user.pk:
        return None
    token = str(entry.get("token", ""))
    if not valid(token):
        return None
    files = storage()
    try:
        with files.open(f"{token}.xlsx", "rb") as stored:
            content = stored.read()
    except OSError:
        return None
    if digest(content) != entry.get("sha256"):
        return None
    return Upload(content, entry.get("name", ""))


def forget(request: HttpRequest, strategy: Strategy) -> None:
    """Remove the upload kept for ``strategy`` (after its confirmation, or before another)."""
    uploads = dict(request.session.get(SESSION_KEY, {}))
    entry = uploads.pop(str(strategy.pk), None)
    if entry is None:
        return
    request.session[SESSION_KEY] = uploads
    token = str(entry.get("token", ""))
    if valid(token):
        storage().delete(f"{token}.xlsx")


def remove_stale(files: FileSystemStorage) -> None:
    try:
        _folders, names = files.listdir("")
    except FileNotFoundError:
        return
    limit = time.time() - MAX_AGE
    for name in names:
        try:
            if name.endswith(".xlsx") and Path(files.path(name)).stat().st_mtime < limit:
                files.delete(name)
        except OSError:
            continue
