"""Agencies and people: who reports for whom, and with which role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.registry.text import fold


class Agency(models.Model):
    """An agency of the registry (`theodoi.registry`), mirrored here when first needed."""

    registry_id = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # The name folded (`registry.text.fold`: lower case, no diacritics), written with it: the
    # agency list matches a name typed without diacritics in SQL (SQLite has no unaccent)
    # instead of folding every agency's name per request.
    folded_name = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded_name = fold(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "folded_name"}
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    REPORTER = "reporter", _("Agency reporter")
    LEADER = "leader", _("Leader")


class UserProfile(models.Model):
    """A user's role, and the agency a reporter reports for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(agency__isnull=False),
                name="tracking_reporter_has_agency",
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


def role_of(user: Any) -> str | None:
    """The tracking role of `user`: superusers coordinate; None for anyone without a role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.COORDINATOR
    try:
        return user.profile.role
    except UserProfile.DoesNotExist:
        return None


def agency_id_of(user: Any) -> int | None:
    """The id of the agency a reporter reports for, else None."""
    if role_of(user) != Role.REPORTER:
        return None
    return user.profile.agency_id




class AddedUnit(models.Model):
    """A unit missing from the registry's data (a Vụ of a ministry, a Sở, a commune) that a
    coordinator added under its parent, kept with who added it and why; fed back to the
    registry on every load (`services.registry.default_registry`)."""

    registry_id = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=50)
    parent_registry_id = models.SlugField(max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    source = models.TextField(blank=True)
    reason = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="added_units"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.parent_registry_id})"

    def record(self) -> dict[str, Any]:
        """The keyword arguments of `Registry.add_entity` for this unit."""
        return {
            "id": self.registry_id, "name": self.name, "kind": self.kind,
            "parent": self.parent_registry_id, "aliases": list(self.aliases),
            "source": self.source, "added_by": self.added_by.get_username(),
            "reason": self.reason,
        }
