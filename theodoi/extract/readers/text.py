"""Reading already-extracted text of a decision into the shared Document form.

Three shapes of text come out of the tools officials use, and each is recognised by its
look, not by its file name:
- DOCX-extracted text: a table row is a block of lines, each cell a line starting with a
  tab, a cell's further paragraphs on lines without the tab, merged cells repeated.
- PDF-extracted text: a row's cells one after another, each broken over lines; the header
  repeats on every page; `theodoi.extract.reflow` rebuilds the cells.
- Narrative text: no table, numbered paragraphs (handled by the plan builder).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from theodoi.extract.columns import (
    CODE,
    LEAD,
    NAME,
    PARTNERS,
    TASK_FIELDS,
    fields_in_header_text,
    is_header_fragment,
    is_header_text,
)
from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.readers.scraped import looks_scraped, scraped_document
from theodoi.extract.reflow import (
    ColumnModel,
    RowCells,
    cut_columns,
    estimate_widths,
    segment_row,
)
from theodoi.extract.text import nfc

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")


def read_text(path: str | Path) -> Document:
    """A Document from a text file holding a decision's extracted text."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258", errors="replace")
    return text_to_document(text, source=path.name)


def text_to_document(text: str, source: str = "") -> Document:
    """A Document from the extracted text of a decision, whatever its shape."""
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    lines = text.split("\n")
    if looks_scraped(lines):
        return scraped_document(lines, source)
    if _looks_tabbed(lines):
        return _tabbed_document(lines, source)
    return _pdf_text_document(lines, source)


def _looks_tabbed(lines: Sequence[str]) -> bool:
    tabbed = sum(1 for line in lines if line.startswith("\t") or line.startswith(" \t"))
    return tabbed >= 10


# ---------------------------------------------------------------------------------------
# DOCX-extracted text


def _tabbed_document(lines: Sequence[str], source: str) -> Document:
    """Paragraphs and tables from text where each table cell is a line starting with a tab."""
    doc = Document(source=source)
    blocks: list[list[list[str]]] = []  # rows of cells (each cell a list of lines)
    damaged: set[int] = set()
    current_row: list[list[str]] = []

    def flush_row() -> None:
        nonlocal current_row
        if current_row:
            blocks.append(current_row)
        current_row = []

    def flush_table() -> None:
        flush_row()
        if blocks:
            table = _rows_to_table(blocks)
            table.damaged_rows = set(damaged)
            if table.header_rows:
                doc.blocks.append(table)
            else:
                # A layout table (recipients beside the signature): its cells are paragraphs.
                doc.blocks.extend(
                    Paragraph(line.strip())
                    for row in table.rows
                    for cell in row
                    for line in (cell or "").split("\n")
                    if line.strip()
                )
            blocks.clear()
            damaged.clear()

    in_table = False
    width = 0  # cells in a complete row: a row with fewer continues after a blank line
    for line in lines:
        stripped_tab = line[1:] if line.startswith("\t") else None
        if line.startswith(" \t"):
            # A damaged row: its cells lost their numbers and the row its start.
            stripped_tab = line[2:]
            if current_row:
                damaged.add(len(blocks))
            flush_row()
            damaged.add(len(blocks))
            current_row.append([""])
        if stripped_tab is not None:
            in_table = True
            current_row.append([stripped_tab])
            continue
        if in_table and line.strip() == "":
            # A blank line ends a complete row; inside a short one it separates paragraphs.
            if current_row and len(current_row) >= width:
                width = max(width, len(current_row))
                flush_row()
            continue
        if in_table and current_row and _continues_cell(line):
            current_row[-1].append(line)
            continue
        if in_table:
            flush_table()
            in_table = False
        if line.strip():
            doc.blocks.append(Paragraph(line.strip()))
    flush_table()
    return doc


def _continues_cell(line: str) -> bool:
    """A line without a tab inside a table row: a further paragraph of the last cell."""
    return bool(line.strip()) and not re.match(r"^[IVX]+\.\s+[A-ZĐ]", line)


