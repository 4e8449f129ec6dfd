"""A DOCX lead cell merged down over several task rows belongs to each of them."""

from __future__ import annotations

from pathlib import Path

import docx

from theodoi.extract.commands import extract_plan

HEADER = ["TT", "Nhiệm vụ", "Kết quả", "Thời gian hoàn thành", "Cơ quan chủ trì",
          "Cơ quan phối hợp"]


def test_a_vertically_merged_lead_cell_gives_its_agency_to_every_row_it_covers(
    tmp_path: Path,
) -> None:
    document = docx.Document()
    document.add_paragraph("Kế hoạch chuyển đổi số năm 2025")
    rows = [
        ["1", "Tuyên truyền", "Tin bài", "Quý II/2025", "Sở Nội vụ", ""],
        ["2", "Tập huấn", "Lớp học", "Quý IV/2025", "", ""],
        ["3", "Hội nghị", "Hội nghị", "Tháng 6/2025", "Sở Tài chính", "Sở Nội vụ"],
    ]
    table = document.add_table(rows=1 + len(rows), cols=len(HEADER))
    for col, text in enumerate(HEADER):
        table.cell(0, col).text = text
    for index, values in enumerate(rows, start=1):
        for col, text in enumerate(values):
            if text:
                table.cell(index, col).text = text
    table.cell(1, 4).merge(table.cell(2, 4))  # "Sở Nội vụ" leads rows 1 and 2
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))

    plan = extract_plan([path])
    assert [(t.code, t.lead) for t in plan.tasks] == [
        ("1", ["Sở Nội vụ"]), ("2", ["Sở Nội vụ"]), ("3", ["Sở Tài chính"])]
    assert plan.tasks[1].deadline == "Quý IV/2025"
