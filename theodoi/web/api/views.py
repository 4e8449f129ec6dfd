"""The API's endpoints. Each one checks access with `theodoi.tracking.access` (the helpers the
pages use), then reads, or validates and calls one service of `theodoi.tracking.services`.

Lists read each row's stored state (or its history for an earlier `as_of`), and filter,
count and page in the database (`theodoi.tracking.queries`), whatever the number of rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from theodoi.glossary import period_label
from theodoi.registry.titles import heading_name
from theodoi.tracking import access, queries, services
from theodoi.tracking.models import (
    Agency,
    Assignment,
    DeadlineChange,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Plan,
    ProgressReport,
    Target,
    TargetValue,
    Task,
    TaskLink,
    today,
)
from theodoi.tracking.services import indicators as indicator_services
from theodoi.tracking.services import links as link_services
from theodoi.tracking.services import plans as plan_services
from theodoi.web import preview
from theodoi.web.api import schemas as s
from theodoi.web.api.auth import caller

plans = Router(tags=["plans"])
tasks = Router(tags=["tasks"])
assignments = Router(tags=["assignments"])
statuses = Router(tags=["statuses"])
targets = Router(tags=["targets"])
reports = Router(tags=["reports"])
indicators = Router(tags=["indicators"])

ROUTERS = {
    "plans": plans, "tasks": tasks, "assignments": assignments, "statuses": statuses,
    "targets": targets, "reports": reports, "indicators": indicators,
}

READ_ERRORS = {401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
logger = logging.getLogger(__name__)
LIST_ERRORS = {401: s.ErrorOut}
WRITE_ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}


# -- reading helpers ----------------------------------------------------------------------


def page_of(rows: QuerySet | Sequence[Any], query: s.PageQuery,
            count: int | None = None) -> tuple[list[Any], dict]:
    """One page of `rows` and the paging fields of the answer (count, page, page_size);
    `count`: the number of rows when the caller already knows it (no COUNT query)."""
    size = min(query.page_size or settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE)
    start = (query.page - 1) * size
    if count is None:
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    items = list(rows[start:start + size]) if start < count else []
    return items, {"count": count, "page": query.page, "page_size": size}


def agency_filter(value: str, prefix: str = "") -> Q:
    """Rows of the agency `value`, given by its id or its registry id."""
    value = value.strip()
    if value.isdigit():
        return Q(**{f"{prefix}agency_id": int(value)})
    return Q(**{f"{prefix}agency__registry_id": value})


def agency_id_of(value: str) -> int | None:
    """The id of the agency `value` (its id or its registry id; None when no agency has
    it): a list filtered by the id reads an agency's rows in an index's order."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    return Agency.objects.filter(registry_id=value).order_by().values_list("pk", flat=True).first()


def section_filter(code: str, prefix: str = "") -> Q:
    """Rows of the section `code` and of its sub-sections ("III" takes "III.A")."""
    code = code.strip().rstrip(".")
    return Q(**{f"{prefix}section__code": code}) | Q(
        **{f"{prefix}section__code__startswith": f"{code}."}
    )


def local(moment: datetime | None) -> datetime | None:
    """A stored time in the project's time zone, as users read it."""
    return timezone.localtime(moment) if moment is not None else None


def number(value: Any) -> float | None:
    return None if value is None else float(value)


REPORTS_IN_FULL = Prefetch(
    "reports",
    queryset=ProgressReport.objects.select_related("author", "reviewed_by").prefetch_related(
        "files"
    ),
)
TARGET_VALUES = Prefetch("values", queryset=TargetValue.objects.select_related("report", "agency"))


# -- rows to answers ------------------------------------------------------------------------


def agency_data(agency: Agency | None) -> dict | None:
    if agency is None:
        return None
    return {"id": agency.pk, "registry_id": agency.registry_id, "name": agency.name,
            "kind": agency.kind}


def plan_data(plan: Plan) -> dict:
    return {
        "id": plan.pk, "number": plan.number, "date": plan.date, "issuer": plan.issuer,
        "title": plan.title, "year": plan.year, "signer": plan.signer, "status": plan.status,
        "published_at": local(plan.published_at), "tasks": plan.task_count,
    }


