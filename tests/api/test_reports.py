"""Writing through the API: a progress report (form with evidence files), and its review."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.readers.conftest import fixture
from theodoi.tracking.models import Assignment, EvidenceFile, ProgressReport, TargetValue
from theodoi.tracking.services import import_plan, submit_report

pytestmark = pytest.mark.django_db
DOCX = fixture("000_decision.docx").read_bytes()


def assignment(plan, code: str, agency: str) -> Assignment:
    return Assignment.objects.get(task__plan=plan, task__code=code, agency__registry_id=agency)


def reports_path(row: Assignment) -> str:
    return f"/api/assignments/{row.pk}/reports"


def test_a_reporter_submits_a_report_with_evidence_files_and_links(
    api, published_plan, media_root
):
    row = assignment(published_plan, "I.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), {
        "status": "in_progress",
        "percent": "60",
        "text": "Đã xây dựng dự thảo kế hoạch kiểm tra",
        "links": ["https://mic.gov.vn/du-thao", "http://example.vn/2"],
        "files": [
            SimpleUploadedFile("dự thảo.pdf", b"%PDF-1.4", content_type="application/pdf"),
            SimpleUploadedFile("bien-ban.docx", DOCX, content_type="application/octet-stream"),
        ],
    })
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["percent"], data["review_state"], data["author"]) == (
        "in_progress", 60, "pending", "reporter-a")
    assert data["links"] == ["https://mic.gov.vn/du-thao", "http://example.vn/2"]
    assert [f["name"] for f in data["files"]] == ["dự thảo.pdf", "bien-ban.docx"]
    assert all(f["url"].startswith("/media/evidence/") for f in data["files"])
    report = ProgressReport.objects.get(pk=data["id"])
    assert report.assignment == row and report.text == "Đã xây dựng dự thảo kế hoạch kiểm tra"
    assert EvidenceFile.objects.filter(report=report).count() == 2
    assert len(list(media_root.rglob("*.pdf"))) == 1
    assert api("reporter_b").get(f"/api/reports/{report.pk}").json() == data


def test_a_report_on_a_recurring_task_answers_the_current_period_or_the_one_named(
    api, published_plan
):
    row = assignment(published_plan, "I.1", "bo-a")
    client = api("reporter_a")
    moment = datetime(2024, 5, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        current = client.post(reports_path(row), {"status": "done"}).json()
        named = client.post(reports_path(row), {"status": "done", "period": "2024-04"}).json()
    assert (current["period"], named["period"]) == ("2024-05", "2024-04")
    wrong = client.post(reports_path(row), {"status": "done", "period": "2024-Q2"})
    assert wrong.status_code == 400
    assert "không phải một tháng" in wrong.json()["detail"]


def test_a_report_gives_a_value_of_its_plans_target(api, published_plan):
    row = assignment(published_plan, "III.A.1", "tinh-b")
    target = published_plan.targets.order_by("order").first()
    response = api("reporter_b").post(reports_path(row), {
        "status": "in_progress", "target": str(target.pk), "target_value": "27.5",
    })
    assert response.status_code == 201, response.content
    assert response.json()["target_value"] == 27.5
    value = TargetValue.objects.get()
    assert (value.target, value.agency.registry_id, float(value.value)) == (target, "tinh-b", 27.5)


def test_the_answer_to_a_report_is_the_report_as_stored(api, published_plan):
    # Without evidence or a target value the answer is built from the report just written
    # (no read after the commit); with a value it is read back (rounded to 4 places).
    row = assignment(published_plan, "III.A.1", "tinh-b")
    target = published_plan.targets.order_by("order").first()
    client = api("reporter_b")
    first = client.post(reports_path(row), {
        "status": "in_progress", "percent": "35", "text": "Đã khảo sát",
        "links": ["https://tinh-b.gov.vn/khao-sat"],
    })
    second = client.post(reports_path(row), {
        "status": "in_progress", "corrects": str(first.json()["id"]),
        "target": str(target.pk), "target_value": "1.234567",
    })
    assert (first.status_code, second.status_code) == (201, 201)
    for answer in (first.json(), second.json()):
        assert client.get(f"/api/reports/{answer['id']}").json() == answer
    assert second.json()["target_value"] == 1.2346


def test_a_target_of_another_plan_is_refused(api, published_plan, coordinator, small_plan_json):
    other = import_plan({**small_plan_json, "source": "other.txt"}, user=coordinator)
    row = assignment(published_plan, "I.2", "bo-a")
    response = api("coordinator").post(reports_path(row), {
        "status": "in_progress", "target": str(other.targets.first().pk), "target_value": "3",
    })
    assert response.status_code == 400
    assert response.json() == {"detail": "Chỉ tiêu này thuộc kế hoạch khác."}
    assert not ProgressReport.objects.exists()


def test_a_reporter_cannot_name_a_target_of_a_draft(api, published_plan, coordinator,
                                                    small_plan_json):
    draft = import_plan({**small_plan_json, "source": "draft.txt"}, user=coordinator)
    row = assignment(published_plan, "I.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), {
        "status": "in_progress", "target": str(draft.targets.first().pk), "target_value": "3",
    })
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_correction_is_a_new_report_pointing_to_the_old_one(api, published_plan):
    row = assignment(published_plan, "I.2", "bo-a")
    client = api("reporter_a")
    first = client.post(reports_path(row), {"status": "done", "percent": "100"}).json()
    second = client.post(reports_path(row), {
        "status": "in_progress", "percent": "80", "corrects": str(first["id"]),
    }).json()
    assert second["corrects"] == first["id"]
    assert ProgressReport.objects.get(pk=first["id"]).percent == 100


@pytest.mark.parametrize(
    ("form", "status_code"),
    [
        ({}, 422),
        ({"status": "finished"}, 422),
        ({"status": "done", "percent": "101"}, 422),
        ({"status": "done", "percent": "nhiều"}, 422),
        ({"status": "done", "target_value": "abc"}, 422),
        ({"status": "done", "target_value": "5"}, 400),  # a value needs its target
        ({"status": "done", "links": ["ftp://example.vn/x"]}, 400),
        ({"status": "done", "period": "2024-05"}, 400),  # I.2 does not recur
        ({"status": "done", "target": "999999", "target_value": "1"}, 404),
        ({"status": "done", "corrects": "999999"}, 404),
    ],
)
def test_a_bad_report_is_refused_and_nothing_is_written(form, status_code, api, published_plan):
    row = assignment(published_plan, "I.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), form)
    assert response.status_code == status_code, response.content
    assert not ProgressReport.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_an_empty_optional_field_means_no_value(api, published_plan):
    row = assignment(published_plan, "I.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), {
        "status": "not_started", "percent": "", "target": "", "target_value": "", "corrects": "",
        "text": "Chờ kinh phí",  # a report must say something (the empty fields say nothing)
    })
    assert response.status_code == 201, response.content
    assert response.json()["percent"] is None


def test_a_report_can_be_sent_as_a_url_encoded_form(api, tokens, published_plan):
    from django.test import Client

    row = assignment(published_plan, "I.2", "bo-a")
    response = Client().post(
        reports_path(row), "status=done&text=Ho%C3%A0n+th%C3%A0nh",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {tokens['reporter_a']}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["text"] == "Hoàn thành"


# -- review -----------------------------------------------------------------------------------


@pytest.fixture
def pending(published_plan, reporter_a):
    return submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a, status="done")


def test_a_coordinator_accepts_a_report_and_the_assignment_is_done(api, pending):
    response = api("coordinator").post_json(
        f"/api/reports/{pending.pk}/review", {"decision": "accept"}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["review_state"], data["reviewed_by"]) == ("accepted", "coordinator")
    assignment_data = api("reporter_a").get(f"/api/assignments/{pending.assignment_id}").json()
    assert assignment_data["status"] == "done_late"  # written after 30 April 2024


def test_a_returned_report_carries_its_reason(api, pending):
    client = api("coordinator")
    refused = client.post_json(f"/api/reports/{pending.pk}/review", {"decision": "return"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": "returning a report needs a reason"}
    response = client.post_json(
        f"/api/reports/{pending.pk}/review",
        {"decision": "return", "reason": "Chưa có quyết định ban hành"},
    )
    assert response.json()["review_reason"] == "Chưa có quyết định ban hành"
    again = client.post_json(f"/api/reports/{pending.pk}/review", {"decision": "accept"})
    assert again.status_code == 400
    pending.refresh_from_db()
    assert pending.review_state == "returned"


@pytest.mark.parametrize("body", [{}, {"decision": "maybe"}, {"decision": True}])
def test_a_review_needs_a_decision(body, api, pending):
    response = api("coordinator").post_json(f"/api/reports/{pending.pk}/review", body)
    assert response.status_code == 422
    pending.refresh_from_db()
    assert pending.is_pending


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("lon.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "quá lớn (20.1 MB; tối đa 20 MB)"),
    ("chuong-trinh.exe", b"MZ\x90\x00", "không được nhận: chỉ nhận tệp PDF, DOCX"),
    ("gia.pdf", b"MZ\x90\x00 a program renamed", "không phải tệp PDF thật"),
    ("gia.docx", b"PK\x03\x04 not a zip", "không phải tệp DOCX thật"),
    ("nen.zip", b"PK\x05\x06" + b"\x00" * 18, "không được nhận"),
    ("trang.html", b"<script>alert(1)</script>", "không được nhận"),
])
def test_api_evidence_of_any_size_or_type_is_refused(
    api, published_plan, name, content, reason
):
    row = assignment(published_plan, "I.2", "tinh-b")
    before = (ProgressReport.objects.count(), EvidenceFile.objects.count())
    response = api("reporter_b").post(reports_path(row), {
        "status": "in_progress", "files": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert f"«{name}»" in response.json()["detail"]
    assert (ProgressReport.objects.count(), EvidenceFile.objects.count()) == before


def test_api_evidence_limit_comes_from_the_setting(api, published_plan, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    row = assignment(published_plan, "I.2", "tinh-b")
    response = api("reporter_b").post(reports_path(row), {
        "status": "in_progress",
        "files": [SimpleUploadedFile("a.txt", b"x" * 2048)]})
    assert response.status_code == 400
    assert "quá lớn (2 KB; tối đa 1 KB)" in response.json()["detail"]
    ok = api("reporter_b").post(reports_path(row), {
        "status": "in_progress", "files": [SimpleUploadedFile("a.txt", b"x" * 1000)]})
    assert ok.status_code == 201


def test_a_full_disk_while_saving_evidence_is_507_and_writes_nothing(
    api, published_plan, monkeypatch
):
    import errno

    from django.core.files.storage import FileSystemStorage

    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    row = assignment(published_plan, "I.2", "tinh-b")
    before = (ProgressReport.objects.count(), EvidenceFile.objects.count())
    response = api("reporter_b").post(reports_path(row), {
        "status": "in_progress",
        "files": [SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban")]})
    assert response.status_code == 507
    assert "báo cáo chưa được ghi, hãy gửi lại sau" in response.json()["detail"]
    assert (ProgressReport.objects.count(), EvidenceFile.objects.count()) == before


def test_a_report_that_says_nothing_is_a_400_in_vietnamese(api, published_plan):
    row = assignment(published_plan, "II.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), {"status": "not_started", "text": " "})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Báo cáo chưa có gì mới")
    assert ProgressReport.objects.count() == 0


def test_the_api_checks_evidence_once_through_the_service(api, published_plan, monkeypatch):
    from theodoi.tracking import evidence

    seen: list[str] = []
    check = evidence._problem
    monkeypatch.setattr(evidence, "_problem", lambda f: seen.append(f.name) or check(f))
    row = assignment(published_plan, "I.2", "tinh-b")
    response = api("reporter_b").post(reports_path(row), {
        "status": "in_progress", "files": [SimpleUploadedFile("a.txt", b"bien ban")]})
    assert response.status_code == 201
    assert seen == ["a.txt"]


def test_a_pending_report_is_withdrawn_and_stays_in_the_history(api, published_plan):
    row = assignment(published_plan, "I.2", "bo-a")
    client = api("reporter_a")
    sent = client.post(reports_path(row), {"status": "done", "text": "Đã ban hành"}).json()
    response = client.post_json(f"/api/reports/{sent['id']}/withdraw",
                                {"reason": "Gửi nhầm nhiệm vụ"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["review_state"], body["review_reason"], body["text"]) == (
        "withdrawn", "Gửi nhầm nhiệm vụ", "Đã ban hành")
    history = client.get(f"/api/assignments/{row.pk}").json()
    assert [r["review_state"] for r in history["history"]] == ["withdrawn"]
    assert history["pending_reports"] == 0
    again = client.post_json(f"/api/reports/{sent['id']}/withdraw", {})
    assert again.status_code == 400
    assert "đang chờ duyệt" in again.json()["detail"]


def test_a_report_on_a_missing_assignment_is_404(api, published_plan):
    response = api("coordinator").post("/api/assignments/999999/reports", {"status": "done"})
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_a_report_through_the_api_is_audited_as_one_written_on_the_page(
        api, published_plan, reporter_a):
    """The row read under the service's locks names the report in its audit entry as the
    page's read of it does (task code, role, agency)."""
    from auditlog.models import LogEntry

    row = assignment(published_plan, "I.2", "bo-a")
    response = api("reporter_a").post(reports_path(row), {"status": "in_progress",
                                                          "percent": "30", "text": "Đang làm"})
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(pk=response.json()["id"])
    entry = LogEntry.objects.get_for_object(report).get(action=LogEntry.Action.CREATE)
    assert entry.object_repr == str(ProgressReport.objects.select_related(
        "assignment__task", "assignment__agency").get(pk=report.pk))
    assert entry.actor == reporter_a
    assert entry.changes_dict["assignment"] == [None, row.pk]
    assert entry.changes_dict["percent"] == [None, 30]
