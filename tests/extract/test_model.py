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


def test_sections_survive_a_round_trip_in_document_order() -> None:
    data = {
        "format": "plan-json/1", "source": "x.txt", "plan": {}, "targets": [],
        "sections": [{"code": "I", "title": "NÂNG CAO NHẬN THỨC"}, {"code": "II", "title": None}],
        "tasks": [{"code": "I.1", "name": "Tuyên truyền", "due": {"kind": "none"}}],
    }
    again = Plan.from_json(data).to_json()
    assert again["sections"] == data["sections"]
    assert list(again) == ["format", "source", "plan", "targets", "sections", "tasks"]


def test_a_plan_without_sections_writes_none() -> None:
    assert "sections" not in Plan(source="x.txt").to_json()


def test_a_quarterly_recurrence_survives_a_round_trip() -> None:
    due = {"kind": "recurring", "every": "quarter"}
    task = {"code": "1", "name": "Báo cáo", "due": due}
    plan = Plan.from_json({"tasks": [task]})
    assert plan.tasks[0].due.every == "quarter"
    assert plan.to_json()["tasks"][0]["due"] == due
