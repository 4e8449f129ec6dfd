"""A notice: something an agency (or one user) must know, shown in the app and e-mailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.tracking.models import Agency


class Notice(models.Model):
    """One notice to an agency (every reporter of it reads the same one) or to one user.

    Read once for its recipient: an agency's notice read by one of its reporters is read
    for the agency, as a letter opened by its office is. `emailed_at` is claimed before the
    e-mail goes out (`mail.send_notices`), so no notice is mailed twice.
    """

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Report returned")
        ASSIGNED = "assigned", _("New assignments")
        DEADLINE = "deadline", _("Deadline changed")

    recipient_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["recipient_agency", "read_at"], name="notices_agency_read"),
            models.Index(fields=["recipient_user", "read_at"], name="notices_user_read"),
            models.Index(fields=["emailed_at"], name="notices_emailed"),
        )
        constraints = (
            models.CheckConstraint(
                condition=(Q(recipient_agency__isnull=False) & Q(recipient_user__isnull=True))
                | (Q(recipient_agency__isnull=True) & Q(recipient_user__isnull=False)),
                name="notices_one_recipient",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