def task_data(task: Task, status: str | None = None) -> dict:
    if status is None:
        status = getattr(task, "state_status", task.status)
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "code": task.code,
        "section": task.section.code if task.section_id else None,
        "name": task.name,
        "detail": task.detail,
        "result": task.result,
        "deadline": task.deadline,
        "due": {
            "kind": task.due_kind, "on": task.due_on, "start": task.due_from,
            "every": task.due_every or None, "text": task.due_text,
        },
        "due_on": task.effective_due(),
        "set_on": task.set_on,
        "lead": list(task.lead),
        "partners": list(task.partners),
        "removed": task.is_removed,
        "heading": task.has_children,
        "status": status,
        "progress": getattr(task, "state_progress", task.progress),
        "percent": getattr(task, "state_percent", task.percent),
        "lead_parts": task.lead_parts,
        "lead_parts_done": task.lead_parts_done,
    }


def report_summary(report: ProgressReport) -> dict:
    return {
        "id": report.pk, "period": report.period, "status": report.status,
        "percent": report.percent, "created_at": local(report.created_at),
        "review_state": report.review_state,
    }


def report_data(report: ProgressReport, files: Sequence[Any] | None = None) -> dict:
    """A report as the API shows it (`files`: its evidence files, when the caller has them)."""
    return {
        **report_summary(report),
        "assignment": report.assignment_id,
        "text": report.text,
        "links": list(report.links),
        "files": [{"name": f.name, "url": f.file.url}
                  for f in (report.files.all() if files is None else files)],
        "target": report.target_id,
        "target_value": number(report.target_value),
        "corrects": report.corrects_id,
        "author": report.author.get_username(),
        "reviewed_by": report.reviewed_by.get_username() if report.reviewed_by else None,
        "reviewed_at": local(report.reviewed_at),
        "review_reason": report.review_reason,
    }


def assignment_data(
    assignment: Assignment, status: str | None = None, *, history: bool = False,
    reports: bool = True,
) -> dict:
    if status is None:
        status = getattr(assignment, "state_status", assignment.status)
    report_list = assignment.report_list() if history else []
    data = {
        "id": assignment.pk,
        "task": assignment.task_id,
        "task_code": assignment.task.code,
        "plan": assignment.task.plan_id,
        "agency": agency_data(assignment.agency),
        "printed_name": assignment.printed_name,
        "role": assignment.role,
        "group": assignment.group_name,
        "flag": assignment.flag,
        "active": assignment.is_active,
        "status": status if assignment.owes_report else None,
        "progress": getattr(assignment, "state_progress", assignment.progress),
        "percent": getattr(assignment, "state_percent", assignment.percent),
        "current_period": assignment.current_period(),
        "last_report_at": local(assignment.last_report_at),
        "pending_reports": assignment.pending_reports,
    }
    if history:
        data["reports"] = len(report_list)
        data["last_report"] = report_summary(report_list[-1]) if report_list else None
        data["history"] = [report_data(r) for r in report_list] if reports else []
    return data


def deadline_change_data(change: DeadlineChange) -> dict:
    return {
        "source": change.source, "old_on": change.old_on, "new_on": change.new_on,
        "old_text": change.old_text, "new_text": change.new_text, "reason": change.reason,
        "changed_at": local(change.changed_at),
    }


def target_value_data(value: TargetValue) -> dict:
    return {"agency": agency_data(value.agency), "value": float(value.value),
            "report": value.report_id, "created_at": local(value.created_at)}


def target_data(target: Target, as_of: date, *, detail: bool = False) -> dict:
    latest = target.latest_values(as_of)
    data = {
        "id": target.pk, "plan": target.plan_id, "text": target.text,
        "goal": number(target.goal), "unit": target.unit,
        "current": number(target.current_value(as_of)),
        "progress": target.progress(as_of), "agencies": len(latest),
    }
    if detail:
        data["latest"] = [target_value_data(v) for v in latest.values()]
        data["history"] = [
            target_value_data(v)
            for v in sorted(target.values.all(), key=lambda v: (v.created_at, v.pk))
        ]
    return data


DAY_KEY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def period_text(key: str) -> str:
    """A period key as people write it ("2026-Q3" -> "Quý III/2026", the glossary's words;
    a day "2024-06-30" -> "30/06/2024")."""
    day = DAY_KEY.fullmatch(key)
    if day:
        return f"{day[3]}/{day[2]}/{day[1]}"
    return period_label(key)


