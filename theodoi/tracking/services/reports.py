"""Progress reports, partners' contributions, their review and their withdrawal.

`submit_report` is the one place a report is validated, for the pages and the API alike:
what it refuses is a `ValidationError` keyed by the form field it concerns (`files`,
`text`, `percent`, ...), in Vietnamese, so a page puts each line under its field and the
API answers 400 with the same lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from theodoi.notices import services as notices
from theodoi.tracking import access, compiled
from theodoi.tracking import status as engine
from theodoi.tracking.evidence import validate_evidence
from theodoi.tracking.models import (
    Agency,
    Assignment,
    EvidenceFile,
    ProgressReport,
    ReportWithdrawal,
    Target,
    TargetValue,
    Task,
    today,
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


PERIOD_NAMES = {"week": "một tuần", "month": "một tháng", "quarter": "một quý",
                "half": "nửa năm", "year": "một năm"}


def _check_period(assignment: Assignment, period: str | None,
                  rule: engine.Deadline | None = None) -> str:
    """The period a report answers (`rule`: the task's deadline, when the caller has it)."""
    every = (rule or assignment.task.deadline_rule()).period
    if every is None:
        if period:
            raise ValidationError({"period": ["Nhiệm vụ này không định kỳ: báo cáo không ghi kỳ."]})
        return ""
    if not period:
        return engine.period_key(today(), every)  # as Assignment.current_period()
    if not PERIOD_PATTERNS[every].match(period):
        example = engine.period_key(timezone.localdate(), every)
        raise ValidationError({"period": [
            f"Kỳ «{period}» không phải {PERIOD_NAMES[every]} (ví dụ {example})."]})
    return period


def _answers(row: dict[str, Any]) -> bool:
    """Whether the assignment `row` answers for its task (`Task.lead_assignments()`: an
    active lead with an agency; a named partner only when the task has no active lead), so
    that its reports wait for review. A lead needs no query (a group lead's task has ~60
    parts to load)."""
    if not row["is_active"] or row["agency_id"] is None:
        return False
    if row["role"] == Assignment.LEAD:
        return True
    return not Assignment.objects.filter(
        task_id=row["task_id"], is_active=True, role=Assignment.LEAD).exists()


EMPTY_REPORT = ("Báo cáo chưa có gì mới: hãy ghi nội dung đã làm, đính kèm minh chứng, "
                "hoặc cập nhật tình trạng hay tỷ lệ hoàn thành.")


def _changes(assignment: Assignment, period: str, status: str, percent: int | None) -> bool:
    """Whether a report with `status` and `percent` moves what the agency last said on this
    row (for this period): the latest report still standing, else "not started"."""
    standing = [
        r for r in assignment.reports.filter(period=period).order_by("created_at", "id")
        if r.review_state not in (ProgressReport.Review.RETURNED, ProgressReport.Review.WITHDRAWN)
    ]
    last_status = standing[-1].status if standing else ProgressReport.Status.NOT_STARTED
    last_percent = standing[-1].percent if standing else None
    return status != last_status or (percent is not None and percent != last_percent)


def _columns(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _task_of(assignment_model: Any, assignment_id: int) -> Any:
    return assignment_model.objects.filter(pk=assignment_id).order_by().values_list(
        "task_id", "task__duplicated")


def _locked_in_full(assignment_model: Any, assignment_id: int) -> Any:
    rows = assignment_model.objects.filter(pk=assignment_id).order_by()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.values(*_columns(assignment_model),
                       *(f"agency__{n}" for n in _columns(Agency)))


# The fields of a task that `statuses.lock_task` reads (the rest of `TASK_ROW` is its plan's).
TASK_FIELDS = [n for n in statuses.TASK_ROW if "__" not in n]


def _partial(model: Any, values: dict[str, Any]) -> Any:
    """An instance of `model` holding `values` (by attname), its other fields deferred (read
    if ever asked for): `from_db` takes the values in the model's field order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[n] for n in names])


def _lock_by_id(assignment_id: int) -> tuple[Assignment, dict[str, Any], dict[str, Any]]:
    """The assignment `assignment_id`, its task's row and its own read under their locks
    (task first), the assignment made with its agency and task (the fields the report's
    write and its audit entry read) from those rows: three compiled reads, where an ORM read
    of the row before the locks and two under them took three times the Python."""
    head = compiled.rows(_task_of, assignment_id, statics=(Assignment,))
    if not head:
        raise Assignment.DoesNotExist(f"no assignment {assignment_id}")
    task_id, duplicated = head[0]
    if duplicated:
        lock_duplicate_group(task_id)  # as submit_report does for a duplicate's row
    task_row = statuses.lock_task(task_id)
    found = compiled.rows(_locked_in_full, assignment_id, statics=(Assignment,))
    if task_row is None or not found:
        raise Assignment.DoesNotExist(f"no assignment {assignment_id}")
    row = found[0]
    names = _columns(Assignment)
    assignment = Assignment.from_db(DEFAULT_DB_ALIAS, names, [row[n] for n in names])
    assignment.task = _partial(Task, {**{n: task_row[n] for n in TASK_FIELDS},
                                      "duplicated": duplicated})
    if assignment.agency_id is not None:
        names = _columns(Agency)
        assignment.agency = Agency.from_db(DEFAULT_DB_ALIAS, names,
                                           [row[f"agency__{n}"] for n in names])
    return assignment, task_row, row


@transaction.atomic
def submit_report(
    assignment: Assignment | int,
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
    same_as: ProgressReport | None = None,
) -> ProgressReport:
    """A new report on `assignment`, with its evidence and target value: a lead's report
    waits for a coordinator's review; a partner's contribution goes to the lead and counts
    once given. A lead's report may cite its partners' contributions (`cites`).

    Recurring and ongoing tasks take the report for `period` (default: the current one).
    A report that says nothing (no text, no evidence, no target value, and the same status
    and percent as the last one standing) is refused: it would only add a row.
    A report is recorded too on the tasks confirmed as duplicates (`answer_duplicates`);
    `same_as` is that copy's original.

    `assignment` may be given by its id (the API): it is then read only under the locks,
    and `Assignment.DoesNotExist` says there is none; who may report is judged the same.
    """
    # Lock the task, then the row: reports on one task are judged one after the other, so
    # that its stored state and the counts never miss one. The task's row and the row read
    # under the lock are handed to the refresh below, which does not read them again.
    if isinstance(assignment, int):
        assignment, task_row, held = _lock_by_id(assignment)
    else:
        if same_as is None and _marked_duplicate(assignment, ask=False):
            # Its copies lock the duplicates' tasks too: the whole group first, in id order,
            # so that two reports on two duplicates at once queue instead of deadlocking.
            lock_duplicate_group(assignment.task_id)
        task_row = statuses.lock_task(assignment.task_id)
        # The row again under its lock (the caller's copy may be a moment old), judged by
        # what was read under the locks. The task and agency that the report's audit entry
        # names are the caller's when it read them (the pages do), else read here with the
        # row.
        field = Assignment._meta.get_field
        if field("task").is_cached(assignment) and (
                assignment.agency_id is None or field("agency").is_cached(assignment)):
            held = statuses.lock_assignment(assignment.pk)
        else:
            assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
                "task", "agency").get(pk=assignment.pk)
            held = statuses.assignment_row(assignment)
        if task_row is None or held is None:
            raise Assignment.DoesNotExist(f"no assignment {assignment.pk}")
    access.ensure_can_report_on_rows(user, held, task_row)
    if status not in ProgressReport.Status.values:
        raise ValidationError({"status": [f"Tình trạng báo cáo không hợp lệ: «{status}»."]})
    if percent is not None:
        try:
            percent = int(percent)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"percent": [f"Tỷ lệ không hợp lệ: «{percent}»."]}) from exc
        if not 0 <= percent <= 100:
            raise ValidationError({"percent": ["Tỷ lệ hoàn thành phải từ 0 đến 100."]})
    value = _decimal(target_value)
    if target_value not in (None, "") and value is None:
        raise ValidationError({"target_value": [f"Giá trị không phải là số: «{target_value}»."]})
    if value is not None and target is None:
        raise ValidationError({"target": ["Chọn chỉ tiêu mà giá trị này đo."]})
    if target is not None and target.plan_id != task_row["plan_id"]:
        raise ValidationError({"target": ["Chỉ tiêu này thuộc kế hoạch khác."]})
    if corrects is not None and corrects.assignment_id != assignment.pk:
        raise ValidationError({"corrects": [
            "Báo cáo đính chính phải sửa một báo cáo của cùng phần việc."]})
    answers = _answers(held)
    cited = list(cites)
    for other in cited:
        if other.assignment.task_id != assignment.task_id or other.assignment.role != (
                Assignment.PARTNER):
            raise ValidationError({"cites": [
                "Báo cáo chỉ dẫn được đóng góp của cơ quan phối hợp cùng nhiệm vụ."]})
    files = list(files)
    try:
        validate_evidence(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from exc
    clean_links = [str(link).strip() for link in links if str(link).strip()]
    for link in clean_links:
        if not re.match(r"^https?://", link):
            raise ValidationError({"links": [
                f"Đường dẫn phải bắt đầu bằng http:// hoặc https://: {link}"]})
    period = _check_period(assignment, period, statuses.deadline_of(task_row))
    if not (text.strip() or clean_links or files or value is not None) and not _changes(
            assignment, period, status, percent):
        raise ValidationError({"text": [EMPTY_REPORT]})
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        status=status,
        percent=percent,
        text=text,
        links=clean_links,
        target=target,
        target_value=value,
        corrects=corrects,
        same_as=same_as,
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
            target=target, agency_id=held["agency_id"], value=value, report=report,
            author=user,
        )
    # The task is locked above: every writer of its rows locks it first.
    statuses.refresh_assignments([assignment.pk], locked=True, assignment_rows=[held],
                                 task_rows=[task_row])
    if same_as is None and assignment.task.duplicated:
        answer_duplicates(report, user)
    return report


def _marked_duplicate(assignment: Assignment, *, ask: bool) -> bool:
    """The task's duplicate mark as the caller read it; when it did not read the task, asked
    of the database if `ask`, else taken as unmarked."""
    if Assignment._meta.get_field("task").is_cached(assignment):
        return assignment.task.duplicated
    return ask and Task.objects.filter(pk=assignment.task_id, duplicated=True).exists()


def lock_duplicate_group(task_id: int) -> None:
    """Lock a task and the tasks confirmed as its duplicates, in id order (every writer
    that may touch two of them takes them in that one order)."""
    from theodoi.tracking.services.links import duplicate_ids

    ids = sorted({task_id, *duplicate_ids(task_id)})
    list(Task.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def answer_duplicates(report: ProgressReport, user: Any) -> list[ProgressReport]:
    """The same report recorded on each task a coordinator confirmed is the same work as
    the report's (for the same agency and role, where `user` may report): one report
    answers both. Its evidence files are shared, not copied; a target value stays with the
    original (a target belongs to one plan)."""
    from theodoi.tracking.services.links import duplicates_of

    assignment = report.assignment
    others = duplicates_of(assignment.task)
    if not others:
        return []
    rows = Assignment.objects.active().filter(
        task__in=others, agency_id=assignment.agency_id, role=assignment.role).select_related(
        "task", "task__plan", "agency")
    every = assignment.task.deadline_rule().period
    copies = []
    for other in rows:
        if not access.can_report_on(user, other):
            continue
        same_period = every is not None and other.task.deadline_rule().period == every
        try:
            with transaction.atomic():  # a copy refused (it says nothing new there) is skipped
                copy = submit_report(
                    other, user, status=report.status, percent=report.percent,
                    text=report.text, links=report.links, same_as=report,
                    period=report.period if same_period else None)
        except ValidationError:
            continue
        for evidence in report.files.all():
            EvidenceFile.objects.create(report=copy, file=evidence.file.name, name=evidence.name)
        copies.append(copy)
    return copies


def _review_copies(report: ProgressReport, user: Any, reason: str) -> None:
    """The copies of `report` on duplicate tasks, still pending, take the same decision
    (the agency hears of a return once, for the report it wrote)."""
    for copy in report.copies.filter(review_state=ProgressReport.Review.PENDING).select_related(
            "assignment"):
        Task.objects.select_for_update().filter(pk=copy.assignment.task_id).first()
        copy.review_state = report.review_state
        copy.reviewed_by, copy.reviewed_at, copy.review_reason = user, report.reviewed_at, reason
        copy.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_reason"])
        statuses.refresh_assignments([copy.assignment_id], locked=True)


@transaction.atomic
def review_report(
    report: ProgressReport, user: Any, accept: bool, reason: str = ""
) -> ProgressReport:
    """Accept a pending report, or return it to the agency with the reason it must see."""
    access.ensure_coordinator(user)
    task_id = report.assignment.task_id
    if _marked_duplicate(report.assignment, ask=True):
        # Its pending copies are reviewed with it: their tasks are locked first, in id
        # order (lock_duplicate_group), as a report's copies lock them.
        lock_duplicate_group(task_id)
    task = Task.objects.select_for_update().filter(pk=task_id).first()
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
    if task is not None and task.duplicated:
        _review_copies(report, user, report.review_reason)
    if not accept:
        notices.notify_returned(report)
    return report


@transaction.atomic
def withdraw_report(report: ProgressReport, user: Any, reason: str = "") -> ReportWithdrawal:
    """Take back a pending report (its agency's reporter, or a coordinator) before any review:
    a `ReportWithdrawal` row, and the report marked withdrawn; the row's state is judged
    again as if the report had not been sent (from today: earlier days keep it pending)."""
    task_id = report.assignment.task_id
    Task.objects.select_for_update().filter(pk=task_id).first()
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related(
        "assignment", "assignment__task", "assignment__task__plan").get(pk=report.pk)
    access.ensure_can_withdraw(user, report)
    if not report.is_pending:
        raise ValidationError("Chỉ rút được báo cáo đang chờ duyệt.")
    now = timezone.now()
    withdrawal = ReportWithdrawal.objects.create(
        report=report, withdrawn_by=user, withdrawn_at=now, reason=reason.strip())
    report.review_state = ProgressReport.Review.WITHDRAWN
    report.reviewed_by = user
    report.reviewed_at = now
    report.review_reason = reason.strip()
    report.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_reason"])
    statuses.refresh_assignments([report.assignment_id])
    return withdrawal

