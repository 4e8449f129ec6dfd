"""Real decision files through the whole pipeline score like the text path against gold."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, gold_plan
from tests.extract.test_scores import MIN_F1, f1_of
from theodoi.extract.commands import extract_plan

FIXTURES = DATA / "fixtures"


@pytest.mark.parametrize(
    "name",
    [
        "000_decision.docx", "001_decision.docx", "004_decision.docx",
        "000_ruled.pdf", "000_unruled.pdf", "000_rotated.pdf",
        "001_ruled.pdf", "001_unruled.pdf", "004_decision.pdf",
    ],
)
def test_docx_and_born_digital_pdf_fixtures_reach_the_target(name: str) -> None:
    plan = extract_plan([FIXTURES / name])
    assert f1_of(gold_plan(name[:3]), plan.to_json()) >= MIN_F1
