"""The extraction scores on the sample decisions, against their hand-checked gold plans."""

from __future__ import annotations

import importlib.util
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from tests.conftest import DATA, gold_plan, seed_path
from theodoi.extract.commands import extract_plan

MIN_F1 = 0.98

_spec = importlib.util.spec_from_file_location("score_plan", DATA / "score_plan.py")
score_plan = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(score_plan)  # type: ignore[union-attr]


def f1_of(gold: dict, predicted: dict) -> float:
    with redirect_stdout(io.StringIO()):
        return score_plan.score(gold, predicted)


@pytest.mark.parametrize(
    ("sources", "gold"),
    [
        (["000"], "000"),
        (["001"], "001"),
        (["003"], "003"),
        (["004"], "004"),
        (["001", "003"], "001"),
    ],
    ids=["000", "001", "003", "004", "001+003"],
)
def test_extraction_scores_at_least_the_target_against_gold(sources, gold) -> None:
    plan = extract_plan([seed_path(s) for s in sources])
    assert f1_of(gold_plan(gold), plan.to_json()) >= MIN_F1


def test_merging_003_brings_the_decision_header_that_001_lacks() -> None:
    alone = extract_plan([seed_path("001")]).meta
    merged = extract_plan([seed_path("001"), seed_path("003")]).meta
    assert alone.number is None
    assert merged.number == "58/QĐ-UBQGCĐS"
    assert merged.date == "2024-04-19"
    assert merged.signer == "Phạm Minh Chính"


def test_merging_reports_disagreements_with_both_readings(tmp_path: Path) -> None:
    # A DOCX text that reads one deadline differently from the PDF text of the same plan.
    altered = seed_path("003").read_text(encoding="utf-8").replace(
        "\tTháng 11\n", "\tTháng 10\n", 1
    )
    docx_text = tmp_path / "003_altered.txt"
    docx_text.write_text(altered, encoding="utf-8")
    report = io.StringIO()
    plan = extract_plan([seed_path("001"), docx_text], report=report)
    lines = report.getvalue().splitlines()
    assert len(lines) == 1
    assert "II.2 deadline" in lines[0]
    assert "“Tháng 10” (003_altered.txt)" in lines[0] and "“Tháng 11” (001_" in lines[0]
    assert next(t for t in plan.tasks if t.code == "II.2").deadline == "Tháng 10"


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_plan_header_fields_match_gold_where_the_source_has_them(prefix: str) -> None:
    plan = extract_plan([seed_path(prefix)]).to_json()["plan"]
    gold = gold_plan(prefix)["plan"]
    expected = dict(gold)
    if prefix == "001":  # its text has no decision header: those come from 003
        expected.update(number=None, date=None, signer=None, issuer=None, title=None)
    assert plan == expected


def test_targets_are_found_with_value_and_unit() -> None:
    plan = extract_plan([seed_path("001")])
    found = [(t.value, t.unit) for t in plan.targets]
    assert found == [(t["value"], t["unit"]) for t in gold_plan("001")["targets"]]


def test_the_extract_command_writes_plan_json_and_fails_cleanly(tmp_path: Path, capsys) -> None:
    from theodoi.cli import main

    out = tmp_path / "plan.json"
    assert main(["extract", str(seed_path("000")), "--out", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "plan-json/1"

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["extract", str(empty)]) == 2
    assert main(["extract", str(tmp_path / "missing.txt")]) == 2
    prose = tmp_path / "prose.txt"
    prose.write_text("Một đoạn văn không có nhiệm vụ nào.\n" * 3, encoding="utf-8")
    assert main(["extract", str(prose)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("theodoi: ") for line in err)
