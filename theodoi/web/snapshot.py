"""What the pages show, counted in the database (`theodoi.tracking.queries`).

Counts come from the stored counts (today) or the status history (an earlier `as_of`);
lists are paged in SQL and read each row's stored state. Nothing here loads every task.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from theodoi.registry.text import fold
from theodoi.tracking import access, queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    AgencySummary,
    Assignment,
    Plan,
    ProgressReport,
    Section,
    Target,
    TargetValue,
    Task,
    today,
)
from theodoi.tracking.queries import Counts
from theodoi.tracking.services import statuses
from theodoi.tracking.services.indicators import IndicatorReading, readings_for
from theodoi.web.labels import PROGRESS_ORDER, STATUS_ORDER


def published_plans(user: Any, plan: Plan | None = None) -> QuerySet[Plan]:
    """The published plans `user` may read (just `plan` when given)."""
    qs = access.visible_plans(user).filter(status=Plan.Status.PUBLISHED)
    return qs.filter(pk=plan.pk) if plan is not None else qs


def tracked_tasks(user: Any, plan: Plan | None = None, as_of: date | None = None
                  ) -> QuerySet[Task]:
    """Counted tasks of the published plans `user` may read, with their state on `as_of`."""
    qs = queries.counted_tasks(published_plans(user, plan))
    qs = qs.select_related("plan", "section").defer("search")
    return queries.with_state(qs, as_of or today()).order_by("plan__date", "plan_id", "order")


def status_counts(counts: Counts | Iterable[str]) -> dict[str, int]:
    """How many of each status, in the pages' order (most urgent first), zeros included."""
    if not isinstance(counts, Counts):
        seen = Counts()
        for s in counts:
            seen.add(s, None)
        counts = seen
    return {s: counts.status(s) for s in STATUS_ORDER}


def progress_counts(counts: Counts) -> dict[str, int]:
    """How many at each step of progress, zeros included."""
    return {p: counts.progress(p) for p in PROGRESS_ORDER}


def share(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percent (0 when there is nothing)."""
    return round(100 * part / whole) if whole else 0


@dataclass
class TaskRow:
    """A task with its state on the page's date."""

    task: Task
    status: str | None
    due: date | None
    progress: str | None = None
    percent: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in engine.CLOSED


def task_row(task: Task) -> TaskRow:
    return TaskRow(task, getattr(task, "state_status", task.status), task.deciding_due
                   or task.effective_due(), getattr(task, "state_progress", task.progress),
                   getattr(task, "state_percent", task.percent))


def task_rows(tasks: Iterable[Task], as_of: date | None = None) -> list[TaskRow]:
    return [task_row(t) for t in tasks]


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

    @property
    def label(self) -> str:
        """The section as printed: "I. Công tác chỉ đạo" (its code alone when untitled)."""
        if self.code and self.title:
            return f"{self.code}. {self.title}"
        return self.code or self.title


@dataclass
class AgencyRow:
    agency: Agency
    counts: dict[str, int]
    rate: float | None
    partner: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def partner_total(self) -> int:
        return sum(self.partner.values())

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def done_share(self) -> float:
        done = self.counts.get(engine.DONE, 0) + self.counts.get(engine.DONE_LATE, 0)
        return done / self.total if self.total else 0.0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done_share)


def rank_key(row: AgencyRow) -> tuple:
    """Best first: on-time rate; ties (80 agencies at 0% are common early in a year) by the
    share of their parts done, then fewer overdue, then more work; nothing due yet last."""
    return (row.rate is None, -(row.rate or 0), -row.done_share,
            row.counts.get(engine.OVERDUE, 0), -row.total, fold(row.agency.name))


@dataclass
class TargetRow:
    target: Target
    current: Decimal | None
    progress: float | None
    # What national systems measured for it (mapped indicators), beside what was reported.
    readings: list[IndicatorReading] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(100 * self.progress)

    @property
    def bar_percent(self) -> int:
        return min(100, self.percent or 0)


def root_code(code: str) -> str:
    return code.split(".", 1)[0]


def section_rows(plans: QuerySet[Plan], as_of: date) -> list[SectionRow]:
    """Counts for each plan's top-level sections (I, II, III ...), titles as printed."""
    by_section = queries.task_counts(plans, as_of, by="section")
    plan_ids = {plan_id for plan_id, _ in by_section}
    tops = list(Section.objects.filter(plan_id__in=plan_ids, parent__isnull=True))
    titles = {(s.plan_id, s.code): s.title for s in tops}
    order = {(s.plan_id, s.code): s.order for s in tops}
    by_id = {p.pk: p for p in Plan.objects.filter(pk__in=plan_ids)}
    rows = [
        SectionRow(by_id[plan_id], code, titles.get((plan_id, code), ""),
                   status_counts(counts))
        for (plan_id, code), counts in by_section.items() if counts.total
    ]
    rows.sort(key=lambda r: (r.plan.date or date.min, r.plan.pk,
                             order.get((r.plan.pk, r.code), -1)))
    return rows


