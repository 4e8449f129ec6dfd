"""Reading through the API: filters, statuses as of a date, targets, paging.

The small published plan (tests/conftest_django.py) dated 19 April 2024: I.1 monthly (Bộ A
leads, Tỉnh B partners), I.2 due 30 April 2024 (the group: Bộ A, Tỉnh B, Bộ Cũ lead),
II.1 ongoing (Bộ Cũ leads), II.2 per plan (Bộ A leads), III.A.1 second quarter 2024
(Tỉnh B leads, Bộ A partners).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.moments import part_of as assignment
from tests.moments import travel_on as at
from theodoi.tracking.models import Agency, Assignment, Task
from theodoi.tracking.services import (
    import_plan,
    publish_plan,
    review_report,
    submit_report,
)

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item.get("code") or item.get("task_code") for item in response.json()["items"]]


# -- plans ------------------------------------------------------------------------------------


def test_a_plan_is_read_with_its_header_sections_and_targets(api, published_plan):
    data = api("leader").get(f"/api/plans/{published_plan.pk}").json()
    assert data["number"] == "1/QĐ-TEST"
    assert data["date"] == "2024-04-19"
    assert data["status"] == "published"
    assert data["tasks"] == 5
    assert [s["code"] for s in data["sections"]] == ["I", "II", "III", "III.A"]
    assert data["sections"][3]["parent"] == "III"
    assert [t["unit"] for t in data["targets"]] == ["doanh nghiệp", "%"]
    assert data["targets"][0]["goal"] == 100


def test_a_removed_task_leaves_the_lists_but_keeps_its_page(api, published_plan):
    task = published_plan.tasks.get(code="II.2")
    Task.objects.filter(pk=task.pk).update(removed_at=timezone.now())
    client = api("reporter_a")
    assert "II.2" not in codes(client.get("/api/tasks"))
    assert client.get(f"/api/plans/{published_plan.pk}").json()["tasks"] == 4
    assert client.get(f"/api/tasks/{task.pk}").json()["removed"] is True


# -- tasks ------------------------------------------------------------------------------------


def test_tasks_have_their_cells_as_printed_and_their_deadline_as_understood(api, published_plan):
    items = api("reporter_a").get("/api/tasks", {"as_of": "2024-04-20"}).json()["items"]
    i2 = next(t for t in items if t["code"] == "I.2")
    assert i2["deadline"] == "Trước ngày 30 tháng 4"
    assert i2["due"] == {"kind": "date", "on": "2024-04-30", "start": None, "every": None,
                         "text": ""}
    assert i2["due_on"] == "2024-04-30"
    assert i2["lead"] == ["Các bộ, ngành, địa phương"]
    assert i2["section"] == "I"


def test_task_statuses_are_judged_on_the_as_of_date(api, published_plan):
    client = api("leader")
    on_20_april = {t["code"]: t["status"]
                   for t in client.get("/api/tasks", {"as_of": "2024-04-20"}).json()["items"]}
    assert on_20_april == {
        "I.1": "due_soon", "I.2": "due_soon", "II.1": "not_started", "II.2": "awaiting_date",
        "III.A.1": "not_started",
    }
    on_1_may = client.get("/api/tasks", {"as_of": "2024-05-01"}).json()
    assert on_1_may["as_of"] == "2024-05-01"
    assert {t["code"]: t["status"] for t in on_1_may["items"]}["I.2"] == "overdue"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "due_soon"}, ["I.1", "I.2"]),
        ({"status": "awaiting_date"}, ["II.2"]),
        ({"section": "I"}, ["I.1", "I.2"]),
        ({"section": "III"}, ["III.A.1"]),
        ({"section": "III.A"}, ["III.A.1"]),
        # Not II.1: its partners are a group listed once, owing nothing until named.
        ({"agency": "tinh-b"}, ["I.1", "I.2", "III.A.1"]),
        ({"agency": "bo-cu"}, ["I.2", "II.1"]),
        ({"agency": "khong-co"}, []),
        ({"search": "chuyen doi so"}, ["I.2", "III.A.1"]),
        ({"search": "CHUYỂN ĐỔI SỐ"}, ["I.2", "III.A.1"]),
        ({"search": "phien hop"}, ["I.1"]),
        ({"search": "tỉnh B"}, ["I.1", "III.A.1"]),
        ({"section": "I", "status": "due_soon", "agency": "bo-a"}, ["I.1", "I.2"]),
    ],
)
def test_tasks_are_filtered(params, expected, api, published_plan):
    response = api("reporter_b").get("/api/tasks", {"as_of": "2024-04-20", **params})
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


def test_tasks_are_filtered_by_agency_id_and_plan(api, published_plan, small_plan_json,
                                                  coordinator):
    from theodoi.tracking.services import import_plan

    other = import_plan({**small_plan_json, "source": "other.txt"}, user=coordinator)
    client = api("coordinator")
    agency = Agency.objects.get(registry_id="tinh-b")
    assert codes(client.get("/api/tasks", {"agency": str(agency.pk)})) == [
        "I.1", "I.2", "III.A.1"]
    assert client.get("/api/tasks").json()["count"] == 10
    assert {t["plan"] for t in client.get("/api/tasks", {"plan": other.pk}).json()["items"]} \
        == {other.pk}


def test_a_task_shows_every_assignment_with_its_status_and_reports(
    api, published_plan, reporter_a, coordinator
):
    with at("2024-04-25"):
        report = submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a,
                               status="done", percent=100, text="Đã ban hành")
    with at("2024-04-26"):
        review_report(report, coordinator, accept=True)
    task = published_plan.tasks.get(code="I.2")
    data = api("reporter_b").get(f"/api/tasks/{task.pk}", {"as_of": "2024-04-27"}).json()
    assert data["status"] == "due_soon"  # Tỉnh B and Bộ Cũ have not finished
    by_agency = {a["agency"]["registry_id"]: a for a in data["assignments"]}
    assert set(by_agency) == {"bo-a", "tinh-b", "bo-cu"}
    assert by_agency["bo-a"]["status"] == "done"
    assert by_agency["tinh-b"]["status"] == "due_soon"
    history = by_agency["bo-a"]["history"]
    assert [(r["status"], r["text"], r["review_state"], r["author"], r["reviewed_by"])
            for r in history] == [("done", "Đã ban hành", "accepted", "reporter-a", "coordinator")]
    assert history[0]["created_at"] == "2024-04-25T10:00:00+07:00"
    before = api("reporter_b").get(f"/api/tasks/{task.pk}", {"as_of": "2024-04-24"}).json()
    assert {a["agency"]["registry_id"]: a["status"] for a in before["assignments"]}["bo-a"] \
        == "due_soon"


def test_a_task_shows_its_deadline_history(api, published_plan, coordinator):
    from datetime import date

    from theodoi.tracking.services import set_task_date

    task = published_plan.tasks.get(code="II.2")
    set_task_date(task, date(2024, 9, 30), coordinator, reason="Kế hoạch được duyệt")
    data = api("leader").get(f"/api/tasks/{task.pk}", {"as_of": "2024-05-01"}).json()
    assert data["set_on"] == "2024-09-30"
    assert data["due_on"] == "2024-09-30"
    # The date was set today: on 1 May 2024 the task still waited for one (history kept).
    assert data["status"] == "awaiting_date"
    assert api("leader").get(f"/api/tasks/{task.pk}").json()["status"] == "overdue"
    assert [(c["source"], c["new_on"], c["reason"]) for c in data["deadline_changes"]] == [
        ("coordinator", "2024-09-30", "Kế hoạch được duyệt")]


def test_unresolved_printed_names_are_shown_without_an_agency(api, published_plan):
    task = published_plan.tasks.get(code="II.2")
    data = api("coordinator").get(f"/api/tasks/{task.pk}").json()
    unresolved = {a["printed_name"]: a["flag"] for a in data["assignments"] if a["agency"] is None}
    assert unresolved == {"Hiệp hội Không Có": "unknown",
                          "Các doanh nghiệp công nghệ số": "no_agency"}


# -- assignments and statuses -----------------------------------------------------------------


def test_an_agencys_assignments_are_what_it_owes(api, published_plan, reporter_a, coordinator):
    with at("2024-04-25"):
        report = submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a,
                               status="done")
        review_report(report, coordinator, accept=True)
    client = api("reporter_a")
    data = client.get("/api/assignments", {"agency": "bo-a", "as_of": "2024-04-27"}).json()
    assert [(a["task_code"], a["role"], a["group"], a["status"]) for a in data["items"]] == [
        ("I.1", "lead", "", "due_soon"),
        ("I.2", "lead", "Các bộ, ngành, địa phương", "done"),
        ("II.2", "lead", "", "awaiting_date"),
        ("III.A.1", "partner", "", "not_started"),
    ]
    i2 = data["items"][1]
    assert i2["last_report_at"].startswith("2024-04-25") and i2["pending_reports"] == 0
    assert codes(client.get("/api/assignments", {
        "agency": "bo-a", "as_of": "2024-04-27", "status": "done"})) == ["I.2"]
    assert codes(client.get("/api/assignments", {"agency": "bo-a", "role": "partner"})) == [
        "III.A.1"]
    task = published_plan.tasks.get(code="I.2")
    assert len(client.get("/api/assignments", {"task": task.pk}).json()["items"]) == 3


def test_an_assignment_shows_its_reports_and_why_one_was_returned(
    api, published_plan, reporter_b, coordinator
):
    target = assignment(published_plan, "III.A.1", "tinh-b")
    report = submit_report(target, reporter_b, status="done")
    review_report(report, coordinator, accept=False, reason="Thiếu báo cáo đánh giá")
    data = api("reporter_b").get(f"/api/assignments/{target.pk}").json()
    assert data["task_name"] == "Đánh giá chỉ số chuyển đổi số"
    assert [(r["review_state"], r["review_reason"]) for r in data["history"]] == [
        ("returned", "Thiếu báo cáo đánh giá")]


def test_statuses_count_every_task_on_a_date(api, published_plan):
    data = api("leader").get("/api/statuses", {"as_of": "2024-04-20"}).json()
    assert data["counts"] == {"not_started": 2, "in_progress": 0, "due_soon": 2, "overdue": 0,
                              "done": 0, "done_late": 0, "awaiting_date": 1}
    assert data["on_time_rate"] is None
    assert data["count"] == 5
    later = api("leader").get("/api/statuses", {"as_of": "2024-07-15"}).json()
    assert later["counts"]["overdue"] == 4
    assert later["on_time_rate"] == 0.0


def test_statuses_of_an_agency_judge_its_own_assignments(
    api, published_plan, reporter_b, coordinator
):
    with at("2024-06-01"):
        report = submit_report(assignment(published_plan, "III.A.1", "tinh-b"), reporter_b,
                               status="done")
        review_report(report, coordinator, accept=True)
    data = api("reporter_a").get(
        "/api/statuses", {"as_of": "2024-07-01", "agency": "tinh-b", "section": "III"}
    ).json()
    item = data["items"][0]
    assert (item["code"], item["status"]) == ("III.A.1", "done")
    assert item["assignment"] == assignment(published_plan, "III.A.1", "tinh-b").pk
    assert data["counts"]["done"] == 1 and data["on_time_rate"] == 1.0
    whole = api("reporter_a").get("/api/statuses", {"as_of": "2024-07-01", "agency": "tinh-b"})
    assert whole.json()["count"] == 3  # I.1 (partner), its part of I.2, III.A.1


# -- targets ----------------------------------------------------------------------------------


def test_targets_add_up_each_agencys_latest_value(api, published_plan, reporter_a, reporter_b,
                                                   coordinator):
    enterprises, online = published_plan.targets.order_by("order")
    with at("2024-05-02"):
        submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a,
                      status="in_progress", target=enterprises, target_value=12)
    with at("2024-05-03"):
        b_report = submit_report(assignment(published_plan, "I.2", "tinh-b"), reporter_b,
                                 status="in_progress", target=enterprises, target_value=30)
        submit_report(assignment(published_plan, "I.2", "tinh-b"), reporter_b,
                      status="in_progress", target=online, target_value=50)
        submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a,
                      status="in_progress", target=online, target_value=70)
    client = api("leader")
    items = client.get("/api/targets", {"as_of": "2024-05-05"}).json()["items"]
    assert [(t["current"], t["progress"], t["agencies"]) for t in items] == [
        (42.0, 0.42, 2), (60.0, 1.0, 2)]
    assert client.get("/api/targets", {"as_of": "2024-05-02"}).json()["items"][0]["current"] \
        == 12.0

    with at("2024-05-04"):
        review_report(b_report, coordinator, accept=False, reason="Số liệu chưa khớp")
    detail = client.get(f"/api/targets/{enterprises.pk}", {"as_of": "2024-05-05"}).json()
    assert detail["current"] == 12.0
    assert [(v["agency"]["registry_id"], v["value"]) for v in detail["latest"]] == [("bo-a", 12)]
    assert [v["value"] for v in detail["history"]] == [12.0, 30.0]


# -- paging -----------------------------------------------------------------------------------


def test_lists_are_paged(api, published_plan, settings):
    client = api("coordinator")
    first = client.get("/api/tasks", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (5, 1, 2)
    assert [t["code"] for t in first["items"]] == ["I.1", "I.2"]
    assert codes(client.get("/api/tasks", {"page_size": 2, "page": 3})) == ["III.A.1"]
    assert codes(client.get("/api/tasks", {"page_size": 2, "page": 4})) == []
    settings.API_MAX_PAGE_SIZE = 3
    assert client.get("/api/tasks", {"page_size": 100}).json()["page_size"] == 3
    settings.API_PAGE_SIZE = 1
    assert len(client.get("/api/assignments").json()["items"]) == 1


def test_a_status_filter_pages_the_matching_rows(api, published_plan):
    client = api("coordinator")
    data = client.get("/api/tasks", {"status": "due_soon", "as_of": "2024-04-20",
                                     "page_size": 1, "page": 2}).json()
    assert (data["count"], codes_of(data)) == (2, ["I.2"])


HEADINGS = {
    "format": "plan-json/1", "source": "headings.txt",
    "plan": {"number": "9/QĐ", "date": "2024-04-19", "year": 2024, "title": "T",
             "issuer": "", "signer": ""},
    "targets": [],
    "tasks": [
        {"code": "I.2", "name": "Kiểm tra, giám sát", "detail": None, "result": None,
         "deadline": None, "due": {"kind": "none"}, "lead": ["Bộ A"], "partners": []},
        {"code": "I.2.1", "name": "Xây dựng kế hoạch", "detail": None, "result": None,
         "deadline": "Quý II", "due": {"kind": "quarter", "on": "2024-06-30"},
         "lead": ["Bộ A"], "partners": ["UBND tỉnh B"]},
        {"code": "I.3", "name": "Báo cáo", "detail": None, "result": None,
         "deadline": "Theo Kế hoạch", "due": {"kind": "per_plan"}, "lead": ["Bộ A"],
         "partners": []},
    ],
}


def every_row(client, path: str, params: dict) -> tuple[int, list[dict]]:
    """A list's count and every row of it, read page by page."""
    rows, page = [], 1
    while True:
        data = client.get(path, {**params, "page": page, "page_size": 2}).json()
        rows += data["items"]
        if not data["items"]:
            return data["count"], rows
        page += 1


