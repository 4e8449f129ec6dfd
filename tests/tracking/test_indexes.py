"""Every index of a tracking row is written again on each change of its state (a report's
write moves indexed columns of its assignment and task, inserts a report and a history
span, closes the span before): no table keeps an index that another index of it leads
with the same columns (0024, 0025)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, list[str]]:
    """The table's plain (b-tree, not unique) indexes: name -> columns."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    out = {}
    for name, info in found.items():
        if not info["index"] or info["primary_key"] or info["unique"] or not info["columns"]:
            continue
        if info.get("type") not in (None, "btree", "idx"):
            continue  # a trigram or other index answers other questions
        out[name] = info["columns"]
    return out


def _partial(table: str, name: str) -> bool:
    """Whether the index has a WHERE clause (a partial index covers fewer rows)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s",
                           [name])
        row = cursor.fetchone()
    return bool(row and row[0] and " WHERE " in row[0].upper())


@pytest.mark.parametrize("model", ["Task", "Assignment", "ProgressReport", "TaskHistory",
                                   "AssignmentHistory"])
def test_no_index_is_led_by_another(model):
    table = apps.get_model("tracking", model)._meta.db_table
    indexes = {name: cols for name, cols in _indexes(table).items()
               if not _partial(table, name)}
    covered = [
        (name, other) for name, cols in indexes.items() for other, longer in indexes.items()
        if other != name and len(longer) > len(cols) and longer[:len(cols)] == cols
    ]
    assert not covered, f"{table}: indexes led by another index's columns: {covered}"
