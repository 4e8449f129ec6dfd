"""The same work given twice to one agency: proposed from the texts (the threshold measured on
the gold plans), decided by a coordinator, and then one report answers both tasks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.conftest import gold_plan
from theodoi.registry import load_registry
from theodoi.tracking.models import Assignment, ProgressReport, TaskLink
from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report
from theodoi.tracking.services.links import (
    DUPLICATE_FROM,
    decide_link,
    duplicates_of,
    propose_duplicates,
)
from theodoi.tracking.similarity import Corpus

DATA = Path(__file__).resolve().parent.parent / "data"


def text(task: dict[str, Any]) -> str:
    return " ".join(p for p in (task["name"], task.get("detail"), task.get("result")) if p)


def gold_plans() -> dict[str, list[dict[str, Any]]]:
    """Every hand-checked plan's tasks, by name (the full NQ 03 only: its appendix repeats it)."""
    plans = {p.name[:3]: json.loads(p.read_text(encoding="utf-8"))["tasks"]
             for p in sorted((DATA / "gold").glob("*.json"))}
    for folder in sorted(p.parent for p in (DATA / "corpus").glob("*/gold.json")):
        if folder.name != "nq-03-cp-2025":
            plans[folder.name] = json.loads((folder / "gold.json").read_text("utf-8"))["tasks"]
    return plans


def alike_pairs(tasks: list[dict[str, Any]], at_least: float) -> dict[tuple[str, str], float]:
    """The pairs of distinct tasks of one plan sharing a printed lead, at least this alike."""
    corpus = Corpus([text(t) for t in tasks])
    out = {}
    for i, task in enumerate(tasks):
        for j, score in corpus.best(text(task), limit=len(tasks)):
            if j > i and score >= at_least and set(task["lead"]) & set(tasks[j]["lead"]):
                out[(task["code"], tasks[j]["code"])] = round(score, 2)
    return out


def test_the_threshold_separates_distinct_work_of_one_lead_in_the_gold_plans() -> None:
    """Over the 18 gold plans, the only pairs of one lead's tasks at the threshold are printed
    (nearly) word for word twice: Lai Châu names two decrees under both "comment on the
    draft" and "apply once issued", Hồ Chí Minh City two planning databases differing by one
    phrase. A coordinator sees exactly those. Two stages of one work ("Xây dựng Đề án X" /
    "Tổ chức thực hiện Đề án X", 0.70) are two tasks and stay under it."""
    found = {(name, a, b) for name, tasks in gold_plans().items()
             for (a, b) in alike_pairs(tasks, DUPLICATE_FROM)}
    assert found == {
        ("kh-ubnd-lai-chau-7360-2025", "II.3.1.a", "II.3.2.a"),
        ("kh-ubnd-lai-chau-7360-2025", "II.3.1.b", "II.3.2.b"),
        ("qd-ubnd-hcm-2820-2025", "III.1", "III.2"),
    }
    stages = alike_pairs(gold_plans()["001"], 0.5)
    assert 0.65 < stages[("IV.B.5", "IV.B.6")] < DUPLICATE_FROM


def test_the_same_task_read_twice_is_above_the_threshold() -> None:
    """QĐ 58/QĐ-UBQGCĐS read twice (samples 001 and 003): each task of one reading is the
    same work as the task with its code in the other, and scores above the threshold."""
    first, second = gold_plan("001")["tasks"], gold_plan("003")["tasks"]
    corpus = Corpus([text(t) for t in first + second])
    twins = {t["code"]: i for i, t in enumerate(second, start=len(first))}
    scores = [dict(corpus.best(text(t), limit=len(first) + len(second))).get(twins[t["code"]], 0)
              for t in first if t["code"] in twins]
    assert len(scores) == len(second) and min(scores) >= DUPLICATE_FROM


