"""PDF reader, ruled tables as WeasyPrint prints them: rows a page break leaves open, words
that run over a rule, merged cells, a last row alone on its page.

The PDFs are printed from small HTML tables in the test (WeasyPrint, the project's PDF
writer): a page break inside a row leaves that row without its bottom rule on the first
page and without its top rule on the next, and the header is not repeated.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from theodoi.extract.commands import read_plan
from theodoi.extract.document import Table
from theodoi.extract.readers import read_document
from theodoi.extract.readers.layout import join_wrapped
from theodoi.extract.readers.pdf import continues_paragraph, open_row_rules, unwrap_cell

HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành", "Kết quả"]
FILLER = ("Triển khai các nội dung của kế hoạch chuyển đổi số trên địa bàn, bảo đảm "
          "đúng tiến độ và chất lượng theo quy định. ")


def _cell(text: str, attrs: str = "") -> str:
    return f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>"


def _print(tmp_path: Path, rows: list[str], name: str = "plan.pdf") -> Path:
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in HEADER) + "</tr>"
    page = (
        "<html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm }"
        "body { font-family: 'DejaVu Serif', serif; font-size: 10pt }"
        "table { border-collapse: collapse; width: 100%; table-layout: fixed }"
        "td, th { border: 1px solid black; padding: 3px; vertical-align: top }"
        ".nowrap { white-space: nowrap }"
        "</style></head><body><p>KẾ HOẠCH</p>"
        f"<table><colgroup><col style='width:7%'><col style='width:45%'><col style='width:18%'>"
        f"<col style='width:12%'><col style='width:18%'></colgroup>{head}{''.join(rows)}"
        "</table><p>Nơi nhận: như trên.</p></body></html>"
    )
    from weasyprint import HTML

    out = tmp_path / name
    HTML(string=page).write_pdf(str(out))
    return out


def _row(code: str, name: str, lead: str = "Sở Tài chính", deadline: str = "Năm 2026",
         result: str = "Báo cáo", style: str = "") -> str:
    return (f"<tr{style}>" + _cell(code) + _cell(name) + _cell(lead) + _cell(deadline)
            + _cell(result) + "</tr>")


def _only_table(path: Path) -> Table:
    doc = read_document(path)
    tables = doc.tables()
    assert len(tables) == 1
    return tables[0]


@pytest.fixture(scope="module")
def broken_row_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Row 3 is taller than what is left of the first page: it breaks across the pages.
    rows = [_row(str(k), FILLER * 3, deadline="Quý IV/2025") for k in (1, 2)]
    rows.append(_row("3", "Phần đầu của nhiệm vụ ba. " + FILLER * 14 + "Phần cuối nhiệm vụ ba.",
                     lead="Sở Nội vụ", deadline="Quý II/2027", result="Cơ sở dữ liệu"))
    rows += [_row(str(k), FILLER * 2) for k in (4, 5)]
    return _print(tmp_path_factory.mktemp("pdf"), rows)


def test_a_row_a_page_break_leaves_open_is_read_as_one_row_of_the_table(broken_row_pdf):
    doc = read_document(broken_row_pdf)
    assert doc.pages == 2
    table = _only_table(broken_row_pdf)
    codes = [row[0] for row in table.rows[1:]]
    assert codes == ["1", "2", "3", "4", "5"]
    three = table.rows[3]
    name = three[1].replace("\n", " ")
    assert name.startswith("Phần đầu của nhiệm vụ ba.")
    assert name.endswith("Phần cuối nhiệm vụ ba.")
    assert (three[2], three[4]) == ("Sở Nội vụ", "Cơ sở dữ liệu")
    assert not any("nhiệm vụ ba" in p.text for p in doc.paragraphs())


def test_a_deadline_broken_after_its_slash_is_joined_without_a_space(broken_row_pdf):
    table = _only_table(broken_row_pdf)
    assert table.rows[1][3] == "Quý IV/2025"
    assert table.rows[3][3] == "Quý II/2027"


def test_a_word_too_long_for_its_column_stays_in_its_cell(tmp_path):
    # "2025-2030" does not fit its column: its last digit runs over the rule into the
    # result cell, whose text starts right under it.
    rows = [
        "<tr>" + _cell("1") + _cell(FILLER) + _cell("Sở Tài chính")
        + "<td>Năm <span class='nowrap'>2025-2030-2035</span></td>" + _cell("lớp tập huấn")
        + "</tr>",
        _row("2", FILLER),
    ]
    table = _only_table(_print(tmp_path, rows))
    assert table.rows[1][3] == "Năm 2025-2030-2035"
    assert table.rows[1][4] == "lớp tập huấn"


def test_a_cell_merged_down_over_rows_is_given_to_every_row_it_covers(tmp_path):
    rows = [
        "<tr>" + _cell("1") + _cell("Việc một") + _cell("Sở Tài chính") + _cell("Năm 2026")
        + _cell("Báo cáo chung", " rowspan='2'") + "</tr>",
        "<tr>" + _cell("2") + _cell("Việc hai") + _cell("Sở Nội vụ") + _cell("Năm 2027")
        + "</tr>",
        _row("3", "Việc ba", result=""),
    ]
    path = _print(tmp_path, rows)
    table = _only_table(path)
    assert (2, 4) in table.covered
    assert (3, 4) not in table.covered  # an empty cell of its own is not covered
    tasks = {t["code"]: t for t in read_plan(path).to_json()["tasks"]}
    assert tasks["1"]["result"] == tasks["2"]["result"] == "Báo cáo chung"
    assert tasks["3"]["result"] is None


def test_a_last_row_alone_on_its_page_goes_on_with_the_table(tmp_path):
    rows = [_row(str(k), FILLER * 2) for k in (1, 2, 3)]
    rows.append(_row("4", "Việc cuối cùng", style=" style='break-before: page'"))
    doc = read_document(_print(tmp_path, rows))
    assert doc.pages == 2
    table = doc.tables()[0]
    assert len(doc.tables()) == 1
    assert table.rows[-1][:2] == ["4", "Việc cuối cùng"]


def _v(x: float, top: float, bottom: float) -> dict:
    return {"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def _h(x0: float, x1: float, y: float) -> dict:
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


def test_column_rules_that_stop_at_the_page_foot_are_closed_by_a_rule():
    edges = [_h(10, 110, 50), *(_v(x, 50, 780) for x in (10, 40, 110))]
    rules = open_row_rules(edges)
    assert [(r["x0"], r["x1"], r["top"]) for r in rules] == [(10, 110, 780)]


def test_column_rules_drawn_row_by_row_past_a_merged_cell_are_not_closed():
    # The rule under row one is drawn over the first column only: the second column's cell
    # goes on into row two, and its column rules go on in the next piece.
    edges = [_h(10, 110, 50), _h(10, 110, 200), _h(10, 40, 120),
             *(_v(x, 50, 120) for x in (10, 40, 110)),
             *(_v(x, 120, 200) for x in (10, 40, 110))]
    assert open_row_rules(edges) == []


def test_a_rule_missing_over_one_column_at_the_page_top_is_drawn_there_only():
    # The last column's cell goes on from the page before: no rule above it.
    edges = [_h(10, 80, 50), _h(10, 110, 300), *(_v(x, 50, 300) for x in (10, 40, 80, 110))]
    rules = open_row_rules(edges)
    assert [(r["x0"], r["x1"], r["top"]) for r in rules] == [(80, 110, 50)]


def test_a_bullet_or_numbered_item_at_a_page_top_does_not_continue_a_heading():
    # A heading has no full stop: "4.2. Ứng dụng ... xây dựng" at a page's foot, then the
    # next page begins with its first bullet.
    heading = "4.2. Ứng dụng mô hình thông tin công trình (BIM) trong quản lý xây dựng"
    assert not continues_paragraph(heading, "- Nghiên cứu, triển khai BIM")
    assert not continues_paragraph(heading, "4.3. Ứng dụng IoT, AI và dữ liệu lớn")
    assert not continues_paragraph(heading, "a) Ứng dụng trong quản lý")
    assert continues_paragraph(heading + " tại các công trình giao thông trọng",
                               "điểm của tỉnh")


def test_paragraph_lines_wrapped_after_a_slash_join_without_a_space():
    assert join_wrapped(["theo Thông báo số 157/", "TB-VPCP ngày 11 tháng 4"]) == \
        "theo Thông báo số 157/TB-VPCP ngày 11 tháng 4"
    assert join_wrapped(["Sở Tài chính", "Sở Nội vụ"]) == "Sở Tài chính\nSở Nội vụ"
    assert join_wrapped(["tỷ lệ 1 /", "2"]) == "tỷ lệ 1 /\n2"


def _words(*lines: tuple[float, list[tuple[str, float, float]]]) -> list[list[dict]]:
    return [[{"text": t, "x0": x0, "x1": x1, "top": top, "bottom": top + 9} for t, x0, x1 in ws]
            for top, ws in lines]


def test_a_line_its_column_wrapped_goes_on_and_a_line_that_stops_short_stays():
    # A 60 pt column: "chủ quản" fills the first line, "CSDLQG," would not have fitted.
    wrapped = _words((0, [("là", 0, 10), ("chủ", 13, 30), ("quản", 33, 58)]),
                     (10.5, [("CSDLQG,", 0, 40), ("CSDL", 43, 60)]))
    assert unwrap_cell(wrapped, 60, 10.5) == "là chủ quản CSDLQG, CSDL"
    one_per_line = _words((0, [("Sở", 0, 12), ("Nội", 15, 30), ("vụ", 33, 43)]),
                          (10.5, [("Sở", 0, 12), ("Y", 15, 20), ("tế", 23, 33)]))
    assert unwrap_cell(one_per_line, 60, 10.5) == "Sở Nội vụ\nSở Y tế"


def test_a_new_paragraph_or_item_of_a_cell_stays_a_line_though_it_would_not_fit():
    paragraph = _words((0, [("Sở", 0, 12), ("Tài", 15, 30), ("chính", 33, 58)]),
                       (12.7, [("Các", 0, 20), ("sở,", 23, 38)]))
    assert unwrap_cell(paragraph, 60, 10.5) == "Sở Tài chính\nCác sở,"
    item = _words((0, [("Việc", 0, 22), ("chung", 25, 58)]),
                  (10.5, [("-", 0, 5), ("Lập", 8, 25)]))
    assert unwrap_cell(item, 40, 10.5) == "Việc chung\n- Lập"
    slash = _words((0, [("Quý", 0, 20), ("IV/", 23, 40)]), (10.5, [("2025", 0, 25)]))
    assert unwrap_cell(slash, 42, 10.5) == "Quý IV/2025"


def test_an_agency_name_its_column_wrapped_is_one_agency(tmp_path):
    lead = "Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành"
    rows = [_row("1", "Việc một", lead=lead),
            "<tr>" + _cell("2") + _cell("Việc hai")
            + "<td><p style='margin:0 0 3px 0'>Sở Tài chính</p>"
            "<p style='margin:0'>Sở Nội vụ, Sở Y tế</p></td>" + _cell("Năm 2026")
            + _cell("Báo cáo") + "</tr>"]
    path = _print(tmp_path, rows)
    tasks = {t["code"]: t for t in read_plan(path).to_json()["tasks"]}
    assert tasks["1"]["lead"] == [lead]
    assert tasks["2"]["lead"] == ["Sở Tài chính", "Sở Nội vụ", "Sở Y tế"]
