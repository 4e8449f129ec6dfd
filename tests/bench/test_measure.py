"""The measure's figures: the cold first request apart, percentiles of warm requests."""

from __future__ import annotations

from typing import Any

import pytest

from bench import scale_measure

pytestmark = pytest.mark.django_db


def test_the_cold_request_is_apart_and_enough_warm_ones_are_timed(
        monkeypatch: Any) -> None:
    """Until 2026-12-01 the percentiles included the cold first request and a slow page
    got one request (p95 = the cold one): now at least MIN_WARM warm requests are timed
    whatever the budget, after WARMUP untimed ones, and the cold one is its own figure."""
    calls: list[str] = []
    monkeypatch.setattr(scale_measure, "operations",
                        lambda ctx: {"login": ("/login/", "bearer")})
    from django.test import Client

    real_get = Client.get

    def counting_get(self: Any, path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        return real_get(self, path, *args, **kwargs)

    monkeypatch.setattr(Client, "get", counting_get)
    result = scale_measure.run_one("login", {"coordinator_key": "x"}, repeat=60, budget=0)
    assert result["n"] == scale_measure.MIN_WARM
    assert len(calls) == 1 + scale_measure.WARMUP + scale_measure.MIN_WARM
    assert result["cold"] > 0 and result["cpu_p50"] is not None
    many = scale_measure.run_one("login", {"coordinator_key": "x"}, repeat=12, budget=60)
    assert many["n"] == 12
    assert "| cold |" in scale_measure.table({"login": many})


def test_percentiles_are_by_nearest_rank() -> None:
    values = [float(i) for i in range(1, 61)]
    assert scale_measure.percentile(values, 0.5) == 30.0
    assert scale_measure.percentile(values, 0.95) == 57.0
    assert scale_measure.percentile(values[:20], 0.95) == 19.0  # not the slowest of 20
    assert scale_measure.percentile(values[:5], 0.99) == 5.0
    assert scale_measure.percentile([2.0], 0.95) == 2.0


def test_the_slowest_queries_of_a_warm_request_are_kept_only_when_asked(
        monkeypatch: Any) -> None:
    """`measure --queries N`: the per-query figures BENCHMARKS.md quotes come from the
    project's own command (they came from scratch scripts before 2026-12-01 evening)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-probe")
    monkeypatch.setattr(scale_measure, "operations",
                        lambda ctx: {"plans": ("/plans/", "coordinator")})
    ctx = {"coordinator": user.pk}
    plain = scale_measure.run_one("plans", ctx, repeat=3, budget=0)
    assert "slowest_sql" not in plain
    assert plain["queries"] >= 2  # the session and its user at least
    kept = scale_measure.run_one("plans", ctx, repeat=3, budget=0, slowest=2)
    slow = kept["slowest_sql"]
    assert len(slow) == 2
    assert slow[0]["ms"] >= slow[1]["ms"]
    assert all(q["sql"].startswith("SELECT") for q in slow)


def test_the_past_date_overview_and_the_short_word_search_are_measured() -> None:
    from datetime import timedelta

    from theodoi.tracking.models import today

    ctx = {k: 1 for k in ("national_plan", "province", "ministry", "own", "task",
                          "province_registry_id", "province_plan")}
    ops = scale_measure.operations(ctx)
    past = (today() - timedelta(days=scale_measure.PAST_DAYS)).isoformat()
    assert ops["overview / a past date"] == (f"/?as_of={past}", "coordinator")
    assert ops["search nghi dinh 13"] == ("/search/?q=nghi+dinh+13", "coordinator")
