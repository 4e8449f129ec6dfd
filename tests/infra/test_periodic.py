"""Periodic jobs: the beat schedule names registered tasks, and the reminders task sent
through Redis to a worker mails each agency once per period (a real SMTP server)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine

from tests.outputs.conftest import at, reported_plan  # noqa: F401
from tests.outputs.test_reminders import contacts, smtp  # noqa: F401
from theodoi.jobs import tasks
from theodoi.jobs.celery import app
from theodoi.jobs.models import FAILED, RUNNING, Job
from theodoi.outputs.models import ReminderLog


def test_every_scheduled_job_is_a_registered_task_documented_with_its_cron_command() -> None:
    from tests.infra.conftest import ROOT

    app.loader.import_default_modules()
    doc = (ROOT / "DEPLOY.md").read_text(encoding="utf-8")
    assert set(app.conf.beat_schedule) == {"remind", "statuses-refresh", "jobs-cleanup",
                                             "send-notices"}
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
        assert f"`{entry['task']}`" in doc


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_reminders_job_runs_on_a_worker_and_sends_once_per_period(
        contacts: Any, smtp: Any, redis_url: str, broker_worker: Any) -> None:  # noqa: F811
    broker_worker(redis_url, hostname="beat-test@localhost")
    with time_machine.travel(at(2024, 6, 20), tick=True):
        tasks.remind.delay()
        deadline = time.monotonic() + 60
        while len(smtp.envelopes) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(smtp.envelopes) == 3
        assert ReminderLog.objects.count() == 3
        tasks.remind.delay()  # the same period again: nothing twice
        # A job behind it on the one-at-a-time worker: once its effect shows, the second
        # reminders run is over.
        marker = Job.objects.create(id="marker", names=["x"], created_at=at(2024, 1, 1))
        tasks.jobs_cleanup.delay()
        while marker.state == RUNNING and time.monotonic() < deadline:
            time.sleep(0.1)
            marker.refresh_from_db()
        assert marker.state == FAILED
    assert len(smtp.envelopes) == 3
    assert ReminderLog.objects.count() == 3
