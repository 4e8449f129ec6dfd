"""The question box and the overview's pictures in headless Chromium (see test_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import browser, log_in, shot, web  # noqa: F401 - fixtures
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
    chosen = page.locator("select[name=agency] option:checked").inner_text()
    assert chosen == "Bộ Công an"
    shot(page, "ask-02-search-with-filters")
    page.goto(page.base + "/ask/?q=" + "Tỉnh nào chưa báo cáo quý II năm 2024?")
    assert page.locator("table.list tbody tr").count() >= 1
    shot(page, "ask-03-unreported")
