"""The RQ task backend across two app servers (issue 19, item 4): ``TASKS_BACKEND=rq`` on the
servers' Redis database, one ``rqworker --job-class django_tasks_rq.Job`` in a folder of its own.
A task enqueued by one server runs in the worker and what it did is read on the other."""

from __future__ import annotations

import subprocess

from strategies.models import Territory
from tests.servers.harness import RESET_EMAIL, RQ_TERRITORY, Browser

ENQUEUE = """
from strategies.models import Territory
from tests.tasks import rename_territory
territory = Territory.objects.get(name={name!r})
print("RESULT", rename_territory.enqueue(territory.pk, "Renommé par RQ").id)
"""

# The result's id comes on standard input, once A has enqueued it.
READ = """
import time
from tests.tasks import rename_territory
result_id = input().strip()
for _ in range(150):
    result = rename_territory.get_result(result_id)
    if result.is_finished:
        break
    time.sleep(0.2)
print("STATUS", result.status, result.return_value if result.status == "SUCCESSFUL" else "")
"""


def marked_line(process: subprocess.Popen, given: str | None = None) -> str:
    output, errors = process.communicate(given, timeout=180)
    assert process.returncode == 0, errors[-3000:]
    return next(line for line in output.splitlines() if line.startswith(("RESULT", "STATUS")))


def test_a_task_enqueued_on_a_runs_in_the_rq_worker_and_is_read_on_b(rq_servers, db):
    a, b = rq_servers.bases
    # Two processes with the settings of A and of B (Django starts in both meanwhile).
    reader = rq_servers.spawn("b", "shell", "--no-imports", "-c", READ)
    enqueuer = rq_servers.spawn(
        "a", "shell", "--no-imports", "-c", ENQUEUE.format(name=RQ_TERRITORY)
    )

    # Server A's web process enqueues the reset mail; the RQ worker sends it; B opens its link.
    browser = Browser()
    assert browser.post(f"{a}/comptes/password_reset/", {"email": RESET_EMAIL}).status == 302
    link = rq_servers.wait_for_output("worker", r"http://127\.0\.0\.1:\d+(/comptes/reset/\S+/)")
    assert browser.get(f"{b}{link.group(1)}").status == 302

    # A task enqueued with A's settings; its result read with B's.
    result_id = marked_line(enqueuer).split()[1]
    assert marked_line(reader, f"{result_id}\n") == "STATUS SUCCESSFUL Renommé par RQ"
    assert Territory.objects.filter(name="Renommé par RQ").exists()
