"""The Celery application: `celery -A theodoi.jobs worker` and `celery -A theodoi.jobs beat`.

Configured from Django's settings (the CELERY_* names, from the environment: DEPLOY.md).
The beat schedule holds the periodic jobs; a site without beat runs the same work from cron
(`theodoi remind`, `theodoi statuses refresh`, `theodoi jobs cleanup`).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")

app = Celery("theodoi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ("theodoi.jobs.tasks",)
# Times are the project's time zone (Asia/Ho_Chi_Minh): reminders go out in the morning.
app.conf.beat_schedule = {
    "remind": {"task": "theodoi.remind", "schedule": crontab(hour="7", minute="0")},
    "statuses-refresh": {"task": "theodoi.statuses_refresh",
                         "schedule": crontab(hour="0", minute="10")},
    "jobs-cleanup": {"task": "theodoi.jobs_cleanup", "schedule": crontab(hour="3", minute="0")},
    # Notices are news (a returned report): mailed within minutes, not with the morning digest.
    "send-notices": {"task": "theodoi.send_notices", "schedule": crontab(minute="*/10")},
}


# The node name of the worker this process runs (a prefork pool's children inherit it).
# A task's request names only the machine when the pool is solo or threads.
current_worker = ""


@worker_init.connect
def _remember_name(sender: Any = None, **_: Any) -> None:
    """Keep the worker's node name for the jobs it takes."""
    global current_worker
    current_worker = getattr(sender, "hostname", "") or ""


@worker_ready.connect
def _recover_on_start(sender: Any = None, **_: Any) -> None:
    """Jobs a previous run of this worker left running died with it: mark them failed."""
    from theodoi.jobs import housekeeping

    hostname = getattr(sender, "hostname", "") or ""
    if hostname and not hostname.startswith(housekeeping.EMBEDDED_PREFIX):
        housekeeping.recover_worker(hostname)
