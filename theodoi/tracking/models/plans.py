"""Plans as decided: the decision, its source files, sections, tasks and deadline history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from theodoi.extract.model import DUE_KINDS
from theodoi.registry.text import fold
from theodoi.tracking import status as engine
from theodoi.tracking.models.base import AppendOnlyModel, StoredState, due_soon_days, today
from theodoi.tracking.status import Deadline, State

if TYPE_CHECKING:
    from theodoi.tracking.models.assignments import Assignment


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
    # A coordinator may open the plan's progress to the public (no login): who and since
    # when; every change is in the audit log.
    public_since = models.DateTimeField(null=True, blank=True)
    public_by = models.ForeignKey(
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

    @property
    def is_public(self) -> bool:
        return self.is_published and self.public_since is not None

    @property
    def plan_json(self) -> dict[str, Any]:
        """The plan-json the plan was (last) imported from, kept out of the plan's row so
        that lists of tasks never drag it along."""
        try:
            return self.document.plan_json
        except PlanDocument.DoesNotExist:
            return {}

    def set_plan_json(self, data: dict[str, Any]) -> None:
        """Store `data` as the plan's plan-json (the plan must be saved)."""
        PlanDocument.objects.update_or_create(plan=self, defaults={"plan_json": data})
        self.__dict__.pop("_document_cache", None)
        if hasattr(self, "_state"):
            self._state.fields_cache.pop("document", None)

    def reference_date(self) -> date:
        """The date the plan speaks from: its decision date, else 1 January of its year."""
        if self.date:
            return self.date
        if self.year:
            return date(self.year, 1, 1)
        return timezone.localdate(self.created_at) if self.created_at else today()


class PlanReference(models.Model):
    """A document a plan names in its title ("Kế hoạch triển khai Quyết định số 06/QĐ-TTg"):
    read, not chosen, so it is rewritten whenever the title is. The document is found in
    theodoi by its number (`key`), when a plan with that number has been imported."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=50)  # as printed: "Nghị quyết", "Quyết định"
    number = models.CharField(max_length=100)  # as printed: "57-NQ/TW"
    key = models.CharField(max_length=100, db_index=True)  # for matching: "57-NQ/TW"
    implements = models.BooleanField(default=True)  # after "thực hiện / triển khai"

    class Meta:
        ordering = ("plan_id", "order")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class PlanDocument(models.Model):
    """The plan-json of a plan, in its own table (77 KB for a national plan)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="document")
    plan_json = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"plan-json of {self.plan_id}"


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

    def counted(self) -> TaskQuerySet:
        """The tasks every count counts: current rows without sub-rows (a group row is a
        heading; its sub-rows are the tasks)."""
        return self.filter(removed_at__isnull=True, has_children=False)

    def for_status(self) -> TaskQuerySet:
        """Tasks with what `judge_state()` reads, fetched in a fixed number of queries."""
        from theodoi.tracking.models.assignments import Assignment

        return self.select_related("plan", "section").prefetch_related(
            models.Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_active=True)
                .select_related("agency")
                .prefetch_related("reports"),
            )
        )

    def search(self, query: str, indexed: bool = True) -> TaskQuerySet:
        """Tasks whose cells hold every word of `query`, ignoring case and diacritics.

        `indexed=False` compares a copy of the text (`search || ''`), which PostgreSQL's
        trigram index (migration 0016) cannot serve: for a query that already reads few
        rows by another index (the search's walk over a few plans), where ANDing in the
        index's candidates of a common word (122k of 200k tasks) costs 10x the rows."""
        qs, field = self, "search"
        if not indexed:
            copy = Concat("search", Value(""), output_field=models.TextField())
            qs, field = qs.alias(search_copy=copy), "search_copy"
        for word in fold(query).split():
            qs = qs.filter(**{f"{field}__contains": word})
        return qs


DUE_KIND_CHOICES = [(kind, kind) for kind in DUE_KINDS]
TEXT_FIELDS = ("code", "name", "detail", "result", "deadline")


# Counted (current, no sub-rows) and one-off (not recurring or ongoing): the tasks the
# due-and-done-by-month chart counts (`queries.due_and_done_by_month`).
ONE_OFF_COUNTED = models.Q(removed_at__isnull=True, has_children=False) & ~models.Q(
    due_kind__in=sorted(engine.PERIODIC_KINDS))


