"""Targets (chỉ tiêu) of a plan and the values agencies reported for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from theodoi.tracking.models.base import AppendOnlyModel, today
from theodoi.tracking.models.people import Agency
from theodoi.tracking.models.plans import Plan


class Target(models.Model):
    """A measurable objective of a plan (chỉ tiêu): its text, goal value and unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    goal = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ("plan", "order")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip() == "%"

    def latest_values(self, as_of: date | None = None) -> dict[int | None, TargetValue]:
        """The last value each agency reported by `as_of` (values of returned or withdrawn
        reports left out)."""
        as_of = as_of or today()
        latest: dict[int | None, TargetValue] = {}
        for value in sorted(self.values.all(), key=lambda v: (v.created_at, v.pk or 0)):
            if timezone.localdate(value.created_at) > as_of:
                continue
            report = value.report
            if report is not None and report.as_fact().set_aside(as_of):
                continue
            latest[value.agency_id] = value
        return latest

    def current_value(self, as_of: date | None = None) -> Decimal | None:
        """The national value: the sum of agencies' latest values (their mean for a percentage)."""
        values = [v.value for v in self.latest_values(as_of).values()]
        return aggregate_target_values(values, percentage=self.is_percentage)

    def progress(self, as_of: date | None = None) -> float | None:
        """The current value as a share of the goal (0..1, may exceed 1), or None."""
        current = self.current_value(as_of)
        if current is None or not self.goal:
            return None
        return float(current / self.goal)


def aggregate_target_values(values: Sequence[Decimal], *, percentage: bool) -> Decimal | None:
    """Agencies' values added up into a national one (averaged when they are percentages)."""
    if not values:
        return None
    total = sum(values, Decimal(0))
    return total / len(values) if percentage else total


class TargetValue(AppendOnlyModel):
    """A value of a target reported by one agency; the history is every row."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="target_values"
    )
    value = models.DecimalField(max_digits=20, decimal_places=4)
    report = models.ForeignKey(
        "tracking.ProgressReport", null=True, blank=True, on_delete=models.PROTECT,
        related_name="target_values",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("target", "created_at", "id")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.value}"
