"""`theodoi report|letter|export|import|calendar`, run in-process through `theodoi.cli.main`."""

from __future__ import annotations

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook

from tests.outputs.conftest import AS_OF
from tests.outputs.test_excel import fill
from tests.outputs.test_letter import docx_text
from tests.outputs.test_report import pdf_text
from theodoi.cli import main
from theodoi.tracking.models import ProgressReport

pytestmark = pytest.mark.django_db


def test_report_writes_a_pdf_or_a_word_file(reported_plan, tmp_path, capsys):
    pdf = tmp_path / "bao-cao.pdf"
    assert main(["report", str(reported_plan.pk), "--as-of", "2024-06-20", "--out", str(pdf)]) == 0
    assert f"đã ghi {pdf}" in capsys.readouterr().out
    assert "Kế hoạch có 5 nhiệm vụ được theo dõi" in pdf_text(pdf.read_bytes())
    docx = tmp_path / "bao-cao.bin"
    assert main(["report", str(reported_plan.pk), "--as-of", "20/06/2024", "--format", "docx",
                 "--out", str(docx)]) == 0
    assert "số liệu tính đến ngày 20/06/2024" in docx_text(docx.read_bytes())


def test_report_refuses_what_it_cannot_do(reported_plan, tmp_path, capsys):
    assert main(["report", "999", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "không có kế hoạch số 999" in capsys.readouterr().err
    assert main(["report", str(reported_plan.pk), "--out", str(tmp_path / "x.odt")]) == 2
    assert "định dạng «odt» không có" in capsys.readouterr().err
    assert main(["report", str(reported_plan.pk), "--as-of", "hôm qua",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert "ngày không hợp lệ «hôm qua»" in capsys.readouterr().err


def test_letter_writes_one_agency_letter_or_all_of_them(reported_plan, tmp_path, capsys):
    out = tmp_path / "don-doc.docx"
    assert main(["letter", "tinh-b", "--as-of", "2024-06-20", "--out", str(out)]) == 0
    text = docx_text(out.read_bytes())
    assert "Kính gửi: Ủy ban nhân dân tỉnh B." in text
    assert "Đánh giá chỉ số chuyển đổi số" in text
    folder = tmp_path / "letters"
    assert main(["letter", "--all", "--as-of", "2024-06-20", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "don-doc-bo-a-2024-06-20.docx", "don-doc-bo-cu-2024-06-20.docx",
        "don-doc-tinh-b-2024-06-20.docx",
    ]
    assert "3 văn bản đôn đốc" in capsys.readouterr().out
    first = Document(folder / "don-doc-bo-a-2024-06-20.docx")
    assert any("Kính gửi: Bộ A." in p.text for p in first.paragraphs)


def test_letter_says_when_there_is_nothing_to_urge(reported_plan, tmp_path, capsys):
    assert main(["letter", "Bộ A", "--as-of", "2024-04-10", "--out", str(tmp_path / "a.docx")]) == 2
    assert "Bộ A không có nhiệm vụ quá hạn hay sắp đến hạn vào ngày 10/04/2024" in (
        capsys.readouterr().err)
    assert main(["letter", "bo-z", "--out", str(tmp_path / "z.docx")]) == 2
    assert "không có cơ quan «bo-z»" in capsys.readouterr().err


def test_export_then_import_round_trip(reported_plan, reporter_b, tmp_path, capsys):
    sheet = tmp_path / "nhiem-vu.xlsx"
    assert main(["export", str(reported_plan.pk), "--agency", "tinh-b", "--as-of", "2024-06-20",
                 "--out", str(sheet)]) == 0
    book = load_workbook(sheet)
    assert book.sheetnames == ["Hướng dẫn", "I", "III.A"]
    filled = tmp_path / "da-dien.xlsx"
    filled.write_bytes(fill(sheet.read_bytes(), {
        ("III.A", "III.A.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành",
                                                      "percent": 100}}))
    before = ProgressReport.objects.count()
    assert main(["import", str(filled), "--user", "reporter-b"]) == 0
    assert "đã ghi nhận 1 báo cáo tiến độ" in capsys.readouterr().out
    assert ProgressReport.objects.count() == before + 1


def test_import_lists_the_errors_and_writes_nothing(reported_plan, reporter_b, tmp_path, capsys):
    sheet = tmp_path / "nhiem-vu.xlsx"
    main(["export", str(reported_plan.pk), "--out", str(sheet)])
    filled = tmp_path / "sai.xlsx"
    filled.write_bytes(fill(sheet.read_bytes(), {
        ("I", "I.1 Bộ A"): {"report_status": "Đang triển khai"},
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành"}}))
    capsys.readouterr()
    before = ProgressReport.objects.count()
    assert main(["import", str(filled), "--user", "reporter-b"]) == 2
    err = capsys.readouterr().err
    assert "lỗi: Trang «I», dòng 2, cột «Mã phân công»: bạn không được báo cáo thay Bộ A" in err
    assert "sai.xlsx: 1 lỗi; chưa ghi nhận dòng nào" in err
    assert ProgressReport.objects.count() == before
    assert main(["import", str(filled), "--user", "nobody"]) == 2
    assert "không có tài khoản «nobody»" in capsys.readouterr().err


@pytest.mark.urls("tests.outputs.urls")
def test_calendar_writes_a_file_and_prints_the_secret_address(reported_plan, agency_b, tmp_path,
                                                              capsys):
    out = tmp_path / "lich.ics"
    assert main(["calendar", "--plan", str(reported_plan.pk), "--out", str(out)]) == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == 4
    capsys.readouterr()
    assert main(["calendar", "--agency", "tinh-b", "--url"]) == 0
    address = capsys.readouterr().out.strip()
    assert address.startswith("/documents/calendar/") and address.endswith(".ics")
    assert main(["calendar", "--agency", "tinh-b", "--rotate"]) == 0
    assert capsys.readouterr().out.strip() != address


def test_every_command_is_registered():
    from theodoi.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"report", "letter", "export", "import", "calendar", "remind"} <= set(commands)


def test_the_registry_lists_each_document_formats():
    from theodoi.outputs.registry import UnknownFormat, formats, get_renderer, renderers

    assert formats("report") == ["docx", "html", "pdf"]
    assert formats("letter") == ["docx"]
    assert formats("tasks") == ["xlsx"]
    assert formats("calendar") == ["ics"]
    assert all(r.description for r in renderers())
    with pytest.raises(UnknownFormat, match="có: docx, html, pdf"):
        get_renderer("report", "odt")


def test_a_new_renderer_registers_like_the_builtin_ones(reported_plan):
    from theodoi.outputs import registry
    from theodoi.outputs.report import build_report

    @registry.renderer("report", "txt", "text/plain; charset=utf-8", "Tóm tắt")
    def summary(report) -> bytes:
        return report.summary_text().encode()

    try:
        out = registry.render("report", "txt", build_report(reported_plan, AS_OF))
        assert out.filename.endswith(".txt")
        assert out.content.decode().startswith("2 nhiệm vụ quá hạn")
    finally:
        registry._RENDERERS.pop(("report", "txt"))
