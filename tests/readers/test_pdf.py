"""PDF reader: ruled, unruled and rotated fixtures against the gold; page handling."""

from __future__ import annotations

import pytest

from tests.readers.conftest import fixture, gold
from tests.readers.gold_cells import compare
from theodoi.extract.document import Paragraph, Table
from theodoi.extract.readers import read_document
from theodoi.extract.readers.layout import (
    Line,
    TableFragment,
    Word,
    gutter_columns,
    line_to_cells,
    lines_to_unruled_table,
    refine_gutters,
    stitch_fragments,
)
from theodoi.extract.readers.pdf import continues_paragraph


@pytest.mark.parametrize("name", ["000_ruled.pdf", "000_unruled.pdf", "001_ruled.pdf",
                                  "001_unruled.pdf", "000_rotated.pdf", "000_borderless.pdf",
                                  "001_borderless.pdf", "000_borderless_ragged.pdf"])
def test_it_reads_every_task_cell_of_the_printed_fixture_like_the_gold(name):
    doc = read_document(fixture(name))
    agree, total, wrong = compare(doc, gold(name[:3]))
    assert total > 100
    assert agree == total, wrong[:5]


@pytest.mark.parametrize("name", ["000_ruled.pdf", "000_unruled.pdf"])
def test_it_makes_one_table_of_a_table_that_runs_over_several_pages(name):
    doc = read_document(fixture(name))
    assert doc.pages == 10
    assert len(doc.tables()) == 1
    header = doc.tables()[0].rows[0]
    assert sum(1 for row in doc.tables()[0].rows if row == header) == 1


def test_it_notes_pages_it_turned_upright():
    doc = read_document(fixture("000_rotated.pdf"))
    assert any("xoay" in w for w in doc.warnings)


def test_it_drops_page_numbers_and_keeps_body_paragraphs():
    doc = read_document(fixture("000_ruled.pdf"))
    texts = [b.text for b in doc.paragraphs()]
    assert not any(t.strip().isdigit() for t in texts)
    assert "QUYẾT ĐỊNH:" in texts
    assert any(t.startswith("Căn cứ Quyết định số 1690/QĐ-TTg") for t in texts)


def test_it_joins_a_narrative_paragraph_split_by_a_page_break():
    doc = read_document(fixture("004_decision.pdf"))
    texts = [b.text.replace("\n", " ") for b in doc.blocks if isinstance(b, Paragraph)]
    para = next(t for t in texts if t.startswith("4. Cục Công nghiệp công nghệ thông tin"))
    assert para.endswith("trong toàn bộ tháng 10/2024.")


def test_a_page_top_continues_a_paragraph_only_when_the_sentence_goes_on():
    assert continues_paragraph("tổ chức hội thảo thúc đẩy", "sản phẩm công nghệ 5G")
    assert not continues_paragraph("Điều 3. Quyết định này có hiệu lực.", "Điều 4. Chánh")


def test_a_row_split_by_a_page_break_is_joined_to_its_first_part():
    table = Table(rows=[["TT", "Nhiệm vụ"], ["1", "Phần đầu"]])
    piece = TableFragment(rows=[["TT", "Nhiệm vụ"], [None, "phần sau"], ["2", "Việc hai"]],
                          header=1, top=0, bottom=0)
    assert stitch_fragments(table, piece)
    assert table.rows == [["TT", "Nhiệm vụ"], ["1", "Phần đầu\nphần sau"], ["2", "Việc hai"]]


# Borderless tables printed tight (scripts/make_fixtures.py --borderless): 3.6 pt between
# the columns, narrower than the justified word spaces in the cells; the header once, on
# the first page; rows broken across pages; the decision's text right under the table.


@pytest.mark.parametrize("name", ["000_borderless.pdf", "001_borderless.pdf",
                                  "000_borderless_ragged.pdf", "001_borderless_centred.pdf"])
def test_a_tight_borderless_table_scores_like_the_gold(name):
    # 000_borderless_ragged.pdf: left-aligned cells 2.4 pt apart, narrower than a word
    # space, and the header repeated on every page. 001_borderless_centred.pdf: the numbers
    # (and deadlines) centred vertically, below the first lines of their rows.
    import io
    from contextlib import redirect_stdout

    from tests.extract.test_scores import score_plan
    from theodoi.extract.commands import read_plan

    plan = read_plan(fixture(name)).to_json()
    with redirect_stdout(io.StringIO()):
        assert score_plan.score(gold(name[:3]), plan) >= 0.95


