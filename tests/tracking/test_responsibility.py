"""Who answers for what: the lead answers, each member of a group lead does its part,
partners contribute to the lead, a group of partners is listed once (issue 10)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.conftest_django import make_user
from tests.moments import part_of as part
from tests.moments import travel as at
from theodoi.tracking.models import (
    AgencyStatusCount,
    Assignment,
    PlanStatusCount,
    ProgressReport,
    Task,
)
from theodoi.tracking.services import (
    import_plan,
    name_group_members,
    publish_plan,
    review_report,
    statuses,
    submit_report,
)

pytestmark = pytest.mark.django_db


def test_a_partner_contributes_to_the_lead_and_is_never_the_tasks_status(
        published_plan, reporter_a, reporter_b, coordinator):
    # III.A.1 (due 30/06/2024): tỉnh B leads, Bộ A takes part.
    contribution_row = part(published_plan, "III.A.1", "bo-a")
    with at(2024, 6, 10):
        contribution = submit_report(contribution_row, reporter_a, status="done",
                                     text="Số liệu của Bộ A")
    # A contribution goes to the lead: no coordinator has to review it.
    assert contribution.review_state == ProgressReport.Review.NOT_REQUIRED
    with pytest.raises(ValidationError):
        review_report(contribution, coordinator, accept=True)
    task = Task.objects.get(plan=published_plan, code="III.A.1")
    assert (task.status, task.progress) == ("not_started", "not_started")
    contribution_row.refresh_from_db()
    assert contribution_row.status == "done"
    # The lead's report cites the contribution and waits for the coordinator.
    with at(2024, 6, 20):
        report = submit_report(part(published_plan, "III.A.1", "tinh-b"), reporter_b,
                               status="done", text="Tổng hợp", cites=[contribution])
    assert list(report.cites.all()) == [contribution]
    task.refresh_from_db()
    assert (task.status, task.progress) == ("due_soon", "awaiting_review")
    with at(2024, 6, 25):
        review_report(report, coordinator, accept=True)
    task.refresh_from_db()
    assert (task.status, task.progress, task.done_on) == ("done", "done", date(2024, 6, 20))


def test_a_lead_cites_only_contributions_to_its_own_task(published_plan, reporter_b,
                                                       reporter_a):
    other = submit_report(part(published_plan, "I.1", "tinh-b"), reporter_b,
                          status="in_progress")
    with pytest.raises(ValidationError):
        submit_report(part(published_plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                      cites=[other])


def test_a_group_lead_rolls_up_from_its_members_parts(published_plan, reporter_a, reporter_b,
                                                      coordinator):
    # I.2 (due 30/04/2024) is led by "Các bộ, ngành, địa phương": Bộ A, tỉnh B, Bộ Cũ.
    task = Task.objects.get(plan=published_plan, code="I.2")
    with at(2024, 4, 20):
        done = submit_report(part(published_plan, "I.2", "bo-a"), reporter_a, status="done")
        review_report(done, coordinator, accept=True)
        submit_report(part(published_plan, "I.2", "tinh-b"), reporter_b, status="in_progress",
                      percent=60)
    task.refresh_from_db()
    assert (task.lead_parts, task.lead_parts_done) == (3, 1)
    assert (task.status, task.progress) == ("due_soon", "in_progress")
    assert task.percent == 80  # (100 + 60) / 2 parts that said how far they are
    statuses.refresh_due(date(2024, 5, 5))
    task.refresh_from_db()
    assert task.status == "overdue"
    assert task.progress == "in_progress"  # "Quá hạn · đang thực hiện", not "chưa bắt đầu"


def test_naming_members_of_a_group_of_partners_makes_them_owe_a_contribution(
        published_plan, coordinator, agency_a):
    group = Assignment.objects.get(task__plan=published_plan, task__code="II.1", flag="group")
    [row] = name_group_members(group, [agency_a], user=coordinator)
    assert row.owes_report and row.group_name == group.printed_name
    assert AgencyStatusCount.objects.filter(agency=agency_a, role="partner").exists()
    assert statuses.check() == []


def test_a_reporter_may_contribute_only_for_its_own_agency(published_plan, reporter_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submit_report(part(published_plan, "III.A.1", "bo-a"), reporter_b, status="done")


def test_stored_states_and_counts_agree_with_the_engine_after_every_kind_of_write(
        published_plan, reporter_a, reporter_b, coordinator):
    from theodoi.tracking.services import set_task_date

    with at(2024, 4, 25):
        r = submit_report(part(published_plan, "I.2", "bo-a"), reporter_a, status="done")
        review_report(r, coordinator, accept=True)
        submit_report(part(published_plan, "I.1", "bo-a"), reporter_a, status="done",
                      period="2024-04")
    with at(2024, 6, 1):
        r = submit_report(part(published_plan, "III.A.1", "tinh-b"), reporter_b,
                          status="done", percent=100)
        review_report(r, coordinator, accept=False, reason="Thiếu số liệu")
    set_task_date(Task.objects.get(plan=published_plan, code="II.2"), date(2026, 12, 20),
                  coordinator)
    statuses.ensure_fresh()
    assert statuses.check() == []
    total = sum(PlanStatusCount.objects.filter(plan=published_plan).values_list(
        "count", flat=True))
    assert total == Task.objects.counted().filter(plan=published_plan).count() == 5


def test_history_answers_for_every_past_day_as_the_engine_does(
        published_plan, reporter_a, coordinator):
    from datetime import timedelta

    from theodoi.tracking.models import TaskHistory

    with at(2024, 4, 25):
        r = submit_report(part(published_plan, "I.2", "bo-a"), reporter_a, status="done")
    with at(2024, 5, 3):
        review_report(r, coordinator, accept=True)
    statuses.ensure_fresh()
    task = Task.objects.for_status().get(plan=published_plan, code="III.A.1")
    spans = list(TaskHistory.objects.filter(task=task))
    day = date(2024, 4, 1)
    while day <= date(2024, 12, 31):
        held = [s for s in spans if s.valid_from <= day and (s.valid_to is None
                                                             or s.valid_to > day)]
        assert len(held) == 1, day
        assert held[0].status == task.judge_state(day).status, day
        day += timedelta(days=7)


def test_a_heading_row_owes_nothing_and_its_rows_take_its_lead(coordinator, fake_registry):
    data = {
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
        ],
    }
    plan = publish_plan(import_plan(data, user=coordinator), user=coordinator,
                        registry=fake_registry)
    heading = plan.tasks.get(code="I.2")
    assert heading.has_children and not heading.assignments.exists()
    rows = {(a.agency.registry_id, a.role) for a in plan.tasks.get(code="I.2.1").assignments.all()}
    assert rows == {("bo-a", "lead"), ("tinh-b", "partner")}
    assert Task.objects.counted().filter(plan=plan).count() == 1


def test_a_coordinator_reporting_for_a_partner_writes_a_contribution(published_plan):
    boss = make_user("boss", "coordinator")
    report = submit_report(part(published_plan, "III.A.1", "bo-a"), boss, status="in_progress")
    assert report.review_state == "not_required"


def test_a_named_partner_answers_for_a_task_without_a_lead_and_its_report_is_reviewed(
        coordinator, reporter_b, fake_registry):
    # Whether a report waits for review is judged on the row under its lock: a lead's
    # always, a named partner's only when the task names no lead (Task.lead_assignments).
    data = {
        "format": "plan-json/1", "source": "partners.txt",
        "plan": {"number": "10/QĐ", "date": "2024-04-19", "year": 2024, "title": "T",
                 "issuer": "", "signer": ""},
        "targets": [],
        "tasks": [
            {"code": "1", "name": "Khảo sát", "detail": None, "result": None,
             "deadline": "Quý II", "due": {"kind": "quarter", "on": "2024-06-30"},
             "lead": [], "partners": ["UBND tỉnh B"]},
            {"code": "2", "name": "Tổng hợp", "detail": None, "result": None,
             "deadline": "Quý II", "due": {"kind": "quarter", "on": "2024-06-30"},
             "lead": ["Bộ A"], "partners": ["UBND tỉnh B"]},
        ],
    }
    with at(2024, 5, 2):
        plan = publish_plan(import_plan(data, user=coordinator), user=coordinator,
                            registry=fake_registry)
        alone = submit_report(part(plan, "1", "tinh-b"), reporter_b, status="in_progress",
                              text="Đã khảo sát")
        beside = submit_report(part(plan, "2", "tinh-b"), reporter_b, status="in_progress",
                               text="Số liệu")
    assert alone.review_state == ProgressReport.Review.PENDING
    assert beside.review_state == ProgressReport.Review.NOT_REQUIRED
