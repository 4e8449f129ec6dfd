"""Indicators measured by national systems (DTI, EMC) and the values imported from them.

An `Indicator` is one measure of one system ("Nhận thức số" of the DTI); its values come
from files the system exports, one `IndicatorImport` per file (kept, with what was not
understood); every `IndicatorValue` is written once: a corrected figure is a new row, the
latest import of a (indicator, agency, period) is the one shown. A coordinator maps an
indicator to the targets it measures (`IndicatorMapping`), once.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from theodoi.tracking.models.base import AppendOnlyModel
from theodoi.tracking.models.people import Agency
from theodoi.tracking.models.targets import Target


class Indicator(models.Model):
    """One measure of one national system, named as the system names it."""

    system = models.CharField(max_length=100)
    code = models.CharField(max_length=200)
    name = models.CharField(max_length=500)
    unit = models.CharField(max_length=100, blank=True)
    targets = models.ManyToManyField(Target, through="IndicatorMapping", related_name="indicators")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("system", "name")
        constraints = (
            models.UniqueConstraint(fields=("system", "code"), name="indicator_system_code"),
        )

    def __str__(self) -> str:
        return f"{self.system}: {self.name}"


class IndicatorMapping(models.Model):
    """An indicator said to measure a target, by a coordinator (once per pair)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="mappings")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="mappings")
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    mapped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("target", "indicator")
        constraints = (
            models.UniqueConstraint(fields=("indicator", "target"), name="indicator_target_once"),
        )

    def __str__(self) -> str:
        return f"{self.indicator_id} -> {self.target_id}"


class IndicatorImport(AppendOnlyModel):
    """One exported file, read once: where it is kept, what it held, what was not read.

    Previewed first (`confirmed_at` empty), then confirmed: the values are written then.
    The same file (same content) is never imported twice.
    """

    MUTABLE_FIELDS = frozenset({"confirmed_at", "confirmed_by", "written", "skipped"})

    sha256 = models.CharField(max_length=64, db_index=True)
    file_name = models.CharField(max_length=255)
    stored = models.CharField(max_length=500, blank=True)
    system = models.CharField(max_length=100)
    # The rows not understood, as the preview listed them: a bad row is never silently lost.
    problems = models.JSONField(default=list, blank=True)
    # What the coordinator chose at upload (system, period), read again at confirmation.
    options = models.JSONField(default=dict, blank=True)
    rows_understood = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.file_name


class IndicatorValue(AppendOnlyModel):
    """A value of an indicator for one agency (none: the whole country) and one period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="indicator_values"
    )
    agency_name = models.CharField(max_length=500, blank=True)  # as the file printed it
    period = models.CharField(max_length=20)  # "2024", "2024-Q3", "2024-06", "2024-06-30"
    on = models.DateField()  # the last day of the period
    value = models.DecimalField(max_digits=20, decimal_places=6)
    rank = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    source_system = models.CharField(max_length=100)
    source_file = models.CharField(max_length=255)
    source = models.ForeignKey(IndicatorImport, on_delete=models.PROTECT, related_name="values")
    row = models.PositiveIntegerField(default=0)  # the row of the file it came from
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("indicator", "on", "imported_at", "id")
        indexes = (models.Index(fields=("indicator", "agency", "period")),)

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"

    @property
    def imported_on(self) -> date:
        return timezone.localdate(self.imported_at)