def test_text_under_a_borderless_table_is_not_read_into_its_last_row():
    doc = read_document(fixture("001_borderless.pdf"))
    last = doc.tables()[-1].rows[-1]
    assert last[1].endswith("Đề án 06 nói riêng")
    assert any(b.text.startswith("III. TỔ CHỨC THỰC HIỆN") for b in doc.paragraphs())


def _line(*words: tuple[str, float, float], top: float = 0.0, bold: bool = False) -> Line:
    return Line([Word(text, x0, x1, top, top + 10, bold=bold) for text, x0, x1 in words])


def _tight_table() -> list[Line]:
    """A header and rows whose columns are 3 pt apart, as wide as the word spaces."""
    header = _line(("TT", 2, 12), ("Nhiệm", 40, 62), ("vụ", 65, 72),
                   ("Thời", 118, 132), ("gian", 135, 150), ("Cơ", 170, 180), ("quan", 183, 200),
                   ("chủ", 203, 215), ("trì", 218, 228), bold=True)
    header_below = _line(("hoàn", 120, 136), ("thành", 139, 156), top=11, bold=True)
    rows = []
    top = 24.0
    for number in range(1, 9):
        rows.append(_line((str(number), 5, 10), ("Xây", 20, 34), ("dựng", 37, 60),
                          ("kế", 63, 72), ("hoạch", 75, 107), ("Tháng", 110, 130),
                          ("12", 133, 142), ("Bộ", 165, 175), ("Tài", 178, 190),
                          ("chính", 193, 230), top=top))
        rows.append(_line(("triển", 20, 45), ("khai", 48, 80), ("số", 83, 107),
                          ("Sở", 165, 178), ("Nội", 181, 195), ("vụ", 198, 230), top=top + 11))
        top += 24
    return [header, header_below, *rows]


def test_columns_are_found_in_gutters_as_narrow_as_a_word_space():
    lines = _tight_table()
    found = gutter_columns(lines[:2], lines[2:])
    assert found is not None
    assert len(found.edges) == 3
    assert 12 < found.edges[0] < 20 and 107 < found.edges[1] < 110
    assert 142 < found.edges[2] < 165
    # The header words of one cell ("Thời gian" / "hoàn thành", "Cơ quan chủ trì") stay one.
    frag, used = lines_to_unruled_table(lines)
    assert used == len(lines)
    assert frag.rows[0][2].replace("\n", " ") == "Thời gian hoàn thành"
    assert frag.rows[1] == ["1", "Xây dựng kế hoạch\ntriển khai số", "Tháng 12",
                            "Bộ Tài chính\nSở Nội vụ"]


def test_a_word_space_at_a_gutter_splits_cells_only_where_rows_leave_the_gutter_white():
    edges, whites = [15.0, 108.5, 153.0], [3.0, 3.0, 23.0]
    row = _line(("1", 5, 10), ("kế", 63, 72), ("hoạch", 75, 107), ("Tháng", 110, 130))
    assert [len(c) for c in line_to_cells(row, edges, 4.5, whites)] == [1, 2, 1, 0]
    # Without the gutter's width, a 3 pt space counts as ordinary word spacing.
    assert [len(c) for c in line_to_cells(row, edges, 4.5)] == [1, 3, 0, 0]
    # A bold heading running across the columns stays in the column where it starts.
    heading = _line(("I", 5, 10), ("CÔNG", 20, 60), ("TÁC", 63, 107), ("CHỈ", 110, 125),
                    bold=True)
    assert [len(c) for c in line_to_cells(heading, edges, 4.5, whites)] == [1, 3, 0, 0]
    # So does a phrase with a word across an edge.
    crossing = _line(("2", 5, 10), ("Thực", 20, 50), ("hiện", 53, 112), ("kiểm", 115, 140))
    assert [len(c) for c in line_to_cells(crossing, edges, 4.5, whites)] == [1, 3, 0, 0]