def _rows_to_table(rows: list[list[list[str]]]) -> Table:
    """A Table from tab-cell rows; the first row is the header when it names the columns."""
    table_rows: list[list[str | None]] = []
    for row in rows:
        cells = ["\n".join(part for part in cell if part.strip()) or None for cell in row]
        table_rows.append(cells)
    header = table_rows[0] if table_rows else []
    header_rows = 1 if is_header_text(" ".join(c or "" for c in header)) else 0
    return Table(rows=table_rows, header_rows=header_rows)


# ---------------------------------------------------------------------------------------
# PDF-extracted text


_CODE_LINE = re.compile(
    r"^(?P<code>(?:[IVX]{1,5}|[A-Z]|\d{1,2}(?:\.\d{1,2}){0,3}))\.?(?:\s+(?P<rest>\S.*))?$"
)
# Words after which a number continues the same cell (lower or title case: a heading in
# capitals such as "V DỮ LIỆU SỐ" does not count).
_NEEDS_NUMBER = re.compile(
    r"(?:\b(?:[Tt]háng|[Qq]uý|[Nn]gày|[Nn]ăm|khoản|[Đđ]iều|giai đoạn)|\w[-/])\s*$"
)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_OUTLINE_HEADING = re.compile(r"^\s*(?P<roman>[IVX]{1,5})\.\s+\S")


@dataclass
class _Row:
    """A task row of a PDF-text table, before its cells are rebuilt."""

    code: str
    kind: str  # "section" (roman/letter heading), "task", "group"
    printed: str = ""  # the code as printed in the TT column
    title: str | None = None
    lines: list[str] = field(default_factory=list)
    pre_lines: list[str] = field(default_factory=list)  # content printed above its code
    page_parts: list[list[str]] = field(default_factory=list)


def _pdf_text_document(lines: Sequence[str], source: str) -> Document:
    doc = Document(source=source, cell_fidelity=1)
    header = _find_header(lines)
    if header is None:
        doc.blocks.extend(_paragraphs(lines))
        doc.pages = _count_pages(lines)
        return doc
    start, end, fields = header
    table_end = _find_table_end(lines, start, end)
    doc.blocks.extend(_paragraphs(lines[:start]))
    body = _strip_page_furniture(lines[end:table_end])
    doc.blocks.append(_rebuild_table(body, fields))
    doc.blocks.extend(_paragraphs(lines[table_end:]))
    doc.pages = _count_pages(lines)
    return doc


def _count_pages(lines: Sequence[str]) -> int:
    """Pages, as marked by the extractor's leading space at the top of each page."""
    return max(1, sum(1 for line in lines if re.match(r"^ \S", line)))


