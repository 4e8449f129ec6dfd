"""The audit trail: who published, changed a deadline, reviewed, changed an account."""

from __future__ import annotations

import json
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from tests.web.conftest import assignment_of


def entries(obj: Any, action: int | None = LogEntry.Action.UPDATE) -> list[LogEntry]:
    """The trail of `obj` (its updates unless told), oldest first."""
    rows = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk))
    if action is not None:
        rows = rows.filter(action=action)
    return list(rows.order_by("timestamp", "pk"))


def test_publishing_on_the_page_is_logged_with_the_coordinator(
        as_coordinator: Any, coordinator: Any, draft_plan: Any) -> None:
    response = as_coordinator.post(reverse("web:publish", args=[draft_plan.pk]))
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == "published"
    change = [e for e in entries(draft_plan) if "status" in e.changes_dict][-1]
    assert change.actor == coordinator
    assert change.changes_dict["status"] == ["draft", "published"]
    assert change.remote_addr == "127.0.0.1"


def test_a_deadline_set_by_the_coordinator_is_logged(
        as_coordinator: Any, coordinator: Any, published_plan: Any) -> None:
    task = published_plan.tasks.get(code="II.2")
    as_coordinator.post(reverse("web:task-date", args=[task.pk]),
                        {"on": "31/12/2024", "reason": "Theo kế hoạch xây dựng Nghị định"})
    (change,) = [e for e in entries(task) if "set_on" in e.changes_dict]
    assert change.actor == coordinator
    assert change.changes_dict["set_on"][1] == "2024-12-31"
    created = LogEntry.objects.filter(
        content_type__model="deadlinechange", action=LogEntry.Action.CREATE)
    assert created.count() == 1 and created.get().actor == coordinator


def test_a_review_through_the_api_is_logged_with_the_token_user(
        published_plan: Any, reporter_b: Any, coordinator: Any) -> None:
    from theodoi.tracking.services import submit_report
    from theodoi.web.api.models import ApiToken

    report = submit_report(assignment_of(published_plan, reporter_b.profile.agency, "III.A.1"),
                           reporter_b, status="done", percent=100)
    token = ApiToken.objects.issue(coordinator)[1]
    response = Client().post(f"/api/reports/{report.pk}/review",
                             json.dumps({"decision": "return", "reason": "Thiếu minh chứng"}),
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    (change,) = [e for e in entries(report) if "review_state" in e.changes_dict]
    assert change.actor == coordinator
    assert change.changes_dict["review_state"] == ["pending", "returned"]
    assert change.changes_dict["review_reason"][1] == "Thiếu minh chứng"


def test_account_changes_are_logged_without_the_password(
        client: Any, leader: Any, coordinator: Any) -> None:
    from theodoi.tracking.models import UserProfile

    client.force_login(leader)
    client.post(reverse("accounts:password-change"), {
        "old_password": "pw-for-tests", "new_password1": "Mat-khau-moi-2026!",
        "new_password2": "Mat-khau-moi-2026!"})
    for entry in entries(leader, action=None):
        assert "password" not in entry.changes_dict
        assert "pw-for-tests" not in json.dumps(entry.changes_dict)
    profile = UserProfile.objects.get(user=leader)
    profile.role = "coordinator"
    profile.save()
    (change,) = [e for e in entries(profile) if "role" in e.changes_dict]
    assert change.changes_dict["role"] == ["leader", "coordinator"]


def test_mapping_an_indicator_to_a_target_and_undoing_it_are_logged(
        as_coordinator: Any, coordinator: Any, published_plan: Any) -> None:
    from theodoi.tracking.models import Indicator

    indicator = Indicator.objects.create(system="EMC", code="x", name="Tỷ lệ kết nối EMC")
    target = published_plan.targets.first()
    for extra in ({}, {"remove": "1"}):
        as_coordinator.post(reverse("web:indicator-map"),
                            {"indicator": indicator.pk, "target": target.pk, **extra})
    logged = LogEntry.objects.filter(content_type__model="indicatormapping")
    assert [(e.action, e.actor) for e in logged.order_by("timestamp", "pk")] == [
        (LogEntry.Action.CREATE, coordinator), (LogEntry.Action.DELETE, coordinator)]
