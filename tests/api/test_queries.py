"""Every list and page of the API reads the database a fixed number of times, whatever the
number of plans, tasks, assignments, reports and values (no query per row)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.tracking.models import Assignment, Plan
from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report

pytestmark = pytest.mark.django_db

DUES = [
    {"kind": "date", "on": "2024-06-30"},
    {"kind": "recurring", "every": "month"},
    {"kind": "ongoing"},
    {"kind": "per_plan"},
    {"kind": "quarter", "on": "2024-09-30"},
]


def plan_json(number: int, tasks: int) -> dict:
    """A plan of `tasks` tasks over two sections, every deadline kind, two agencies each."""
    return {
        "format": "plan-json/1",
        "source": f"plan-{number}.txt",
        "plan": {"number": f"{number}/QĐ-TEST", "date": "2024-04-19", "year": 2024,
                 "title": f"Kế hoạch số {number}", "issuer": "", "signer": ""},
        "targets": [{"text": f"Chỉ tiêu {number}", "value": 100, "unit": "doanh nghiệp"}],
        "tasks": [
            {"code": f"{'I' if i % 2 else 'II'}.{i + 1}", "name": f"Nhiệm vụ chuyển đổi số {i}",
             "detail": None, "result": None, "deadline": "x", "due": DUES[i % len(DUES)],
             "lead": ["Bộ A"], "partners": ["UBND tỉnh B", "Hiệp hội Không Có"]}
            for i in range(tasks)
        ],
    }


def add_plan(number, tasks, coordinator, reporter_a, reporter_b, registry) -> Plan:
    """A published plan whose every assigned agency reported, with files, target values and
    reviews."""
    plan = import_plan(plan_json(number, tasks), user=coordinator)
    plan = publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=registry)
    target = plan.targets.get()
    rows = Assignment.objects.filter(task__plan=plan, agency__isnull=False).select_related(
        "agency", "task", "task__plan"
    )
    for i, row in enumerate(rows):
        user = reporter_a if row.agency.registry_id == "bo-a" else reporter_b
        for _ in range(2):
            report = submit_report(
                row, user, status="in_progress", percent=50, target=target, target_value=i,
                links=["https://example.vn/x"],
                files=[SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
        if report.is_pending:  # a partner's contribution needs no review
            review_report(report, coordinator, accept=i % 2 == 0, reason="Thiếu số liệu")
    return plan


@pytest.fixture
def grow(coordinator, reporter_a, reporter_b, fake_registry):
    """`grow(tasks)`: one more published plan with that many tasks, and its reports."""
    numbers = iter(range(1, 100))

    def make(tasks: int) -> Plan:
        return add_plan(next(numbers), tasks, coordinator, reporter_a, reporter_b, fake_registry)

    return make


def count_queries(client, path: str, params: dict) -> tuple[int, int]:
    """The number of queries answering a GET, and the number of rows listed (1 for a page)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    data = response.json()
    return len(context), len(data.get("items", [data]))


LISTS = [
    ("/api/plans", {}),
    ("/api/tasks", {}),
    ("/api/tasks", {"status": "overdue", "as_of": "2024-12-31"}),
    ("/api/tasks", {"agency": "bo-a", "section": "I", "search": "chuyen doi so"}),
    ("/api/assignments", {}),
    ("/api/assignments", {"agency": "tinh-b", "status": "overdue"}),
    ("/api/statuses", {}),
    ("/api/statuses", {"agency": "bo-a", "as_of": "2024-06-01"}),
    ("/api/targets", {}),
]
LIMIT = 10


@pytest.mark.parametrize("role", ["coordinator", "reporter_a", "leader"])
@pytest.mark.parametrize(("path", "params"), LISTS)
def test_a_list_reads_as_often_for_many_rows_as_for_few(role, path, params, api, grow):
    client = api(role)
    params = {**params, "page_size": 500}
    grow(2)
    client.get("/api/plans")  # the token's first use is recorded once
    few, few_rows = count_queries(client, path, params)
    grow(8)
    grow(8)
    many, many_rows = count_queries(client, path, params)
    assert many_rows > few_rows > 0
    assert many == few
    assert few <= LIMIT


def test_a_list_of_rows_in_pages_reads_as_often_as_a_list_in_one_page(api, grow):
    client = api("coordinator")
    grow(12)
    client.get("/api/plans")
    one, rows = count_queries(client, "/api/tasks", {"page_size": 500})
    paged, page_rows = count_queries(client, "/api/tasks", {"page_size": 5, "page": 2})
    assert (rows, page_rows) == (12, 5)
    assert paged == one


@pytest.mark.parametrize("kind", ["plan", "task", "assignment", "target", "report"])
def test_a_page_reads_as_often_for_many_reports_as_for_few(
    kind, api, grow, reporter_a, coordinator, fake_registry
):
    plan = grow(3)
    client = api("reporter_b")
    client.get("/api/plans")
    row = Assignment.objects.filter(task__plan=plan, agency__registry_id="bo-a").first()
    path = {
        "plan": f"/api/plans/{plan.pk}",
        "task": f"/api/tasks/{row.task_id}",
        "assignment": f"/api/assignments/{row.pk}",
        "target": f"/api/targets/{plan.targets.get().pk}",
        "report": f"/api/reports/{row.reports.last().pk}",
    }[kind]
    few, _ = count_queries(client, path, {})
    for _ in range(5):
        submit_report(row, reporter_a, status="done", target=plan.targets.get(), target_value=3,
                      files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
                             SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")])
    many, _ = count_queries(client, path, {})
    assert many == few
    assert few <= LIMIT
