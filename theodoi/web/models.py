"""What the import pages remember between uploading a decision and publishing it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from theodoi.tracking.models import Plan


class PlanImport(models.Model):
    """One upload of a decision: a new draft plan to review, or a corrected version of a plan
    waiting to be compared and applied.

    `uncertain` holds the codes of tasks read from damaged parts of the source; `choices`
    maps a printed name the registry could not place to the registry ids a coordinator
    chose for it, applied when the plan is published.
    """

    class Kind(models.TextChoices):
        NEW = "new", "new plan"
        CORRECTION = "correction", "corrected version"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="web_imports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_names = models.JSONField(default=list, blank=True)
    stored_files = models.JSONField(default=list, blank=True)
    plan_json = models.JSONField(default=dict, blank=True)
    uncertain = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    choices = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.plan_id} {', '.join(self.file_names)}"