def test_header_words_that_read_as_one_phrase_stay_one_column_over_a_sparse_gap():
    # The body leaves the gap between "Chi tiết" and "nhiệm vụ" white (short detail cells),
    # but "Chi tiết nhiệm vụ" is one header phrase; "TT" does not take in "Tên".
    header = _line(("TT", 2, 12), ("Tên", 20, 35), ("nhiệm", 38, 62), ("vụ", 65, 72),
                   ("Chi", 110, 122), ("tiết", 125, 140), ("nhiệm", 150, 175), ("vụ", 178, 188),
                   ("Đơn", 200, 215), ("vị", 218, 225), ("chủ", 228, 240), ("trì", 243, 252),
                   bold=True)
    rows = [_line(("1", 5, 10), ("Xây", 20, 34), ("dựng", 37, 99), ("Lập", 110, 141),
                  ("Bộ", 200, 210), ("Tài", 213, 225), ("chính", 228, 250), top=12 + 12 * i)
            for i in range(8)]
    found = gutter_columns([header], rows)
    assert found is not None and len(found.edges) == 3
    assert 12 < found.edges[0] < 20 and 99 < found.edges[1] < 110
    assert 141 < found.edges[2] < 200


def test_an_edge_learned_on_a_sparse_first_page_moves_into_the_gutter_words_leave_later():
    # Page one's rows left 190-206 white; here "và" runs to 202.2 and the next column
    # starts at 206.3: the edge (198) moves into what is left, an edge no word crosses stays.
    body = [_line(("1", 5, 10), ("Xây", 20, 60), ("và", 192.3, 202.2), ("Lập", 206.3, 240),
                  top=12 * i) for i in range(4)]
    edges, whites = refine_gutters([15.0, 198.0], body, em=10.0)
    assert edges[0] == 15.0
    assert 202.2 < edges[1] < 206.3
    assert whites[1] == pytest.approx(4.1)


def test_a_cell_line_broken_after_a_slash_is_joined_back():
    # "1690/QĐ-TTg" broken after the slash by a narrow column; other breaks stay lines.
    lines = [_line(("TT", 2, 12), ("Nhiệm", 20, 45), ("vụ", 48, 58), ("Thời", 70, 90),
                   ("gian", 93, 110), ("Cơ", 130, 140), ("quan", 143, 160), ("chủ", 163, 175),
                   ("trì", 178, 188), bold=True)]
    lines.append(_line(("1", 5, 10), ("Quyết", 20, 40), ("định", 43, 58), ("Tháng", 70, 90),
                       ("Bộ", 130, 140), top=14))
    lines.append(_line(("1690/", 20, 45), ("12", 70, 80), ("Tài", 130, 145), top=26))
    lines.append(_line(("QĐ-TTg", 20, 52), ("chính", 130, 155), top=38))
    for i in range(3):
        lines.append(_line((str(i + 2), 5, 10), ("Lập", 20, 58), ("Quý", 70, 90),
                           ("Sở", 130, 140), top=52 + 14 * i))
    frag, _ = lines_to_unruled_table(lines)
    assert frag.rows[1] == ["1", "Quyết định\n1690/QĐ-TTg", "Tháng\n12", "Bộ\nTài\nchính"]


def test_a_number_centred_in_its_row_does_not_give_the_rows_first_lines_to_the_row_above():
    header = _tight_table()[:2]
    lines = list(header)
    top = 24.0
    for number in range(1, 5):
        # Three name lines and two agency lines from the row's top; the number mid-row.
        lines.append(_line(("Xây", 20, 34), ("dựng", 37, 107), ("Bộ", 165, 230), top=top))
        lines.append(_line((str(number), 5, 10), ("kế", 20, 72), ("Tháng", 110, 130),
                           ("Tài", 165, 230), top=top + 11))
        lines.append(_line(("hoạch", 20, 60), top=top + 22))
        top += 36
    frag, used = lines_to_unruled_table(lines)
    assert used == len(lines)
    assert [row[0] for row in frag.rows[1:]] == ["1", "2", "3", "4"]
    assert all(row[1] == "Xây dựng\nkế\nhoạch" for row in frag.rows[1:])
    assert all(row[3] == "Bộ\nTài" for row in frag.rows[1:])
