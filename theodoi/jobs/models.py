"""What a page knows of a job: its state, progress, result and the files it was given."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

RUNNING, DONE, FAILED = "running", "done", "failed"


class Job(models.Model):
    """One piece of queued work (today: reading uploaded files into a plan).

    The row is the job's only state: the web request that queued it, the worker that runs
    it and the page that polls it may be three processes on three machines. `stored` holds
    the storage names of the uploads, so a job cut by a restart still has its files until
    the cleanup removes them; `worker` names the worker that took it (or, in the embedded
    mode, the process whose in-memory queue holds it).
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "import"

    class State(models.TextChoices):
        RUNNING = RUNNING, "running"  # waiting in the queue (phase "waiting") or being run
        DONE = DONE, "done"
        FAILED = FAILED, "failed"

    id = models.CharField(max_length=32, primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IMPORT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    plan_id = models.BigIntegerField(null=True, blank=True)  # the plan a correction is for
    names = models.JSONField(default=list, blank=True)
    stored = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=RUNNING)
    phase = models.CharField(max_length=20, default="waiting")  # waiting, reading, merging
    step = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    uncertain = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    import_id = models.BigIntegerField(null=True, blank=True)  # the PlanImport written
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes: ClassVar = [
            models.Index(fields=["state", "created_at"], name="jobs_state_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} {self.state}"

    @property
    def steps(self) -> int:
        """Files to read, plus merging them when there are several."""
        return len(self.names) + (1 if len(self.names) > 1 else 0)

    @property
    def percent(self) -> int:
        """How far the job is, 0-100."""
        if self.state != RUNNING:
            return 100
        return round(100 * self.step / max(1, self.steps))

    @property
    def elapsed(self) -> int:
        """Seconds since the job was queued (until it finished)."""
        end = self.finished_at or timezone.now()
        return max(0, int((end - self.created_at).total_seconds()))

    @property
    def current_name(self) -> str:
        """The name of the file being read."""
        return self.names[min(self.step, len(self.names) - 1)] if self.names else ""

    @property
    def folder(self) -> str:
        """The storage prefix that holds this job's uploads."""
        return f"imports/{self.id}"
