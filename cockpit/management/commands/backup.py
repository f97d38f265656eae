"""``manage.py backup [--output FILE]``: the whole installation's data in one compressed file, for
SQLite as for PostgreSQL (``restore`` loads it back).

Django's XML serialisation, because it keeps every value exactly (its JSON one cuts times to the
millisecond, which would reorder the history written within one).

What is saved: every territory, strategy, project, indicator, workshop and their history, the
accounts, groups and memberships, the admin's log. What is not: what ``migrate`` recreates
(content types, permissions), sessions, and the failed-login records of django-axes.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.utils import timezone

#: Left out of a backup: rebuilt by ``migrate`` or short-lived.
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
)


class Command(BaseCommand):
    help = (
        "Sauvegarde toutes les données (territoires, stratégies, historique, comptes) dans un "
        "fichier XML compressé, à recharger avec « restore »."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            help="Fichier à écrire (.xml.gz) ; défaut : backups/cockpit_AAAA-MM-JJ_HHMMSS.xml.gz",
        )

    def handle(self, *args, output: str | None = None, **options) -> None:
        if output is None:
            stamp = timezone.localtime().strftime("%Y-%m-%d_%H%M%S")
            output = str(Path(settings.BASE_DIR) / "backups" / f"cockpit_{stamp}.xml.gz")
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        call_command(
            "dumpdata",
            format="xml",
            # Content types and permissions by name (``migrate`` numbers them anew); every other
            # row keeps its id, so that links and history stay exact.
            natural_foreign=True,
            exclude=list(EXCLUDED),
            output=output,
            verbosity=0,
        )
        size = Path(output).stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {output} ({size} octets)."))
