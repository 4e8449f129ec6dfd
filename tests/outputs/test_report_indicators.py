"""The periodic report shows what national systems measured for a target beside what
agencies reported (docs/indicators.md), in every format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.outputs.conftest import AS_OF
from tests.outputs.test_letter import docx_text
from tests.outputs.test_report import pdf_text
from theodoi.outputs.registry import render
from theodoi.outputs.report import build_report
from theodoi.tracking.models import Indicator
from theodoi.tracking.services import indicators

pytestmark = pytest.mark.django_db
RANKING = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "dti_2022_tinh.csv"


@pytest.fixture
def measured_plan(reported_plan: Any, coordinator: Any) -> Any:
    """The reported plan with the 2022 DTI ranking mapped to its percentage target."""
    record, _ = indicators.start_import(coordinator, RANKING.read_bytes(), RANKING.name)
    indicators.confirm_import(coordinator, record)
    indicators.map_indicator(coordinator, Indicator.objects.get(code="dti"),
                             reported_plan.targets.get(unit="%"))
    return reported_plan


def test_a_mapped_target_carries_the_measured_line(measured_plan: Any) -> None:
    report = build_report(measured_plan, AS_OF)
    by_unit = {t.unit: t for t in report.targets}
    assert by_unit["doanh nghiệp"].measured == []
    (line,) = by_unit["%"].measured
    assert line.startswith("Theo DTI (Chỉ số chuyển đổi số (DTI)), năm 2022: 0,72 "
                           "(trung bình 5 cơ quan); nguồn: tệp dti_2022_tinh.csv, nhập ngày ")


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_every_format_prints_it(measured_plan: Any, fmt: str) -> None:
    content = render("report", fmt, build_report(measured_plan, AS_OF)).content
    text = {"html": lambda c: c.decode(), "docx": docx_text, "pdf": pdf_text}[fmt](content)
    flat = " ".join(text.split())
    assert "Theo DTI (Chỉ số chuyển đổi số (DTI)), năm 2022: 0,72" in flat
    assert "dti_2022_tinh.csv" in flat


def test_a_report_before_the_period_does_not_show_it(measured_plan: Any) -> None:
    from datetime import date

    report = build_report(measured_plan, date(2022, 6, 30))
    assert all(not t.measured for t in report.targets)
