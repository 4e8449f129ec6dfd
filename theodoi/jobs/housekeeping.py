"""Jobs that died with their worker, and uploads nobody needs any more."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from theodoi.jobs.models import DONE, FAILED, RUNNING, Job

log = logging.getLogger(__name__)

EMBEDDED_PREFIX = "embedded-"
# Shown on the import page; one Vietnamese line, as every user-facing error.
INTERRUPTED = ("Việc đọc tệp bị gián đoạn vì máy chủ đã khởi động lại; "
               "hãy tải tệp lên lại.")
UNQUEUED = "Hàng đợi công việc đang không phản hồi; hãy tải tệp lên lại sau ít phút."
STALE = "Việc đọc tệp không có phản hồi quá lâu nên đã dừng; hãy tải tệp lên lại."


def fail(jobs: object, message: str) -> int:
    """Mark the running jobs of queryset `jobs` failed with `message`; how many."""
    return jobs.filter(state=RUNNING).update(  # type: ignore[attr-defined]
        state=FAILED, error=message, finished_at=timezone.now())


def recover_worker(hostname: str) -> int:
    """Fail the jobs left running by an earlier run of the worker called `hostname`."""
    count = fail(Job.objects.filter(worker=hostname), INTERRUPTED)
    if count:
        log.warning("%d job(s) of %s were cut by a restart", count, hostname)
    return count


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_embedded(current: str) -> int:
    """Fail the jobs of embedded workers (serving processes) on this host that are gone.

    An embedded worker is called `embedded-PID-TOKEN@HOST`: its queue lived in that
    process's memory, so its jobs died with it. A job of this very PID under another token
    is a previous process that had the same PID.
    """
    host = current.rsplit("@", 1)[-1]
    pid_now, token_now = current[len(EMBEDDED_PREFIX):].split("@")[0].split("-")[:2]
    dead = []
    candidates = Job.objects.filter(state=RUNNING, worker__startswith=EMBEDDED_PREFIX,
                                    worker__endswith=f"@{host}").exclude(worker=current)
    for name in candidates.values_list("worker", flat=True).distinct():
        try:
            pid, token = name[len(EMBEDDED_PREFIX):].split("@")[0].split("-")[:2]
            alive = pid != pid_now and _pid_alive(int(pid))
        except ValueError:
            alive = False
        if not alive or (pid == pid_now and token != token_now):
            dead.append(name)
    count = fail(Job.objects.filter(worker__in=dead), INTERRUPTED) if dead else 0
    if count:
        log.warning("%d job(s) of stopped serving processes were cut by a restart", count)
    return count


@dataclass
class Cleanup:
    """What a cleanup did."""

    stale: int = 0
    files_removed: int = 0
    jobs_deleted: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def touched(self) -> int:
        return self.stale + self.jobs_deleted


def remove_files(job: Job) -> int:
    """Delete the stored uploads of `job` and forget them; how many files went."""
    removed = 0
    for name in job.stored:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                removed += 1
        except OSError as exc:  # one bad file must not stop the others
            log.warning("could not remove %s: %s", name, exc)
    if job.stored:
        Job.objects.filter(pk=job.pk).update(stored=[])
        job.stored = []
    return removed


def cleanup(days: int | None = None, stale_seconds: int | None = None) -> Cleanup:
    """Fail jobs not heard from in `stale_seconds`, remove the uploads of failed jobs, and
    delete jobs (with their uploads) finished more than `days` days ago."""
    days = settings.JOBS_KEEP_DAYS if days is None else days
    stale_seconds = settings.JOBS_STALE_SECONDS if stale_seconds is None else stale_seconds
    now = timezone.now()
    outcome = Cleanup()
    quiet_since = now - timedelta(seconds=stale_seconds)
    outcome.stale = fail(
        Job.objects.filter(Q(heartbeat_at__lt=quiet_since)
                           | Q(heartbeat_at__isnull=True, created_at__lt=quiet_since)),
        STALE)
    for job in Job.objects.filter(state=FAILED).exclude(stored=[]):
        outcome.files_removed += remove_files(job)
    old = Job.objects.filter(state__in=[DONE, FAILED], finished_at__lt=now - timedelta(days=days))
    for job in old:
        outcome.files_removed += remove_files(job)
    outcome.jobs_deleted = old.delete()[0]
    return outcome
