"""The cascade through the API: a national task with the tasks of lower plans carrying it,
its roll-up and the provinces that have not carried it; a plan with the plans it
implements and those implementing it. Read as the task and plan pages read them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from theodoi.registry import load_registry
from theodoi.tracking.models import TaskLink
from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report
from theodoi.tracking.services.links import decide_link

pytestmark = pytest.mark.django_db

NATIONAL = {
    "format": "plan-json/1", "source": "qd.txt",
    "plan": {"number": "1/QĐ-TTg", "date": "2025-03-01", "issuer": "Thủ tướng Chính phủ",
             "title": "Kế hoạch chuyển đổi số quốc gia năm 2025", "year": 2025, "signer": None},
    "targets": [],
    "tasks": [
        {"code": "1", "name": "Xây dựng cơ sở dữ liệu quốc gia về dân cư", "detail": None,
         "result": None, "deadline": "Quý IV", "due": {"kind": "quarter", "on": "2025-12-31"},
         "lead": ["Bộ Công an"], "partners": ["UBND thành phố Cần Thơ", "UBND tỉnh Nghệ An"]},
    ],
}


def child(number: str, issuer: str, name: str) -> dict[str, Any]:
    """A plan of `issuer` implementing the national plan, with one task."""
    plan = copy.deepcopy(NATIONAL)
    plan["source"] = f"{number}.txt"
    plan["plan"].update(number=number, issuer=issuer,
                        title="Kế hoạch triển khai Quyết định số 1/QĐ-TTg trên địa bàn")
    plan["tasks"] = [{"code": "1", "name": name, "detail": None, "result": None,
                      "deadline": "Quý III", "due": {"kind": "quarter", "on": "2025-09-30"},
                      "lead": ["Sở Khoa học và Công nghệ"], "partners": []}]
    return plan


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    registry = load_registry()
    monkeypatch.setattr("theodoi.web.preview.registry", lambda: registry)
    return registry


@pytest.fixture
def cascade(coordinator: Any, registry: Any) -> dict[str, Any]:
    """The national plan; Cần Thơ's plan (published) and Nghệ An's (a draft), each task 1
    confirmed as carrying national task 1; Cần Thơ's task reported done and accepted."""
    national = publish_plan(import_plan(NATIONAL, user=coordinator), user=coordinator,
                            registry=registry)
    can_tho = publish_plan(import_plan(child("12/KH-UBND", "Ủy ban nhân dân thành phố Cần Thơ",
                                             "Kết nối cơ sở dữ liệu dân cư của thành phố"),
                                       user=coordinator), user=coordinator, registry=registry)
    nghe_an = import_plan(child("40/KH-UBND", "Ủy ban nhân dân tỉnh Nghệ An",
                                "Kết nối cơ sở dữ liệu dân cư của tỉnh"), user=coordinator)
    parent = national.tasks.get(code="1")
    for plan in (can_tho, nghe_an):
        link = TaskLink.objects.create(task=plan.tasks.get(code="1"), parent=parent)
        decide_link(link, user=coordinator, confirm=True)
    task = can_tho.tasks.get(code="1")
    done = submit_report(task.lead_assignments()[0], coordinator, status="done", percent=100)
    review_report(done, coordinator, accept=True)
    return {"national": national, "can_tho": can_tho, "nghe_an": nghe_an, "parent": parent,
            "child": task, "draft_child": nghe_an.tasks.get(code="1")}


@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_a_national_task_shows_its_children_roll_up_and_who_has_not_carried_it(
        role: str, api: Any, cascade: dict[str, Any]) -> None:
    data = api(role).get(f"/api/tasks/{cascade['parent'].pk}/cascade").json()
    children = {c["id"]: c for c in data["children"]}
    assert cascade["child"].pk in children
    seen = children[cascade["child"].pk]
    assert (seen["plan_number"], seen["progress"], seen["percent"]) == ("12/KH-UBND", "done",
                                                                        100)
    assert seen["link"] == TaskLink.objects.get(task=cascade["child"]).pk
    assert data["implements"] == []
    # The draft of Nghệ An is a coordinator's to read: for a leader it carries nothing yet.
    assert (cascade["draft_child"].pk in children) is (role == "coordinator")
    rollup = data["rollup"]
    assert rollup["count"] == len(children) and rollup["done"] == 1
    assert {g["name"] for g in rollup["groups"]} <= {"Thành phố Cần Thơ", "Tỉnh Nghệ An"}
    missing = [(a["registry_id"], a["heading_name"]) for a in data["not_carried"]]
    assert missing == ([] if role == "coordinator" else [("tinh-nghe-an", "Tỉnh Nghệ An")])


def test_a_child_task_shows_the_task_it_implements(api: Any, cascade: dict[str, Any]) -> None:
    data = api("leader").get(f"/api/tasks/{cascade['child'].pk}/cascade").json()
    assert [(t["id"], t["plan_number"]) for t in data["implements"]] == [
        (cascade["parent"].pk, "1/QĐ-TTg")]
    assert (data["children"], data["rollup"], data["not_carried"]) == ([], None, [])


