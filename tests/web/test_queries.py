"""Each page costs the same number of queries for 5 tasks or 50 (and for 1 report or 10):
rows are fetched in bulk, statuses computed in Python."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest_django import SMALL_PLAN
from theodoi.tracking import services
from theodoi.tracking.models import Assignment, Plan


def plan_json(n: int, number: str) -> dict[str, Any]:
    """The small plan's tasks repeated to make `n` tasks over three sections."""
    data = copy.deepcopy(SMALL_PLAN)
    data["plan"]["number"] = number
    tasks = []
    for i in range(n):
        task = copy.deepcopy(SMALL_PLAN["tasks"][i % len(SMALL_PLAN["tasks"])])
        task["code"] = f"{['I', 'II', 'III'][i % 3]}.{i + 1}"
        tasks.append(task)
    data["tasks"] = tasks
    return data


def publish(n: int, number: str, coordinator: Any, registry: Any, reporter: Any) -> Plan:
    """A published plan of `n` tasks where agency A reported on each of its assignments."""
    plan = services.import_plan(plan_json(n, number), user=coordinator)
    plan = services.publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=registry)
    for assignment in Assignment.objects.filter(task__plan=plan, agency=reporter.profile.agency):
        report = services.submit_report(assignment, reporter, status="in_progress", percent=50)
        if report.is_pending:  # a partner's contribution needs no review
            services.review_report(report, coordinator, accept=True)
    return plan


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


PAGES: dict[str, Callable[[Plan, Any], str]] = {
    "overview": lambda plan, agency: reverse("web:overview"),
    "plan overview": lambda plan, agency: reverse("web:overview") + f"?plan={plan.pk}",
    "plans": lambda plan, agency: reverse("web:plans"),
    "plan": lambda plan, agency: reverse("web:plan", args=[plan.pk]),
    "plan by lead": lambda plan, agency: reverse("web:plan", args=[plan.pk]) + f"?lead={agency.pk}",
    "agencies": lambda plan, agency: reverse("web:agencies"),
    "agency": lambda plan, agency: reverse("web:agency", args=[agency.pk]),
    "timeline": lambda plan, agency: reverse("web:timeline") + "?by=month",
    "search": lambda plan, agency: reverse("web:search") + "?q=ke+hoach&status=overdue",
    "search by agency": lambda plan, agency: reverse("web:search") + f"?agency={agency.pk}",
    "as of a past date": lambda plan, agency: reverse("web:overview") + "?as_of=2024-06-01",
    "review queue": lambda plan, agency: reverse("web:queue") + f"?plan={plan.pk}",
    "notices": lambda plan, agency: reverse("web:notices"),
}


# A past date's counts are stored by its first view (`past_counts`), which costs more
# queries than the views after it (and publishing a plan drops them).
STORED_ON_FIRST_VIEW = {"as of a past date"}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_costs_the_same_for_5_and_50_tasks(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any, page: str,
        django_assert_max_num_queries: Any) -> None:
    client.force_login(coordinator)
    agency = reporter_a.profile.agency
    small = publish(5, "5/QĐ", coordinator, fake_registry, reporter_a)
    if page in STORED_ON_FIRST_VIEW:
        client.get(PAGES[page](small, agency))
    few = queries(client, PAGES[page](small, agency))
    large = publish(50, "50/QĐ", coordinator, fake_registry, reporter_a)
    if page in STORED_ON_FIRST_VIEW:
        client.get(PAGES[page](large, agency))
    with django_assert_max_num_queries(few):
        client.get(PAGES[page](large, agency))
    assert queries(client, PAGES[page](large, agency)) == few


def test_a_past_dates_first_view_stores_its_counts_for_the_next(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any) -> None:
    client.force_login(coordinator)
    plan = publish(5, "5/QĐ", coordinator, fake_registry, reporter_a)
    url = PAGES["as of a past date"](plan, reporter_a.profile.agency)
    first = queries(client, url)
    assert queries(client, url) < first


def test_the_task_page_costs_the_same_for_1_and_10_reports(
        client: Any, coordinator: Any, reporter_a: Any, published_plan: Any,
        django_assert_max_num_queries: Any) -> None:
    client.force_login(coordinator)
    assignment = Assignment.objects.get(task__plan=published_plan, task__code="II.2",
                                        agency=reporter_a.profile.agency)
    url = reverse("web:task", args=[assignment.task_id])
    services.submit_report(assignment, reporter_a, status="in_progress", percent=10)
    few = queries(client, url)
    for i in range(9):
        report = services.submit_report(assignment, reporter_a, status="in_progress",
                                        percent=20 + i, links=["https://a.vn/x"])
        services.review_report(report, coordinator, accept=i % 2 == 0, reason="Thiếu")
    with django_assert_max_num_queries(few):
        client.get(url)


def test_the_review_page_costs_the_same_for_5_and_50_draft_tasks(
        client: Any, coordinator: Any, django_assert_max_num_queries: Any) -> None:
    client.force_login(coordinator)
    small = services.import_plan(plan_json(5, "5/D"), user=coordinator)
    few = queries(client, reverse("web:plan-review", args=[small.pk]))
    large = services.import_plan(plan_json(50, "50/D"), user=coordinator)
    with django_assert_max_num_queries(few):
        client.get(reverse("web:plan-review", args=[large.pk]))


def without(plan: Plan, n: int, coordinator: Any, registry: Any) -> None:
    """`plan` corrected: its last `n` tasks removed."""
    tasks = plan_json(plan.tasks.count(), plan.number)
    tasks["tasks"] = tasks["tasks"][:-n]
    services.reimport_plan(plan, tasks, coordinator, registry=registry)


def test_the_plan_page_lists_a_bounded_number_of_removed_tasks(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any,
        monkeypatch: Any, django_assert_max_num_queries: Any) -> None:
    """Past REMOVED_ROWS the removed tasks are cut, and the page says how many there are;
    the queries are as many for 3 removed tasks as for 30."""
    from theodoi.web.views import pages

    monkeypatch.setattr(pages, "REMOVED_ROWS", 2)
    client.force_login(coordinator)
    small = publish(10, "10/QĐ", coordinator, fake_registry, reporter_a)
    without(small, 3, coordinator, fake_registry)
    url = reverse("web:plan", args=[small.pk])
    response = client.get(url)
    assert [t.code for t in response.context["removed"]] == ["II.8", "III.9"]
    assert response.context["removed_total"] == 3
    assert "Hiển thị 2 nhiệm vụ đầu tiên trong số 3 nhiệm vụ đã bỏ." in response.content.decode()
    few = queries(client, url)
    large = publish(40, "40/QĐ", coordinator, fake_registry, reporter_a)
    without(large, 30, coordinator, fake_registry)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("web:plan", args=[large.pk]))
    assert len(response.context["removed"]) == 2 and response.context["removed_total"] == 30


def test_the_plan_page_offers_its_lead_agencies_without_reading_their_parts(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any) -> None:
    """The lead agencies offered are read from their stored counts (one row per agency),
    not from every lead part of the plan (85k of the biggest plan at 200k tasks)."""
    client.force_login(coordinator)
    plan = publish(10, "10/QĐ", coordinator, fake_registry, reporter_a)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("web:plan", args=[plan.pk]))
    assert reporter_a.profile.agency in response.context["form"].fields["lead"].queryset
    parts = [q["sql"] for q in context.captured_queries
             if '"tracking_assignment"' in q["sql"] and "'lead'" in q["sql"]]
    assert parts == []
