"""`?as_of=`: every page can be seen as it stood on a past date."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.web.conftest import assignment_of
from theodoi.tracking import services


@pytest.fixture
def finished_in_june(published_plan: Any, reporter_b: Any, coordinator: Any) -> Any:
    """Tỉnh B reports III.A.1 (due 30/06/2024) done on 20 June, accepted on 25 June."""
    assignment = assignment_of(published_plan, reporter_b.profile.agency, "III.A.1")
    with time_machine.travel("2024-06-20 09:00 +0700", tick=False):
        report = services.submit_report(assignment, reporter_b, status="done", percent=100,
                                        text="Đã ban hành báo cáo đánh giá")
    with time_machine.travel("2024-06-25 09:00 +0700", tick=False):
        services.review_report(report, coordinator, accept=True)
    return assignment


def status_on(client: Any, task_id: int, day: str) -> str:
    return client.get(reverse("web:task", args=[task_id]) + f"?as_of={day}").context["status"]


def test_a_task_is_done_only_from_the_day_its_report_was_accepted(
        as_leader: Any, finished_in_june: Any) -> None:
    task = finished_in_june.task_id
    assert status_on(as_leader, task, "2024-06-05") == "not_started"
    assert status_on(as_leader, task, "2024-06-22") == "due_soon"
    assert status_on(as_leader, task, "2024-06-26") == "done"
    assert status_on(as_leader, task, "26/06/2024") == "done"


def test_reports_written_after_the_date_are_hidden(as_leader: Any,
                                                   finished_in_june: Any) -> None:
    url = reverse("web:task", args=[finished_in_june.task_id])
    before = as_leader.get(url + "?as_of=2024-06-01")
    assert "Đã ban hành báo cáo đánh giá" not in before.content.decode()
    assert before.context["hidden_reports"] == 1
    after = as_leader.get(url + "?as_of=2024-07-01")
    assert "Đã ban hành báo cáo đánh giá" in after.content.decode()


def test_the_overview_counts_on_the_date(as_leader: Any, finished_in_june: Any) -> None:
    before = as_leader.get(reverse("web:overview") + "?as_of=2024-06-01").context["view"]
    after = as_leader.get(reverse("web:overview") + "?as_of=2024-07-01").context["view"]
    assert before.counts["done"] == 0
    assert after.counts["done"] == 1
    assert [m for m, _due, done, *_totals in after.months if done] == ["2024-06"]


def test_every_page_takes_the_date_and_its_links_keep_it(
        as_leader: Any, finished_in_june: Any) -> None:
    agency = finished_in_june.agency_id
    plan = finished_in_june.task.plan_id
    for url in (reverse("web:overview"), reverse("web:plans"), reverse("web:plan", args=[plan]),
                reverse("web:agencies"), reverse("web:agency", args=[agency]),
                reverse("web:timeline"), reverse("web:search") + "?q=a&",
                reverse("web:task", args=[finished_in_june.task_id])):
        sep = "&" if "?" in url else "?"
        page = as_leader.get(f"{url}{sep}as_of=2024-06-01")
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "01/06/2024" in text, url
        assert "as_of=2024-06-01" in text, url


def test_an_invalid_date_shows_today_with_a_warning(as_leader: Any,
                                                    published_plan: Any) -> None:
    page = as_leader.get(reverse("web:overview") + "?as_of=hom-qua")
    assert page.status_code == 200
    assert "Ngày xem không hợp lệ" in page.content.decode()


def odd_day_pages(plan: Any, agency: Any, task_id: int) -> list[str]:
    """Every page that reads `?as_of=` (the issue's probes and their neighbours)."""
    return [
        reverse("web:overview"), reverse("web:plans"), reverse("web:plan", args=[plan.pk]),
        reverse("web:task", args=[task_id]), reverse("web:agencies"),
        reverse("web:agency", args=[agency.pk]), reverse("web:timeline"),
        reverse("web:search") + "?q=chuyen",
        reverse("outputs:report", args=[plan.pk, "pdf"]),
        reverse("outputs:report", args=[plan.pk, "html"]),
        reverse("outputs:export", args=[plan.pk]),
    ]


@pytest.mark.parametrize("day", ["9999-12-30", "9999-12-31", "9000-12-31", "0001-01-01",
                                 "1899-12-31", "31/12/9999"])
def test_as_of_far_from_today_is_refused_not_a_500_nor_slow(
        client: Any, coordinator: Any, published_plan: Any, agency_b: Any, day: str) -> None:
    import time

    from tests.web.conftest import login

    login(client, coordinator)
    task = published_plan.tasks.order_by("order").first()
    for url in odd_day_pages(published_plan, agency_b, task.pk):
        started = time.process_time()
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}as_of={day}")
        spent = time.process_time() - started
        assert response.status_code in (200, 400), (url, response.status_code)
        assert spent < 2, (url, spent)
        body = response.content.decode()
        if response.status_code == 400:
            # The documents read ISO dates only: 31/12/9999 is refused as malformed there.
            assert "01/01/2000" in body or "ngày không hợp lệ" in body, (url, body[:200])
        else:
            assert "ngoài khoảng cho phép" in body, url


def test_as_of_inside_the_bounds_is_still_honoured(as_leader: Any, finished_in_june: Any) -> None:
    response = as_leader.get(reverse("web:overview") + "?as_of=2000-01-01")
    assert response.status_code == 200
    assert response.context["as_of"].isoformat() == "2000-01-01"
