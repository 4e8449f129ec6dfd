"""Text copied from a web page: cells between "|" lines, merged cells printed once."""

from __future__ import annotations

import pytest

from tests.conftest import gold_plan
from tests.extract.test_scores import MIN_F1, f1_of
from tests.readers.conftest import fixture
from theodoi.extract.commands import extract_plan
from theodoi.extract.metadata import read_metadata
from theodoi.extract.plan import build_plan
from theodoi.extract.readers.scraped import looks_scraped
from theodoi.extract.readers.text import text_to_document

HEADER = ["**TT**", "**Nhiệm vụ**", "**Đơn vị chủ trì**", "**Đơn vị phối hợp**",
          "**Thời gian hoàn thành**"]


def scraped(*cells: str, before: str = "KẾ HOẠCH\n\n") -> str:
    """Cells printed as a page scraper prints them: each followed by a "|" line."""
    return before + "".join(f"{cell}\n|\n" for cell in cells)


@pytest.mark.parametrize("name", ["000_scraped.txt", "000_scraped_rows.txt"])
def test_the_scraped_page_of_plan_000_scores_like_its_docx(name: str) -> None:
    plan = extract_plan([fixture(name)])
    assert f1_of(gold_plan("000"), plan.to_json()) >= MIN_F1
    assert plan.meta.signer == "Nguyễn Huy Dũng"


def test_a_lead_merged_over_rows_is_printed_once_and_belongs_to_each_row() -> None:
    text = scraped(*HEADER,
                   "1", "Xây dựng kế hoạch", "Cục Chuyển đổi số quốc gia", "Các bộ, ngành",
                   "Quý I/2025",
                   "2", "Kiểm tra, đôn đốc", "Sở Thông tin và Truyền thông", "Hằng năm",
                   "3", "Tổng kết", "Các bộ, ngành", "Tháng 12/2025")
    tasks = build_plan(text_to_document(text)).tasks
    assert [t.lead for t in tasks] == [["Cục Chuyển đổi số quốc gia"]] * 3
    assert [t.partners for t in tasks] == [["Các bộ, ngành"], ["Sở Thông tin và Truyền thông"],
                                           ["Các bộ, ngành"]]
    assert [t.deadline for t in tasks] == ["Quý I/2025", "Hằng năm", "Tháng 12/2025"]


def test_a_group_row_holds_only_its_name() -> None:
    text = scraped(*HEADER, "**1**", "**Nhóm việc chung**",
                   "1.1", "Việc con", "Cục A", "Sở B", "Năm 2025")
    tasks = build_plan(text_to_document(text)).tasks
    assert [(t.code, t.name, t.lead) for t in tasks] == [
        ("1", "Nhóm việc chung", []), ("1.1", "Việc con", ["Cục A"])]


def test_sections_restart_the_numbering() -> None:
    text = scraped(*HEADER, "I", "**CÔNG TÁC CHỈ ĐẠO**", "1", "Việc", "Cục A", "Sở B", "Năm 2025",
                   "II", "**HẠ TẦNG SỐ**", "1", "Việc khác", "Cục C", "Sở D", "Năm 2026")
    assert [t.code for t in build_plan(text_to_document(text)).tasks] == ["I.1", "II.1"]


def test_wrapped_cell_lines_and_bold_markers_are_cleaned() -> None:
    text = scraped(*HEADER, "1", "**Xây dựng cơ sở dữ liệu chuyên ngành phục vụ quản lý nhà\n"
                   "nước về chuyển đổi số**", "Cục A", "Sở B", "Năm 2025")
    task = build_plan(text_to_document(text)).tasks[0]
    assert task.name == ("Xây dựng cơ sở dữ liệu chuyên ngành phục vụ quản lý nhà nước về "
                         "chuyển đổi số")


def test_text_before_the_header_is_paragraphs_and_its_lines_are_rejoined() -> None:
    before = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn\n"
              "bản hướng dẫn thi hành;\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n")
    doc = text_to_document(scraped(*HEADER, "1", "Việc", "Cục A", "Sở B", "Năm 2025",
                                   before=before))
    assert [p.text.replace("\n", " ") for p in doc.paragraphs()] == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn "
        "bản hướng dẫn thi hành;", "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch."]


