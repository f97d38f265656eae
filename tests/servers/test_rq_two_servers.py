"""The RQ task backend across two app servers (issue 19, item 4): ``TASKS_BACKEND=rq`` on the
servers' Redis database, one ``rqworker --job-class django_tasks_rq.Job`` in a folder of its own.
A task enqueued by one server runs in the worker and what it did is read on the other."""

from __future__ import annotations

from strategies.models import Territory
from tests.servers.conftest import RESET_EMAIL, RQ_TERRITORY
from tests.servers.harness import Browser

ENQUEUE = """
from strategies.models import Territory
from tests.tasks import rename_territory
territory = Territory.objects.get(name={name!r})
print("RESULT", rename_territory.enqueue(territory.pk, "Renommé par RQ").id)
"""

READ = """
import time
from django_tasks import TaskResultStatus
from tests.tasks import rename_territory
for _ in range(150):
    result = rename_territory.get_result({result_id!r})
    if result.is_finished:
        break
    time.sleep(0.2)
print("STATUS", result.status, result.return_value if result.status == "SUCCESSFUL" else "")
"""


def shell(servers, name: str, script: str) -> str:
    output = servers.manage(name, "shell", "--no-imports", "-c", script)
    return next(line for line in output.splitlines() if line.startswith(("RESULT", "STATUS")))


def test_a_task_enqueued_on_a_runs_in_the_rq_worker_and_is_read_on_b(rq_servers, db):
    a, b = rq_servers.bases
    browser = Browser()
    assert browser.post(f"{a}/comptes/password_reset/", {"email": RESET_EMAIL}).status == 302
    link = rq_servers.wait_for_output("worker", r"http://127\.0\.0\.1:\d+(/comptes/reset/\S+/)")
    assert browser.get(f"{b}{link.group(1)}").status == 302

    result_id = shell(rq_servers, "a", ENQUEUE.format(name=RQ_TERRITORY)).split()[1]
    assert shell(rq_servers, "b", READ.format(result_id=result_id)) == (
        "STATUS SUCCESSFUL Renommé par RQ"
    )
    assert Territory.objects.filter(name="Renommé par RQ").exists()
