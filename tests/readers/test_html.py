"""The HTML reader: saved portal pages read into the same Document as every other format."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from tests.conftest import gold_plan
from tests.extract.test_scores import MIN_F1, f1_of
from tests.readers.conftest import fixture
from theodoi.extract.commands import extract_plan
from theodoi.extract.document import Paragraph, Table
from theodoi.extract.plan import build_plan
from theodoi.extract.readers import read_document, sniff_format
from theodoi.extract.readers.html import decode_html, html_to_document

HEADER = ("<tr><th>TT</th><th>Nhiệm vụ</th><th>Đơn vị chủ trì</th><th>Đơn vị phối hợp</th>"
          "<th>Thời gian hoàn thành</th></tr>")


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def task_table(rows: str) -> str:
    return f'<table border="1">{HEADER}{rows}</table>'


def to_cp1258(text: str) -> bytes:
    """Text in windows-1258: letters with their vowel marks, tone marks as combining marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def only_table(html: str) -> Table:
    tables = html_to_document(html).tables()
    assert len(tables) == 1
    return tables[0]


def texts(html: str) -> str:
    return "\n".join(p.text for p in html_to_document(html).paragraphs())


def test_the_portal_page_of_plan_000_scores_like_its_docx() -> None:
    plan = extract_plan([fixture("000_page.html")])
    assert f1_of(gold_plan("000"), plan.to_json()) >= MIN_F1
    assert plan.meta.signer == "Nguyễn Huy Dũng"
    assert plan.meta.issuer == "Bộ Thông tin và Truyền thông"


def test_site_chrome_around_the_decision_is_not_read() -> None:
    text = texts(fixture("000_page.html").read_text("utf-8"))
    for chrome in ("Văn bản liên quan", "Trang chủ", "Tìm kiếm", "Facebook", "Cơ quan chủ quản",
                   "dataLayer", "Quyết định 749/QĐ-TTg năm 2020"):
        assert chrome not in text
    assert "Điều 1. Phê duyệt Kế hoạch" in text


def test_a_page_is_told_by_its_content_not_its_name(tmp_path: Path) -> None:
    path = tmp_path / "quyet-dinh.txt"
    path.write_bytes(fixture("000_page.html").read_bytes())
    assert sniff_format(path) == "html"


def test_a_lead_merged_down_over_numbered_tasks_belongs_to_each_of_them() -> None:
    table = only_table(page(task_table(
        '<tr><td>1</td><td>Xây dựng kế hoạch</td><td rowspan="3">Cục Chuyển đổi số quốc gia'
        "</td><td>Các bộ</td><td>Quý I/2025</td></tr>"
        "<tr><td>2</td><td>Kiểm tra</td><td>Sở A</td><td>Hằng năm</td></tr>"
        "<tr><td>3</td><td>Tổng kết</td><td>Sở B</td><td>Tháng 12/2025</td></tr>")))
    assert [row[2] for row in table.rows[1:]] == ["Cục Chuyển đổi số quốc gia"] * 3
    assert [row[3] for row in table.rows[1:]] == ["Các bộ", "Sở A", "Sở B"]


def test_a_row_under_a_merged_tt_cell_stays_a_sub_row_of_its_task() -> None:
    html = page(task_table(
        '<tr><td rowspan="2">1</td><td rowspan="2">Triển khai nền tảng</td>'
        '<td rowspan="2">Vụ Kế hoạch</td><td>-</td><td>Tháng 6/2025</td></tr>'
        "<tr><td>-</td><td>Tháng 12/2025</td></tr>"))
    table = only_table(html)
    assert table.rows[2] == [None, None, None, "-", "Tháng 12/2025"]
    task = build_plan(html_to_document(html)).tasks[0]
    assert task.name == "Triển khai nền tảng" and task.lead == ["Vụ Kế hoạch"]
    assert task.due.on == "2025-12-31" and [s.on for s in task.due.steps] == ["2025-06-30"]


def test_a_heading_merged_across_the_width_keeps_its_text_in_the_first_column_only() -> None:
    table = only_table(page(task_table(
        '<tr><td>I</td><td colspan="4">CÔNG TÁC CHỈ ĐẠO</td></tr>'
        "<tr><td>1</td><td>Việc</td><td>Cục A</td><td>Sở B</td><td>Năm 2025</td></tr>")))
    assert table.rows[1] == ["I", "CÔNG TÁC CHỈ ĐẠO", None, None, None]


def test_the_column_number_row_under_the_header_is_not_a_task() -> None:
    html = page(task_table(
        "<tr><td>(1)</td><td>(2)</td><td>(3)</td><td>(4)</td><td>(5)</td></tr>"
        "<tr><td>1</td><td>Việc</td><td>Cục A</td><td>Sở B</td><td>Năm 2025</td></tr>"))
    assert only_table(html).header_rows == 2
    assert [t.code for t in build_plan(html_to_document(html)).tasks] == ["1"]


