# ruff: noqa: RUF012
"""The single-column indexes of six more foreign keys dropped (as 0024 did for four): each is
the leading column of an index of the model's Meta, which finds the same rows (task
history: task+valid_from, plan+valid_from; assignment history: assignment+, agency+,
plan+valid_from; task: plan+code, plan+order, plan+status). A report's write inserts a
history span and closes the one before (valid_to is indexed, so no update is HOT): every
index of a history row is written on each, 9 and 7 of them before this.

Only the indexes go (DROP INDEX), for the reason 0024 gives: AlterField would drop and add
again each foreign key constraint, checking every row under a lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index name as Django named it: the same on PostgreSQL and SQLite)
INDEXES = [
    ("tracking_assignmenthistory", "assignment_id",
     "tracking_assignmenthistory_assignment_id_26a594b8"),
    ("tracking_assignmenthistory", "agency_id", "tracking_assignmenthistory_agency_id_62b6521f"),
    ("tracking_assignmenthistory", "plan_id", "tracking_assignmenthistory_plan_id_0d02463f"),
    ("tracking_taskhistory", "task_id", "tracking_taskhistory_task_id_e28742e9"),
    ("tracking_taskhistory", "plan_id", "tracking_taskhistory_plan_id_03cf733a"),
    ("tracking_task", "plan_id", "tracking_task_plan_id_5243681d"),
]


def _fk(to: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                             related_name=related_name, to=to)


class Migration(migrations.Migration):

    dependencies = [
        ("tracking", "0024_fk_indexes_covered"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in INDEXES
            ],
            state_operations=[
                migrations.AlterField(model_name="assignmenthistory", name="assignment",
                                      field=_fk("tracking.assignment", "history")),
                migrations.AlterField(model_name="assignmenthistory", name="agency",
                                      field=_fk("tracking.agency", "+")),
                migrations.AlterField(model_name="assignmenthistory", name="plan",
                                      field=_fk("tracking.plan", "+")),
                migrations.AlterField(model_name="taskhistory", name="task",
                                      field=_fk("tracking.task", "history")),
                migrations.AlterField(model_name="taskhistory", name="plan",
                                      field=_fk("tracking.plan", "+")),
                migrations.AlterField(model_name="task", name="plan",
                                      field=_fk("tracking.plan", "tasks")),
            ],
        ),
    ]
