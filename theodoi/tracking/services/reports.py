"""Progress reports, partners' contributions and their review."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.evidence import validate_evidence
from theodoi.tracking.models import (
    Assignment,
    EvidenceFile,
    ProgressReport,
    Target,
    TargetValue,
    Task,
)
from theodoi.tracking.services import statuses
from theodoi.tracking.services.plans import _decimal

PERIOD_PATTERNS = {
    "week": re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}-Q[1-4]$"),
    "half": re.compile(r"^\d{4}-H[12]$"),
    "year": re.compile(r"^\d{4}$"),
}


def _check_period(assignment: Assignment, period: str | None) -> str:
    every = assignment.task.deadline_rule().period
    if every is None:
        if period:
            raise ValidationError("this task does not recur: a report has no period")
        return ""
    if not period:
        return assignment.current_period()
    if not PERIOD_PATTERNS[every].match(period):
        example = engine.period_key(timezone.localdate(), every)
        raise ValidationError(f"period {period!r} is not a {every} (such as {example})")
    return period


@transaction.atomic
def submit_report(
    assignment: Assignment,
    user: Any,
    *,
    status: str,
    percent: int | str | None = None,
    text: str = "",
    links: Sequence[str] = (),
    files: Iterable[File] = (),
    period: str | None = None,
    target: Target | None = None,
    target_value: Decimal | int | float | str | None = None,
    corrects: ProgressReport | None = None,
    cites: Sequence[ProgressReport] = (),
) -> ProgressReport:
    """A new report on `assignment`, with its evidence and target value: a lead's report
    waits for a coordinator's review; a partner's contribution goes to the lead and counts
    once given. A lead's report may cite its partners' contributions (`cites`).

    Recurring and ongoing tasks take the report for `period` (default: the current one).
    """
    # Lock the task, then the row: reports on one task are judged one after the other, so
    # that its stored state and the counts never miss one.
    Task.objects.select_for_update().filter(pk=assignment.task_id).first()
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "task", "task__plan", "agency").get(pk=assignment.pk)
    access.ensure_can_report_on(user, assignment)
    if status not in ProgressReport.Status.values:
        raise ValidationError(f"unknown report status: {status!r}")
    if percent is not None:
        try:
            percent = int(percent)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"not a percent: {percent!r}") from exc
        if not 0 <= percent <= 100:
            raise ValidationError("percent must be between 0 and 100")
    value = _decimal(target_value)
    if target_value not in (None, "") and value is None:
        raise ValidationError(f"not a number: {target_value!r}")
    if value is not None and target is None:
        raise ValidationError("a target value needs its target")
    if target is not None and target.plan_id != assignment.task.plan_id:
        raise ValidationError("this target belongs to another plan")
    if corrects is not None and corrects.assignment_id != assignment.pk:
        raise ValidationError("a correction answers a report of the same assignment")
    answers = assignment.pk in {a.pk for a in assignment.task.lead_assignments()}
    cited = list(cites)
    for other in cited:
        if other.assignment.task_id != assignment.task_id or other.assignment.role != (
                Assignment.PARTNER):
            raise ValidationError("a report cites only partners' contributions to its task")
    files = list(files)
    validate_evidence(files)
    clean_links = [str(link).strip() for link in links if str(link).strip()]
    for link in clean_links:
        if not re.match(r"^https?://", link):
            raise ValidationError(f"an evidence link starts with http:// or https://: {link}")
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=_check_period(assignment, period),
        status=status,
        percent=percent,
        text=text,
        links=clean_links,
        target=target,
        target_value=value,
        corrects=corrects,
        author=user,
        review_state=ProgressReport.Review.PENDING if answers
        else ProgressReport.Review.NOT_REQUIRED,
    )
    if cited:
        report.cites.set(cited)
    for upload in files:
        name = PurePath(upload.name or "evidence").name
        EvidenceFile.objects.create(report=report, file=upload, name=name)
    if value is not None and target is not None:
        TargetValue.objects.create(
            target=target, agency=assignment.agency, value=value, report=report, author=user
        )
    # The task is locked above: every writer of its rows locks it first.
    statuses.refresh_assignments([assignment.pk], locked=True)
    return report


@transaction.atomic
def review_report(
    report: ProgressReport, user: Any, accept: bool, reason: str = ""
) -> ProgressReport:
    """Accept a pending report, or return it to the agency with the reason it must see."""
    access.ensure_coordinator(user)
    task_id = report.assignment.task_id
    Task.objects.select_for_update().filter(pk=task_id).first()
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_pending:
        raise ValidationError("this report was already reviewed")
    if not accept and not reason.strip():
        raise ValidationError("returning a report needs a reason")
    report.review_state = (
        ProgressReport.Review.ACCEPTED if accept else ProgressReport.Review.RETURNED
    )
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_reason = reason.strip()
    report.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_reason"])
    statuses.refresh_assignments([report.assignment_id], locked=True)
    return report


# -- deadlines ----------------------------------------------------------------------------

