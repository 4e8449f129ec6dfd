"""Following one national task through the plans that carry it: links proposed from the
texts, decided by a coordinator, shown on the national task with who has not taken it up."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from theodoi.registry import load_registry
from theodoi.tracking.models import TaskLink
from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report
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


def child_plan(number: str, issuer: str, lead: str, name: str) -> dict[str, Any]:
    """A plan of `issuer` implementing the national plan, its first task carrying task 1."""
    plan = province_plan()
    plan["source"] = f"{number}.txt"
    plan["plan"].update(number=number, issuer=issuer)
    plan["tasks"][0].update(name=name, lead=[lead])
    return plan


CHILDREN = (
    ("30/KH-BCA", "Bộ Công an", "Bộ Công an",
     "Hoàn thiện cơ sở dữ liệu quốc gia về dân cư, kết nối các hệ thống thông tin bộ, ngành"),
    ("40/KH-UBND", "Ủy ban nhân dân tỉnh Nghệ An", "Sở Khoa học và Công nghệ",
     "Kết nối cơ sở dữ liệu dân cư của tỉnh với cơ sở dữ liệu quốc gia"),
)


def carry(national: Any, coordinator: Any, registry: Any, children: tuple = CHILDREN) -> list:
    """The child plans published, their task 1 linked to national task 1 and confirmed."""
    tasks = []
    for number, issuer, lead, name in children:
        plan = publish_plan(import_plan(child_plan(number, issuer, lead, name),
                                        user=coordinator), user=coordinator, registry=registry)
        task = plan.tasks.get(code="1")
        link = TaskLink.objects.create(task=task, parent=national.tasks.get(code="1"))
        decide_link(link, user=coordinator, confirm=True)
        tasks.append(task)
    return tasks


@pytest.mark.django_db
def test_the_national_task_rolls_up_its_childrens_progress_by_ministry_and_province(
        cascade: tuple[Any, Any], coordinator: Any, client: Any) -> None:
    national, local = cascade
    link = TaskLink.objects.create(task=local.tasks.get(code="1"),
                                   parent=national.tasks.get(code="1"))
    decide_link(link, user=coordinator, confirm=True)
    ministry_task, province_task = carry(national, coordinator, load_registry())
    done = submit_report(ministry_task.lead_assignments()[0], coordinator, status="done",
                         percent=100, text="Đã kết nối.")
    review_report(done, coordinator, accept=True)
    report = submit_report(province_task.lead_assignments()[0], coordinator,
                           status="in_progress", percent=40, text="Đang kết nối.")
    review_report(report, coordinator, accept=True)
    client.force_login(coordinator)
    page = client.get(reverse("web:task", args=[link.parent_id]))
    rollup = page.context["rollup"]
    assert (rollup.count, rollup.done) == (3, 1)
    assert rollup.percent == round((100 + 40 + 0) / 3)
    by_status = dict(rollup.by_status)
    assert by_status.get("done", 0) + by_status.get("done_late", 0) == 1  # due 2025: late now
    assert sum(by_status.values()) == 3
    groups = {(g.kind, g.count, g.done, g.percent) for g in rollup.groups}
    assert groups == {("ministry", 1, 1, 100), ("province", 1, 0, 40), ("province", 1, 0, 0)}
    assert (rollup.groups[0].kind, rollup.groups[0].name) == ("ministry", "Bộ Công an")
    html = page.content.decode()
    assert "Tiến độ tổng hợp từ các nhiệm vụ cấp dưới" in html and "1/3" in html
    assert page.context["not_carried"] == []  # Cần Thơ and Nghệ An both carry it now
    own = client.get(reverse("web:task", args=[ministry_task.pk]))
    assert own.context["rollup"] is None  # a task nobody implements has no roll-up


@pytest.mark.django_db
def test_the_roll_up_costs_the_same_queries_for_two_children_or_six(
        cascade: tuple[Any, Any], coordinator: Any, client: Any,
        django_assert_max_num_queries: Any) -> None:
    national, _local = cascade
    registry = load_registry()
    carry(national, coordinator, registry, CHILDREN)
    client.force_login(coordinator)
    url = reverse("web:task", args=[national.tasks.get(code="1").pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["rollup"].groups) == 2
    more = tuple((f"{n}{i}/KH", issuer, lead, name) for i in range(2)
                 for n, issuer, lead, name in (
                     *CHILDREN, ("50/KH-UBND", "Ủy ban nhân dân thành phố Cần Thơ",
                                 "Sở Y tế", "Cơ sở dữ liệu dân cư thành phố")))
    carry(national, coordinator, registry, more[:4])
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).context["rollup"].count == 6


# -- regressions ----------------------------------------------------------------------------


def duplicate_plan(number: str, issuer: str, lead: str = "Sở Khoa học và Công nghệ"
                   ) -> dict[str, Any]:
    """A plan of `issuer` whose one task `lead` leads, printed alike in every such plan."""
    plan = province_plan()
    plan["source"] = f"{number}.txt"
    plan["plan"].update(number=number, issuer=issuer, title=f"Kế hoạch {number}")
    plan["tasks"] = [{
        "code": "1", "name": "Xây dựng kho dữ liệu dùng chung của tỉnh, kết nối với cơ sở "
        "dữ liệu quốc gia về dân cư", "detail": None, "result": None, "deadline": "Quý IV",
        "due": {"kind": "quarter", "on": "2025-12-31"},
        "lead": [lead], "partners": []}]
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize("second_issuer", ["Ủy ban nhân dân tỉnh Nghệ An", "UBND  tỉnh NGHỆ AN"])
def test_duplicates_are_proposed_in_plans_of_one_issuer_however_it_is_printed(
        second_issuer: str, coordinator: Any) -> None:
    """"UBND tỉnh Nghệ An" and "Ủy ban nhân dân tỉnh Nghệ An" are one people's committee:
    the same work given twice to its Sở in their two plans is proposed (it was not: the
    issuers were compared as printed)."""
    from theodoi.tracking.services.links import propose_duplicates

    registry = load_registry()
    first = publish_plan(import_plan(duplicate_plan("40/KH-UBND", "UBND tỉnh Nghệ An"),
                                     user=coordinator), user=coordinator, registry=registry)
    second = publish_plan(import_plan(duplicate_plan("41/KH-UBND", second_issuer),
                                      user=coordinator), user=coordinator, registry=registry)
    other = publish_plan(import_plan(duplicate_plan("12/KH-UBND", "UBND thành phố Cần Thơ"),
                                     user=coordinator), user=coordinator, registry=registry)
    assert propose_duplicates(second, user=coordinator, registry=registry) == 1
    [link] = TaskLink.objects.filter(kind=TaskLink.Kind.DUPLICATE)
    assert {link.task.plan_id, link.parent.plan_id} == {first.pk, second.pk}
    assert other.pk not in {link.task.plan_id, link.parent.plan_id}  # another province


@pytest.mark.django_db
def test_an_issuer_the_registry_does_not_know_is_matched_by_its_normalised_text(
        coordinator: Any) -> None:
    from theodoi.tracking.services.links import propose_duplicates, same_issuer_texts

    registry = load_registry()
    # The lead is named in full: a Sở of an issuer nobody knows would be read as no agency.
    plans = [publish_plan(import_plan(duplicate_plan(n, issuer, "Bộ Công an"),
                                      user=coordinator),
                          user=coordinator, registry=registry)
             for n, issuer in (("1/KH-X", "Ban Chỉ đạo Không Có Thật"),
                               ("2/KH-X", "BAN CHỈ ĐẠO  không có thật"))]
    assert same_issuer_texts(plans[1], registry) == sorted(p.issuer for p in plans)
    assert propose_duplicates(plans[1], user=coordinator, registry=registry) == 1


@pytest.mark.django_db
def test_the_provinces_not_carrying_a_task_start_with_a_capital_letter(
        cascade: tuple[Any, Any], coordinator: Any, client: Any) -> None:
    """The registry names provinces as a sentence does ("tỉnh Nghệ An"); the list on the task
    page starts each item with it, so "Tỉnh Nghệ An" (it printed "tỉnh Nghệ An")."""
    national, local = cascade
    link = TaskLink.objects.create(task=local.tasks.get(code="1"),
                                   parent=national.tasks.get(code="1"))
    decide_link(link, user=coordinator, confirm=True)
    client.force_login(coordinator)
    html = client.get(reverse("web:task", args=[link.parent_id])).content.decode()
    listed = html[html.index("Chưa cụ thể hóa"):]
    listed = listed[:listed.index("</p>")]
    assert ">Tỉnh Nghệ An</a>" in listed and "tỉnh Nghệ An" not in listed
