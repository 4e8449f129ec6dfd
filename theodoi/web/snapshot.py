"""What the pages show, computed in Python from rows fetched in a fixed number of queries.

Every page builds its numbers here from querysets prepared with `for_status()` (three
queries whatever the number of tasks), so that a page costs the same number of queries
for five tasks or five thousand. Statuses are judged on the page's `as_of` date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    Assignment,
    Plan,
    ProgressReport,
    Section,
    Target,
    TargetValue,
    Task,
)
from theodoi.web.labels import STATUS_ORDER


def tracked_tasks(user: Any, plan: Plan | None = None) -> QuerySet[Task]:
    """Current tasks of the published plans `user` may read, ready for `get_status()`."""
    qs = access.visible_tasks(user).filter(plan__status=Plan.Status.PUBLISHED).current()
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.for_status().order_by("plan__date", "plan_id", "order")


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, in the pages' order (most urgent first), zeros included."""
    counts = Counter(statuses)
    return {s: counts.get(s, 0) for s in STATUS_ORDER}


def share(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percent (0 when there is nothing)."""
    return round(100 * part / whole) if whole else 0


@dataclass
class TaskRow:
    """A task with its status and due date on the page's date."""

    task: Task
    status: str
    due: date | None

    @property
    def is_open(self) -> bool:
        return self.status not in engine.CLOSED


def task_rows(tasks: Iterable[Task], as_of: date) -> list[TaskRow]:
    return [TaskRow(t, t.get_status(as_of), t.effective_due()) for t in tasks]


def urgency_key(row: Any) -> tuple:
    """Most urgent first, then the nearest due date."""
    rank = STATUS_ORDER.index(row.status) if row.status in STATUS_ORDER else len(STATUS_ORDER)
    return (rank, row.due or date.max)


@dataclass
class SectionRow:
    plan: Plan
    code: str
    title: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_percent(self) -> int:
        done = self.counts[engine.DONE] + self.counts[engine.DONE_LATE]
        return share(done, self.total)


@dataclass
class AgencyRow:
    agency: Agency
    counts: dict[str, int]
    rate: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


@dataclass
class TargetRow:
    target: Target
    current: Decimal | None
    progress: float | None

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(100 * self.progress)

    @property
    def bar_percent(self) -> int:
        return min(100, self.percent or 0)


def root_code(code: str) -> str:
    return code.split(".", 1)[0]


def section_rows(rows: Sequence[TaskRow], sections: Iterable[Section]) -> list[SectionRow]:
    """Counts by status for each plan's top-level sections (I, II, III ...)."""
    titles = {(s.plan_id, s.code): s.title for s in sections}
    grouped: dict[tuple[int, str], list[TaskRow]] = defaultdict(list)
    plans: dict[int, Plan] = {}
    for row in rows:
        code = root_code(row.task.section.code if row.task.section_id else "")
        grouped[(row.task.plan_id, code)].append(row)
        plans[row.task.plan_id] = row.task.plan
    return [
        SectionRow(plans[plan_id], code, titles.get((plan_id, code), ""),
                   status_counts(r.status for r in group))
        for (plan_id, code), group in grouped.items()
    ]


def lead_judgements(rows: Sequence[TaskRow], as_of: date) -> list[tuple[Assignment, str]]:
    """Each answering (lead) assignment with an agency, and its own status on `as_of`."""
    out = []
    for row in rows:
        for assignment in row.task.lead_assignments():
            if assignment.agency_id is not None:
                out.append((assignment, assignment.get_status(as_of)))
    return out


def agency_ranking(rows: Sequence[TaskRow], as_of: date) -> list[AgencyRow]:
    """Agencies by on-time rate of what they lead (best first; nothing due yet last)."""
    by_agency: dict[int, list[str]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for assignment, status in lead_judgements(rows, as_of):
        by_agency[assignment.agency_id].append(status)
        agencies[assignment.agency_id] = assignment.agency
    out = [
        AgencyRow(agencies[aid], status_counts(statuses), engine.on_time_rate(statuses))
        for aid, statuses in by_agency.items()
    ]
    out.sort(key=lambda r: (r.rate is None, -(r.rate or 0), -r.total, r.agency.name))
    return out


def completion_day(task: Task, as_of: date) -> date | None:
    """The day a closed one-off task was finished: its last lead's accepted "done" report."""
    days = []
    for assignment in task.lead_assignments():
        closing = [f.on for f in assignment.report_facts() if f.closes(as_of)]
        if not closing:
            return None
        days.append(min(closing))
    return max(days) if days else None


def completions_by_month(rows: Sequence[TaskRow], as_of: date) -> list[tuple[str, int, int]]:
    """(month "2024-05", tasks completed that month, completed so far) up to `as_of`."""
    months: Counter[str] = Counter()
    for row in rows:
        if row.status in engine.CLOSED and row.task.due_kind not in engine.PERIODIC_KINDS:
            day = completion_day(row.task, as_of)
            if day is not None:
                months[day.strftime("%Y-%m")] += 1
    if not months:
        return []
    out, total = [], 0
    for key in _month_range(min(months), as_of.strftime("%Y-%m")):
        total += months.get(key, 0)
        out.append((key, months.get(key, 0), total))
    return out


def _month_range(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < 240:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def targets_with_values(plans: QuerySet[Plan]) -> QuerySet[Target]:
    """The plans' targets with every value and its report, in three queries."""
    return (
        Target.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related(
            Prefetch("values", queryset=TargetValue.objects.select_related("report", "agency"))
        )
    )


def target_rows(targets: Iterable[Target], as_of: date) -> list[TargetRow]:
    return [TargetRow(t, t.current_value(as_of), t.progress(as_of)) for t in targets]


@dataclass
class Overview:
    """The national overview on one date."""

    as_of: date
    rows: list[TaskRow]
    sections: list[SectionRow]
    ranking: list[AgencyRow]
    targets: list[TargetRow]
    completions: list[tuple[str, int, int]]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done_percent(self) -> int:
        return share(self.counts[engine.DONE] + self.counts[engine.DONE_LATE], self.total)

    @property
    def rate_percent(self) -> int | None:
        rate = engine.on_time_rate(r.status for r in self.rows)
        return None if rate is None else round(100 * rate)


def overview(user: Any, as_of: date, plan: Plan | None = None) -> Overview:
    """Counts by status and section, agency ranking, targets and completions on `as_of`."""
    rows = task_rows(tracked_tasks(user, plan), as_of)
    plans = access.visible_plans(user).filter(status=Plan.Status.PUBLISHED)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    sections = Section.objects.filter(plan__in=plans, parent__isnull=True)
    return Overview(
        as_of=as_of,
        rows=rows,
        sections=section_rows(rows, sections),
        ranking=agency_ranking(rows, as_of),
        targets=target_rows(targets_with_values(plans), as_of),
        completions=completions_by_month(rows, as_of),
        counts=status_counts(r.status for r in rows),
    )


# -- one agency ------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    """One of an agency's assignments with its status on the page's date."""

    assignment: Assignment
    status: str
    due: date | None
    period: str
    period_reported: bool
    returned: ProgressReport | None

    @property
    def task(self) -> Task:
        return self.assignment.task

    @property
    def must_report(self) -> bool:
        """Whether the agency owes a report now: a returned report, an unreported period of a
        recurring task, or an open task that is due soon or overdue."""
        if self.status in engine.CLOSED:
            return False
        if self.returned is not None:
            return True
        if self.period and not self.period_reported:
            return True
        return self.status in (engine.DUE_SOON, engine.OVERDUE)


def agency_assignments(user: Any, agency: Agency) -> QuerySet[Assignment]:
    """The agency's active assignments in published plans, ready for `get_status()`."""
    return (
        access.visible_assignments(user)
        .filter(agency=agency, task__plan__status=Plan.Status.PUBLISHED)
        .active()
        .select_related("task__section")
        .for_status()
        .order_by("task__plan_id", "task__order")
    )


def assignment_rows(assignments: Iterable[Assignment], as_of: date) -> list[AssignmentRow]:
    out = []
    for a in assignments:
        reports = [r for r in a.report_list() if timezone.localdate(r.created_at) <= as_of]
        period = a.current_period(as_of)
        reported = any(
            r.period == period and not r.as_fact().returned(as_of) for r in reports
        ) if period else False
        latest = reports[-1] if reports else None
        returned = latest if latest is not None and latest.as_fact().returned(as_of) else None
        out.append(AssignmentRow(
            a, a.get_status(as_of), a.task.effective_due(), period, reported, returned
        ))
    out.sort(key=urgency_key)
    return out
