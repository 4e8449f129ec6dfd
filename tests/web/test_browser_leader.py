"""A leader's and the public's pages in headless Chromium (see test_browser.py): the
question box, the overview's pictures, a plan's public progress page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import SHOTS, browser, log_in, shot, web  # noqa: F401 - fixtures
from theodoi.registry import load_registry
from theodoi.tracking.models import Agency

pytestmark = pytest.mark.slow


def test_a_leader_asks_in_vietnamese_and_gets_the_list_with_its_filters(
        web: Any, published_plan: Any, leader: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("theodoi.web.preview.registry", load_registry)
    Agency.objects.filter(registry_id="bo-a").update(registry_id="bo-ca", name="Bộ Công an")
    page = web
    log_in(page, "leader")
    assert page.locator(".province-grid .tile").count() == 34
    assert page.locator("#completions").count() == 1
    shot(page, "ask-01-overview")
    page.fill("#ask-q", "Nhiệm vụ nào của Bộ Công an quá hạn?")
    page.click("form.ask-box button[type=submit]")
    page.wait_for_url("**/search/**")
    assert "được hiểu là" in page.locator(".messages").inner_text()
    # The filters are those of the search form: shown, and changeable there.
    assert page.locator("select[name=status]").input_value() == "overdue"
    assert page.locator("#id_agency").input_value() == "Bộ Công an"
    shot(page, "ask-02-search-with-filters")
    page.goto(page.base + "/ask/?q=" + "Tỉnh nào chưa báo cáo quý II năm 2024?")
    assert page.locator("table.list tbody tr").count() >= 1
    shot(page, "ask-03-unreported")


def test_a_coordinator_opens_the_public_page_and_anyone_reads_it(
        web: Any, published_plan: Any, coordinator: Any, browser: Any,  # noqa: F811
        live_server: Any) -> None:
    page = web
    log_in(page, "coordinator")
    page.goto(f"{page.base}/plans/{published_plan.pk}/")
    page.click("form.public-link button")
    page.wait_for_selector("text=Đã công khai tiến độ kế hoạch")
    link = page.locator("p.public-link a").get_attribute("href")
    # A visitor with no account, on a phone.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    public = visitor.new_page()
    public.goto(live_server.url + link)
    assert public.locator("h1").inner_text() == "Kế hoạch thử nghiệm năm 2024"
    assert public.locator("nav.main").count() == 0
    assert public.locator("table.list").nth(1).locator("tbody tr").count() >= 5
    public.screenshot(path=str(SHOTS / "public-plan-phone.png"), full_page=True)
    visitor.close()


def test_the_agency_box_suggests_a_few_names_as_one_types(
        web: Any, published_plan: Any, leader: Any) -> None:  # noqa: F811
    page = web
    log_in(page, "leader")
    page.goto(page.base + "/search/")
    page.locator("#id_agency").press_sequentially("tinh b", delay=30)
    page.locator("#agency-suggestions option").first.wait_for(state="attached")
    options = page.locator("#agency-suggestions option")
    assert options.evaluate_all("os => os.map(o => o.value)") == ["Ủy ban nhân dân tỉnh B"]
    shot(page, "search-agency-suggestions")
    # What a pick leaves in the box is a name the server reads back to the agency.
    page.fill("input[name=agency]", options.first.get_attribute("value"))
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**agency=**")
    assert page.locator("table.list tbody tr").count() == 3
    assert page.locator("#id_agency").input_value() == "Ủy ban nhân dân tỉnh B"
