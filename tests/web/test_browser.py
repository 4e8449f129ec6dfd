"""The pages in headless Chromium (Debian's, driven by Playwright; no browser download):
log in, import and publish a sample plan, report with a file, see the overview change.

Screenshots go to artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import seed_path
from tests.web.conftest import assignment_of

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("THEODOI_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "pw-for-tests"  # noqa: S105 - the test users' password (tests/conftest_django.py)
# Reading the longest sample takes minutes on a busy machine.
IMPORT_TIMEOUT_MS = int(os.environ.get("THEODOI_IMPORT_TIMEOUT_MS", 15 * 60 * 1000))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup-system.sh (installs chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright keeps an event loop running in this thread; the tests still use the ORM
    # (and so does the database teardown) while it lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def web(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A fresh browser page on the live server."""
    settings.WEB_IMPORT_INLINE = False
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base = live_server.url
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, username: str) -> None:
    page.goto(page.base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def log_out(page: Any) -> None:
    page.click("header form[action='/logout/'] button")
    page.wait_for_url(re.compile(r".*/login/$"))


def count(page: Any, status: str) -> int:
    return int(page.locator(f".counts .count.st-{status} strong").inner_text())


def test_a_reporter_reports_with_a_file_and_the_overview_changes_once_accepted(
        web: Any, published_plan: Any, reporter_a: Any, coordinator: Any, leader: Any,
        tmp_path: Path) -> None:
    page = web
    page.goto(page.base + "/")
    assert "/login/" in page.url
    shot(page, "01-login")

    log_in(page, "leader")
    shot(page, "02-overview-before")
    done_before = count(page, "done") + count(page, "done_late")
    log_out(page)

    log_in(page, "reporter-a")
    page.click("nav.main >> text=Đơn vị của tôi")
    page.wait_for_selector("h1:has-text('Bộ A')")
    shot(page, "03-agency-page")
    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    page.goto(f"{page.base}/assignments/{assignment.pk}/report/")
    evidence = tmp_path / "to-trinh-nghi-dinh.txt"
    evidence.write_text("Tờ trình Nghị định về cơ chế thử nghiệm", encoding="utf-8")
    page.select_option("select[name=status]", "done")
    page.fill("input[name=percent]", "100")
    page.fill("textarea[name=text]", "Nghị định đã được ban hành.")
    page.fill("textarea[name=links]", "https://vanban.chinhphu.vn/nghi-dinh")
    page.set_input_files("input[name=files]", str(evidence))
    shot(page, "04-report-form")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo")
    assert page.locator(f"#assignment-{assignment.pk} .report").count() == 1
    with page.expect_download() as download:
        page.click("text=to-trinh-nghi-dinh.txt")
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("Tờ trình")
    shot(page, "05-task-with-pending-report")
    log_out(page)

    log_in(page, "coordinator")
    page.goto(f"{page.base}/tasks/{assignment.task_id}/")
    page.click(f"#assignment-{assignment.pk} button[value=accept]")
    page.wait_for_selector("text=Đã chấp nhận báo cáo")
    shot(page, "06-task-accepted")
    page.goto(page.base + "/")
    assert count(page, "done") + count(page, "done_late") == done_before + 1
    page.wait_for_function("document.querySelector('#completions') !== null")
    shot(page, "07-overview-after")

    page.click("header form.lang button")
    page.wait_for_selector("h1:has-text('National overview')")
    shot(page, "08-overview-english")
    page.click("header form.lang button")
    page.goto(page.base + "/timeline/?by=month")
    shot(page, "09-timeline")
    page.goto(page.base + "/search/?q=chuyen+doi+so")
    assert page.locator("table.list tbody tr").count() == 2
    shot(page, "10-search")


def test_a_coordinator_imports_and_publishes_a_sample_plan(
        web: Any, coordinator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from theodoi.tracking.models import Plan
    from theodoi.tracking.services import default_registry

    monkeypatch.setattr("theodoi.web.preview.registry", default_registry)
    page = web
    log_in(page, "coordinator")
    shot(page, "11-overview-empty")
    page.click("nav.main >> text=Nhập kế hoạch")
    page.set_input_files("input[name=files]", str(seed_path("000")))
    page.click("main button[type=submit]")
    page.wait_for_selector("#progress .steps")
    shot(page, "12-import-progress")
    page.wait_for_url(re.compile(r".*/plans/\d+/review/$"), timeout=IMPORT_TIMEOUT_MS)
    assert page.locator("table.list tbody tr[id^=task-]").count() >= 10
    shot(page, "13-review")
    page.click("#publish")
    page.wait_for_selector("#publish-preview")  # who will be given what, before publishing
    shot(page, "13b-publish-confirm")
    page.click("#publish-confirm")
    page.wait_for_selector("text=Đã ban hành kế hoạch")
    shot(page, "14-plan-published")
    plan = Plan.objects.get()
    assert plan.is_published
    assert plan.tasks.filter(assignments__isnull=False).exists()
    page.goto(page.base + "/")
    total = sum(count(page, s) for s in ("overdue", "due_soon", "awaiting_date", "in_progress",
                                         "not_started", "done_late", "done"))
    assert total == plan.tasks.filter(has_children=False).count()  # headings not counted
    shot(page, "15-overview-after-import")


def test_a_coordinator_reviews_from_the_queue_and_the_reporter_sees_the_return(
        web: Any, published_plan: Any, reporter_a: Any, reporter_b: Any,
        coordinator: Any) -> None:
    from theodoi.tracking import services
    from theodoi.tracking.models import ProgressReport

    agency_a, agency_b = reporter_a.profile.agency, reporter_b.profile.agency
    first = services.submit_report(assignment_of(published_plan, agency_a, "II.2"),
                                   reporter_a, status="done", percent=100)
    second = services.submit_report(assignment_of(published_plan, agency_b, "III.A.1"),
                                    reporter_b, status="in_progress", percent=60)
    redo = services.submit_report(assignment_of(published_plan, agency_a, "I.2"),
                                  reporter_a, status="done", percent=100)
    page = web
    log_in(page, "coordinator")
    assert page.locator("nav.main a[href='/queue/'] .badge").inner_text() == "3"
    page.click("nav.main >> text=Duyệt báo cáo")
    page.wait_for_selector("h1:has-text('Báo cáo chờ duyệt')")
    shot(page, "16-queue")
    page.check(f"#queue-{first.pk} input[name=report]")
    page.check(f"#queue-{second.pk} input[name=report]")
    page.click("#apply-selected")
    page.wait_for_selector("text=2 báo cáo đã chấp nhận")
    assert page.locator("tr[id^=queue-]").count() == 1
    page.fill(f"input[name=reason-{redo.pk}]", "Chưa có văn bản ban hành kế hoạch")
    page.click(f"#queue-{redo.pk} button[value='return:{redo.pk}']")
    page.wait_for_selector("text=1 báo cáo đã trả lại")
    shot(page, "17-queue-after")
    assert page.locator("nav.main a[href='/queue/'] .badge").count() == 0
    states = dict(ProgressReport.objects.values_list("pk", "review_state"))
    assert (states[first.pk], states[second.pk], states[redo.pk]) == (
        "accepted", "accepted", "returned")
    log_out(page)

    log_in(page, "reporter-a")
    page.wait_for_selector("h1:has-text('Việc cần làm')")
    assert page.locator("header a.notices .badge").inner_text() == "2"
    returned = page.locator("#returned")
    assert "Chưa có văn bản ban hành kế hoạch" in returned.inner_text()
    assert "I.2" in returned.inner_text()
    assert "II.2" in page.locator("#accepted").inner_text()
    shot(page, "18-reporter-landing")
    page.click("header a.notices")
    page.wait_for_selector("h1:has-text('Thông báo')")
    page.click("#all-read")
    page.wait_for_selector("text=Đã đánh dấu 2 thông báo")
    assert page.locator("header a.notices .badge").count() == 0
    shot(page, "19-notices-read")
    page.click("nav.main >> text=Tổng quan")
    page.wait_for_selector("h1:has-text('Tổng quan toàn quốc')")
