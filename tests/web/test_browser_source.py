"""The "Nguồn" block in headless Chromium: the crop of the task's PDF row loads on its page
and on the review page beside an uncertain row (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import browser, log_in, shot, web  # noqa: F401 (fixtures)
from tests.web.test_source import draft, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def loaded_crops(page: Any) -> list[int]:
    """The drawn width of each source crop on the page (0 for one that did not load)."""
    return page.eval_on_selector_all(
        "img.source-crop", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_the_task_page_and_the_review_page_show_the_rows_crop(
        web: Any, published: Any, draft: Any, coordinator: Any,  # noqa: F811
) -> None:
    log_in(web, "coordinator")
    task = published.tasks.get(code="I.1")
    web.goto(f"{web.base}/tasks/{task.pk}/")
    web.wait_for_load_state("networkidle")
    assert web.locator("text=Nguồn").count() >= 1
    widths = loaded_crops(web)
    assert len(widths) == 1 and widths[0] > 1000  # the row across a landscape page, 144 dpi
    shot(web, "source-task")
    web.goto(f"{web.base}/plans/{draft.pk}/review/")
    web.wait_for_load_state("networkidle")
    assert [w > 1000 for w in loaded_crops(web)] == [True]  # I.1; I.2 is a DOCX row's text
    shot(web, "source-review")