def test_a_layout_table_of_cells_is_read_as_paragraphs() -> None:
    text = scraped("Nơi nhận:\n- Như Điều 3;", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An",
                   "x", "y", "z", "w")
    doc = text_to_document(text)
    assert not doc.tables()
    assert "PHÓ CHỦ TỊCH" in [p.text for p in doc.paragraphs()]


def test_the_metadata_box_as_a_page_prints_it_fills_the_header() -> None:
    text = ("Số hiệu:02-KH/BCĐTWNgày đăng công báo:Đang cập nhật\n"
            "Loại văn bản:Kế hoạchNgười ký:Trần Cẩm Tú\n"
            "Ngày ban hành:19/06/2025Ngày hết hiệu lực:Đang cập nhật\n\n"
            + scraped(*HEADER, "1", "Việc", "Cục A", "Sở B", "Năm 2025", before=""))
    meta = build_plan(text_to_document(text)).meta
    assert (meta.number, meta.date, meta.signer) == ("02-KH/BCĐTW", "2025-06-19", "Trần Cẩm Tú")


def test_ordinary_text_is_not_taken_for_scraped_cells() -> None:
    assert not looks_scraped(["Điều 1. Ban hành kế hoạch.", "| một dòng |", "|"])


def test_the_table_ends_where_the_text_after_it_begins() -> None:
    text = scraped(*HEADER, "1", "Việc", "Cục A", "Sở B", "Năm 2025",
                   "2", "Việc khác", "Cục C", "Sở D", "Năm 2026",
                   "III. TỔ CHỨC THỰC HIỆN\nCác sở, ngành triển khai kế hoạch này.\nNơi nhận:\n"
                   "- Như trên;", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Văn Hòa")
    plan = build_plan(text_to_document(text))
    assert [(t.code, t.partners) for t in plan.tasks] == [("1", ["Sở B"]), ("2", ["Sở D"])]
    assert plan.meta.signer == "Lê Văn Hòa"


def test_a_header_block_printed_without_blank_lines_gives_the_number_and_date() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH KON TUM\n-------\n|\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n---------------\n|\nSố: 1469/KH-UBND\n|\n"
            "Kon Tum, ngày 17\ntháng 5 năm 2022\n|\nKẾ HOẠCH\nTriển khai Đề án\n"
            + scraped(*HEADER, "1", "Việc", "Cục A", "Sở B", "Năm 2025", before=""))
    meta = build_plan(text_to_document(text)).meta
    assert (meta.number, meta.date) == ("1469/KH-UBND", "2022-05-17")


def test_a_two_row_header_with_lead_and_partners_under_one_cell_gives_five_columns() -> None:
    text = scraped("TT", "Nội dung", "Cơ quan thực hiện", "Thời gian hoàn thành", "Chủ trì",
                   "Phối hợp", "1", "Việc", "Sở A", "Sở B", "Năm 2025")
    task = build_plan(text_to_document(text)).tasks[0]
    assert (task.lead, task.partners, task.deadline) == (["Sở A"], ["Sở B"], "Năm 2025")


def test_rows_opened_and_closed_by_pipe_lines_and_blank_separated_paragraphs() -> None:
    text = ("|\n**ỦY BAN NHÂN DÂN\n**\nTỈNH A\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n|\n|\n"
            "Số: 12/KH-UBND\n|\n*Hà Giang, ngày 3\ntháng 4 năm 2025 *\n|\n\n** **\n\n"
            "**KẾ HOẠCH**\n\n"
            "Thực hiện Chỉ thị số 27/CT-TTg\nngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ.\n\n"
            "**I. MỤC ĐÍCH,\nYÊU CẦU**\n")
    doc = text_to_document(text)
    texts = [p.text for p in doc.paragraphs()]
    assert ("Thực hiện Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ."
            in texts)
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert "ỦY BAN NHÂN DÂN" in texts and not any("*" in t for t in texts)
    meta = read_metadata(texts)
    assert (meta.number, meta.date) == ("12/KH-UBND", "2025-04-03")


def marked(*rows: tuple[str, ...]) -> str:
    """Rows as a portal prints them when each row is opened and closed by a "|" line."""
    return "".join("|\n" + "".join(f"{cell}\n|\n" for cell in row) for row in rows)


