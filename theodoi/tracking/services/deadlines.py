"""Deadlines a coordinator sets, with their history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from theodoi.notices import services as notices
from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import DeadlineChange, Task
from theodoi.tracking.services import statuses


@transaction.atomic
def set_task_date(task: Task, on: date | None, user: Any, reason: str = "") -> DeadlineChange:
    """Set (or clear, with None) the date a coordinator gives a task, and record the change.

    Per-plan and conditional deadlines wait for this date; for a dated task it is an
    extension. Recurring and ongoing tasks have no single date.
    """
    access.ensure_coordinator(user)
    task = Task.objects.select_for_update(of=("self",)).select_related("plan").get(pk=task.pk)
    if task.due_kind in engine.PERIODIC_KINDS:
        raise ValidationError("a recurring or ongoing task has no single date to set")
    if on == task.set_on:
        raise ValidationError("the task already has this date")
    old = task.effective_due()
    task.set_on = on
    task.save(update_fields=["set_on"])
    # From today on: what pages said of earlier days stays as it was.
    statuses.refresh_tasks([task.pk])
    change = DeadlineChange.objects.create(
        task=task,
        source=DeadlineChange.Source.COORDINATOR,
        old_on=old,
        new_on=task.effective_due(),
        old_text=task.deadline,
        new_text=task.deadline,
        reason=reason,
        changed_by=user,
    )
    notices.notify_deadline_changes([change])
    return change


