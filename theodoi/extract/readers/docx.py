"""DOCX reader: body paragraphs and tables in document order, with merged cells resolved.

The body XML is walked directly (python-docx's `row.cells` repeats a merged cell in every
column it spans): a table becomes a grid where a horizontally merged cell keeps its text in
its first column and None in the others, and a vertical-merge continuation is None.
Headers, footers, footnotes and text boxes are not part of the body and are not read.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import docx.document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from theodoi.extract.document import Document, Paragraph, RowOrigin, Table
from theodoi.extract.readers.safety import ZIP_ERRORS, check_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def q(tag: str) -> str:
    """The Clark name of a WordprocessingML tag ("w:p" -> "{ns}p")."""
    prefix, _, local = tag.partition(":")
    return f"{{{MC if prefix == 'mc' else W}}}{local}"


P, TBL, TR, TC, R, T = q("w:p"), q("w:tbl"), q("w:tr"), q("w:tc"), q("w:r"), q("w:t")
VAL = q("w:val")
# Elements whose content is read as if it were in place (content controls, tracked inserts).
TRANSPARENT = {q("w:sdt"), q("w:sdtContent"), q("w:customXml"), q("w:ins"), q("w:smartTag"),
               q("w:hyperlink"), q("w:fldSimple"), q("w:moveTo"), q("w:dir"), q("w:bdo")}
# Elements whose text is not visible body text.
SKIPPED = {q("w:del"), q("w:moveFrom"), q("w:instrText"), q("w:delText"), q("w:drawing"),
           q("w:pict"), q("w:object"), q("mc:AlternateContent"), q("w:footnoteReference"),
           q("w:endnoteReference"), q("w:commentReference"), q("w:pPr"), q("w:rPr"),
           q("w:sdtPr"), q("w:sdtEndPr")}

# Bullet glyphs (including Symbol/Wingdings private-use ones) are written as "-".
BULLETS = set("•●▪■◦○◆◇►▸‣⁃∙·-–—") | {chr(c) for c in range(0xF000, 0xF100)}


def read_docx(path: str | Path) -> Document:
    """The DOCX at `path` as a Document; raises UnreadableDocument when it cannot be read."""
    from theodoi.extract.readers import UnreadableDocument

    path = Path(path)
    check_zip(path)
    try:
        package = docx.Document(str(path))
        root = package.element
        numbering = Numbering(_numbering_xml(package), package.styles.element)
        with zipfile.ZipFile(path) as zf:
            app_xml = zf.read("docProps/app.xml") if "docProps/app.xml" in zf.namelist() else None
    except (*ZIP_ERRORS, NotImplementedError, etree.XMLSyntaxError, etree.ParserError,
            PackageNotFoundError) as exc:
        raise UnreadableDocument(f"Tệp DOCX bị hỏng, không đọc được nội dung: {path.name}") from exc
    body = root.find(q("w:body"))
    if body is None:
        raise UnreadableDocument(f"Tệp DOCX không có phần nội dung: {path.name}")
    blocks = join_continued_tables(list(body_to_blocks(body, numbering)))
    doc = Document(source=path.name, blocks=blocks, pages=_page_count(app_xml, root))
    if not any(_block_has_text(b) for b in doc.blocks):
        raise UnreadableDocument(f"Tệp DOCX không có chữ nào để đọc: {path.name}")
    return doc


def _numbering_xml(package: docx.document.Document) -> etree._Element | None:
    try:
        return package.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None


def _block_has_text(block: Paragraph | Table) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell for row in block.rows for cell in row)


def _page_count(app_xml: bytes | None, root: etree._Element) -> int:
    """Pages: the saving program's count, or at least the explicit breaks + 1."""
    saved = 0
    if app_xml:
        match = re.search(rb"<(?:\w+:)?Pages>(\d+)</", app_xml)
        saved = int(match.group(1)) if match else 0
    breaks = sum(1 for br in root.iter(q("w:br")) if br.get(q("w:type")) == "page")
    breaks += sum(1 for _ in root.iter(q("w:lastRenderedPageBreak")))
    breaks += sum(1 for _ in root.iter(q("w:pageBreakBefore")))
    sections = sum(1 for _ in root.iter(q("w:sectPr"))) - 1
    return max(saved, breaks + max(sections, 0) + 1)


# ---------------------------------------------------------------------------------------
# Body -> blocks


