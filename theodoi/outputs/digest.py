"""What one agency owes on a date: its overdue and due-soon tasks, for letters and reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from theodoi.outputs.labels import ROLE_LABELS, period_label, status_label, vn_date
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Assignment, Task
from theodoi.tracking.status import Judgement


@dataclass(frozen=True)
class OwedTask:
    """One task an agency answers for that is overdue or due soon on `as_of`."""

    assignment_id: int
    task_id: int
    plan_id: int
    code: str
    name: str
    result: str
    deadline: str
    due: date | None
    status: str
    role: str
    plan_number: str
    plan_title: str
    missed_periods: tuple[str, ...] = ()
    days_late: int = 0

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def due_label(self) -> str:
        """The deadline as a reader wants it: the date, then the cell as printed if it differs."""
        when = vn_date(self.due)
        if self.missed_periods:
            periods = ", ".join(period_label(p) for p in self.missed_periods)
            return f"{when} (chưa báo cáo: {periods})"
        if self.deadline and self.deadline.strip() != when:
            return f"{when} ({self.deadline.strip()})" if when else self.deadline.strip()
        return when

    @property
    def plan_label(self) -> str:
        return self.plan_number or self.plan_title[:80]


@dataclass
class AgencyDigest:
    """An agency's overdue and due-soon tasks on `as_of`, most late first."""

    agency: Agency
    as_of: date
    overdue: list[OwedTask] = field(default_factory=list)
    due_soon: list[OwedTask] = field(default_factory=list)

    @property
    def rows(self) -> list[OwedTask]:
        return [*self.overdue, *self.due_soon]

    @property
    def is_empty(self) -> bool:
        return not self.overdue and not self.due_soon

    def plans(self) -> list[tuple[str, str]]:
        """(number, title) of each plan the rows come from, in order of first appearance."""
        seen: dict[int, tuple[str, str]] = {}
        for row in self.rows:
            seen.setdefault(row.plan_id, (row.plan_number, row.plan_title))
        return list(seen.values())


def owed_tasks(agency: Agency) -> list[Task]:
    """Counted tasks of published plans where `agency` owes a part (lead or partner)."""
    parts = Assignment.objects.counted().filter(agency=agency)
    return list(
        Task.objects.filter(pk__in=parts.values("task_id"))
        .for_status()
        .order_by("plan__date", "plan_id", "order")
    )


def periods_owed(task: Task, judgement: Judgement, as_of: date) -> tuple[str, ...]:
    """The past periods of a recurring or ongoing task still to report, oldest first.

    A recurring task owes every past period not closed; an ongoing one is judged by its last
    completed period only (docs/tracking.md), so that is the one it owes when overdue.
    """
    if task.due_kind not in engine.PERIODIC_KINDS:
        return ()
    past = [o for o in judgement.occurrences if o.due is not None and o.due < as_of]
    if task.due_kind == "ongoing":
        return (past[-1].period,) if past and judgement.status == engine.OVERDUE else ()
    return tuple(o.period for o in past if o.status not in engine.CLOSED)


def _owed(task: Task, assignment: Assignment, as_of: date) -> OwedTask | None:
    judgement = assignment.judge(as_of)
    if judgement.status not in (engine.OVERDUE, engine.DUE_SOON):
        return None
    missed = periods_owed(task, judgement, as_of)
    due = judgement.due
    return OwedTask(
        assignment_id=assignment.pk,
        task_id=task.pk,
        plan_id=task.plan_id,
        code=task.code,
        name=task.name,
        result=task.result,
        deadline=task.deadline,
        due=due,
        status=judgement.status,
        role=assignment.role,
        plan_number=task.plan.number,
        plan_title=task.plan.title,
        missed_periods=missed,
        days_late=(as_of - due).days if due and due < as_of else 0,
    )


def agency_digest(agency: Agency, as_of: date) -> AgencyDigest:
    """What `agency` answers for (its lead parts: as a named lead, or its own part of a
    group lead) that is overdue or due soon on `as_of`, in published plans.

    Parts where the agency is only a partner are left out: the lead answers for them.
    """
    queries.fresh()
    digest = AgencyDigest(agency=agency, as_of=as_of)
    parts = queries.with_state(
        Assignment.objects.counted().filter(agency=agency, role=Assignment.LEAD), as_of
    ).filter(state_status__in=[engine.OVERDUE, engine.DUE_SOON]).select_related(
        "task", "task__plan").prefetch_related("reports")
    for assignment in parts:
        owed = _owed(assignment.task, assignment, as_of)
        if owed is None:
            continue
        (digest.overdue if owed.status == engine.OVERDUE else digest.due_soon).append(owed)
    digest.overdue.sort(key=lambda r: (r.due or as_of, r.plan_id, r.code))
    digest.due_soon.sort(key=lambda r: (r.due or as_of, r.plan_id, r.code))
    return digest


def agency_addressee(agency: Agency) -> str:
    """Who a letter or a reminder to `agency` is addressed to (`registry.titles.addressee`)."""
    from theodoi.registry.titles import addressee

    province = agency.parent.name if agency.kind == "commune" and agency.parent_id else ""
    return addressee(agency.name, agency.kind, province)


def find_agency(text: str) -> Agency:
    """The agency named by its registry id or its exact name (any case); LookupError with a
    Vietnamese message otherwise."""
    from theodoi.registry.text import fold

    text = text.strip()
    agency = Agency.objects.filter(registry_id=text).first()
    if agency is not None:
        return agency
    wanted = fold(text)
    matches = [a for a in Agency.objects.all() if fold(a.name) == wanted]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(a.registry_id for a in matches)
        raise LookupError(f"nhiều cơ quan cùng tên «{text}»: dùng mã ({ids})")
    raise LookupError(f"không có cơ quan «{text}» (dùng mã cơ quan, ví dụ bo-khcn)")
