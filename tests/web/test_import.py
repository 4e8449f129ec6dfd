"""Import and publish: upload, reading with progress, review and corrections, publish;
a corrected version shows its diff and keeps the reports; a bad file loses nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import seed_path
from theodoi.tracking import services
from theodoi.tracking.models import Assignment, DeadlineChange, Plan, ProgressReport
from theodoi.web import imports
from theodoi.web.models import PlanImport


def upload(client: Any, url: str, *paths_or_files: Any) -> Any:
    files = [
        f if isinstance(f, SimpleUploadedFile)
        else SimpleUploadedFile(f.name, f.read_bytes(), content_type="text/plain")
        for f in paths_or_files
    ]
    response = client.post(url, {"files": files})
    assert response.status_code == 302, response.content[:500]
    return response


def follow_job(client: Any, response: Any) -> Any:
    """The job page, as the browser reaches it after uploading (reading is inline here)."""
    return client.get(response["Location"])


def test_a_decision_is_read_into_a_draft_to_review(as_coordinator: Any) -> None:
    job_page = follow_job(as_coordinator, upload(as_coordinator, reverse("web:import"),
                                                 seed_path("003")))
    assert job_page.status_code == 302
    plan = Plan.objects.get()
    assert job_page["Location"] == reverse("web:plan-review", args=[plan.pk])
    assert plan.status == "draft"
    assert plan.number == "58/QĐ-UBQGCĐS"
    assert [f.name for f in plan.files.all()] == [seed_path("003").name]
    review = as_coordinator.get(job_page["Location"])
    text = review.content.decode()
    assert review.status_code == 200
    assert "Kiểm tra trước khi ban hành" in text
    assert "Tổ chức các phiên họp" in text
    assert "30/04/2024" in text  # "Trước ngày 30 tháng 4" as understood
    assert "Các bộ, ngành, địa phương" in text


def test_htmx_polls_get_the_progress_then_a_redirect(as_coordinator: Any, settings: Any,
                                                     coordinator: Any) -> None:
    settings.WEB_IMPORT_INLINE = True
    job = imports.start(coordinator, [SimpleUploadedFile("a.txt", seed_path("004").read_bytes())])
    url = reverse("web:import-job", args=[job.id])
    done = as_coordinator.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    assert done["HX-Redirect"].startswith("/plans/")
    job.state, job.phase, job.import_id = imports.RUNNING, "reading", None
    job.save()
    running = as_coordinator.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "Đọc tệp 1/1" in running.content.decode()


@pytest.mark.django_db(transaction=True)  # the worker thread reads the committed job row
def test_reading_runs_in_a_thread_when_not_inline(as_coordinator: Any, settings: Any) -> None:
    settings.WEB_IMPORT_INLINE = False
    response = upload(as_coordinator, reverse("web:import"), seed_path("004"))
    job = imports.Job.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    import time

    deadline = time.monotonic() + 120  # a wait, not a speed test: the CI machine may be busy
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state != imports.RUNNING:
            break
        time.sleep(0.05)
    assert job.state == imports.DONE
    assert follow_job(as_coordinator, response).status_code == 302


@pytest.mark.parametrize(("name", "content", "message"), [
    ("rong.txt", b"", "Tệp rỗng"),
    ("anh.pdf", b"%PDF-1.4 hong", "PDF"),
    ("linh-tinh.txt", "Không có bảng nào ở đây.\n".encode(), "không tìm thấy"),
])
def test_a_bad_file_shows_one_vietnamese_line_and_writes_nothing(
        as_coordinator: Any, name: str, content: bytes, message: str) -> None:
    response = upload(as_coordinator, reverse("web:import"),
                      SimpleUploadedFile(name, content))
    page = follow_job(as_coordinator, response)
    assert page.status_code == 200
    error = page.context["job"].error
    assert message.lower() in error.lower()
    assert "\n" not in error
    assert Plan.objects.count() == 0
    assert "Không có gì bị thay đổi" in page.content.decode()


def test_a_bad_corrected_version_leaves_the_plan_as_it_was(
        as_coordinator: Any, published_plan: Any) -> None:
    before = list(published_plan.tasks.values_list("code", "name"))
    response = upload(as_coordinator, reverse("web:import-correction", args=[published_plan.pk]),
                      SimpleUploadedFile("hong.docx", b"PK\x03\x04 hong"))
    page = follow_job(as_coordinator, response)
    assert page.context["job"].state == imports.FAILED
    assert list(published_plan.tasks.values_list("code", "name")) == before
    assert not PlanImport.objects.filter(kind="correction").exists()


def test_the_coordinator_corrects_a_cell_and_the_deadline_is_read_again(
        as_coordinator: Any, draft_plan: Any) -> None:
    task = draft_plan.tasks.get(code="I.2")
    url = reverse("web:task-edit", args=[draft_plan.pk, task.pk])
    assert as_coordinator.get(url).status_code == 200
    response = as_coordinator.post(url, {
        "name": "Xây dựng kế hoạch kiểm tra", "detail": "", "result": "Kế hoạch",
        "deadline": "Quý III", "lead": "Bộ A\nUBND tỉnh B", "partners": ""})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.name == "Xây dựng kế hoạch kiểm tra"
    assert (task.due_kind, task.due_on.isoformat()) == ("quarter", "2024-09-30")
    assert task.lead == ["Bộ A", "UBND tỉnh B"]
    assert DeadlineChange.objects.filter(task=task).count() == 1
    assert "I.2" not in PlanImport.objects.get(plan=draft_plan).uncertain


def test_uncertain_tasks_are_marked_on_the_review(as_coordinator: Any,
                                                  draft_plan: Any) -> None:
    page = as_coordinator.get(reverse("web:plan-review", args=[draft_plan.pk]))
    rows = {row["task"].code: row["uncertain"] for row in page.context["rows"]}
    assert rows["I.2"] is True
    assert rows["I.1"] is False
    assert "cần kiểm tra" in page.content.decode()


def test_agencies_are_shown_as_the_registry_reads_them(as_coordinator: Any,
                                                       draft_plan: Any) -> None:
    page = as_coordinator.get(reverse("web:plan-review", args=[draft_plan.pk]))
    unplaced = {name: reading.flag for name, reading, _chosen in page.context["unplaced"]}
    assert unplaced == {"Hiệp hội Không Có": "unknown",
                        "Các doanh nghiệp công nghệ số": "no_agency"}
    merged = next(r for row in page.context["rows"] for r in row["lead"]
                  if r.printed == "Bộ Cũ")
    assert (merged.agencies, merged.renamed) == (["Bộ A"], True)  # merged on 1/3/2025


def test_publishing_assigns_agencies_with_the_coordinators_choices(
        as_coordinator: Any, draft_plan: Any, agency_b: Any) -> None:
    choose = as_coordinator.post(reverse("web:choose-agencies", args=[draft_plan.pk]), {
        "printed_name": "Hiệp hội Không Có", "agencies": "UBND tỉnh B"})
    assert choose.status_code == 302
    unknown = as_coordinator.post(reverse("web:choose-agencies", args=[draft_plan.pk]), {
        "printed_name": "Hiệp hội Không Có", "agencies": "Bộ Không Tồn Tại"}, follow=True)
    assert "Danh mục không có cơ quan: Bộ Không Tồn Tại" in unknown.content.decode()
    response = as_coordinator.post(reverse("web:publish", args=[draft_plan.pk]))
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.is_published
    chosen = Assignment.objects.get(task__plan=draft_plan, printed_name="Hiệp hội Không Có",
                                    is_active=True)
    assert (chosen.agency, chosen.flag) == (agency_b, "chosen")
    again = as_coordinator.post(reverse("web:publish", args=[draft_plan.pk]), follow=True)
    assert "already published" in again.content.decode()


def test_a_published_plan_names_without_agency_can_be_given_one(
        as_coordinator: Any, published_plan: Any, agency_b: Any) -> None:
    page = as_coordinator.get(reverse("web:plan", args=[published_plan.pk]))
    assert "Hiệp hội Không Có" in page.context["unresolved"]
    as_coordinator.post(reverse("web:choose-agencies", args=[published_plan.pk]), {
        "printed_name": "Hiệp hội Không Có", "agencies": "UBND tỉnh B"})
    page = as_coordinator.get(reverse("web:plan", args=[published_plan.pk]))
    assert "Hiệp hội Không Có" not in page.context["unresolved"]


def test_a_corrected_version_shows_its_diff_and_keeps_the_reports(
        as_coordinator: Any, published_plan: Any, small_plan_json: Any,
        reporter_a: Any, media_root: Any) -> None:
    assignment = Assignment.objects.get(task__plan=published_plan, task__code="II.2",
                                        agency=reporter_a.profile.agency)
    services.submit_report(assignment, reporter_a, status="in_progress", percent=30)
    corrected = json.loads(json.dumps(small_plan_json))
    corrected["tasks"][4]["deadline"] = "Quý III"
    corrected["tasks"][4]["due"] = {"kind": "quarter", "on": "2024-09-30"}
    corrected["tasks"] = [t for t in corrected["tasks"] if t["code"] != "II.2"]
    corrected["tasks"].append({"code": "III.A.2", "name": "Nhiệm vụ mới", "deadline": None,
                               "due": {"kind": "none"}, "lead": ["Bộ A"], "partners": []})
    imports.Job.objects.create(
        id="fixed", user_id=int(as_coordinator.session["_auth_user_id"]),
        names=["sua-doi.json"], plan_id=published_plan.pk, state=imports.DONE, result=corrected)
    response = as_coordinator.get(reverse("web:import-job", args=["fixed"]))
    record = PlanImport.objects.get(kind="correction")
    assert response["Location"] == reverse("web:correction", args=[record.pk])
    page = as_coordinator.get(response["Location"])
    diff = page.context["diff"]
    assert (diff.added, diff.removed, list(diff.changed)) == (["III.A.2"], ["II.2"], ["III.A.1"])
    assert "Quý III" in page.content.decode()
    assert as_coordinator.post(response["Location"]).status_code == 302
    published_plan.refresh_from_db()
    assert published_plan.tasks.get(code="II.2").is_removed
    assert published_plan.tasks.get(code="III.A.1").due_on.isoformat() == "2024-09-30"
    assert ProgressReport.objects.filter(assignment=assignment).count() == 1
    assert as_coordinator.post(response["Location"]).status_code == 403  # applied once


def test_the_same_decision_again_is_shown_before_a_second_draft(
        as_coordinator: Any) -> None:
    first = follow_job(as_coordinator, upload(as_coordinator, reverse("web:import"),
                                              seed_path("003")))
    plan = Plan.objects.get()
    assert first["Location"] == reverse("web:plan-review", args=[plan.pk])
    job_url = upload(as_coordinator, reverse("web:import"), seed_path("003"))["Location"]
    warned = as_coordinator.get(job_url)
    assert warned.status_code == 200
    page = warned.content.decode()
    assert "Quyết định này đã được nhập" in page
    assert reverse("web:plan-review", args=[plan.pk]) in page  # a link to the plan there is
    assert [p.pk for p in warned.context["same"]] == [plan.pk]
    assert Plan.objects.count() == 1  # nothing written yet
    polled = as_coordinator.get(job_url, HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == job_url  # the poll brings the browser to the warning
    assert Plan.objects.count() == 1
    again = as_coordinator.post(job_url, {"again": "1"})
    second = Plan.objects.exclude(pk=plan.pk).get()
    assert again["Location"] == reverse("web:plan-review", args=[second.pk])
    assert as_coordinator.get(job_url)["Location"] == again["Location"]  # written once


def test_publishing_shows_what_each_agency_will_be_given_first(
        as_coordinator: Any, draft_plan: Any) -> None:
    from theodoi.tracking.models import Agency

    agencies = Agency.objects.count()
    page = as_coordinator.get(reverse("web:publish", args=[draft_plan.pk]))
    assert page.status_code == 200
    shown = {a.name: (a.leads, a.partners) for a in page.context["preview"].agencies}
    assert shown == {"Bộ A": (["I.1", "I.2", "II.1", "II.2"], ["III.A.1"]),
                     "Ủy ban nhân dân tỉnh B": (["I.2", "III.A.1"], ["I.1"])}
    unassigned = {p: codes for p, _flag, codes in page.context["preview"].unassigned}
    assert unassigned == {"Hiệp hội Không Có": ["II.2"],
                          "Các doanh nghiệp công nghệ số": ["II.2"]}
    text = page.content.decode()
    assert "I.1, I.2, II.1, II.2" in text and "Ban hành và giao nhiệm vụ" in text
    draft_plan.refresh_from_db()
    assert not draft_plan.is_published
    assert not Assignment.objects.exists() and Agency.objects.count() == agencies
    as_coordinator.post(reverse("web:publish", args=[draft_plan.pk]))
    draft_plan.refresh_from_db()
    assert draft_plan.is_published
    given = set(Assignment.objects.filter(task__plan=draft_plan, agency__isnull=False)
                .values_list("agency__name", "role", "task__code"))
    assert given == {(name, role, code) for name, (leads, partners) in shown.items()
                     for role, codes in (("lead", leads), ("partner", partners))
                     for code in codes}


def test_the_confirmation_lists_a_coordinators_choice_under_its_agency(
        as_coordinator: Any, draft_plan: Any, agency_b: Any) -> None:
    as_coordinator.post(reverse("web:choose-agencies", args=[draft_plan.pk]), {
        "printed_name": "Hiệp hội Không Có", "agencies": "UBND tỉnh B"})
    page = as_coordinator.get(reverse("web:publish", args=[draft_plan.pk]))
    shares = {a.name: a.partners for a in page.context["preview"].agencies}
    assert "II.2" in shares["Ủy ban nhân dân tỉnh B"]
    assert "Hiệp hội Không Có" not in {p for p, _f, _c in page.context["preview"].unassigned}


def test_a_coordinator_deletes_a_draft_after_confirming(
        as_coordinator: Any, draft_plan: Any) -> None:
    from auditlog.models import LogEntry

    url = reverse("web:plan-delete", args=[draft_plan.pk])
    assert url in as_coordinator.get(reverse("web:plan-review", args=[draft_plan.pk])
                                     ).content.decode()
    confirm = as_coordinator.get(url)
    assert confirm.status_code == 200 and "Xóa bản nháp" in confirm.content.decode()
    assert Plan.objects.filter(pk=draft_plan.pk).exists()  # the GET deletes nothing
    done = as_coordinator.post(url, follow=True)
    assert "Đã xóa bản nháp" in done.content.decode()
    assert not Plan.objects.filter(pk=draft_plan.pk).exists()
    deleted = LogEntry.objects.filter(content_type__model="plan", object_pk=str(draft_plan.pk),
                                      action=LogEntry.Action.DELETE)
    assert deleted.count() == 1


def test_a_published_plan_is_never_deleted(client: Any, coordinator: Any, reporter_a: Any,
                                           published_plan: Any, draft_plan: Any) -> None:
    client.force_login(coordinator)
    url = reverse("web:plan-delete", args=[published_plan.pk])
    refused = client.post(url, follow=True)
    assert "không thể xóa" in refused.content.decode()
    assert Plan.objects.filter(pk=published_plan.pk).exists()
    with pytest.raises(ValidationError):
        services.delete_draft(published_plan, user=coordinator)
    client.force_login(reporter_a)
    assert client.post(reverse("web:plan-delete", args=[draft_plan.pk])).status_code == 403
    assert Plan.objects.filter(pk=draft_plan.pk).exists()
