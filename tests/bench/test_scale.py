"""The national benchmark's generator, on a small country (PostgreSQL only)."""

from __future__ import annotations

import os
from datetime import date

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="bench.scale loads with PostgreSQL's COPY",
    ),
]

TODAY = date(2026, 12, 1)


@pytest.mark.django_db(transaction=True)
def test_small_country_loads_and_judges_consistently() -> None:
    from bench.scale import generate
    from theodoi.tracking.models import Assignment, PlanStatusCount, ProgressReport, Task
    from theodoi.tracking.services import statuses

    result = generate(300, seed=3, today=TODAY, say=lambda _text: None)

    assert Task.objects.count() == result["tasks"]
    assert 300 <= result["tasks"] <= 330
    assert Assignment.objects.count() == result["assignments"]
    assert ProgressReport.objects.count() == result["reports"]
    assert result["assignments"] > 3 * result["tasks"]
    assert result["reports"] > result["assignments"]
    # Shaped as published plans are: headings, group leads in parts, partner groups once.
    assert Task.objects.filter(has_children=True).count() == result["headings"] > 0
    parts = Assignment.objects.filter(role="lead").exclude(group_name="")
    assert parts.count() == result["lead_parts"] > 0
    assert not parts.filter(agency__isnull=True).exists()
    groups = Assignment.objects.filter(flag="group")
    assert groups.count() == result["group_partners"] > 0
    assert not groups.filter(agency__isnull=False).exists()
    assert set(groups.values_list("role", flat=True)) == {"partner"}
    assert not Assignment.objects.filter(task__has_children=True).exists()
    kinds = set(Task.objects.values_list("due_kind", flat=True))
    assert {"recurring", "ongoing", "per_plan", "date", "month"} <= kinds
    reviews = set(ProgressReport.objects.values_list("review_state", flat=True))
    assert reviews == {"pending", "returned", "accepted", "not_required"}
    assert not ProgressReport.objects.filter(
        assignment__role="partner").exclude(review_state="not_required").exists()

    statuses.rebuild(on=TODAY)

    assert statuses.check(on=TODAY) == []
    # The set-based rebuild judges as the per-plan refresh does, row for row (group leads,
    # partner groups, rows without an agency, headings, every deadline kind).
    from tests.tracking.test_rebuild import snapshot
    from theodoi.tracking.models import AssignmentHistory, TaskHistory

    rebuilt = snapshot(judged_on=True)
    for plan_id in sorted(set(Task.objects.values_list("plan_id", flat=True))):
        TaskHistory.objects.filter(plan_id=plan_id).delete()
        AssignmentHistory.objects.filter(plan_id=plan_id).delete()
        statuses.refresh_plan(plan_id, on=TODAY)
    assert snapshot(judged_on=True) == rebuilt
    counted = Task.objects.counted().filter(plan__status="published").count()
    assert sum(PlanStatusCount.objects.values_list("count", flat=True)) == counted


@pytest.mark.django_db
def test_the_measure_reads_the_settings_and_prewarms_the_tables() -> None:
    """The figures name the PostgreSQL settings they were taken with, and are taken with
    the tables read into shared buffers first (a freshly generated country is cold)."""
    from bench.scale_measure import database_settings, prewarm

    settings = database_settings()
    assert set(settings) == {"shared_buffers", "effective_cache_size", "work_mem",
                             "synchronous_commit", "max_wal_size", "random_page_cost"}
    said = prewarm()
    assert said.startswith("prewarm: "), said
    assert not said.startswith("prewarm: 0 MiB"), said


@pytest.mark.django_db
def test_the_measure_warns_when_the_database_is_larger_than_the_buffers() -> None:
    from django.db import connection

    from bench.scale_measure import buffers_warning, too_big_for_buffers

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), "
                       "pg_size_bytes(current_setting('shared_buffers'))")
        size, buffers = cursor.fetchone()
    assert (buffers_warning() is None) == (size <= buffers)
    assert too_big_for_buffers(6 * 2**30, 6 * 2**30) is None
    said = too_big_for_buffers(7 * 2**30, 2**27)
    assert said is not None and "7.0 GiB" in said and "0.1 GiB" in said