def linked_task_data(task: Task, link: TaskLink | None) -> dict:
    """A task at the other end of a cascade link, with its state (`put_state` first)."""
    return {
        "id": task.pk, "code": task.code, "name": task.name, "plan": task.plan_id,
        "plan_number": task.plan.number, "plan_issuer": task.plan.issuer,
        "status": task.state_status, "progress": task.state_progress,
        "percent": link_services.child_percent(task) if task.state_status else None,
        "link": link.pk if link else None,
        "decided_at": local(link.decided_at) if link else None,
    }


def rollup_data(rollup: link_services.Rollup | None) -> dict | None:
    if rollup is None:
        return None
    return {
        "count": rollup.count, "done": rollup.done, "percent": rollup.percent,
        "by_status": [{"status": status, "count": n} for status, n in rollup.by_status],
        "groups": [{"kind": g.kind, "name": heading_name(g.name), "count": g.count,
                    "done": g.done, "percent": g.percent} for g in rollup.groups],
    }


def indicator_data(indicator: Indicator) -> dict:
    return {"id": indicator.pk, "system": indicator.system, "code": indicator.code,
            "name": indicator.name, "unit": indicator.unit}


def indicator_value_data(value: IndicatorValue, indicator: Indicator | None = None) -> dict:
    return {
        "id": value.pk, "indicator": indicator_data(indicator or value.indicator),
        "agency": agency_data(value.agency), "agency_name": value.agency_name,
        "period": value.period, "period_label": period_text(value.period), "on": value.on,
        "value": float(value.value), "rank": value.rank, "unit": value.unit,
        "source": {"system": value.source_system, "file": value.source_file,
                   "row": value.row, "imported_on": value.imported_on},
        "imported_at": local(value.imported_at),
    }


def fetch_report(report_id: int) -> ProgressReport:
    """A report with what `report_data` reads (after access was checked)."""
    return (
        ProgressReport.objects.select_related("author", "reviewed_by")
        .prefetch_related("files")
        .get(pk=report_id)
    )


# -- plans ------------------------------------------------------------------------------------


def with_task_count(rows: QuerySet[Plan]) -> QuerySet[Plan]:
    return rows.annotate(
        task_count=Count("tasks", filter=Q(tasks__removed_at__isnull=True))
    )


@plans.get("", response={200: s.PlanPage, **LIST_ERRORS}, summary="List plans")
def list_plans(request: HttpRequest, page: Query[s.PageQuery]) -> dict:
    """The plans the caller may read (drafts only for coordinators), newest first."""
    rows = with_task_count(access.visible_plans(caller(request)))
    items, meta = page_of(rows, page)
    return {**meta, "items": [plan_data(p) for p in items]}


@plans.get("/{plan_id}", response={200: s.PlanDetailOut, **READ_ERRORS}, summary="Get a plan")
def get_plan(request: HttpRequest, plan_id: int) -> dict:
    """A plan's header as printed, its sections, targets and source file names."""
    plan = access.access_plan(caller(request), plan_id)
    plan.task_count = plan.tasks.current().count()
    return {
        **plan_data(plan),
        "source": plan.source,
        "sections": [
            {"code": x.code, "title": x.title, "parent": x.parent.code if x.parent else None}
            for x in plan.sections.select_related("parent")
        ],
        "targets": [
            {"id": t.pk, "text": t.text, "goal": number(t.goal), "unit": t.unit}
            for t in plan.targets.all()
        ],
        "files": [f.name for f in plan.files.all()],
    }


@plans.get("/{plan_id}/references", response={200: s.PlanReferencesOut, **READ_ERRORS},
           summary="Plans a plan implements, plans implementing it")
def get_plan_references(request: HttpRequest, plan_id: int, page: Query[s.PageQuery]) -> dict:
    """The documents a plan's title names (what it implements or cites), each with the plan
    in theodoi that has its number when the caller may read it, and the readable plans
    whose titles say they implement this one (paged, newest first)."""
    user = caller(request)
    plan = access.access_plan(user, plan_id)
    visible = access.visible_plans(user)
    refs = plan_services.parent_plans(plan)
    found = {p.pk: p for p in with_task_count(visible.filter(
        pk__in=[f.pk for _ref, f in refs if f is not None]))}
    children = with_task_count(visible.filter(
        pk__in=plan_services.child_plans(plan).values("pk"))).order_by("-date", "-id")
    items, meta = page_of(children, page)
    return {
        "plan": plan.pk,
        "references": [
            {"kind": ref.kind, "number": ref.number, "implements": ref.implements,
             "plan": plan_data(found[f.pk]) if f is not None and f.pk in found else None}
            for ref, f in refs
        ],
        **meta,
        "implemented_by": [plan_data(p) for p in items],
    }


