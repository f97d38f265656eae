"""The worker warms up when it starts (``manage.py db_worker`` is jobs' own, which runs
``jobs.services.warm_up_worker`` before django-tasks' worker): the first PDF briefing of a worker
then takes as long as the next ones (docs/BENCHMARKS.md)."""

from __future__ import annotations

import logging

import pytest
from django.core.management import get_commands

from cockpit.background import load_weasyprint
from jobs import services


@pytest.mark.parametrize("worker", ["db_worker", "rqworker"])
def test_manage_py_workers_are_the_jobs_commands_that_warm_up_first(worker):
    assert get_commands()[worker] == "jobs"


def test_the_briefing_declares_its_warm_up():
    assert load_weasyprint in services.WARM_UPS


def test_warm_up_runs_each_declared_one_and_logs_a_failure_without_stopping(monkeypatch, caplog):
    called = []

    def failing():
        raise OSError("no fonts")

    monkeypatch.setattr(services, "WARM_UPS", [failing, lambda: called.append(True)])
    with caplog.at_level(logging.ERROR, logger="jobs.services"):
        services.warm_up_worker()
    assert called == [True]
    assert "Warming up" in caplog.text and "failing" in caplog.text


def test_briefing_warm_up_renders_a_page_in_the_briefings_stylesheet(db):
    load_weasyprint()  # raises BriefingFailed if WeasyPrint cannot render the page
