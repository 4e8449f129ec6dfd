# ruff: noqa: RUF012
"""plan-json leaves the plan's row (it was copied to PlanDocument by 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracking", "0004_migrate_responsibilities_and_states")]

    operations = [
        migrations.RemoveField(model_name="plan", name="plan_json"),
    ]
