"""The periodic report of a plan: its numbers, its Word and PDF forms, and how the PDF looks."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO

import pdfplumber
import pytest
import time_machine
from docx import Document

from tests.conftest_django import gold
from tests.outputs.conftest import AS_OF, at
from tests.outputs.test_letter import docx_text
from theodoi.outputs.registry import render
from theodoi.outputs.report import build_report, heading_codes
from theodoi.tracking import status as engine

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_report_counts_tasks_by_status_section_and_agency(reported_plan):
    report = build_report(reported_plan, AS_OF)
    assert report.totals.total == 5
    assert dict(report.totals.by_status) == {
        engine.OVERDUE: 2,  # I.1 (April and May not reported), I.2 (Tỉnh B and Bộ Cũ)
        engine.DUE_SOON: 1,  # III.A.1
        engine.AWAITING_DATE: 1,  # II.2, per plan
        engine.NOT_STARTED: 1,  # II.1, ongoing, still in its first quarter
    }
    assert [s.code for s in report.sections] == ["I", "II", "III.A"]
    assert [s.label for s in report.sections] == ["Mục I", "Mục II", "Mục III.A"]
    assert (report.sections[0].total, report.sections[0].overdue) == (2, 2)
    agencies = {a.name: (a.total, a.done, a.overdue, a.due_soon, a.partner)
                for a in report.agencies}
    assert agencies == {
        # Partners: III.A.1 for Bộ A, I.1 for tỉnh B (II.1's are a group listed once).
        "Bộ A": (3, 1, 1, 0, 1),
        "Ủy ban nhân dân tỉnh B": (2, 0, 1, 1, 1),
        "Bộ Cũ": (2, 0, 1, 0, 0),
    }
    assert report.totals.on_time_rate == 0.0


def test_the_latest_report_is_the_newest_not_returned_on_the_date(reported_plan):
    report = build_report(reported_plan, AS_OF)
    rows = {row.code: row for row in report.tasks}
    assert rows["III.A.1"].latest.summary() == (
        "01/06/2024, Ủy ban nhân dân tỉnh B: Đang thực hiện (50%). "
        "Đang thu thập số liệu & đánh giá"
    )
    assert build_report(reported_plan, date(2024, 5, 31)).tasks[4].latest is None


def test_targets_are_measured_against_their_goals(reported_plan):
    report = build_report(reported_plan, AS_OF)
    first = report.targets[0]
    assert (first.goal, first.current, first.percent) == (100, 5, "5%")
    assert report.targets[1].current is None


def test_grouping_rows_are_headings_not_tasks(coordinator, fake_registry):
    from theodoi.tracking.services import import_plan

    plan = import_plan(gold("001"), user=coordinator)
    tasks = list(plan.tasks.all())
    assert {"I.2"} <= heading_codes(tasks)
    assert "I.1" not in heading_codes(tasks)


def test_the_word_report_has_tables_charts_and_every_task(reported_plan):
    content = render("report", "docx", build_report(reported_plan, AS_OF)).content
    text = docx_text(content)
    assert "BÁO CÁO" in text
    assert "Tình hình thực hiện Kế hoạch thử nghiệm năm 2024" in text
    assert "Quyết định số 1/QĐ-TEST ngày 19/04/2024" in text
    assert "số liệu tính đến ngày 20/06/2024" in text
    assert "Kế hoạch có 5 nhiệm vụ được theo dõi" in text
    for name in ("Tổ chức các phiên họp", "Đánh giá chỉ số chuyển đổi số",
                 "Ban hành Nghị định về cơ chế thử nghiệm"):
        assert name in text
    assert "Phát triển 100 doanh nghiệp công nghệ số." in text
    assert "{{" not in text and "{%" not in text
    document = Document(BytesIO(content))
    assert len(document.inline_shapes) == 3  # sections, agencies, targets
    tasks_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã")
    assert [c.text for c in tasks_table.rows[0].cells][:2] == ["Mã", "Nhiệm vụ"]
    assert len(tasks_table.rows) == 1 + 5
    status_of = {r.cells[0].text: r.cells[4].text for r in tasks_table.rows[1:]}
    assert status_of == {"I.1": "Quá hạn", "I.2": "Quá hạn", "II.1": "Chưa bắt đầu",
                         "II.2": "Chờ xác định hạn", "III.A.1": "Sắp đến hạn"}

def test_the_pdf_report_has_the_same_numbers_and_embedded_fonts(reported_plan, tmp_path):
    content = render("report", "pdf", build_report(reported_plan, AS_OF)).content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Kế hoạch có 5 nhiệm vụ được theo dõi" in text
    assert "Đánh giá chỉ số chuyển đổi số" in text
    assert "Ủy ban nhân dân tỉnh B" in text
    if shutil.which("pdffonts"):
        path = tmp_path / "report.pdf"
        path.write_bytes(content)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts, "the PDF names no font"
        for line in fonts:
            assert line.split()[-5] == "yes", f"not embedded: {line}"
        assert any("Liberation-Serif" in line for line in fonts)


@pytest.mark.slow
def test_a_real_plan_report_renders_to_pages_a_person_can_read(coordinator, artifacts):
    """Gold plan 001 (78 tasks, groups expanded by the real registry) as PDF and PNG pages
    in artifacts/, to look at: fonts, diacritics, tables across pages."""
    from theodoi.outputs.letter import build_letter
    from theodoi.registry import load_registry
    from theodoi.tracking.services import import_plan, publish_plan, review_report, submit_report

    plan = import_plan(gold("001"), user=coordinator)
    publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=load_registry())
    lead = plan.tasks.get(code="III.A.1").assignments.get(role="lead")
    with time_machine.travel(at(2024, 5, 28), tick=False):
        done = submit_report(lead, coordinator, status="done", percent=100,
                             text="Đã trình Chính phủ dự thảo Nghị định (Tờ trình số 45/TTr-BTTTT)")
        review_report(done, coordinator, accept=True)
    lead = plan.tasks.get(code="II.1").assignments.get(role="lead")
    with time_machine.travel(at(2024, 6, 12), tick=False):
        submit_report(lead, coordinator, status="in_progress", percent=70,
                      text="Đã lấy ý kiến các bộ, ngành; đang hoàn thiện hồ sơ")
    report = build_report(plan, date(2024, 6, 20))
    content = render("report", "pdf", report).content
    (artifacts / "report-001.pdf").write_bytes(content)
    (artifacts / "report-001.docx").write_bytes(render("report", "docx", report).content)
    letter = build_letter(lead.agency, date(2024, 6, 20))
    (artifacts / "letter-001.docx").write_bytes(render("letter", "docx", letter).content)
    text = pdf_text(content)
    assert "I.1 Tổ chức các phiên họp" in text
    assert "Xây dựng Nghị định quy định về" in text
    assert "Trang 1/" in text
    assert "Đã lấy ý kiến" in text
    if shutil.which("pdftoppm"):
        for old in artifacts.glob("report-001-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(artifacts / "report-001.pdf"),
                        str(artifacts / "report-001")], check=True)
        assert list(artifacts.glob("report-001-*.png"))


def test_the_committed_report_template_asks_only_for_fields_the_report_gives(reported_plan):
    from docxtpl import DocxTemplate

    from theodoi.outputs.report import report_context
    from theodoi.outputs.report_docx import TEMPLATE

    wanted = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables()
    given = set(report_context(build_report(reported_plan, AS_OF)))
    assert wanted <= given | {"chart_sections", "chart_agencies", "chart_targets"}


def test_a_big_plan_prints_capped_lists_and_says_where_the_rest_is(reported_plan,
                                                                  monkeypatch):
    """The detail and the overdue/due-soon lists print at most their caps (the layout costs
    per row printed); the totals still count every task, and both forms say where the rest
    is (the Excel annex)."""
    from theodoi.outputs import report as module

    full = build_report(reported_plan, AS_OF)
    assert [k.code for k in full.overdue] == ["I.1", "I.2"]
    assert [k.code for k in full.due_soon] == ["III.A.1"]
    assert full.tasks_left == 0
    monkeypatch.setattr(module, "DETAIL_ROWS", 2)
    monkeypatch.setattr(module, "LIST_ROWS", 1)
    report = build_report(reported_plan, AS_OF)
    assert report.totals.total == 5 and report.totals.overdue == 2
    assert [k.code for k in report.tasks if not k.is_heading] == ["I.1", "I.2"]
    assert (report.tasks_shown, report.tasks_left) == (2, 3)
    assert len(report.overdue) == 1 and report.overdue[0].code in {"I.1", "I.2"}
    assert report.sections == full.sections and report.agencies == full.agencies
    text = pdf_text(render("report", "pdf", report).content)
    assert "NHIỆM VỤ QUÁ HẠN" in text and "NHIỆM VỤ SẮP ĐẾN HẠN" in text
    assert "Và 1 nhiệm vụ khác" in " ".join(text.split())
    assert "3 nhiệm vụ còn lại" in " ".join(text.split())
    assert "Ban hành Nghị định về cơ chế thử nghiệm" not in text.replace("\n", " ")
    words = " ".join(docx_text(render("report", "docx", report).content).split())
    assert "3 nhiệm vụ còn lại (trong tổng số 5) có trong Phụ lục" in words


def test_the_agency_table_prints_at_most_its_cap_and_totals_every_agency(reported_plan):
    """A plan with AGENCY_ROWS + 5 lead agencies: both forms print AGENCY_ROWS of them (the
    ones leading the most first), a note naming the 5 others and where they are, and a
    totals row over all of them."""
    from dataclasses import replace

    from theodoi.outputs.report import AGENCY_ROWS, ReportAgencyRow

    many = AGENCY_ROWS + 5
    agencies = []
    for n in range(many):
        row = ReportAgencyRow(name=f"Sở thử nghiệm {n:02d}", partner=1)
        row.by_status.update({engine.OVERDUE: 1, engine.DONE: 1 + (n == 0)})
        agencies.append(row)
    report = replace(build_report(reported_plan, AS_OF), agencies=agencies)
    assert len(report.agencies_shown) == AGENCY_ROWS and report.agencies_left == 5
    totals = report.agency_totals
    assert (totals.total, totals.done, totals.overdue, totals.partner) == (
        2 * many + 1, many + 1, many, many)
    note = "Nhiệm vụ của 5 cơ quan còn lại có trong Phụ lục"
    total_line = f"Tổng cộng {2 * many + 1} {many + 1} {many} 0 {many}"
    text = " ".join(pdf_text(render("report", "pdf", report).content).split())
    assert f"Sở thử nghiệm {AGENCY_ROWS - 1:02d}" in text
    assert f"Sở thử nghiệm {AGENCY_ROWS:02d}" not in text
    assert note in text and f"tất cả {many} cơ quan" in text
    assert total_line in text
    document = Document(BytesIO(render("report", "docx", report).content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Cơ quan")
    names = [r.cells[0].text for r in table.rows[1:]]
    assert names[:AGENCY_ROWS] == [a.name for a in agencies[:AGENCY_ROWS]]
    assert names[AGENCY_ROWS] == "Tổng cộng" and note in names[AGENCY_ROWS + 1]
    assert len(names) == AGENCY_ROWS + 2
    assert [c.text for c in table.rows[AGENCY_ROWS + 1].cells][1:6] == [
        str(2 * many + 1), str(many + 1), str(many), "0", str(many)]


def test_the_agency_totals_are_the_sums_of_the_real_counts(reported_plan, monkeypatch):
    from theodoi.outputs import report as module

    monkeypatch.setattr(module, "AGENCY_ROWS", 1)
    report = build_report(reported_plan, AS_OF)
    assert [a.name for a in report.agencies_shown] == ["Bộ A"]
    totals = report.agency_totals
    assert (totals.total, totals.done, totals.overdue, totals.due_soon, totals.partner) == (
        7, 1, 3, 1, 2)
    words = " ".join(docx_text(render("report", "docx", report).content).split())
    assert "Nhiệm vụ của 2 cơ quan còn lại có trong Phụ lục" in words
