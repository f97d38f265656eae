"""``migrate``, Django's, except that ``migrate --database jobs`` does nothing when the jobs
alias is the main database (PostgreSQL, ``JOBS_DATABASE_SHARED``): ``migrate`` made the jobs'
table there already, and the other apps' data migrations, which use the main connection, would
wait for ever on the tables the jobs connection holds in its own transaction. On SQLite it
migrates the jobs' file (``jobs/router.py``)."""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand

from jobs.router import JOBS_DB


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["database"] == JOBS_DB and settings.JOBS_DATABASE_SHARED:
            if options["verbosity"]:
                self.stdout.write("The jobs' database is the main one: nothing to migrate.")
            return
        return super().handle(*args, **options)
