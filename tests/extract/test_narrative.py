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


# One paragraph per line, as a DOCX gives them: blank lines between paragraphs.
AGENCY_HEADED = "\n\n".join([
    "II. NỘI DUNG THỰC HIỆN",
    "1. Sở Khoa học và Công nghệ",
    "a) Chủ trì, phối hợp với các sở, ngành triển khai nền tảng dữ liệu của tỉnh.",
    "b) Tổng hợp kết quả chuyển đổi số, báo cáo Ủy ban nhân dân tỉnh.",
    "2. Sở Tài chính",
    "Phối hợp với Sở Khoa học và Công nghệ bố trí kinh phí.",
    "3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Tuyên truyền, vận động Nhân dân sử dụng dịch vụ công trực tuyến.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch.",
]) + "\n"


def test_lettered_duties_under_a_heading_naming_only_the_lead_are_its_tasks() -> None:
    plan = read(AGENCY_HEADED)
    assert [(t.code, t.lead) for t in plan.tasks] == [
        ("II.1", ["Sở Khoa học và Công nghệ"]),
        ("II.1.a", ["Sở Khoa học và Công nghệ"]),
        ("II.1.b", ["Sở Khoa học và Công nghệ"]),
        ("II.2", ["Sở Tài chính"]),
        ("II.3", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]),
    ]
    assert plan.tasks[1].partners == ["các sở, ngành"]


def test_the_one_paragraph_under_a_heading_naming_only_the_lead_is_its_detail() -> None:
    second = read(AGENCY_HEADED).tasks[3]
    assert second.name == "Sở Tài chính"
    assert second.detail == "Phối hợp với Sở Khoa học và Công nghệ bố trí kinh phí."
    assert second.partners == ["Sở Khoa học và Công nghệ"]


def test_a_lead_heading_run_into_its_paragraph_by_the_pdf_text_is_cut_at_its_line_end() -> None:
    text = (
        "II. NỘI DUNG THỰC HIỆN\n"
        "1. Sở Tài chính\n"
        "Phối hợp với Sở Nội vụ bố trí kinh phí.\n"
        "2. Sở Văn hóa, Thể thao và\n"
        "Du lịch\n"
    )
    first, second = read(text).tasks
    assert (first.name, first.detail) == ("Sở Tài chính", "Phối hợp với Sở Nội vụ bố trí kinh phí.")
    assert second.name == "Sở Văn hóa, Thể thao và Du lịch"
    assert second.lead == ["Sở Văn hóa, Thể thao và Du lịch"]


def test_a_list_of_agencies_wrapped_at_the_margin_is_not_cut_as_a_heading() -> None:
    # 004, IV.4.3 read from its PDF: the sentence's first line holds only agency names.
    text = (
        "IV. KẾ HOẠCH CỤ THỂ\n"
        "4.3. Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt\n"
        "Nam, các cơ quan báo chí tổ chức thông tin, tuyên truyền về chuyển đổi số.\n"
    )
    only = read(text).tasks[0]
    assert only.name.endswith("tuyên truyền về chuyển đổi số.") and only.detail is None
    assert only.lead[-1] == "các cơ quan báo chí"


TOPIC_HEADED = "\n\n".join([
    "III. NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Phát triển nền tảng số",
    "1.1. Ứng dụng bản đồ số trong quản lý hạ tầng",
    "Xây dựng bản đồ số hạ tầng giao thông, hoàn thành trong năm 2025.",
    "1.2. Nền tảng giám sát giao thông",
    "Triển khai các nền tảng giám sát giao thông như:",
    "- Hệ thống camera giám sát.",
    "2. Về nâng cao năng lực",
    "a) Đào tạo và bồi dưỡng:",
    "- Tập huấn kỹ năng số cho cán bộ.",
    "b) Hợp tác:",
    "- Hợp tác với các trường đại học.",
]) + "\n"


def test_the_paragraph_under_a_topic_heading_is_its_detail_and_bullets_are_not_copied() -> None:
    plan = read(TOPIC_HEADED)
    details = {t.code: t.detail for t in plan.tasks}
    assert details["III.1.1"] == "Xây dựng bản đồ số hạ tầng giao thông, hoàn thành trong năm 2025."
    assert details["III.1.2"] == "Triển khai các nền tảng giám sát giao thông như:"
    assert details["III.1"] is None  # a heading over numbered items keeps its intro to itself
    assert next(t for t in plan.tasks if t.code == "III.1.1").due.on == "2025-12-31"


def test_lettered_sub_headings_under_a_topic_heading_are_its_tasks() -> None:
    plan = read(TOPIC_HEADED)
    assert [t.code for t in plan.tasks] == [
        "III.1", "III.1.1", "III.1.2", "III.2", "III.2.a", "III.2.b"]
    assert plan.tasks[4].name == "Đào tạo và bồi dưỡng:"


ARTICLE = "\n\n".join([
    "Ngày 01/12/2025, UBND tỉnh ban hành Kế hoạch chuyển đổi số.",
    "Theo đó, Kế hoạch nêu rõ yêu cầu như sau:",
    "1. Tuân thủ quy định pháp luật.",
    "2. Lấy người dân làm trung tâm.",
    "Kế hoạch nêu rõ các nhiệm vụ như sau:",
    "1. Xây dựng môi trường pháp lý",
    "- Rà soát các quy định về chuyển đổi số.",
    "Gắn với việc hiện đại hóa hạ tầng.",
    "2. Phát triển hạ tầng số.",
])


def test_without_roman_headings_the_sentence_introducing_a_list_says_if_it_lists_tasks() -> None:
    plan = read(ARTICLE)
    assert [(t.code, t.name) for t in plan.tasks] == [
        ("1", "Xây dựng môi trường pháp lý"), ("2", "Phát triển hạ tầng số.")]