def test_a_task_list_counts_the_rows_it_lists_headings_and_drafts_included(
        api, published_plan, coordinator, fake_registry, small_plan_json):
    # The counted tasks are summed from the stored counts; the heading rows and the rows
    # of a draft (which the stored counts leave out) are counted apart.
    publish_plan(import_plan(HEADINGS, user=coordinator), user=coordinator,
                 registry=fake_registry)
    small_plan_json["plan"]["number"] = "2/QĐ-NHÁP"
    import_plan(small_plan_json, user=coordinator)
    for role, total in (("coordinator", 13), ("leader", 8)):
        client = api(role)
        for params in ({}, {"status": "overdue"}, {"status": "not_started"},
                       {"status": "awaiting_date"}, {"status": "in_progress"},
                       {"plan": published_plan.pk}, {"plan": published_plan.pk,
                                                     "status": "overdue"},
                       {"status": "overdue", "as_of": "2024-05-10"}):
            count, rows = every_row(client, "/api/tasks", params)
            assert count == len(rows), (role, params)
        assert every_row(client, "/api/tasks", {})[0] == total


def test_an_agencys_assignments_are_counted_and_read_in_the_lists_order(
        api, published_plan, coordinator, fake_registry, small_plan_json, reporter_a):
    small_plan_json["plan"]["number"] = "3/QĐ-KHÁC"
    publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                 registry=fake_registry)
    submit_report(assignment(published_plan, "II.2", "bo-a"), reporter_a, status="in_progress")
    agency = Agency.objects.get(registry_id="bo-a")
    client = api("reporter_b")
    for value in ("bo-a", str(agency.pk)):
        for params in ({}, {"role": "lead"}, {"role": "partner"}, {"status": "overdue"},
                       {"role": "lead", "status": "awaiting_date"}, {"as_of": "2024-05-10"},
                       {"as_of": "2024-05-10", "status": "overdue"}):
            count, rows = every_row(client, "/api/assignments", {"agency": value, **params})
            assert count == len(rows), params
            assert [r["id"] for r in rows] == list(
                Assignment.objects.active().filter(agency=agency, pk__in=[r["id"] for r in rows])
                .order_by("plan_id", "task_id", "role", "id").values_list("pk", flat=True))
            assert {r["agency"]["id"] for r in rows} <= {agency.pk}
        assert every_row(client, "/api/assignments", {"agency": value})[0] == (
            Assignment.objects.active().filter(agency=agency).count())
    assert every_row(client, "/api/assignments", {"agency": "khong-co"}) == (0, [])
    assert every_row(api("outsider"), "/api/assignments", {"agency": "bo-a"}) == (0, [])


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"as_of": "30/04/2024"},
                                    {"status": "finished"}, {"plan": "abc"}])
