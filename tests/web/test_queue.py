"""The daily work of each role: the coordinator's review queue (filters, paging, one or
several reviews at once) and the reporter's landing page on its agency's work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import assignment_of, login
from tests.web.test_queries import publish
from theodoi.tracking import services
from theodoi.tracking.models import Assignment, ProgressReport

QUEUE = "/queue/"


@pytest.fixture
def waiting(published_plan: Any, agency_a: Any, agency_b: Any, reporter_a: Any,
            reporter_b: Any) -> dict[str, ProgressReport]:
    """Three reports awaiting review: Bộ A's II.2 written ten days ago, Tỉnh B's III.A.1
    and Bộ A's I.2 part today; and a partner's contribution, which nobody reviews."""
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old = services.submit_report(assignment_of(published_plan, agency_a, "II.2"),
                                     reporter_a, status="in_progress", percent=30,
                                     text="Đang xây dựng dự thảo")
    b = services.submit_report(assignment_of(published_plan, agency_b, "III.A.1"),
                               reporter_b, status="done", percent=100)
    a_part = services.submit_report(assignment_of(published_plan, agency_a, "I.2"),
                                    reporter_a, status="done", percent=100)
    partner = Assignment.objects.get(task__plan=published_plan, task__code="III.A.1",
                                     agency=agency_a)
    services.submit_report(partner, reporter_a, status="in_progress", text="Góp ý")
    return {"old": old, "b": b, "a_part": a_part}


def ids_on(page: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'id="queue-(\d+)"', page)]


def test_the_queue_lists_what_awaits_review_oldest_first(
        as_coordinator: Any, waiting: dict[str, ProgressReport]) -> None:
    response = as_coordinator.get(QUEUE)
    page = response.content.decode()
    assert response.status_code == 200
    assert ids_on(page) == [waiting["old"].pk, waiting["b"].pk, waiting["a_part"].pk]
    assert "10 ngày" in page and "Đang xây dựng dự thảo" in page
    # The navigation counts them, on every page.
    overview = as_coordinator.get("/").content.decode()
    assert 'href="/queue/"' in overview
    assert 'title="báo cáo chờ duyệt">3</span>' in overview


def test_the_queue_filters_by_plan_agency_and_age(
        as_coordinator: Any, waiting: dict[str, ProgressReport], published_plan: Any,
        agency_a: Any, agency_b: Any) -> None:
    by_agency = as_coordinator.get(QUEUE, {"agency": agency_b.pk}).content.decode()
    assert ids_on(by_agency) == [waiting["b"].pk]
    old_only = as_coordinator.get(QUEUE, {"age": 7}).content.decode()
    assert ids_on(old_only) == [waiting["old"].pk]
    assert ids_on(as_coordinator.get(QUEUE, {"age": 14}).content.decode()) == []
    by_plan = as_coordinator.get(QUEUE, {"plan": published_plan.pk, "agency": agency_a.pk})
    assert ids_on(by_plan.content.decode()) == [waiting["old"].pk, waiting["a_part"].pk]
    # The agency typed by name (the box lists no agency: agency_picker), or unknown.
    by_name = as_coordinator.get(QUEUE, {"agency": "uy ban nhan dan tinh b"}).content.decode()
    assert ids_on(by_name) == [waiting["b"].pk]
    assert '<select name="agency"' not in by_name
    assert "Không tìm thấy cơ quan" in as_coordinator.get(
        QUEUE, {"agency": "Bộ Không Có"}).content.decode()


def test_the_queue_pages_in_sql(as_coordinator: Any, waiting: dict[str, ProgressReport],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.views.queue.PAGE_SIZE", 2)
    first = as_coordinator.get(QUEUE).content.decode()
    second = as_coordinator.get(QUEUE, {"page": 2}).content.decode()
    assert ids_on(first) == [waiting["old"].pk, waiting["b"].pk]
    assert ids_on(second) == [waiting["a_part"].pk]
    assert "Trang 1/2" in first


def test_two_reports_are_accepted_at_once_each_with_its_result(
        as_coordinator: Any, waiting: dict[str, ProgressReport]) -> None:
    chosen = [waiting["old"].pk, waiting["b"].pk]
    response = as_coordinator.post(QUEUE + "?agency=", {"report": chosen,
                                                        "decision": "accept"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == QUEUE + "?agency="
    assert "2 báo cáo đã chấp nhận: II.2 · Bộ A; III.A.1 · Ủy ban nhân dân tỉnh B" in page
    assert ids_on(page) == [waiting["a_part"].pk]
    states = dict(ProgressReport.objects.filter(pk__in=chosen).values_list("pk", "review_state"))
    assert set(states.values()) == {"accepted"}
    assert 'title="báo cáo chờ duyệt">1</span>' in page


def test_returning_several_needs_a_reason_and_tells_each_agency(
        as_coordinator: Any, waiting: dict[str, ProgressReport], agency_a: Any,
        agency_b: Any) -> None:
    from theodoi.notices.models import Notice

    chosen = [waiting["old"].pk, waiting["b"].pk]
    refused = as_coordinator.post(QUEUE, {"report": chosen, "decision": "return"}, follow=True)
    assert "Hãy ghi lý do" in refused.content.decode()
    assert ProgressReport.objects.filter(review_state="returned").count() == 0
    as_coordinator.post(QUEUE, {"report": chosen, "decision": "return",
                                "reason": "Thiếu minh chứng"})
    returned = ProgressReport.objects.filter(review_state="returned")
    assert set(returned.values_list("pk", flat=True)) == set(chosen)
    assert set(returned.values_list("review_reason", flat=True)) == {"Thiếu minh chứng"}
    notices = Notice.objects.filter(kind="returned")
    assert sorted(notices.values_list("recipient_agency", flat=True)) == sorted(
        [agency_a.pk, agency_b.pk])


def test_one_row_is_returned_in_place_with_its_own_reason(
        as_coordinator: Any, waiting: dict[str, ProgressReport]) -> None:
    report = waiting["b"]
    response = as_coordinator.post(QUEUE, {"one": f"return:{report.pk}",
                                           f"reason-{report.pk}": "Số liệu chưa khớp",
                                           "decision": "accept"}, follow=True)
    report.refresh_from_db()
    assert report.review_state == "returned" and report.review_reason == "Số liệu chưa khớp"
    assert "1 báo cáo đã trả lại: III.A.1" in response.content.decode()
    # The others were not touched.
    assert ProgressReport.objects.filter(review_state="pending").count() == 2


def test_a_report_a_colleague_reviewed_meanwhile_fails_alone(
        as_coordinator: Any, coordinator: Any, waiting: dict[str, ProgressReport]) -> None:
    services.review_report(waiting["old"], coordinator, accept=True)
    response = as_coordinator.post(QUEUE, {"report": [waiting["old"].pk, waiting["b"].pk,
                                                      999999], "decision": "accept"},
                                   follow=True)
    page = response.content.decode()
    assert "1 báo cáo đã chấp nhận: III.A.1" in page
    assert "II.2 · Bộ A: không duyệt được (đã được duyệt trước đó)" in page
    assert "Báo cáo số 999999: không duyệt được" in page


def test_the_bulk_service_returns_one_result_per_report_through_review_report(
        coordinator: Any, waiting: dict[str, ProgressReport]) -> None:
    ids = [waiting["b"].pk, waiting["b"].pk, waiting["old"].pk]
    results = services.review_reports(ids, coordinator, accept=False, reason="")
    # The rule (a return needs a reason) is review_report's, applied to each.
    assert [(r.report_id, r.ok) for r in results] == [(waiting["b"].pk, False),
                                                      (waiting["old"].pk, False)]
    assert results[0].error == "returning a report needs a reason"


@pytest.mark.parametrize("role", ["reporter_a", "leader"])
def test_only_coordinators_have_a_queue(client: Any, waiting: dict[str, ProgressReport],
                                        request: Any, role: str) -> None:
    login(client, request.getfixturevalue(role))
    assert client.get(QUEUE).status_code == 403
    assert client.post(QUEUE, {"report": [waiting["b"].pk],
                               "decision": "accept"}).status_code == 403
    assert ProgressReport.objects.filter(review_state="pending").count() == 3
    assert 'href="/queue/"' not in client.get(reverse("web:national")).content.decode()


def test_the_queue_costs_the_same_for_few_and_many_reports(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any) -> None:
    client.force_login(coordinator)
    plan = services.import_plan(__import__("tests.web.test_queries", fromlist=["x"]).plan_json(
        40, "40/QĐ"), user=coordinator)
    plan = services.publish_plan(plan, user=coordinator, registry=fake_registry)
    rows = list(Assignment.objects.filter(task__plan=plan, agency=reporter_a.profile.agency,
                                          role="lead"))
    for a in rows[:2]:
        services.submit_report(a, reporter_a, status="in_progress", percent=10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for a in rows[2:]:
        services.submit_report(a, reporter_a, status="in_progress", percent=10)
    assert ProgressReport.objects.filter(review_state="pending").count() > 10
    with CaptureQueriesContext(connection) as many:
        client.get(QUEUE)
    assert len(many) == len(few)


# -- the reporter's landing page ---------------------------------------------------------


def test_a_reporter_lands_on_its_agency_work(
        as_reporter_a: Any, waiting: dict[str, ProgressReport], coordinator: Any) -> None:
    services.review_report(waiting["old"], coordinator, accept=False,
                           reason="Cần bổ sung dự thảo")
    services.review_report(waiting["a_part"], coordinator, accept=True)
    page = as_reporter_a.get("/").content.decode()
    assert "Việc cần làm: Bộ A" in page
    returned = page.split('id="returned"')[1].split("</section>")[0]
    assert "II.2" in returned and "Cần bổ sung dự thảo" in returned
    assert "Báo cáo lại" in returned
    accepted = page.split('id="accepted"')[1].split("</section>")[0]
    assert "I.2" in accepted
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "I.1" in overdue  # monthly meetings of 2024, never reported
    # The national overview stays one click away; the badge counts the plan's publication
    # and the returned report.
    assert 'href="/overview/"' in page
    assert 'title="chưa đọc">2</span>' in page
    national = as_reporter_a.get("/overview/").content.decode()
    assert "Tổng quan toàn quốc" in national


@pytest.mark.parametrize("role", ["leader", "coordinator"])
def test_leaders_and_coordinators_keep_the_overview(client: Any, published_plan: Any,
                                                    request: Any, role: str) -> None:
    login(client, request.getfixturevalue(role))
    page = client.get("/").content.decode()
    assert "Tổng quan toàn quốc" in page and "Việc cần làm" not in page


def test_a_reporter_asking_a_plan_overview_gets_it(as_reporter_a: Any,
                                                   published_plan: Any) -> None:
    page = as_reporter_a.get("/", {"plan": published_plan.pk}).content.decode()
    assert "Tổng quan kế hoạch" in page


def test_the_landing_page_costs_the_same_for_5_and_50_tasks(
        client: Any, coordinator: Any, reporter_a: Any, fake_registry: Any) -> None:
    client.force_login(reporter_a)
    publish(5, "5/QĐ", coordinator, fake_registry, reporter_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    publish(50, "50/QĐ", coordinator, fake_registry, reporter_a)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_the_landing_page_seen_on_an_earlier_day_hides_later_reviews(
        as_reporter_a: Any, waiting: dict[str, ProgressReport], coordinator: Any) -> None:
    services.review_report(waiting["a_part"], coordinator, accept=True)
    today_page = as_reporter_a.get("/").content.decode()
    assert "I.2" in today_page.split('id="accepted"')[1].split("</section>")[0]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    earlier = as_reporter_a.get("/", {"as_of": yesterday}).content.decode()
    assert "I.2" not in earlier.split('id="accepted"')[1].split("</section>")[0]


def test_the_navigation_badge_counts_up_to_its_cap_and_the_queue_counts_all(
        client: Any, coordinator: Any, waiting: dict[str, ProgressReport],
        monkeypatch: Any) -> None:
    """Every coordinator page shows the badge: its COUNT stops at the cap (a national
    queue holds hundreds of thousands of pending reports)."""
    import re

    from theodoi.web.views import queue

    login(client, coordinator)
    badge = re.compile(r'<span class="badge count" title="[^"]*">([^<]+)</span>')
    assert badge.findall(client.get(reverse("web:overview")).content.decode()) == ["3"]
    monkeypatch.setattr(queue, "BADGE_MAX", 2)
    assert queue.pending_count(coordinator) == 3
    assert badge.findall(client.get(reverse("web:overview")).content.decode()) == ["2+"]
    monkeypatch.setattr(queue, "BADGE_MAX", 1)
    assert queue.pending_count(coordinator) == 2
    assert badge.findall(client.get(reverse("web:overview")).content.decode()) == ["1+"]
