"""Rebuilding table cells from PDF-extracted text."""

from __future__ import annotations

from tests.conftest import DATA
from theodoi.extract.readers.text import text_to_document
from theodoi.extract.reflow import ColumnModel, segment_row, tokenize

FIELDS = ["name", "result", "deadline", "lead", "partners"]


def test_a_deadline_glued_to_the_end_of_a_result_line_is_cut_off() -> None:
    lines = [
        "Lập đề nghị xây dựng ", "Luật Công nghiệp công ", "nghệ số", "",
        "Trình Chính phủ ", "xem xét, thông qua Tháng 6", "",
        "Bộ ", "Thông ", "tin và ", "", "Truyền ", "thông", "",
        "Các bộ, ", "ngành, địa ", "", "phương",
    ]
    cells = segment_row(lines, ColumnModel(FIELDS))
    assert cells.text("name") == "Lập đề nghị xây dựng\nLuật Công nghiệp công\nnghệ số"
    assert cells.text("result") == "Trình Chính phủ\nxem xét, thông qua"
    assert cells.text("deadline") == "Tháng 6"
    assert cells.text("lead") == "Bộ\nThông\ntin và\nTruyền\nthông"
    assert cells.text("partners") == "Các bộ,\nngành, địa\nphương"


def test_a_deadline_broken_over_narrow_lines_stays_one_cell() -> None:
    lines = [
        "Xây dựng Kế hoạch ", "", "Kế hoạch được ban hành", "",
        "Trước ", "ngày 30 ", "tháng 4", "", "Các bộ, ", "ngành, ", "", "địa ", "phương", "", "-",
    ]
    cells = segment_row(lines, ColumnModel(FIELDS))
    assert cells.text("deadline") == "Trước\nngày 30\ntháng 4"
    assert cells.text("lead") == "Các bộ,\nngành,\nđịa\nphương"
    assert cells.text("partners") == "-"


def test_tokens_split_only_where_a_cell_may_begin() -> None:
    texts = [t.text for t in tokenize(["Văn bản hướng dẫn Thường ", "xuyên"])]
    assert texts == ["Văn bản hướng dẫn", "Thường", "xuyên"]
    assert [t.text for t in tokenize(["- Năm 2024: Công bố"])] == ["- Năm 2024: Công bố"]


# PDF-extracted text as extractors give it: trailing spaces, a page number, a repeated
# header, a page that starts with a space.
PDF_TEXT = (DATA / "reflow_sample.txt").read_text(encoding="utf-8")


def test_a_pdf_text_table_becomes_rows_with_codes_sections_and_groups() -> None:
    from theodoi.extract.plan import build_plan

    plan = build_plan(text_to_document(PDF_TEXT, source="t.txt"))
    by_code = {t.code: t for t in plan.tasks}
    assert list(by_code) == ["I.1", "I.2", "I.2.1", "I.2.2"]
    assert by_code["I.1"].name == "Tổ chức các phiên họp của Ủy ban"
    assert by_code["I.1"].lead == ["Bộ Tài chính"]
    assert by_code["I.1"].partners == ["Văn phòng Chính phủ"]
    assert by_code["I.1"].due.every == "month"
    assert by_code["I.2"].name == "Thực hiện kiểm tra, giám sát tình hình chuyển đổi số"
    assert by_code["I.2"].lead == [] and by_code["I.2"].deadline is None
    assert by_code["I.2.1"].deadline == "Tháng 12" and by_code["I.2.1"].partners == []
    # The page number and the repeated header are gone; the last row is read whole.
    assert by_code["I.2.2"].deadline == "Quý II"
    assert by_code["I.2.2"].lead == ["Bộ Y tế"]
    assert by_code["I.2.2"].partners == ["Các bộ, ngành, địa phương"]
    # The text after the table is not read as rows.
    assert all("báo cáo" not in (t.result or "") for t in plan.tasks)


TABBED = """QUYẾT ĐỊNH ban hành Kế hoạch năm 2024
\tTT
\tNhiệm vụ
\tKết quả
\tThời gian hoàn thành
\tCơ quan chủ trì
\tCơ quan phối hợp

\tI
\tCHỈ ĐẠO
\tCHỈ ĐẠO
\tCHỈ ĐẠO
\tCHỈ ĐẠO
\tCHỈ ĐẠO

\t1
\tTổ chức Phiên họp
\t- Báo cáo Phó Thủ tướng
\tQuý I
\tBộ Xây dựng
\tBộ Y tế

\t
\t
\t- Tổ chức Phiên họp do Phó Thủ tướng chủ trì
\tQuý II
\t
\t

\t2
\tTriển khai hóa đơn
\t- 100% cửa hàng;

- 80% trung tâm
\tTháng 11
\tBộ Tài chính
\tCác bộ, ngành, địa phương
"""


def test_tabbed_text_sub_rows_make_one_task_with_steps() -> None:
    from theodoi.extract.plan import build_plan

    plan = build_plan(text_to_document(TABBED, source="t.txt"))
    first, second = plan.tasks
    assert first.code == "I.1"
    assert first.result == "- Báo cáo Phó Thủ tướng - Tổ chức Phiên họp do Phó Thủ tướng chủ trì"
    assert first.deadline == "Quý I Quý II"
    assert first.due.kind == "quarter" and first.due.steps[0].text == "Báo cáo Phó Thủ tướng"
    assert second.result == "- 100% cửa hàng; - 80% trung tâm"
    assert second.partners == ["Các bộ, ngành, địa phương"]
