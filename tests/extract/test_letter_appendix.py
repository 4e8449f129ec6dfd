"""A letter or an instruction whose task table stands in an appendix after the signature,
with a list of the documents issued before it between the two (made-up minimal texts)."""

from __future__ import annotations

import pytest

from theodoi.extract.metadata import read_metadata
from theodoi.extract.plan import NoPlanFound, build_plan
from theodoi.extract.readers.text import text_to_document


def marked(*rows: tuple[str, ...]) -> str:
    """Rows as a legal portal prints them: each opened and closed by a "|" line."""
    return "".join("|\n" + "".join(f"{cell}\n|\n" for cell in row) for row in rows)


LETTER_BODY = """Kính gửi: Các sở, ban, ngành tỉnh.
Để triển khai kịp thời các nhiệm vụ chuyển đổi số, Ủy ban nhân dân tỉnh yêu cầu:
1. Giám đốc các sở, ngành
- Chịu trách nhiệm trước Chủ tịch về tiến độ các nhiệm vụ tại Phụ lục kèm theo.
2. Sở Khoa học và Công nghệ
- Tổng hợp, báo cáo kết quả hằng tháng.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình
Danh mục văn bản đã ban hành
I. QUYẾT ĐỊNH
1. Quyết định số 101/QĐ-UBND ngày 10/02/2025 của Ủy ban nhân dân tỉnh ban hành Kế hoạch
chuyển đổi số năm 2025.
II. KẾ HOẠCH
1. Kế hoạch số 55/KH-UBND ngày 03/3/2025 của Ủy ban nhân dân tỉnh về phát triển dữ liệu số.
2. Kế hoạch số 78/KH-UBND ngày 14/4/2025 của Ủy ban nhân dân tỉnh về dịch vụ công trực tuyến.
PHỤ LỤC
DANH MỤC NHIỆM VỤ TRỌNG TÂM
(Kèm theo Công văn số 412/UBND-KGVX ngày 05/9/2025 của Ủy ban nhân dân tỉnh Hòa Bình)
"""

APPENDIX = marked(
    ("**STT**", "**Nhiệm vụ**", "**Người đứng đầu chịu trách nhiệm**", "**Cơ quan chủ trì**",
     "**Cơ quan phối hợp**", "**Thời hạn hoàn thành**"),
    ("1", "Số hóa hồ sơ đất đai", "Giám đốc Sở Nông nghiệp và Môi trường",
     "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Tháng 12/2025"),
    ("2", "Đưa kho dữ liệu dùng chung vào vận hành", "Giám đốc Sở Khoa học và Công nghệ",
     "Sở Khoa học và Công nghệ", "Các sở, ngành", "31/12/2025"),
)


def test_a_header_column_naming_no_field_does_not_hide_the_appendix_task_table() -> None:
    plan = build_plan(text_to_document(LETTER_BODY + APPENDIX))
    assert [t.code for t in plan.tasks] == ["1", "2"]
    assert plan.tasks[0].name == "Số hóa hồ sơ đất đai"
    # The head who answers for the task is no plan field: the lead is the agency's column.
    assert plan.tasks[0].lead == ["Sở Nông nghiệp và Môi trường"]
    assert plan.tasks[1].partners == ["Các sở, ngành"]
    assert plan.tasks[1].deadline == "31/12/2025"


def test_the_appendix_table_beats_the_numbered_items_of_the_letter_and_its_list() -> None:
    tasks = build_plan(text_to_document(LETTER_BODY + APPENDIX)).tasks
    assert not any("Kế hoạch số" in (t.name or "") for t in tasks)
    assert not any(t.code.startswith(("I.", "II.")) for t in tasks)


def test_a_list_of_cited_documents_is_not_tasks() -> None:
    text = """KẾ HOẠCH
Chuyển đổi số năm 2025
I. NHIỆM VỤ
1. Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính xây dựng kho dữ liệu, hoàn
thành trong Quý IV/2025.
2. Sở Nội vụ chủ trì tập huấn kỹ năng số cho cán bộ, hoàn thành trong năm 2025.
II. VĂN BẢN ĐÃ BAN HÀNH
1. Quyết định số 101/QĐ-UBND ngày 10/02/2025 của Ủy ban nhân dân tỉnh ban hành Kế hoạch
chuyển đổi số năm 2025.
2. Công văn số 33/UBND-KGVX ngày 03/3/2025 của Ủy ban nhân dân tỉnh về dữ liệu số.
"""
    plan = build_plan(text_to_document(text))
    assert [t.code for t in plan.tasks] == ["I.1", "I.2"]
    assert [s.code for s in plan.sections] == ["I"]