def test_the_state_of_the_children_is_the_one_on_as_of(api: Any, cascade: dict[str, Any]
                                                        ) -> None:
    before = api("coordinator").get(f"/api/tasks/{cascade['parent'].pk}/cascade",
                                    {"as_of": "2025-01-01"}).json()
    child = next(c for c in before["children"] if c["id"] == cascade["child"].pk)
    assert child["progress"] != "done" and before["rollup"]["done"] == 0


@pytest.mark.parametrize(("role", "expected"), [("outsider", 403), ("anonymous", 401),
                                                ("reporter_a", 200)])
def test_who_reads_a_cascade(role: str, expected: int, api: Any, cascade: dict[str, Any]
                             ) -> None:
    assert api(role).get(f"/api/tasks/{cascade['parent'].pk}/cascade").status_code == expected


def test_a_draft_tasks_cascade_is_a_coordinators(api: Any, cascade: dict[str, Any]) -> None:
    path = f"/api/tasks/{cascade['draft_child'].pk}/cascade"
    assert api("leader").get(path).status_code == 403
    assert api("coordinator").get(path).status_code == 200
    assert api("leader").get("/api/tasks/999999/cascade").status_code == 404


# -- plan references ----------------------------------------------------------------------


def test_a_plan_names_the_plan_it_implements(api: Any, cascade: dict[str, Any]) -> None:
    data = api("leader").get(f"/api/plans/{cascade['can_tho'].pk}/references").json()
    assert [(r["kind"], r["number"], r["implements"], r["plan"]["id"])
            for r in data["references"]] == [
        ("Quyết định", "1/QĐ-TTg", True, cascade["national"].pk)]
    assert data["references"][0]["plan"]["tasks"] == 1
    assert (data["count"], data["implemented_by"]) == (0, [])


@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_a_plan_lists_the_readable_plans_implementing_it(
        role: str, api: Any, cascade: dict[str, Any]) -> None:
    data = api(role).get(f"/api/plans/{cascade['national'].pk}/references").json()
    found = [p["number"] for p in data["implemented_by"]]
    assert found == (["40/KH-UBND", "12/KH-UBND"] if role == "coordinator"
                     else ["12/KH-UBND"])
    assert data["count"] == len(found) and data["references"] == []
    paged = api(role).get(f"/api/plans/{cascade['national'].pk}/references",
                          {"page_size": 1, "page": 2}).json()
    assert len(paged["implemented_by"]) == (1 if role == "coordinator" else 0)


def test_a_referenced_draft_is_named_but_not_shown_to_a_leader(
        api: Any, cascade: dict[str, Any], coordinator: Any) -> None:
    plan = cascade["nghe_an"]
    leader = api("leader").get(f"/api/plans/{cascade['can_tho'].pk}/references").json()
    assert leader["references"][0]["plan"] is not None  # the national plan is published
    assert api("leader").get(f"/api/plans/{plan.pk}/references").status_code == 403
    assert api("outsider").get(f"/api/plans/{cascade['national'].pk}/references"
                               ).status_code == 403
    assert api("anonymous").get(f"/api/plans/{plan.pk}/references").status_code == 401


# -- query counts -------------------------------------------------------------------------


def test_a_cascade_reads_as_often_for_many_children_as_for_few(
        api: Any, cascade: dict[str, Any], coordinator: Any, registry: Any,
        django_assert_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("coordinator")
    path = f"/api/tasks/{cascade['parent'].pk}/cascade"
    client.get(path)
    refs = f"/api/plans/{cascade['national'].pk}/references"
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(path).json()["children"]) == 2
    with CaptureQueriesContext(connection) as few_refs:
        assert client.get(refs).json()["count"] == 2
    for i in range(4):
        plan = publish_plan(import_plan(child(f"5{i}/KH-UBND", "Ủy ban nhân dân tỉnh Nghệ An",
                                              f"Cơ sở dữ liệu dân cư {i}"), user=coordinator),
                            user=coordinator, registry=registry)
        link = TaskLink.objects.create(task=plan.tasks.get(code="1"), parent=cascade["parent"])
        decide_link(link, user=coordinator, confirm=True)
    with django_assert_num_queries(len(few)):
        assert len(client.get(path).json()["children"]) == 6
    with django_assert_num_queries(len(few_refs)):
        assert client.get(refs).json()["count"] == 6


@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_the_task_page_leaves_out_a_draft_child_as_the_api_does(
        role: str, cascade: dict[str, Any], client: Any, request: Any) -> None:
    """Regression: the task page listed (and rolled up) the tasks of a draft plan below for
    a leader, who may not read drafts; the API left them out. Both read
    `services.links.cascade_of` now."""
    from django.urls import reverse

    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("web:task", args=[cascade["parent"].pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "12/KH-UBND" in html
    assert ("40/KH-UBND" in html) is (role == "coordinator")
    assert {c.task for c in page.context["carried"]} == (
        {cascade["child"], cascade["draft_child"]} if role == "coordinator"
        else {cascade["child"]})
    assert page.context["rollup"].count == len(page.context["carried"])
