"""The intermediate form every reader produces: a decision as paragraphs and tables.

Readers (text, DOCX, PDF, OCR) differ in how they find cells; everything after this point
(columns, codes, deadlines, agencies, targets, merge) exists once, in `theodoi.extract.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A paragraph of body text, line breaks inside it kept as "\\n"."""

    text: str


# A region of a page: (page number from 1, x0, top, x1, bottom) in points from the page's
# top-left corner, as pdfplumber measures (a scan's pixels converted at its resolution).
Box = tuple[int, float, float, float, float]


@dataclass
class RowOrigin:
    """Where a table row stands in its file: its row (and table) there, and for a source laid
    out in pages (PDF, scan) the boxes it covers, one per page a page break spread it over
    (pages turned alike)."""

    row: int
    table: int | None = None
    boxes: list[Box] = field(default_factory=list)
    # Degrees a page was turned by (clockwise, on top of its own /Rotate) for its text to
    # stand upright: its boxes are measured on the page so turned.
    turn: int = 0


def union_box(page: int, boxes: list[tuple[float, float, float, float]]) -> Box | None:
    """The smallest box on `page` holding every (x0, top, x1, bottom) of `boxes`."""
    if not boxes:
        return None
    return (page, round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
            round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1))


@dataclass
class Table:
    """A table as rows of cell texts; a merged cell appears once, in its first column.

    `rows[i][j]` is the text of the cell (lines joined with "\\n", None for an empty or
    covered cell). `header_rows` says how many leading rows are the header; readers that
    see a header repeated on a later page drop the repeat, so each data row appears once.
    A row whose only text is in one cell spanning the width (a section heading such as
    "I CÔNG TÁC CHỈ ĐẠO ...") keeps that text in its first non-empty cell.
    """

    rows: list[list[str | None]]
    header_rows: int = 1
    # Indices of rows the source shows damaged (cells lost or run together): their tasks
    # are marked uncertain, and a merge prefers another source's reading of them.
    damaged_rows: set[int] = field(default_factory=set)
    # (row, column) of each cell a vertically merged cell above covers (rowspan, vMerge),
    # left None by the reader: the plan builder gives it the text of the cell it is part of.
    covered: set[tuple[int, int]] = field(default_factory=set)
    # Where each row came from, parallel to `rows`, for a reader that knows more than the
    # rows' order (PDF and scans: their boxes; DOCX: the row of the file's table). Left
    # empty otherwise; the plan builder then counts rows as the reader gave them.
    origins: list[RowOrigin | None] = field(default_factory=list)

    def origin_of(self, row: int) -> RowOrigin | None:
        """The origin the reader gave row `row`, when it kept them in step with the rows."""
        if len(self.origins) == len(self.rows):
            return self.origins[row]
        return None


@dataclass
class Document:
    """A decision as its readers saw it."""

    source: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    # How directly the reader saw cells: 2 when the source has them (DOCX, ruled PDF, text
    # with tab-separated cells), 1 when they were rebuilt from broken lines, 0 for OCR.
    cell_fidelity: int = 2

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
