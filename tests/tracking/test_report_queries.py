"""What one report submission costs in SQL (issue 11: >= 300 submissions/s): each row read
once, each lock taken once, no server-side cursor. The numbers are exact: a regression (a
row read again, a query per row) fails here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from theodoi.tracking.models import Assignment
from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def lead_part(small_plan_json, coordinator, reporter_b, fake_registry):
    """A province's lead row of a dated task, with one report already (the warm path)."""
    with time_machine.travel(datetime(2024, 5, 10, 10, tzinfo=HCM), tick=False):
        plan = publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                            registry=fake_registry)
        row = Assignment.objects.get(task__plan=plan, task__code="III.A.1",
                                     agency__registry_id="tinh-b")
        submit_report(row, reporter_b, status="in_progress", percent=10)
    return Assignment.objects.get(pk=row.pk)


def queries(captured) -> list[str]:
    # Savepoints are the test's transaction, not the submission's.
    return [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


def test_a_report_that_moves_the_state_costs_twenty_two_queries(
        lead_part, reporter_b, django_assert_max_num_queries):
    # Locks: task, row. Reads: the task's leads (review needed?), the row, the task, the
    # report still standing (a report must say something new), the reports, the leads'
    # states, their history, the spans held. Writes: the report, its audit entry (which
    # looks for the report's withdrawal), row, task, each history close + new span, both
    # counts (one statement each), the later rows' check and the headings' check.
    with time_machine.travel(datetime(2024, 5, 12, 10, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(24) as captured:
        submit_report(lead_part, reporter_b, status="in_progress", percent=40)
    sql = queries(captured)
    assert len(sql) == 22
    assert sum("FOR UPDATE" in q for q in sql) in (0, 2)  # SQLite takes no row locks
    assert not any(q.startswith("DECLARE") for q in sql)  # no server-side cursor
    assert Assignment.objects.get(pk=lead_part.pk).percent == 40


def test_a_report_that_keeps_the_state_writes_only_the_rows_marks(
        lead_part, reporter_b, django_assert_max_num_queries):
    with time_machine.travel(datetime(2024, 5, 10, 15, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(16) as captured:
        submit_report(lead_part, reporter_b, status="in_progress", percent=10,
                      text="Đã gửi văn bản đôn đốc các xã")  # the same state, something new
    assert len(queries(captured)) == 11


def test_a_review_costs_twenty_six_queries(lead_part, coordinator, reporter_b,
                                        django_assert_max_num_queries):
    with time_machine.travel(datetime(2024, 5, 12, 10, tzinfo=HCM), tick=False):
        report = submit_report(lead_part, reporter_b, status="done", percent=100)
    with time_machine.travel(datetime(2024, 5, 13, 10, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(28) as captured:
        review_report(report, coordinator, accept=True)
    # Of them 6 are the audit log's (the report read again, its assignment, agency and
    # task for its text) and the report's lock.
    assert len(queries(captured)) == 26
