# ruff: noqa: RUF012
"""The single-column indexes of four foreign keys dropped: each is the leading column of an
index of the model's Meta (assignment: task+role, plan+role+status, agency+role+status;
report: assignment+created_at), which finds the same rows, and every index of a row is
written again on each change of its state (a report's write moves indexed columns of its
assignment, and inserts a report).

Only the indexes go (DROP INDEX): Django's AlterField would drop and add again each foreign
key constraint, checking every row of 2M assignments and 5M reports under a lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index name as Django named it: the same on PostgreSQL and SQLite)
INDEXES = [
    ("tracking_assignment", "agency_id", "tracking_assignment_agency_id_bfb6a635"),
    ("tracking_assignment", "plan_id", "tracking_assignment_plan_id_32570bab"),
    ("tracking_assignment", "task_id", "tracking_assignment_task_id_901184b0"),
    ("tracking_progressreport", "assignment_id",
     "tracking_progressreport_assignment_id_c6c8ced0"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("tracking", "0023_root_status_count"),
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
                migrations.AlterField(
                    model_name="assignment",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments", to="tracking.agency"),
                ),
                migrations.AlterField(
                    model_name="assignment",
                    name="plan",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments", to="tracking.plan"),
                ),
                migrations.AlterField(
                    model_name="assignment",
                    name="task",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments", to="tracking.task"),
                ),
                migrations.AlterField(
                    model_name="progressreport",
                    name="assignment",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports", to="tracking.assignment"),
                ),
            ],
        ),
    ]
