"""``rqworker``, django-rq's (``TASKS_BACKEND=rq``), that first warms up what the jobs load on
first use (``jobs.services.warm_up_worker``), as ``db_worker`` does: RQ forks a work horse per
job from this process, so each job finds WeasyPrint, its fonts and the URLs loaded."""

from django_rq.management.commands.rqworker import Command as WorkerCommand

from jobs.services import warm_up_worker


class Command(WorkerCommand):
    def handle(self, *args, **options):
        warm_up_worker()
        return super().handle(*args, **options)