def test_a_hostile_colspan_does_not_build_a_huge_grid() -> None:
    table = only_table(page(task_table(
        '<tr><td>1</td><td colspan="100000">x</td></tr>')))
    assert len(table.rows[1]) <= 101


def test_cell_paragraphs_and_line_breaks_become_lines_of_the_cell() -> None:
    table = only_table(page(task_table(
        "<tr><td>1</td><td><p>Việc một</p><p>tiếp theo</p></td><td>Cục A<br>Cục B</td>"
        "<td><ul><li>Sở B;</li><li>Sở C.</li></ul></td><td>Năm 2025</td></tr>")))
    assert table.rows[1][1:4] == ["Việc một\ntiếp theo", "Cục A\nCục B", "- Sở B;\n- Sở C."]


def test_the_metadata_box_fills_what_the_body_lacks() -> None:
    box = ('<div class="thuoc-tinh"><table><tr><td>Số hiệu:</td><td>15/QĐ-UBND</td>'
           "<td>Loại văn bản:</td><td>Quyết định</td></tr><tr><td>Người ký:</td>"
           "<td>Trần Văn Bình</td><td>Ngày ban hành:</td><td>07/01/2025</td></tr>"
           "<tr><td>Cơ quan ban hành:</td><td>Ủy ban nhân dân tỉnh Hà Giang</td></tr></table>"
           "</div>")
    body = ("<div class='noidung'><p>QUYẾT ĐỊNH</p><p>Số:      /QĐ-UBND</p>"
            + task_table("<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td>"
                         "<td>Quý II/2025</td></tr>") + "</div>")
    meta = build_plan(html_to_document(page(box + body))).meta
    assert (meta.number, meta.date, meta.signer, meta.issuer, meta.year) == (
        "15/QĐ-UBND", "2025-01-07", "Trần Văn Bình", "Ủy ban nhân dân tỉnh Hà Giang", 2025)


def test_the_body_s_own_number_wins_over_the_box() -> None:
    box = "<ul><li>Số hiệu: 99/QĐ-KHAC</li></ul>"
    body = ("<div><p>QUYẾT ĐỊNH</p><p>Số: 15/QĐ-UBND</p>"
            + task_table("<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td>"
                         "<td>Quý II/2025</td></tr>") + "</div>")
    assert build_plan(html_to_document(page(box + body))).meta.number == "15/QĐ-UBND"


def test_a_search_form_label_is_not_taken_for_the_number() -> None:
    body = ("<form><label>Số hiệu</label><input name='q'></form><div><p>KẾ HOẠCH</p>"
            + task_table("<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td>"
                         "<td>Quý II/2025</td></tr>") + "</div>")
    assert build_plan(html_to_document(page(body))).meta.number is None


def test_a_windows_1258_page_is_decoded_by_its_declared_charset(tmp_path: Path) -> None:
    html = page("<p>Số hiệu: 12/KH-UBND</p><p>KẾ HOẠCH</p>" + task_table(
        "<tr><td>1</td><td>Tăng cường chuyển đổi số</td><td>Sở Thông tin</td><td>Các sở</td>"
        "<td>Quý IV/2025</td></tr>"), head='<meta http-equiv="Content-Type" '
                                           'content="text/html; charset=windows-1258">')
    path = tmp_path / "trang.htm"
    path.write_bytes(to_cp1258(html))
    assert sniff_format(path) == "html"
    doc = read_document(path)
    assert doc.tables()[0].rows[1][1] == "Tăng cường chuyển đổi số"
    assert doc.paragraphs()[0].text == "Số hiệu: 12/KH-UBND"


def test_a_utf8_page_still_declaring_its_old_charset_is_read_as_utf8() -> None:
    html = page("<p>Tăng cường</p>", head='<meta charset="windows-1258">')
    assert decode_html(html.encode("utf-8")) == html


def test_a_table_cut_in_pieces_with_a_page_number_between_is_one_table() -> None:
    html = page(
        "<p>KẾ HOẠCH</p>"
        + task_table("<tr><td>1</td><td>Việc một</td><td>Sở Thông tin và</td><td>Sở B</td>"
                     "<td>Năm 2025</td></tr>")
        + "<p>3</p>"
        + '<table border="1"><tr><td></td><td></td><td>Truyền thông</td><td></td><td></td></tr>'
        "<tr><td>2</td><td>Việc hai</td><td>Sở C</td><td>Sở D</td><td>Năm 2026</td></tr>"
        "</table>")
    table = only_table(html)
    assert [r[0] for r in table.rows[1:]] == ["1", "2"]
    assert table.rows[1][2] == "Sở Thông tin và\nTruyền thông"


