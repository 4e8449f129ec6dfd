"""Who receives reminders, what was sent, and the secret addresses of calendar feeds."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from theodoi.tracking.models import Agency, Plan


class AgencyContact(models.Model):
    """An e-mail address that receives an agency's reminders (besides its reporters' own)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("agency", "email")
        constraints = (
            models.UniqueConstraint(fields=["agency", "email"], name="outputs_contact_email"),
        )
        verbose_name = "địa chỉ nhận nhắc việc"
        verbose_name_plural = "địa chỉ nhận nhắc việc"

    def __str__(self) -> str:
        return f"{self.agency}: {self.email}"


class ReminderLog(models.Model):
    """One reminder sent (or being sent) to one address for one agency and one period.

    The unique constraint is what makes `theodoi remind` idempotent: a second run in the
    same period finds the row and sends nothing, and two runs at once cannot both claim it.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminders")
    email = models.EmailField()
    period = models.CharField(max_length=10)
    as_of = models.DateField()
    overdue = models.PositiveIntegerField(default=0)
    due_soon = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["agency", "email", "period"], name="outputs_reminder_once"
            ),
        )
        verbose_name = "nhắc việc đã gửi"
        verbose_name_plural = "nhắc việc đã gửi"

    def __str__(self) -> str:
        return f"{self.agency} {self.period} -> {self.email}"


def new_token() -> str:
    """A fresh secret for a calendar address (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of one agency's or one plan's calendar, for subscriptions.

    Calendar programs cannot sign in, so the address itself is the key; rotating the
    token (a new row value) cuts off every old subscription at once.
    """

    agency = models.OneToOneField(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    plan = models.OneToOneField(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False, plan__isnull=True)
                | models.Q(agency__isnull=True, plan__isnull=False),
                name="outputs_feed_one_owner",
            ),
        )
        verbose_name = "lịch đăng ký"
        verbose_name_plural = "lịch đăng ký"

    def __str__(self) -> str:
        return f"lịch {self.agency or self.plan}"
