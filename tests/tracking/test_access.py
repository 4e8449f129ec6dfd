"""Who may see and change what: every access helper for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.tracking import access
from theodoi.tracking.models import Assignment, Plan
from theodoi.tracking.services import import_plan, submit_report

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "reporter_a", "reporter_b", "leader", "outsider", "anonymous"]


@pytest.fixture
def users(coordinator, reporter_a, reporter_b, leader, outsider):
    return {
        "coordinator": coordinator,
        "reporter_a": reporter_a,
        "reporter_b": reporter_b,
        "leader": leader,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def draft(coordinator, small_plan_json):
    return import_plan(small_plan_json, user=coordinator)


@pytest.fixture
def a_assignment(published_plan):
    """Bộ A's lead assignment of task I.2."""
    return Assignment.objects.get(
        task__plan=published_plan, task__code="I.2", agency__registry_id="bo-a"
    )


def allowed(helper, user, object_id) -> bool:
    try:
        helper(user, object_id)
    except PermissionDenied:
        return False
    return True


READERS = {"coordinator", "reporter_a", "reporter_b", "leader"}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_with_a_role_reads_a_published_plan_and_its_parts(
    role, users, published_plan, a_assignment
):
    user = users[role]
    task = a_assignment.task
    target = published_plan.targets.first()
    expected = role in READERS
    assert allowed(access.access_plan, user, published_plan.pk) is expected
    assert allowed(access.access_task, user, task.pk) is expected
    assert allowed(access.access_assignment, user, a_assignment.pk) is expected
    assert allowed(access.access_target, user, target.pk) is expected


@pytest.mark.parametrize("role", ROLES)
def test_only_a_coordinator_sees_a_draft(role, users, draft):
    assert allowed(access.access_plan, users[role], draft.pk) is (role == "coordinator")
    task = draft.tasks.first()
    assert allowed(access.access_task, users[role], task.pk) is (role == "coordinator")


@pytest.mark.parametrize("role", ROLES)
def test_only_a_coordinator_edits_plans_and_tasks(role, users, published_plan):
    user = users[role]
    task = published_plan.tasks.first()
    assert allowed(access.access_plan_for_edit, user, published_plan.pk) is (role == "coordinator")
    assert allowed(access.access_task_for_edit, user, task.pk) is (role == "coordinator")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("coordinator", True),
        ("reporter_a", True),
        ("reporter_b", False),  # another agency's assignment, by its id
        ("leader", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_only_the_assignments_own_agency_or_a_coordinator_may_report(
    role, expected, users, a_assignment
):
    assert allowed(access.access_assignment_for_report, users[role], a_assignment.pk) is expected


@pytest.mark.parametrize("role", ROLES)
def test_reports_are_read_by_every_reader_and_reviewed_by_coordinators(
    role, users, a_assignment, reporter_a
):
    report = submit_report(a_assignment, reporter_a, status="in_progress")
    assert allowed(access.access_report, users[role], report.pk) is (role in READERS)
    assert allowed(access.access_report_for_review, users[role], report.pk) is (
        role == "coordinator"
    )


def test_nobody_reports_on_an_unresolved_assignment_but_a_coordinator(
    published_plan, reporter_a, coordinator
):
    unresolved = Assignment.objects.get(task__plan=published_plan, flag="unknown")
    assert not allowed(access.access_assignment_for_report, reporter_a, unresolved.pk)
    assert allowed(access.access_assignment_for_report, coordinator, unresolved.pk)


def test_a_missing_or_malformed_id_is_not_found(coordinator):
    with pytest.raises(Http404):
        access.access_plan(coordinator, 999_999)
    with pytest.raises(Http404):
        access.access_assignment_for_report(coordinator, "not-a-number")


def test_visible_plans_follow_the_same_rules(users, published_plan, draft):
    assert set(access.visible_plans(users["coordinator"])) == {published_plan, draft}
    assert list(access.visible_plans(users["reporter_b"])) == [published_plan]
    assert list(access.visible_plans(users["leader"])) == [published_plan]
    assert not access.visible_plans(users["outsider"]).exists()
    assert not access.visible_plans(users["anonymous"]).exists()
    assert set(access.visible_tasks(users["leader"]).values_list("plan", flat=True)) == {
        published_plan.pk
    }
    assert access.visible_assignments(users["leader"]).count() == Assignment.objects.filter(
        task__plan=published_plan
    ).count()


def test_a_plan_unpublished_again_disappears_for_readers(published_plan, leader):
    Plan.objects.filter(pk=published_plan.pk).update(status=Plan.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        access.access_plan(leader, published_plan.pk)