def test_bad_query_parameters_are_422(params, api, published_plan):
    assert api("leader").get("/api/tasks", params).status_code == 422


def codes_of(data: dict) -> list[str]:
    return [item["code"] for item in data["items"]]


def test_a_search_of_a_thousand_words_is_422_with_the_reason(api, published_plan):
    words = " ".join(f"tu{n}" for n in range(1200))
    response = api("leader").get("/api/tasks", {"search": words})
    assert response.status_code == 422
    assert "Từ khóa quá dài: tối đa 12 từ và 200 ký tự." in response.content.decode()
    assert api("leader").get("/api/tasks", {"search": "chuyen doi so"}).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-30", "9999-12-31", "9000-12-31", "1899-12-31"])
def test_as_of_far_from_today_is_422_on_every_endpoint_that_reads_it(
    day, api, published_plan
):
    import time

    task = published_plan.tasks.order_by("order").first()
    assignment = task.assignments.first()
    target = published_plan.targets.first()
    paths = ["/api/tasks", "/api/assignments", "/api/statuses", "/api/targets",
             f"/api/tasks/{task.pk}", f"/api/assignments/{assignment.pk}"]
    if target is not None:
        paths.append(f"/api/targets/{target.pk}")
    for path in paths:
        started = time.process_time()
        response = api("coordinator").get(path, {"as_of": day})
        assert time.process_time() - started < 2, path
        assert response.status_code == 422, (path, response.status_code)
        assert "ngoài khoảng cho phép: từ 01/01/2000" in response.content.decode(), path