def body_to_blocks(body: etree._Element, numbering: Numbering) -> Iterator[Paragraph | Table]:
    """Paragraphs (non-empty) and tables of a body-like element, in document order."""
    tables = 0  # the file's tables counted in order, for where each row came from
    for child in _block_children(body):
        if child.tag == TBL:
            tables += 1
        if child.tag == P:
            text = paragraph_text(child, numbering)
            if text.strip():
                yield Paragraph(text)
        elif child.tag == TBL:
            grid = table_to_grid(child, numbering)
            if not grid:
                continue
            if _is_layout_table(grid):
                yield from layout_table_to_paragraphs(grid)
            else:
                yield grid_to_table(child, grid, tables - 1)


def _block_children(element: etree._Element) -> Iterator[etree._Element]:
    """Block-level children, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag in (P, TBL):
            yield child
        elif child.tag in TRANSPARENT:
            yield from _block_children(child)


def paragraph_text(p: etree._Element, numbering: Numbering) -> str:
    """The visible text of a paragraph, with its list number or bullet if it has one."""
    parts: list[str] = []
    _collect_text(p, parts)
    text = unicodedata.normalize("NFC", "".join(parts))
    label = numbering.label_for(p)
    if label:
        text = f"{label} {text.lstrip()}"
    return text.rstrip()


def _collect_text(element: etree._Element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in SKIPPED:
            continue
        if tag == R:
            rpr = child.find(q("w:rPr"))
            if rpr is not None and _is_on(rpr.find(q("w:vanish"))):
                continue  # hidden text
            _collect_run(child, out)
        elif not isinstance(tag, str) or tag.startswith(f"{{{W}}}"):
            # Wrappers (hyperlinks, fields, content controls) hold runs: read through them.
            _collect_text(child, out)


def _collect_run(run: etree._Element, out: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == T:
            out.append(child.text or "")
        elif tag in (q("w:tab"), q("w:ptab")):
            out.append("\t")
        elif tag == q("w:br"):
            if child.get(q("w:type")) not in ("page", "column"):
                out.append("\n")
        elif tag == q("w:cr"):
            out.append("\n")
        elif tag == q("w:noBreakHyphen"):
            out.append("-")


def _is_on(element: etree._Element | None) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    if element is None:
        return False
    return element.get(VAL) not in ("0", "false", "off")


# ---------------------------------------------------------------------------------------
# Tables


@dataclass
class GridRow:
    cells: list[str | None]
    is_header: bool = False
    covered: set[int] = field(default_factory=set)  # columns a vertical merge above covers


def table_to_grid(tbl: etree._Element, numbering: Numbering) -> list[GridRow]:
    """The table as rows over its grid columns; merged cells resolved (see module doc)."""
    rows: list[GridRow] = []
    for tr in _rows_of(tbl):
        trpr = tr.find(q("w:trPr"))
        before = _int_prop(trpr, "w:gridBefore", 0)
        after = _int_prop(trpr, "w:gridAfter", 0)
        cells: list[str | None] = [None] * before
        covered: set[int] = set()
        for tc in _cells_of(tr):
            tcpr = tc.find(q("w:tcPr"))
            span = max(1, _int_prop(tcpr, "w:gridSpan", 1))
            vmerge = tcpr.find(q("w:vMerge")) if tcpr is not None else None
            continuation = vmerge is not None and vmerge.get(VAL) in (None, "continue")
            text = None if continuation else cell_text(tc, numbering)
            if continuation:
                covered.update(range(len(cells), len(cells) + span))
            cells.append(text)
            cells.extend([None] * (span - 1))
        cells.extend([None] * after)
        is_header = trpr is not None and _is_on(trpr.find(q("w:tblHeader")))
        rows.append(GridRow(cells, is_header, covered))
    width = max((len(r.cells) for r in rows), default=0)
    grid_cols = tbl.find(q("w:tblGrid"))
    if grid_cols is not None:
        width = max(width, len(grid_cols.findall(q("w:gridCol"))))
    for row in rows:
        row.cells.extend([None] * (width - len(row.cells)))
    return rows


def _rows_of(tbl: etree._Element) -> Iterator[etree._Element]:
    for child in tbl:
        if child.tag == TR:
            yield child
        elif child.tag in TRANSPARENT:
            yield from _rows_of(child)


def _cells_of(tr: etree._Element) -> Iterator[etree._Element]:
    for child in tr:
        if child.tag == TC:
            yield child
        elif child.tag in TRANSPARENT:
            yield from _cells_of(child)


def _int_prop(parent: etree._Element | None, tag: str, default: int) -> int:
    if parent is None:
        return default
    element = parent.find(q(tag))
    if element is None:
        return default
    try:
        return int(element.get(VAL, default))
    except ValueError:
        return default


def cell_text(tc: etree._Element, numbering: Numbering) -> str | None:
    """The cell's paragraphs (and any nested table's) joined with "\\n"; None when blank."""
    lines: list[str] = []
    for child in _block_children(tc):
        if child.tag == P:
            lines.append(paragraph_text(child, numbering).strip())
        elif child.tag == TBL:
            for row in table_to_grid(child, numbering):
                lines.append(" ".join(c for c in row.cells if c))
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    text = "\n".join(line for line in lines)
    text = re.sub(r"\n{2,}", "\n", text)
    return text or None


def _is_layout_table(grid: list[GridRow]) -> bool:
    """A table used for page layout (issuer beside motto, recipients beside signer).

    Decisions set these blocks in borderless tables of one or two columns; task tables
    have at least three columns.
    """
    return len(grid[0].cells) <= 2


def layout_table_to_paragraphs(grid: list[GridRow]) -> Iterator[Paragraph]:
    """A layout table read as paragraphs: row by row, each cell's lines in turn."""
    for row in grid:
        for cell in row.cells:
            for line in (cell or "").split("\n"):
                if line.strip():
                    yield Paragraph(line.strip())