def test_rows_marked_by_pipe_lines_keep_columns_the_header_does_not_name() -> None:
    text = "KẾ HOẠCH\n\n" + marked(
        ("**TT**", "**Nhiệm vụ**", "**Cơ quan chủ trì**", "**Cơ quan phối hợp**",
         "**Thời gian hoàn thành**", "**Nguồn kinh phí**"),
        ("**I**", "**HẠ TẦNG**"),
        ("1", "Xây dựng hạ tầng", "Sở Tài chính", "Các sở, ngành", "Quý IV/2026",
         "Ngân sách thành phố"),
        ("Xây dựng hạ tầng dự phòng", "Trung tâm Chuyển đổi số"),
        ("2", "Đầu tư thiết bị", "Sở Tài chính", "Các sở, ngành", "Quý IV/2026"),
        ("3", "Tuyên truyền", "Sở Khoa học và Công nghệ", "Các sở, ngành", "Hằng năm.", ""),
    )
    table = text_to_document(text).tables()[0]
    assert table.rows[0][-1] == "Nguồn kinh phí"
    assert table.rows[3] == [None, "Xây dựng hạ tầng dự phòng", "Trung tâm Chuyển đổi số", None,
                             None, None]
    assert table.rows[4][5] == "Ngân sách thành phố"  # merged, printed in the first row only
    assert table.rows[5] == ["3", "Tuyên truyền", "Sở Khoa học và Công nghệ", "Các sở, ngành",
                             "Hằng năm.", None]
    tasks = build_plan(text_to_document(text)).tasks
    assert [t.code for t in tasks] == ["I.1", "I.2", "I.3"]
    assert tasks[0].lead == ["Sở Tài chính", "Trung tâm Chuyển đổi số"]


def test_an_empty_cell_inside_a_marked_row_is_not_taken_for_the_row_s_end() -> None:
    text = "KẾ HOẠCH\n\n" + marked(
        ("TT", "Nhiệm vụ", "Chi tiết", "Đơn vị chủ trì", "Thời gian hoàn thành"),
        ("1", "Việc một", "", "Sở Tài chính", "Quý IV/2026"),
        ("2", "Việc hai", "Chi tiết hai", "Sở Nội vụ", "Năm 2027"),
    )
    tasks = build_plan(text_to_document(text)).tasks
    assert [(t.code, t.detail, t.lead) for t in tasks] == [
        ("1", None, ["Sở Tài chính"]), ("2", "Chi tiết hai", ["Sở Nội vụ"])]


