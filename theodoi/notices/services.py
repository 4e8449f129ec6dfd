"""Writing and reading notices: created by the tracking services at the event (a report
returned, a plan published, a deadline changed), read on the notices page and the badge.

Notices go to an agency (all its reporters see it) or to one user. Counts and lists are
SQL; a publish writes one notice per agency (not per task), so a national plan with
thousands of agencies costs one bulk insert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from theodoi.notices.models import Notice
from theodoi.tracking.models import (
    Assignment,
    DeadlineChange,
    Plan,
    ProgressReport,
    Role,
    role_of,
)


def _vn_date(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if day else "chưa có"


def _plan_label(plan: Plan) -> str:
    return plan.number or plan.title[:80]


def _plan_named(plan: Plan) -> str:
    """ "Kế hoạch 58/QĐ-UBQGCĐS", or the title itself when it already says "Kế hoạch ..."."""
    label = _plan_label(plan)
    return label if label.lower().startswith("kế hoạch") else f"Kế hoạch {label}"


# -- writing ------------------------------------------------------------------------------


def notify_returned(report: ProgressReport) -> Notice | None:
    """The agency whose report a coordinator returned learns it, with the reason."""
    assignment = report.assignment
    if assignment.agency_id is None:
        return None
    task = assignment.task
    return Notice.objects.create(
        recipient_agency_id=assignment.agency_id,
        kind=Notice.Kind.RETURNED,
        text=(f"Báo cáo nhiệm vụ {task.code} ({task.name[:120]}) bị trả lại. "
              f"Lý do: {report.review_reason}"),
        link=reverse("web:report", args=[assignment.pk]),
    )


def notify_assigned(plan: Plan, assignments: QuerySet[Assignment] | None = None
                    ) -> list[Notice]:
    """Each agency given work by `plan` (all its active rows, or `assignments`) gets one
    notice saying how many tasks it leads and supports."""
    qs = assignments if assignments is not None else Assignment.objects.filter(plan=plan)
    rows = (qs.filter(is_active=True, agency__isnull=False, task__removed_at__isnull=True,
                      task__has_children=False)
            .values("agency_id", "role").annotate(n=Count("id")).order_by("agency_id"))
    by_agency: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_agency[row["agency_id"]][row["role"]] = row["n"]
    search = reverse("web:search")
    notices = []
    for agency_id, roles in by_agency.items():
        parts = []
        if roles.get(Assignment.LEAD):
            parts.append(f"chủ trì {roles[Assignment.LEAD]} nhiệm vụ")
        if roles.get(Assignment.PARTNER):
            parts.append(f"phối hợp {roles[Assignment.PARTNER]} nhiệm vụ")
        notices.append(Notice(
            recipient_agency_id=agency_id, kind=Notice.Kind.ASSIGNED,
            text=f"{_plan_named(plan)} giao cho đơn vị: {', '.join(parts)}.",
            link=f"{search}?plan={plan.pk}&agency={agency_id}",
        ))
    return Notice.objects.bulk_create(notices, batch_size=500)


def notify_deadline_changes(changes: Iterable[DeadlineChange]) -> list[Notice]:
    """The agencies working on a task whose deadline changed learn the new deadline."""
    changes = [c for c in changes if c is not None]
    if not changes:
        return []
    agencies: dict[int, set[int]] = defaultdict(set)
    for task_id, agency_id in Assignment.objects.filter(
            task_id__in={c.task_id for c in changes}, is_active=True,
            agency__isnull=False).values_list("task_id", "agency_id"):
        agencies[task_id].add(agency_id)
    notices = []
    for change in changes:
        task = change.task
        new = _vn_date(change.new_on) if change.new_on or not change.new_text else (
            change.new_text)
        text = (f"Thời hạn nhiệm vụ {task.code} ({task.name[:120]}) đổi từ "
                f"{_vn_date(change.old_on)} sang {new}.")
        if change.reason:
            text += f" Lý do: {change.reason}"
        link = reverse("web:task", args=[task.pk])
        notices += [Notice(recipient_agency_id=agency_id, kind=Notice.Kind.DEADLINE,
                           text=text, link=link)
                    for agency_id in sorted(agencies[change.task_id])]
    return Notice.objects.bulk_create(notices, batch_size=500)


# -- reading ------------------------------------------------------------------------------


def _mine(user: Any) -> Q:
    """The notices `user` reads: its own, and its agency's when it reports for one."""
    mine = Q(recipient_user_id=user.pk)
    if role_of(user) == Role.REPORTER and user.profile.agency_id:
        mine |= Q(recipient_agency_id=user.profile.agency_id)
    return mine


def notices_for(user: Any) -> QuerySet[Notice]:
    """The notices `user` reads, newest first."""
    if role_of(user) is None:
        return Notice.objects.none()
    return Notice.objects.filter(_mine(user)).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of `user`'s notices are unread (the badge): one indexed COUNT."""
    return notices_for(user).filter(read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notices read (those of `ids`, or all); how many were unread."""
    qs = notices_for(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
