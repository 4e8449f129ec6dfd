"""Plans, tasks, assignments, progress reports and targets.

Logic lives here in small methods (`Assignment.get_status()` works on an unsaved object);
every write with side effects lives in `services.py`. Progress reports, their evidence,
target values and deadline changes are append-only: a correction is a new row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.extract.model import DUE_KINDS
from theodoi.registry.text import fold
from theodoi.tracking import status as engine
from theodoi.tracking.status import Deadline, Judgement, ReportFact


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


# -- people ---------------------------------------------------------------------------


class Agency(models.Model):
    """An agency of the registry (`theodoi.registry`), mirrored here when first needed."""

    registry_id = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


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


# -- plans ----------------------------------------------------------------------------


class Plan(models.Model):
    """One decision (kế hoạch): its header as printed and the plan-json it was imported from."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.CharField(max_length=100, blank=True)
    date = models.DateField(null=True, blank=True)
    issuer = models.CharField(max_length=500, blank=True)
    title = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    signer = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=500, blank=True)
    plan_json = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("-year", "-date", "-id")

    def __str__(self) -> str:
        return self.number or self.title[:80] or f"Plan {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def reference_date(self) -> date:
        """The date the plan speaks from: its decision date, else 1 January of its year."""
        if self.date:
            return self.date
        if self.year:
            return date(self.year, 1, 1)
        return timezone.localdate(self.created_at) if self.created_at else today()


class PlanFile(models.Model):
    """A source file (PDF, DOCX, text) a plan was read from."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="plans/%Y/%m/")
    name = models.CharField(max_length=300)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return self.name


def section_code(task_code: str) -> str:
    """The section a task code belongs to: its leading non-numeric parts ("III.A.2" -> "III.A",
    "I.2.1" -> "I", "1.1" -> "")."""
    parts: list[str] = []
    for part in task_code.split("."):
        if part.isdigit():
            break
        parts.append(part)
    return ".".join(parts)


class Section(models.Model):
    """A part of a plan (I, II, III.A ...), known from its tasks' codes."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=50, blank=True)
    title = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("plan", "order")
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="tracking_section_code"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip() or str(_("Whole plan"))


