"""Reads compiled once and run again with other values: the ORM's rows, the ORM's values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from theodoi.tracking import compiled
from theodoi.tracking.models import Assignment, Task

pytestmark = pytest.mark.django_db


def _parts(model: Any, task_id: int) -> Any:
    return model.objects.filter(task_id=task_id).order_by("id").values(
        "id", "role", "agency__registry_id", "created_at")


def _codes(model: Any, plan_id: int, code: str) -> Any:
    return model.objects.filter(plan_id=plan_id, code=code).values_list("id", "code")


def _due_from(model: Any, plan_id: int, day: date) -> Any:
    return model.objects.filter(plan_id=plan_id, due_on__gte=day).order_by("id").values_list(
        "id", "due_on")


def _starting(model: Any, code: str) -> Any:
    return model.objects.filter(code__startswith=code).values_list("id")


def test_a_compiled_read_gives_the_orms_rows_for_each_new_value(published_plan: Any) -> None:
    first, second = published_plan.tasks.filter(assignments__isnull=False).distinct()[:2]
    for task in (first, second, first):  # compiled on the first call, then only run
        assert compiled.rows(_parts, task.pk, statics=(Assignment,)) == list(
            _parts(Assignment, task.pk))
    row = compiled.rows(_parts, first.pk, statics=(Assignment,))[0]
    assert row["created_at"].tzinfo is not None  # the ORM's aware datetime, on SQLite too


def test_values_list_reads_strings_and_dates_are_compiled(published_plan: Any) -> None:
    task = published_plan.tasks.order_by("id").first()
    assert compiled.rows(_codes, published_plan.pk, task.code, statics=(Task,)) == [
        (task.pk, task.code)]
    assert compiled.rows(_codes, published_plan.pk, "no such code", statics=(Task,)) == []
    days = sorted(published_plan.tasks.filter(due_on__isnull=False).values_list(
        "due_on", flat=True))
    assert days
    for day in (days[0], days[-1], date(2100, 1, 1)):
        rows = compiled.rows(_due_from, published_plan.pk, day, statics=(Task,))
        assert rows == list(_due_from(Task, published_plan.pk, day))
    assert compiled.rows(_due_from, published_plan.pk, days[0], statics=(Task,))
    assert not compiled.rows(_due_from, published_plan.pk, date(2100, 1, 1), statics=(Task,))


def test_a_read_that_is_not_values_or_that_transforms_its_value_is_refused(db: Any) -> None:
    with pytest.raises(TypeError):
        compiled.rows(lambda model, pk: model.objects.filter(pk=pk), 1, statics=(Task,))
    with pytest.raises(ValueError, match="does not reach the SQL unchanged"):
        compiled.rows(_starting, "I.", statics=(Task,))



def test_a_datetime_or_a_boolean_argument_is_refused_not_mistaken_for_a_date_or_an_id(
        db: Any) -> None:
    # Regression: datetime is a subclass of date and bool of int; either would have been
    # given a stand-in of the wrong kind and run with a value adapted the wrong way.
    with pytest.raises(TypeError, match="datetimes"):
        compiled.rows(_due_from, 1, datetime(2026, 1, 1, tzinfo=UTC), statics=(Task,))
    with pytest.raises(TypeError, match="booleans"):
        compiled.rows(_codes, True, "I.1", statics=(Task,))
