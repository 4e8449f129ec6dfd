"""DOCX reader: document order, merged cells, split tables, numbering, gold agreement."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.readers.conftest import fixture, gold
from tests.readers.gold_cells import compare
from theodoi.extract.document import Paragraph, Table
from theodoi.extract.readers import read_document
from theodoi.extract.readers.docx import read_docx


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_it_reads_every_task_cell_of_the_fixture_like_the_gold(prefix):
    doc = read_document(fixture(f"{prefix}_decision.docx"))
    agree, total, wrong = compare(doc, gold(prefix))
    assert total > 100
    assert agree == total, wrong[:5]


def test_it_joins_a_table_the_author_split_and_drops_the_copied_header():
    doc = read_docx(fixture("000_decision.docx"))
    tables = doc.tables()
    assert len(tables) == 1
    header = tables[0].rows[0]
    assert sum(1 for row in tables[0].rows if row == header) == 1


def test_it_reads_the_header_block_as_paragraphs_not_a_table():
    texts = [b.text for b in read_docx(fixture("000_decision.docx")).paragraphs()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Nguyễn Huy Dũng" in texts


def test_it_ignores_page_numbers_in_the_header():
    texts = [b.text for b in read_docx(fixture("000_decision.docx")).paragraphs()]
    assert not any(t.strip().isdigit() for t in texts)


def test_it_keeps_narrative_paragraphs_in_order():
    doc = read_docx(fixture("004_decision.docx"))
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert not doc.tables()
    first = next(i for i, t in enumerate(texts) if t.startswith("1.1. Xây dựng Thông điệp"))
    assert texts[first - 1].startswith("1. Cục Chuyển đổi số quốc gia chủ trì")


def _merged_table_docx(path):
    """A table with a horizontal span, a vertical merge, two paragraphs and a bullet list."""
    document = docx.Document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=4, cols=4)
    for i, text in enumerate(["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp"]):
        table.cell(0, i).text = text
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "CÔNG TÁC CHỈ ĐẠO"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).text = "Dòng một"
    table.cell(2, 1).add_paragraph("Dòng hai")
    merged = table.cell(2, 2).merge(table.cell(3, 2))
    merged.text = "Bộ Công an"
    table.cell(2, 3).text = ""
    table.cell(2, 3).paragraphs[0].add_run("Bộ A;")
    table.cell(2, 3).add_paragraph("Bộ B.", style="List Bullet")
    table.cell(3, 0).text = "2"
    table.cell(3, 1).text = "Việc hai"
    document.add_paragraph("Sau bảng")
    document.save(path)


def test_it_resolves_merged_cells_once_in_their_first_column(tmp_path):
    path = tmp_path / "merged.docx"
    _merged_table_docx(path)
    doc = read_docx(path)
    assert [type(b) for b in doc.blocks] == [Paragraph, Table, Paragraph]
    rows = doc.tables()[0].rows
    assert rows[1] == ["I", "CÔNG TÁC CHỈ ĐẠO", None, None]
    assert rows[2][:3] == ["1", "Dòng một\nDòng hai", "Bộ Công an"]
    assert rows[2][3] == "Bộ A;\n- Bộ B."  # the automatic bullet is written as "-"
    assert rows[3][:3] == ["2", "Việc hai", None]  # vertical-merge continuation


def test_it_numbers_automatic_lists_as_word_shows_them(tmp_path):
    document = docx.Document()
    for text in ("Một", "Hai"):
        document.add_paragraph(text, style="List Number")
    path = tmp_path / "numbered.docx"
    document.save(path)
    texts = [b.text for b in read_docx(path).paragraphs()]
    assert texts == ["1. Một", "2. Hai"]


def test_it_drops_a_repeated_header_row_inside_one_table(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for r, values in enumerate([("TT", "Nhiệm vụ", "Chủ trì"), ("1", "A", "B"),
                                ("TT", "Nhiệm vụ", "Chủ trì"), ("2", "C", "D")]):
        for c, text in enumerate(values):
            table.cell(r, c).text = text
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    path = tmp_path / "repeat.docx"
    document.save(path)
    table = read_docx(path).tables()[0]
    assert table.header_rows == 1
    assert [r[0] for r in table.rows] == ["TT", "1", "2"]