# -- tasks ------------------------------------------------------------------------------------


@tasks.get("", response={200: s.TaskPage, **LIST_ERRORS}, summary="List tasks")
def list_tasks(
    request: HttpRequest, filters: Query[s.TaskFilters], page: Query[s.PageQuery]
) -> dict:
    """Current tasks of the plans the caller may read (heading rows included, marked), with
    their state on `as_of`, filtered by plan, agency, section, status and words
    (diacritic-insensitive); filtered, counted and paged in the database."""
    as_of = filters.as_of or today()
    queries.fresh()
    rows = access.visible_tasks(caller(request)).current()
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan)
    if filters.agency:
        rows = rows.filter(pk__in=Assignment.objects.filter(
            agency_filter(filters.agency), is_active=True).values("task_id"))
    if filters.section:
        rows = rows.filter(section_filter(filters.section))
    if filters.search:
        rows = rows.search(filters.search)
    rows = queries.with_state(rows.select_related("plan", "section").defer("search"), as_of)
    if filters.status:
        rows = rows.filter(state_status=filters.status)
    known = None
    if not (filters.agency or filters.section or filters.search) and (
            not filters.status or queries.is_today(as_of)):
        # Whole plans (today's status): counted from the stored counts and the heading
        # rows' index, not by counting every matching task (131 ms at 200k tasks).
        plans: QuerySet[Plan] | None = access.visible_plans(caller(request))
        if filters.plan is not None:
            plans = plans.filter(pk=filters.plan)
        elif access.is_coordinator(caller(request)):
            plans = None  # every plan (`visible_plans`): counted without a join
        known = queries.current_task_count(plans, filters.status)
    items, meta = page_of(rows.order_by("plan_id", "order"), page, known)
    return {"as_of": as_of, **meta, "items": [task_data(t) for t in items]}


@tasks.get("/{task_id}", response={200: s.TaskDetailOut, **READ_ERRORS}, summary="Get a task")
def get_task(request: HttpRequest, task_id: int, when: Query[s.AsOfQuery]) -> dict:
    """A task's cells as printed, its status, every assignment with its status and reports,
    and the history of its deadline."""
    as_of = when.as_of or today()
    queries.fresh()
    task = access.access_task(caller(request), task_id)
    queries.put_state([task], as_of)
    prefetch_related_objects(
        [task],
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("agency").prefetch_related(
                REPORTS_IN_FULL
            ),
        ),
        "deadline_changes",
    )
    queries.put_state(task.assignments.all(), as_of)
    # Report texts and evidence: for the agencies working on the task (access.py).
    history = access.can_read_reports(caller(request), task)
    return {
        **task_data(task),
        "plan_number": task.plan.number,
        "assignments": [assignment_data(a, history=True, reports=history)
                        for a in task.assignments.all()],
        "deadline_changes": [deadline_change_data(c) for c in task.deadline_changes.all()],
    }


@tasks.get("/{task_id}/cascade", response={200: s.CascadeOut, **READ_ERRORS},
           summary="A task through the plans that carry it")
def get_task_cascade(request: HttpRequest, task_id: int, when: Query[s.AsOfQuery]) -> dict:
    """The tasks of parent plans this task implements, the confirmed tasks of lower plans
    implementing it with their state on `as_of`, its progress rolled up from them (by
    ministry and province), and the provinces given a part of it that have not carried
    it (chưa cụ thể hóa), as the task's page shows them. Tasks of plans the caller may
    not read are left out."""
    as_of = when.as_of or today()
    queries.fresh()
    user = caller(request)
    task = access.access_task(user, task_id)
    cascade = link_services.cascade_of(task, user, as_of, preview.registry())
    return {
        "task": task.pk,
        "as_of": as_of,
        "implements": [linked_task_data(link.parent, link) for link in cascade.implements],
        "children": [linked_task_data(c.task, c.link) for c in cascade.carried],
        "rollup": rollup_data(cascade.rollup),
        "not_carried": [{**agency_data(a), "heading_name": heading_name(a.name)}
                        for a in cascade.not_carried],
    }


# -- assignments ------------------------------------------------------------------------------


