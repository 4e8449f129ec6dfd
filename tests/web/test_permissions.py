"""Every role against every page and every write: who gets 200, who 403, and that a refused
write leaves nothing behind."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest_django import make_user
from tests.web.conftest import assignment_of
from theodoi.tracking import services
from theodoi.tracking.models import DeadlineChange, Plan, PlanFile, ProgressReport
from theodoi.web import imports
from theodoi.web.models import PlanImport

ROLES = ("anonymous", "outsider", "leader", "reporter_a", "reporter_b", "coordinator")
READERS = {"leader", "reporter_a", "reporter_b", "coordinator"}


@pytest.fixture
def world(published_plan: Any, draft_plan: Any, agency_a: Any, agency_b: Any,
          coordinator: Any, leader: Any, reporter_a: Any, reporter_b: Any,
          outsider: Any) -> dict[str, Any]:
    """Both plans, one report with a file by agency A, and a user per role."""
    mine = assignment_of(published_plan, agency_a, "II.2")
    theirs = assignment_of(published_plan, agency_b, "III.A.1")
    report = services.submit_report(
        mine, reporter_a, status="in_progress", percent=20, text="Đang làm",
        files=[SimpleUploadedFile("bien-ban.txt", b"bien ban")])
    plan_file = PlanFile.objects.create(
        plan=published_plan, file=SimpleUploadedFile("qd.txt", b"quyet dinh"), name="qd.txt")
    correction = PlanImport.objects.create(
        plan=published_plan, kind="correction", file_names=["qd-sua.txt"],
        plan_json=published_plan.plan_json, created_by=coordinator)
    job = imports.Job.objects.create(id=f"job-{coordinator.pk}", user_id=coordinator.pk,
                                     names=["qd.txt"], state=imports.FAILED, error="Tệp rỗng")
    return {
        "plan_file": plan_file, "correction": correction, "job": job,
        "plan": published_plan, "draft": draft_plan, "mine": mine, "theirs": theirs,
        "report": report, "evidence": report.files.get(), "task": mine.task,
        "users": {"coordinator": coordinator, "leader": leader, "reporter_a": reporter_a,
                  "reporter_b": reporter_b, "outsider": outsider},
    }


def client_for(client: Any, world: dict[str, Any], role: str) -> Any:
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


READ_PAGES = {
    "overview": lambda w: reverse("web:overview"),
    "plans": lambda w: reverse("web:plans"),
    "plan": lambda w: reverse("web:plan", args=[w["plan"].pk]),
    "task": lambda w: reverse("web:task", args=[w["task"].pk]),
    "agencies": lambda w: reverse("web:agencies"),
    "agency": lambda w: reverse("web:agency", args=[w["mine"].agency_id]),
    "timeline": lambda w: reverse("web:timeline"),
    "search": lambda w: reverse("web:search") + "?q=ke+hoach",
    "evidence": lambda w: reverse("web:evidence-file", args=[w["evidence"].pk]),
    "plan overview": lambda w: reverse("web:overview") + f"?plan={w['plan'].pk}",
    "plan file": lambda w: reverse("web:plan-file", args=[w["plan_file"].pk]),
    "national overview": lambda w: reverse("web:national"),
    "notices": lambda w: reverse("web:notices"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(READ_PAGES))
def test_reading_pages_need_a_role(client: Any, world: dict[str, Any], role: str,
                                   page: str) -> None:
    response = client_for(client, world, role).get(READ_PAGES[page](world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    elif page == "evidence" and role == "reporter_b":
        # An agency's evidence is for those working on the task (II.2: Bộ A and partners
        # without tỉnh B), the coordinators and the leaders.
        assert response.status_code == 403
    elif role in READERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


COORDINATOR_PAGES = {
    "import": lambda w: reverse("web:import"),
    "review draft": lambda w: reverse("web:plan-review", args=[w["draft"].pk]),
    "draft plan": lambda w: reverse("web:plan", args=[w["draft"].pk]),
    "edit draft task": lambda w: reverse(
        "web:task-edit", args=[w["draft"].pk, w["draft"].tasks.first().pk]),
    "import correction": lambda w: reverse("web:import-correction", args=[w["plan"].pk]),
    "draft overview": lambda w: reverse("web:overview") + f"?plan={w['draft'].pk}",
    "import job": lambda w: reverse("web:import-job", args=[w["job"].id]),
    "correction": lambda w: reverse("web:correction", args=[w["correction"].pk]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(COORDINATOR_PAGES))
def test_import_pages_and_drafts_are_for_coordinators(client: Any, world: dict[str, Any],
                                                      role: str, page: str) -> None:
    response = client_for(client, world, role).get(COORDINATOR_PAGES[page](world), follow=True)
    if role == "anonymous":
        assert response.redirect_chain[0][0].startswith(reverse("web:login"))
    elif role == "coordinator":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


REPORT_FORM = {"status": "in_progress", "percent": "40", "text": "Tiến độ tốt"}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agency_and_coordinators_report_on_an_assignment(
        client: Any, world: dict[str, Any], role: str) -> None:
    url = reverse("web:report", args=[world["mine"].pk])
    before = ProgressReport.objects.count()
    c = client_for(client, world, role)
    get, post = c.get(url), c.post(url, REPORT_FORM)
    allowed = role in ("reporter_a", "coordinator")
    if role == "anonymous":
        assert (get.status_code, post.status_code) == (302, 302)
    elif allowed:
        assert get.status_code == 200
        assert post.status_code == 302
    else:
        assert (get.status_code, post.status_code) == (403, 403)
    assert ProgressReport.objects.count() == before + (1 if allowed else 0)


def test_a_reporter_typing_another_agencys_assignment_gets_403_and_writes_nothing(
        client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["reporter_a"])
    url = reverse("web:report", args=[world["theirs"].pk])
    before = ProgressReport.objects.count()
    upload = SimpleUploadedFile("x.txt", b"x")
    assert client.get(url).status_code == 403
    assert client.post(url, {**REPORT_FORM, "files": upload}).status_code == 403
    assert ProgressReport.objects.count() == before
    task_page = client.get(reverse("web:task", args=[world["theirs"].task_id]))
    assert reverse("web:report", args=[world["theirs"].pk]).encode() not in task_page.content


def test_a_missing_assignment_is_404(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["reporter_a"])
    assert client.get(reverse("web:report", args=[999999])).status_code == 404


def _writes(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any], Any]]:
    """Each coordinator-only write: (url, form, a function counting what it writes)."""
    plan, draft, report, task = world["plan"], world["draft"], world["report"], world["task"]
    return {
        "accept report": (reverse("web:review", args=[report.pk]), {"decision": "accept"},
                          lambda: ProgressReport.objects.exclude(review_state="pending").count()),
        "return report": (reverse("web:review", args=[report.pk]),
                          {"decision": "return", "reason": "Thiếu minh chứng"},
                          lambda: ProgressReport.objects.exclude(review_state="pending").count()),
        "set date": (reverse("web:task-date", args=[task.pk]),
                     {"on": "30/09/2024", "reason": "Theo kế hoạch được duyệt"},
                     DeadlineChange.objects.count),
        "publish": (reverse("web:publish", args=[draft.pk]), {},
                    lambda: Plan.objects.filter(status="published").count()),
        "delete draft": (reverse("web:plan-delete", args=[draft.pk]), {},
                         lambda: Plan.objects.filter(pk=draft.pk).count() * -1),
        "choose agencies": (reverse("web:choose-agencies", args=[plan.pk]),
                            {"printed_name": "Hiệp hội Không Có", "agencies": "UBND tỉnh B"},
                            lambda: plan.tasks.filter(assignments__flag="chosen").count()),
        "edit draft task": (reverse("web:task-edit", args=[draft.pk, draft.tasks.first().pk]),
                            {"name": "Tên mới", "deadline": "Quý III"},
                            lambda: draft.tasks.filter(name="Tên mới").count()),
        "upload": (reverse("web:import"),
                   {"files": SimpleUploadedFile("a.txt", b"khong co gi")}, Plan.objects.count),
        "upload correction": (reverse("web:import-correction", args=[plan.pk]),
                              {"files": SimpleUploadedFile("a.txt", b"khong co gi")},
                              PlanImport.objects.count),
        "apply correction": (reverse("web:correction", args=[world["correction"].pk]), {},
                             lambda: PlanImport.objects.filter(applied_at__isnull=False).count()),
    }


WRITES = ("accept report", "return report", "set date", "publish", "delete draft",
          "choose agencies",
          "edit draft task", "upload", "upload correction", "apply correction")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES)
def test_coordinator_writes_are_refused_to_everyone_else(
        client: Any, world: dict[str, Any], role: str, write: str) -> None:
    url, form, written = _writes(world)[write]
    before = written()
    response = client_for(client, world, role).post(url, form)
    if role == "coordinator":
        assert response.status_code in (200, 302)
        if not write.startswith("upload"):  # a file that is no decision writes nothing
            assert written() == before + 1
        return
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert written() == before


def test_a_leader_sees_no_report_button_and_no_review_form(
        client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["users"]["leader"])
    page = client.get(reverse("web:task", args=[world["task"].pk])).content.decode()
    assert reverse("web:report", args=[world["mine"].pk]) not in page
    assert reverse("web:review", args=[world["report"].pk]) not in page


def test_an_inactive_user_is_sent_to_log_in(client: Any, world: dict[str, Any]) -> None:
    user = make_user("gone", "leader")
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.force_login(user)
    assert client.get(reverse("web:overview")).status_code in (302, 403)


def test_a_removed_task_cannot_be_reported_on(client: Any, world: dict[str, Any],
                                             coordinator: Any, small_plan_json: Any,
                                             fake_registry: Any) -> None:
    small_plan_json["tasks"] = [t for t in small_plan_json["tasks"] if t["code"] != "II.2"]
    services.reimport_plan(world["plan"], small_plan_json, coordinator,
                           registry=fake_registry, on=date(2024, 5, 1))
    client.force_login(world["users"]["reporter_a"])
    assert client.get(reverse("web:report", args=[world["mine"].pk])).status_code == 403
