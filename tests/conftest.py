"""Shared fixtures: paths to the sample decisions and their hand-checked answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
GOLD = DATA / "gold"


def seed_path(prefix: str) -> Path:
    """The sample decision whose file name starts with `prefix` ("000", "001", ...)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def gold_plan(prefix: str) -> dict:
    """The hand-checked plan-json for the sample starting with `prefix`."""
    return json.loads(next(GOLD.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