class TaskQuerySet(models.QuerySet):
    def current(self) -> TaskQuerySet:
        """Tasks still in their plan (not removed by a re-import)."""
        return self.filter(removed_at__isnull=True)

    def for_status(self) -> TaskQuerySet:
        """Tasks with what `get_status()` reads, fetched in a fixed number of queries."""
        return self.select_related("plan", "section").prefetch_related(
            models.Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_active=True)
                .select_related("agency")
                .prefetch_related("reports"),
            )
        )

    def search(self, query: str) -> TaskQuerySet:
        """Tasks whose cells hold every word of `query`, ignoring case and diacritics."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search__contains=word)
        return qs


DUE_KIND_CHOICES = [(kind, kind) for kind in DUE_KINDS]
TEXT_FIELDS = ("code", "name", "detail", "result", "deadline")


class Task(models.Model):
    """One row of a plan's task table, with its cells as printed and its deadline understood."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    code = models.CharField(max_length=50)
    order = models.PositiveIntegerField(default=0)
    name = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    result = models.TextField(blank=True)
    deadline = models.TextField(blank=True)
    due_kind = models.CharField(max_length=20, choices=DUE_KIND_CHOICES, default="none")
    due_on = models.DateField(null=True, blank=True)
    due_from = models.DateField(null=True, blank=True)
    due_every = models.CharField(max_length=10, blank=True)
    due_text = models.TextField(blank=True)
    due_steps = models.JSONField(default=list, blank=True)
    lead = models.JSONField(default=list, blank=True)
    partners = models.JSONField(default=list, blank=True)
    set_on = models.DateField(null=True, blank=True)
    search = models.TextField(blank=True, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ("plan", "order")
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="tracking_task_code"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) & {*TEXT_FIELDS, "lead", "partners"}:
            self.search = self.folded_text()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search"}
        super().save(*args, **kwargs)

    def folded_text(self) -> str:
        """The task's cells and agencies folded for diacritic-insensitive search."""
        parts = [getattr(self, f) for f in TEXT_FIELDS] + list(self.lead) + list(self.partners)
        return fold(" ".join(p for p in parts if p))

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def waits_for_date(self) -> bool:
        """Whether the plan gives no date and a coordinator must set one."""
        return self.due_kind in engine.WAITING_KINDS and self.set_on is None

    def deadline_rule(self) -> Deadline:
        """The deadline as the status engine reads it."""
        start = self.due_from
        if start is None and self.due_kind in engine.PERIODIC_KINDS:
            start = self.plan.reference_date()
        return Deadline(
            kind=self.due_kind,
            on=self.due_on,
            start=start,
            every=self.due_every or None,
            set_on=self.set_on,
        )

    def effective_due(self) -> date | None:
        """The one date the task must be done by (coordinator's date first), if it has one."""
        return self.deadline_rule().due_on

    def active_assignments(self) -> list[Assignment]:
        """Active assignments (from the prefetch when there is one), leads first."""
        if self.pk is None:
            return []
        active = [a for a in self.assignments.all() if a.is_active]
        return sorted(active, key=lambda a: a.role != Assignment.LEAD)

    def lead_assignments(self) -> list[Assignment]:
        """The active assignments that answer for the task: its leads (all, when none lead)."""
        active = self.active_assignments()
        leads = [a for a in active if a.role == Assignment.LEAD]
        return leads or active

    def get_status(self, as_of: date | None = None, days: int | None = None) -> str:
        """The task's status on `as_of`: its lead assignments' statuses combined."""
        as_of = as_of or today()
        days = due_soon_days() if days is None else days
        leads = self.lead_assignments()
        if not leads:
            return engine.judge(self.deadline_rule(), [], as_of, days).status
        rule = self.deadline_rule()
        return engine.combine(
            engine.judge(rule, a.report_facts(), as_of, days).status for a in leads
        )


class DeadlineChange(AppendOnlyModel):
    """One change of a task's deadline: a coordinator's date or a corrected plan."""

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("Set by a coordinator")
        REIMPORT = "reimport", _("Corrected plan")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_changes")
    source = models.CharField(max_length=20, choices=Source.choices)
    old_on = models.DateField(null=True, blank=True)
    new_on = models.DateField(null=True, blank=True)
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("task", "changed_at", "id")

    def __str__(self) -> str:
        return f"{self.task.code}: {self.old_on or self.old_text} -> {self.new_on or self.new_text}"


# -- assignments and reports ------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def active(self) -> AssignmentQuerySet:
        return self.filter(is_active=True, task__removed_at__isnull=True)

    def for_status(self) -> AssignmentQuerySet:
        """Assignments with what `get_status()` reads, fetched in a fixed number of queries."""
        return self.select_related("task", "task__plan", "agency").prefetch_related("reports")

    def unresolved(self) -> AssignmentQuerySet:
        """Active assignments whose printed name gave no agency: a coordinator settles them."""
        return self.filter(agency__isnull=True, is_active=True)