def test_numbering_running_on_across_sections_and_a_section_cell_holding_code_and_title() -> None:
    text = "KẾ HOẠCH\n\n" + marked(
        ("STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        ("**I.\nNÂNG CAO NHẬN THỨC**",),
        ("1", "Việc một", "Sở A", "Sở B", "Thường xuyên"),
        ("2", "Việc hai", "Sở A", "Sở B", "Thường xuyên"),
        ("**II. HOÀN\nTHIỆN CƠ CHẾ**",),
        ("3", "Việc ba", "Sở C", "Sở D", "Quý IV/2025"),
    )
    tasks = build_plan(text_to_document(text)).tasks
    assert [t.code for t in tasks] == ["I.1", "I.2", "II.3"]
    assert tasks[2].lead == ["Sở C"]


def test_rows_left_out_behind_dots_are_read_after_them_marked_damaged() -> None:
    # The page left sections III-V out behind a line of dots; the rows after it go on
    # with their own numbers, and the page's footer (a "## " heading) is not a cell.
    text = "KẾ HOẠCH\n\n" + marked(
        ("TT", "Nội dung thực hiện", "Cơ quan chủ trì", "Cơ quan phối hợp",
         "Thời gian hoàn thành"),
        ("**I**", "**BAN HÀNH VĂN BẢN**"),
        ("1", "Việc một", "Sở A", "Sở B", "2025"),
        ("2", "Việc hai", "Sở A", "Sở B", "Thường xuyên"),
    ).rstrip("|\n") + "\n|\n….................................\n|\n" + marked(
        ("2", "Việc sau chỗ mất", "Sở C", "Sở D", "2025"),
        ("**VII**", "**DIỄN TẬP**"),
        ("1", "Diễn tập", "Sở E", "Sở F", "Theo kế hoạch"),
    ) + "Trang chủ\n## Văn bản liên quan\nBan hành: 04/09/2025\n|\nĐiện thoại\n|\n"
    tasks = build_plan(text_to_document(text)).tasks
    # The row before the gap may have lost cells with it: uncertain too.
    assert [(t.code, t.uncertain) for t in tasks] == [
        ("I.1", False), ("I.2", True), ("?.2", True), ("VII.1", False)]
    assert tasks[-1].deadline == "Theo kế hoạch" and tasks[-1].partners == ["Sở F"]


def test_a_provision_list_wrapped_to_a_line_start_does_not_open_a_paragraph() -> None:
    text = ("|\nA\n|\nB\n|\nC\n|\nD\n|\n\n"
            "+ Nội dung: quy định chi tiết khoản 3\nĐiều 6; khoản 5 Điều 9 của Luật.\n\n"
            "Điều 2. Quyết định này có hiệu lực.\n")
    texts = [p.text for p in text_to_document(text).paragraphs()]
    assert "+ Nội dung: quy định chi tiết khoản 3 Điều 6; khoản 5 Điều 9 của Luật." in texts
    assert "Điều 2. Quyết định này có hiệu lực." in texts


@pytest.mark.parametrize(("line", "number"), [
    ("Số: 2623/QĐ-TTg", "2623/QĐ-TTg"),  # the issuer's code ends in a small letter
    ("Số: 12/KH-UBNDngày 3 tháng 4", "12/KH-UBND"),  # but never runs into the next word
])
def test_the_decision_number_is_read_as_printed(line: str, number: str) -> None:
    assert read_metadata(["ỦY BAN NHÂN DÂN", line, "KẾ HOẠCH"]).number == number


def test_header_cells_give_the_date_and_the_issuer_with_its_province() -> None:
    # The header block in cells: the issuer over two lines, the date over two.
    meta = read_metadata([
        "UỶ BAN NHÂN", "DÂN", "TỈNH LAI CHÂU", "--------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số:", "7360/KH-UBND", "Lai Châu, ngày 19", "tháng 11 năm 2025", "KẾ HOẠCH",
        "(Kèm theo Kế hoạch số 7360/KH-UBND của Ủy ban nhân dân tỉnh)"])
    assert (meta.date, meta.issuer) == ("2025-11-19", "Ủy ban nhân dân tỉnh Lai Châu")


@pytest.mark.parametrize(("header", "body", "issuer"), [
    ("THỦ TƯỚNG\nCHÍNH PHỦ", "(Kèm theo Quyết định số /QĐ-TTg của Thủ tướng Chính phủ)",
     "Thủ tướng Chính phủ"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân Thành phố Hồ Chí Minh ban hành",
     "Ủy ban nhân dân Thành phố Hồ Chí Minh"),  # "Thành phố" as the body writes it
    ("BỘ Y TẾ", "(Kèm theo Quyết định số 1/QĐ-BYT của Bộ trưởng Bộ Y tế)", "Bộ Y tế"),
])
def test_the_issuer_is_the_one_the_header_prints(header: str, body: str, issuer: str) -> None:
    meta = read_metadata([header, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "KẾ HOẠCH", body])
    assert meta.issuer == issuer


def test_a_title_in_capitals_takes_the_case_the_body_writes_it_in() -> None:
    meta = read_metadata([
        "KẾ HOẠCH",
        "TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 214/NQ-CP CỦA CHÍNH PHỦ TRÊN ĐỊA BÀN TỈNH LAI CHÂU",
        "Thực hiện Nghị quyết số 214/NQ-CP của Chính phủ về dữ liệu, Ủy ban nhân dân tỉnh ban "
        "hành Kế hoạch triển khai trên địa bàn tỉnh Lai Châu như sau:"])
    assert meta.title == ("Kế hoạch triển khai thực hiện Nghị quyết số 214/NQ-CP của Chính phủ "
                          "trên địa bàn tỉnh Lai Châu")


def test_a_title_in_capitals_the_body_does_not_write_is_left_blank() -> None:
    meta = read_metadata(["KẾ HOẠCH", "NÂNG CAO CHẤT LƯỢNG MẠNG DI ĐỘNG", "Nội dung khác."])
    assert meta.title is None
