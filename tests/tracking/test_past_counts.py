"""The counts of a past date from a stored day and the spans since (`past_counts`) are the
counts of every span held on that date, and the stored days go when they may be wrong."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db.models import Count

from tests.web.conftest import assignment_of
from theodoi.tracking import queries, services
from theodoi.tracking.models import Assignment, PastAgencyCount, PastCountDay
from theodoi.tracking.services import past_counts, statuses

FIRST, LAST = date(2024, 4, 20), date(2024, 8, 10)


def every_span_tasks(day: date) -> dict[tuple, int]:
    """The slow path: every counted task's span held on `day`, counted."""
    out: dict[tuple, int] = defaultdict(int)
    rows = (queries.with_state(queries.counted_tasks(), day).filter(state_status__isnull=False)
            .values_list("plan_id", "section__code", "state_status", "state_progress")
            .annotate(n=Count("id")).order_by())
    for plan, code, status, progress, n in rows:
        out[(plan, (code or "").split(".", 1)[0], status, progress)] += n
    return dict(out)


def every_span_done(day: date) -> dict[date, int]:
    from theodoi.tracking import status as engine

    counted = queries.counted_tasks().exclude(due_kind__in=sorted(engine.PERIODIC_KINDS))
    rows = (queries.with_state(counted, day)
            .filter(state_status__in=sorted(engine.CLOSED), done_on__isnull=False,
                    done_on__lte=day).values_list("done_on").annotate(n=Count("*")).order_by())
    return dict(rows)


def every_span_parts(day: date) -> dict[tuple, int]:
    rows = (queries.with_state(queries.counted_parts(), day).filter(state_status__isnull=False)
            .values_list("agency_id", "role", "state_status", "state_progress")
            .annotate(n=Count("id")).order_by())
    return {(a, r, s, p): n for a, r, s, p, n in rows}


@pytest.fixture
def reported(published_plan: Any, reporter_a: Any, reporter_b: Any, coordinator: Any) -> Any:
    """Reports on several days, in the order of their days: parts in progress (May), one
    done (June), reviews accepting or returning the others (July)."""
    pending = []
    for n, row in enumerate(Assignment.objects.filter(
            task__plan=published_plan, agency=reporter_a.profile.agency, is_active=True)):
        with time_machine.travel(f"2024-05-{10 + n:02d} 09:00 +0700", tick=False):
            report = services.submit_report(row, reporter_a, status="in_progress",
                                            percent=10 * (n + 1))
        if report.is_pending:
            pending.append(report)
    done = assignment_of(published_plan, reporter_b.profile.agency, "III.A.1")
    with time_machine.travel("2024-06-20 09:00 +0700", tick=False):
        report = services.submit_report(done, reporter_b, status="done", percent=100,
                                        text="Đã ban hành báo cáo")
    with time_machine.travel("2024-06-25 09:00 +0700", tick=False):
        services.review_report(report, coordinator, accept=True)
    for n, report in enumerate(pending):
        with time_machine.travel(f"2024-07-{10 + n:02d} 09:00 +0700", tick=False):
            services.review_report(report, coordinator, accept=n % 2 == 0,
                                   reason="Thiếu số liệu")
    return published_plan