def _paragraphs(lines: Sequence[str]) -> list[Paragraph]:
    """Body paragraphs: runs of lines between blank lines, bullets and numbered items.

    Text extracted from a DOCX holds one paragraph per line, unwrapped: each line is then a
    paragraph of its own.
    """
    lengths = sorted(len(line) for line in lines if line.strip())
    if lengths and lengths[len(lengths) // 2] > 90:
        return [Paragraph(line.strip()) for line in lines if line.strip()]
    out: list[Paragraph] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current:
                out.append(Paragraph("\n".join(current)))
                current = []
            continue
        if current and re.match(r"^(?:[-–+•]\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s|[IVX]+\.\s)", stripped):
            out.append(Paragraph("\n".join(current)))
            current = []
        current.append(stripped)
    if current:
        out.append(Paragraph("\n".join(current)))
    return out


def _find_header(lines: Sequence[str]) -> tuple[int, int, list[str]] | None:
    """The first table header: its first line, the line after it, and its column fields."""
    for index, line in enumerate(lines):
        if not re.match(r"^\s*S?TT\b", line.strip()):
            continue
        end = index
        while end < len(lines) and (not lines[end].strip() or is_header_fragment(lines[end])):
            end += 1
        text = " ".join(lines[index:end])
        if is_header_text(text):
            while end > index and not lines[end - 1].strip():
                end -= 1
            return index, end, fields_in_header_text(text)
    return None


def _find_table_end(lines: Sequence[str], start: int, end: int) -> int:
    """Where the text after the table begins: the next heading of the document's outline."""
    previous = None
    for line in reversed(lines[:start]):
        match = _OUTLINE_HEADING.match(line)
        if match:
            previous = match.group("roman")
            break
    if previous and previous in ROMAN and ROMAN.index(previous) + 1 < len(ROMAN):
        following = ROMAN[ROMAN.index(previous) + 1]
        pattern = re.compile(rf"^\s*{following}\.\s+\S")
        for index in range(end, len(lines)):
            if pattern.match(lines[index]):
                return index
    return len(lines)


PAGE_BREAK = "\x0c"


def _strip_page_furniture(lines: Sequence[str]) -> list[str]:
    """Table lines without repeated headers and page numbers; a page break left as a mark."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        run_end = index
        while run_end < len(lines) and (
            not lines[run_end].strip() or is_header_fragment(lines[run_end])
        ):
            run_end += 1
        run = [line for line in lines[index:run_end] if line.strip()]
        repeated_header = len(set(fields_in_header_text(" ".join(run)))) >= 2
        first = lines[index]
        starts_page = bool(run) and first.startswith(" ") and not first.startswith("  ")
        if run and (repeated_header or starts_page) and run_end > index:
            # Drop a page number printed just before the repeated header.
            while out and not out[-1].strip():
                out.pop()
            if out and _PAGE_NUMBER.match(out[-1]):
                out.pop()
            out.append(PAGE_BREAK)
            index = run_end
            continue
        line = lines[index]
        if line.startswith(" ") and not line.startswith("  ") and line.strip():
            line = line[1:]  # the extractor's mark of a new text box, not content
        out.append(line)
        index += 1
    return out


def _next_codes(path: list[int]) -> set[tuple[int, ...]]:
    """Numeric codes that may follow `path`: a child, or a sibling at any depth."""
    if not path:
        return {(1,)}
    options = {(*path, 1)}
    for depth in range(len(path)):
        options.add((*path[:depth], path[depth] + 1))
    return options


def _split_rows(lines: Sequence[str]) -> list[_Row]:
    """The table's rows, found at lines whose leading number fits the numbering so far."""
    rows: list[_Row] = []
    roman: str | None = None
    letter: str | None = None
    path: list[int] = []
    previous_text = ""
    for line in lines:
        stripped = line.strip()
        match = _CODE_LINE.match(stripped) if line != PAGE_BREAK else None
        accepted = None
        # "Tháng" then "4" on the next line is a deadline broken in a narrow column.
        broken_number = len(previous_text) <= 15 and _NEEDS_NUMBER.search(previous_text)
        if match and not broken_number:
            code, rest = match.group("code"), match.group("rest")
            next_roman = ROMAN[ROMAN.index(roman) + 1] if roman in ROMAN[:-1] else "I"
            next_letter = chr(ord(letter) + 1) if letter else "A"
            if code == next_roman and (rest is None or _is_heading_title(rest)):
                roman, letter, path = code, None, []
                accepted = _Row(code, "section", code, title=rest)
            elif code == next_letter and rest and code not in "IVX":
                letter, path = code, []
                accepted = _Row(code, "section", code, title=rest)
            elif code[0].isdigit():
                numbers = tuple(int(part) for part in code.split("."))
                if numbers in _next_codes(path) and not (rest and rest[0].islower()):
                    path = list(numbers)
                    prefix = ".".join(p for p in (roman, letter) if p)
                    full = f"{prefix}.{code}" if prefix else code
                    accepted = _Row(full, "task", code, lines=[rest] if rest else [])
        if accepted:
            rows.append(accepted)
        elif rows:
            rows[-1].lines.append(line)
        if stripped and line != PAGE_BREAK:
            previous_text = stripped
    return rows


def _is_heading_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _page_parts(lines: Sequence[str]) -> list[list[str]]:
    """A row's lines cut at page breaks: each part lists the row's cells in column order."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK:
            if any(part.strip() for part in parts[-1]):
                parts.append([])
            continue
        parts[-1].append(line)
    return [part for part in parts if any(p.strip() for p in part)]


def _rebuild_table(body: Sequence[str], fields: list[str]) -> Table:
    """A Table from the lines of a PDF-text table body."""
    data_fields = [f for f in fields if f in TASK_FIELDS]
    rows = _split_rows(body)
    _attach_group_content(rows)
    model = ColumnModel(data_fields)
    first = _segment_all(rows, model)
    model.widths = estimate_widths([cells for row in first for cells in row], data_fields)
    segmented = _segment_all(rows, model)
    _fill_shared_agencies(rows, segmented)

    header: list[str | None] = [CODE, *data_fields]
    table_rows: list[list[str | None]] = [header]
    for row, parts in zip(rows, segmented, strict=True):
        if row.kind == "section":
            table_rows.append([row.printed, row.title, *[None] * (len(data_fields) - 1)])
            continue
        for index, cells in enumerate(parts):
            code = row.printed if index == 0 else None
            table_rows.append([code, *[cells.text(f) for f in data_fields]])
    return Table(rows=table_rows, header_rows=1)


def _attach_group_content(rows: list[_Row]) -> None:
    """Lines after a group heading belong to its first sub-row, printed above that row's code.

    A numbered row whose text is on its code line and whose next row is its child
    ("2 Thực hiện kiểm tra, giám sát ..." then "2.1") is a heading: its other lines are the
    first results and deadlines of the child, whose name cell is centred lower down.
    """
    for index, row in enumerate(rows[:-1]):
        following = rows[index + 1]
        if row.kind != "task" or following.kind != "task":
            continue
        if not following.code.startswith(row.code + "."):
            continue
        if not row.lines or not row.lines[0].strip():
            continue
        row.kind = "group"
        row.title = row.lines[0]
        following.pre_lines = row.lines[1:]
        row.lines = []


def _segment_all(rows: list[_Row], model: ColumnModel) -> list[list[RowCells]]:
    """Each row's sub-rows of cells: the content printed above it, then its own cells."""
    out: list[list[RowCells]] = []
    for row in rows:
        if row.kind == "section":
            out.append([])
            continue
        if row.kind == "group":
            out.append([RowCells({NAME: [row.title or ""]})])
            continue
        parts: list[RowCells] = []
        page_parts = _page_parts(row.lines)
        for index, part in enumerate(page_parts):
            if parts and model.widths:
                open_columns = cut_columns(_concat_parts(parts, model.fields), model)
                parts.append(segment_row(part, model, open_columns=open_columns))
            else:
                cut_after = index + 1 < len(page_parts)
                parts.append(segment_row(part, model, cut_after=cut_after))
        cells = _concat_parts(parts, model.fields)
        sub_rows = []
        pre_parts = _page_parts(row.pre_lines)
        if pre_parts:
            pre = [segment_row(part, model, sub_row=True) for part in pre_parts]
            sub_rows.append(_concat_parts(pre, model.fields))
        sub_rows.append(cells)
        if len(sub_rows) == 2:
            # The sub-row printed above holds the first results; the task's name is its own.
            first, second = sub_rows
            first.cells[NAME] = second.cells.get(NAME, [])
            second.cells[NAME] = []
        out.append(sub_rows)
    return out


def _concat_parts(parts: list[RowCells], fields: Sequence[str]) -> RowCells:
    """One row's cells from the parts a page break cut it into."""
    if not parts:
        return RowCells({f: [] for f in fields})
    merged = RowCells({f: [] for f in fields}, sum(p.cost for p in parts))
    for part in parts:
        for f in fields:
            merged.cells[f].extend(part.cells.get(f, []))
    return merged


def _fill_shared_agencies(rows: list[_Row], segmented: list[list[RowCells]]) -> None:
    """Rows with no lead and no partners share the vertically merged cells of the next row.

    A lead cell merged over several rows is printed once, centred, so the text shows it
    under a later row; the rows above it come out with no agencies at all.
    """
    for index in range(len(rows) - 1, -1, -1):
        parts = segmented[index]
        if rows[index].kind != "task" or not parts:
            continue
        last = parts[-1]
        if last.text(LEAD) or last.text(PARTNERS):
            continue
        nxt = index + 1
        if nxt >= len(rows) or rows[nxt].kind != "task" or not segmented[nxt]:
            continue
        if rows[nxt].code.rsplit(".", 1)[0] != rows[index].code.rsplit(".", 1)[0]:
            continue
        source = segmented[nxt][-1]
        last.cells[LEAD] = list(source.cells.get(LEAD, []))
        last.cells[PARTNERS] = list(source.cells.get(PARTNERS, []))
