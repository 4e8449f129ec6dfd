"""Following one national task through the plans that carry it: links proposed from the
texts, decided by a coordinator, shown on the national task with who has not taken it up."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from theodoi.registry import load_registry
from theodoi.tracking.models import TaskLink
from theodoi.tracking.services import import_plan, publish_plan
from theodoi.tracking.services.links import decide_link, propose_links

NATIONAL = {
    "format": "plan-json/1", "source": "qd.txt",
    "plan": {"number": "1/QĐ-TTg", "date": "2025-03-01", "issuer": "Thủ tướng Chính phủ",
             "title": "Kế hoạch chuyển đổi số quốc gia năm 2025", "year": 2025, "signer": None},
    "targets": [],
    "tasks": [
        {"code": "1", "name": "Xây dựng cơ sở dữ liệu quốc gia về dân cư, kết nối với các hệ "
         "thống thông tin của bộ, ngành, địa phương", "detail": None, "result": None,
         "deadline": "Quý IV", "due": {"kind": "quarter", "on": "2025-12-31"},
         "lead": ["Bộ Công an"], "partners": ["UBND thành phố Cần Thơ", "UBND tỉnh Nghệ An"]},
        {"code": "2", "name": "Triển khai nền tảng học trực tuyến mở toàn dân", "detail": None,
         "result": None, "deadline": "Năm 2025", "due": {"kind": "year", "on": "2025-12-31"},
         "lead": ["Bộ Giáo dục và Đào tạo"], "partners": []},
    ],
}


def province_plan() -> dict[str, Any]:
    plan = copy.deepcopy(NATIONAL)
    plan["plan"].update(number="12/KH-UBND", issuer="Ủy ban nhân dân thành phố Cần Thơ",
                        title="Kế hoạch triển khai Quyết định số 1/QĐ-TTg trên địa bàn thành phố")
    plan["tasks"] = [
        {"code": "1", "name": "Hoàn thiện, kết nối cơ sở dữ liệu dân cư của thành phố với "
         "cơ sở dữ liệu quốc gia", "detail": None, "result": None, "deadline": "Quý III",
         "due": {"kind": "quarter", "on": "2025-09-30"}, "lead": ["Sở Khoa học và Công nghệ"],
         "partners": []},
        {"code": "2", "name": "Tổ chức hội nghị tuyên truyền", "detail": None, "result": None,
         "deadline": "Quý II", "due": {"kind": "quarter", "on": "2025-06-30"},
         "lead": ["Văn phòng UBND thành phố"], "partners": []},
    ]
    return plan


@pytest.fixture
def cascade(coordinator: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    registry = load_registry()
    monkeypatch.setattr("theodoi.web.preview.registry", lambda: registry)
    national = publish_plan(import_plan(NATIONAL, user=coordinator), user=coordinator,
                            registry=registry)
    local = publish_plan(import_plan(province_plan(), user=coordinator), user=coordinator,
                         registry=registry)
    return national, local


@pytest.mark.django_db
def test_links_are_proposed_from_the_texts_and_decided_by_a_coordinator(
        cascade: tuple[Any, Any], coordinator: Any) -> None:
    _national, local = cascade
    assert propose_links(local, user=coordinator) >= 1
    links = list(TaskLink.objects.filter(task__plan=local))
    best = {(link.task.code, link.parent.code) for link in links if link.score >= 0.15}
    assert ("1", "1") in best  # the database task, not the meeting
    assert all(link.task.code != "2" or link.parent.code != "1" for link in links)
    assert propose_links(local, user=coordinator) == 0  # proposed once
    link = next(link for link in links if (link.task.code, link.parent.code) == ("1", "1"))
    decide_link(link, user=coordinator, confirm=True)
    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("confirmed", coordinator)


@pytest.mark.django_db
def test_the_national_task_shows_who_carries_it_and_who_has_not(
        cascade: tuple[Any, Any], coordinator: Any, client: Any) -> None:
    _national, local = cascade
    propose_links(local, user=coordinator)
    client.force_login(coordinator)
    review = client.get(reverse("web:plan-links", args=[local.pk]))
    assert review.status_code == 200 and "Hoàn thiện, kết nối" in review.content.decode()
    link = TaskLink.objects.get(task__plan=local, task__code="1", parent__code="1")
    client.post(reverse("web:decide-link", args=[link.pk]), {"decision": "confirm"})
    page = client.get(reverse("web:task", args=[link.parent_id]))
    carried = page.context["carried"]
    assert [c.task for c in carried] == [link.task]
    assert [a.registry_id for a in page.context["not_carried"]] == ["tinh-nghe-an"]
    html = page.content.decode()
    assert "Chưa cụ thể hóa" in html and "Được cụ thể hóa ở 1 kế hoạch" in html
    child = client.get(reverse("web:task", args=[link.task_id])).content.decode()
    assert "Thực hiện nhiệm vụ cấp trên" in child


@pytest.mark.django_db
def test_only_coordinators_decide(cascade: tuple[Any, Any], coordinator: Any, leader: Any,
                                  client: Any) -> None:
    _national, local = cascade
    propose_links(local, user=coordinator)
    link = TaskLink.objects.filter(task__plan=local).first()
    client.force_login(leader)
    assert client.post(reverse("web:decide-link", args=[link.pk]),
                       {"decision": "confirm"}).status_code == 403
    assert client.get(reverse("web:plan-links", args=[local.pk])).status_code == 403
    link.refresh_from_db()
    assert link.state == "proposed"
