"""The admin lists every tracking model; append-only rows cannot be changed there."""

from __future__ import annotations

import pytest

from theodoi.tracking.services import submit_report

pytestmark = pytest.mark.django_db

MODELS = [
    "agency", "userprofile", "plan", "task", "assignment", "section", "target", "planfile",
    "progressreport", "evidencefile", "targetvalue", "deadlinechange",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_every_tracking_model(admin_client, published_plan, model):
    assert admin_client.get(f"/admin/tracking/{model}/").status_code == 200


def test_a_report_cannot_be_changed_in_the_admin(admin_client, published_plan, coordinator):
    assignment = published_plan.tasks.get(code="I.2").assignments.first()
    report = submit_report(assignment, coordinator, status="done")
    url = f"/admin/tracking/progressreport/{report.pk}/change/"
    response = admin_client.post(url, {"status": "not_started"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "done"
