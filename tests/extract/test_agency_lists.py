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