@assignments.get("", response={200: s.AssignmentPage, **LIST_ERRORS}, summary="List assignments")
def list_assignments(
    request: HttpRequest, filters: Query[s.AssignmentFilters], page: Query[s.PageQuery]
) -> dict:
    """Active rows of current tasks (what each agency owes: its lead parts and its
    contributions as partner; a group of partners is one row without an agency), with their
    state on `as_of`: give `agency` for one agency's."""
    as_of = filters.as_of or today()
    queries.fresh()
    rows = access.visible_assignments(caller(request)).active()
    agency_id = None
    if filters.agency:
        # By the agency's id, so that its rows are read in the list's order from the
        # (agency, plan, task) index and a page stops after its rows (267 ms at 200k tasks
        # when joined by registry id: every row of the province read and sorted).
        agency_id = agency_id_of(filters.agency)
        rows = rows.filter(agency_id=agency_id) if agency_id is not None else rows.none()
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan)
    if filters.task is not None:
        rows = rows.filter(task_id=filters.task)
    if filters.role:
        rows = rows.filter(role=filters.role)
    rows = queries.with_state(
        rows.select_related("task", "task__plan", "agency").defer("task__search"), as_of)
    if filters.status:
        rows = rows.filter(state_status=filters.status)
    known = None
    if agency_id is not None and filters.plan is None and filters.task is None and (
            not filters.status or queries.is_today(as_of)) and access.role_of(
            caller(request)) is not None:
        # An agency's active rows of current tasks are its counted parts (publication and
        # corrections retire the rows of headings and removed tasks; `statuses.check()`
        # says so): their number is stored, whatever the day (the rows do not depend on
        # it), today's status too.
        known = queries.stored_part_count(agency_id, filters.role, filters.status)
    items, meta = page_of(rows.order_by("plan_id", "task_id", "role", "id"), page, known)
    return {"as_of": as_of, **meta, "items": [assignment_data(a) for a in items]}


@assignments.get(
    "/{assignment_id}", response={200: s.AssignmentDetailOut, **READ_ERRORS},
    summary="Get an assignment",
)
def get_assignment(request: HttpRequest, assignment_id: int, when: Query[s.AsOfQuery]) -> dict:
    """One agency's part of a task: its status on `as_of` and every report, oldest first."""
    as_of = when.as_of or today()
    queries.fresh()
    assignment = access.access_assignment(caller(request), assignment_id)
    queries.put_state([assignment], as_of)
    prefetch_related_objects([assignment], REPORTS_IN_FULL)
    readable = access.can_read_reports(caller(request), assignment.task)
    return {
        **assignment_data(assignment, history=True, reports=readable),
        "task_name": assignment.task.name,
    }


