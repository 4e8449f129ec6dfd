"""Narrative plans whose items print their fields on labelled lines."""

from __future__ import annotations

from theodoi.extract.model import Plan
from theodoi.extract.plan import build_plan
from theodoi.extract.readers.text import text_to_document

LABELLED = """KẾ HOẠCH
Chuyển đổi số năm 2025
I. MỤC TIÊU
Nâng cao năng lực số của cơ quan nhà nước.
II. NHIỆM VỤ CỤ THỂ
1. Xây dựng nền tảng dữ liệu dùng chung của tỉnh
a) Nhiệm vụ: Kết nối cơ sở dữ liệu các sở, ngành với nền tảng.
- Đơn vị chủ trì: Sở Khoa học và Công nghệ.
- Đơn vị phối hợp: Các sở, ban, ngành; UBND các xã, phường.
- Thời gian thực hiện: Quý IV/2025.
- Sản phẩm: Nền tảng được đưa vào vận hành.
2. Tập huấn kỹ năng số cho cán bộ
Nhiệm vụ: Mở các lớp tập huấn.
Cơ quan chủ trì: Sở Nội vụ
Cơ quan phối hợp:
+ Sở Tài chính
+ Sở Khoa học và Công nghệ
Thời gian hoàn thành: Hằng năm.
Kết quả: Cán bộ được tập huấn.
III. TỔ CHỨC THỰC HIỆN
Các sở, ngành căn cứ Kế hoạch này triển khai thực hiện.
"""


def read(text: str) -> Plan:
    return build_plan(text_to_document(text, source="t.txt"))


def test_labelled_lines_fill_the_fields_of_the_numbered_item_above() -> None:
    plan = read(LABELLED)
    first, _ = plan.tasks
    assert first.code == "II.1"
    assert first.name == "Xây dựng nền tảng dữ liệu dùng chung của tỉnh"
    assert first.detail == "Kết nối cơ sở dữ liệu các sở, ngành với nền tảng."
    assert first.lead == ["Sở Khoa học và Công nghệ"]
    assert first.partners == ["Các sở, ban, ngành", "UBND các xã, phường"]
    assert first.deadline == "Quý IV/2025."
    assert first.due.to_json() == {"kind": "quarter", "on": "2025-12-31"}
    assert first.result == "Nền tảng được đưa vào vận hành."


def test_labels_without_bullets_and_agencies_listed_on_lines_below_their_label() -> None:
    second = read(LABELLED).tasks[1]
    assert second.code == "II.2"
    assert second.name == "Tập huấn kỹ năng số cho cán bộ"
    assert second.detail == "Mở các lớp tập huấn."
    assert second.lead == ["Sở Nội vụ"]
    assert second.partners == ["Sở Tài chính", "Sở Khoa học và Công nghệ"]
    assert second.due.to_json() == {"kind": "recurring", "every": "year"}
    assert second.result == "Cán bộ được tập huấn."


def test_a_narrative_plan_keeps_the_titles_of_the_sections_holding_its_tasks() -> None:
    plan = read(LABELLED)
    assert [(s.code, s.title) for s in plan.sections] == [("II", "NHIỆM VỤ CỤ THỂ")]


def test_labelled_items_outside_any_section_are_tasks_numbered_as_printed() -> None:
    text = (
        "Phụ lục: Danh mục nhiệm vụ năm 2025\n"
        "1. Số hóa hồ sơ hộ tịch\n"
        "- Đơn vị chủ trì: Sở Tư pháp\n"
        "- Thời gian hoàn thành: Tháng 02/2026\n"
        "2. Cập nhật cổng thông tin\n"
        "- Đơn vị chủ trì: Văn phòng UBND tỉnh\n"
        "- Thời gian hoàn thành: Thường xuyên, định kỳ hằng quý báo cáo kết quả\n"
    )
    plan = read(text)
    assert [(t.code, t.name, t.lead) for t in plan.tasks] == [
        ("1", "Số hóa hồ sơ hộ tịch", ["Sở Tư pháp"]),
        ("2", "Cập nhật cổng thông tin", ["Văn phòng UBND tỉnh"]),
    ]
    assert plan.tasks[0].due.to_json() == {"kind": "month", "on": "2026-02-28"}
    assert plan.tasks[1].due.to_json() == {"kind": "recurring", "every": "quarter"}


