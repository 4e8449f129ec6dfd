"""Which field each column of a task table holds, from its header."""

from __future__ import annotations

import pytest

from theodoi.extract.columns import field_of_header_cell, is_header_text


@pytest.mark.parametrize(
    ("header", "field"),
    [("Lộ trình thực hiện", "deadline"), ("Lộ trình", "deadline"),
     ("Hình thức văn bản", "result"), ("Sản phẩm đầu ra", "result"),
     ("Đơn vị chủ trì", "lead"), ("Đơn vị phối hợp", "partners"),
     ("Tên nhiệm vụ, dự án", "name"), ("Số TT", "code")],
)
def test_header_cells_seen_in_2025_plans_name_their_field(header: str, field: str) -> None:
    assert field_of_header_cell(header) == field


def test_a_drafting_table_header_is_a_task_header() -> None:
    assert is_header_text("TT Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Hình thức văn bản Lộ trình")


def test_a_target_header_is_not_a_task_header() -> None:
    assert not is_header_text("STT Chỉ tiêu Đơn vị Kết quả Cơ quan chủ trì theo dõi")
