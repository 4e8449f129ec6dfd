"""Reporting on an assignment, reviewing or withdrawing a report, setting a task's date."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.tracking import access, services
from theodoi.tracking.models import EvidenceFile, today
from theodoi.web.forms import ReportForm, ReviewForm, TaskDateForm
from theodoi.web.views.common import role_required

logger = logging.getLogger(__name__)


@contextmanager
def _evidence_saved_here() -> Iterator[list[str]]:
    """Yield the names of the evidence files this thread stores meanwhile (to remove them
    when the report's transaction rolls back: the database forgets them, the disk does not)."""
    names: list[str] = []
    thread = threading.get_ident()

    def saved(sender: type, instance: EvidenceFile, created: bool, **kwargs: object) -> None:
        if created and threading.get_ident() == thread:
            names.append(instance.file.name)

    post_save.connect(saved, sender=EvidenceFile, weak=False)
    try:
        yield names
    finally:
        post_save.disconnect(saved, sender=EvidenceFile)


def _refused(form: ReportForm, exc: ValidationError) -> None:
    """Put the service's refusal under the fields it names (the rest above the form); the
    form is shown again with what was typed. Files cannot be kept by the browser: say so."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, "; ".join(exc.messages))
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
    if form.files.getlist("files"):
        form.add_error(None, _("Báo cáo chưa được ghi; các tệp đã chọn cần được chọn lại."))


@role_required
def report(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """A progress report on one assignment: its agency's reporter, or a coordinator."""
    assignment = access.access_assignment_for_report(request.user, assignment_id)
    form = ReportForm(request.POST or None, request.FILES or None,
                      assignment=assignment, on=today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with _evidence_saved_here() as stored:
                services.submit_report(
                    assignment, request.user,
                    status=data["status"], percent=data.get("percent"),
                    text=data.get("text", ""), links=data.get("links", []),
                    files=data.get("files", []), period=data.get("period") or None,
                    target=data.get("target"), target_value=data.get("target_value"),
                )
        except ValidationError as exc:
            _refused(form, exc)
        except OSError:
            # A full disk (or a storage refusing a file): the transaction rolled back; the
            # files stored before the one that failed would be orphans, so they go too.
            logger.exception("evidence could not be stored",
                             extra={"assignment": assignment.pk})
            for name in stored:
                default_storage.delete(name)
            form.add_error(None, _("Máy chủ không lưu được tệp minh chứng (hết chỗ lưu trữ); "
                                   "báo cáo chưa được ghi, hãy gửi lại sau."))
        else:
            messages.success(request, _("Đã gửi báo cáo; điều phối viên sẽ xem xét."))
            return redirect("web:task", assignment.task_id)
    previous = assignment.reports.select_related("reviewed_by").order_by("-created_at")[:5]
    return render(request, "web/report_form.html", {
        "assignment": assignment, "task": assignment.task, "form": form,
        "previous": previous,
    })


@role_required
@require_POST
def review(request: HttpRequest, report_id: int) -> HttpResponse:
    """Accept a report, or return it with the reason the agency will read (coordinators)."""
    report = access.access_report_for_review(request.user, report_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("web:task", report.assignment.task_id)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.review_report(report, request.user, accept, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã chấp nhận báo cáo.") if accept
                         else _("Đã trả lại báo cáo cho đơn vị."))
    return redirect("web:task", report.assignment.task_id)


@role_required
@require_POST
def withdraw(request: HttpRequest, report_id: int) -> HttpResponse:
    """Take back a pending report (the agency that sent it), before a coordinator reviews it."""
    report = access.access_report_for_withdrawal(request.user, report_id)
    try:
        services.withdraw_report(report, request.user, request.POST.get("reason", "")[:1000])
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã rút báo cáo; báo cáo vẫn được lưu trong lịch sử."))
    return redirect("web:task", report.assignment.task_id)


@role_required
@require_POST
def set_date(request: HttpRequest, task_id: int) -> HttpResponse:
    """Set (or clear) the date a coordinator gives a task."""
    task = access.access_task_for_edit(request.user, task_id)
    form = TaskDateForm(request.POST)
    if form.is_valid():
        try:
            services.set_task_date(task, form.cleaned_data["on"], request.user,
                                   form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Đã đặt hạn cho nhiệm vụ."))
    else:
        messages.error(request, _("Ngày không hợp lệ."))
    return redirect("web:task", task.pk)
