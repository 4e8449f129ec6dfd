"""The migrations match the models."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "tracking", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_existing_data_migrates_into_the_responsibility_model_and_stored_states():
    """A database of the first version (0002): a group expanded into every member as lead
    and as partner, plan-json on the plan's row, reports; after migrating, the partners'
    group is listed once, the lead group's members keep their parts, plan-json moved,
    states, history and counts are judged from the reports."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("tracking", "0002_assignment_flag")])
    old = executor.loader.project_state([("tracking", "0002_assignment_flag")]).apps
    User = old.get_model("auth", "User")
    Plan, Task = old.get_model("tracking", "Plan"), old.get_model("tracking", "Task")
    Agency = old.get_model("tracking", "Agency")
    Assignment = old.get_model("tracking", "Assignment")
    Report = old.get_model("tracking", "ProgressReport")
    user = User.objects.create(username="u")
    plan = Plan.objects.create(number="1/QĐ", date="2024-04-19", status="published",
                               plan_json={"tasks": [{"code": "1"}]})
    a, b, c = (Agency.objects.create(registry_id=r, name=r) for r in ("a", "b", "c"))
    head = Task.objects.create(plan=plan, code="1", order=0)
    task = Task.objects.create(plan=plan, code="1.1", order=1, due_kind="date",
                               due_on="2024-06-30")
    group = "Các bộ, ngành, địa phương"
    Assignment.objects.create(task=task, agency=a, role="lead", printed_name="Bộ A")
    for agency in (b, c):
        Assignment.objects.create(task=task, agency=agency, role="partner", printed_name=group)
    lead_group = Task.objects.create(plan=plan, code="2", order=2, due_kind="date",
                                     due_on="2024-05-31")
    for agency in (a, b):
        Assignment.objects.create(task=lead_group, agency=agency, role="lead",
                                  printed_name=group)
    reported = Assignment.objects.get(task=task, agency=c)
    Report.objects.create(assignment=reported, status="in_progress", author=user,
                          created_at=datetime(2024, 5, 2, 9, tzinfo=ZoneInfo("UTC")))
    done = Assignment.objects.get(task=lead_group, agency=a)
    Report.objects.create(assignment=done, status="done", author=user, review_state="accepted",
                          created_at=datetime(2024, 5, 10, 9, tzinfo=ZoneInfo("UTC")),
                          reviewed_at=datetime(2024, 5, 11, 9, tzinfo=ZoneInfo("UTC")))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from theodoi.tracking.models import Assignment as NewAssignment
    from theodoi.tracking.models import Plan as NewPlan
    from theodoi.tracking.models import PlanStatusCount
    from theodoi.tracking.models import Task as NewTask
    from theodoi.tracking.services import statuses

    assert NewPlan.objects.get(pk=plan.pk).plan_json == {"tasks": [{"code": "1"}]}
    assert NewTask.objects.get(pk=head.pk).has_children
    # Tasks imported before their source was kept have none (0011): nothing to show.
    assert (NewTask.objects.get(pk=head.pk).source, NewTask.objects.get(pk=head.pk).source_file) \
        == ({}, None)
    rows = {(r.agency.registry_id if r.agency else None, r.role, r.flag, r.group_name,
             r.is_active) for r in NewAssignment.objects.filter(task_id=task.pk)}
    assert rows == {
        ("a", "lead", "", "", True),
        (None, "partner", "group", group, True),  # the group of partners, listed once
        ("b", "partner", "", group, False),  # retired: it owed nothing of its own
        ("c", "partner", "", group, True),  # kept: it had reported
    }
    parts = NewTask.objects.get(pk=lead_group.pk)
    assert (parts.lead_parts, parts.lead_parts_done, parts.status) == (2, 1, "overdue")
    assert NewAssignment.objects.get(pk=done.pk).status == "done"
    assert sum(PlanStatusCount.objects.filter(plan_id=plan.pk).values_list(
        "count", flat=True)) == 2
    assert statuses.check() == []