def test_a_paragraph_among_the_bullets_of_a_topic_heading_is_not_its_detail() -> None:
    assert read(ARTICLE).tasks[0].detail is None


def test_a_bullet_in_bold_marks_left_by_a_converter_is_still_a_bullet_of_the_label() -> None:
    text = "\n\n".join([
        "II. NHIỆM VỤ",
        "1. Về dữ liệu",
        "a) Nhiệm vụ:",
        "**- **Rà soát cơ sở dữ liệu của đơn vị.",
        "- Số hóa hồ sơ.",
        "-Kết nối dữ liệu.",
        "b) Thời gian thực hiện: Năm 2025.",
    ])
    first = read(text).tasks[0]
    assert first.detail == (
        "- Rà soát cơ sở dữ liệu của đơn vị. - Số hóa hồ sơ. - Kết nối dữ liệu.")


GROUPS = "\n\n".join([
    "III. NHIỆM VỤ, GIẢI PHÁP",
    "1. Rà soát đội ngũ công chức",
    "- Thường xuyên rà soát đội ngũ.",
    "Đơn vị chủ trì thực hiện: Các Sở, ngành, UBND cấp xã.",
    "Đơn vị phối hợp: Sở Nội vụ.",
    "Thời gian thực hiện: Thường xuyên.",
    "2. Nâng cao năng lực đội ngũ",
    "- Tăng cường giáo dục chính trị.",
    "- Nâng cao ý thức trách nhiệm.",
    "Đơn vị thực hiện: Các Sở, ngành.",
    "Thời gian thực hiện: Thường xuyên.",
    "- Tổ chức tập huấn kỹ năng.",
    "Đơn vị chủ trì tham mưu thực hiện: Sở Tư pháp.",
    "Đơn vị phối hợp thực hiện: Các cơ quan, đơn vị, địa phương",
    "liên quan.",
    "Thời hạn ban hành: Tháng 12/2025.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "1. Sở Tư pháp theo dõi, đôn đốc.",
])


def test_one_label_group_under_a_heading_gives_the_heading_its_fields() -> None:
    first = read(GROUPS).tasks[0]
    assert (first.code, first.name, first.detail) == ("III.1", "Rà soát đội ngũ công chức", None)
    assert (first.lead, first.partners) == (["Các Sở, ngành", "UBND cấp xã"], ["Sở Nội vụ"])


def test_several_label_groups_under_a_heading_are_its_sub_tasks_named_by_their_bullets() -> None:
    tasks = read(GROUPS).tasks
    assert [t.code for t in tasks] == ["III.1", "III.2", "III.2.1", "III.2.2"]
    group, first, second = tasks[1:]
    assert (group.lead, group.deadline) == ([], None)
    assert first.name == "Tăng cường giáo dục chính trị. - Nâng cao ý thức trách nhiệm."
    assert (first.lead, first.deadline) == (["Các Sở, ngành"], "Thường xuyên.")
    assert second.name == "Tổ chức tập huấn kỹ năng."
    assert second.lead == ["Sở Tư pháp"]  # "chủ trì tham mưu thực hiện"
    # A value a blank line cut goes on in the paragraph after it.
    assert second.partners == ["Các cơ quan, đơn vị, địa phương liên quan"]
    assert (second.deadline, second.due.kind, second.due.on) == (
        "Tháng 12/2025.", "month", "2025-12-31")  # "Thời hạn ban hành"


def test_a_lead_label_written_as_sentences_names_the_subjects_of_its_clauses() -> None:
    text = "\n\n".join([
        "II. NỘI DUNG",
        "1. Rà soát văn bản quy phạm pháp luật",
        "- Cơ quan thực hiện: Sở Tư pháp tiến hành rà soát các văn bản quy phạm pháp luật có "
        "liên quan đến Luật thuộc thẩm quyền; các sở, ngành và Ủy ban nhân dân các xã, phường "
        "rà soát văn bản quy phạm pháp luật thuộc phạm vi quản lý được phân công.",
        "- Cơ quan phối hợp: Các sở, ngành có liên quan theo chức năng, nhiệm vụ quản lý được "
        "giao.",
    ])
    task = read(text).tasks[0]
    assert task.lead == ["Sở Tư pháp", "các sở, ngành", "Ủy ban nhân dân các xã, phường"]
    assert task.partners == [
        "Các sở, ngành có liên quan theo chức năng, nhiệm vụ quản lý được giao"]


def test_dated_bullets_under_a_bare_deadline_label_give_the_last_date_and_steps() -> None:
    text = "\n\n".join([
        "II. NỘI DUNG",
        "1. Rà soát văn bản",
        "- Cơ quan thực hiện: Bộ Công an.",
        "- Thời gian thực hiện:",
        "+ Các bộ gửi kết quả rà soát về Bộ Công an trước ngày 15 tháng 12 năm 2025.",
        "+ Bộ Công an báo cáo Thủ tướng Chính phủ trước ngày 31 tháng 12 năm 2025.",
        "2. Xây dựng Cổng thông tin",
        "Thời gian thực hiện sau khi Chiến lược được ban hành.",
    ])
    first, second = read(text).tasks
    assert first.deadline.startswith("+ Các bộ gửi") and first.deadline.endswith("năm 2025.")
    assert (first.due.kind, first.due.on) == ("date", "2025-12-31")
    assert [s.on for s in first.due.steps] == ["2025-12-15"]
    assert (second.detail, second.deadline) == (None, "sau khi Chiến lược được ban hành.")
    assert second.due.kind == "conditional"
