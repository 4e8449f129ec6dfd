"""Publishing the sample plans with the real agency registry (`theodoi.registry`)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest_django import gold
from theodoi.tracking.models import Assignment
from theodoi.tracking.services import import_plan, publish_plan

registry_module = pytest.importorskip("theodoi.registry")

pytestmark = pytest.mark.django_db

PLAN_DATE = date(2024, 4, 19)  # 58/QĐ-UBQGCĐS
MIC = "Bộ Thông tin và Truyền thông"


@pytest.fixture(scope="module")
def registry():
    return registry_module.load_registry()


def current(registry, printed: str, on: date) -> list[str]:
    """The ids the registry says answer for `printed` (read on the plan's date) on `on`."""
    resolution = registry.resolve(printed, on=PLAN_DATE)
    return sorted({
        now.id
        for member in registry.expand(resolution, on=PLAN_DATE)
        for now in registry.expand(member, on=on) or [member]
    })


@pytest.mark.parametrize("on", [date(2024, 5, 1), date(2026, 1, 1)])
def test_a_ministry_task_is_answered_by_whoever_answers_for_it_on_the_publishing_date(
    coordinator, registry, on
):
    plan = import_plan(gold("001"), user=coordinator)
    publish_plan(plan, user=coordinator, on=on, registry=registry)
    lead = Assignment.objects.get(task__plan=plan, task__code="I.1", role="lead")
    assert lead.printed_name == MIC
    assert [lead.agency.registry_id] == current(registry, MIC, on)


def test_a_merged_ministry_is_answered_by_its_successor(coordinator, registry):
    before, after = current(registry, MIC, date(2024, 5, 1)), current(registry, MIC,
                                                                       date(2026, 1, 1))
    if before == after:
        pytest.skip("the registry records no change for the ministry")
    plan = import_plan(gold("001"), user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2026, 1, 1), registry=registry)
    lead = Assignment.objects.get(task__plan=plan, task__code="I.1", role="lead")
    assert lead.agency.registry_id in after
    assert lead.agency.registry_id not in before


def test_a_group_becomes_one_assignment_per_member(coordinator, registry):
    plan = import_plan(gold("001"), user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2026, 1, 1), registry=registry)
    rows = Assignment.objects.filter(task__plan=plan, task__code="I.2.1", is_active=True)
    expected = current(registry, "Các bộ, ngành, địa phương", date(2026, 1, 1))
    assert len(expected) > 30
    assert sorted(a.agency.registry_id for a in rows) == expected
    assert {a.printed_name for a in rows} == {"Các bộ, ngành, địa phương"}
    # Each member does its own part of the task, which rolls up from them.
    assert {(a.role, a.group_name) for a in rows} == {("lead", "Các bộ, ngành, địa phương")}
    task = rows[0].task
    task.refresh_from_db()
    assert task.lead_parts == len(expected)


def test_a_group_of_partners_is_listed_once_and_owes_nothing(coordinator, registry):
    plan = import_plan(gold("001"), user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2026, 1, 1), registry=registry)
    groups = Assignment.objects.filter(task__plan=plan, flag="group", is_active=True)
    assert groups.exists()
    for row in groups.select_related("task"):
        assert row.agency is None and row.role == "partner"
        # No member of the group was made a partner on its own.
        members = row.task.assignments.filter(printed_name=row.printed_name, is_active=True)
        assert list(members) == [row]


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_no_printed_name_is_lost(prefix, coordinator, registry):
    data = gold(prefix)
    plan = import_plan(data, user=coordinator)
    on = date(2026, 1, 1)
    publish_plan(plan, user=coordinator, on=on, registry=registry)
    rows = list(Assignment.objects.filter(task__plan=plan).select_related("task", "agency"))
    headings = set(plan.tasks.filter(has_children=True).values_list("code", flat=True))
    for task in data["tasks"]:
        if task["code"] in headings:
            continue  # a heading owes nothing: the rows under it do
        mine = [a for a in rows if a.task.code == task["code"]]
        agencies = {a.agency.registry_id for a in mine if a.agency}
        for printed in task["lead"] + task["partners"]:
            if any(a.printed_name == printed for a in mine):
                continue
            if not task["lead"]:
                continue  # names taken from the heading above
            # Another printed name of the row already brought the same agencies
            # ("Bộ Thông tin và Truyền thông" and "Bộ Khoa học và Công nghệ" after 2025).
            assert set(current(registry, printed, on)) <= agencies, (task["code"], printed)
    # Names with no agency are flagged, each with its reason.
    flags = {a.flag for a in rows if a.agency is None}
    assert flags <= {"unknown", "no_agency", "group"}
