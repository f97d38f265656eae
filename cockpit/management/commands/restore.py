"""``manage.py restore FILE``: replace every row of the database by the backup ``FILE`` (written by
``backup``), in one transaction: if the file cannot be loaded whole, nothing changes.

The database must be migrated to the same version as the one saved. Use ``--noinput`` in
scripts; otherwise the command asks for confirmation, since the current data is erased.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import BaseCommand, CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Command(BaseCommand):
    help = (
        "Remplace toutes les données par celles d'une sauvegarde (« backup »), en une seule "
        "transaction : en cas d'erreur, rien ne change."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="La sauvegarde (.xml.gz, ou .json de Django).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ne pas demander de confirmation.",
        )

    def handle(self, *args, file: str, interactive: bool = True, **options) -> None:
        if not Path(file).is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        if interactive:
            answer = input(
                "Toutes les données actuelles seront remplacées par la sauvegarde. "
                "Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée : rien n'a changé.")
        connection = connections[DEFAULT_DB_ALIAS]
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            if connection.vendor == "postgresql":
                # TRUNCATE refuses tables with foreign-key checks still pending in this
                # transaction: run them now; loading then defers them again until the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # flush empties every table, then recreates content types and permissions (the
            # post-migrate signal), which the backup names by their natural keys.
            call_command("flush", interactive=False, verbosity=0)
            # The recreated content types have new ids: forget those this process cached, or
            # the permissions named by natural key would be looked up under the old ids.
            ContentType.objects.clear_cache()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            call_command("loaddata", file, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Données restaurées depuis {file}."))
