"""Shared fixtures: paths to the sample decisions and their hand-checked answers."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
GOLD = DATA / "gold"

# The test SMTP server (aiosmtpd) logs every connection at INFO from its own thread, also
# after a test has ended, where no capture holds it: only its warnings are wanted.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def seed_path(prefix: str) -> Path:
    """The sample decision whose file name starts with `prefix` ("000", "001", ...)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def gold_plan(prefix: str) -> dict:
    """The hand-checked plan-json for the sample starting with `prefix`."""
    return json.loads(next(GOLD.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
