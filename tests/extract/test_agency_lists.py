"""Splitting lead and partner cells into one string per agency, by the plan-json rules."""

from __future__ import annotations

import pytest

from theodoi.extract.agency_lists import split_agencies


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("Bộ Ngoại giao, Bộ Kế hoạch và Đầu tư; các bộ, ngành, địa phương",
         ["Bộ Ngoại giao", "Bộ Kế hoạch và Đầu tư", "các bộ, ngành, địa phương"]),
        ("Vụ Tổ chức cán bộ và các cơ quan, đơn vị", ["Vụ Tổ chức cán bộ", "các cơ quan, đơn vị"]),
        ("Các bộ, ngành, địa phương", ["Các bộ, ngành, địa phương"]),
        ("Bộ Văn hóa, Thể thao và Du lịch", ["Bộ Văn hóa, Thể thao và Du lịch"]),
        ("Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương",
         ["Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương"]),
        ("Các Bộ, ngành (Bộ Y tế, Bộ Tài chính)", ["Các Bộ, ngành (Bộ Y tế, Bộ Tài chính)"]),
        ("các hội, hiệp hội", ["các hội, hiệp hội"]),
        ("-", []),
        (None, []),
        ("- Đơn vị chuyên trách;\n- Sở Thông tin và Truyền\nthông các tỉnh.",
         ["Đơn vị chuyên trách", "Sở Thông tin và Truyền thông các tỉnh"]),
        ("Bộ Công an;\nVăn phòng Chính phủ", ["Bộ Công an", "Văn phòng Chính phủ"]),
        ("Bộ Thông tin và Truyền thông, Bộ Công an và các bộ, ngành liên quan",
         ["Bộ Thông tin và Truyền thông", "Bộ Công an", "các bộ, ngành liên quan"]),
    ],
)
def test_cells_split_into_agencies_as_printed(cell, items) -> None:
    assert split_agencies(cell) == items


def test_words_that_look_like_agencies_but_are_verbs_do_not_split() -> None:
    assert split_agencies("Vụ Pháp chế, Tổ chức cán bộ") == ["Vụ Pháp chế, Tổ chức cán bộ"]


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("- Sở Nội vụ\n- Sở Tài chính\n- UBND các xã, phường",
         ["Sở Nội vụ", "Sở Tài chính", "UBND các xã, phường"]),
        ("Sở Nội vụ\nSở Tài chính\nCông an tỉnh", ["Sở Nội vụ", "Sở Tài chính", "Công an tỉnh"]),
        ("Văn phòng UBND tỉnh\nCác sở, ban, ngành", ["Văn phòng UBND tỉnh", "Các sở, ban, ngành"]),
    ],
)
def test_a_cell_printing_one_agency_per_line_gives_one_item_per_line(cell, items) -> None:
    assert split_agencies(cell) == items


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("Sở Thông tin và Truyền\nthông các tỉnh", ["Sở Thông tin và Truyền thông các tỉnh"]),
        ("Sở Văn hóa, Thể thao và\nDu lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Bộ Quốc phòng, Bộ\nCông an", ["Bộ Quốc phòng", "Bộ Công an"]),
        ("Các Bộ, ngành (Bộ Y tế,\nBộ Tài chính)", ["Các Bộ, ngành (Bộ Y tế, Bộ Tài chính)"]),
    ],
)
def test_a_name_wrapped_onto_the_next_line_stays_one_item(cell, items) -> None:
    assert split_agencies(cell) == items


def test_a_name_wrapped_before_lower_case_cac_stays_one_item() -> None:
    # 000, task 8.2: "Sở Thông tin và Truyền thông" / "các tỉnh, thành phố ..." is one name.
    cell = "Sở Thông tin và Truyền thông\ncác tỉnh, thành phố trực thuộc trung ương"
    assert split_agencies(cell) == [
        "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc trung ương"]


def test_a_comma_without_a_space_before_a_new_agency_still_separates_them() -> None:
    cell = "Bộ Lao động - Thương binh và Xã hội,Thanh tra Chính phủ, các bộ, ngành và địa phương"
    assert split_agencies(cell) == [
        "Bộ Lao động - Thương binh và Xã hội", "Thanh tra Chính phủ", "các bộ, ngành và địa phương"]


def test_two_names_with_no_separator_between_them_stay_one_item_as_printed() -> None:
    # The plan-json rules split at ";", bullets, line breaks, ", " and " và ", not at a space.
    cell = "Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ"
    assert split_agencies(cell) == [cell]


@pytest.mark.parametrize(
    ("cell", "items"),
    [("Viện, Trường; Doanh nghiệp, Sở, ban, ngành có liên quan",
      ["Viện, Trường", "Doanh nghiệp", "Sở, ban, ngành có liên quan"]),
     ("Sở Nội vụ, Trường Đại học Cần Thơ", ["Sở Nội vụ", "Trường Đại học Cần Thơ"])],
)
def test_truong_begins_an_agency_only_before_its_proper_name(cell, items) -> None:
    assert split_agencies(cell) == items


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        # The abbreviation of a thing handled (thủ tục hành chính) wrapped to its own line
        # finishes the group's name.
        ("Các đơn vị có thủ tục được giao thực hiện\nTTHC",
         ["Các đơn vị có thủ tục được giao thực hiện TTHC"]),
        # An agency's abbreviation on its own line is an agency of its own.
        ("Sở Tài chính\nVNPT", ["Sở Tài chính", "VNPT"]),
        ("Bộ Tư pháp\nTTXVN", ["Bộ Tư pháp", "TTXVN"]),
    ],
)
def test_an_abbreviation_alone_on_a_line_starts_an_agency_only_when_it_names_one(
        cell, items) -> None:
    assert split_agencies(cell) == items
