"""The task definitions: each calls a plain function of the project."""

from __future__ import annotations

import logging

# The project's app, not shared_task: a web process that never imported the app would
# bind the tasks to Celery's default app and send them to its default broker.
from theodoi.jobs.celery import app

log = logging.getLogger(__name__)


@app.task(name="theodoi.import_files", bind=True, ignore_result=True)
def import_files(self: object, job_id: str) -> None:
    """Read the uploads of job `job_id` into a plan (theodoi.web.imports.run)."""
    from theodoi.jobs import celery
    from theodoi.web import imports

    hostname = getattr(getattr(self, "request", None), "hostname", None) or ""
    imports.run(job_id, worker=hostname if "@" in hostname else celery.current_worker)


@app.task(name="theodoi.remind", ignore_result=True)
def remind() -> int:
    """Send the reminders due today (once per period: `theodoi remind`); the count sent."""
    from theodoi.outputs.reminders import send_reminders
    from theodoi.tracking.models import today

    outcome = send_reminders(today())
    if outcome.failed:
        log.warning("reminders: %d failed", len(outcome.failed))
    return len(outcome.sent)


@app.task(name="theodoi.send_notices", ignore_result=True)
def send_notices() -> int:
    """Mail the notices not mailed yet (`theodoi notices send`); the count mailed."""
    from theodoi.notices.mail import send_notices as send

    outcome = send()
    if outcome.failed:
        log.warning("notices: %d failed", len(outcome.failed))
    return len(outcome.sent)


@app.task(name="theodoi.statuses_refresh", ignore_result=True)
def statuses_refresh() -> int:
    """Re-judge the statuses whose next change date has passed (`theodoi statuses refresh`)."""
    from theodoi.cli import main

    try:
        return main(["statuses", "refresh"])
    except SystemExit as exc:  # a build without the command: say so, do not crash the worker
        log.warning("`theodoi statuses refresh` is not available (%s)", exc.code)
        return 2


@app.task(name="theodoi.jobs_cleanup", ignore_result=True)
def jobs_cleanup() -> int:
    """Fail stale jobs and remove old uploads (`theodoi jobs cleanup`); the jobs touched."""
    from theodoi.jobs import housekeeping

    return housekeeping.cleanup().touched
