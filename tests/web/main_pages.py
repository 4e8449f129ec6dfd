"""The main pages, one line each, with the data that fills them: the phone, print and
accessibility tests walk this one table (a new page is one more line in PAGES).

The data is the small plan published, a pending report with a long link on a task (so the
coordinator sees the review form), a draft to review, a correction waiting to be applied and
an import still reading.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.conftest import assignment_of

LONG_LINK = ("https://vanban.chinhphu.vn/he-thong-van-ban/van-ban-quy-pham-phap-luat/"
             "nghi-dinh-so-47-2024-ND-CP-ve-co-che-thu-nghiem-co-kiem-soat.html")


@dataclass(frozen=True)
class MainPage:
    name: str
    user: str | None  # who looks at it (a fixture's username); None: signed out
    path: str  # formatted with the ids of `page_data`


PAGES = [
    MainPage("login", None, "/login/"),
    MainPage("overview", "coordinator", "/"),
    MainPage("plan-list", "coordinator", "/plans/"),
    MainPage("plan-detail", "coordinator", "/plans/{plan}/"),
    MainPage("plan-review", "coordinator", "/plans/{draft}/review/"),
    MainPage("task-edit", "coordinator", "/plans/{draft}/tasks/{draft_task}/edit/"),
    MainPage("task-detail", "coordinator", "/tasks/{task}/"),
    MainPage("report-form", "reporter-a", "/assignments/{assignment}/report/"),
    MainPage("agency-list", "coordinator", "/agencies/"),
    MainPage("agency-detail", "reporter-a", "/agencies/{agency}/"),
    MainPage("timeline", "coordinator", "/timeline/?by=month"),
    MainPage("search", "coordinator", "/search/?q=chuyen+doi+so"),
    MainPage("import-upload", "coordinator", "/plans/import/"),
    MainPage("import-job", "coordinator", "/imports/{job}/"),
    MainPage("correction-upload", "coordinator", "/plans/{plan}/correct/"),
    MainPage("correction", "coordinator", "/corrections/{correction}/"),
    MainPage("excel-import", "reporter-a", "/documents/import/"),
    MainPage("indicators", "coordinator", "/indicators/"),
    MainPage("indicator-upload", "coordinator", "/indicators/import/"),
    MainPage("indicator-preview", "coordinator", "/indicators/import/{indicator_import}/"),
    MainPage("password-change", "reporter-a", "/account/password/change/"),
]


def page_id(page: MainPage) -> str:
    return page.name


@pytest.fixture
def page_data(published_plan: Any, draft_plan: Any, coordinator: Any, reporter_a: Any,
              leader: Any, small_plan_json: Any) -> dict[str, Any]:
    """Every main page filled: the ids their paths need."""
    from theodoi.tracking import services
    from theodoi.web import imports

    assignment = assignment_of(published_plan, reporter_a.profile.agency, "II.2")
    services.submit_report(assignment, reporter_a, status="in_progress", percent=30,
                           text="Đã trình dự thảo Nghị định.", links=[LONG_LINK])
    corrected = copy.deepcopy(small_plan_json)
    corrected["tasks"][4]["deadline"] = "Quý III"
    corrected["tasks"][4]["due"] = {"kind": "quarter", "on": "2024-09-30"}
    done = imports.Job.objects.create(
        id="corrected", user=coordinator, names=["ke-hoach-sua-doi-lan-2.docx"],
        plan_id=published_plan.pk, state=imports.DONE, result=corrected)
    correction = imports.finish(coordinator, done)
    reading = imports.Job.objects.create(
        id="reading", user=coordinator, phase="reading", state=imports.RUNNING,
        names=["quyet-dinh-so-58-QD-UBQGCDS-ke-hoach-chuyen-doi-so-nam-2024.pdf",
               "phu-luc-danh-muc-nhiem-vu.docx"])
    # A DTI ranking imported and mapped to a target (the plan page shows it), and a second
    # file waiting in its preview with a row not understood.
    from pathlib import Path

    from theodoi.tracking.models import Indicator
    from theodoi.tracking.services import indicators

    ranking = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "dti_2022_tinh.csv"
    record, _ = indicators.start_import(coordinator, ranking.read_bytes(), ranking.name)
    indicators.confirm_import(coordinator, record)
    indicators.map_indicator(coordinator, Indicator.objects.get(code="dti"),
                             published_plan.targets.get(unit="%"))
    waiting, _ = indicators.start_import(coordinator, (
        "Đơn vị,Kỳ,Chỉ số,Giá trị,Đơn vị tính\n"
        "Cả nước,Quý III/2024,Tỷ lệ hồ sơ trực tuyến toàn trình,45.5,%\n"
        "Tỉnh Không Có,Quý III/2024,Tỷ lệ hồ sơ trực tuyến toàn trình,30,%\n").encode(),
        "emc-quy-3-2024.csv")
    return {
        "indicator_import": waiting.pk,
        "plan": published_plan.pk,
        "draft": draft_plan.pk,
        "draft_task": draft_plan.tasks.order_by("order").first().pk,
        "task": assignment.task_id,
        "assignment": assignment.pk,
        "agency": reporter_a.profile.agency.pk,
        "job": reading.pk,
        "correction": correction.pk,
    }


def url_of(page: MainPage, data: dict[str, Any]) -> str:
    return page.path.format(**data)
