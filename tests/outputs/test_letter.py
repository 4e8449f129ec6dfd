"""The urging letter: what an agency owes, in the Nghị định 30 layout, from the Word template."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document

from tests.outputs.conftest import AS_OF
from theodoi.outputs.digest import agency_digest, find_agency
from theodoi.outputs.letter import TEMPLATE, NothingToUrge, UrgingLetter, build_letter
from theodoi.outputs.registry import render
from theodoi.tracking import status as engine

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    """Every paragraph of a DOCX, tables included, one per line."""
    document = Document(BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def task_table(content: bytes) -> list[list[str]]:
    """The rows of the letter's bordered task table (header first)."""
    document = Document(BytesIO(content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_digest_lists_what_the_agency_leads_that_is_overdue_or_due_soon(
    reported_plan, agency_b
):
    digest = agency_digest(agency_b, AS_OF)
    assert [(r.code, r.status) for r in digest.rows] == [
        ("I.2", engine.OVERDUE), ("III.A.1", engine.DUE_SOON),
    ]
    assert digest.overdue[0].days_late == 51


def test_a_recurring_task_names_the_periods_not_reported(reported_plan, agency_a):
    digest = agency_digest(agency_a, AS_OF)
    assert [r.code for r in digest.rows] == ["I.1"]
    assert digest.rows[0].missed_periods == ("2024-04", "2024-05")
    assert "Tháng 4/2024" in digest.rows[0].due_label


def test_the_letter_has_the_motto_the_issuer_the_agency_and_its_tasks(reported_plan, agency_b):
    letter = build_letter(agency_b, AS_OF)
    content = render("letter", "docx", letter).content
    text = docx_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Số:         /BKHCN-CĐS" in text
    assert "Hà Nội, ngày 20 tháng 6 năm 2024" in text
    assert "V/v đôn đốc thực hiện" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh B." in text
    assert "còn 1 nhiệm vụ quá hạn và 1 nhiệm vụ sắp đến hạn" in text
    assert "Kế hoạch thử nghiệm năm 2024 (Quyết định số 1/QĐ-TEST)" in text
    assert "Nơi nhận:" in text and "- Như trên;" in text
    assert "KT. BỘ TRƯỞNG" in text and "THỨ TRƯỞNG" in text
    assert "{{" not in text and "{%" not in text


def test_the_letter_table_has_one_row_per_task_with_plan_deadline_and_status(
    reported_plan, agency_b
):
    content = render("letter", "docx", build_letter(agency_b, AS_OF)).content
    rows = task_table(content)
    assert rows[0] == ["TT", "Nhiệm vụ", "Kế hoạch", "Thời hạn", "Tình trạng"]
    assert rows[1] == [
        "1", "I.2. Xây dựng kế hoạch kiểm tra, giám sát chuyển đổi số", "1/QĐ-TEST",
        "30/04/2024 (Trước ngày 30 tháng 4)", "Quá hạn 51 ngày",
    ]
    assert rows[2][:2] == ["2", "III.A.1. Đánh giá chỉ số chuyển đổi số"]
    assert rows[2][3:] == ["30/06/2024 (Quý II)", "Sắp đến hạn"]
    assert len(rows) == 3


def test_an_ampersand_in_a_task_name_survives_the_template(reported_plan, agency_b):
    task = reported_plan.tasks.get(code="I.2")
    task.name = "Kiểm tra & giám sát <CĐS>"
    task.save(update_fields=["name"])
    text = docx_text(render("letter", "docx", build_letter(agency_b, AS_OF)).content)
    assert "I.2. Kiểm tra & giám sát <CĐS>" in text


def test_days_and_months_below_ten_take_a_zero_in_the_date_line(reported_plan, agency_b):
    from datetime import date

    letter = build_letter(agency_b, AS_OF, written_on=date(2025, 2, 5))
    assert letter.context()["place_date"] == "Hà Nội, ngày 05 tháng 02 năm 2025"


def test_an_agency_that_owes_nothing_gets_no_letter(reported_plan, agency_a):
    from datetime import date

    with pytest.raises(NothingToUrge, match="Bộ A"):
        build_letter(agency_a, date(2024, 4, 10))


def test_the_issuer_comes_from_settings(reported_plan, agency_b, settings):
    settings.DOCUMENT_ISSUER = "Sở Khoa học và Công nghệ tỉnh C"
    settings.DOCUMENT_ISSUER_PARENT = "Ủy ban nhân dân tỉnh C"
    settings.DOCUMENT_SIGNER_TITLE = "GIÁM ĐỐC"
    settings.DOCUMENT_SIGNER_NAME = "Trần Văn B"
    text = docx_text(render("letter", "docx", build_letter(agency_b, AS_OF)).content)
    assert "ỦY BAN NHÂN DÂN TỈNH C\nSỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH C" in text
    assert "GIÁM ĐỐC" in text and "Trần Văn B" in text


def test_the_committed_template_asks_only_for_fields_the_letter_gives(reported_plan, agency_b):
    from docxtpl import DocxTemplate

    wanted = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables()
    given = UrgingLetter(agency_digest(agency_b, AS_OF)).context()
    assert wanted <= set(given)


def test_the_template_builder_makes_the_committed_template(tmp_path):
    from docxtpl import DocxTemplate

    from theodoi.outputs.build_templates import build_letter_template

    fresh = build_letter_template(tmp_path / "letter.docx")
    assert (DocxTemplate(str(fresh)).get_undeclared_template_variables()
            == DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables())


def test_agencies_are_found_by_id_or_by_name(agency_a):
    assert find_agency("bo-a") == agency_a
    assert find_agency("bộ a") == agency_a
    with pytest.raises(LookupError, match="không có cơ quan"):
        find_agency("Bộ Z")


def test_an_ongoing_task_owes_its_last_completed_quarter_only(reported_plan):
    from datetime import date

    from theodoi.tracking.models import Agency

    old_ministry = Agency.objects.get(registry_id="bo-cu")
    rows = {r.code: r for r in agency_digest(old_ministry, date(2024, 10, 10)).rows}
    assert rows["II.1"].missed_periods == ("2024-Q3",)
    assert rows["II.1"].due_label == "30/09/2024 (chưa báo cáo: Quý III/2024)"
