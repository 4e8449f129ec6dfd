# ruff: noqa: RUF012
"""A trigram index on the tasks' folded text (PostgreSQL only): the search's `LIKE '%word%'`
read every task of the country (a sequential scan, ~1 s at 206k tasks) and is answered from
the index instead. SQLite has no such index and keeps scanning (its databases are small).

pg_trgm is a trusted extension since PostgreSQL 13: the database's owner creates it without
being a superuser (DEPLOY.md)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "tracking_task_search_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tracking_task USING gin (search gin_trgm_ops)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("tracking", "0015_task_current_plan_index"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