def test_a_list_of_cited_documents_alone_is_no_plan() -> None:
    text = """Danh mục văn bản đã ban hành
I. KẾ HOẠCH
1. Kế hoạch số 55/KH-UBND ngày 03/3/2025 của Ủy ban nhân dân tỉnh về phát triển dữ liệu số.
2. Kế hoạch số 78/KH-UBND ngày 14/4/2025 của Ủy ban nhân dân tỉnh về dịch vụ công.
"""
    with pytest.raises(NoPlanFound):
        build_plan(text_to_document(text))


def test_a_task_naming_a_document_after_its_verb_is_still_a_task() -> None:
    text = """I. NHIỆM VỤ
1. Triển khai Kế hoạch số 55/KH-UBND ngày 03/3/2025 của Ủy ban nhân dân tỉnh, hoàn thành
trong Quý IV/2025.
2. Quyết định số 12/QĐ-UBND được sửa đổi: Sở Tư pháp chủ trì rà soát.
"""
    assert [t.code for t in build_plan(text_to_document(text)).tasks] == ["I.1", "I.2"]


def test_the_appendix_line_of_a_letter_gives_its_number_date_and_issuer() -> None:
    meta = read_metadata([
        "Kính gửi: Các sở, ngành.", "Nơi nhận:", "- Lưu: VT.", "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ",
        "(Kèm theo Công văn số 412/UBND-KGVX ngày 05/9/2025 của Ủy ban nhân dân tỉnh Hòa Bình)",
    ])
    assert (meta.number, meta.date, meta.year) == ("412/UBND-KGVX", "2025-09-05", 2025)
    assert meta.issuer == "Ủy ban nhân dân tỉnh Hòa Bình"


def test_a_place_and_date_printed_after_the_recipients_is_not_the_plan_s_date() -> None:
    # A portal's notice under the page ("TP. HCM, ngày ...") is not the document's date; the
    # portal's metadata box is.
    meta = read_metadata([
        "Số hiệu:", "412/UBND-KGVX", "Ngày ban hành:", "05/09/2025",
        "Kính gửi: Các sở, ngành.", "Nơi nhận:", "- Lưu: VT.",
        "Hà Nội, ngày 31/05/2021", "Thưa Quý khách, ...",
    ])
    assert (meta.date, meta.year) == ("2025-09-05", 2025)


def test_the_place_and_date_of_the_header_is_still_the_plan_s_date() -> None:
    meta = read_metadata(["Số: 7/KH-UBND", "Hòa Bình, ngày 02 tháng 3 năm 2025", "KẾ HOẠCH",
                          "Nơi nhận:", "- Lưu: VT."])
    assert meta.date == "2025-03-02"


def test_a_date_printed_only_after_the_recipients_is_taken_when_nothing_else_dates_it() -> None:
    meta = read_metadata(["KẾ HOẠCH", "Nơi nhận:", "- Lưu: VT.",
                          "Hòa Bình, ngày 02 tháng 3 năm 2025"])
    assert meta.date == "2025-03-02"


def test_a_letter_s_title_is_its_subject_line() -> None:
    meta = read_metadata(["Số: 412/UBND-KGVX", "V/v đẩy mạnh chuyển đổi số năm 2025",
                          "Kính gửi: Các sở, ngành."])
    assert meta.title == "Đẩy mạnh chuyển đổi số năm 2025"


def test_without_a_subject_line_the_portal_s_title_line_gives_the_letter_s_subject() -> None:
    meta = read_metadata([
        "Số hiệu:", "412/UBND-KGVX", "Kính gửi: Các sở, ngành.",
        "Công văn 412/UBND-KGVX năm 2025 đẩy mạnh chuyển đổi số do Ủy ban nhân dân tỉnh "
        "Hòa Bình ban hành Văn bản này chưa cập nhật nội dung Tiếng Anh",
    ])
    assert meta.title == "Đẩy mạnh chuyển đổi số"


def test_a_section_code_after_the_header_is_not_taken_for_a_header_cell() -> None:
    # Cells between "|" lines, rows not marked: a section row "II" | "NHIỆM VỤ ..." right
    # after the header (a table printed from its second section on) stays a section row.
    cells = ["**TT**", "**Tên nhiệm vụ**", "**Cơ quan chủ trì**", "**Cơ quan phối hợp**",
             "**Thời hạn hoàn thành**", "II", "NHIỆM VỤ CHUNG", "1", "Số hóa hồ sơ đất đai",
             "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Tháng 12/2025"]
    text = "KẾ HOẠCH\n\n" + "".join(f"{cell}\n|\n" for cell in cells)
    assert len(text_to_document(text).tables()[0].rows[0]) == 5
    task = build_plan(text_to_document(text)).tasks[-1]
    assert (task.name, task.lead) == ("Số hóa hồ sơ đất đai", ["Sở Nông nghiệp và Môi trường"])
