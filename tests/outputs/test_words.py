"""Every document prints the glossary's words: no old variant, headers from the glossary,
periods as people write them, provinces capitalised and addressed by their Ủy ban nhân dân."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from tests.outputs.conftest import AS_OF, assignment, at
from tests.outputs.test_letter import docx_text
from theodoi import glossary
from theodoi.outputs.digest import agency_digest
from theodoi.outputs.excel import build_sheet
from theodoi.outputs.letter import build_letter
from theodoi.outputs.registry import render
from theodoi.outputs.reminders import compose
from theodoi.outputs.report import build_report
from theodoi.tracking.services import submit_report

pytestmark = pytest.mark.django_db

# A period key printed as it is stored ("2024-Q2", "2024-05", "2024-H1"), not in words.
PERIOD_KEY = re.compile(r"\b20\d\d-(?:Q[1-4]|H[12]|W\d\d|0[1-9]|1[0-2])(?![-\d])")


def docx_headers(content: bytes) -> set[str]:
    """The header cells of the bordered tables (not the masthead and signature layout)."""
    return {c.text for t in Document(BytesIO(content)).tables
            if t.style is not None and t.style.name == "Table Grid" for c in t.rows[0].cells}


def xlsx_text(content: bytes) -> tuple[str, set[str]]:
    book = load_workbook(BytesIO(content))
    cells, headers = [], set()
    for ws in book.worksheets:
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = [str(v) for v in row if v is not None]
            cells += values
            if number == 1 and ws.title != book.sheetnames[0]:
                headers |= set(values)
    return "\n".join(cells), headers


def outputs(plan, agency_a, agency_b) -> dict[str, tuple[str, set[str]]]:
    """Each document of the story: its text and its table headers."""
    report = build_report(plan, AS_OF)
    letters = {a.registry_id: render("letter", "docx", build_letter(a, AS_OF)).content
               for a in (agency_a, agency_b)}
    word = render("report", "docx", report).content
    html = render("report", "html", report).content.decode()
    html_headers = {re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html)}
    return {
        **{f"letter {k}": (docx_text(v), docx_headers(v)) for k, v in letters.items()},
        "report docx": (docx_text(word), docx_headers(word)),
        "report html": (html, html_headers),
        "tasks xlsx": xlsx_text(render("tasks", "xlsx", build_sheet(plan, AS_OF)).content),
    }


def test_no_document_prints_a_word_the_glossary_replaced(reported_plan, agency_a, agency_b):
    for name, (text, headers) in outputs(reported_plan, agency_a, agency_b).items():
        folded = text.lower()
        for old in glossary.BANNED:
            assert old.lower() not in folded, f"{name} prints «{old}»"
        assert not headers & set(glossary.BANNED_HEADERS), (name, headers)
        assert not PERIOD_KEY.search(text), f"{name} prints a period key: {PERIOD_KEY.search(text)}"


def test_document_headers_are_glossary_words(reported_plan, agency_a, agency_b):
    known = {*glossary.HEADERS.values(), *glossary.STATUS.values(),
             *glossary.ROLE_IN_TASK.values()}
    # Excel's own columns: the assignment id and the fill-in columns' instructions.
    excel_own = {"Mã phân công", f"{glossary.DONE_RATE} (%)", "Nội dung báo cáo",
                 "Đường dẫn minh chứng"}
    for name, (_text, headers) in outputs(reported_plan, agency_a, agency_b).items():
        headers = {h for h in headers if h and "{" not in h}
        assert headers - known - excel_own == set(), name


def test_the_report_names_sections_as_the_web_does(reported_plan):
    report = build_report(reported_plan, AS_OF)
    html = render("report", "html", report).content.decode()
    assert '<th class="label">Mục</th>' in html
    assert "KẾT QUẢ THEO MỤC CỦA KẾ HOẠCH" in html
    assert "KẾT QUẢ THEO MỤC CỦA KẾ HOẠCH" in docx_text(render("report", "docx", report).content)


@pytest.fixture
def can_tho(agency_b):
    """Tỉnh B of the story under the registry's way of naming a province."""
    agency_b.name = "thành phố Cần Thơ"
    agency_b.kind = "province"
    agency_b.save(update_fields=["name", "kind"])
    return agency_b


def test_a_letter_to_a_province_is_addressed_to_its_peoples_committee(reported_plan, can_tho):
    text = docx_text(render("letter", "docx", build_letter(can_tho, AS_OF)).content)
    assert "Kính gửi: Ủy ban nhân dân thành phố Cần Thơ." in text
    assert "Ủy ban nhân dân thành phố Cần Thơ còn 1 nhiệm vụ quá hạn" in text
    assert "đề nghị Ủy ban nhân dân thành phố Cần Thơ quan tâm" in text
    assert "Kính gửi: thành phố" not in text


def test_a_letter_to_a_ministry_is_addressed_by_its_name(reported_plan, agency_a):
    text = docx_text(render("letter", "docx", build_letter(agency_a, AS_OF)).content)
    assert "Kính gửi: Bộ A." in text


def test_a_reminder_to_a_province_greets_its_peoples_committee(reported_plan, can_tho):
    message = compose(agency_digest(can_tho, AS_OF), "b@example.vn", "2024-W25")
    assert message.text.startswith("Kính gửi Ủy ban nhân dân thành phố Cần Thơ,")


def test_a_province_starts_its_report_row_and_its_excel_cells_in_capitals(
        reported_plan, can_tho):
    report = build_report(reported_plan, AS_OF)
    assert "Thành phố Cần Thơ" in [a.name for a in report.agencies]
    text, _headers = xlsx_text(render("tasks", "xlsx", build_sheet(reported_plan, AS_OF,
                                                                   can_tho)).content)
    assert "Thành phố Cần Thơ" in text.splitlines()
    assert "thành phố Cần Thơ" not in text


def test_a_latest_report_names_the_period_in_words(reported_plan, agency_a, reporter_a):
    with time_machine.travel(at(2024, 6, 5), tick=False):
        submit_report(assignment(reported_plan, "I.1", "bo-a"), reporter_a,
                      status="in_progress", period="2024-05")
    text, _headers = xlsx_text(render("tasks", "xlsx", build_sheet(reported_plan, AS_OF,
                                                                   agency_a)).content)
    assert "kỳ Tháng 5/2024" in text
