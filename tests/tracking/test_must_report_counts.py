"""What an agency must report now (due soon, overdue, or returned and open) is counted
from the stored counts, the returned parts apart (issue 11): after every kind of write the
stored number is the one a recount of the rows gives.

The small plan (tests/conftest_django.py), published on 1 May 2024: III.A.1 is due 30 June
2024, Tỉnh B leads it (and owes its part of I.2, overdue since 30 April).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db.models import Count, Q

from tests.moments import travel as at
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import AgencyStatusCount, Assignment
from theodoi.tracking.services import (
    import_plan,
    publish_plan,
    review_report,
    statuses,
    submit_report,
)

pytestmark = pytest.mark.django_db


def recount(agency_id: int) -> int:
    """The agency's lead parts owing something now, counted row by row."""
    return (Assignment.objects.counted().filter(agency_id=agency_id, role=Assignment.LEAD)
            .filter(Q(status__in=[engine.DUE_SOON, engine.OVERDUE]) | Q(is_returned=True))
            .exclude(status__in=engine.CLOSED).count())


def agrees(row: Assignment) -> None:
    """The stored counts are those of the rows' stored states (`statuses.check()` judges
    on the real day too; the tests call it once back there)."""
    assert queries.must_report_count(row.agency_id, Assignment.LEAD) == recount(row.agency_id)
    stored = {(r.agency_id, r.role, r.status, r.progress, r.returned): r.count
              for r in AgencyStatusCount.objects.filter(count__gt=0)}
    counted = {(r["agency_id"], r["role"], r["status"], r["progress"], r["is_returned"]): r["n"]
               for r in Assignment.objects.counted().values(
                   "agency_id", "role", "status", "progress", "is_returned")
               .annotate(n=Count("id")).order_by()}
    assert stored == counted


@pytest.fixture
def plan(coordinator: Any, small_plan_json: Any, fake_registry: Any) -> Any:
    """The small plan published on 1 May 2024 and judged on that day."""
    with at(2024, 5, 1):
        return publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                            on=date(2024, 5, 1), registry=fake_registry)


@pytest.fixture(autouse=True)
def checked_after() -> Iterator[None]:
    yield
    statuses.ensure_fresh()
    assert statuses.check() == []


def test_a_returned_report_that_keeps_the_state_moves_the_part_into_the_count(
        plan, reporter_b, coordinator):
    row = Assignment.objects.get(task__plan=plan, task__code="III.A.1",
                                 agency__registry_id="tinh-b")
    with at(2024, 5, 10):
        first = submit_report(row, reporter_b, status="in_progress", percent=40)
        review_report(first, coordinator, accept=True)
        agrees(row)
        # In progress and not due yet: not owed (Tỉnh B owes its part of I.2, overdue).
        owed = recount(row.agency_id)
        second = submit_report(row, reporter_b, status="in_progress", percent=40,
                               text="Thêm số liệu")
        row.refresh_from_db()
        before = (row.status, row.progress, row.percent)
        # Returned: the accepted report still stands, so the state stays; only the mark
        # moves, and the part is owed again (the write that keeps the state).
        review_report(second, coordinator, accept=False, reason="Thiếu số liệu")
        row.refresh_from_db()
        assert (row.status, row.progress, row.percent) == before and row.is_returned
        assert AgencyStatusCount.objects.filter(agency_id=row.agency_id, role="lead",
                                                returned=True, count=1).exists()
        agrees(row)
        assert recount(row.agency_id) == owed + 1
        submit_report(row, reporter_b, status="in_progress", percent=40, text="Bổ sung")
        row.refresh_from_db()
        assert not row.is_returned
        agrees(row)
        assert recount(row.agency_id) == owed


def test_a_returned_part_that_falls_due_is_counted_once(plan, reporter_b,
                                                        coordinator):
    row = Assignment.objects.get(task__plan=plan, task__code="III.A.1",
                                 agency__registry_id="tinh-b")
    with at(2024, 6, 1):
        owed = recount(row.agency_id)  # Tỉnh B's part of I.2 (overdue)
        report = submit_report(row, reporter_b, status="done", percent=100)
        review_report(report, coordinator, accept=False, reason="Chưa có minh chứng")
        agrees(row)
        assert recount(row.agency_id) == owed + 1
    with at(2024, 6, 20):  # due soon now, and still returned: one part owed
        statuses.ensure_fresh()
        row.refresh_from_db()
        assert row.status == engine.DUE_SOON and row.is_returned
        agrees(row)
        assert recount(row.agency_id) == owed + 1
        report = submit_report(row, reporter_b, status="done", percent=100,
                               links=["https://example.vn/bao-cao"])
        review_report(report, coordinator, accept=True)
        row.refresh_from_db()
        assert row.status == engine.DONE and not row.is_returned
        agrees(row)
        assert recount(row.agency_id) == owed


def test_a_rebuild_counts_the_returned_parts_apart_as_the_writes_did(
        plan, reporter_b, coordinator):
    row = Assignment.objects.get(task__plan=plan, task__code="III.A.1",
                                 agency__registry_id="tinh-b")
    with at(2024, 5, 10):
        report = submit_report(row, reporter_b, status="in_progress", percent=10)
        review_report(report, coordinator, accept=False, reason="Chưa rõ")
        written = sorted(AgencyStatusCount.objects.filter(count__gt=0).values_list(
            "agency_id", "role", "status", "progress", "returned", "count"))
        AgencyStatusCount.objects.all().delete()
        statuses.rebuild(on=date(2024, 5, 10))
        assert sorted(AgencyStatusCount.objects.filter(count__gt=0).values_list(
            "agency_id", "role", "status", "progress", "returned", "count")) == written
        agrees(row)