def test_numbered_prose_outside_any_section_and_without_labels_is_not_a_task() -> None:
    text = (
        "I. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì tập huấn kỹ năng số, hoàn thành trước tháng 6/2025.\n"
    )
    plan = read("1. Căn cứ Luật Giao dịch điện tử năm 2023.\n" + text)
    assert [t.code for t in plan.tasks] == ["I.1"]
    assert plan.tasks[0].lead == ["Sở Nội vụ"]


def test_numbered_items_of_the_sections_around_the_tasks_are_not_tasks() -> None:
    text = (
        "I. MỤC ĐÍCH, YÊU CẦU\n"
        "1. Sở Nội vụ chủ trì bảo đảm thống nhất trong chỉ đạo.\n"
        "II. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì tập huấn kỹ năng số, hoàn thành trước tháng 6/2025.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Tài chính chủ trì bố trí kinh phí thực hiện Kế hoạch.\n"
        "IV. KINH PHÍ THỰC HIỆN\n"
        "1. Sở Tài chính chủ trì hướng dẫn sử dụng kinh phí.\n"
    )
    plan = read(text)
    assert [t.code for t in plan.tasks] == ["II.1"]
    assert [(s.code, s.title) for s in plan.sections] == [("II", "NHIỆM VỤ")]


def test_a_lettered_item_followed_by_its_labelled_lines_is_a_task_under_its_number() -> None:
    text = (
        "II. NHIỆM VỤ CỤ THỂ\n"
        "1. Phát triển hạ tầng số\n"
        "a) Phủ sóng 5G các khu công nghiệp\n"
        "- Đơn vị chủ trì: Sở Khoa học và Công nghệ\n"
        "- Thời gian hoàn thành: Quý IV/2025\n"
        "b) Nâng cấp trung tâm dữ liệu tỉnh\n"
        "- Đơn vị chủ trì: Văn phòng UBND tỉnh\n"
        "- Thời gian hoàn thành: Năm 2026\n"
        "2. Tập huấn kỹ năng số\n"
        "a) Nhiệm vụ: Mở lớp cho cán bộ cấp xã.\n"
        "b) Đơn vị chủ trì: Sở Nội vụ.\n"
    )
    plan = read(text)
    assert [(t.code, t.name, t.lead) for t in plan.tasks] == [
        ("II.1", "Phát triển hạ tầng số", []),
        ("II.1.a", "Phủ sóng 5G các khu công nghiệp", ["Sở Khoa học và Công nghệ"]),
        ("II.1.b", "Nâng cấp trung tâm dữ liệu tỉnh", ["Văn phòng UBND tỉnh"]),
        ("II.2", "Tập huấn kỹ năng số", ["Sở Nội vụ"]),
    ]
    assert plan.tasks[1].due.on == "2025-12-31" and plan.tasks[2].due.on == "2026-12-31"
    assert plan.tasks[3].detail == "Mở lớp cho cán bộ cấp xã."


def test_lettered_examples_without_labels_are_still_not_tasks() -> None:
    text = (
        "II. NHIỆM VỤ\n"
        "1. Sở Nội vụ chủ trì tổ chức các hoạt động, hoàn thành trước tháng 6/2025:\n"
        "a) Hội thảo về chuyển đổi số;\n"
        "b) Cuộc thi tìm hiểu.\n"
    )
    assert [t.code for t in read(text).tasks] == ["II.1"]


def test_a_bullet_after_a_filled_label_is_not_taken_into_that_label() -> None:
    text = (
        "II. NHIỆM VỤ\n"
        "1. Tổ chức Ngày Chuyển đổi số\n"
        "- Thời gian thực hiện: Tháng 10/2025\n"
        "- Đơn vị chủ trì: Sở Khoa học và Công nghệ\n"
        "- Hội thảo, triển lãm về chuyển đổi số.\n"
    )
    first = read(text).tasks[0]
    assert first.deadline == "Tháng 10/2025" and first.lead == ["Sở Khoa học và Công nghệ"]


def test_section_headings_with_a_dash_or_bold_marks_are_sections() -> None:
    text = (
        "I - MỤC TIÊU\n"
        "1. Nâng cao năng lực số.\n"
        "**II.** NHIỆM VỤ CỤ THỂ\n"
        "1. Sở Nội vụ chủ trì tập huấn kỹ năng số, hoàn thành trước tháng 6/2025.\n"
    )
    plan = read(text)
    assert [t.code for t in plan.tasks] == ["II.1"]
    assert [(s.code, s.title) for s in plan.sections] == [("II", "NHIỆM VỤ CỤ THỂ")]