class Task(StoredState):
    """One row of a plan's task table, with its cells as printed, its deadline understood and
    its state stored: its lead's (or its lead parts' rolled up)."""

    # No single-column index: plan+code, plan+order and plan+status lead with it (0025).
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks",
                             db_index=False)
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
    # A row with sub-rows ("2" above "2.1", "2.2") is a heading: not counted, its state
    # rolled up from them; sub-rows without a lead of their own take the heading's.
    has_children = models.BooleanField(default=False)
    # Parts answering for the task (a group lead: one per member) and how many are done.
    lead_parts = models.PositiveIntegerField(default=0)
    lead_parts_done = models.PositiveIntegerField(default=0)
    # A coordinator confirmed another task is the same work (a `TaskLink` of kind
    # duplicate): its reports are recorded there too. Kept by `services.links.decide_link`
    # so that a report on any other task costs no query to know it has none.
    duplicated = models.BooleanField(default=False)
    # Where the reader found the task: plan-json's "source" of the task (file, table, row;
    # page and box on a PDF or scan; the row's text), {} for tasks imported before it was
    # kept or typed in; and the stored file it names, to crop the page from.
    source = models.JSONField(default=dict, blank=True)
    source_file = models.ForeignKey(
        PlanFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        # By the plan's id, not the plan: ordering by "plan" would join and sort by the
        # plan's own ordering on every list.
        ordering = ("plan_id", "order")
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="tracking_task_code"),
        )
        indexes = (
            models.Index(fields=["plan", "order"], name="tracking_task_plan_order"),
            models.Index(fields=["plan", "status"], name="tracking_task_plan_status"),
            models.Index(fields=["status", "deciding_due"], name="tracking_task_status_due"),
            models.Index(fields=["next_change_on"], name="tracking_task_next_change"),
            models.Index(fields=["done_on"], name="tracking_task_done_on"),
            # Lists count the current tasks of the plans shown (`/api/tasks`, search): from
            # this narrow index alone (an index-only scan) instead of reading every wide row
            # (`/api/tasks` at 200k tasks 111 -> 39 ms p50; BENCHMARKS.md).
            models.Index(fields=["plan"], condition=models.Q(removed_at__isnull=True),
                         name="tracking_task_current_plan"),
            # The overview's due-and-done-by-month chart counts every counted one-off task
            # by month: from these narrow indexes (index-only scans) instead of reading
            # every wide row (a sequential scan of the whole table, 10x longer at 200k).
            models.Index(fields=["deciding_due", "plan"], condition=ONE_OFF_COUNTED,
                         name="tracking_task_due_month"),
            models.Index(fields=["done_on", "plan"], condition=ONE_OFF_COUNTED & models.Q(
                status__in=sorted(engine.CLOSED)), name="tracking_task_done_month"),
            # The current heading rows by status: what `/api/tasks` lists beside the counted
            # tasks (PlanStatusCount), counted from this small index instead of every row.
            models.Index(fields=["status", "plan"],
                         condition=models.Q(has_children=True, removed_at__isnull=True),
                         name="tracking_task_current_heading"),
            # A plan's removed tasks (its page lists them; its unresolved names leave their
            # rows out): the few removed rows, not a filter over every task of the plan.
            models.Index(fields=["plan", "order"], condition=models.Q(removed_at__isnull=False),
                         name="tracking_task_removed_plan"),
            # The national timeline groups a page of plans' counted tasks by kind, due
            # period and status: from this narrow index alone (an index-only scan: 17.5k
            # entries for 25 plans at 200k tasks, 16 ms, instead of 65 ms reading their
            # wide rows).
            models.Index(fields=["plan", "due_kind", "deciding_due", "status"],
                         condition=models.Q(removed_at__isnull=True, has_children=False),
                         name="tracking_task_timeline"),
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
        from theodoi.tracking.models.assignments import Assignment

        if self.pk is None:
            return []
        active = [a for a in self.assignments.all() if a.is_active]
        return sorted(active, key=lambda a: a.role != Assignment.LEAD)

    def lead_assignments(self) -> list[Assignment]:
        """The active assignments that answer for the task: its leads (named ones and each
        member's part of a group lead); its named partners when it names no lead."""
        active = self.active_assignments()
        leads = [a for a in active if a.is_lead]
        if leads:
            return [a for a in leads if a.agency_id is not None]
        return [a for a in active if a.agency_id is not None]

    def judge_state(self, as_of: date | None = None, days: int | None = None) -> State:
        """The task's state on `as_of`, judged from its reports: its lead parts' combined."""
        as_of = as_of or today()
        days = due_soon_days() if days is None else days
        rule = self.deadline_rule()
        leads = self.lead_assignments()
        if not leads:
            return engine.judge(rule, [], as_of, days).state
        return engine.combine_states(
            [engine.judge(rule, a.report_facts(), as_of, days).state for a in leads]
        )

    def get_status(self, as_of: date | None = None, days: int | None = None) -> str:
        """The task's status on `as_of`, judged from its reports (pages read the stored one)."""
        return self.judge_state(as_of, days).status


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


