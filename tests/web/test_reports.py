"""Reporting: an agency reports on its own assignment, a coordinator accepts or returns it,
the agency sees why; a leader only reads."""

from __future__ import annotations

from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.conftest import assignment_of
from theodoi.tracking.models import ProgressReport, TargetValue


def test_a_reporter_sends_a_report_with_evidence(as_reporter_a: Any, published_plan: Any,
                                                 reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    response = as_reporter_a.post(reverse("web:report", args=[assignment.pk]), {
        "status": "in_progress", "percent": "60", "text": "Đã trình dự thảo Nghị định",
        "links": "https://vanban.gov.vn/du-thao\nhttps://a.vn/b",
        "files": [SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4 to trinh"),
                  SimpleUploadedFile("bien-ban.txt", b"bien ban")],
    })
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.status, report.percent, report.review_state) == ("in_progress", 60, "pending")
    assert report.links == ["https://vanban.gov.vn/du-thao", "https://a.vn/b"]
    assert sorted(f.name for f in report.files.all()) == ["bien-ban.txt", "to-trinh.pdf"]
    page = as_reporter_a.get(reverse("web:task", args=[assignment.task_id])).content.decode()
    assert "Đã trình dự thảo Nghị định" in page
    assert "Chờ duyệt" in page
    evidence = report.files.get(name="bien-ban.txt")
    download = as_reporter_a.get(reverse("web:evidence-file", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == b"bien ban"


def test_invalid_input_is_explained_not_saved(as_reporter_a: Any, published_plan: Any,
                                              reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    response = as_reporter_a.post(reverse("web:report", args=[assignment.pk]), {
        "status": "in_progress", "percent": "150", "links": "ftp://x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"percent", "links"}
    assert ProgressReport.objects.count() == 0


def test_a_returned_report_shows_the_reason_and_the_agency_reports_again(
        client: Any, published_plan: Any, reporter_a: Any, coordinator: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    client.force_login(reporter_a)
    client.post(reverse("web:report", args=[assignment.pk]), {"status": "done", "percent": "100"})
    report = ProgressReport.objects.get()
    client.force_login(coordinator)
    missing_reason = client.post(reverse("web:review", args=[report.pk]),
                                 {"decision": "return", "reason": ""}, follow=True)
    assert "Hãy ghi lý do" in missing_reason.content.decode()
    client.post(reverse("web:review", args=[report.pk]),
                {"decision": "return", "reason": "Chưa có Nghị định kèm theo"})
    report.refresh_from_db()
    assert report.review_state == "returned"

    client.force_login(reporter_a)
    agency_page = client.get(reverse("web:agency", args=[assignment.agency_id]))
    assert "Chưa có Nghị định kèm theo" in agency_page.content.decode()
    assert [r.task.code for r in agency_page.context["returned"]] == ["II.2"]
    form_page = client.get(reverse("web:report", args=[assignment.pk])).content.decode()
    assert "Báo cáo trước bị trả lại" in form_page
    assert "Chưa có Nghị định kèm theo" in form_page
    client.post(reverse("web:report", args=[assignment.pk]), {"status": "done", "percent": "100",
                                                            "text": "Gửi kèm Nghị định"})
    client.force_login(coordinator)
    newest = ProgressReport.objects.latest("id")
    client.post(reverse("web:review", args=[newest.pk]), {"decision": "accept"})
    task_page = client.get(reverse("web:task", args=[assignment.task_id]))
    assert task_page.context["status"] in ("done", "done_late")
    assert ProgressReport.objects.count() == 2  # the history is kept


def test_a_recurring_task_is_reported_for_a_period(client: Any, published_plan: Any,
                                                   reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "I.1")
    client.force_login(reporter_a)
    with time_machine.travel("2024-07-10 09:00 +0700", tick=False):
        page = client.get(reverse("web:report", args=[assignment.pk]))
        periods = [key for key, _label in page.context["form"].fields["period"].choices]
        assert periods[:3] == ["2024-07", "2024-06", "2024-05"]
        client.post(reverse("web:report", args=[assignment.pk]),
                    {"status": "done", "percent": "100", "period": "2024-06"})
    assert ProgressReport.objects.get().period == "2024-06"


def test_a_target_value_is_reported_with_its_target(client: Any, published_plan: Any,
                                                    reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    target = published_plan.targets.get(unit="doanh nghiệp")
    client.force_login(reporter_a)
    client.post(reverse("web:report", args=[assignment.pk]), {
        "status": "in_progress", "percent": "50", "target": target.pk, "target_value": "42"})
    assert TargetValue.objects.get().value == 42
    overview = client.get(reverse("web:national")).context["view"]
    row = next(t for t in overview.targets if t.target == target)
    assert (row.current, row.percent) == (42, 42)


def test_a_coordinator_sets_a_date_for_a_task_waiting_for_one(
        client: Any, published_plan: Any, coordinator: Any) -> None:
    task = published_plan.tasks.get(code="II.2")
    client.force_login(coordinator)
    client.post(reverse("web:task-date", args=[task.pk]),
                {"on": "31/12/2024", "reason": "Theo kế hoạch xây dựng Nghị định"})
    task.refresh_from_db()
    assert task.set_on.isoformat() == "2024-12-31"
    page = client.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "Theo kế hoạch xây dựng Nghị định" in page
    assert "31/12/2024" in page


def test_the_report_form_shows_the_evidence_types_and_limit_and_refuses_others(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    url = reverse("web:report", args=[assignment.pk])
    page = as_reporter_a.get(url).content.decode()
    assert "Nhận PDF, DOCX, XLSX, ODT, ODS, JPG, PNG, TXT, CSV; mỗi tệp tối đa 20 MB" in page
    assert 'accept=".pdf,.docx,.xlsx,.odt,.ods,.jpg,.jpeg,.png,.txt,.csv"' in page
    response = as_reporter_a.post(url, {
        "status": "in_progress",
        "files": [SimpleUploadedFile("anh.png", b"MZ\x90\x00 a program"),
                  SimpleUploadedFile("macro.xlsm", b"PK\x03\x04")]})
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert sorted(errors) == sorted([
        "Tệp «macro.xlsm» không được nhận: chỉ nhận tệp PDF, DOCX, XLSX, ODT, ODS, JPG, PNG, "
        "TXT, CSV.",
        "Tệp «anh.png» không phải tệp PNG thật (nội dung không khớp đuôi .png).",
    ])
    assert ProgressReport.objects.count() == 0


def test_a_blank_report_is_refused_and_what_was_typed_is_shown_again(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    url = reverse("web:report", args=[assignment.pk])
    blank = as_reporter_a.post(url, {"status": "not_started", "text": ""})
    assert blank.status_code == 200
    assert blank.context["form"].errors["text"] == [
        "Báo cáo chưa có gì mới: hãy ghi nội dung đã làm, đính kèm minh chứng, hoặc cập nhật "
        "tình trạng hay tỷ lệ hoàn thành."]
    assert ProgressReport.objects.count() == 0
    # A refusal by the service (the evidence here) keeps the text and the links typed.
    refused = as_reporter_a.post(url, {
        "status": "in_progress", "text": "Đã họp thẩm định dự thảo",
        "links": "https://a.gov.vn/du-thao",
        "files": [SimpleUploadedFile("chuong-trinh.exe", b"MZ\x90\x00")]})
    page = refused.content.decode()
    assert "Đã họp thẩm định dự thảo" in page
    assert "https://a.gov.vn/du-thao" in page
    assert "«chuong-trinh.exe»" in refused.context["form"].errors["files"][0]
    assert "các tệp đã chọn cần được chọn lại" in page
    assert ProgressReport.objects.count() == 0


def test_the_page_checks_evidence_once_through_the_service(
        as_reporter_a: Any, published_plan: Any, reporter_a: Any, monkeypatch: Any) -> None:
    from theodoi.tracking import evidence

    seen: list[str] = []
    check = evidence._problem
    monkeypatch.setattr(evidence, "_problem", lambda f: seen.append(f.name) or check(f))
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    response = as_reporter_a.post(reverse("web:report", args=[assignment.pk]), {
        "status": "in_progress", "files": [SimpleUploadedFile("a.txt", b"bien ban")]})
    assert response.status_code == 302
    assert seen == ["a.txt"]


def test_an_agency_withdraws_its_pending_report_from_the_task_page(
        client: Any, published_plan: Any, reporter_a: Any, reporter_b: Any,
        coordinator: Any) -> None:
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    client.force_login(reporter_a)
    client.post(reverse("web:report", args=[assignment.pk]),
                {"status": "done", "text": "Đã trình Nghị định"})
    report = ProgressReport.objects.get()
    task_url = reverse("web:task", args=[assignment.task_id])
    withdraw_url = reverse("web:withdraw", args=[report.pk])
    assert withdraw_url in client.get(task_url).content.decode()
    client.force_login(coordinator)  # reviews, but did not send it: no withdraw button
    assert withdraw_url not in client.get(task_url).content.decode()
    client.force_login(reporter_b)
    assert client.post(withdraw_url).status_code == 403
    client.force_login(reporter_a)
    done = client.post(withdraw_url, {"reason": "Gửi nhầm"}, follow=True)
    page = done.content.decode()
    assert "Đã rút báo cáo" in page and "Gửi nhầm" in page and "Đã trình Nghị định" in page
    report.refresh_from_db()
    assert report.review_state == "withdrawn"
    assert withdraw_url not in page  # once withdrawn, no button again
    assert done.context["progress"] == "not_started"


def test_a_large_group_lists_its_parts_and_writes_out_only_the_history_asked_for(
        client: Any, published_plan: Any, reporter_a: Any, leader: Any, monkeypatch: Any
) -> None:
    from theodoi.web.views import pages

    part = assignment_of(published_plan, reporter_a.profile.agency, "I.2")
    assert part.is_part
    client.force_login(reporter_a)
    client.post(reverse("web:report", args=[part.pk]),
                {"status": "in_progress", "percent": "40", "text": "Phần việc của Bộ A"})
    url = reverse("web:task", args=[part.task_id])
    monkeypatch.setattr(pages, "PARTS_INLINE", 1)  # the group has 3 parts
    # The reporter sees its own part's reports.
    assert "Phần việc của Bộ A" in client.get(url).content.decode()
    # A leader sees every part on one row with its latest report, whose link opens that
    # part's reports; the histories of the others are not written out.
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "Phần việc của Bộ A" not in page
    assert f'href="{url}?part={part.pk}#report-' in page
    assert "Phần việc của Bộ A" in client.get(url + f"?part={part.pk}").content.decode()
    monkeypatch.setattr(pages, "PARTS_INLINE", 8)  # a small group: every history
    assert "Phần việc của Bộ A" in client.get(url).content.decode()
