"""Fixtures for the reader tests: the committed documents and their gold plans."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURES = DATA / "fixtures"


def fixture(name: str) -> Path:
    return FIXTURES / name


def gold(prefix: str) -> dict:
    return json.loads(next((DATA / "gold").glob(f"{prefix}_*.json")).read_text("utf-8"))