def grid_to_table(tbl: etree._Element, grid: list[GridRow], ordinal: int | None = None) -> Table:
    """A Table from the grid: header rows counted, later repeats of the header dropped.

    Each row keeps its place in the file (`ordinal`, the table's index among the body's
    tables, and its row there) as its origin.
    """
    header_rows = 0
    while header_rows < len(grid) and grid[header_rows].is_header:
        header_rows += 1
    header_rows = max(header_rows, 1)
    header_keys = {_row_key(r.cells) for r in grid[:header_rows]}
    places = list(range(header_rows))
    places += [i for i in range(header_rows, len(grid))
               if _row_key(grid[i].cells) not in header_keys]
    kept = [grid[i] for i in places]
    table = Table(rows=[r.cells for r in kept], header_rows=header_rows,
                  origins=[RowOrigin(row=i, table=ordinal) for i in places])
    # Vertically merged cells are None in the rows they cover; the plan builder fills them.
    table.covered = {(i, col) for i, r in enumerate(kept) for col in r.covered}
    table._grid_widths = _grid_widths(tbl)  # type: ignore[attr-defined]
    return table


def _row_key(cells: list[str | None]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", " ", c or "").strip().casefold() for c in cells)


def _grid_widths(tbl: etree._Element) -> tuple[int, ...]:
    grid = tbl.find(q("w:tblGrid"))
    if grid is None:
        return ()
    widths = []
    for col in grid.findall(q("w:gridCol")):
        try:
            widths.append(int(col.get(q("w:w"), "0")))
        except ValueError:
            widths.append(0)
    return tuple(widths)


def join_continued_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """Join a table that an author split (e.g. at a page break) back onto the one before.

    Two tables are one when only blank paragraphs separate them (blank ones are not in
    `blocks`, so they are adjacent), they have the same number of columns, and the second
    either repeats the first one's header or has the same column widths.
    """
    out: list[Paragraph | Table] = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Table) and isinstance(prev, Table) and _continues(prev, block):
            header_keys = {_row_key(r) for r in prev.rows[: prev.header_rows]}
            repeats = 0
            while repeats < len(block.rows) and _row_key(block.rows[repeats]) in header_keys:
                repeats += 1
            for index in range(repeats, len(block.rows)):
                if _row_key(block.rows[index]) not in header_keys:
                    prev.covered |= {(len(prev.rows), c) for r, c in block.covered if r == index}
                    if len(prev.origins) == len(prev.rows):
                        prev.origins.append(block.origin_of(index))
                    prev.rows.append(block.rows[index])
            continue
        out.append(block)
    for block in out:
        if isinstance(block, Table) and hasattr(block, "_grid_widths"):
            del block._grid_widths
    return out