@pytest.mark.django_db(transaction=True)
def test_existing_counts_fill_the_agency_summaries_and_names_are_folded():
    """A database before 0020: its agencies' count rows give their ranking figures (one row
    per agency with a part), and their names are stored folded."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("tracking", "0019_count_returned_apart")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Agency = old.get_model("tracking", "Agency")
    Count = old.get_model("tracking", "AgencyStatusCount")
    a, b, idle = (Agency.objects.create(registry_id=r, name=n, kind="province") for r, n in (
        ("a", "Ủy ban nhân dân tỉnh Đắk Lắk"), ("b", "Bộ Xây dựng"), ("c", "Sở Không Việc")))
    for agency, role, status, returned, n in (
            (a, "lead", "done", False, 3), (a, "lead", "done_late", False, 1),
            (a, "lead", "overdue", False, 2), (a, "lead", "overdue", True, 1),
            (a, "partner", "in_progress", False, 4), (b, "partner", "overdue", False, 2),
            (idle, "lead", "overdue", False, 0)):
        Count.objects.create(agency=agency, role=role, status=status, progress="not_started",
                             returned=returned, count=n)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("tracking", "0020_agency_summary")])
    new = executor.loader.project_state([("tracking", "0020_agency_summary")]).apps
    Summary = new.get_model("tracking", "AgencySummary")
    rows = {r["agency_id"]: r for r in Summary.objects.values()}
    assert set(rows) == {a.pk, b.pk}  # an agency whose counts are all 0 has no part
    assert {k: rows[a.pk][k] for k in ("lead_total", "on_time", "closed", "overdue",
                                       "partner_total")} == {
        "lead_total": 7, "on_time": 3, "closed": 4, "overdue": 3, "partner_total": 4}
    assert rows[a.pk]["rate_key"] == pytest.approx(3 / 7)
    assert rows[a.pk]["done_share"] == pytest.approx(4 / 7)
    assert (rows[b.pk]["lead_total"], rows[b.pk]["rate_key"], rows[b.pk]["done_share"]) == (
        0, -1.0, 0.0)
    folded = dict(new.get_model("tracking", "Agency").objects.values_list("pk", "folded_name"))
    assert folded[a.pk] == "uy ban nhan dan tinh dak lak"
    assert folded[b.pk] == "bo xay dung"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_counts_fill_the_roots_counts():
    """A database before 0023: its agencies' count rows, rolled up the registry's tree to
    the nearest ministry or province, give the roots' counts (an agency with no root, or
    counts all 0, adds nothing)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    target = ("tracking", "0023_root_status_count")
    executor = MigrationExecutor(connection)
    before = executor.loader.graph.nodes[target].dependencies
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Agency = old.get_model("tracking", "Agency")
    Count = old.get_model("tracking", "AgencyStatusCount")
    province = Agency.objects.create(registry_id="t", name="Tỉnh T", kind="province")
    ministry = Agency.objects.create(registry_id="b", name="Bộ B", kind="ministry")
    department = Agency.objects.create(registry_id="s", name="Sở S", kind="province_unit",
                                       parent=province)
    commune = Agency.objects.create(registry_id="x", name="Xã X", kind="commune",
                                    parent=department)
    orphan = Agency.objects.create(registry_id="o", name="Tổ O", kind="unit")
    for agency, role, status, returned, n in (
            (province, "lead", "done", False, 3), (department, "lead", "done", False, 1),
            (commune, "lead", "overdue", False, 2), (commune, "lead", "overdue", True, 1),
            (commune, "partner", "in_progress", False, 4),
            (ministry, "lead", "overdue", False, 0), (orphan, "lead", "overdue", False, 5)):
        Count.objects.create(agency=agency, role=role, status=status, progress="not_started",
                             returned=returned, count=n)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    new = executor.loader.project_state([target]).apps
    Root = new.get_model("tracking", "RootStatusCount")
    assert {(r.root_id, r.role, r.status): r.count for r in Root.objects.all()} == {
        (province.pk, "lead", "done"): 4, (province.pk, "lead", "overdue"): 3,
        (province.pk, "partner", "in_progress"): 4}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