@pytest.mark.django_db
def test_duplicates_are_proposed_across_plans_of_one_issuer_with_one_lead(
        coordinator: Any) -> None:
    registry = load_registry()
    second = gold_plan("003")
    second["source"], second["plan"]["number"] = "003-again.txt", "59/QĐ-UBQGCĐS"
    plans = [publish_plan(import_plan(data, user=coordinator), user=coordinator,
                          registry=registry) for data in (gold_plan("001"), second)]
    made = propose_duplicates(plans[1], user=coordinator)
    links = list(TaskLink.objects.filter(kind="duplicate").select_related("task", "parent"))
    assert made == len(links) >= 30
    assert all(link.task.code == link.parent.code for link in links)
    assert {link.task.plan_id for link in links} == {plans[0].pk}  # the older row first
    assert propose_duplicates(plans[0], user=coordinator) == 0  # each pair once
    assert not TaskLink.objects.filter(kind="implements").exists()


def twin_plans(coordinator: Any, registry: Any, small_plan_json: dict[str, Any]) -> list:
    """The small plan imported twice by its issuer (a second plan repeating the first)."""
    again = copy.deepcopy(small_plan_json)
    again["source"], again["plan"]["number"] = "again.txt", "2/QĐ-TEST"
    return [publish_plan(import_plan(data, user=coordinator), user=coordinator,
                         registry=registry) for data in (small_plan_json, again)]


@pytest.mark.django_db
def test_a_report_on_one_confirmed_duplicate_is_recorded_on_the_other(
        coordinator: Any, reporter_a: Any, fake_registry: Any,
        small_plan_json: dict[str, Any]) -> None:
    first, second = twin_plans(coordinator, fake_registry, small_plan_json)
    assert propose_duplicates(second, user=coordinator) >= 1
    link = TaskLink.objects.get(kind="duplicate", task__code="II.2", parent__code="II.2")
    rejected = TaskLink.objects.filter(kind="duplicate").exclude(pk=link.pk).first()
    decide_link(link, user=coordinator, confirm=True)
    if rejected is not None:
        decide_link(rejected, user=coordinator, confirm=False)
    assert duplicates_of(link.task) == [link.parent]
    link.task.refresh_from_db()
    assert link.task.duplicated  # what submit_report reads to look no further
    mine = Assignment.objects.get(task=link.task, agency=reporter_a.profile.agency)
    theirs = Assignment.objects.get(task=link.parent, agency=reporter_a.profile.agency)
    report = submit_report(mine, reporter_a, status="done", percent=100, text="Đã ban hành.",
                           links=["https://a.vn/nd"],
                           files=[ContentFile(b"%PDF-1.4 nghi dinh", name="nghi-dinh.pdf")])
    [recorded] = ProgressReport.objects.filter(assignment=theirs)
    assert (recorded.same_as, recorded.status, recorded.text, recorded.links) == (
        report, "done", "Đã ban hành.", ["https://a.vn/nd"])
    [shared] = recorded.files.all()
    assert shared.file.name == report.files.get().file.name  # one stored file
    assert ProgressReport.objects.filter(assignment=mine).count() == 1  # not copied back
    review_report(report, coordinator, accept=True)
    recorded.refresh_from_db()
    theirs.refresh_from_db()
    assert recorded.review_state == "accepted" and theirs.status in ("done", "done_late")
    # A rejected pair, or a task that is no one's duplicate, takes no copy.
    other = Assignment.objects.get(task__plan=first, task__code="I.1",
                                   agency=reporter_a.profile.agency)
    submit_report(other, reporter_a, status="in_progress", percent=10, text="Đang họp.")
    assert not ProgressReport.objects.filter(assignment__task__plan=second,
                                             assignment__task__code="I.1").exists()
    decide_link(link, user=coordinator, confirm=False)  # changed their mind
    link.task.refresh_from_db()
    assert not link.task.duplicated


