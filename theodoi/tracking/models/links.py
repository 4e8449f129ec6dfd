"""Links between a task and the task of a parent plan it implements (the cascade)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from theodoi.tracking.models.plans import Task


class TaskLink(models.Model):
    """`task` implements `parent` (a task of a plan its plan says it implements), or, for a
    duplicate, `task` and `parent` are the same work given twice to one agency (`task` the
    older row): proposed by theodoi from the texts, then confirmed or rejected by a
    coordinator, who is kept."""

    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", "Thực hiện"
        DUPLICATE = "duplicate", "Trùng lặp"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Đề xuất"
        CONFIRMED = "confirmed", "Đã xác nhận"
        REJECTED = "rejected", "Không đúng"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="child_links")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IMPLEMENTS,
                            db_index=True)
    score = models.FloatField(default=0.0)  # text similarity when proposed (0-1)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED,
                             db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("task", "parent"),
                                               name="tracking_tasklink_once"),)
        ordering = ("task_id", "-score")

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.parent_id} ({self.state})"
