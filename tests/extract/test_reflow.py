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


def _exhaustive_segmentation(lines, model, *, sub_row=False, open_columns=None, cut_after=False):
    """The plain programme over every cut point, straight from the cost definitions."""
    from theodoi.extract import reflow

    tokens = tokenize(lines)
    columns = model.fields
    n, k = len(tokens), len(columns)

    def cell_cost(c: int, start: int, end: int) -> float:
        column, segment = columns[c], tokens[start:end]
        if column == reflow.DEADLINE and len(segment) > 14:
            return 50.0
        if open_columns is not None:
            if not segment:
                return 0.0
            closed = 0.1 * c if column in open_columns else 2.0
            return (closed + reflow._width_cost(column, segment, model)
                    + reflow._paragraph_cost(segment))
        return reflow._content_cost(
            column, segment, sub_row=sub_row, cut_after=cut_after
        ) + reflow._width_cost(column, segment, model)

    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for c in range(k):
        for start in range(n + 1):
            if best[c][start] == inf:
                continue
            entry = best[c][start] + (reflow._boundary_cost(tokens, start) if 0 < start < n else 0)
            for end in range(start, n + 1):
                total = entry + cell_cost(c, start, end)
                if total < best[c + 1][end] - 1e-9:
                    best[c + 1][end], back[c + 1][end] = total, start
    cells, end = {}, n
    for c in range(k, 0, -1):
        start = back[c][end]
        cells[columns[c - 1]] = reflow._lines_of(tokens[start:end])
        end = start
    return cells, best[k][n]


def _recorded_rows(monkeypatch, text: str) -> list[tuple]:
    """The calls the PDF-text reader makes to `segment_row` while reading `text`."""
    import theodoi.extract.readers.text as text_reader

    calls = []
    real = text_reader.segment_row

    def record(lines, model, **options):
        calls.append((list(lines), ColumnModel(list(model.fields), dict(model.widths)), options))
        return real(lines, model, **options)

    monkeypatch.setattr(text_reader, "segment_row", record)
    text_to_document(text, source="t.txt")
    monkeypatch.undo()
    return calls


def test_the_pruned_programme_finds_the_exhaustive_programmes_cells(monkeypatch) -> None:
    from tests.conftest import seed_path

    seed = seed_path("000").read_text(encoding="utf-8")
    # The sample; rows of 000 from both passes (before and after the widths are learned),
    # and every part of 000 that follows a page break.
    rows = _recorded_rows(monkeypatch, seed)
    after_break = [call for call in rows if call[2].get("open_columns") is not None]
    first_pass = [call for call in rows if not call[1].widths][:6]
    second_pass = [call for call in rows if call[1].widths][:6]
    calls = _recorded_rows(monkeypatch, PDF_TEXT) + first_pass + second_pass + after_break
    assert after_break and len(second_pass) == 6
    for lines, model, options in calls:
        fast = segment_row(lines, model, **options)
        cells, cost = _exhaustive_segmentation(lines, model, **options)
        assert fast.cells == cells
        assert abs(fast.cost - cost) < 1e-6


def test_short_cells_are_joined_as_join_lines_joins_them() -> None:
    from theodoi.extract.reflow import _RowFeatures
    from theodoi.extract.text import join_lines

    lines = ["Quyết định số 1690/QĐ-", "TTg ngày", "206/QĐ", "-TTg", "kinh tế số -", "xã hội",
             "", "Tháng\u00a0 6", "-", "- Năm 2024"]
    row = _RowFeatures(tokenize(lines))
    texts = [t.text for t in row.tokens]
    for start in range(len(texts)):
        for end in range(start, len(texts) + 1):
            assert row.text(start, end) == join_lines(texts[start:end])


def test_reflowing_a_row_costs_a_bounded_number_of_cells_per_cut_point(monkeypatch) -> None:
    # Near-linear time without timing anything: count the candidate cells priced per row.
    from tests.conftest import seed_path
    from theodoi.extract import reflow

    priced = [0]
    real_cell = reflow._RowCosts.cell

    def counted(self, c, start, end):
        priced[0] += 1
        return real_cell(self, c, start, end)

    calls = _recorded_rows(monkeypatch, seed_path("000").read_text(encoding="utf-8"))
    monkeypatch.setattr(reflow._RowCosts, "cell", counted)
    longest = 0
    for lines, model, options in calls:
        priced[0] = 0
        n = len(tokenize(lines))
        segment_row(lines, model, **options)
        longest = max(longest, n)
        assert priced[0] <= 12 * len(model.fields) * (n + 1)
    assert longest >= 80