@pytest.mark.django_db
def test_a_copy_saying_nothing_new_does_not_stop_the_report(
        coordinator: Any, reporter_a: Any, fake_registry: Any,
        small_plan_json: dict[str, Any]) -> None:
    _first, second = twin_plans(coordinator, fake_registry, small_plan_json)
    propose_duplicates(second, user=coordinator)
    link = TaskLink.objects.get(kind="duplicate", task__code="II.2")
    theirs = Assignment.objects.get(task=link.parent, agency=reporter_a.profile.agency)
    submit_report(theirs, reporter_a, status="in_progress", percent=30, text="Dự thảo.")
    decide_link(link, user=coordinator, confirm=True)
    mine = Assignment.objects.get(task=link.task, agency=reporter_a.profile.agency)
    report = submit_report(mine, reporter_a, status="in_progress", percent=30)
    assert report.pk and ProgressReport.objects.filter(assignment=theirs).count() == 1


@pytest.mark.django_db
def test_the_coordinator_decides_duplicates_on_their_page(
        coordinator: Any, leader: Any, fake_registry: Any, small_plan_json: dict[str, Any],
        client: Any) -> None:
    _first, second = twin_plans(coordinator, fake_registry, small_plan_json)
    client.force_login(coordinator)
    url = reverse("web:plan-duplicates", args=[second.pk])
    client.post(reverse("web:propose-duplicates", args=[second.pk]))
    page = client.get(url).content.decode()
    assert "Ban hành Nghị định về cơ chế thử nghiệm" in page
    link = TaskLink.objects.get(kind="duplicate", task__code="II.2")
    answer = client.post(reverse("web:decide-link", args=[link.pk]),
                         {"decision": "confirm", "plan": second.pk})
    assert answer.url == url
    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("confirmed", coordinator)
    task_page = client.get(reverse("web:task", args=[link.task_id])).content.decode()
    assert "Trùng với nhiệm vụ" in task_page and "2/QĐ-TEST" in task_page
    client.force_login(leader)
    assert client.get(url).status_code == 403



@pytest.mark.django_db
def test_reports_on_two_duplicates_lock_both_tasks_first_in_id_order(
        coordinator: Any, reporter_a: Any, fake_registry: Any,
        small_plan_json: dict[str, Any]) -> None:
    """Regression: a report on the newer of two duplicates locked its own task, then its
    copy locked the older one; a report on the older at the same moment took them the other
    way round, and PostgreSQL killed one with a deadlock. Both now lock the pair first, in
    id order, so one waits for the other."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _first, second = twin_plans(coordinator, fake_registry, small_plan_json)
    propose_duplicates(second, user=coordinator)
    link = TaskLink.objects.get(kind="duplicate", task__code="II.2", parent__code="II.2")
    decide_link(link, user=coordinator, confirm=True)
    older, newer = sorted([link.task_id, link.parent_id])
    for task_id, percent in ((newer, 20), (older, 40)):
        mine = Assignment.objects.select_related("task", "agency").get(
            task_id=task_id, agency=reporter_a.profile.agency)
        with CaptureQueriesContext(connection) as seen:
            report = submit_report(mine, reporter_a, status="in_progress", percent=percent,
                                   text=f"Đạt {percent}%.")
        first_lock = next(q["sql"] for q in seen.captured_queries
                          if 'FROM "tracking_task"' in q["sql"])
        # The first task statement takes both rows, ordered by id.
        assert f"IN ({older}, {newer})" in first_lock and "ORDER BY" in first_lock
        if connection.vendor == "postgresql":
            assert "FOR UPDATE" in first_lock
        assert report.copies.count() == 1
    # A review of a report with copies locks the pair the same way.
    with CaptureQueriesContext(connection) as seen:
        review_report(report, coordinator, accept=True)
    locks = [q["sql"] for q in seen.captured_queries
             if 'FROM "tracking_task"' in q["sql"] and "ORDER BY" in q["sql"]]
    assert locks and f"IN ({older}, {newer})" in locks[0]