PartCounts = dict[tuple[int, str], Counts]


def agency_ranking(
    as_of: date, plans: QuerySet[Plan] | None = None, counts: PartCounts | None = None, *,
    kinds: Iterable[str] | None = None,
) -> list[AgencyRow]:
    """Agencies (of `kinds` when given) by on-time rate of what they lead (best first,
    `rank_key`), with what they were asked to contribute as partners beside it."""
    if counts is None:
        counts = queries.part_counts(as_of, plans=plans)
    agency_ids = {aid for aid, _ in counts}
    agencies = Agency.objects.in_bulk(agency_ids)
    out = []
    for aid in agency_ids:
        agency = agencies.get(aid)
        if agency is None or (kinds is not None and agency.kind not in kinds):
            continue
        lead = counts.get((aid, Assignment.LEAD), Counts())
        partner = counts.get((aid, Assignment.PARTNER), Counts())
        if not lead.total and not partner.total:
            continue
        out.append(AgencyRow(agency, status_counts(lead), lead.on_time_rate,
                             status_counts(partner)))
    out.sort(key=rank_key)
    return out


def ranked_counts(kinds: Iterable[str] | None = None, agency_ids: Iterable[int] | None = None,
                  name_words: Iterable[str] = ()) -> QuerySet:
    """Today's agencies (of `kinds`, among `agency_ids`, whose folded name holds every one of
    `name_words`, when given) with a part, best first by `rank_key`'s rules: one row
    (`agency_id`, lead and partner totals) per agency, read from the stored ranking figures
    (`AgencySummary`) in the order of their index, a page stopping after its rows. Ties of
    every figure go by the name in the database's order (`rank_key` folds diacritics)."""
    qs = AgencySummary.objects.all()
    if kinds is not None:
        qs = qs.filter(agency__kind__in=list(kinds))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    for word in name_words:
        qs = qs.filter(agency__folded_name__contains=word)
    return qs.order_by("-rate_key", "-done_share", "overdue", "-lead_total", "agency__name",
                       "agency_id").values(
        "agency_id", "lead_total", "partner_total")


def agency_rows_of(agency_ids: list[int], as_of: date) -> list[AgencyRow]:
    """`agency_ids`' rows (lead and partner counts by status), in that order: two queries."""
    counts = queries.part_counts(as_of, agencies=agency_ids)
    agencies = Agency.objects.in_bulk(agency_ids)
    out = []
    for aid in agency_ids:
        lead = counts.get((aid, Assignment.LEAD), Counts())
        partner = counts.get((aid, Assignment.PARTNER), Counts())
        out.append(AgencyRow(agencies[aid], status_counts(lead), lead.on_time_rate,
                             status_counts(partner)))
    return out


CENTRAL_LEVEL = "central"
PROVINCE_LEVEL = "province"
CENTRAL_KINDS = statuses.CENTRAL_KINDS  # the kinds ranked at the central level


def level_ranking(as_of: date, plans: QuerySet[Plan] | None = None
                  ) -> dict[str, list[AgencyRow]]:
    """Ministries and provinces ranked apart, each with what its own units answer for
    rolled up into it (a ministry's departments; a province's departments and communes):
    a leader compares Bộ with Bộ and tỉnh with tỉnh, not a Sở with a Bộ. Rolled up and
    summed in the database (`queries.rolled_up_part_counts`; today's stored so, in
    `RootStatusCount`): the page reads a row per ministry or province and status, not
    every agency's counts (3,956 agencies and 20k count rows at 20k tasks were most of
    the overview's Python)."""
    agencies: dict[int, Agency] = {}
    counts = queries.rolled_up_part_counts(as_of, (*CENTRAL_KINDS, PROVINCE_LEVEL),
                                           plans=plans, roots=agencies)
    ids = {aid for aid, _role in counts}
    out: dict[str, list[AgencyRow]] = {CENTRAL_LEVEL: [], PROVINCE_LEVEL: []}
    for pk in ids:
        mine = counts.get((pk, Assignment.LEAD), Counts())
        theirs = counts.get((pk, Assignment.PARTNER), Counts())
        level = PROVINCE_LEVEL if agencies[pk].kind == PROVINCE_LEVEL else CENTRAL_LEVEL
        out[level].append(AgencyRow(agencies[pk], status_counts(mine), mine.on_time_rate,
                                    status_counts(theirs)))
    for rows in out.values():
        rows.sort(key=rank_key)
    return out


