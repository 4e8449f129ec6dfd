"""The tracking models: statuses on rows (saved or not), search, append-only history, targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.moments import local_time as at
from theodoi.registry.text import fold
from theodoi.tracking.models import (
    AppendOnlyError,
    Assignment,
    DeadlineChange,
    Plan,
    ProgressReport,
    Role,
    Target,
    TargetValue,
    Task,
    UserProfile,
    aggregate_target_values,
    role_of,
    section_code,
)

# -- without a database -------------------------------------------------------------------


def test_fold_drops_case_and_diacritics_and_reads_d_bar_as_d():
    assert fold("Chuyển đổi SỐ") == "chuyen doi so"
    assert fold("ĐÀ NẴNG  \n Quảng Ngãi") == "da nang quang ngai"
    assert fold("") == ""


def test_fold_treats_composed_and_decomposed_text_alike():
    assert fold("Chuye\u0302\u0309n") == fold("Chuyển") == "chuyen"


@pytest.mark.parametrize(
    ("code", "section"),
    [("I.2.1", "I"), ("III.A.2", "III.A"), ("IV.C.1", "IV.C"), ("1.1", ""), ("VIII", "VIII")],
)
def test_a_task_code_names_its_section(code, section):
    assert section_code(code) == section


def test_an_unsaved_dated_task_has_a_status():
    plan = Plan(year=2024, date=date(2024, 4, 19))
    task = Task(plan=plan, code="I.2.1", due_kind="date", due_on=date(2024, 4, 30))
    assert task.get_status(date(2024, 4, 20)) == "due_soon"
    assert task.get_status(date(2024, 5, 1)) == "overdue"


def test_an_unsaved_assignment_has_a_status_from_unsaved_reports():
    plan = Plan(year=2024, date=date(2024, 4, 19))
    task = Task(plan=plan, code="I.1", due_kind="recurring", due_every="month")
    assignment = Assignment(task=task, role=Assignment.LEAD, printed_name="Bộ A")
    report = ProgressReport(
        assignment=assignment, status="done", period="2024-04", created_at=at(2024, 4, 29),
        review_state="accepted", reviewed_at=at(2024, 4, 30),
    )
    result = assignment.judge(date(2024, 5, 10), reports=[report])
    assert [o.status for o in result.occurrences] == ["done", "not_started"]
    assert assignment.get_status(date(2024, 5, 10)) == "overdue"  # no reports: April missed


def test_a_recurring_task_begins_on_its_plans_date():
    plan = Plan(year=2024, date=date(2024, 4, 19))
    task = Task(plan=plan, code="I.1", due_kind="recurring", due_every="month")
    assert task.deadline_rule().start == date(2024, 4, 19)


def test_a_plan_without_a_date_begins_on_the_first_of_its_year():
    plan = Plan(year=2024)
    task = Task(plan=plan, code="1", due_kind="ongoing")
    assert task.deadline_rule().start == date(2024, 1, 1)


def test_a_coordinator_date_is_the_effective_due_date():
    task = Task(plan=Plan(year=2024), code="1", due_kind="per_plan")
    assert task.waits_for_date
    assert task.get_status(date(2024, 5, 1)) == "awaiting_date"
    task.set_on = date(2024, 9, 30)
    assert not task.waits_for_date
    assert task.effective_due() == date(2024, 9, 30)
    assert task.get_status(date(2024, 10, 1)) == "overdue"


def test_the_status_is_judged_today_by_default(settings):
    settings.DUE_SOON_DAYS = 14
    task = Task(plan=Plan(year=2024), code="1", due_kind="date", due_on=date(2024, 4, 30))
    with time_machine.travel(at(2024, 4, 1), tick=False):
        assert task.get_status() == "not_started"
    with time_machine.travel(at(2024, 4, 20), tick=False):
        assert task.get_status() == "due_soon"
    with time_machine.travel(at(2024, 5, 1, hour=1), tick=False):
        assert task.get_status() == "overdue"


def test_the_due_soon_window_comes_from_the_settings(settings):
    task = Task(plan=Plan(year=2024), code="1", due_kind="date", due_on=date(2024, 4, 30))
    settings.DUE_SOON_DAYS = 60
    assert task.get_status(date(2024, 3, 15)) == "due_soon"
    settings.DUE_SOON_DAYS = 14
    assert task.get_status(date(2024, 3, 15)) == "not_started"


def test_a_report_written_late_in_the_evening_counts_on_that_local_day():
    # 23:30 in Hà Nội is still 30 April, though it is past midnight in no other sense.
    report = ProgressReport(
        status="done", created_at=datetime(2024, 4, 30, 16, 30, tzinfo=ZoneInfo("UTC")),
        review_state="accepted", reviewed_at=at(2024, 5, 2),
    )
    assert report.as_fact().on == date(2024, 4, 30)


def test_target_values_add_up_and_percentages_average():
    values = [Decimal(10), Decimal(30)]
    assert aggregate_target_values(values, percentage=False) == Decimal(40)
    assert aggregate_target_values(values, percentage=True) == Decimal(20)
    assert aggregate_target_values([], percentage=False) is None


# -- with a database ----------------------------------------------------------------------


@pytest.mark.django_db
def test_roles_come_from_the_profile_and_superusers_coordinate(
    coordinator, reporter_a, leader, outsider, django_user_model
):
    boss = django_user_model.objects.create_superuser("boss", password="pw-for-tests")  # noqa: S106
    assert role_of(coordinator) == Role.COORDINATOR
    assert role_of(reporter_a) == Role.REPORTER
    assert role_of(leader) == Role.LEADER
    assert role_of(outsider) is None
    assert role_of(boss) == Role.COORDINATOR


@pytest.mark.django_db
def test_an_inactive_user_has_no_role(coordinator):
    coordinator.is_active = False
    assert role_of(coordinator) is None


@pytest.mark.django_db
def test_a_reporter_must_have_an_agency(django_user_model):
    from django.db import IntegrityError, transaction

    user = django_user_model.objects.create_user("nobody")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.create(user=user, role=Role.REPORTER)


@pytest.mark.django_db
def test_tasks_are_found_without_diacritics(published_plan):
    found = Task.objects.filter(plan=published_plan).search("chuyen doi so")
    assert [t.code for t in found] == ["I.2", "III.A.1"]
    assert list(Task.objects.search("KIEM TRA giam sat").values_list("code", flat=True)) == ["I.2"]
    # Agencies as printed are searchable too.
    assert "II.2" in Task.objects.search("hiep hoi").values_list("code", flat=True)


@pytest.mark.django_db
def test_saving_one_text_field_refreshes_the_search_column(published_plan):
    task = published_plan.tasks.get(code="I.1")
    task.name = "Họp Ủy ban định kỳ"
    task.save(update_fields=["name"])
    task.refresh_from_db()
    assert "hop uy ban dinh ky" in task.search


@pytest.mark.django_db
def test_a_report_is_never_changed_or_deleted(published_plan, reporter_a):
    from theodoi.tracking.services import submit_report

    assignment = published_plan.tasks.get(code="I.2").assignments.get(agency__registry_id="bo-a")
    report = submit_report(assignment, reporter_a, status="in_progress", percent=20)
    report.text = "sửa lại"
    with pytest.raises(AppendOnlyError):
        report.save()
    with pytest.raises(AppendOnlyError):
        report.save(update_fields=["text"])
    with pytest.raises(AppendOnlyError):
        report.delete()
    with pytest.raises(AppendOnlyError):
        ProgressReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(AppendOnlyError):
        ProgressReport.objects.filter(pk=report.pk).update(text="x")
    report.refresh_from_db()
    assert report.text == ""


@pytest.mark.django_db
def test_a_reviewed_report_cannot_be_reviewed_again_by_a_raw_save(published_plan, reporter_a):
    from theodoi.tracking.services import submit_report

    assignment = published_plan.tasks.get(code="I.2").assignments.get(agency__registry_id="bo-a")
    report = submit_report(assignment, reporter_a, status="done")
    report.review_state = "accepted"
    report.save(update_fields=["review_state"])
    report.review_state = "returned"
    with pytest.raises(AppendOnlyError):
        report.save(update_fields=["review_state"])


@pytest.mark.django_db
def test_deadline_changes_and_target_values_are_append_only(published_plan, coordinator):
    task = published_plan.tasks.get(code="II.2")
    change = DeadlineChange.objects.create(task=task, source="coordinator", new_on=date(2024, 9, 1))
    with pytest.raises(AppendOnlyError):
        change.delete()
    value = TargetValue.objects.create(target=published_plan.targets.first(), value=Decimal(3))
    value.value = Decimal(4)
    with pytest.raises(AppendOnlyError):
        value.save()


@pytest.mark.django_db
def test_a_plan_with_reports_cannot_be_deleted(published_plan, reporter_a):
    from django.db.models import ProtectedError

    from theodoi.tracking.services import submit_report

    assignment = published_plan.tasks.get(code="I.2").assignments.get(agency__registry_id="bo-a")
    submit_report(assignment, reporter_a, status="in_progress")
    with pytest.raises(ProtectedError):
        published_plan.delete()


@pytest.mark.django_db
def test_a_target_shows_the_latest_value_of_each_agency_as_of_a_date(
    published_plan, agency_a, agency_b
):
    target = Target.objects.get(plan=published_plan, unit="doanh nghiệp")
    with time_machine.travel(at(2024, 5, 1), tick=False):
        TargetValue.objects.create(target=target, agency=agency_a, value=Decimal(10))
    with time_machine.travel(at(2024, 6, 1), tick=False):
        TargetValue.objects.create(target=target, agency=agency_b, value=Decimal(20))
    with time_machine.travel(at(2024, 7, 1), tick=False):
        TargetValue.objects.create(target=target, agency=agency_a, value=Decimal(15))
    assert target.current_value(date(2024, 5, 15)) == Decimal(10)
    assert target.current_value(date(2024, 6, 15)) == Decimal(30)
    assert target.current_value(date(2024, 7, 15)) == Decimal(35)
    assert target.progress(date(2024, 7, 15)) == pytest.approx(0.35)
    assert target.current_value(date(2024, 4, 1)) is None
    assert target.values.count() == 3


@pytest.mark.django_db
def test_statuses_of_a_whole_plan_take_three_queries_whatever_its_size(
    published_plan, coordinator, reporter_a, django_assert_num_queries
):
    from tests.conftest_django import FakeRegistry, gold
    from theodoi.tracking.services import import_plan, publish_plan, submit_report

    big = import_plan(gold("001"), user=coordinator)
    publish_plan(big, user=coordinator, registry=FakeRegistry(names={}))
    for assignment in Assignment.objects.filter(task__plan=published_plan, agency__isnull=False):
        if assignment.agency.registry_id == "bo-a":
            submit_report(assignment, reporter_a, status="in_progress")
    for plan in (published_plan, big):
        with django_assert_num_queries(3):
            statuses = [t.get_status(date(2024, 5, 1)) for t in Task.objects.for_status()
                        .filter(plan=plan)]
        assert len(statuses) == plan.tasks.count()
    with django_assert_num_queries(2):
        assignments = list(Assignment.objects.for_status().filter(task__plan=big))
        [a.get_status(date(2024, 5, 1)) for a in assignments]
