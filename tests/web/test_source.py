"""A task's source on its page and on the review page: the crop of the PDF page it was read
from (a PNG served under the task's own access rule, cached), or its row's text."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.readers.conftest import fixture
from tests.web.conftest import login
from theodoi.tracking import services
from theodoi.tracking.models import Plan, Task
from theodoi.web.models import PlanImport

# Row 1.1 of 000_ruled.pdf, as its reader boxes it (page 3, points from the top-left).
ROW = {"file": "000_ruled.pdf", "table": 0, "row": 2, "page": 3,
       "bbox": [42.5, 247.4, 799.4, 454.9], "text": "1.1 | Theo dõi, đôn đốc"}


def with_sources(plan_json: dict[str, Any]) -> dict[str, Any]:
    """The small plan with its first task read from the PDF row, its second from a DOCX row."""
    data = copy.deepcopy(plan_json)
    data["tasks"][0]["source"] = dict(ROW)
    data["tasks"][1]["source"] = {"file": "qd.docx", "table": 2, "row": 4,
                                  "text": "2 | Xây dựng kế hoạch kiểm tra | Bộ A"}
    return data


def import_with_pdf(plan_json: dict[str, Any], user: Any, number: str) -> Plan:
    data = with_sources(plan_json)
    data["plan"]["number"] = number
    with fixture("000_ruled.pdf").open("rb") as handle:
        return services.import_plan(data, files=[File(handle, name="000_ruled.pdf")], user=user)


@pytest.fixture
def draft(coordinator: Any, small_plan_json: Any) -> Plan:
    plan = import_with_pdf(small_plan_json, coordinator, "3/QĐ-NGUON")
    PlanImport.objects.create(plan=plan, kind="new", file_names=["000_ruled.pdf"],
                              uncertain=["I.1", "I.2"], created_by=coordinator)
    return plan


@pytest.fixture
def published(coordinator: Any, small_plan_json: Any, fake_registry: Any) -> Plan:
    from datetime import date

    plan = import_with_pdf(small_plan_json, coordinator, "4/QĐ-NGUON")
    return services.publish_plan(plan, user=coordinator, on=date(2024, 5, 1),
                                 registry=fake_registry)


def task_of(plan: Plan, code: str) -> Task:
    return plan.tasks.get(code=code)


def test_an_imported_task_keeps_its_source_and_the_file_it_names(draft: Plan) -> None:
    pdf_task, docx_task, plain = (task_of(draft, c) for c in ("I.1", "I.2", "II.1"))
    assert pdf_task.source["page"] == 3 and pdf_task.source["bbox"] == ROW["bbox"]
    assert pdf_task.source_file is not None and pdf_task.source_file.name == "000_ruled.pdf"
    assert docx_task.source["row"] == 4 and docx_task.source_file is None  # not uploaded
    assert plain.source == {} and plain.source_file is None


def test_the_crop_is_a_png_of_the_row(as_coordinator: Any, draft: Plan) -> None:
    from PIL import Image

    response = as_coordinator.get(reverse("web:task-source", args=[task_of(draft, "I.1").pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    x0, top, x1, bottom = ROW["bbox"]
    assert abs(image.width - 2 * (x1 - x0 + 4)) <= 3
    assert abs(image.height - 2 * (bottom - top + 4)) <= 3


def test_the_crop_is_drawn_once_then_cached(as_coordinator: Any, draft: Plan,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from theodoi.web import sources

    calls = []
    real = sources.region_png
    monkeypatch.setattr(sources, "region_png", lambda *a: calls.append(a) or real(*a))
    url = reverse("web:task-source", args=[task_of(draft, "I.1").pk])
    first, second = as_coordinator.get(url), as_coordinator.get(url)
    assert first.content == second.content and len(calls) == 1


def test_a_task_without_a_page_region_has_no_crop(as_coordinator: Any, draft: Plan) -> None:
    for code in ("I.2", "II.1"):  # a DOCX row; a task with no source at all
        response = as_coordinator.get(reverse("web:task-source", args=[task_of(draft, code).pk]))
        assert response.status_code == 404
    assert as_coordinator.get(reverse("web:task-source", args=[999999])).status_code == 404


def test_a_crop_follows_the_tasks_access_rule(client: Any, draft: Plan, published: Plan,
                                              reporter_a: Any, outsider: Any) -> None:
    draft_url = reverse("web:task-source", args=[task_of(draft, "I.1").pk])
    published_url = reverse("web:task-source", args=[task_of(published, "I.1").pk])
    assert client.get(published_url).status_code == 302  # to the sign-in page
    login(client, outsider)
    assert client.get(published_url).status_code == 403
    login(client, reporter_a)
    assert client.get(draft_url).status_code == 403  # a draft is the coordinators'
    assert client.get(published_url).status_code == 200


def test_the_task_page_shows_the_crop_and_the_file(as_coordinator: Any, published: Plan) -> None:
    task = task_of(published, "I.1")
    page = as_coordinator.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "Nguồn" in page
    assert reverse("web:task-source", args=[task.pk]) in page
    assert reverse("web:plan-file", args=[task.source_file.pk]) in page
    assert "trang 3" in page and "bảng 1, dòng 3" in page


def test_the_task_page_shows_a_docx_rows_text(as_coordinator: Any, published: Plan) -> None:
    task = task_of(published, "I.2")
    page = as_coordinator.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "2 | Xây dựng kế hoạch kiểm tra | Bộ A" in page
    assert reverse("web:task-source", args=[task.pk]) not in page
    assert "bảng 3, dòng 5" in page


def test_a_task_without_a_source_shows_no_source_block(as_coordinator: Any,
                                                       published: Plan) -> None:
    task = task_of(published, "II.1")
    page = as_coordinator.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "Nguồn" not in page


def test_the_review_page_shows_the_source_beside_each_uncertain_row(as_coordinator: Any,
                                                                   draft: Plan) -> None:
    page = as_coordinator.get(reverse("web:plan-review", args=[draft.pk])).content.decode()
    assert reverse("web:task-source", args=[task_of(draft, "I.1").pk]) in page
    assert "2 | Xây dựng kế hoạch kiểm tra | Bộ A" in page  # uncertain, read from a DOCX
    # A row read with certainty is not crowded with its source.
    assert page.count('class="source-check"') == 2


def test_a_corrected_task_keeps_its_source(as_coordinator: Any, draft: Plan) -> None:
    task = task_of(draft, "I.1")
    response = as_coordinator.post(reverse("web:task-edit", args=[draft.pk, task.pk]), {
        "name": "Tổ chức các phiên họp (đã sửa)", "detail": "", "result": "", "deadline":
        "Hàng tháng", "lead": "Bộ A", "partners": "UBND tỉnh B"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.source["bbox"] == ROW["bbox"] and task.source_file is not None


@pytest.mark.slow
def test_an_uploaded_pdf_is_read_with_its_boxes_and_cropped(as_coordinator: Any) -> None:
    path = fixture("000_ruled.pdf")
    response = as_coordinator.post(reverse("web:import"), {"files": [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/pdf")]})
    assert response.status_code == 302
    as_coordinator.get(response["Location"])
    plan = Plan.objects.get()
    task = plan.tasks.get(code="1.2")
    assert task.source["page"] == 3 and task.source["more"][0][0] == 4  # split by a page break
    assert task.source_file == plan.files.get()
    crop = as_coordinator.get(reverse("web:task-source", args=[task.pk]))
    assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")
