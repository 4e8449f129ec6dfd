# ruff: noqa: RUF012
"""Existing data into the responsibility model and the stored states (one migration plan
for issues 10 and 11, see docs/tracking.md "Migrating"):

1. plan-json is copied into its own table (0005 drops the column);
2. each assignment learns its plan;
3. a task with sub-rows becomes a heading (`has_children`);
4. a printed name that gave several agencies was a group: as lead, each member keeps its
   part (`group_name`); as partner, the group is listed once (one row, flag "group") and
   the members' rows are retired, except those that already reported, which stay as named
   members of the group;
5. every state, history and summary is judged from the reports (`services.statuses`).
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery


def copy_plan_json(apps, schema_editor):
    Plan = apps.get_model("tracking", "Plan")
    PlanDocument = apps.get_model("tracking", "PlanDocument")
    PlanDocument.objects.bulk_create(
        [PlanDocument(plan_id=pk, plan_json=data or {})
         for pk, data in Plan.objects.values_list("pk", "plan_json").iterator()],
        batch_size=200,
    )


def assignments_know_their_plan(apps, schema_editor):
    Assignment = apps.get_model("tracking", "Assignment")
    Task = apps.get_model("tracking", "Task")
    Assignment.objects.update(
        plan_id=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("plan_id")[:1])
    )


def headings(apps, schema_editor):
    Task = apps.get_model("tracking", "Task")
    by_plan = defaultdict(list)
    for pk, plan_id, code in Task.objects.filter(removed_at__isnull=True).values_list(
        "pk", "plan_id", "code"
    ):
        by_plan[plan_id].append((pk, code.split(" (")[0]))
    parents = []
    for rows in by_plan.values():
        codes = {code for _, code in rows}
        prefixes = {c.rsplit(".", i)[0] for c in codes for i in range(1, c.count(".") + 1)}
        parents.extend(pk for pk, code in rows if code in prefixes)
    Task.objects.filter(pk__in=parents).update(has_children=True)


def groups(apps, schema_editor):
    Assignment = apps.get_model("tracking", "Assignment")
    ProgressReport = apps.get_model("tracking", "ProgressReport")
    printed_groups = (
        Assignment.objects.filter(agency__isnull=False)
        .values("task_id", "role", "printed_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    reported = set(ProgressReport.objects.values_list("assignment_id", flat=True).distinct())
    for row in printed_groups.iterator():
        members = Assignment.objects.filter(
            task_id=row["task_id"], role=row["role"], printed_name=row["printed_name"],
            agency__isnull=False,
        )
        members.update(group_name=row["printed_name"])
        if row["role"] != "partner":
            continue
        first = members.first()
        Assignment.objects.get_or_create(
            task_id=row["task_id"], printed_name=row["printed_name"], agency=None,
            defaults={"role": "partner", "flag": "group", "plan_id": first.plan_id,
                      "group_name": row["printed_name"],
                      "is_active": first.is_active},
        )
        members.exclude(pk__in=reported).update(is_active=False)


def judge_everything(apps, schema_editor):
    from theodoi.tracking.services.statuses import rebuild_with

    rebuild_with(apps)


class Migration(migrations.Migration):
    dependencies = [("tracking", "0003_responsibility_and_stored_states")]

    operations = [
        migrations.RunPython(copy_plan_json, migrations.RunPython.noop),
        migrations.RunPython(assignments_know_their_plan, migrations.RunPython.noop),
        migrations.RunPython(headings, migrations.RunPython.noop),
        migrations.RunPython(groups, migrations.RunPython.noop),
        migrations.RunPython(judge_everything, migrations.RunPython.noop),
    ]
