"""Who may call what: every role x every endpoint, with the rules of `theodoi.tracking.access`.

The roles are the shared ones (tests/conftest_django.py): a coordinator, a reporter of
Bộ A, a reporter of Tỉnh B, a leader, a user without a role, and nobody (no token).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.api.conftest import READERS, ROLES
from theodoi.tracking import access
from theodoi.tracking.models import (
    Assignment,
    EvidenceFile,
    ProgressReport,
    TargetValue,
)
from theodoi.tracking.services import import_plan, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_assignment(published_plan):
    """Bộ A's lead assignment of task I.2."""
    return Assignment.objects.get(
        task__plan=published_plan, task__code="I.2", agency__registry_id="bo-a"
    )


@pytest.fixture
def b_assignment(published_plan):
    """Tỉnh B's lead assignment of task I.2."""
    return Assignment.objects.get(
        task__plan=published_plan, task__code="I.2", agency__registry_id="tinh-b"
    )


@pytest.fixture
def a_report(a_assignment, reporter_a):
    """A pending report of Bộ A's reporter."""
    return submit_report(a_assignment, reporter_a, status="in_progress", percent=40)


@pytest.fixture
def draft(coordinator, small_plan_json):
    return import_plan({**small_plan_json, "source": "draft.txt"}, user=coordinator)


def read_paths(plan, assignment, report):
    """Every read endpoint, on objects of a published plan."""
    task = assignment.task
    target = plan.targets.first()
    return {
        "plans": "/api/plans",
        "plan": f"/api/plans/{plan.pk}",
        "tasks": "/api/tasks",
        "task": f"/api/tasks/{task.pk}",
        "assignments": "/api/assignments",
        "assignment": f"/api/assignments/{assignment.pk}",
        "statuses": "/api/statuses",
        "targets": "/api/targets",
        "target": f"/api/targets/{target.pk}",
        "report": f"/api/reports/{report.pk}",
        "references": f"/api/plans/{plan.pk}/references",
        "cascade": f"/api/tasks/{task.pk}/cascade",
        "target_indicators": f"/api/targets/{target.pk}/indicators",
        "indicators": "/api/indicators",
    }


LISTS = {"plans", "tasks", "assignments", "statuses", "targets"}
# Lists that may be empty for a reader too (no value imported in these tests).
EMPTY_LISTS = {"indicators"}


def written() -> tuple[int, int, int]:
    return (ProgressReport.objects.count(), EvidenceFile.objects.count(),
            TargetValue.objects.count())


def report_form(plan) -> dict:
    """A full report: status, percent, text, link, target value."""
    return {
        "status": "done", "percent": "100", "text": "Đã ban hành kế hoạch",
        "links": ["https://example.vn/ke-hoach"], "target": str(plan.targets.first().pk),
        "target_value": "12",
    }


# -- reads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint",
    ["plans", "plan", "tasks", "task", "assignments", "assignment", "statuses", "targets",
     "target", "report", "references", "cascade", "target_indicators", "indicators"],
)
def test_each_role_reads_a_published_plan_as_the_access_rules_say(
    role, endpoint, api, published_plan, a_assignment, a_report
):
    response = api(role).get(read_paths(published_plan, a_assignment, a_report)[endpoint])
    if role == "anonymous":
        assert response.status_code == 401
    elif endpoint in LISTS:
        # A user without a role is signed in but may read nothing: empty lists.
        assert response.status_code == 200
        assert (response.json()["count"] > 0) is (role in READERS)
    elif endpoint in EMPTY_LISTS:
        assert (response.status_code, response.json()["count"]) == (200, 0)
    else:
        assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_coordinator_reads_a_draft(role, api, draft):
    task = draft.tasks.first()
    target = draft.targets.first()
    client = api(role)
    expected = {"coordinator": 200, "anonymous": 401}.get(role, 403)
    for path in (f"/api/plans/{draft.pk}", f"/api/tasks/{task.pk}", f"/api/targets/{target.pk}",
                 f"/api/plans/{draft.pk}/references", f"/api/tasks/{task.pk}/cascade",
                 f"/api/targets/{target.pk}/indicators"):
        assert client.get(path).status_code == expected, path
    if role != "anonymous":
        listed = {p["id"] for p in client.get("/api/plans").json()["items"]}
        assert (draft.pk in listed) is (role == "coordinator")
        tasks = {t["id"] for t in client.get("/api/tasks", {"plan": draft.pk}).json()["items"]}
        assert (task.pk in tasks) is (role == "coordinator")
        targets = {t["id"] for t in client.get("/api/targets").json()["items"]}
        assert (target.pk in targets) is (role == "coordinator")


