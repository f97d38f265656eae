"""``manage.py unlock_account NAME``: lift the lock of an account after too many failed logins,
both the lock across addresses (cockpit/login_limits.py) and axes' per-address ones."""

from __future__ import annotations

from axes.utils import reset
from django.core.management.base import BaseCommand

from cockpit.login_limits import unlock_account


class Command(BaseCommand):
    help = "Débloque un compte après trop d'essais de connexion manqués (tous postes)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="le nom d'utilisateur")

    def handle(self, *args, username: str, **options):
        unlock_account(username)
        attempts = reset(username=username)
        self.stdout.write(f"{username}: unlocked ({attempts} axes records removed)")
