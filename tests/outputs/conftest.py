"""Fixtures of the outputs tests: the shared role users and plan, with reports on it.

The story, on the small plan (tests/conftest_django.py) published on 1 May 2024:

- Bộ A reported I.2 done on 25/04/2024 and the coordinator accepted it on 26/04/2024;
- Tỉnh B reported III.A.1 in progress (50%) on 01/06/2024, still pending;
- Tỉnh B sent 5 for the target "doanh nghiệp công nghệ số" with that report.

Seen on AS_OF (20/06/2024): Bộ A owes I.1 (monthly: April and May not reported), overdue;
Tỉnh B owes I.2 (due 30/04/2024), overdue, and III.A.1 (due 30/06/2024), due soon.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.conftest_django import *  # noqa: F403
from tests.moments import local_time as at
from tests.moments import part_of as assignment

AS_OF = date(2024, 6, 20)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def reported_plan(published_plan: Any, coordinator: Any, reporter_a: Any, reporter_b: Any) -> Any:
    """The small plan with the reports of the story above."""
    from theodoi.tracking.services import review_report, submit_report

    with time_machine.travel(at(2024, 4, 25), tick=False):
        done = submit_report(assignment(published_plan, "I.2", "bo-a"), reporter_a,
                             status="done", percent=100, text="Đã ban hành kế hoạch")
    with time_machine.travel(at(2024, 4, 26), tick=False):
        review_report(done, coordinator, accept=True)
    target = published_plan.targets.get(order=0)
    with time_machine.travel(at(2024, 6, 1), tick=False):
        submit_report(assignment(published_plan, "III.A.1", "tinh-b"), reporter_b,
                      status="in_progress", percent=50, text="Đang thu thập số liệu & đánh giá",
                      target=target, target_value=5)
    return published_plan


@pytest.fixture
def artifacts() -> Path:
    """Where tests leave files for a person to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def on_postgres() -> bool:
    return os.getenv("DATABASE_URL", "").startswith("postgres")