@pytest.mark.parametrize("role", ["coordinator", "reporter_a", "leader", "outsider"])
def test_a_missing_object_is_404_for_every_signed_in_role(role, api, published_plan):
    client = api(role)
    for path in ("/api/plans/999999", "/api/tasks/999999", "/api/assignments/999999",
                 "/api/targets/999999", "/api/reports/999999"):
        assert client.get(path).status_code == 404, path


# -- writes -----------------------------------------------------------------------------------

REPORT_ON_A = {"coordinator": 201, "reporter_a": 201, "reporter_b": 403, "leader": 403,
               "outsider": 403, "anonymous": 401}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agency_and_coordinators_report_on_an_assignment(
    role, api, published_plan, a_assignment
):
    before = written()
    response = api(role).post(
        f"/api/assignments/{a_assignment.pk}/reports", report_form(published_plan)
    )
    assert response.status_code == REPORT_ON_A[role], response.content
    if response.status_code == 201:
        assert written() == (before[0] + 1, before[1], before[2] + 1)
    else:
        assert written() == before


def test_a_reporter_posting_on_another_agencys_assignment_gets_403_and_nothing_is_written(
    api, published_plan, b_assignment, media_root
):
    before = written()
    form = {**report_form(published_plan), "files": [evidence("bien-ban.pdf")]}
    response = api("reporter_a").post(f"/api/assignments/{b_assignment.pk}/reports", form)
    assert response.status_code == 403
    assert response.json() == {"detail": "you may not report on this assignment"}
    assert written() == before
    assert not b_assignment.reports.exists()
    assert not media_root.exists() or not any(media_root.rglob("*"))


@pytest.mark.parametrize("role", ["reporter_a", "reporter_b", "leader", "outsider"])
def test_the_api_refuses_exactly_what_the_access_helper_refuses(role, users, api, published_plan):
    """Every assignment of the plan (leads, partners, merged and unresolved names)."""
    user = users[role]
    client = api(role)
    for assignment in Assignment.objects.filter(task__plan=published_plan):
        try:
            access.access_assignment_for_report(user, assignment.pk)
            expected = 201
        except PermissionDenied:
            expected = 403
        response = client.post(f"/api/assignments/{assignment.pk}/reports", {"status": "done"})
        assert response.status_code == expected, (assignment, response.content)


def test_a_reporter_cannot_report_on_its_agencys_inactive_or_removed_assignment(
    api, published_plan, a_assignment
):
    Assignment.objects.filter(pk=a_assignment.pk).update(is_active=False)
    response = api("reporter_a").post(
        f"/api/assignments/{a_assignment.pk}/reports", {"status": "done"}
    )
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_reporter_cannot_correct_another_agencys_report(
    api, published_plan, a_assignment, b_assignment, reporter_b
):
    b_report = submit_report(b_assignment, reporter_b, status="in_progress")
    response = api("reporter_a").post(
        f"/api/assignments/{a_assignment.pk}/reports",
        {"status": "done", "corrects": str(b_report.pk)},
    )
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 1


REVIEW = {"coordinator": 200, "reporter_a": 403, "reporter_b": 403, "leader": 403,
          "outsider": 403, "anonymous": 401}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("decision", ["accept", "return"])
def test_only_a_coordinator_reviews_a_report(role, decision, api, a_report):
    response = api(role).post_json(
        f"/api/reports/{a_report.pk}/review", {"decision": decision, "reason": "Thiếu minh chứng"}
    )
    assert response.status_code == REVIEW[role], response.content
    a_report.refresh_from_db()
    if role == "coordinator":
        assert a_report.review_state == ("accepted" if decision == "accept" else "returned")
    else:
        assert a_report.review_state == "pending"
        assert a_report.reviewed_by is None


WITHDRAW = {"coordinator": 403, "reporter_a": 200, "reporter_b": 403, "leader": 403,
            "outsider": 403, "anonymous": 401}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agency_that_sent_a_report_withdraws_it(role, api, a_report):
    response = api(role).post_json(f"/api/reports/{a_report.pk}/withdraw", {"reason": "Nhầm"})
    assert response.status_code == WITHDRAW[role], response.content
    a_report.refresh_from_db()
    assert a_report.review_state == ("withdrawn" if role == "reporter_a" else "pending")


def test_the_leader_can_write_nothing(api, published_plan, a_assignment, a_report):
    client = api("leader")
    before = written()
    for assignment in Assignment.objects.filter(task__plan=published_plan):
        response = client.post(f"/api/assignments/{assignment.pk}/reports", {"status": "done"})
        assert response.status_code == 403
    assert client.post_json(
        f"/api/reports/{a_report.pk}/review", {"decision": "accept"}
    ).status_code == 403
    assert written() == before
    a_report.refresh_from_db()
    assert a_report.is_pending


# -- helpers ----------------------------------------------------------------------------------


def evidence(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 bien ban", content_type="application/pdf")
