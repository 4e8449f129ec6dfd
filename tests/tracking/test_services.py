"""The tracking services: import, publish, report, review, set a date, re-import."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from tests.conftest_django import SMALL_PLAN, FakeRegistry, gold
from tests.moments import local_time as at
from tests.moments import part_of as assignment_of
from theodoi.tracking.models import (
    Assignment,
    DeadlineChange,
    EvidenceFile,
    Plan,
    ProgressReport,
    Section,
    Target,
    TargetValue,
    Task,
)
from theodoi.tracking.services import (
    diff_plan,
    import_plan,
    name_group_members,
    publish_plan,
    reimport_plan,
    resolve_assignment,
    resolve_printed_name,
    review_report,
    set_task_date,
    submit_report,
    task_to_plan_json,
)

pytestmark = pytest.mark.django_db


# -- import -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_every_sample_plan_imports_as_a_draft_with_every_task_and_target(prefix, coordinator):
    data = gold(prefix)
    plan = import_plan(data, user=coordinator)
    assert plan.status == Plan.Status.DRAFT
    assert plan.year == data["plan"]["year"]
    assert [t.code for t in plan.tasks.all()] == [t["code"] for t in data["tasks"]]
    assert plan.targets.count() == len(data["targets"])
    assert not Assignment.objects.filter(task__plan=plan).exists()


@pytest.mark.parametrize("prefix", ["000", "001", "004"])
def test_an_imported_task_gives_back_its_plan_json(prefix, coordinator):
    data = gold(prefix)
    plan = import_plan(data, user=coordinator)
    stored = [task_to_plan_json(t) for t in plan.tasks.all()]
    expected = [{k: t[k] for k in stored[0]} for t in data["tasks"]]
    assert stored == expected


def test_import_keeps_the_header_and_the_source_files(coordinator):
    files = [ContentFile(b"%PDF-1.4 ...", name="58-QD.pdf"), ContentFile(b"x", name="phu-luc.docx")]
    plan = import_plan(gold("001"), files=files, user=coordinator)
    assert plan.number == "58/QĐ-UBQGCĐS"
    assert plan.date == date(2024, 4, 19)
    assert plan.signer == "Phạm Minh Chính"
    assert plan.created_by == coordinator
    assert sorted(f.name for f in plan.files.all()) == ["58-QD.pdf", "phu-luc.docx"]
    assert plan.files.get(name="58-QD.pdf").file.read() == b"%PDF-1.4 ..."


def test_import_makes_sections_from_task_codes(coordinator):
    plan = import_plan(gold("001"), user=coordinator)
    codes = list(plan.sections.values_list("code", flat=True))
    assert codes[:5] == ["I", "II", "III", "III.A", "III.B"]
    assert Section.objects.get(plan=plan, code="III.A").parent.code == "III"
    assert plan.tasks.get(code="III.B.2.1").section.code == "III.B"


def test_a_plan_without_roman_sections_has_one_section(coordinator):
    plan = import_plan(gold("000"), user=coordinator)
    assert list(plan.sections.values_list("code", flat=True)) == [""]


def test_import_reads_every_deadline_field(coordinator):
    plan = import_plan(gold("001"), user=coordinator)
    step = plan.tasks.get(code="III.B.2.1")
    assert (step.due_kind, step.due_on) == ("quarter", date(2024, 9, 30))
    assert [s["on"] for s in step.due_steps] == ["2024-06-30"]
    assert plan.tasks.get(code="I.1").due_every == "month"
    assert plan.tasks.get(code="III.A.2").due_text.startswith("Bảo đảm đáp ứng tiến độ")
    ranged = import_plan(gold("004"), user=coordinator).tasks.get(code="III.1.2")
    assert (ranged.due_from, ranged.due_on) == (date(2024, 9, 15), date(2024, 10, 31))


def test_import_keeps_targets_with_their_goal_and_unit(coordinator):
    plan = import_plan(gold("001"), user=coordinator)
    first = plan.targets.first()
    assert (first.goal, first.unit) == (Decimal(48000), "doanh nghiệp")


def test_a_repeated_code_is_kept_under_a_new_code(coordinator, small_plan_json):
    small_plan_json["tasks"].append(dict(small_plan_json["tasks"][0], name="Lặp lại"))
    plan = import_plan(small_plan_json, user=coordinator)
    assert plan.tasks.get(code="I.1 (2)").name == "Lặp lại"


def test_a_document_that_is_not_plan_json_is_refused(coordinator):
    with pytest.raises(ValidationError):
        import_plan({"format": "something-else/1", "tasks": []}, user=coordinator)
    with pytest.raises(ValidationError):
        import_plan({"tasks": [{"name": "no code"}]}, user=coordinator)
    assert not Plan.objects.exists()


def test_only_a_coordinator_imports(reporter_a, leader, small_plan_json):
    for user in (reporter_a, leader):
        with pytest.raises(PermissionDenied):
            import_plan(small_plan_json, user=user)
    assert not Plan.objects.exists()


# -- publish -----------------------------------------------------------------------------


def test_publishing_creates_one_assignment_per_task_per_agency(published_plan):
    plan = published_plan
    assert plan.status == Plan.Status.PUBLISHED
    assert plan.published_at is not None
    rows = {
        (a.task.code, a.agency.registry_id if a.agency else None, a.role, a.printed_name)
        for a in Assignment.objects.filter(task__plan=plan).select_related("task", "agency")
    }
    assert rows == {
        ("I.1", "bo-a", "lead", "Bộ A"),
        ("I.1", "tinh-b", "partner", "UBND tỉnh B"),
        # The group is expanded into its members, each keeping the printed group name.
        ("I.2", "bo-a", "lead", "Các bộ, ngành, địa phương"),
        ("I.2", "tinh-b", "lead", "Các bộ, ngành, địa phương"),
        ("I.2", "bo-cu", "lead", "Các bộ, ngành, địa phương"),
        # A group of partners is listed once: whoever is concerned, nobody owing yet.
        ("II.1", "bo-cu", "lead", "Bộ Cũ"),
        ("II.1", None, "partner", "Các bộ, ngành, địa phương"),
        # A name the registry does not know is kept, without an agency, and so is a
        # group with nobody to assign.
        ("II.2", "bo-a", "lead", "Bộ A"),
        ("II.2", None, "partner", "Hiệp hội Không Có"),
        ("II.2", None, "partner", "Các doanh nghiệp công nghệ số"),
        ("III.A.1", "tinh-b", "lead", "UBND tỉnh B"),
        ("III.A.1", "bo-a", "partner", "Bộ A"),
    }


def test_a_group_lead_gives_each_member_a_part_and_the_task_counts_them(published_plan):
    parts = Assignment.objects.filter(task__plan=published_plan, task__code="I.2")
    assert {a.group_name for a in parts} == {"Các bộ, ngành, địa phương"}
    task = Task.objects.get(plan=published_plan, code="I.2")
    assert (task.lead_parts, task.lead_parts_done) == (3, 0)


def test_a_group_of_partners_owes_nothing_until_a_coordinator_names_members(
    published_plan, coordinator, agency_b
):
    group = Assignment.objects.get(task__plan=published_plan, task__code="II.1", flag="group")
    assert not group.owes_report
    assert group not in Assignment.objects.unresolved()
    rows = name_group_members(group, [agency_b], user=coordinator)
    assert [(a.agency, a.role, a.flag, a.group_name) for a in rows] == [
        (agency_b, "partner", "chosen", "Các bộ, ngành, địa phương")]
    assert rows[0].owes_report


def test_a_name_without_an_agency_is_flagged_not_dropped(published_plan):
    unresolved = Assignment.objects.filter(task__plan=published_plan).unresolved()
    assert sorted((a.task.code, a.printed_name, a.is_resolved, a.flag) for a in unresolved) == [
        ("II.2", "Các doanh nghiệp công nghệ số", False, "no_agency"),
        ("II.2", "Hiệp hội Không Có", False, "unknown"),
    ]
    resolved = Assignment.objects.filter(task__plan=published_plan, agency__isnull=False)
    assert set(resolved.values_list("flag", flat=True)) == {""}


def test_groups_are_expanded_on_the_plans_date_and_mapped_to_todays_successor(
    coordinator, small_plan_json, fake_registry
):
    plan = import_plan(small_plan_json, user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2025, 6, 1), registry=fake_registry)
    # Bộ Cũ merged into Bộ A on 1 March 2025: Bộ A now answers for the 2024 task.
    lead = Assignment.objects.get(task__plan=plan, task__code="II.1", role="lead")
    assert (lead.agency.registry_id, lead.printed_name) == ("bo-a", "Bộ Cũ")
    group = Assignment.objects.filter(task__plan=plan, task__code="I.2")
    assert sorted(a.agency.registry_id for a in group) == ["bo-a", "tinh-b"]
    assert ("resolve", "Các bộ, ngành, địa phương", date(2024, 4, 19)) in fake_registry.calls
    assert ("expand", "nhom-bo-nganh-dia-phuong", date(2024, 4, 19)) in fake_registry.calls


def test_a_plan_without_a_date_expands_groups_on_the_first_of_its_year(
    coordinator, small_plan_json, fake_registry
):
    small_plan_json["plan"]["date"] = None
    plan = import_plan(small_plan_json, user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    assert ("resolve", "Bộ A", date(2024, 1, 1)) in fake_registry.calls


def test_publishing_mirrors_registry_agencies_on_demand(published_plan):
    from theodoi.tracking.models import Agency

    assert sorted(Agency.objects.values_list("registry_id", "name")) == [
        ("bo-a", "Bộ A"),
        ("bo-cu", "Bộ Cũ"),
        ("tinh-b", "Ủy ban nhân dân tỉnh B"),
    ]


def test_a_plan_is_published_once(published_plan, coordinator, fake_registry):
    with pytest.raises(ValidationError):
        publish_plan(published_plan, user=coordinator, registry=fake_registry)


def test_only_a_coordinator_publishes(coordinator, reporter_a, small_plan_json, fake_registry):
    plan = import_plan(small_plan_json, user=coordinator)
    with pytest.raises(PermissionDenied):
        publish_plan(plan, user=reporter_a, registry=fake_registry)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_every_sample_plan_publishes(prefix, coordinator):
    registry = FakeRegistry(names={})
    plan = import_plan(gold(prefix), user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=registry)
    headings = set(plan.tasks.filter(has_children=True).values_list("code", flat=True))
    printed = {n for t in gold(prefix)["tasks"] if t["code"] not in headings
               for n in t["lead"] + t["partners"]}
    kept = set(Assignment.objects.filter(task__plan=plan).values_list("printed_name", flat=True))
    # Every name of a row that owes is kept; rows without a lead of their own answer with
    # the names of the heading above them.
    assert {n[:500] for n in printed} <= kept
    heading_names = {n for t in gold(prefix)["tasks"] if t["code"] in headings
                     for n in t["lead"] + t["partners"]}
    assert kept <= {n[:500] for n in printed | heading_names}


def test_an_unresolved_assignment_can_be_given_its_agencies(
    published_plan, coordinator, agency_a, agency_b
):
    unresolved = Assignment.objects.get(task__plan=published_plan, flag="unknown")
    rows = resolve_assignment(unresolved, [agency_b], user=coordinator)
    assert [(a.pk, a.agency, a.printed_name, a.flag) for a in rows] == [
        (unresolved.pk, agency_b, "Hiệp hội Không Có", "chosen")
    ]
    group = Assignment.objects.get(task__plan=published_plan, flag="no_agency")
    rows = resolve_assignment(group, [agency_a, agency_b], user=coordinator)
    # Bộ A already leads the task and Tỉnh B now answers for it: nothing new to add.
    assert [a.agency for a in rows] == [agency_a, agency_b]
    group.refresh_from_db()
    assert not group.is_active
    assert not Assignment.objects.filter(task__plan=published_plan).unresolved().exists()


def test_a_printed_name_is_resolved_across_the_plan(coordinator, agency_b, fake_registry):
    plan_json = copy.deepcopy(SMALL_PLAN)
    for task in plan_json["tasks"]:
        task["partners"] = ["Hiệp hội Không Có"]
    plan = import_plan(plan_json, user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=fake_registry)
    rows = resolve_printed_name(plan, "Hiệp hội Không Có", [agency_b], user=coordinator)
    assert len(rows) == 5
    assert not Assignment.objects.filter(task__plan=plan).unresolved().exists()


def test_a_coordinators_choice_survives_a_reimport(
    published_plan, small_plan_json, coordinator, agency_b, fake_registry
):
    unresolved = Assignment.objects.get(task__plan=published_plan, flag="unknown")
    resolve_assignment(unresolved, [agency_b], user=coordinator)
    reimport_plan(published_plan, small_plan_json, coordinator, registry=fake_registry)
    rows = Assignment.objects.filter(task__plan=published_plan, task__code="II.2",
                                     printed_name="Hiệp hội Không Có")
    assert [(a.agency, a.flag, a.is_active) for a in rows] == [(agency_b, "chosen", True)]


def test_only_a_coordinator_resolves_names(published_plan, reporter_a, agency_a):
    unresolved = Assignment.objects.get(task__plan=published_plan, flag="unknown")
    with pytest.raises(PermissionDenied):
        resolve_assignment(unresolved, [agency_a], user=reporter_a)


# -- reports -----------------------------------------------------------------------------


def test_a_reporter_reports_on_its_own_agencys_assignment(published_plan, reporter_a):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    report = submit_report(
        assignment, reporter_a, status="in_progress", percent=40, text="Đang xây dựng",
        links=["https://example.gov.vn/van-ban/1"],
        files=[ContentFile(b"%PDF-1.4 bien ban", name="bien-ban.pdf")],
    )
    assert report.review_state == "pending"
    assert report.author == reporter_a
    assert report.links == ["https://example.gov.vn/van-ban/1"]
    evidence = EvidenceFile.objects.get(report=report)
    assert (evidence.name, evidence.file.read()) == ("bien-ban.pdf", b"%PDF-1.4 bien ban")


def test_a_reporter_reports_as_partner_too(published_plan, reporter_b):
    assignment = assignment_of(published_plan, "I.1", "tinh-b")
    assert assignment.role == "partner"
    submit_report(assignment, reporter_b, status="in_progress")
    assert assignment.reports.count() == 1


def test_a_reporter_cannot_report_for_another_agency_and_nothing_is_written(
    published_plan, reporter_b
):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    with pytest.raises(PermissionDenied):
        submit_report(assignment, reporter_b, status="done",
                      files=[ContentFile(b"x", name="x.pdf")])
    assert not ProgressReport.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_a_leader_and_an_outsider_cannot_report(published_plan, leader, outsider):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    for user in (leader, outsider):
        with pytest.raises(PermissionDenied):
            submit_report(assignment, user, status="in_progress")
    assert not ProgressReport.objects.exists()


def test_a_coordinator_may_report_for_any_agency(published_plan, coordinator):
    submit_report(assignment_of(published_plan, "I.2", "tinh-b"), coordinator, status="done")
    assert ProgressReport.objects.count() == 1


def test_nobody_reports_on_a_draft_plan(coordinator, small_plan_json, agency_a):
    plan = import_plan(small_plan_json, user=coordinator)
    task = plan.tasks.get(code="I.2")
    draft = Assignment.objects.create(task=task, agency=agency_a, role="lead", printed_name="x")
    with pytest.raises(PermissionDenied):
        submit_report(draft, coordinator, status="done")


def test_nobody_reports_on_an_inactive_assignment(published_plan, reporter_a):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    Assignment.objects.filter(pk=assignment.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        submit_report(assignment, reporter_a, status="done")


def test_a_recurring_report_answers_the_current_period_by_default(published_plan, reporter_a):
    assignment = assignment_of(published_plan, "I.1", "bo-a")
    with time_machine.travel(at(2024, 5, 20), tick=False):
        report = submit_report(assignment, reporter_a, status="done")
    assert report.period == "2024-05"
    report = submit_report(assignment, reporter_a, status="done", period="2024-04")
    assert report.period == "2024-04"


def test_an_ongoing_report_answers_a_quarter(published_plan, coordinator):
    assignment = assignment_of(published_plan, "II.1", "bo-cu")
    with time_machine.travel(at(2024, 8, 2), tick=False):
        assert submit_report(assignment, coordinator, status="in_progress").period == "2024-Q3"


def test_a_period_must_fit_the_task(published_plan, reporter_a):
    monthly = assignment_of(published_plan, "I.1", "bo-a")
    with pytest.raises(ValidationError):
        submit_report(monthly, reporter_a, status="done", period="2024-Q2")
    with pytest.raises(ValidationError):
        submit_report(monthly, reporter_a, status="done", period="2024-13")
    one_off = assignment_of(published_plan, "I.2", "bo-a")
    with pytest.raises(ValidationError):
        submit_report(one_off, reporter_a, status="done", period="2024-05")
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "finished"},
        {"status": "in_progress", "percent": 120},
        {"status": "in_progress", "percent": "một nửa"},
        {"status": "in_progress", "links": ["javascript:alert(1)"]},
        {"status": "in_progress", "target_value": "nhiều"},
    ],
)
def test_a_report_with_bad_values_is_refused(published_plan, reporter_a, bad):
    with pytest.raises(ValidationError):
        submit_report(assignment_of(published_plan, "I.2", "bo-a"), reporter_a, **bad)
    assert not ProgressReport.objects.exists()


def test_a_report_may_carry_a_target_value(published_plan, reporter_b):
    target = Target.objects.get(plan=published_plan, unit="doanh nghiệp")
    assignment = assignment_of(published_plan, "III.A.1", "tinh-b")
    report = submit_report(assignment, reporter_b, status="in_progress", target=target,
                           target_value="37")
    value = TargetValue.objects.get(report=report)
    assert (value.agency.registry_id, value.value) == ("tinh-b", Decimal(37))
    assert target.current_value() == Decimal(37)


def test_a_target_value_needs_a_target_of_the_same_plan(
    published_plan, reporter_b, coordinator, small_plan_json
):
    other = import_plan(small_plan_json, user=coordinator).targets.first()
    assignment = assignment_of(published_plan, "III.A.1", "tinh-b")
    with pytest.raises(ValidationError):
        submit_report(assignment, reporter_b, status="in_progress", target_value=3)
    with pytest.raises(ValidationError):
        submit_report(assignment, reporter_b, status="in_progress", target=other, target_value=3)


def test_a_correction_is_a_new_report_pointing_to_the_old_one(published_plan, reporter_a):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    first = submit_report(assignment, reporter_a, status="in_progress", percent=50)
    second = submit_report(assignment, reporter_a, status="in_progress", percent=30,
                           text="Sửa: 30%", corrects=first)
    assert list(assignment.reports.all()) == [first, second]
    assert second.corrects == first
    first.refresh_from_db()
    assert first.percent == 50


# -- review ------------------------------------------------------------------------------


def test_an_accepted_done_report_closes_the_assignment(published_plan, reporter_a, coordinator):
    assignment = assignment_of(published_plan, "I.2", "bo-a")
    with time_machine.travel(at(2024, 4, 25), tick=False):
        report = submit_report(assignment, reporter_a, status="done")
    assert assignment.get_status(date(2024, 4, 26)) == "due_soon"
    with time_machine.travel(at(2024, 5, 2), tick=False):
        review_report(report, coordinator, accept=True)
    report.refresh_from_db()
    assert (report.review_state, report.reviewed_by) == ("accepted", coordinator)
    assert assignment.get_status(date(2024, 5, 3)) == "done"
    # As of before the acceptance, it was still open and then overdue.
    assert assignment.get_status(date(2024, 5, 1)) == "overdue"


def test_a_returned_report_needs_a_reason_the_agency_can_read(
    published_plan, reporter_a, coordinator
):
    report = submit_report(assignment_of(published_plan, "I.2", "bo-a"), reporter_a,
                           status="done")
    with pytest.raises(ValidationError):
        review_report(report, coordinator, accept=False, reason="  ")
    review_report(report, coordinator, accept=False, reason="Thiếu văn bản ban hành")
    report.refresh_from_db()
    assert (report.review_state, report.review_reason) == ("returned", "Thiếu văn bản ban hành")


def test_a_report_is_reviewed_once(published_plan, reporter_a, coordinator):
    report = submit_report(assignment_of(published_plan, "I.2", "bo-a"), reporter_a,
                           status="done")
    review_report(report, coordinator, accept=True)
    with pytest.raises(ValidationError):
        review_report(report, coordinator, accept=False, reason="đổi ý")


def test_only_a_coordinator_reviews(published_plan, reporter_a, leader):
    report = submit_report(assignment_of(published_plan, "I.2", "bo-a"), reporter_a,
                           status="done")
    for user in (reporter_a, leader):
        with pytest.raises(PermissionDenied):
            review_report(report, user, accept=True)
    report.refresh_from_db()
    assert report.is_pending


def test_a_task_is_done_when_every_lead_agency_is_done(published_plan, coordinator):
    for registry_id in ("bo-a", "tinh-b"):
        with time_machine.travel(at(2024, 4, 20), tick=False):
            report = submit_report(assignment_of(published_plan, "I.2", registry_id),
                                   coordinator, status="done")
            review_report(report, coordinator, accept=True)
    task = Task.objects.for_status().get(plan=published_plan, code="I.2")
    # Bộ Cũ has not finished: the task is open, and urgent inside the window.
    assert task.get_status(date(2024, 4, 21), days=0) == "in_progress"
    assert task.get_status(date(2024, 4, 21), days=14) == "due_soon"
    assert task.get_status(date(2024, 5, 2)) == "overdue"
    with time_machine.travel(at(2024, 5, 5), tick=False):
        report = submit_report(assignment_of(published_plan, "I.2", "bo-cu"), coordinator,
                               status="done")
        review_report(report, coordinator, accept=True)
    task = Task.objects.for_status().get(plan=published_plan, code="I.2")
    assert task.get_status(date(2024, 5, 6)) == "done_late"


# -- deadlines ---------------------------------------------------------------------------


def test_a_coordinator_sets_the_date_of_a_per_plan_task(published_plan, coordinator):
    task = published_plan.tasks.get(code="II.2")
    assert task.get_status(date(2024, 6, 1)) == "awaiting_date"
    change = set_task_date(task, date(2024, 9, 30), coordinator, reason="Theo kế hoạch được duyệt")
    task.refresh_from_db()
    assert task.set_on == date(2024, 9, 30)
    assert task.get_status(date(2024, 9, 20)) == "due_soon"
    assert (change.old_on, change.new_on, change.changed_by) == (None, date(2024, 9, 30),
                                                                   coordinator)
    assert change.reason == "Theo kế hoạch được duyệt"


def test_extending_a_dated_task_records_the_old_and_new_dates(published_plan, coordinator):
    task = published_plan.tasks.get(code="III.A.1")
    set_task_date(task, date(2024, 8, 31), coordinator, reason="Gia hạn")
    set_task_date(task, None, coordinator, reason="Bỏ gia hạn")
    history = [(c.old_on, c.new_on) for c in task.deadline_changes.all()]
    assert history == [
        (date(2024, 6, 30), date(2024, 8, 31)),
        (date(2024, 8, 31), date(2024, 6, 30)),
    ]


def test_a_recurring_task_has_no_date_to_set(published_plan, coordinator):
    with pytest.raises(ValidationError):
        set_task_date(published_plan.tasks.get(code="I.1"), date(2024, 9, 1), coordinator)


def test_only_a_coordinator_sets_a_date(published_plan, reporter_a, leader):
    task = published_plan.tasks.get(code="II.2")
    for user in (reporter_a, leader):
        with pytest.raises(PermissionDenied):
            set_task_date(task, date(2024, 9, 1), user)
    assert not DeadlineChange.objects.exists()


# -- re-import ---------------------------------------------------------------------------


def corrected(plan_json: dict) -> dict:
    """The small plan as a corrected version: one task changed, one gone, one new."""
    new = copy.deepcopy(plan_json)
    tasks = {t["code"]: t for t in new["tasks"]}
    tasks["I.2"]["deadline"] = "Trước ngày 31 tháng 5"
    tasks["I.2"]["due"] = {"kind": "date", "on": "2024-05-31"}
    tasks["III.A.1"]["partners"] = []
    del tasks["II.1"]
    tasks["II.3"] = {
        "code": "II.3", "name": "Nhiệm vụ mới", "detail": None, "result": None,
        "deadline": "Tháng 12", "due": {"kind": "month", "on": "2024-12-31"},
        "lead": ["UBND tỉnh B"], "partners": [],
    }
    new["tasks"] = list(tasks.values())
    return new


def test_a_corrected_plan_shows_its_differences_before_anything_is_written(
    published_plan, small_plan_json
):
    diff = diff_plan(published_plan, corrected(small_plan_json))
    assert diff.added == ["II.3"]
    assert diff.removed == ["II.1"]
    assert diff.changed == {"I.2": ["deadline", "due"], "III.A.1": ["partners"]}
    assert diff.header == []
    assert not Task.objects.filter(code="II.3").exists()


def test_the_same_plan_again_changes_nothing(published_plan, small_plan_json):
    assert diff_plan(published_plan, small_plan_json).is_empty


def test_reimporting_keeps_reports_and_follows_the_corrections(
    published_plan, small_plan_json, reporter_a, reporter_b, coordinator, fake_registry
):
    kept = submit_report(assignment_of(published_plan, "I.2", "bo-a"), reporter_a,
                         status="in_progress")
    on_removed = submit_report(assignment_of(published_plan, "II.1", "bo-cu"), coordinator,
                               status="in_progress")
    dropped_partner = assignment_of(published_plan, "III.A.1", "bo-a")

    diff = reimport_plan(published_plan, corrected(small_plan_json), coordinator,
                         registry=fake_registry, on=date(2024, 5, 1))

    assert diff.to_json()["added"] == ["II.3"]
    task = published_plan.tasks.get(code="I.2")
    assert task.due_on == date(2024, 5, 31)
    assert list(ProgressReport.objects.filter(assignment__task=task)) == [kept]
    change = task.deadline_changes.get()
    assert (change.source, change.old_on, change.new_on) == ("reimport", date(2024, 4, 30),
                                                             date(2024, 5, 31))
    assert (change.old_text, change.new_text) == ("Trước ngày 30 tháng 4", "Trước ngày 31 tháng 5")
    # The removed task stays, with its reports, out of the current plan.
    removed = published_plan.tasks.get(code="II.1")
    assert removed.is_removed
    assert list(ProgressReport.objects.filter(assignment__task=removed)) == [on_removed]
    assert not removed.assignments.filter(is_active=True).exists()
    assert "II.1" not in published_plan.tasks.current().values_list("code", flat=True)
    # The new task is assigned; the dropped partner is no longer active.
    assert assignment_of(published_plan, "II.3", "tinh-b").role == "lead"
    dropped_partner.refresh_from_db()
    assert not dropped_partner.is_active
    assert [t.code for t in published_plan.tasks.current()] == [
        "I.1", "I.2", "II.2", "III.A.1", "II.3"
    ]
    # A reporter of a removed task can no longer report on it.
    with pytest.raises(PermissionDenied):
        submit_report(assignment_of(published_plan, "II.1", "bo-cu"), coordinator,
                      status="done")


def test_a_task_that_comes_back_is_restored_with_its_reports(
    published_plan, small_plan_json, coordinator, fake_registry
):
    report = submit_report(assignment_of(published_plan, "II.1", "bo-cu"), coordinator,
                           status="in_progress")
    reimport_plan(published_plan, corrected(small_plan_json), coordinator,
                  registry=fake_registry, on=date(2024, 5, 1))
    diff = reimport_plan(published_plan, small_plan_json, coordinator,
                         registry=fake_registry, on=date(2024, 5, 1))
    assert "II.1" in diff.added
    task = published_plan.tasks.get(code="II.1")
    assert not task.is_removed
    assert assignment_of(published_plan, "II.1", "bo-cu").is_active
    assert list(ProgressReport.objects.filter(assignment__task=task)) == [report]


def test_reimporting_updates_targets_without_losing_values(
    published_plan, small_plan_json, coordinator, reporter_b, fake_registry
):
    target = Target.objects.get(plan=published_plan, unit="doanh nghiệp")
    submit_report(assignment_of(published_plan, "III.A.1", "tinh-b"), reporter_b,
                  status="in_progress", target=target, target_value=5)
    new = copy.deepcopy(small_plan_json)
    new["targets"] = [dict(new["targets"][1], value=70)]
    reimport_plan(published_plan, new, coordinator, registry=fake_registry)
    assert sorted((t.text[:5], t.goal) for t in published_plan.targets.all()) == [
        ("60% d", Decimal(70)),
        ("Phát ", Decimal(100)),  # kept: it has a value
    ]


def test_only_a_coordinator_reimports(published_plan, small_plan_json, reporter_a, fake_registry):
    with pytest.raises(PermissionDenied):
        reimport_plan(published_plan, corrected(small_plan_json), reporter_a,
                      registry=fake_registry)
    assert published_plan.tasks.get(code="I.2").due_on == date(2024, 4, 30)
