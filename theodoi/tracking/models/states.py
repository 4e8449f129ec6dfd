"""What the pages count from: each task's and assignment's status over time, and today's
counts by plan section and by agency, and each agency's ranking figures.

These rows are derived: `theodoi.tracking.services.statuses` writes them with every report,
review and change, and `theodoi statuses rebuild` makes them again from the reports and
deadlines (the record). Nothing else writes them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from theodoi.tracking.models.base import PROGRESS_CHOICES, STATUS_CHOICES


class StateSpan(models.Model):
    """A state held from `valid_from` up to (not including) `valid_to` (None: still held)."""

    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    progress = models.CharField(max_length=20, choices=PROGRESS_CHOICES)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def held_on(cls, day: object) -> Q:
        """The spans holding on `day`."""
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class TaskHistory(StateSpan):
    """A task's status over a span of days (counted tasks only)."""

    # No single-column indexes: task+valid_from and plan+valid_from lead with them (0025).
    task = models.ForeignKey("tracking.Task", on_delete=models.CASCADE, related_name="history",
                             db_index=False)
    plan = models.ForeignKey("tracking.Plan", on_delete=models.CASCADE, related_name="+",
                             db_index=False)

    class Meta:
        ordering = ("task_id", "valid_from")
        indexes = (
            models.Index(fields=["plan", "valid_from"], name="tracking_taskhist_plan"),
            models.Index(fields=["task", "valid_from"], name="tracking_taskhist_task"),
            # The spans that began, or ended, within a few days (`past_counts`).
            models.Index(fields=["valid_from"], name="tracking_taskhist_from"),
            models.Index(fields=["valid_to"], name="tracking_taskhist_to"),
        )

    def __str__(self) -> str:
        return f"{self.task_id} {self.valid_from}..{self.valid_to or ''}: {self.status}"


class AssignmentHistory(StateSpan):
    """An assignment's status over a span of days (rows an agency owes only)."""

    # No single-column indexes: the Meta's indexes (x, valid_from) lead with them (0025).
    assignment = models.ForeignKey(
        "tracking.Assignment", on_delete=models.CASCADE, related_name="history",
        db_index=False,
    )
    agency = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    plan = models.ForeignKey("tracking.Plan", on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    role = models.CharField(max_length=10)

    class Meta:
        ordering = ("assignment_id", "valid_from")
        indexes = (
            models.Index(fields=["agency", "valid_from"], name="tracking_asghist_agency"),
            models.Index(fields=["plan", "valid_from"], name="tracking_asghist_plan"),
            models.Index(fields=["assignment", "valid_from"], name="tracking_asghist_asg"),
            models.Index(fields=["valid_from"], name="tracking_asghist_from"),
            models.Index(fields=["valid_to"], name="tracking_asghist_to"),
        )

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.valid_from}..{self.valid_to or ''}: {self.status}"


class PlanStatusCount(models.Model):
    """Today's number of counted tasks of one top-level section of a published plan in one
    (status, progress)."""

    plan = models.ForeignKey("tracking.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20)
    progress = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["plan", "section", "status", "progress"], name="tracking_plancount_key"
            ),
        )

    def __str__(self) -> str:
        return f"{self.plan_id} {self.section} {self.status}/{self.progress}: {self.count}"


class PlanLeadCount(models.Model):
    """Today's number of counted lead parts of one agency in a published plan: the lead
    agencies the plan page offers as a filter, read in one row per agency (reading them
    from the assignments read every lead part of the plan: 85k rows of the biggest plan
    at 200k tasks). Counted again with the plan's counts (`recount_plans`), which every
    write that adds, removes or renames a plan's parts calls; a report moves no part in or
    out of the count."""

    plan = models.ForeignKey("tracking.Plan", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["plan", "agency"], name="tracking_planlead_key"),
        )

    def __str__(self) -> str:
        return f"{self.plan_id} {self.agency_id}: {self.count}"


class AgencyStatusCount(models.Model):
    """Today's number of an agency's counted parts in one (role, status, progress), apart
    for the parts whose latest report was returned (`returned`): what an agency must report
    now (due soon, overdue, or returned and open) is counted from these rows too."""

    agency = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    progress = models.CharField(max_length=20)
    returned = models.BooleanField(default=False)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["agency", "role", "status", "progress", "returned"],
                name="tracking_agencycount_key",
            ),
        )

    def __str__(self) -> str:
        mark = " returned" if self.returned else ""
        return f"{self.agency_id} {self.role} {self.status}/{self.progress}{mark}: {self.count}"


