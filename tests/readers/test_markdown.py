"""The Markdown reader and the clean-up of converter text (math, emphasis, cut words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import gold_plan
from tests.extract.test_scores import MIN_F1, f1_of
from tests.readers.conftest import fixture
from theodoi.extract.commands import extract_plan
from theodoi.extract.plan import build_plan
from theodoi.extract.readers import sniff_format
from theodoi.extract.readers.converted import (
    is_syllable,
    join_split_syllables,
    latex_to_text,
    replace_math,
    strip_emphasis,
)
from theodoi.extract.readers.markdown import markdown_to_document

HEADER = "<tr><td>TT</td><td>Nhiệm vụ</td><td>Đơn vị chủ trì</td><td>Đơn vị phối hợp</td>" \
         "<td>Thời gian hoàn thành</td></tr>"


def row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def test_the_converter_output_of_plan_000_scores_like_its_docx() -> None:
    plan = extract_plan([fixture("000_converted.md")])
    assert f1_of(gold_plan("000"), plan.to_json()) >= MIN_F1
    assert plan.meta.signer == "Nguyễn Huy Dũng"
    assert plan.meta.year == 2024


@pytest.mark.parametrize(("text", "kind"), [
    ("Mở đầu\n\n| TT | Nhiệm vụ |\n|---|---|\n| 1 | Việc |\n", "markdown"),
    ("Mở đầu\n\n<table><tr><td>TT</td></tr></table>\n", "markdown"),
    ("# QUYẾT ĐỊNH\n\nVăn bản\n\n## Điều 1\n", "markdown"),
    ("QUYẾT ĐỊNH\n\nĐiều 1. Ban hành kế hoạch.\n", "text"),
    ("# Kế hoạch\n\n## Phụ lục\n\nTT\n|\nNhiệm vụ\n|\nĐơn vị chủ trì\n|\nThời gian\n|\n", "text"),
])
def test_markdown_is_told_from_plain_text_by_its_content(tmp_path: Path, text: str,
                                                         kind: str) -> None:
    path = tmp_path / "tai-lieu.txt"
    path.write_text(text, encoding="utf-8")
    assert sniff_format(path) == kind


def test_a_pipe_table_is_a_task_table_with_emphasis_and_br_cleaned() -> None:
    doc = markdown_to_document(
        "**KẾ HOẠCH**\n\n"
        "| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |\n"
        "|:--:|---|---|---|---|\n"
        "| **I** | **CÔNG TÁC CHỈ ĐẠO** | | | |\n"
        "| 1 | *Xây dựng* kế hoạch | Cục A | Sở B<br>Sở C | Quý I/2025 |\n")
    table = doc.tables()[0]
    assert table.rows[1] == ["I", "CÔNG TÁC CHỈ ĐẠO", None, None, None]
    assert table.rows[2] == ["1", "Xây dựng kế hoạch", "Cục A", "Sở B\nSở C", "Quý I/2025"]
    assert [t.code for t in build_plan(doc).tasks] == ["I.1"]


def test_list_items_keep_their_numbers_and_bullets() -> None:
    doc = markdown_to_document("Mục tiêu:\n\n3. Một\n4. Hai\n6. Bốn\n\n- Ba\n")
    assert [p.text for p in doc.paragraphs()] == ["Mục tiêu:", "3. Một", "4. Hai", "6. Bốn",
                                                  "- Ba"]


def test_html_table_blocks_cut_at_page_breaks_are_joined_into_one_table() -> None:
    doc = markdown_to_document(
        f"KẾ HOẠCH\n\n<table>{HEADER}{row('1', 'Việc một', 'Sở Thông tin và', 'Sở B', '')}"
        "</table>\n\n12\n\n"
        f"<table>{row('', 'tiếp theo', 'Truyền thông', '', 'Năm 2025')}"
        f"{row('2', 'Việc hai', 'Sở C', 'Sở D', 'Năm 2026')}</table>\n\n13\n\n"
        f"<table>{HEADER}{row('3', 'Việc ba', 'Sở E', 'Sở F', 'Năm 2027')}</table>\n")
    tables = doc.tables()
    assert len(tables) == 1
    rows = tables[0].rows
    assert [r[0] for r in rows] == ["TT", "1", "2", "3"]
    assert rows[1] == ["1", "Việc một\ntiếp theo", "Sở Thông tin và\nTruyền thông", "Sở B",
                       "Năm 2025"]
    tasks = build_plan(doc).tasks
    assert tasks[0].lead == ["Sở Thông tin và Truyền thông"] and tasks[0].due.kind == "year"


def test_tables_with_a_real_paragraph_between_them_stay_apart() -> None:
    doc = markdown_to_document(
        f"<table>{HEADER}{row('1', 'Việc', 'Sở A', 'Sở B', 'Năm 2025')}</table>\n\n"
        "Phụ lục II: nhiệm vụ của các địa phương\n\n"
        f"<table>{row('1', 'Việc', 'Sở A', 'Sở B', 'Năm 2025')}</table>\n")
    assert len(doc.tables()) == 2


def test_cells_of_html_blocks_are_cleaned_like_text() -> None:
    doc = markdown_to_document(
        f"<table>{HEADER}"
        + row("1", "**T ăng cường** kết nối đạt $100 \\%$", "Sở A", "Sở B", "Quý IV/$2 0 2 5$")
        + "</table>\n")
    assert doc.tables()[0].rows[1][1] == "Tăng cường kết nối đạt 100%"
    assert doc.tables()[0].rows[1][4] == "Quý IV/2025"


@pytest.mark.parametrize(("expr", "text"), [
    (r"100 \%", "100%"),
    (r"1 \mathrm { k m }", "1 km"),
    (r"\geq", "≥"),
    (r"\geq 9 0 \%", "≥ 90%"),
    (r"2 0 2 5", "2025"),
    (r"1 2 / 2 0 2 4", "12/2024"),
    (r"0 , 5", "0,5"),
    (r"5 0 0 \mathrm { m } ^ { 2 }", "500 m²"),
    (r"3 0 ^ { \circ } \mathrm { C }", "30° C"),
    (r"\text{triệu đồng}", "triệu đồng"),
])
def test_latex_math_becomes_the_text_it_shows(expr: str, text: str) -> None:
    assert latex_to_text(expr) == text


def test_math_spans_are_replaced_inside_sentences() -> None:
    assert replace_math(r"đạt $\geq 9 5 \%$ hồ sơ, tốc độ $1 0 0 \mathrm { M b p s }$.") == (
        "đạt ≥ 95% hồ sơ, tốc độ 100 Mbps.")


def test_a_dollar_amount_without_math_is_left_alone() -> None:
    assert replace_math("giá 5 $ mỗi tháng") == "giá 5 $ mỗi tháng"


@pytest.mark.parametrize(("text", "plain"), [
    ("**Tổ chức** triển khai", "Tổ chức triển khai"),
    ("*Ghi chú:* không", "Ghi chú: không"),
    ("***Quan trọng***", "Quan trọng"),
    ("__Nhiệm vụ__", "Nhiệm vụ"),
    ("**dòng một\ndòng hai**", "dòng một\ndòng hai"),
    ("a * b * c", "a * b * c"),
    ("snake_case_name", "snake_case_name"),
    # A marker never pairs across a blank line: "**1.****\n**Trên" leaves the paragraphs be.
    ("**1.****\n**Trên cơ sở\n\n**2.** Rà soát", "1.\nTrên cơ sở\n\n2. Rà soát"),
    # An italic label closes after its colon, touching the value.
    ("*Đơn vị chủ trì: *Các Sở.\n\n*Đơn vị phối hợp: *Sở Nội vụ.",
     "Đơn vị chủ trì: Các Sở.\n\nĐơn vị phối hợp: Sở Nội vụ."),
    ("*Thời gian thực hiện*: Thường xuyên.", "Thời gian thực hiện: Thường xuyên."),
    ("**1. **100% cán bộ", "1. 100% cán bộ"),  # the space before a closing marker stays
])
def test_emphasis_markers_are_dropped(text: str, plain: str) -> None:
    assert strip_emphasis(text) == plain


@pytest.mark.parametrize(("cut", "whole"), [
    ("T ăng cường", "Tăng cường"),
    ("Đ ẩy mạnh", "Đẩy mạnh"),
    ("Ng ười dân", "Người dân"),
    ("Tr iển khai", "Triển khai"),
    ("Th ông tin", "Thông tin"),
    ("ph át triển", "phát triển"),
    ("k ết nối", "kết nối"),
    ("NG ƯỜI DÂN", "NGƯỜI DÂN"),
    ("Sở Th ông tin và T ruyền thông", "Sở Thông tin và Truyền thông"),
    ("c ác", "các"),
    ("T húc đẩy", "Thúc đẩy"),
    ("T hực hiện", "Thực hiện"),
    ("N gười", "Người"),
    ("NG HỊ QUYẾT", "NGHỊ QUYẾT"),
    ("m ươi lăm", "mươi lăm"),
])
def test_a_word_cut_after_its_initial_consonant_is_joined(cut: str, whole: str) -> None:
    assert join_split_syllables(cut) == whole


@pytest.mark.parametrize("text", [
    "điểm c khoản 2",  # a lone letter before a consonant is a label, not a cut
    "điểm c hoặc điểm d",  # a lower-case label before a word starting with h
    "k ác",  # k is written only before e, ê, i, y
    "ng ì",  # ng before i is written ngh
    "g ẹ",  # g before e is written gh
    "T Ăng",  # mixed case is not one word
    "TP Hà Nội",
    "5 km ăn",  # km is not an initial consonant
    "cáp dài 500 m ở xã",  # a unit after a number
])
def test_words_that_are_not_cut_are_left_alone(text: str) -> None:
    assert join_split_syllables(text) == text


@pytest.mark.parametrize(("word", "ok"), [
    ("tăng", True), ("người", True), ("khuyến", True), ("nghiêng", True), ("quyết", True),
    ("giữa", True), ("kế", True), ("thuở", True), ("xoong", True),
    ("ke", True), ("ca", True), ("ci", False), ("ngi", False), ("ghe", True), ("gha", False),
    ("ka", False), ("qa", False), ("tt", False), ("ắẩ", False), ("trờời", False),
])
def test_vietnamese_syllable_structure(word: str, ok: bool) -> None:
    assert is_syllable(word) is ok


def test_deeply_nested_markdown_is_refused_with_one_line(tmp_path: Path) -> None:
    from theodoi.extract.readers import UnreadableDocument

    with pytest.raises(UnreadableDocument) as info:
        markdown_to_document("> " * 50_000 + "x")
    assert "\n" not in str(info.value)


def test_an_html_table_block_with_blank_lines_inside_stays_one_table() -> None:
    doc = markdown_to_document(
        "KẾ HOẠCH\n\n<table>\n  \n  <tbody>\n    " + HEADER + "\n  \n"
        f"    {row('1', 'Việc', 'Sở A', 'Sở B', 'Năm 2025')}\n  </tbody>\n</table>\n")
    assert [r[0] for r in doc.tables()[0].rows] == ["TT", "1"]


def test_a_continuation_row_without_its_empty_cells_goes_on_in_the_cut_columns() -> None:
    # The converter printed only the two cells the page break cut, leaving out the empty ones.
    doc = markdown_to_document(
        f"<table>{HEADER}"
        + row("1", "Phối hợp triển khai.", "Sở Thông tin", "Sở Y tế; UBND các", "Năm 2025")
        + "</table>\n\n8\n\n"
        "<table><tr><td>huyện, thành phố</td></tr>"
        f"{row('2', 'Việc hai.', 'Sở C', 'Sở D', 'Năm 2026')}</table>\n")
    rows = doc.tables()[0].rows
    assert rows[1] == ["1", "Phối hợp triển khai.", "Sở Thông tin", "Sở Y tế; UBND các\nhuyện, "
                       "thành phố", "Năm 2025"]
    assert rows[2][0] == "2"


def test_a_bullet_continuing_on_the_next_page_joins_the_bullet_list_it_belongs_to() -> None:
    header = ("<tr><td>TT</td><td>Nhiệm vụ</td><td>Đơn vị chủ trì</td><td>Thời gian</td>"
              "<td>Kết quả</td></tr>")
    doc = markdown_to_document(
        f"<table>{header}{row('1', 'Việc', 'Sở A', 'Năm 2025', '- Báo cáo quý')}</table>\n\n"
        f"<table><tr><td>- Báo cáo năm</td></tr>{row('2', 'Việc hai', 'Sở B', 'Năm 2026', '-')}"
        "</table>\n")
    assert doc.tables()[0].rows[1][4] == "- Báo cáo quý\n- Báo cáo năm"


def test_a_section_line_printed_again_between_table_pieces_does_not_stop_the_join() -> None:
    doc = markdown_to_document(
        f"<table>{HEADER}{row('I', 'CÔNG TÁC CHỈ ĐẠO')}"
        + row("1", "Việc", "Sở A", "Sở B", "Năm 2025")
        + "</table>\n\nII HẠ TẦNG SỐ\n\n"
        f"<table>{row('II', 'HẠ TẦNG SỐ')}{row('2', 'Việc hai', 'Sở C', 'Sở D', 'Năm 2026')}"
        "</table>\n")
    assert len(doc.tables()) == 1
    assert [t.code for t in build_plan(doc).tasks] == ["I.1", "II.2"]
    assert "II HẠ TẦNG SỐ" not in [p.text for p in doc.paragraphs()]


def test_a_header_whose_words_run_together_and_a_placeholder_header_row_are_read() -> None:
    # pymupdf4llm loses the spaces of a header and names the empty cells of a page's first
    # row "Col1", "Col2" ...: that row is the rest of the row the page break cut.
    head = ("<table><thead><tr><th>TT</th><th>Nhiệm vụ thựchiện</th><th>Đơn vịchủ trì</th>"
            "<th>Đơn vịphốihợp</th><th>Thờigian thựchiện</th><th>Kế tquả</th></tr></thead>")
    doc = markdown_to_document(
        f"KẾ HOẠCH\n\n{head}<tbody>"
        "<tr><td>1</td><td>Việc một</td><td>Sở A</td><td>Sở B</td><td>2025</td>"
        "<td>Báo cáo</td></tr></tbody></table>\n\n"
        "<table><thead><tr><th>Col1</th><th>Col2</th><th>Col3</th><th>Col4</th><th>Col5</th>"
        "<th>được ban hành</th></tr></thead><tbody>"
        "<tr><td>2</td><td>Việc hai</td><td>Sở C</td><td>Sở D</td><td>2026</td>"
        "<td>Kế hoạch</td></tr></tbody></table>\n")
    tasks = build_plan(doc).tasks
    assert [(t.code, t.lead, t.result) for t in tasks] == [
        ("1", ["Sở A"], "Báo cáo được ban hành"), ("2", ["Sở C"], "Kế hoạch")]
