"""Who answers for a task (assignments) and what they said (progress reports, evidence)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.tracking import status as engine
from theodoi.tracking.models.base import (
    AppendOnlyError,
    AppendOnlyModel,
    StoredState,
    due_soon_days,
    today,
)
from theodoi.tracking.models.people import Agency
from theodoi.tracking.models.plans import Task
from theodoi.tracking.status import Judgement, ReportFact


class AssignmentQuerySet(models.QuerySet):
    def active(self) -> AssignmentQuerySet:
        return self.filter(is_active=True, task__removed_at__isnull=True)

    def for_status(self) -> AssignmentQuerySet:
        """Assignments with what `get_status()` reads, fetched in a fixed number of queries."""
        return self.select_related("task", "task__plan", "agency").prefetch_related("reports")

    def unresolved(self) -> AssignmentQuerySet:
        """Active assignments whose printed name gave no agency: a coordinator settles them
        (a group of partners listed once is not unresolved: it owes nothing until named)."""
        return self.filter(agency__isnull=True, is_active=True).exclude(
            flag=Assignment.Flag.GROUP
        )

    def counted(self) -> AssignmentQuerySet:
        """Active parts of counted tasks of published plans that an agency owes."""
        return self.filter(
            is_active=True, agency__isnull=False, task__removed_at__isnull=True,
            task__has_children=False, task__plan__status="published",
        )

    def leads(self) -> AssignmentQuerySet:
        return self.filter(role=Assignment.LEAD)

    def partners(self) -> AssignmentQuerySet:
        return self.filter(role=Assignment.PARTNER)


class Assignment(StoredState):
    """What one agency owes for one task, with the name the plan printed.

    - a named lead (chủ trì) answers for the task: its state is the task's;
    - each member of a group lead ("Các bộ, ngành, địa phương chủ trì") does its own part
      (`role` lead, `group_name` the printed group): the task rolls up from the parts;
    - a named partner (phối hợp) owes a contribution to the lead, not a report: its state
      says whether it gave it, and it never counts in the lead's ranking;
    - a group of partners ("whoever is concerned") is one row without an agency
      (`flag` group): listed once, owing nothing until a coordinator names members.
    """

    LEAD = "lead"
    PARTNER = "partner"
    ROLES = ((LEAD, _("Lead")), (PARTNER, _("Partner")))

    class Flag(models.TextChoices):
        REGISTRY = "", _("Resolved by the registry")
        UNKNOWN = "unknown", _("Name unknown to the registry")
        NO_AGENCY = "no_agency", _("No agency to assign (enterprises, associations, unspecified)")
        CHOSEN = "chosen", _("Agency chosen by a coordinator")
        GROUP = "group", _("Partners as a group: whoever is concerned")

    # No index of their own on task, plan and agency: the indexes of Meta lead with each
    # (task+role, plan+role+status, agency+role+status), and every index is written again
    # on each change of a row's state (a report's write moves indexed columns).
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments",
                             db_index=False)
    # The task's plan, repeated here so that an agency's or a plan's rows are found by index.
    plan = models.ForeignKey(
        "tracking.Plan", null=True, blank=True, on_delete=models.CASCADE,
        related_name="assignments", db_index=False,
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments",
        db_index=False,
    )
    role = models.CharField(max_length=10, choices=ROLES)
    printed_name = models.CharField(max_length=500)
    # The printed group this part comes from ("Các bộ, ngành, địa phương"), "" when named.
    group_name = models.CharField(max_length=500, blank=True, default="")
    flag = models.CharField(max_length=20, choices=Flag.choices, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept with each report and review (services.statuses): what the lists show and filter.
    last_report_at = models.DateTimeField(null=True, blank=True)
    pending_reports = models.PositiveIntegerField(default=0)
    is_returned = models.BooleanField(default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ("task_id", "role", "id")
        indexes = (
            models.Index(fields=["agency", "role", "status"], name="tracking_asg_agency_role"),
            models.Index(fields=["plan", "role", "status"], name="tracking_asg_plan_role"),
            models.Index(fields=["task", "role"], name="tracking_asg_task_role"),
            models.Index(fields=["next_change_on"], name="tracking_asg_next_change"),
            # An agency's page: its parts by due date (a LIMIT reads the index in order
            # instead of sorting all of them) and the plans it has a part in (one probe
            # per plan instead of a scan of the plan's rows).
            # The plan after the due date (the assignment's own, its task's plan) gives the
            # lists' order up to the task's: PostgreSQL then reads a page of 50 in order in
            # one process (by due date alone it guessed large ties and started parallel
            # workers: 12-35 ms instead of 1-3 ms for Bộ KH&CN's 52k parts at 200k).
            models.Index(fields=["agency", "role", "deciding_due", "plan"],
                         name="tracking_asg_agency_due"),
            # The plans an agency has a part in, and its rows in the API's order (plan, task:
            # one row per task and agency), read in order for a page instead of sorted.
            models.Index(fields=["agency", "plan", "task"], name="tracking_asg_agency_plan_task"),
            # What an agency must report now (due soon, overdue, or returned), by due date:
            # a page of them read in order, not picked out of all its parts (stored states:
            # today's list; an earlier day reads the history).
            models.Index(fields=["agency", "role", "deciding_due", "plan"],
                         condition=Q(status__in=[engine.DUE_SOON, engine.OVERDUE])
                         | Q(is_returned=True), name="tracking_asg_must_report"),
            # A plan's unresolved names (`unresolved()`), distinct and in order, with their
            # tasks (to leave the removed ones out), from the index alone: not every
            # row of the plan without an agency (most of them inactive or a group).
            models.Index(fields=["plan", "printed_name", "task"],
                         condition=Q(agency__isnull=True, is_active=True) & ~Q(flag="group"),
                         name="tracking_asg_unresolved"),
        )
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

    @property
    def is_lead(self) -> bool:
        return self.role == self.LEAD

    @property
    def is_part(self) -> bool:
        """Whether this is one member's part of a group lead."""
        return self.role == self.LEAD and bool(self.group_name)

    @property
    def is_group_partner(self) -> bool:
        """Whether this row stands for a group of partners listed once."""
        return self.flag == self.Flag.GROUP

    @property
    def owes_report(self) -> bool:
        """Whether an agency owes something on this row: a report (lead) or a contribution
        (named partner); unresolved names and partner groups owe nothing yet."""
        return self.agency_id is not None and self.is_active

    @property
    def review_needed(self) -> bool:
        """Whether reports on this row wait for a coordinator (a contribution does not)."""
        return self.role == self.LEAD

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

    Only the answer to a pending report is written onto its row, once: a coordinator's
    review (accept or return), or its agency's withdrawal (`review_state` withdrawn, with
    the `ReportWithdrawal` row recording who took it back, when and why).
    """

    class Status(models.TextChoices):
        NOT_STARTED = engine.REPORT_NOT_STARTED, _("Not started")
        IN_PROGRESS = engine.REPORT_IN_PROGRESS, _("In progress")
        DONE = engine.REPORT_DONE, _("Done")
        CANNOT_DO = engine.REPORT_CANNOT_DO, _("Cannot be done")

    class Review(models.TextChoices):
        PENDING = engine.REVIEW_PENDING, _("Pending")
        NOT_REQUIRED = engine.REVIEW_NOT_REQUIRED, _("Contribution (no review)")
        ACCEPTED = engine.REVIEW_ACCEPTED, _("Accepted")
        RETURNED = engine.REVIEW_RETURNED, _("Returned")
        WITHDRAWN = engine.REVIEW_WITHDRAWN, _("Withdrawn by its agency")

    MUTABLE_FIELDS = frozenset({"review_state", "reviewed_by", "reviewed_at", "review_reason"})

    # Found by the index (assignment, created_at) of Meta: no index of its own.
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports",
                                   db_index=False)
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
    # The report this one repeats on a duplicate task (the coordinator confirmed both tasks
    # are the same work): recorded by `services.reports.answer_duplicates`, never typed.
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    review_state = models.CharField(
        max_length=20, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    # A lead's report may cite its partners' contributions (and roll them up).
    cites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="cited_by"
    )

    class Meta:
        ordering = ("created_at", "id")
        indexes = (
            models.Index(fields=["assignment", "created_at"], name="tracking_report_asg_time"),
            models.Index(fields=["review_state", "created_at"], name="tracking_report_review"),
        )
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

    @property
    def is_withdrawn(self) -> bool:
        return self.review_state == self.Review.WITHDRAWN

    def as_fact(self) -> ReportFact:
        """What the status engine needs from this report."""
        return report_fact(self.status, self.created_at or timezone.now(), self.review_state,
                           self.reviewed_at, self.period, self.percent)


# What `report_fact` reads of a report, in its order: `values_list(*REPORT_FACT_FIELDS)`
# gives the engine's facts without building a model instance per report.
REPORT_FACT_FIELDS = ("status", "created_at", "review_state", "reviewed_at", "period", "percent")


def report_fact(status: str, created_at: datetime, review_state: str,
                reviewed_at: datetime | None, period: str, percent: int | None,
                tz: tzinfo | None = None) -> ReportFact:
    """A report's fields as the status engine reads them. `tz` (the current time zone) may
    be looked up once by a caller reading many reports: the lookup is most of the cost."""
    return ReportFact(
        status=status,
        on=timezone.localdate(created_at, tz),
        review=review_state,
        reviewed_on=timezone.localdate(reviewed_at, tz) if reviewed_at else None,
        period=period,
        percent=percent,
    )


class EvidenceFile(AppendOnlyModel):
    """A file attached to a progress report as evidence."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ReportWithdrawal(AppendOnlyModel):
    """A pending report taken back by its agency before any review: who, when and why.

    The report itself stays (append-only); its `review_state` becomes withdrawn in the same
    transaction, at the same time (`reviewed_at`), so the status engine and the counts read
    one field: from that day the report counts for nothing, before it, it was pending.
    """

    report = models.OneToOneField(
        ProgressReport, on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_withdrawals"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ("withdrawn_at", "id")

    def __str__(self) -> str:
        return f"withdrawal of {self.report_id}"
