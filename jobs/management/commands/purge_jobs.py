"""``manage.py purge_jobs``: delete the background jobs past their retention and their files
(each job run also does it; run this daily when jobs are rare)."""

from django.core.management.base import BaseCommand

from jobs.services import purge_expired


class Command(BaseCommand):
    help = "Supprime les tâches de fond expirées et leurs fichiers."

    def handle(self, *args, **options) -> None:
        count = purge_expired()
        self.stdout.write(f"{count} job(s) purged")
