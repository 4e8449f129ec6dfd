"""One counting rule everywhere: the same plan on the same date gives the same totals on
the pages, in the API, in the periodic report and in the Excel export (issue 10)."""

from __future__ import annotations

from collections import Counter
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.outputs.conftest import AS_OF
from tests.outputs.test_excel import rows_of
from theodoi.outputs.excel import build_sheet
from theodoi.outputs.labels import status_label
from theodoi.outputs.registry import render
from theodoi.outputs.report import build_report
from theodoi.tracking import status as engine
from theodoi.web.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_heading(reported_plan, coordinator):
    """The plan corrected to hold a heading row over I.1 and I.2 (counted once: not at all)."""
    from theodoi.tracking.services import reimport_plan

    data = reported_plan.plan_json
    data["tasks"].insert(0, {"code": "I", "name": "Công tác chỉ đạo", "detail": None,
                             "result": None, "deadline": None, "due": {"kind": "none"},
                             "lead": [], "partners": []})
    reimport_plan(reported_plan, data, coordinator)
    return reported_plan


@pytest.mark.parametrize("day", [AS_OF, None], ids=["past-day", "today"])
def test_pages_api_report_and_excel_count_the_same_tasks(client, leader, with_heading, day):
    plan = with_heading
    query = {"plan": plan.pk}
    if day is not None:
        query["as_of"] = day.isoformat()
    client.force_login(leader)
    page = client.get(reverse("web:overview"), query).context["view"]
    token = ApiToken.objects.issue(leader, "test")[1]
    api = client.get("/api/statuses", query, headers={"Authorization": f"Bearer {token}"})
    api = api.json()
    from theodoi.tracking.models import today

    report = build_report(plan, day or today())
    assert page.total == api["count"] == report.totals.total == 5  # the heading not counted
    by_status = {s: page.counts[s] for s in engine.STATUSES}
    assert by_status == api["counts"] == {s: report.totals.by_status[s]
                                          for s in engine.STATUSES}

    # Lead parts: the report's agency table, the plan's ranking and the Excel lead rows.
    book = load_workbook(BytesIO(render("tasks", "xlsx",
                                        build_sheet(plan, day or today())).content))
    excel = Counter(r["status"] for name in book.sheetnames[1:] for r in rows_of(book[name])
                    if r["role"] == "Chủ trì")
    from_report = Counter()
    for row in report.agencies:
        for status, n in row.by_status.items():
            from_report[status_label(status)] += n
    ranking = Counter()
    for row in page.ranking:
        for status, n in row.counts.items():
            ranking[status_label(status)] += n
    assert +excel == +from_report == +ranking