def _continues(first: Table, second: Table) -> bool:
    if not first.rows or not second.rows or len(first.rows[0]) != len(second.rows[0]):
        return False
    header_keys = {_row_key(r) for r in first.rows[: first.header_rows]}
    if _row_key(second.rows[0]) in header_keys:
        return True
    w1 = getattr(first, "_grid_widths", ())
    w2 = getattr(second, "_grid_widths", ())
    if not w1 or len(w1) != len(w2):
        return False
    return all(abs(a - b) <= 30 for a, b in zip(w1, w2, strict=True))


# ---------------------------------------------------------------------------------------
# List numbering: the "1.1." or bullet that Word draws but does not store as text


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Renders automatic list labels ("1.", "1.2.", "a)", "-") as Word would number them."""

    numbering: etree._Element | None
    styles: etree._Element | None
    _levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    _counters: dict[str, list[int]] = field(default_factory=dict)
    _style_num: dict[str, tuple[str | None, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.numbering is not None:
            abstract: dict[str, dict[int, _Level]] = {}
            for an in self.numbering.findall(q("w:abstractNum")):
                abstract[an.get(q("w:abstractNumId"), "")] = self._read_levels(an)
            for num in self.numbering.findall(q("w:num")):
                aid = num.find(q("w:abstractNumId"))
                levels = dict(abstract.get(aid.get(VAL, "") if aid is not None else "", {}))
                for override in num.findall(q("w:lvlOverride")):
                    ilvl = int(override.get(q("w:ilvl"), "0"))
                    lvl = override.find(q("w:lvl"))
                    if lvl is not None:
                        levels[ilvl] = self._read_level(lvl)
                    start = override.find(q("w:startOverride"))
                    if start is not None and ilvl in levels:
                        base = levels[ilvl]
                        levels[ilvl] = _Level(base.fmt, base.text, int(start.get(VAL, "1")))
                self._levels[num.get(q("w:numId"), "")] = levels
        if self.styles is not None:
            for style in self.styles.findall(q("w:style")):
                num_pr = style.find(f"{q('w:pPr')}/{q('w:numPr')}")
                if num_pr is not None:
                    num_id = num_pr.find(q("w:numId"))
                    ilvl = num_pr.find(q("w:ilvl"))
                    self._style_num[style.get(q("w:styleId"), "")] = (
                        num_id.get(VAL) if num_id is not None else None,
                        int(ilvl.get(VAL, "0")) if ilvl is not None else 0,
                    )

    def _read_levels(self, abstract_num: etree._Element) -> dict[int, _Level]:
        return {int(lvl.get(q("w:ilvl"), "0")): self._read_level(lvl)
                for lvl in abstract_num.findall(q("w:lvl"))}

    @staticmethod
    def _read_level(lvl: etree._Element) -> _Level:
        fmt = lvl.find(q("w:numFmt"))
        text = lvl.find(q("w:lvlText"))
        start = lvl.find(q("w:start"))
        return _Level(
            fmt.get(VAL, "decimal") if fmt is not None else "decimal",
            text.get(VAL, "") if text is not None else "",
            int(start.get(VAL, "1")) if start is not None else 1,
        )

    def label_for(self, p: etree._Element) -> str | None:
        """The label Word shows before paragraph `p`, advancing the list's counters."""
        if not self._levels:
            return None
        ppr = p.find(q("w:pPr"))
        if ppr is None:
            return None
        num_id, ilvl = None, 0
        style = ppr.find(q("w:pStyle"))
        if style is not None and style.get(VAL) in self._style_num:
            num_id, ilvl = self._style_num[style.get(VAL, "")]
        num_pr = ppr.find(q("w:numPr"))
        if num_pr is not None:
            nid = num_pr.find(q("w:numId"))
            lvl = num_pr.find(q("w:ilvl"))
            if nid is not None:
                num_id = nid.get(VAL)
            if lvl is not None:
                ilvl = int(lvl.get(VAL, "0"))
        if not num_id or num_id == "0" or num_id not in self._levels:
            return None
        levels = self._levels[num_id]
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(
            num_id, [levels[i].start - 1 if i in levels else 0 for i in range(9)]
        )
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = levels[deeper].start - 1 if deeper in levels else 0
        if level.fmt == "none":
            return None
        if level.fmt == "bullet":
            glyph = level.text.strip()
            return "-" if not glyph or glyph in BULLETS else glyph

        def render(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            lvl = levels.get(i, _Level())
            return _format_number(max(counters[i], lvl.start), lvl.fmt)

        return re.sub(r"%([1-9])", render, level.text).strip() or None


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        s = letters[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out
