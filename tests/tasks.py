"""A small task for the tests of the task queue (tests/cockpit/test_task_queue.py)."""

from django_tasks import task

from strategies.models import Territory


@task()
def rename_territory(territory_id: int, name: str) -> str:
    """Renames a territory, returns its new name: a side effect and a result to check."""
    Territory.objects.filter(pk=territory_id).update(name=name)
    return name