def days() -> list[date]:
    return [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


@pytest.mark.parametrize("order", ["forward", "backward", "a week apart"])
def test_the_counts_of_every_past_day_are_those_of_every_span(reported: Any, order: str
                                                              ) -> None:
    """Each day counted from the day stored before it, after it, or from every span."""
    wanted = {"forward": days(), "backward": days()[::-1], "a week apart": days()[::7]}[order]
    for day in wanted:
        assert past_counts.task_counts(day) == every_span_tasks(day), day
        assert past_counts.part_counts(day) == every_span_parts(day), day
        assert past_counts.done_by_day(day) == every_span_done(day), day
    assert PastCountDay.objects.count() == len(wanted)
    assert any(every_span_done(day) for day in wanted)
    # Read again from the stored day alone: the same.
    assert past_counts.part_counts(wanted[-1]) == every_span_parts(wanted[-1])


def test_only_the_latest_days_are_kept(reported: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(past_counts, "KEEP", 3)
    for day in days()[:5]:
        past_counts.part_counts(day)
    assert list(PastCountDay.objects.order_by("day").values_list("day", flat=True)) == \
        days()[2:5]
    assert set(PastAgencyCount.objects.values_list("day", flat=True)) == set(days()[2:5])


def test_the_overviews_queries_count_as_before(reported: Any) -> None:
    for day in (date(2024, 5, 5), date(2024, 6, 21), date(2024, 7, 31)):
        parts = every_span_parts(day)
        by_agency: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
        for (agency, role, status, progress), n in parts.items():
            by_agency[(agency, role)][(status, progress)] += n
        found = queries.part_counts(day)
        assert {k: dict(v.pairs) for k, v in found.items() if v.total} == {
            k: dict(v) for k, v in by_agency.items()}
        totals = queries.total_counts([reported.pk], day)
        assert totals.total == sum(every_span_tasks(day).values())


def test_a_recount_forgets_the_stored_days(reported: Any) -> None:
    from theodoi.tracking.models import PastRootCount

    queries.rolled_up_part_counts(date(2024, 6, 21), statuses.ROOT_KINDS)
    assert PastCountDay.objects.exists() and PastRootCount.objects.exists()
    statuses.refresh_plan(reported.pk)
    assert not PastCountDay.objects.exists()
    assert not PastAgencyCount.objects.exists()
    assert not PastRootCount.objects.exists()


def test_a_row_judged_again_without_a_change_keeps_the_stored_days(reported: Any) -> None:
    """A report on a row last judged days ago re-judges it from then: when those days'
    states stay as they were, no stored day is dropped (else every report would drop them)."""
    with time_machine.travel("2024-08-10 09:00 +0700", tick=False):
        statuses.refresh_due()
        past_counts.part_counts(date(2024, 5, 3))
        past_counts.part_counts(date(2024, 7, 3))
        ids = list(Assignment.objects.filter(task__plan=reported).values_list("id", flat=True))
        statuses.refresh_assignments(ids, since=date(2024, 6, 1))
    assert list(PastCountDay.objects.order_by("day").values_list("day", flat=True)) == [
        date(2024, 5, 3), date(2024, 7, 3)]


def test_history_written_differently_from_a_day_forgets_the_days_from_it(
        reported: Any) -> None:
    from theodoi.tracking.models import Task

    with time_machine.travel("2024-08-10 09:00 +0700", tick=False):
        statuses.refresh_due()
        past_counts.part_counts(date(2024, 5, 3))
        past_counts.part_counts(date(2024, 7, 3))
        # A deadline corrected from 5 June (a write dated in the past): I.2, overdue since
        # 30 April, is due at the end of the year from then on.
        task = Task.objects.get(plan=reported, code="I.2")
        Task.objects.filter(pk=task.pk).update(due_on=date(2024, 12, 31))
        statuses.refresh_tasks([task.pk], since=date(2024, 6, 5))
    assert list(PastCountDay.objects.values_list("day", flat=True)) == [date(2024, 5, 3)]
    assert past_counts.part_counts(date(2024, 7, 3)) == every_span_parts(date(2024, 7, 3))


def test_a_part_set_aside_is_left_out_of_the_past_counts_too(
        reported: Any, reporter_a: Any) -> None:
    day = date(2024, 6, 21)
    before = past_counts.part_counts(day)
    row = assignment_of(reported, reporter_a.profile.agency)
    Assignment.objects.filter(pk=row.pk).update(is_active=False)
    statuses.refresh_assignments([row.pk], since=statuses.EPOCH, recount=True)
    after = past_counts.part_counts(day)
    assert after == every_span_parts(day)
    assert sum(after.values()) == sum(before.values()) - 1


def test_the_national_rolled_up_counts_are_those_of_every_plans_spans(reported: Any) -> None:
    from theodoi.tracking.models import Agency, Plan

    kinds = tuple(sorted(set(Agency.objects.values_list("kind", flat=True))))[:2]
    every = list(Plan.objects.filter(status="published").values_list("pk", flat=True))
    for day in (date(2024, 5, 5), date(2024, 6, 21), date(2024, 7, 31)):
        national = queries.rolled_up_part_counts(day, kinds)
        by_plans = queries.rolled_up_part_counts(day, kinds, plans=every)
        assert {k: dict(v.pairs) for k, v in national.items()} == {
            k: dict(v.pairs) for k, v in by_plans.items()}, day
        assert national
        parts = queries.part_counts(day)
        assert {k: dict(v.pairs) for k, v in parts.items()} == {
            k: dict(v.pairs) for k, v in queries.part_counts(day, plans=every).items()}


def test_the_daily_job_stores_the_day_before(reported: Any) -> None:
    for on in (date(2024, 7, 2), date(2024, 7, 3), date(2024, 7, 3)):
        past_counts.store_yesterday(on)
    assert list(PastCountDay.objects.order_by("day").values_list("day", flat=True)) == [
        date(2024, 7, 1), date(2024, 7, 2)]
    assert past_counts.part_counts(date(2024, 7, 2)) == every_span_parts(date(2024, 7, 2))


def test_a_plans_past_counts_are_read_from_its_spans_without_storing_the_day(
        reported: Any) -> None:
    day = date(2024, 6, 21)
    own = queries.task_counts([reported.pk], day, by="section")
    assert not PastCountDay.objects.exists()
    assert queries.total_counts([reported.pk], day).total == sum(c.total for c in own.values())
    assert not PastCountDay.objects.exists()
    past_counts.stored(day)  # once stored (the national overview), read from there
    assert {k: dict(v.pairs) for k, v in queries.task_counts(
        [reported.pk], day, by="section").items()} == {k: dict(v.pairs) for k, v in own.items()}


def test_the_national_due_and_done_chart_of_a_past_date_is_the_same_from_the_stored_day(
        reported: Any, monkeypatch: Any) -> None:
    from theodoi.tracking.models import Plan

    plans = Plan.objects.filter(status="published")
    for day in (date(2024, 6, 21), date(2024, 6, 26), date(2024, 7, 31)):
        slow = queries.due_and_done_by_month(plans, day)
        monkeypatch.setattr(queries, "FEW_PLANS", 0)
        assert queries.due_and_done_by_month(plans, day) == slow, day
        assert PastCountDay.objects.filter(day=day).exists()
        monkeypatch.setattr(queries, "FEW_PLANS", 10)
    assert any(done for _m, _due, done, *_ in slow)
