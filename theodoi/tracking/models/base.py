"""The base of every tracking model: append-only rows, the clock and the due-soon window."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.tracking import status as engine
from theodoi.tracking.status import State


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only history."""


def due_soon_days() -> int:
    """The configured "due soon" window in days."""
    return int(getattr(settings, "DUE_SOON_DAYS", 14))


def today() -> date:
    """Today's date in the project's time zone."""
    return timezone.localdate()


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that refuses bulk deletes and bulk updates outside `mutable_fields`."""

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")

    def update(self, **kwargs: Any) -> int:
        allowed = getattr(self.model, "MUTABLE_FIELDS", frozenset())
        if not set(kwargs) <= allowed:
            raise AppendOnlyError(f"{self.model.__name__} rows are never changed")
        return super().update(**kwargs)


class AppendOnlyModel(models.Model):
    """A row that is written once; only the fields in MUTABLE_FIELDS may change later."""

    MUTABLE_FIELDS: frozenset[str] = frozenset()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.MUTABLE_FIELDS:
                raise AppendOnlyError(
                    f"{type(self).__name__} rows are never changed: write a new one"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")




STATUS_CHOICES = [
    (engine.NOT_STARTED, _("Not started")),
    (engine.IN_PROGRESS, _("In progress")),
    (engine.DUE_SOON, _("Due soon")),
    (engine.OVERDUE, _("Overdue")),
    (engine.DONE, _("Done")),
    (engine.DONE_LATE, _("Done late")),
    (engine.AWAITING_DATE, _("Awaiting a date")),
]
PROGRESS_CHOICES = [
    (engine.PROGRESS_NOT_STARTED, _("Not started")),
    (engine.PROGRESS_IN_PROGRESS, _("In progress")),
    (engine.PROGRESS_AWAITING_REVIEW, _("Done, awaiting review")),
    (engine.PROGRESS_DONE, _("Done")),
]


class StoredState(models.Model):
    """A status judged by the engine and stored with the row, so that pages count and filter
    in the database. Written only by `theodoi.tracking.services.statuses`, in the same
    transaction as the report, review or change that moves it, and by the daily refresh
    for rows whose `next_change_on` has come (docs/tracking.md)."""

    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=engine.NOT_STARTED)
    progress = models.CharField(
        max_length=20, choices=PROGRESS_CHOICES, default=engine.PROGRESS_NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    deciding_due = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    next_change_on = models.DateField(null=True, blank=True)
    judged_on = models.DateField(null=True, blank=True)

    STATE_FIELDS = (
        "status", "progress", "percent", "deciding_due", "done_on", "next_change_on",
        "judged_on",
    )

    class Meta:
        abstract = True

    def stored_state(self) -> State:
        """The state as stored (judged on `judged_on`)."""
        return State(self.status, self.progress, self.percent, self.deciding_due, self.done_on)

    def store_state(self, state: State, judged_on: date, next_change_on: date | None) -> bool:
        """Put `state` on the row (not saved); whether anything changed."""
        values = (state.status, state.progress, state.percent, state.due, state.done_on,
                  next_change_on, judged_on)
        if tuple(getattr(self, f) for f in self.STATE_FIELDS) == values:
            return False
        for name, value in zip(self.STATE_FIELDS, values, strict=True):
            setattr(self, name, value)
        return True
