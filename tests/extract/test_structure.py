"""Table structure seen in 2025 plans, read the same way whatever reader found the cells.

Each input is small and hand-made: tab-cell text (one cell a line starting with a tab,
rows between blank lines, a cell's further lines without the tab) through the text reader,
or a `Document` built directly where the shape is one the text form cannot print.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from theodoi.extract.commands import extract_plan
from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.model import Plan
from theodoi.extract.plan import build_plan
from theodoi.extract.readers.text import text_to_document

HEADER = ["TT", "Nhiệm vụ", "Kết quả", "Thời gian hoàn thành", "Cơ quan chủ trì",
          "Cơ quan phối hợp"]
TARGET_HEADER = ["STT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi"]


def tabbed(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    """A table as DOCX-extracted text: each cell a tabbed line, a blank line after each row."""
    out = []
    for row in [header, *rows]:
        for cell in row:
            first, *rest = cell.split("\n") if cell else [""]
            out.append("\t" + first)
            out.extend(rest)
        out.append("")
    return "\n".join(out) + "\n"


def read(text: str) -> Plan:
    return build_plan(text_to_document(text, source="t.txt"))


def codes(plan: Plan) -> list[str]:
    return [t.code for t in plan.tasks]


def sections(plan: Plan) -> list[tuple[str, str | None]]:
    return [(s.code, s.title) for s in plan.sections]


def task(plan: Plan, code: str):
    return next(t for t in plan.tasks if t.code == code)


def row(code: str, name: str, lead: str = "Sở Nội vụ", deadline: str = "Quý IV/2025") -> list[str]:
    return [code, name, "Văn bản được ban hành", deadline, lead, ""]


def section(code: str, title: str) -> list[str]:
    return [code, title, "", "", "", ""]


def test_numbering_that_runs_on_across_sections_keeps_the_printed_numbers() -> None:
    plan = read("KẾ HOẠCH năm 2025\n" + tabbed([
        section("I", "NÂNG CAO NHẬN THỨC"), row("1", "Tuyên truyền"), row("2", "Tập huấn"),
        row("3", "Hội nghị"),
        section("II", "HẠ TẦNG SỐ"), row("4", "Mạng 5G"), row("5", "Trung tâm dữ liệu"),
    ]))
    assert codes(plan) == ["I.1", "I.2", "I.3", "II.4", "II.5"]
    assert sections(plan) == [("I", "NÂNG CAO NHẬN THỨC"), ("II", "HẠ TẦNG SỐ")]


def test_numbering_that_restarts_in_each_section_gives_each_its_section_code() -> None:
    plan = read(tabbed([
        section("I", "NÂNG CAO NHẬN THỨC"), row("1", "Tuyên truyền"), row("2", "Tập huấn"),
        section("II", "HẠ TẦNG SỐ"), row("1", "Mạng 5G"), row("2", "Trung tâm dữ liệu"),
    ]))
    assert codes(plan) == ["I.1", "I.2", "II.1", "II.2"]
    assert task(plan, "II.1").name == "Mạng 5G"


def test_rows_under_nested_printed_group_codes_take_the_nearest_group_code() -> None:
    plan = read(tabbed([
        section("III", "CHUYỂN ĐỔI SỐ NGÀNH"),
        ["III.1", "Y tế", "", "", "", ""],
        ["III.1.1", "Bệnh viện", "", "", "", ""],
        row("5", "Bệnh án điện tử"), row("6", "Thanh toán không dùng tiền mặt"),
        ["III.2", "Giáo dục", "", "", "", ""],
        row("7", "Học bạ số"),
    ]))
    assert codes(plan) == ["III.1", "III.1.1", "III.1.1.5", "III.1.1.6", "III.2", "III.2.7"]
    assert task(plan, "III.1").name == "Y tế"  # a numbered group row is a task
    assert sections(plan) == [("III", "CHUYỂN ĐỔI SỐ NGÀNH")]


def test_a_section_numeral_inside_the_title_cell_makes_a_section() -> None:
    plan = read(tabbed([
        ["", "**I.** NÂNG CAO NHẬN THỨC, KỸ NĂNG SỐ", "", "", "", ""],
        row("1", "Tuyên truyền"),
        ["", "II. PHÁT TRIỂN HẠ TẦNG SỐ", "", "", "", ""],
        row("1", "Mạng 5G"),
    ]))
    assert codes(plan) == ["I.1", "II.1"]
    assert sections(plan) == [("I", "NÂNG CAO NHẬN THỨC, KỸ NĂNG SỐ"),
                              ("II", "PHÁT TRIỂN HẠ TẦNG SỐ")]


def test_a_section_title_in_the_code_cell_and_marked_bold_is_kept_without_the_marks() -> None:
    plan = read(tabbed([["**I**", "**CÔNG TÁC CHỈ ĐẠO**", "", "", "", ""], row("1", "Họp")]))
    assert codes(plan) == ["I.1"]
    assert sections(plan) == [("I", "CÔNG TÁC CHỈ ĐẠO")]


def test_a_table_of_targets_before_the_task_table_gives_targets_not_tasks() -> None:
    targets = Table(rows=[
        TARGET_HEADER,
        ["1", "Tỷ lệ hồ sơ xử lý trực tuyến", "%", "80", "Sở Nội vụ"],
        ["2", "Doanh nghiệp công nghệ số", "doanh nghiệp", "1.200", "Sở Tài chính"],
    ])
    tasks = Table(rows=[HEADER, row("1", "Tuyên truyền"), row("2", "Tập huấn")])
    plan = build_plan(Document(source="t.html", blocks=[
        Paragraph("I. CHỈ TIÊU"), targets, Paragraph("II. NHIỆM VỤ"), tasks]))
    assert codes(plan) == ["1", "2"]
    assert [t.name for t in plan.tasks] == ["Tuyên truyền", "Tập huấn"]
    assert [(t.text, t.value, t.unit) for t in plan.targets] == [
        ("Tỷ lệ hồ sơ xử lý trực tuyến", 80, "%"),
        ("Doanh nghiệp công nghệ số", 1200, "doanh nghiệp"),
    ]


def test_a_table_of_targets_naming_its_content_column_is_still_not_a_task_table() -> None:
    # "Nội dung chỉ tiêu" names a task column, and "Kết quả" and "chủ trì" two more.
    header = ["STT", "Nội dung chỉ tiêu", "Đơn vị tính", "Kết quả năm 2025", "Cơ quan chủ trì"]
    targets = Table(rows=[header, ["1", "Tỷ lệ người dân có danh tính số", "%", "≥ 90",
                                   "Công an tỉnh"]])
    tasks = Table(rows=[HEADER, row("1", "Tuyên truyền")])
    plan = build_plan(Document(source="t.docx", blocks=[targets, tasks]))
    assert codes(plan) == ["1"]
    assert [(t.value, t.unit) for t in plan.targets] == [(90, "%")]


def test_body_paragraphs_restating_the_appendix_tasks_are_not_tasks() -> None:
    body = (
        "II. NHIỆM VỤ VÀ GIẢI PHÁP\n"
        "1. Tuyên truyền về chuyển đổi số, Sở Nội vụ chủ trì, hoàn thành trong Quý IV/2025.\n"
        "- Tập huấn kỹ năng số cho cán bộ.\n\n"
        "PHỤ LỤC\n"
    )
    plan = read(body + tabbed([row("1", "Tuyên truyền"), row("2", "Tập huấn")]))
    assert codes(plan) == ["1", "2"]
    assert [t.name for t in plan.tasks] == ["Tuyên truyền", "Tập huấn"]


def test_an_unnumbered_second_row_of_a_task_joins_it_with_one_space_and_adds_its_agencies(
) -> None:
    plan = read(tabbed([
        row("1", "Xây dựng nền tảng", lead="Sở Khoa học và Công nghệ"),
        ["", "dữ liệu dùng chung", "", "", "Sở Tài chính", ""],
        row("2", "Tập huấn"),
    ]))
    assert codes(plan) == ["1", "2"]
    first = task(plan, "1")
    assert first.name == "Xây dựng nền tảng dữ liệu dùng chung"
    assert first.lead == ["Sở Khoa học và Công nghệ", "Sở Tài chính"]


def test_a_title_in_capitals_without_a_number_is_not_joined_to_the_task_above() -> None:
    plan = read(tabbed([
        row("1", "Tuyên truyền"),
        ["", "NHIỆM VỤ TRỌNG TÂM", "", "", "", ""],
        row("2", "Tập huấn"),
    ]))
    assert codes(plan) == ["1", "2"]
    assert task(plan, "1").name == "Tuyên truyền"


def test_arabic_group_rows_stay_tasks_with_null_cells() -> None:
    plan = read(tabbed([
        section("I", "CHỈ ĐẠO"), ["1", "Kiểm tra, giám sát", "", "", "", ""],
        row("1.1", "Kiểm tra tại sở"), row("1.2", "Kiểm tra tại xã"),
    ]))
    assert codes(plan) == ["I.1", "I.1.1", "I.1.2"]
    assert task(plan, "I.1").lead == [] and task(plan, "I.1").deadline is None


def test_a_lead_cell_printing_one_agency_per_line_gives_one_item_per_line() -> None:
    plan = read(tabbed([
        row("1", "Tuyên truyền", lead="- Sở Nội vụ\n- Sở Tài chính\n- UBND các xã, phường"),
        row("2", "Tập huấn", lead="Sở Văn hóa, Thể thao và\nDu lịch"),
    ]))
    assert task(plan, "1").lead == ["Sở Nội vụ", "Sở Tài chính", "UBND các xã, phường"]
    assert task(plan, "2").lead == ["Sở Văn hóa, Thể thao và Du lịch"]


def doc_table(rows: list[list[str | None]], covered: set[tuple[int, int]]) -> Document:
    table = Table(rows=[list(HEADER), *rows], header_rows=1, covered=covered)
    return Document(source="t.docx", blocks=[Paragraph("Kế hoạch năm 2025"), table])


def test_a_vertically_merged_cell_belongs_to_every_task_row_it_covers() -> None:
    # Rows 1-2 share one deadline cell and one lead cell, printed once in the first.
    doc = doc_table(
        [["1", "Tuyên truyền", "Tin bài", "Quý IV/2025", "Sở Nội vụ", None],
         ["2", "Tập huấn", "Lớp học", None, None, None],
         ["3", "Hội nghị", "Hội nghị", "Tháng 6/2025", "Sở Tài chính", None]],
        covered={(2, 3), (2, 4)},
    )
    plan = build_plan(doc)
    second = task(plan, "2")
    assert second.deadline == "Quý IV/2025" and second.due.on == "2025-12-31"
    assert second.lead == ["Sở Nội vụ"]
    assert task(plan, "3").lead == ["Sở Tài chính"]
    assert task(plan, "1").partners == [] and second.partners == []


def test_a_merged_code_cell_repeated_by_the_reader_is_one_task_with_its_rows_joined() -> None:
    # Readers that copy a rowspan's text into every row it covers repeat the TT cell too.
    doc = doc_table(
        [["1", "Tuyên truyền", "Tin bài", "Quý II/2025", "Sở Nội vụ", None],
         ["1", "Tuyên truyền", "Phóng sự", "Quý III/2025", "Sở Nội vụ", None],
         ["1", "Tuyên truyền", "Tọa đàm", "Quý IV/2025", "Sở Nội vụ", None],
         ["2", "Tập huấn", "Lớp học", "Năm 2025", "Sở Tài chính", None]],
        covered=set(),
    )
    plan = build_plan(doc)
    assert codes(plan) == ["1", "2"]
    first = task(plan, "1")
    assert first.name == "Tuyên truyền" and first.result == "Tin bài Phóng sự Tọa đàm"
    assert first.lead == ["Sở Nội vụ"]
    assert first.due.on == "2025-12-31"
    assert [s.on for s in first.due.steps] == ["2025-06-30", "2025-09-30"]


def test_a_2025_plan_read_from_a_file_writes_its_sections(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_text("KẾ HOẠCH năm 2025\n" + tabbed([
        section("I", "NÂNG CAO NHẬN THỨC"), row("1", "Tuyên truyền", deadline="Quí IV-2025"),
        section("II", "HẠ TẦNG SỐ"), row("2", "Mạng 5G", deadline="Thường xuyên, hằng năm"),
    ]), encoding="utf-8")
    data = extract_plan([path]).to_json()
    assert data["sections"] == [{"code": "I", "title": "NÂNG CAO NHẬN THỨC"},
                                {"code": "II", "title": "HẠ TẦNG SỐ"}]
    assert [t["due"] for t in data["tasks"]] == [
        {"kind": "quarter", "on": "2025-12-31"}, {"kind": "recurring", "every": "year"}]


def test_a_converter_table_with_bold_numerals_and_sentence_case_titles_runs_on() -> None:
    # The shape of a Markdown appendix: "**I.**" in the TT cell, the title in sentence case
    # in the name cell, blank cells of spaces, numbers running on across sections.
    header = ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả",
              "Thời gian hoàn thành"]
    rows: list[list[str | None]] = [
        [" **I.**", "Nâng cao nhận thức, đột phá về đổi mới tư duy ", "", "  ", "  ", "  "],
        ["1. ", " Xây dựng chương trình tuyên truyền", "Bộ Thông tin và Truyền thông",
         "Ban Tuyên giáo Trung ương; các bộ, ngành, địa phương; VTV, VOV, TTXVN",
         "Quyết định của Thủ tướng Chính phủ", "6/2025"],
        [" **II.**", "Khẩn trương, quyết liệt hoàn thiện thể chế", "", "  ", "  ", "  "],
        ["2. ", "Dự án Luật Năng lượng nguyên tử (sửa đổi)", "Bộ Khoa học và Công nghệ",
         "Các bộ, ngành và địa phương", "Luật của Quốc hội", "Nhiệm vụ thường xuyên"],
    ]
    plan = build_plan(Document(source="t.md", blocks=[Table(rows=[header, *rows])]))
    assert codes(plan) == ["I.1", "II.2"]
    assert sections(plan) == [("I", "Nâng cao nhận thức, đột phá về đổi mới tư duy"),
                              ("II", "Khẩn trương, quyết liệt hoàn thiện thể chế")]
    first, second = plan.tasks
    assert first.partners == ["Ban Tuyên giáo Trung ương", "các bộ, ngành, địa phương", "VTV",
                              "VOV", "TTXVN"]
    assert first.due.to_json() == {"kind": "month", "on": "2025-06-30"}
    assert second.due.kind == "ongoing"


def test_a_numbered_line_alone_in_the_name_cell_of_an_unnumbered_row_goes_on_the_task_above(
) -> None:
    plan = read(tabbed([row("1", "Triển khai các nội dung:"),
                        ["", "2. Kết nối dữ liệu dân cư", "", "", "", ""], row("2", "Tập huấn")]))
    assert codes(plan) == ["1", "2"]
    assert task(plan, "1").name == "Triển khai các nội dung: 2. Kết nối dữ liệu dân cư"


def test_agencies_in_capitals_on_an_unnumbered_row_are_added_not_taken_for_a_title() -> None:
    plan = read(tabbed([row("1", "Phủ sóng 5G"), ["", "", "", "", "", "VIETTEL, VNPT"]]))
    assert task(plan, "1").partners == ["VIETTEL", "VNPT"]


def test_a_header_printed_over_two_rows_names_the_columns_under_its_merged_cell() -> None:
    # "Cơ quan" spans two columns; "Chủ trì" and "Phối hợp" are printed in the row below.
    table = Table(rows=[
        ["TT", "Nhiệm vụ", "Kết quả", "Thời gian", "Cơ quan", None],
        [None, None, None, None, "Chủ trì", "Phối hợp"],
        ["1", "Tuyên truyền", "Tin bài", "Quý IV/2025", "Sở Nội vụ", "Sở Tài chính"],
    ])
    plan = build_plan(Document(source="t.docx", blocks=[table]))
    assert codes(plan) == ["1"]
    assert plan.tasks[0].lead == ["Sở Nội vụ"] and plan.tasks[0].partners == ["Sở Tài chính"]


def test_a_task_table_with_a_column_of_targets_is_still_a_task_table() -> None:
    header = ["TT", "Nhiệm vụ", "Chỉ tiêu", "Đơn vị", "Thời gian hoàn thành", "Cơ quan chủ trì"]
    table = Table(rows=[header, ["1", "Phổ cập 5G", "95", "% dân số", "Năm 2025", "Sở Tài chính"]])
    plan = build_plan(Document(source="t.docx", blocks=[table]))
    assert codes(plan) == ["1"] and plan.tasks[0].lead == ["Sở Tài chính"]


def test_a_second_name_column_holds_the_detail() -> None:
    header = ["TT", "Nhiệm vụ", "Nội dung thực hiện", "Thời gian hoàn thành", "Cơ quan chủ trì",
              "Cơ quan phối hợp"]
    table = Table(rows=[header, ["1", "Số hóa hồ sơ", "Số hóa hồ sơ hộ tịch từ năm 2000",
                                 "Năm 2025", "Sở Tư pháp", ""]])
    first = build_plan(Document(source="t.docx", blocks=[table])).tasks[0]
    assert first.name == "Số hóa hồ sơ" and first.detail == "Số hóa hồ sơ hộ tịch từ năm 2000"


def test_a_section_row_printing_an_agency_is_still_a_section() -> None:
    plan = read(tabbed([
        ["I", "CHUYỂN ĐỔI SỐ Y TẾ", "", "", "Sở Y tế", ""], row("1", "Bệnh án điện tử"),
        ["II", "CHUYỂN ĐỔI SỐ GIÁO DỤC", "", "", "Sở Giáo dục và Đào tạo", ""],
        row("1", "Học bạ số"),
    ]))
    assert codes(plan) == ["I.1", "II.1"]
    assert sections(plan) == [("I", "CHUYỂN ĐỔI SỐ Y TẾ"), ("II", "CHUYỂN ĐỔI SỐ GIÁO DỤC")]


def test_lettered_rows_under_a_numbered_row_are_tasks_under_its_code() -> None:
    plan = read(tabbed([
        section("I", "CHÍNH QUYỀN SỐ"), ["1", "Hoàn thiện hạ tầng", "", "", "", ""],
        row("a", "Nâng cấp mạng WAN"), row("b)", "Trung tâm dữ liệu", lead="Sở Tài chính"),
        row("2", "Dịch vụ công trực tuyến"),
    ]))
    assert codes(plan) == ["I.1", "I.1.a", "I.1.b", "I.2"]
    assert task(plan, "I.1.b").lead == ["Sở Tài chính"]


def test_a_task_table_cut_in_pieces_is_read_as_one_with_the_heading_between_its_pieces(
) -> None:
    # A PDF page each, or a Markdown block each: the pieces after the first have no header;
    # the page number and a section heading the reader left between them are paragraphs.
    first = Table(rows=[HEADER, section("I", "NÂNG CAO NHẬN THỨC"), row("1", "Tuyên truyền")])
    second = Table(rows=[row("2", "Tập huấn")], header_rows=1)
    third = Table(rows=[HEADER, row("3", "Mạng 5G")], header_rows=1)
    other = Table(rows=[["STT", "Tên cơ sở dữ liệu"], ["1", "Dân cư"]])
    plan = build_plan(Document(source="t.pdf", blocks=[
        first, Paragraph("7"), second,
        Paragraph("II. PHÁT TRIỂN HẠ TẦNG SỐ"), Paragraph("VÀ DỮ LIỆU"), third,
        Paragraph("Phụ lục II"), other,
    ]))
    assert codes(plan) == ["I.1", "I.2", "II.3"]
    assert sections(plan) == [
        ("I", "NÂNG CAO NHẬN THỨC"), ("II", "PHÁT TRIỂN HẠ TẦNG SỐ VÀ DỮ LIỆU")]


def test_a_piece_that_lost_an_empty_last_column_on_its_page_still_continues_the_table() -> None:
    header = [*HEADER, "Nguồn kinh phí"]
    first = Table(rows=[header, [*row("1", "Tuyên truyền"), "Ngân sách tỉnh"]])
    second = Table(rows=[row("2", "Tập huấn")])  # "Nguồn kinh phí" empty on this page
    plan = build_plan(Document(source="t.pdf", blocks=[first, second]))
    assert codes(plan) == ["1", "2"] and task(plan, "2").lead == ["Sở Nội vụ"]