def targets_with_values(plans: QuerySet[Plan]) -> QuerySet[Target]:
    """The plans' targets with every value and its report, in three queries. The values
    in the order they were given (what `Target.latest_values` reads): not in their targets'
    and plans' order, which joined every target and plan of the country to sort them."""
    return (
        Target.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related(
            Prefetch("values", queryset=TargetValue.objects.select_related("report", "agency")
                     .order_by("created_at", "id"))
        )
    )


OVERVIEW_TARGETS = 12
OVERVIEW_PLANS = 12
OVERVIEW_SECTIONS = 24  # section rows of the national overview (one plan's shows them all)


def recent_plans(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """The most recent plans, whose sections the national overview lists (every plan has
    its own page; thousands of plan sections are not an overview)."""
    ids = list(plans.order_by("-date", "-id").values_list("pk", flat=True)[:OVERVIEW_PLANS])
    return Plan.objects.filter(pk__in=ids)


def newest_sections(rows: list[SectionRow], limit: int = OVERVIEW_SECTIONS
                    ) -> list[SectionRow]:
    """The sections of the newest plans that fit in `limit` rows, whole plans only (the
    newest one cut at `limit` when it alone has more), in `rows`' order: the national
    overview lists a bounded number of rows however large the plans; each plan's page
    and /plans/ hold the rest."""
    by_plan: dict[int, list[SectionRow]] = {}
    for row in rows:
        by_plan.setdefault(row.plan.pk, []).append(row)
    newest = sorted(by_plan.values(), key=lambda group: (group[0].plan.date or date.min,
                                                         group[0].plan.pk), reverse=True)
    kept: set[int] = set()
    shown = 0
    for group in newest:
        if kept and shown + len(group) > limit:
            break
        kept.add(group[0].plan.pk)
        shown += len(group)
    return [r for r in rows if r.plan.pk in kept][:limit]


def shown_targets(plans: QuerySet[Plan], plan: Plan | None) -> list[Target]:
    """The targets an overview shows: every one of `plan`'s, or nationally those of the
    most recent plans that have targets (at most OVERVIEW_TARGETS: thousands of plans each
    have their own)."""
    if plan is not None:
        return list(targets_with_values(plans))
    recent = (Target.objects.filter(plan__in=plans)
              .order_by("-plan__date", "-plan_id", "order").values_list("pk", flat=True)
              [:OVERVIEW_TARGETS])
    return list(targets_with_values(plans).filter(pk__in=list(recent)).order_by(
        "-plan__date", "-plan_id", "order"))


def target_rows(targets: Iterable[Target], as_of: date, *,
                readings: bool = False) -> list[TargetRow]:
    """Each target's reported value and progress on `as_of`; with `readings`, the latest
    values of the indicators mapped to it too."""
    targets = list(targets)
    found = readings_for(targets, as_of) if readings else {}
    return [TargetRow(t, t.current_value(as_of), t.progress(as_of), found.get(t.pk, []))
            for t in targets]


@dataclass
class Overview:
    """The national overview on one date."""

    as_of: date
    totals: Counts
    sections: list[SectionRow]
    targets: list[TargetRow]
    months: list[tuple[str, int, int, int, int]]
    levels: dict[str, list[AgencyRow]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    progress: dict[str, int] = field(default_factory=dict)
    # The plans counted when one plan's overview (None nationally: the stored counts).
    scope: QuerySet[Plan] | None = None

    @property
    def total(self) -> int:
        return self.totals.total

    @cached_property
    def ranking(self) -> list[AgencyRow]:
        """Every agency ranked, read when asked (the page shows `levels`: ranking all 4,000
        agencies on each overview cost 3.8 of its 8.5 s under the profiler at 20k, for
        nothing shown)."""
        return agency_ranking(self.as_of, plans=self.scope)

    @property
    def done_percent(self) -> int:
        return share(self.totals.done, self.total)

    @property
    def rate_percent(self) -> int | None:
        rate = self.totals.on_time_rate
        return None if rate is None else round(100 * rate)


def overview(user: Any, as_of: date, plan: Plan | None = None) -> Overview:
    """Counts by status and section, agency ranking, targets and completions on `as_of`."""
    queries.fresh()
    plans = published_plans(user, plan)
    totals = queries.total_counts(plans, as_of)
    scope = plans if plan is not None else None
    return Overview(
        as_of=as_of,
        totals=totals,
        sections=section_rows(plans, as_of) if plan is not None else newest_sections(
            section_rows(recent_plans(plans), as_of), OVERVIEW_SECTIONS),
        targets=target_rows(shown_targets(plans, plan), as_of),
        months=queries.due_and_done_by_month(plans, as_of),
        levels=level_ranking(as_of, plans=scope),
        counts=status_counts(totals),
        progress=progress_counts(totals),
        scope=scope,
    )


# -- one agency ------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    """One of an agency's parts with its state on the page's date."""

    assignment: Assignment
    status: str | None
    due: date | None
    period: str
    returned: ProgressReport | None
    progress: str | None = None
    percent: int | None = None

    @property
    def task(self) -> Task:
        return self.assignment.task

    @property
    def period_reported(self) -> bool:
        return not self.must_report

    @property
    def must_report(self) -> bool:
        """Whether the agency owes something now: a returned report, or an open part that is
        due soon or overdue."""
        if self.status in engine.CLOSED:
            return False
        if self.returned is not None:
            return True
        return self.status in (engine.DUE_SOON, engine.OVERDUE)


def agency_parts(user: Any, agency: Agency, as_of: date, role: str | None = None
                 ) -> QuerySet[Assignment]:
    """The agency's counted parts in the published plans `user` may read, with their state
    on `as_of`, most urgent first (paged by the caller)."""
    qs = queries.counted_parts(access.visible_plans(user)).filter(agency=agency)
    if role:
        qs = qs.filter(role=role)
    qs = queries.with_state(qs, as_of).filter(state_status__isnull=False)
    # The row's own plan is its task's (`statuses.check()` says so): with the due date it
    # is read in the order of the agency's indexes.
    return qs.select_related("agency", "task", "task__plan").only(*PART_FIELDS).order_by(
        "deciding_due", "plan_id", "task__order", "pk")


# The columns a list of parts reads (the agency page's rows, a reporter's work, the
# export): code, name, deadline and its rule, the plan's number and title, the name
# printed, the state. Whole rows (30 task, 15 plan, 6 section columns, JSON decoded) were
# a quarter of a 50-row list's Python.
PART_FIELDS = (
    "id", "task_id", "plan_id", "agency_id", "role", "printed_name", "group_name",
    "status", "progress", "percent", "deciding_due", "is_returned",
    "task__id", "task__plan_id", "task__code", "task__name", "task__detail",
    "task__deadline", "task__due_kind", "task__due_on", "task__due_from", "task__due_every",
    "task__set_on",
    # `Plan.reference_date()`: a periodic task's first period when it names no start.
    "task__plan__id", "task__plan__number", "task__plan__title", "task__plan__date",
    "task__plan__year", "task__plan__created_at",
    "agency__id", "agency__name",
)


def must_report_filter() -> Q:
    """Parts owing something now: returned, due soon or overdue (and not closed)."""
    # Today's list is read by due date from the index of exactly these rows
    # (`tracking_asg_must_report`); its count is stored (`queries.must_report_count`).
    return (Q(state_status__in=list(queries.MUST_REPORT)) | Q(is_returned=True)) & ~Q(
        state_status__in=engine.CLOSED)


def assignment_rows(assignments: Iterable[Assignment], as_of: date) -> list[AssignmentRow]:
    """Rows for a page of parts (their returned report, when the last one was returned)."""
    return assignment_row_lists([assignments], as_of)[0]


def assignment_row_lists(lists: Iterable[Iterable[Assignment]], as_of: date
                         ) -> list[list[AssignmentRow]]:
    """`assignment_rows` of several pages of parts, their returned reports read in one
    query (an agency's page: what it must report, its lead and its partner parts)."""
    pages = [list(items) for items in lists]
    returned_ids = {a.pk for items in pages for a in items if a.is_returned}
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(
        assignment_id__in=sorted(returned_ids), review_state=ProgressReport.Review.RETURNED
    ).order_by("assignment_id", "created_at", "id"):
        latest[report.assignment_id] = report
    out = []
    for items in pages:
        rows = []
        for a in items:
            report = latest.get(a.pk)
            if report is not None and report.reviewed_at and report.reviewed_at.date() > as_of:
                report = None
            rows.append(AssignmentRow(
                a, getattr(a, "state_status", a.status),
                a.deciding_due or a.task.effective_due(), a.current_period(as_of), report,
                getattr(a, "state_progress", a.progress), getattr(a, "state_percent", a.percent),
            ))
        out.append(rows)
    return out
