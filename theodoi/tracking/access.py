"""Who may see and change what: one helper per object kind, used by the pages and the API.

Each `access_*` helper returns the object or raises: `Http404` when there is no such
object, `PermissionDenied` when the user may not see it or act on it. The rules:

- coordinator (or superuser): everything, every plan, drafts included;
- agency reporter: reads every published plan and every state, reports only on its own
  agency's active assignments (as lead or partner) of published plans, and reads the
  reports and evidence of a task only when its agency works on that task (lead, part of
  a group lead, or partner): an agency's evidence may hold internal documents; takes
  back (withdraws) a report its agency sent while it waits for review;
- leader: reads every published plan and every report, changes nothing;
- the values imported from national systems (DTI, EMC): every role above reads them (the
  plan pages show them beside the targets); importing and mapping them is a coordinator's;
- anyone else (no role, inactive, anonymous): nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from theodoi.tracking.models import (
    Assignment,
    IndicatorValue,
    Plan,
    ProgressReport,
    Role,
    Target,
    Task,
    UserProfile,
    role_of,
)


def _get(queryset: QuerySet, object_id: Any) -> Any:
    try:
        return queryset.get(pk=object_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"no {queryset.model.__name__} {object_id!r}") from exc


def is_coordinator(user: Any) -> bool:
    return role_of(user) == Role.COORDINATOR


def can_read(user: Any, plan: Plan) -> bool:
    """Whether `user` may read `plan` and everything in it."""
    role = role_of(user)
    if role == Role.COORDINATOR:
        return True
    return role in (Role.REPORTER, Role.LEADER) and plan.is_published


def can_report_on(user: Any, assignment: Assignment) -> bool:
    """Whether `user` may write a progress report on `assignment`."""
    task = assignment.task
    return _may_report(user, assignment.is_active and not task.is_removed
                       and task.plan.is_published, assignment.agency_id)


def can_report_on_rows(user: Any, row: dict[str, Any], task_row: dict[str, Any]) -> bool:
    """`can_report_on` judged from an assignment's and its task's rows as a writer read
    them under its locks (`statuses.lock_assignment`, `statuses.lock_task`)."""
    return _may_report(user, row["is_active"] and task_row["removed_at"] is None
                       and task_row["plan__status"] == Plan.Status.PUBLISHED,
                       row["agency_id"])


def _may_report(user: Any, open_row: bool, agency_id: int | None) -> bool:
    role = role_of(user)
    if not open_row:
        return False
    if role == Role.COORDINATOR:
        return True
    return (
        role == Role.REPORTER
        and agency_id is not None
        and agency_id == user.profile.agency_id
    )


def can_withdraw(user: Any, report: ProgressReport) -> bool:
    """Whether `user` may take back `report` while it waits for review: its author, or a
    reporter of the agency whose reporter wrote it (a colleague may stand in)."""
    return report.pk in withdrawable(user, [report])


def withdrawable(
    user: Any, reports: Sequence[ProgressReport], *, pending_only: bool = True
) -> set[int]:
    """The ids among `reports` that `user` may take back (`can_withdraw`), in one query
    (`pending_only=False`: whose agency `user` speaks for, whatever their review)."""
    pending = [r for r in reports if (r.is_pending or not pending_only)
               and can_report_on(user, r.assignment)]
    if not pending:
        return set()
    agency_id = getattr(getattr(user, "profile", None), "agency_id", None)
    colleagues: set[int] = set()
    if role_of(user) == Role.REPORTER and agency_id is not None:
        colleagues = set(UserProfile.objects.filter(
            user_id__in={r.author_id for r in pending}, agency_id=agency_id,
        ).values_list("user_id", flat=True))
    return {r.pk for r in pending if r.author_id == user.pk or r.author_id in colleagues}


def can_read_reports(user: Any, task: Task) -> bool:
    """Whether `user` may read the reports and evidence written on `task`: coordinators and
    leaders always; a reporter when its agency has a row on the task (it works on it)."""
    role = role_of(user)
    if not can_read(user, task.plan):
        return False
    if role in (Role.COORDINATOR, Role.LEADER):
        return True
    agency_id = getattr(getattr(user, "profile", None), "agency_id", None)
    return agency_id is not None and task.assignments.filter(agency_id=agency_id).exists()


def visible_plans(user: Any) -> QuerySet[Plan]:
    """The plans `user` may read."""
    role = role_of(user)
    if role == Role.COORDINATOR:
        return Plan.objects.all()
    if role in (Role.REPORTER, Role.LEADER):
        return Plan.objects.filter(status=Plan.Status.PUBLISHED)
    return Plan.objects.none()


def visible_tasks(user: Any) -> QuerySet[Task]:
    """The tasks `user` may read (removed ones included: pages filter them)."""
    return Task.objects.filter(plan__in=visible_plans(user))


def visible_indicator_values(user: Any) -> QuerySet[IndicatorValue]:
    """The indicator values `user` may read: the national systems' published figures, for
    every role that reads plans."""
    if role_of(user) in (Role.COORDINATOR, Role.REPORTER, Role.LEADER):
        return IndicatorValue.objects.all()
    return IndicatorValue.objects.none()


def visible_assignments(user: Any) -> QuerySet[Assignment]:
    """The assignments `user` may read."""
    return Assignment.objects.filter(task__plan__in=visible_plans(user))


def ensure_coordinator(user: Any) -> None:
    """Refuse anyone but a coordinator."""
    if not is_coordinator(user):
        raise PermissionDenied("only a coordinator may do this")


def ensure_can_read(user: Any, plan: Plan) -> None:
    if not can_read(user, plan):
        raise PermissionDenied("this plan is not visible to you")


def ensure_can_report_on(user: Any, assignment: Assignment) -> None:
    if not can_report_on(user, assignment):
        raise PermissionDenied("you may not report on this assignment")


def ensure_can_report_on_rows(user: Any, row: dict[str, Any], task_row: dict[str, Any]
                              ) -> None:
    if not can_report_on_rows(user, row, task_row):
        raise PermissionDenied("you may not report on this assignment")


def ensure_can_withdraw(user: Any, report: ProgressReport) -> None:
    # Who, not when: a report reviewed meanwhile is the service's refusal (a 400 that says
    # why), not a 403.
    if report.pk not in withdrawable(user, [report], pending_only=False):
        raise PermissionDenied("only the agency that sent this report may withdraw it")


# -- one helper per object kind --------------------------------------------------------


def access_plan(user: Any, plan_id: Any) -> Plan:
    """The plan `plan_id` if `user` may read it."""
    plan = _get(Plan.objects.all(), plan_id)
    ensure_can_read(user, plan)
    return plan


def access_plan_for_edit(user: Any, plan_id: Any) -> Plan:
    """The plan `plan_id` if `user` may import, publish or correct it (coordinators)."""
    ensure_coordinator(user)
    return _get(Plan.objects.all(), plan_id)


def access_task(user: Any, task_id: Any) -> Task:
    """The task `task_id` if `user` may read it."""
    task = _get(Task.objects.select_related("plan", "section", "source_file"), task_id)
    ensure_can_read(user, task.plan)
    return task


def access_task_for_edit(user: Any, task_id: Any) -> Task:
    """The task `task_id` if `user` may set its date (coordinators)."""
    ensure_coordinator(user)
    return _get(Task.objects.select_related("plan", "section"), task_id)


def access_assignment(user: Any, assignment_id: Any) -> Assignment:
    """The assignment `assignment_id` if `user` may read it."""
    assignment = _get(
        Assignment.objects.select_related("task", "task__plan", "agency"), assignment_id
    )
    ensure_can_read(user, assignment.task.plan)
    return assignment


def access_assignment_for_report(user: Any, assignment_id: Any) -> Assignment:
    """The assignment `assignment_id` if `user` may write a progress report on it."""
    assignment = _get(
        Assignment.objects.select_related("task", "task__plan", "agency"), assignment_id
    )
    ensure_can_report_on(user, assignment)
    return assignment


def access_report(user: Any, report_id: Any) -> ProgressReport:
    """The progress report `report_id` if `user` may read it."""
    report = _get(
        ProgressReport.objects.select_related(
            "assignment", "assignment__task", "assignment__task__plan", "assignment__agency"
        ),
        report_id,
    )
    ensure_can_read(user, report.assignment.task.plan)
    if not can_read_reports(user, report.assignment.task):
        raise PermissionDenied("reports of this task are visible to the agencies working on it")
    return report


def access_report_for_review(user: Any, report_id: Any) -> ProgressReport:
    """The progress report `report_id` if `user` may accept or return it (coordinators)."""
    ensure_coordinator(user)
    return access_report(user, report_id)


def access_report_for_withdrawal(user: Any, report_id: Any) -> ProgressReport:
    """The progress report `report_id` if `user` may take it back (its agency, pending)."""
    report = access_report(user, report_id)
    ensure_can_withdraw(user, report)
    return report


def access_target(user: Any, target_id: Any) -> Target:
    """The target `target_id` if `user` may read it."""
    target = _get(Target.objects.select_related("plan"), target_id)
    ensure_can_read(user, target.plan)
    return target
