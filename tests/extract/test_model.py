from __future__ import annotations

import pytest

from tests.conftest import gold_plan
from theodoi.extract.model import Plan


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_gold_plan_survives_a_round_trip(prefix: str) -> None:
    gold = gold_plan(prefix)
    again = Plan.from_json(gold).to_json()
    for mine, theirs in zip(again["tasks"], gold["tasks"], strict=True):
        theirs = {k: v for k, v in theirs.items() if k != "scored"}
        assert mine == theirs
    assert again["plan"] == gold["plan"]
    assert again["targets"] == gold["targets"]
