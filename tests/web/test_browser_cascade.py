"""The national view of one task in headless Chromium (see test_browser.py): the tasks that
carry it by ministry and province, the provinces that have not, and its progress rolled up."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import browser, log_in, shot, web  # noqa: F401 - fixtures
from tests.web.test_cascade import CHILDREN, carry, cascade  # noqa: F401 - fixture
from theodoi.registry import load_registry
from theodoi.tracking.models import TaskLink
from theodoi.tracking.services import review_report, submit_report
from theodoi.tracking.services.links import decide_link

pytestmark = pytest.mark.slow


def test_a_leader_follows_a_national_task_through_the_plans_that_carry_it(
        web: Any, cascade: tuple[Any, Any], coordinator: Any, leader: Any) -> None:  # noqa: F811
    national, local = cascade
    task = national.tasks.get(code="1")
    link = TaskLink.objects.create(task=local.tasks.get(code="1"), parent=task)
    decide_link(link, user=coordinator, confirm=True)
    # The ministry's plan only: Nghệ An, given a part of the task, has no plan carrying it.
    [ministry_task] = carry(national, coordinator, load_registry(), CHILDREN[:1])
    report = submit_report(ministry_task.lead_assignments()[0], coordinator, status="done",
                           percent=100, text="Đã kết nối.")
    review_report(report, coordinator, accept=True)
    page = web
    log_in(page, "leader")
    page.goto(f"{page.base}/tasks/{task.pk}/")
    section = page.locator("section.cascade")
    assert "Được cụ thể hóa ở 2 kế hoạch" in section.locator("h2").first.inner_text()
    rows = section.locator("table.list").first.locator("tbody tr")
    assert rows.count() == 2
    assert any("Hoàn thiện, kết nối cơ sở dữ liệu dân cư" in r for r in rows.all_inner_texts())
    rollup = page.locator("#rollup")
    assert "50%" in rollup.locator("p").first.inner_text()  # done (100) and not started (0)
    assert "1/2" in rollup.inner_text()
    groups = rollup.locator("tbody tr").all_inner_texts()
    assert len(groups) == 2
    assert "Bộ Công an" in groups[0] and "bộ, ngành" in groups[0] and "100%" in groups[0]
    assert "Cần Thơ" in groups[1] and "tỉnh, thành phố" in groups[1] and "0%" in groups[1]
    missing = section.locator("p", has_text="Chưa cụ thể hóa")
    [province] = missing.locator("a").all_inner_texts()
    assert "Nghệ An" in province
    shot(page, "cascade-01-national-task")
    page.click(f"section.cascade a[href='/tasks/{ministry_task.pk}/']")
    assert "Thực hiện nhiệm vụ cấp trên" in page.locator("section.cascade").inner_text()
    shot(page, "cascade-02-child-task")