class Assignment(models.Model):
    """What one agency owes for one task, as lead or partner, with the name the plan printed."""

    LEAD = "lead"
    PARTNER = "partner"
    ROLES = ((LEAD, _("Lead")), (PARTNER, _("Partner")))

    class Flag(models.TextChoices):
        REGISTRY = "", _("Resolved by the registry")
        UNKNOWN = "unknown", _("Name unknown to the registry")
        NO_AGENCY = "no_agency", _("No agency to assign (enterprises, associations, unspecified)")
        CHOSEN = "chosen", _("Agency chosen by a coordinator")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=10, choices=ROLES)
    printed_name = models.CharField(max_length=500)
    flag = models.CharField(max_length=20, choices=Flag.choices, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ("task", "role", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["task", "agency"], condition=Q(agency__isnull=False),
                name="tracking_assignment_agency",
            ),
            models.UniqueConstraint(
                fields=["task", "printed_name"], condition=Q(agency__isnull=True),
                name="tracking_assignment_unresolved",
            ),
        )

    def __str__(self) -> str:
        who = self.agency.name if self.agency_id else f"? {self.printed_name}"
        return f"{self.task.code} {self.role}: {who}"

    @property
    def is_resolved(self) -> bool:
        """Whether an agency answers for the printed name (else `flag` says why not)."""
        return self.agency_id is not None

    def report_list(self) -> list[ProgressReport]:
        """This assignment's reports, oldest first (from the prefetch when there is one)."""
        if self.pk is None:
            return []
        return sorted(self.reports.all(), key=lambda r: (r.created_at, r.pk or 0))

    def report_facts(self, reports: Iterable[ProgressReport] | None = None) -> list[ReportFact]:
        return [r.as_fact() for r in (self.report_list() if reports is None else reports)]

    def judge(
        self,
        as_of: date | None = None,
        days: int | None = None,
        reports: Sequence[ProgressReport] | None = None,
    ) -> Judgement:
        """The full judgement (status, deciding date, occurrences) on `as_of`."""
        return engine.judge(
            self.task.deadline_rule(),
            self.report_facts(reports),
            as_of or today(),
            due_soon_days() if days is None else days,
        )

    def get_status(self, as_of: date | None = None, days: int | None = None) -> str:
        """The assignment's status on `as_of` (today by default)."""
        return self.judge(as_of, days).status

    def current_period(self, on: date | None = None) -> str:
        """The period a report written on `on` answers by default ("" when the task is one-off)."""
        every = self.task.deadline_rule().period
        return engine.period_key(on or today(), every) if every else ""


class ProgressReport(AppendOnlyModel):
    """One report from an agency on an assignment. Never changed: a correction is a new report.

    Only the review (accept or return, once) is written onto an existing row.
    """

    class Status(models.TextChoices):
        NOT_STARTED = engine.REPORT_NOT_STARTED, _("Not started")
        IN_PROGRESS = engine.REPORT_IN_PROGRESS, _("In progress")
        DONE = engine.REPORT_DONE, _("Done")
        CANNOT_DO = engine.REPORT_CANNOT_DO, _("Cannot be done")

    class Review(models.TextChoices):
        PENDING = engine.REVIEW_PENDING, _("Pending")
        ACCEPTED = engine.REVIEW_ACCEPTED, _("Accepted")
        RETURNED = engine.REVIEW_RETURNED, _("Returned")

    MUTABLE_FIELDS = frozenset({"review_state", "reviewed_by", "reviewed_at", "review_reason"})

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    text = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    target = models.ForeignKey(
        "Target", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    target_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    review_state = models.CharField(
        max_length=10, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="tracking_report_percent",
            ),
        )

    def __str__(self) -> str:
        return f"{self.assignment} {self.period} {self.status} ({self.review_state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("review_state", flat=True)
            if stored.first() != self.Review.PENDING:
                raise AppendOnlyError("a report is reviewed once: write a new report instead")
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.review_state == self.Review.PENDING

    def as_fact(self) -> ReportFact:
        """What the status engine needs from this report."""
        created = self.created_at or timezone.now()
        return ReportFact(
            status=self.status,
            on=timezone.localdate(created),
            review=self.review_state,
            reviewed_on=timezone.localdate(self.reviewed_at) if self.reviewed_at else None,
            period=self.period,
            percent=self.percent,
        )


class EvidenceFile(AppendOnlyModel):
    """A file attached to a progress report as evidence."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


# -- targets --------------------------------------------------------------------------


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
        """The last value each agency reported by `as_of` (values of returned reports left out)."""
        as_of = as_of or today()
        latest: dict[int | None, TargetValue] = {}
        for value in sorted(self.values.all(), key=lambda v: (v.created_at, v.pk or 0)):
            if timezone.localdate(value.created_at) > as_of:
                continue
            report = value.report
            if report is not None and report.as_fact().returned(as_of):
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
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT,
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