def test_two_tables_with_a_heading_between_them_stay_apart() -> None:
    row = "<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td><td>Năm 2025</td></tr>"
    doc = html_to_document(page(task_table(row) + "<p>PHỤ LỤC II</p>" + task_table(row)))
    assert len(doc.tables()) == 2


def test_a_list_of_links_inside_the_content_is_dropped() -> None:
    links = "".join(f"<li><a href='/{i}'>Quyết định số {i}/QĐ-TTg về việc khác</a></li>"
                    for i in range(5))
    html = page("<div><p>KẾ HOẠCH</p>" + task_table(
        "<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td><td>Năm 2025</td></tr>")
        + f"<p>Văn bản cùng lĩnh vực</p><ul>{links}</ul></div>")
    assert "về việc khác" not in texts(html)


def test_without_a_table_the_densest_block_is_the_body() -> None:
    menu = "".join(f"<li><a href='/{i}'>Mục {i}</a></li>" for i in range(30))
    article = "".join(f"<p>{i}. Sở Thông tin và Truyền thông chủ trì triển khai việc {i} "
                      f"trong năm 2025.</p>" for i in range(1, 6))
    doc = html_to_document(page(f"<div class='left'><ul>{menu}</ul></div>"
                                f"<div class='bai'>{article}</div>"))
    assert [p.text[:2] for p in doc.paragraphs()] == ["1.", "2.", "3.", "4.", "5."]
    assert all(isinstance(b, Paragraph) for b in doc.blocks)


def test_the_government_portal_s_box_names_the_number_so_ky_hieu() -> None:
    box = ("<table class='vb-info'><tr><td>Số ký hiệu</td><td>206/QĐ-TTg</td></tr>"
           "<tr><td>Ngày ban hành</td><td>28/02/2024</td></tr>"
           "<tr><td>Người ký</td><td>Trần Lưu Quang</td></tr></table>")
    body = "<div><p>QUYẾT ĐỊNH</p>" + task_table(
        "<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td><td>Quý II/2025</td></tr>") + "</div>"
    meta = build_plan(html_to_document(page(box + body))).meta
    assert (meta.number, meta.date, meta.signer) == ("206/QĐ-TTg", "2024-02-28", "Trần Lưu Quang")


def test_a_small_table_inside_a_task_cell_does_not_make_the_task_table_layout() -> None:
    table = only_table(page(task_table(
        "<tr><td>1</td><td>Việc<table><tr><td>a</td><td>b</td></tr></table></td><td>Sở A</td>"
        "<td>Sở B</td><td>Năm 2025</td></tr>")))
    assert table.rows[1][0] == "1" and table.rows[1][1] == "Việc\na\nb"


def test_a_header_spanning_lead_and_partner_columns_names_both_by_the_row_below() -> None:
    html = page(
        "<p>KẾ HOẠCH</p><table border='1'><tr><td rowspan='2'>TT</td><td rowspan='2'>Nội dung"
        "</td><td colspan='2'>Cơ quan thực hiện</td><td rowspan='2'>Thời gian hoàn thành</td>"
        "</tr><tr><td>Chủ trì</td><td>Phối hợp</td></tr>"
        "<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td><td>Năm 2025</td></tr></table>")
    table = only_table(html)
    assert table.header_rows == 2
    task = build_plan(html_to_document(html)).tasks[0]
    assert (task.lead, task.partners, task.deadline) == (["Sở A"], ["Sở B"], "Năm 2025")


def test_a_title_row_above_the_header_becomes_a_paragraph() -> None:
    html = page(f"<table border='1'><tr><td colspan='5'>BIỂU TỔNG HỢP NHIỆM VỤ</td></tr>"
                f"{HEADER}<tr><td>1</td><td>Việc</td><td>Sở A</td><td>Sở B</td>"
                "<td>Năm 2025</td></tr></table>")
    doc = html_to_document(html)
    assert "BIỂU TỔNG HỢP NHIỆM VỤ" in [p.text for p in doc.paragraphs()]
    assert [t.code for t in build_plan(doc).tasks] == ["1"]


def test_the_body_is_found_around_a_heading_in_bold_inside_its_paragraph() -> None:
    doc = html_to_document(page(
        "<div class='content1'><p><b>KẾ HOẠCH</b></p><p>1. Sở Y tế chủ trì việc một.</p>"
        "<p>2. Sở Nội vụ chủ trì việc hai.</p></div>"))
    assert [p.text for p in doc.paragraphs()] == [
        "KẾ HOẠCH", "1. Sở Y tế chủ trì việc một.", "2. Sở Nội vụ chủ trì việc hai."]