@assignments.post(
    "/{assignment_id}/reports", response={201: s.ReportOut, **WRITE_ERRORS, 507: s.ErrorOut},
    summary="Submit a progress report",
)
def create_report(
    request: HttpRequest,
    assignment_id: int,
    data: Form[s.ReportIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """Report progress on an assignment (multipart form: evidence files under `files`).

    Coordinators report on any assignment, agency reporters only on their own agency's
    active ones; the report waits for a coordinator's review. Reports are never changed:
    send a new one, with `corrects`, to correct one.
    """
    user = caller(request)
    target = corrects = None
    if data.target is None and data.corrects is None:
        # The service reads the row under its locks and judges who may report there (404,
        # 403 as below): no read of it before.
        assignment: Assignment | int = assignment_id
    else:
        # The row is judged first, so that a refusal of it comes before any of the others.
        assignment = access.access_assignment_for_report(user, assignment_id)
        target = access.access_target(user, data.target) if data.target is not None else None
        corrects = (access.access_report(user, data.corrects) if data.corrects is not None
                    else None)
    # Evidence, emptiness and every other rule are checked once, by the service (as for the
    # pages); its refusal is a 400 with the Vietnamese lines.
    try:
        report = services.submit_report(
            assignment,
            user,
            status=data.status,
            percent=data.percent,
            text=data.text,
            links=data.links,
            files=files or [],
            period=data.period or None,
            target=target,
            target_value=data.target_value,
            corrects=corrects,
        )
    except Assignment.DoesNotExist as exc:
        raise Http404(f"no Assignment {assignment_id!r}") from exc
    except OSError:
        # A full disk (or a storage that refuses the file): the transaction rolled back, so
        # nothing was written; the client is told to send it again.
        logger.exception("evidence could not be stored", extra={"assignment": assignment_id})
        return Status(507, {"detail": "Máy chủ không lưu được tệp minh chứng (hết chỗ lưu trữ); "
                                      "báo cáo chưa được ghi, hãy gửi lại sau."})
    if files or report.target_value is not None:
        # Read back what the database keeps otherwise than it was given: the files under
        # their stored names, the value rounded to its decimal places.
        report = fetch_report(report.pk)
        return Status(201, report_data(report))
    # Otherwise the instance just written holds every field of the answer (its author is
    # the caller, nobody has reviewed it): no read after the commit.
    return Status(201, report_data(report, files=()))


# -- statuses ---------------------------------------------------------------------------------


@statuses.get("", response={200: s.StatusPage, **LIST_ERRORS}, summary="Statuses on a date")
def list_statuses(
    request: HttpRequest, filters: Query[s.StatusFilters], page: Query[s.PageQuery]
) -> dict:
    """Every counted task's state on `as_of` with the counts by status and progress and the
    on-time rate (the same counting rule as every page and document); with `agency`, that
    agency's own counted parts (lead parts and partner contributions)."""
    as_of = filters.as_of or today()
    queries.fresh()
    user = caller(request)
    plans = access.visible_plans(user)
    if filters.plan is not None:
        plans = plans.filter(pk=filters.plan)
    if filters.agency:
        rows = queries.with_state(
            queries.counted_parts(plans).filter(agency_filter(filters.agency)), as_of)
        if filters.section:
            rows = rows.filter(section_filter(filters.section, "task__"))
        rows = rows.filter(state_status__isnull=False).select_related("task", "task__plan")
        rows = rows.order_by("plan_id", "task__order", "id")
        grouped = rows.values("state_status", "state_progress").annotate(n=Count("id"))
    else:
        rows = queries.with_state(queries.counted_tasks(plans), as_of)
        if filters.section:
            rows = rows.filter(section_filter(filters.section))
        rows = rows.filter(state_status__isnull=False).select_related("plan").order_by(
            "plan_id", "order")
        grouped = rows.values("state_status", "state_progress").annotate(n=Count("id"))
    known = None
    if not filters.agency and queries.is_today(as_of) and (
            not filters.section or "." not in filters.section.strip().rstrip(".")):
        # Today's counts of whole plans or top-level sections are stored (PlanStatusCount,
        # kept by every write): summed instead of grouping every task row (268 ms at 200k).
        totals = queries.stored_task_counts(plans, filters.section)
        known = sum(totals.by_status().values())
    else:
        totals = queries.Counts()
        for row in grouped.order_by():
            totals.add(row["state_status"], row["state_progress"], row["n"])
    items, meta = page_of(rows, page, known)
    if filters.agency:
        listed = [(a.task, a, a.state_status, a.state_progress) for a in items]
    else:
        listed = [(t, None, t.state_status, t.state_progress) for t in items]
    return {
        "as_of": as_of,
        "counts": totals.by_status(),
        "progress": totals.by_progress(),
        "on_time_rate": totals.on_time_rate,
        **meta,
        "items": [
            {"task": t.pk, "plan": t.plan_id, "code": t.code,
             "assignment": a.pk if a else None, "due_on": t.effective_due(), "status": st,
             "progress": pr}
            for t, a, st, pr in listed
        ],
    }


# -- targets ----------------------------------------------------------------------------------


@targets.get("", response={200: s.TargetPage, **LIST_ERRORS}, summary="List targets")
def list_targets(
    request: HttpRequest, filters: Query[s.TargetFilters], page: Query[s.PageQuery]
) -> dict:
    """The targets of the plans the caller may read, with their national value on `as_of`."""
    as_of = filters.as_of or today()
    rows = Target.objects.filter(plan__in=access.visible_plans(caller(request)))
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan)
    items, meta = page_of(rows.prefetch_related(TARGET_VALUES), page)
    return {"as_of": as_of, **meta, "items": [target_data(t, as_of) for t in items]}


@targets.get("/{target_id}", response={200: s.TargetDetailOut, **READ_ERRORS},
             summary="Get a target")
def get_target(request: HttpRequest, target_id: int, when: Query[s.AsOfQuery]) -> dict:
    """A target with its national value on `as_of`, each agency's latest value and the
    full history of values."""
    as_of = when.as_of or today()
    target = access.access_target(caller(request), target_id)
    prefetch_related_objects([target], TARGET_VALUES)
    return target_data(target, as_of, detail=True)


@targets.get("/{target_id}/indicators", response={200: s.TargetIndicatorsOut, **READ_ERRORS},
             summary="What national systems measured for a target")
def get_target_indicators(request: HttpRequest, target_id: int,
                          when: Query[s.AsOfQuery]) -> dict:
    """The indicators of national systems a coordinator mapped to the target, each with its
    latest period on `as_of` and that period's values (the latest import of each agency,
    with the system, file and day it came from), as the plan page prints them."""
    as_of = when.as_of or today()
    target = access.access_target(caller(request), target_id)
    mapped = [m.indicator for m in IndicatorMapping.objects.filter(target=target)
              .select_related("indicator").order_by("indicator__name", "indicator_id")]
    readings = {r.indicator.pk: r for r in
                indicator_services.readings_for([target], as_of).get(target.pk, [])}
    items = []
    for indicator in mapped:
        reading = readings.get(indicator.pk)
        items.append({
            "indicator": indicator_data(indicator),
            "period": reading.period if reading else None,
            "period_label": period_text(reading.period) if reading else None,
            "on": reading.on if reading else None,
            "value": number(reading.value) if reading else None,
            "values": [indicator_value_data(v, indicator) for v in reading.values]
            if reading else [],
        })
    return {"target": target.pk, "as_of": as_of, "items": items}


# -- indicators -------------------------------------------------------------------------------


@indicators.get("", response={200: s.IndicatorPage, **LIST_ERRORS},
                summary="List indicator values")
def list_indicator_values(
    request: HttpRequest, filters: Query[s.IndicatorFilters], page: Query[s.PageQuery]
) -> dict:
    """The values imported from national systems (DTI, EMC), each with the system, file and
    day it came from, filtered by indicator code, system, agency and period; filtered,
    counted and paged in the database. Every import is listed: a corrected figure is a
    later row of the same indicator, agency and period."""
    rows = access.visible_indicator_values(caller(request))
    if filters.indicator:
        rows = rows.filter(indicator__code=filters.indicator.strip())
    if filters.system:
        rows = rows.filter(indicator__system__iexact=filters.system.strip())
    if filters.agency:
        if filters.agency.strip() == "national":
            rows = rows.filter(agency__isnull=True)
        else:
            rows = rows.filter(agency_filter(filters.agency))
    if filters.period:
        rows = rows.filter(period=filters.period.strip())
    rows = rows.select_related("indicator", "agency").order_by(
        "indicator__system", "indicator__code", "on", "period",
        F("agency__name").asc(nulls_first=True), "imported_at", "id")
    items, meta = page_of(rows, page)
    return {**meta, "items": [indicator_value_data(v) for v in items]}


# -- reports ----------------------------------------------------------------------------------


@reports.get("/{report_id}", response={200: s.ReportOut, **READ_ERRORS}, summary="Get a report")
def get_report(request: HttpRequest, report_id: int) -> dict:
    """One progress report with its evidence and its review."""
    report = access.access_report(caller(request), report_id)
    return report_data(fetch_report(report.pk))


@reports.post(
    "/{report_id}/review", response={200: s.ReportOut, **WRITE_ERRORS},
    summary="Accept or return a report",
)
def review_report(request: HttpRequest, report_id: int, data: s.ReviewIn) -> dict:
    """A coordinator accepts a pending report, or returns it with the reason the agency
    will see (only accepted "done" reports close a task)."""
    user = caller(request)
    report = access.access_report_for_review(user, report_id)
    services.review_report(report, user, accept=data.decision == "accept", reason=data.reason)
    return report_data(fetch_report(report.pk))


@reports.post(
    "/{report_id}/withdraw", response={200: s.ReportOut, **WRITE_ERRORS},
    summary="Withdraw a pending report",
)
def withdraw_report(request: HttpRequest, report_id: int, data: s.WithdrawIn) -> dict:
    """The agency that sent a report takes it back while it waits for review: the report
    stays in the history as withdrawn and counts for nothing from then on."""
    user = caller(request)
    report = access.access_report_for_withdrawal(user, report_id)
    services.withdraw_report(report, user, reason=data.reason)
    return report_data(fetch_report(report.pk))
