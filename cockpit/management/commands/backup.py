"""``manage.py backup [--output FILE]``: the whole installation's data in one compressed JSON file,
for SQLite as for PostgreSQL (``restore`` loads it back, on either engine).

Exact by design: a backup then a restore gives every covered table back row for row, byte for byte
(tests/cockpit/test_backup_restore.py compares them with raw SQL):

- JSON (Django's serializer), not XML: XML 1.0 cannot carry most control characters and its
  parsers turn a carriage return into a newline; JSON keeps every character, CR LF included.
- Datetimes and times with their microseconds (Django's JSON encoder cuts them to the
  millisecond, which would reorder the history written within one).
- Every row under its own id, content types and permissions included, so that the admin's log and
  the groups' permissions point at the same ids; the many-to-many link tables as tables of their
  own (ids kept), not re-created through the objects (which would number them anew).

What a backup covers (``covered_models``): every table of every installed app, history included,
except ``EXCLUDED``: sessions, django-axes' failed logins and lockouts, and the task queue
(``django_tasks_db``, whose queued mails would be sent again) with the background jobs'
progress (``jobs``, their own database alias). A restore empties those of the main database.
"""

from __future__ import annotations

import datetime
import gzip
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Left out of a backup (and emptied by a restore): short-lived or security records.
EXCLUDED = ("sessions", "axes", "django_tasks_db", "jobs")


def covered_models(using: str = DEFAULT_DB_ALIAS) -> list[type[Model]]:
    """The models whose rows a backup holds, content types and permissions first (the others
    point at them), each many-to-many link table included."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in EXCLUDED
        and model._meta.label_lower not in EXCLUDED
        and not model._meta.proxy
        and model._meta.managed
        and router.allow_migrate_model(using, model)
    ]
    first = ("contenttypes.contenttype", "auth.permission")
    return sorted(
        models,
        key=lambda model: first.index(label) if (label := model._meta.label_lower) in first else 2,
    )


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ExactSerializer(JSONSerializer):
    """Django's JSON serializer without the many-to-many fields: their link tables are saved as
    models of their own, with their ids."""

    def handle_m2m_field(self, obj, field) -> None:
        pass


def rows(using: str) -> Iterator[Model]:
    return itertools.chain.from_iterable(
        model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)
        for model in covered_models(using)
    )


def write_backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Every covered row, read in one transaction: on PostgreSQL a repeatable read, so that the
    file is one consistent snapshot even while the application writes."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), gzip.open(path, "wt", encoding="utf-8") as stream:
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        ExactSerializer().serialize(rows(using), stream=stream, cls=ExactJSONEncoder)


class Command(BaseCommand):
    help = gettext_lazy(
        "Sauvegarde toutes les données (territoires, stratégies, historique, comptes) dans un "
        "fichier JSON compressé, à recharger avec « restore »."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            help=_(
                "Fichier à écrire (.json.gz) ; défaut : backups/cockpit_AAAA-MM-JJ_HHMMSS.json.gz"
            ),
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help=_("Base de données à sauvegarder.")
        )

    def handle(self, *args, output: str | None = None, database: str, **options) -> None:
        if output is None:
            stamp = timezone.localtime().strftime("%Y-%m-%d_%H%M%S")
            output = str(Path(settings.BASE_DIR) / "backups" / f"cockpit_{stamp}.json.gz")
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_backup(path, database)
        self.stdout.write(
            self.style.SUCCESS(
                _("Sauvegarde écrite : %(file)s (%(size)s octets, %(seconds).1f s).")
                % {
                    "file": output,
                    "size": path.stat().st_size,
                    "seconds": time.perf_counter() - started,
                }
            )
        )
