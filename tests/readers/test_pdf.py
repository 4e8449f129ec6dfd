"""PDF reader: ruled, unruled and rotated fixtures against the gold; page handling."""

from __future__ import annotations

import pytest

from tests.readers.conftest import fixture, gold
from tests.readers.gold_cells import compare
from theodoi.extract.document import Paragraph, Table
from theodoi.extract.readers import read_document
from theodoi.extract.readers.layout import TableFragment, stitch_fragments
from theodoi.extract.readers.pdf import continues_paragraph


@pytest.mark.parametrize("name", ["000_ruled.pdf", "000_unruled.pdf", "001_ruled.pdf",
                                  "001_unruled.pdf", "000_rotated.pdf"])
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
