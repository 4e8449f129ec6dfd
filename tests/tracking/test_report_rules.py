"""What a report must say, and the withdrawal of a pending report by its agency."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest_django import make_user
from tests.moments import local_time as at
from tests.moments import part_of as assignment_of
from theodoi.tracking import evidence
from theodoi.tracking.models import (
    AppendOnlyError,
    ProgressReport,
    ReportWithdrawal,
    TargetValue,
)
from theodoi.tracking.services import (
    review_report,
    statuses,
    submit_report,
    withdraw_report,
)

pytestmark = pytest.mark.django_db


# -- what a report must say -----------------------------------------------------------------


def test_a_report_that_says_nothing_is_refused_in_vietnamese(published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    with pytest.raises(ValidationError) as refused:
        submit_report(row, reporter_a, status="not_started", text="   ")
    assert refused.value.message_dict == {"text": [
        "Báo cáo chưa có gì mới: hãy ghi nội dung đã làm, đính kèm minh chứng, hoặc cập nhật "
        "tình trạng hay tỷ lệ hoàn thành."]}
    assert ProgressReport.objects.count() == 0


def test_the_same_status_and_percent_again_without_a_word_is_refused(
        published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    submit_report(row, reporter_a, status="in_progress", percent=40)
    with pytest.raises(ValidationError):
        submit_report(row, reporter_a, status="in_progress", percent=40)
    with pytest.raises(ValidationError):
        submit_report(row, reporter_a, status="in_progress")  # no percent: nothing moves
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize("said", [
    {"status": "in_progress"},                     # a change of status
    {"status": "not_started", "percent": 10},      # a change of percent
    {"status": "not_started", "text": "Chờ kinh phí"},
    {"status": "not_started", "links": ["https://a.gov.vn/x"]},
    {"status": "not_started", "files": [SimpleUploadedFile("a.txt", b"bien ban")]},
])
def test_a_note_evidence_or_a_change_is_enough(published_plan, reporter_a, said):
    row = assignment_of(published_plan, "II.2", "bo-a")
    submit_report(row, reporter_a, **said)
    assert ProgressReport.objects.count() == 1


def test_a_target_value_alone_is_something_said(published_plan, reporter_b):
    row = assignment_of(published_plan, "III.A.1", "tinh-b")
    target = published_plan.targets.get(unit="doanh nghiệp")
    submit_report(row, reporter_b, status="not_started", target=target, target_value="5")
    assert TargetValue.objects.count() == 1


def test_after_a_returned_report_the_same_status_counts_as_new(
        published_plan, reporter_a, coordinator):
    row = assignment_of(published_plan, "II.2", "bo-a")
    first = submit_report(row, reporter_a, status="done", percent=100)
    review_report(first, coordinator, accept=False, reason="Thiếu văn bản")
    # The returned report no longer stands: saying "done" again is a new answer.
    submit_report(row, reporter_a, status="done", percent=100)
    assert ProgressReport.objects.count() == 2


def test_refusals_are_keyed_by_the_field_they_concern(published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    cases = [
        ({"percent": 150}, "percent"),
        ({"links": ["ftp://x"]}, "links"),
        ({"files": [SimpleUploadedFile("a.exe", b"MZ")]}, "files"),
        ({"period": "2024-05"}, "period"),
        ({"target_value": "5"}, "target"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as refused:
            submit_report(row, reporter_a, status="in_progress", **extra)
        assert list(refused.value.message_dict) == [field], extra
    assert ProgressReport.objects.count() == 0


def test_evidence_is_checked_once_per_report(published_plan, reporter_a, monkeypatch):
    seen: list[str] = []
    check = evidence._problem
    monkeypatch.setattr(evidence, "_problem", lambda f: seen.append(f.name) or check(f))
    row = assignment_of(published_plan, "II.2", "bo-a")
    submit_report(row, reporter_a, status="in_progress",
                  files=[SimpleUploadedFile("a.txt", b"bien ban")])
    assert seen == ["a.txt"]


# -- withdrawal -----------------------------------------------------------------------------


def test_an_agency_withdraws_its_pending_report_and_the_history_keeps_it(
        published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    with time_machine.travel(at(2024, 5, 10), tick=False):
        report = submit_report(row, reporter_a, status="done", percent=100, text="Xong")
    row.refresh_from_db()
    assert (row.progress, row.pending_reports) == ("awaiting_review", 1)
    with time_machine.travel(at(2024, 5, 12), tick=False):
        withdrawal = withdraw_report(report, reporter_a, reason="Gửi nhầm nhiệm vụ")
    report.refresh_from_db()
    row.refresh_from_db()
    assert report.review_state == "withdrawn"
    assert (withdrawal.withdrawn_by, withdrawal.reason) == (reporter_a, "Gửi nhầm nhiệm vụ")
    assert report.text == "Xong"  # the report itself is kept as it was sent
    # Stored states: refreshed in the same transaction, as if the report had not been sent.
    assert (row.progress, row.percent, row.pending_reports, row.last_report_at) == (
        "not_started", None, 0, None)
    assert statuses.check() == []
    # Before the withdrawal, the report was there and waiting.
    assert row.judge(date(2024, 5, 11)).progress == "awaiting_review"
    assert row.judge(date(2024, 5, 12)).progress == "not_started"


def test_a_withdrawal_is_written_once_and_never_changed(published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    report = submit_report(row, reporter_a, status="in_progress", text="Đang làm")
    withdrawal = withdraw_report(report, reporter_a)
    with pytest.raises(AppendOnlyError):
        withdrawal.delete()
    with pytest.raises(AppendOnlyError):
        ReportWithdrawal.objects.update(reason="x")
    with pytest.raises(ValidationError, match="đang chờ duyệt"):
        withdraw_report(report, reporter_a)
    assert ReportWithdrawal.objects.count() == 1


def test_a_reviewed_report_cannot_be_withdrawn_nor_a_withdrawn_one_reviewed(
        published_plan, reporter_a, coordinator):
    row = assignment_of(published_plan, "II.2", "bo-a")
    accepted = submit_report(row, reporter_a, status="in_progress", text="Đang làm")
    review_report(accepted, coordinator, accept=True)
    with pytest.raises(ValidationError):
        withdraw_report(accepted, reporter_a)
    taken_back = submit_report(row, reporter_a, status="done", text="Xong")
    withdraw_report(taken_back, reporter_a)
    with pytest.raises(ValidationError, match="already reviewed"):
        review_report(taken_back, coordinator, accept=True)
    assert ReportWithdrawal.objects.count() == 1


def test_only_the_agency_that_sent_it_withdraws_a_report(
        published_plan, reporter_a, reporter_b, leader, coordinator, agency_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    report = submit_report(row, reporter_a, status="in_progress", text="Đang làm")
    for other in (reporter_b, leader, coordinator):
        with pytest.raises(PermissionDenied):
            withdraw_report(report, other)
    colleague = make_user("reporter-a2", "reporter", agency_a)
    withdraw_report(report, colleague)  # a colleague of the same agency may stand in
    assert ReportWithdrawal.objects.get().withdrawn_by == colleague


def test_a_coordinator_withdraws_a_report_it_wrote_itself(published_plan, coordinator):
    row = assignment_of(published_plan, "II.2", "bo-a")
    report = submit_report(row, coordinator, status="in_progress", text="Thay mặt Bộ A")
    withdraw_report(report, coordinator)
    assert ProgressReport.objects.get().review_state == "withdrawn"


def test_a_withdrawn_target_value_is_left_out(published_plan, reporter_b):
    row = assignment_of(published_plan, "III.A.1", "tinh-b")
    target = published_plan.targets.get(unit="doanh nghiệp")
    report = submit_report(row, reporter_b, status="in_progress", target=target,
                           target_value="5")
    assert target.current_value() == 5
    withdraw_report(report, reporter_b)
    assert target.current_value() is None


def test_a_withdrawal_is_in_the_audit_log(published_plan, reporter_a):
    row = assignment_of(published_plan, "II.2", "bo-a")
    report = submit_report(row, reporter_a, status="in_progress", text="Đang làm")
    withdrawal = withdraw_report(report, reporter_a, reason="Nhầm")
    created = LogEntry.objects.get_for_object(withdrawal).filter(
        action=LogEntry.Action.CREATE)
    assert created.count() == 1
    changed = LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.UPDATE)
    assert "withdrawn" in str(changed.get().changes)
