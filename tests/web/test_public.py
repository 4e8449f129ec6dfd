"""A plan's public progress page: opened by a coordinator, read without logging in, with
statuses by task and agency and nothing of the reports."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from tests.web.conftest import assignment_of, login
from theodoi.tracking import services


@pytest.fixture
def reported(published_plan: Any, reporter_b: Any) -> Any:
    assignment = assignment_of(published_plan, reporter_b.profile.agency, "III.A.1")
    services.submit_report(assignment, reporter_b, status="in_progress", percent=40,
                           text="Nội dung nội bộ: số liệu chưa công bố")
    return assignment


@pytest.mark.django_db
def test_closed_until_a_coordinator_opens_it(client: Client, published_plan: Any,
                                             coordinator: Any, reported: Any) -> None:
    url = reverse("web:public-plan", args=[published_plan.pk])
    assert client.get(url).status_code == 404
    login(client, coordinator)
    page = client.post(reverse("web:plan-public", args=[published_plan.pk]), {"public": "1"})
    assert page.status_code == 302
    published_plan.refresh_from_db()
    assert published_plan.is_public and published_plan.public_by == coordinator
    # Who opened it, and when, is kept in the audit log.
    assert any("public_since" in entry.changes_dict
               for entry in LogEntry.objects.get_for_object(published_plan))
    anonymous = Client()
    public = anonymous.get(url)
    assert public.status_code == 200
    html = public.content.decode()
    assert "Đánh giá chỉ số chuyển đổi số" in html and "Ủy ban nhân dân tỉnh B" in html
    assert "Nội dung nội bộ" not in html  # report texts stay inside
    assert "/tasks/" not in html and "/search/" not in html  # no links behind the login
    assert public.context["total"] == 5
    # Closed again: gone for everyone.
    client.post(reverse("web:plan-public", args=[published_plan.pk]), {"public": "0"})
    assert anonymous.get(url).status_code == 404


@pytest.mark.django_db
def test_only_coordinators_open_it_and_only_published_plans(
        client: Client, published_plan: Any, draft_plan: Any, reporter_b: Any,
        coordinator: Any) -> None:
    login(client, reporter_b)
    page = client.post(reverse("web:plan-public", args=[published_plan.pk]), {"public": "1"})
    assert page.status_code == 403
    published_plan.refresh_from_db()
    assert not published_plan.is_public
    login(client, coordinator)
    client.post(reverse("web:plan-public", args=[draft_plan.pk]), {"public": "1"})
    draft_plan.refresh_from_db()
    assert draft_plan.public_since is None
    assert Client().get(reverse("web:public-plan", args=[draft_plan.pk])).status_code == 404
