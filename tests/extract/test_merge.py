"""Merging several readings of one plan."""

from __future__ import annotations

from theodoi.extract.merge import merge_plans
from theodoi.extract.model import Plan, PlanMeta, Task


def _plan(source: str, fidelity: int, tasks: list[Task], **meta) -> Plan:
    return Plan(source=source, meta=PlanMeta(**meta), tasks=tasks, cell_fidelity=fidelity)


def test_rows_missing_from_one_source_are_taken_from_the_other() -> None:
    full = _plan("a.pdf", 1, [Task("1", name="Một"), Task("2", name="Hai"), Task("3", name="Ba")])
    part = _plan("a.docx", 2, [Task("1", name="Một", result="Kết quả")], number="5/QĐ-X")
    merged, _ = merge_plans([full, part])
    assert [t.code for t in merged.tasks] == ["1", "2", "3"]
    assert merged.tasks[0].result == "Kết quả"
    assert merged.meta.number == "5/QĐ-X"


def test_the_source_that_saw_cells_wins_and_the_disagreement_is_reported() -> None:
    rebuilt = _plan("a.pdf", 1, [Task("1", name="Tên nhiệm vụ", deadline="Tháng 12 Bộ")])
    direct = _plan("a.docx", 2, [Task("1", name="Tên nhiệm vụ", deadline="Tháng 12")])
    merged, disagreements = merge_plans([rebuilt, direct])
    assert merged.tasks[0].deadline == "Tháng 12"
    assert len(disagreements) == 1
    assert disagreements[0].kept == "Tháng 12" and disagreements[0].other == "Tháng 12 Bộ"


def test_a_damaged_row_loses_to_an_intact_reading() -> None:
    intact = _plan("a.pdf", 1, [Task("1", name="Tên", result="Đúng")])
    damaged = _plan("a.docx", 2, [Task("1", name="Tên", result="Sai", uncertain=True)])
    merged, _ = merge_plans([intact, damaged])
    assert merged.tasks[0].result == "Đúng"


def test_rows_are_aligned_by_name_when_a_damaged_source_numbers_them_wrongly() -> None:
    good = _plan("a.pdf", 1, [Task("III.B.4", name="Quản lý khu kinh tế"),
                              Task("VI.A.4", name="Xây dựng Nghị định về chữ ký số")])
    bad = _plan("a.docx", 2, [Task("III.B.4", name="Xây dựng Nghị định về chữ ký số",
                                   result="Nghị định được ban hành")])
    merged, _ = merge_plans([good, bad])
    assert merged.tasks[0].result is None
    assert merged.tasks[1].result == "Nghị định được ban hành"