class RootStatusCount(models.Model):
    """Today's number of counted parts in one (role, status) of a ministry or province
    (a root: `statuses.ROOT_KINDS`) and every unit under it: the `AgencyStatusCount` rows
    of each agency summed into its nearest ancestor of those kinds (or itself, at most
    `statuses.ANCESTOR_STEPS` up), what the national overview ranks (a few hundred rows,
    instead of grouping the 50k count rows by their agency's parent per request at 200k
    tasks: issue 11). Moved by the same deltas as the count rows; counted again whenever an
    agency's kind or parent changes (the registry's mirror, the admin)."""

    root = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["root", "role", "status"],
                                    name="tracking_rootcount_key"),
        )

    def __str__(self) -> str:
        return f"{self.root_id} {self.role} {self.status}: {self.count}"


_REAL = FloatField()


class AgencySummary(models.Model):
    """Today's ranking figures of one agency that has a counted part: its `AgencyStatusCount`
    rows summed (lead parts in all, done on time, closed, overdue; partner parts), and the
    two rank keys computed from them by the database. The agency list is read in the order
    of `tracking_agencysum_rank` and stops after its page, and is counted here, instead of
    summing every agency's count rows per request (issue 11: 50k rows at 200k tasks,
    twice: the page and its count)."""

    agency = models.OneToOneField("tracking.Agency", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+")
    lead_total = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    partner_total = models.IntegerField(default=0)
    # The on-time rate of what was due (`Counts.on_time_rate`), -1 when nothing was: ranked
    # after every rate as the rate's None is (a plain descending key: SQLite has no NULLS
    # LAST in an index). The expressions are the ones the ranking computed from the count
    # rows before, so the floats, and the ties, are the same.
    rate_key = models.GeneratedField(
        # (closed + overdue = 0: both 0 in a stored row; PostgreSQL computes the column for
        # a delta's row too, before it is added to the stored one: +1 closed, -1 overdue.)
        expression=Case(When(Exact(F("closed") + F("overdue"), 0),
                             then=Value(-1.0, output_field=_REAL)),
                        default=Cast("on_time", _REAL) / Cast(F("closed") + F("overdue"), _REAL),
                        output_field=_REAL),
        output_field=_REAL, db_persist=True)
    done_share = models.GeneratedField(
        expression=Case(When(lead_total=0, then=Value(0.0, output_field=_REAL)),
                        default=Cast("closed", _REAL) / Cast("lead_total", _REAL),
                        output_field=_REAL),
        output_field=_REAL, db_persist=True)

    class Meta:
        indexes = (
            # The ranking's order up to the agency's name (each tie of every figure is
            # sorted by name with the agency's row read: a few rows).
            models.Index(fields=["-rate_key", "-done_share", "overdue", "-lead_total",
                                 "agency"], name="tracking_agencysum_rank"),
        )

    def __str__(self) -> str:
        return (f"{self.agency_id}: lead {self.lead_total} (on time {self.on_time}, closed "
                f"{self.closed}, overdue {self.overdue}), partner {self.partner_total}")


class PastCountDay(models.Model):
    """A day before today whose counts are stored (`PastPlanCount`, `PastAgencyCount`): the
    counts of a past date are these of the nearest such day before it plus the spans that
    began or ended between (`theodoi.tracking.services.past_counts`). Derived from the
    history like the rest of this module, and dropped whenever the history of that day or
    what counts is written again."""

    day = models.DateField(unique=True)
    # Whether its `PastRootCount` rows are written (the first national overview of the day
    # rolls them up; a registry change clears them all: the tree they were climbed in moved).
    roots_counted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.day}"


class PastPlanCount(models.Model):
    """The number of counted tasks of one top-level section of a published plan in one
    (status, progress) on a stored past day."""

    day = models.DateField()
    plan = models.ForeignKey("tracking.Plan", on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20)
    progress = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["day", "plan", "section", "status", "progress"],
                                    name="tracking_pastplancount_key"),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.plan_id} {self.section} {self.status}: {self.count}"


class PastAgencyCount(models.Model):
    """The number of an agency's counted parts in one (role, status, progress) on a stored
    past day."""

    day = models.DateField()
    agency = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    progress = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["day", "agency", "role", "status", "progress"],
                                    name="tracking_pastagencycount_key"),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.role} {self.status}: {self.count}"


class PastRootCount(models.Model):
    """The number of counted parts in one (role, status) of a ministry or province and every
    unit under it on a stored past day: that day's `PastAgencyCount` rows rolled up the
    registry's tree as `RootStatusCount` is today (the national overview of a past date
    reads a few hundred rows, not the day's 50k agency rows grouped by their parent: 71 of
    its 170 ms at 200k tasks)."""

    day = models.DateField()
    root = models.ForeignKey("tracking.Agency", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["day", "root", "role", "status"],
                                    name="tracking_pastrootcount_key"),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.root_id} {self.role} {self.status}: {self.count}"


class PastDoneCount(models.Model):
    """The number of the country's counted one-off tasks closed on a stored past day, by the
    day they were done (`done_on`): the due-and-done chart of that day
    (`queries.due_and_done_by_month`)."""

    day = models.DateField()
    done_on = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["day", "done_on"], name="tracking_pastdonecount_key"),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.done_on}: {self.count}"
