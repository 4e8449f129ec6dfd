"""What one report submission costs in SQL (issue 11: >= 300 submissions/s): each row read
once, each lock taken once, no server-side cursor. The numbers are exact: a regression (a
row read again, a query per row) fails here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from theodoi.tracking import access
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


def test_a_report_that_moves_the_state_costs_eighteen_queries(
        lead_part, reporter_b, django_assert_max_num_queries):
    # Locks: the task (read as the refresh reads it), the row (read with its task and agency,
    # which this caller's copy does not hold). Reads: the report still standing (a report
    # must say something new), the reports, the leads' states, their history, the spans
    # held. Writes: the report, its audit entry, row, task, each history close + new span,
    # the later rows' check and the headings' check. 22 before the refresh took the rows
    # read under the locks (the row and the task were read twice), a lead stopped loading
    # its task's leads to know that its report needs review, and the audit log stopped
    # looking for a new report's withdrawal.
    with time_machine.travel(datetime(2024, 5, 12, 10, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(20) as captured:
        submit_report(lead_part, reporter_b, status="in_progress", percent=40)
    sql = queries(captured)
    assert len(sql) == 18
    assert sum("FOR UPDATE" in q for q in sql) in (0, 2)  # SQLite takes no row locks
    assert not any(q.startswith("DECLARE") for q in sql)  # no server-side cursor
    assert Assignment.objects.get(pk=lead_part.pk).percent == 40


def test_a_report_that_keeps_the_state_writes_only_the_rows_marks(
        lead_part, reporter_b, django_assert_max_num_queries):
    with time_machine.travel(datetime(2024, 5, 10, 15, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(9) as captured:
        submit_report(lead_part, reporter_b, status="in_progress", percent=10,
                      text="Đã gửi văn bản đôn đốc các xã")  # the same state, something new
    # The task, the row, the report, its audit entry, the reports, the row's marks, the later
    # rows' check (11 before: see above).
    assert len(queries(captured)) == 7


def test_a_report_through_the_api_path_reads_the_row_once_under_its_lock(
        lead_part, reporter_b, django_assert_max_num_queries):
    # The pages and the API hand over the row read by the access helper, with its task and
    # agency: under the lock only the row's own fields are read again.
    row = access.access_assignment_for_report(reporter_b, lead_part.pk)
    with time_machine.travel(datetime(2024, 5, 10, 15, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(9) as captured:
        submit_report(row, reporter_b, status="in_progress", percent=10, text="Đã đôn đốc")
    sql = queries(captured)
    assert len(sql) == 7
    assert not [q for q in sql if 'FROM "tracking_assignment"' in q and "JOIN" in q]


def test_a_review_costs_twenty_eight_queries(lead_part, coordinator, reporter_b,
                                          django_assert_max_num_queries):
    with time_machine.travel(datetime(2024, 5, 12, 10, tzinfo=HCM), tick=False):
        report = submit_report(lead_part, reporter_b, status="done", percent=100)
    with time_machine.travel(datetime(2024, 5, 13, 10, tzinfo=HCM), tick=False), \
            django_assert_max_num_queries(30) as captured:
        review_report(report, coordinator, accept=True)
    # Of them 6 are the audit log's (the report read again, its assignment, agency and
    # task for its text) and the report's lock; 1 moves the agency's ranking figures (the
    # part is now done: `AgencySummary`; a report that keeps the status has none), 1 its
    # province's counts (`RootStatusCount`, the root found in the same statement).
    sql = queries(captured)
    assert len(sql) == 28
    assert sum("tracking_agencysummary" in q for q in sql) == 1
    assert sum("tracking_rootstatuscount" in q for q in sql) == 1
