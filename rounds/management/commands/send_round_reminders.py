"""Remind the owners of open update rounds who have not answered: N days before the deadline
(``ROUND_REMINDER_DAYS_BEFORE``, 3) and the day after it. For a daily timer; running it twice the
same day reminds nobody twice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rounds import services
from rounds.models import Round


def _day(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError as error:
        raise CommandError(f"--today: dd.mm.yyyy expected, not {text!r}") from error


class Command(BaseCommand):
    help = "Relance les destinataires des campagnes ouvertes qui n'ont pas répondu."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, help="le jour à considérer (dd.mm.yyyy)")

    def handle(self, *args, today: datetime.date | None = None, **options):
        now = timezone.now()
        if today is not None:
            now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
        today = timezone.localtime(now).date()
        before = datetime.timedelta(days=settings.ROUND_REMINDER_DAYS_BEFORE)
        total = 0
        rounds = Round.objects.filter(closed_at__isnull=True).select_related("strategy")
        for round_ in rounds:
            if today in (round_.deadline - before, round_.deadline + datetime.timedelta(days=1)):
                count = services.remind(round_, now=now)
                total += count
                self.stdout.write(f"{round_}: {count}")
        self.stdout.write(f"{total} reminder(s)")
