"""`statuses.rebuild()` (set-based, every row at once) gives what the per-write refreshes
gave: the same stored states, history and counts (issue 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.moments import part_of as part
from tests.moments import travel as at
from theodoi.tracking.models import (
    AgencyStatusCount,
    Assignment,
    AssignmentHistory,
    PlanStatusCount,
    Task,
    TaskHistory,
)
from theodoi.tracking.services import (
    import_plan,
    publish_plan,
    review_report,
    set_task_date,
    statuses,
    submit_report,
    withdraw_report,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 3)


STATE = ("status", "progress", "percent", "deciding_due", "done_on", "next_change_on")


def snapshot(*, judged_on: bool) -> dict[str, Any]:
    """Every derived row: stored states, history spans, counts (judged_on when asked: the
    per-write path leaves a row that never changes judged on the day of its last write)."""
    extra = ("judged_on",) if judged_on else ()
    return {
        "assignments": list(Assignment.objects.order_by("id").values_list(
            "id", *STATE, *extra, "last_report_at", "pending_reports", "is_returned",
            "plan_id")),
        "tasks": list(Task.objects.order_by("id").values_list(
            "id", *STATE, *extra, "lead_parts", "lead_parts_done")),
        "task history": sorted(TaskHistory.objects.values_list(
            "task_id", "plan_id", "valid_from", "valid_to", "status", "progress", "percent")),
        "assignment history": sorted(AssignmentHistory.objects.values_list(
            "assignment_id", "agency_id", "plan_id", "role", "valid_from", "valid_to",
            "status", "progress", "percent")),
        "plan counts": sorted(PlanStatusCount.objects.filter(count__gt=0).values_list(
            "plan_id", "section", "status", "progress", "count")),
        "agency counts": sorted(AgencyStatusCount.objects.filter(count__gt=0).values_list(
            "agency_id", "role", "status", "progress", "returned", "count")),
    }


HEADING_PLAN = {
    "format": "plan-json/1", "source": "heading.txt",
    "plan": {"number": "9/QĐ", "date": "2024-04-19", "year": 2024, "title": "T",
             "issuer": "", "signer": ""},
    "targets": [],
    "tasks": [
        {"code": "I.2", "name": "Kiểm tra, giám sát", "detail": None, "result": None,
         "deadline": None, "due": {"kind": "none"}, "lead": ["Bộ A"], "partners": []},
        {"code": "I.2.1", "name": "Xây dựng kế hoạch", "detail": None, "result": None,
         "deadline": "Quý II", "due": {"kind": "quarter", "on": "2024-06-30"},
         "lead": [], "partners": ["UBND tỉnh B"]},
        {"code": "I.2.2", "name": "Kiểm tra hằng tháng", "detail": None, "result": None,
         "deadline": "Hàng tháng", "due": {"kind": "recurring", "every": "month"},
         "lead": ["Các bộ, ngành, địa phương"], "partners": []},
    ],
}


@pytest.fixture
def written(small_plan_json, coordinator, reporter_a, reporter_b, fake_registry):
    """Two plans (headings, group leads and partners, unknown names) after a year of writes
    of every kind, each judged by the per-write refresh, then the daily refresh up to
    TODAY; published in the past too (a row judged on a later day than a write is judged
    again on the write's day: another path)."""
    with at(2024, 4, 20):
        published_plan = publish_plan(import_plan(small_plan_json, user=coordinator),
                                      user=coordinator, registry=fake_registry)
        other = publish_plan(import_plan(HEADING_PLAN, user=coordinator), user=coordinator,
                             registry=fake_registry)
    with at(2024, 4, 25):
        r = submit_report(part(published_plan, "I.2", "bo-a"), reporter_a, status="done")
        submit_report(part(published_plan, "I.1", "bo-a"), reporter_a, status="in_progress",
                      percent=30, period="2024-04")
        submit_report(part(other, "I.2.2", "bo-a"), reporter_a, status="done",
                      period="2024-04")
    with at(2024, 5, 3):
        review_report(r, coordinator, accept=True)
        statuses.ensure_fresh()
    with at(2024, 6, 1):
        back = submit_report(part(published_plan, "III.A.1", "tinh-b"), reporter_b,
                             status="done", percent=100)
        submit_report(part(other, "I.2.1", "bo-a"), reporter_a, status="in_progress",
                      percent=50)
        statuses.ensure_fresh()
    with at(2024, 6, 4):
        review_report(back, coordinator, accept=False, reason="Thiếu số liệu")
    with at(2024, 9, 10):
        statuses.ensure_fresh()
        submit_report(part(published_plan, "III.A.1", "tinh-b"), reporter_b, status="done")
    with at(2025, 3, 3):
        statuses.ensure_fresh()
    return published_plan, other


def test_rebuild_gives_what_the_writes_gave(written):
    before = snapshot(judged_on=False)
    assert before["assignment history"] and before["task history"]

    with at(2025, 3, 3):
        assert statuses.rebuild() == 2
        assert statuses.check() == []

    assert snapshot(judged_on=False) == before


def test_rebuild_leaves_a_withdrawn_report_out_of_the_rows_marks(written, reporter_a):
    # The lists' marks (last report, returned?) count a withdrawn report as never sent, as
    # the per-write refresh does: the rebuild counted it as the latest report.
    published_plan, _other = written
    with at(2025, 3, 3):
        row = part(published_plan, "I.2", "bo-a")
        withdraw_report(submit_report(row, reporter_a, status="in_progress", percent=40),
                        reporter_a)
    before = snapshot(judged_on=False)
    assert Assignment.objects.get(pk=row.pk).last_report_at is not None

    with at(2025, 3, 3):
        statuses.rebuild()

    assert snapshot(judged_on=False) == before


def test_rebuild_after_a_deadline_set_gives_the_writes_states_and_counts(written, coordinator):
    # History differs by design: the writes kept what the days before the date was set
    # showed ("awaiting a date"); the rebuild judges every day with the date known.
    with at(2025, 3, 3):
        set_task_date(Task.objects.get(plan=written[0], code="II.2"), date(2025, 3, 20),
                      coordinator)
        before = snapshot(judged_on=False)
        statuses.rebuild()
    after = snapshot(judged_on=False)
    for key in ("assignments", "tasks", "plan counts", "agency counts"):
        assert after[key] == before[key], key


def test_rebuild_gives_what_judging_each_plan_again_gives(written):
    plans = list(written)
    with at(2025, 3, 3):
        for plan in plans:
            TaskHistory.objects.filter(plan=plan).delete()
            AssignmentHistory.objects.filter(plan=plan).delete()
            statuses.refresh_plan(plan.pk)
        by_plan = snapshot(judged_on=True)
        statuses.rebuild()
    assert snapshot(judged_on=True) == by_plan


def test_rebuild_from_nothing_judged(written):
    """A country loaded without its states (the benchmark's COPY): every row is judged."""
    with at(2025, 3, 3):
        statuses.rebuild()
        expected = snapshot(judged_on=True)
        Assignment.objects.update(status="not_started", progress="not_started",
                                  percent=None, judged_on=None, next_change_on=None)
        Task.objects.update(status="not_started", judged_on=None, lead_parts=0)
        TaskHistory.objects.all().delete()
        AssignmentHistory.objects.all().delete()
        PlanStatusCount.objects.all().delete()
        AgencyStatusCount.objects.all().delete()
        statuses.rebuild()
    assert snapshot(judged_on=True) == expected


def test_rebuild_reads_a_plan_in_few_queries_whatever_its_size(
        written, django_assert_max_num_queries):
    # Per plan: 2 history deletes, tasks, assignments, reports, 4 writes, the plan's, its
    # lead agencies' (3: delete, read, write) and its agencies' recounts (their roots' counts
    # moved: 1), the plan's recount asking whether past days' counts are stored (to drop
    # them); once more for the agencies' recount; not one query per row. Then every root's
    # counts written again (6: the lock, the tree, the counts, the past days' roll-ups
    # unmarked, delete, write).

    with at(2025, 3, 3), django_assert_max_num_queries(2 * 29 + 1 + 6):
        statuses.rebuild()
