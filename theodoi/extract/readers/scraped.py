"""Text copied or scraped from a web page whose tables print one cell at a time.

The shape: each table cell stands on its own line(s), hard-wrapped at about 80 columns,
and is followed by a line holding only "|"; rows are not marked, Markdown **bold** and
*italic* markers are left in, and a cell merged over several rows is printed only in its
first row, so later rows have fewer cells. Read in named steps:

    lines_to_segments    cells (the lines before each "|" line) and runs of plain text
    segments_to_blocks   runs of cells become tables, plain text becomes paragraphs
    cells_to_task_table  the header (TT + at least three task fields) gives the columns; a
                         row starts at a cell holding the next code of the numbering; a row
                         with fewer cells has its cells placed in the columns whose kind they
                         fit (deadline, agency, text), and the columns it skips take the text
                         of the row above (the merged cell printed once); the table
                         ends at a cell that starts the text after it (an outline heading,
                         an article, "Nơi nhận", a signature block, the page's own "## "
                         headings); a cell of dots ("…......") marks rows the page left out:
                         the rows after it are read whatever their numbers, marked damaged
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from theodoi.extract.columns import (
    CODE,
    DEADLINE,
    DETAIL,
    LEAD,
    NAME,
    PARTNERS,
    RESULT,
    field_of_header_cell,
    is_header_text,
)
from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.readers.converted import strip_emphasis
from theodoi.extract.text import join_lines

SEPARATOR = "|"
MAX_PLACEMENTS = 5000  # ways to place a short row's cells tried before keeping them in order
MIN_SEPARATORS = 4  # a header block alone (issuer | motto, number | date) prints 4 or more

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
          "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")
_CODE = re.compile(r"^(?:[IVX]{1,5}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3}){0,3})\.?$")
_DEADLINE_LIKE = re.compile(
    r"\b(?:20\d\d|[Qq]u[ýí]|[Tt]háng|[Hh][ằà]ng|[Tt]hường xuyên|[Đđ]ịnh kỳ|[Nn]ăm|"
    r"[Gg]iai đoạn|[Tt]rước ngày|[Kk]hi có)\b"
)
_AGENCY_LIKE = re.compile(
    r"^(?:[-–+•]\s*)?(?:Bộ|Sở|Cục|Vụ|Văn phòng|Ủy ban|Uỷ ban|UBND|Trung tâm|Viện|Ban|"
    r"Các (?:bộ|sở|cơ quan|đơn vị|cục|vụ|tập đoàn|doanh nghiệp|địa phương|tỉnh|ủy ban|tổ chức|"
    r"chuyên gia|hội|trường|viện|trung tâm|ban)|"
    r"Tổng cục|Cơ quan|Đơn vị|Thanh tra|Học viện|Báo|Đài|Tập đoàn|Tổng công ty|Công an|Hội|"
    r"Hiệp hội|Đảng ủy|Ngân hàng|Kho bạc|Bảo hiểm|Doanh nghiệp|Trường|Chi cục|Phòng)\b"
)
# An article opens with its number and a full stop ("Điều 2."); "Điều 6; khoản 5 Điều 9"
# wrapped to a line's start is the middle of a list of provisions.
_OPENS_ITEM = re.compile(r"^(?:[-–+•]\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s|[IVX]+\.\s|Điều \d+\s*[.:])")
# What skipping a column costs when a row prints fewer cells: leads are the cells most
# often merged over a block of tasks, a task's own name never is.
_SKIP_COST = {NAME: 5.0, LEAD: 0.0, DEADLINE: 0.1, PARTNERS: 0.2, RESULT: 0.3, DETAIL: 0.3}


def looks_scraped(lines: Sequence[str]) -> bool:
    """Whether the text prints table cells between lines holding only "|"."""
    return sum(1 for line in lines if line.strip() == SEPARATOR) >= MIN_SEPARATORS


@dataclass
class _Segment:
    lines: list[str]
    is_cell: bool


def scraped_document(lines: Sequence[str], source: str = "") -> Document:
    """A Document from text whose table cells stand between "|" lines."""
    filled = sum(1 for line in lines if line.strip())
    # Pages that leave a blank line between paragraphs: every other line break is a wrap.
    by_blank_lines = len(lines) - filled >= 0.1 * filled
    blocks = segments_to_blocks(lines_to_segments(lines), by_blank_lines)
    return Document(source=source, blocks=blocks, cell_fidelity=1)


def lines_to_segments(lines: Sequence[str]) -> list[_Segment]:
    """Cells (the lines before each "|" line, after any blank line) and plain-text runs."""
    segments: list[_Segment] = []
    current: list[str] = []
    for line in lines:
        if line.strip() != SEPARATOR:
            current.append(line.rstrip())
            continue
        blank = max((i for i, text in enumerate(current) if not text.strip()), default=-1)
        if blank >= 0 and any(text.strip() for text in current[:blank]):
            segments.append(_Segment(current[:blank], is_cell=False))
        segments.append(_Segment([t for t in current[blank + 1:] if t.strip()], is_cell=True))
        current = []
    if any(text.strip() for text in current):
        segments.append(_Segment(current, is_cell=False))
    return segments


def segments_to_blocks(segments: list[_Segment],
                       by_blank_lines: bool = False) -> list[Paragraph | Table]:
    """Paragraphs from text runs; a run of cells is a task table or, if not, page layout."""
    blocks: list[Paragraph | Table] = []
    index = 0
    while index < len(segments):
        segment = segments[index]
        if not segment.is_cell:
            blocks.extend(text_to_paragraphs(segment.lines, by_blank_lines))
            index += 1
            continue
        end = index
        while end < len(segments) and segments[end].is_cell:
            end += 1
        blocks.extend(cells_to_blocks([s.lines for s in segments[index:end]]))
        index = end
    return blocks


def text_to_paragraphs(lines: Sequence[str], by_blank_lines: bool = False) -> list[Paragraph]:
    """Paragraphs from hard-wrapped lines, joined with spaces (the wraps are not the text's)."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    previous = ""
    # Markers are dropped over the whole run: a bold heading may close on its next line.
    for raw in strip_emphasis("\n".join(lines)).split("\n"):
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(Paragraph(join_lines(current)))
            current, previous = [], ""
            continue
        # A line goes on with the one before when that one was cut at the wrap width, or
        # when it starts in lower case (cells wrap at their own, narrower width).
        goes_on = bool(previous) and not _OPENS_ITEM.match(line) and (
            by_blank_lines or (previous[-1] not in ".;:!?"
                               and (len(previous) >= 60 or line[0].islower())))
        if current and not goes_on:
            paragraphs.append(Paragraph(join_lines(current)))
            current = []
        current.append(line)
        previous = line
    if current:
        paragraphs.append(Paragraph(join_lines(current)))
    return paragraphs


def _cell(lines: list[str]) -> str | None:
    text = strip_emphasis("\n".join(line.strip() for line in lines)).strip()
    return text or None


def _header_start(cells: list[list[str]]) -> tuple[int, int] | None:
    """The cell and line where a task header begins: a "TT"/"STT" line ending a cell."""
    for index, lines in enumerate(cells):
        if not lines or field_of_header_cell(_cell(lines[-1:])) != CODE:
            continue
        width = header_width([_cell(c) if c else None for c in cells[index:]])
        header = " ".join(_cell(c) or "" for c in cells[index:index + width])
        if is_header_text(header):
            return index, len(lines) - 1
    return None


# A header cell naming no plan field ("Người đứng đầu chịu trách nhiệm", "Nguồn kinh phí"):
# short words, no figure, no sentence's end.
_UNNAMED_HEADER = re.compile(r"^[^\d.:;]{2,60}$")
MAX_UNNAMED = 2  # unnamed header cells in a row before a cell naming a field again


def _is_unnamed_header(text: str | None) -> bool:
    """Whether a cell may be a header cell naming no field: short words, not a row's code."""
    flat = " ".join((text or "").split())
    return (bool(_UNNAMED_HEADER.match(flat)) and not _CODE.match(flat)
            and field_of_header_cell(text) is None)


def header_width(texts: Sequence[str | None]) -> int:
    """How many cells from the code cell (`texts[0]`) on are the header row's.

    The header goes on while its cells name fields; a column naming none (the head who
    answers for a task, beside the lead agency) is in it when a field follows it.
    """
    width = 1
    while width < len(texts):
        if field_of_header_cell(texts[width]) is not None:
            width += 1
            continue
        unnamed = 0
        while (unnamed < MAX_UNNAMED and width + unnamed < len(texts)
               and _is_unnamed_header(texts[width + unnamed])):
            unnamed += 1
        following = texts[width + unnamed] if width + unnamed < len(texts) else None
        if not unnamed or field_of_header_cell(following) in (None, CODE):
            break
        width += unnamed
    return width


def cells_to_blocks(cells: list[list[str]]) -> list[Paragraph | Table]:
    """A run of cells: paragraphs (layout cells, text before a header), then task tables."""
    blocks: list[Paragraph | Table] = []
    while cells:
        start = _header_start(cells)
        if start is None:
            blocks.extend(p for lines in cells for p in text_to_paragraphs(lines))
            break
        index, line = start
        for lines in cells[:index]:
            blocks.extend(text_to_paragraphs(lines))
        blocks.extend(text_to_paragraphs(cells[index][:line]))
        table, used = cells_to_task_table([cells[index][line:], *cells[index + 1:]])
        blocks.append(table)
        cells = cells[index + used:]
    return blocks


# Lines that cannot be part of a task row: the document goes on after the table.
# A Markdown heading ("## Văn bản liên quan") is the page's own text after the document.
_AFTER_TABLE = re.compile(r"^(?:Điều \d+\.|Nơi nhận\b|(?:KT|TM|TL|TUQ)\.\s|#{1,6}\s)", re.M)
_OUTLINE = re.compile(r"^[IVX]{1,5}\.\s+[A-ZĐ]")


def _ends_table(text: str | None) -> bool:
    """Whether a cell starts the text after the table (not a section row of it).

    The recipients, an article or a signature end it; so does an outline heading followed
    by paragraphs of text, where a section row holds its title only.
    """
    if not text:
        return False
    return bool(_AFTER_TABLE.search(text)) or (bool(_OUTLINE.match(text)) and len(text) > 200)


def cells_to_task_table(cells: list[list[str]]) -> tuple[Table, int]:
    """The task table at the start of `cells`, and how many cells it used.

    Header cells, then rows: where each row is opened and closed by a "|" line (an empty
    cell between two rows), rows are read from those marks; otherwise they are found at
    cells holding the next code. Short rows are aligned to their columns. The table ends
    before a cell that starts the text after it (an outline heading, an article, the
    recipients or the signature block).
    """
    texts = [_cell(lines) for lines in cells]
    width = header_width(texts)
    marked = _rows_marked(texts, width)
    if marked:
        width = texts.index(None, width)  # the header row: every cell up to its end mark
    header = _regroup_header(texts[:width])
    fields = [field_of_header_cell(t) for t in header]
    used = width + (1 if marked else 0)
    width = len(header)
    numbers = [re.sub(r"[()\s]", "", t or "") for t in texts[used:used + width]]
    if numbers == [str(i) for i in range(1, width + 1)]:
        used += width + (1 if marked else 0)  # the "(1) (2) (3)" row under the header
    end = used
    while end < len(texts) and not _ends_table(texts[end]):
        end += 1
    body = texts[used:end]
    rows = _marked_rows(body, width) if marked else _split_rows(body)
    table_rows: list[list[str | None]] = [list(header)]
    damaged: set[int] = set()
    previous: list[str | None] | None = None
    for kind, row in rows:
        data = row[1:]
        if kind == "damaged":
            damaged.add(len(table_rows))  # its section was left out with the rows before it
        if kind == "sub":
            # A second physical row under a merged TT cell: its missing cells are the
            # task's merged ones, which the task row already holds.
            cells_ = row if row[0] is None and len(row) == width else [c for c in row if c]
            if len(cells_) == width:
                table_rows.append([None, *cells_[1:]])
            else:
                table_rows.append([None, *_align(cells_, fields[1:], None)])
            continue
        if kind == "section" or len(data) <= 1:
            table_rows.append([row[0], *data[:1], *[None] * (width - 2)][:width])
            previous = None  # a merged cell does not reach past a heading row
            continue
        first, extra = data[: width - 1], data[width - 1:]
        resolved = [row[0], *_align(first, fields[1:], previous)]
        table_rows.append(resolved)
        previous = resolved[1:]
        if extra:
            table_rows.append([None, *_align(extra, fields[1:], None)])
    return Table(rows=table_rows, header_rows=1, damaged_rows=damaged), end


_OMISSION = re.compile(r"^[.…·\s]{5,}$")


def is_omission(cell: str | None) -> bool:
    """Whether a cell is only the dots a page prints where it left rows out ("…......")."""
    return bool(cell) and bool(_OMISSION.match(cell or ""))


def _rows_marked(texts: list[str | None], fields_end: int) -> bool:
    """Whether each row is opened and closed by a "|" line: "|", cells, "|", then "|" again.

    Then an empty cell ends the header row and the next row starts with a code.
    """
    try:
        mark = texts.index(None, fields_end)
    except ValueError:
        return False
    if mark > fields_end + 3 or mark + 1 >= len(texts):
        return False
    following = (texts[mark + 1] or "").strip()
    return split_code_cell(following) is not None or following == "(1)"


def _marked_rows(cells: list[str | None], width: int) -> list[tuple[str, list[str | None]]]:
    """Rows of a table whose rows are marked: runs of cells between the empty row marks.

    A run of k empty cells is k - 1 empty cells and one mark; the empty cells end the row
    before them while it has room, else they open the next. A row whose first cell is not
    the next code of the numbering is a sub-row of the task above.
    """
    groups: list[list[str | None]] = [[]]
    empties = 0
    gaps: set[int] = set()  # groups that follow an omission mark
    for cell in cells:
        if cell is None:
            empties += 1
            continue
        if is_omission(cell):
            # "…......" where the page left rows out: it closes the row before it.
            groups.append([])
            gaps.add(len(groups) - 1)
            empties = 0
            continue
        if empties:
            spare = empties - 1
            room = max(0, width - len(groups[-1]))
            groups[-1].extend([None] * min(spare, room))
            groups.append([None] * (spare - min(spare, room)))
            empties = 0
        groups[-1].append(cell)
    # Empty cells closing the last row (no mark follows them).
    groups[-1].extend([None] * min(empties, max(0, width - len(groups[-1]))))
    numbering = _Numbering()
    rows: list[tuple[str, list[str | None]]] = []
    for index, group in enumerate(groups):
        numbering.gap = numbering.gap or index in gaps
        if not any(group):
            continue
        kind = numbering.accept(group[0])
        if kind:
            code, rest = split_code_cell(group[0]) or ("", None)
            rows.append((kind, [code, *([rest] if rest else []), *group[1:]]))
        elif rows and rows[-1][0] != "section" and _goes_on_after_empty_cell(
                rows[-1][1], group, width):
            rows[-1][1].extend([None, *group])  # "|" "|" was an empty cell, not a row mark
        else:
            rows.append(("sub", group))
    return rows


def _goes_on_after_empty_cell(row: list[str | None], group: list[str | None],
                              width: int) -> bool:
    """Whether `group` is the rest of `row` after an empty cell rather than a sub-row.

    A sub-row opens with its own task text; the rest of a row after an empty cell opens
    with an agency or a deadline, and the two fit in the table's width.
    """
    first = group[0]
    if not first or len(row) + 1 + len(group) > width:
        return False
    return _fit(first, LEAD) > 0 or _fit(first, DEADLINE) > 0


_GROUP_HEAD = re.compile(r"^(?:Cơ quan|Đơn vị)(?:\s*,\s*đơn vị)?\s+(?:thực hiện|thực hiện chính)$",
                         re.IGNORECASE)
_SUB_HEAD = re.compile(r"^(?:Chủ trì|Phối hợp)(?:\s+thực hiện)?$", re.IGNORECASE)


def _regroup_header(header: list[str | None]) -> list[str | None]:
    """A header printed as "... | Cơ quan thực hiện | Thời gian | Chủ trì | Phối hợp":
    the spanning cell comes first, the cells under it after the rest of the first row."""
    for index, text in enumerate(header):
        if not text or not _GROUP_HEAD.match(" ".join(text.split())):
            continue
        subs = [i for i in range(index + 1, len(header))
                if header[i] and _SUB_HEAD.match(" ".join((header[i] or "").split()))]
        if len(subs) >= 2 and subs == list(range(subs[0], subs[0] + len(subs))):
            return [*header[:index], *(header[i] for i in subs), *header[index + 1:subs[0]],
                    *header[subs[-1] + 1:]]
    return header


_CODE_AND_TITLE = re.compile(
    r"^(?P<code>[IVX]{1,5}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3}){0,3})\.?(?:\s+(?P<rest>\S.*))?$", re.S)


def split_code_cell(cell: str | None) -> tuple[str, str | None] | None:
    """(code, title) of a cell holding a code, alone or before its heading ("I.\nNÂNG CAO ...")."""
    match = _CODE_AND_TITLE.match((cell or "").strip())
    if not match:
        return None
    rest = match.group("rest")
    if rest and not rest[0].isupper():
        return None  # "1 năm" or "2 lần" is text, not a row number
    return match.group("code"), rest


class _Numbering:
    """Follows a table's numbering: roman and letter sections, then 1, 1.1, 1.2, 2 ..."""

    def __init__(self) -> None:
        self.roman: str | None = None
        self.letter: str | None = None
        self.path: list[int] = []
        self.before: list[int] = []  # the numbering before the last section row
        self.gap = False  # rows were left out ("…......"): the next number is unknown
        self.lost = False  # since the gap: the section of the rows is unknown

    def accept(self, cell: str | None) -> str | None:
        """"section" or "task" when `cell` holds the next code, else None."""
        split = split_code_cell(cell)
        if split is None:
            return None
        code = split[0]
        next_roman = _ROMAN[_ROMAN.index(self.roman) + 1] if self.roman in _ROMAN[:-1] else "I"
        next_letter = chr(ord(self.letter) + 1) if self.letter else "A"
        later = code in _ROMAN and self.roman in _ROMAN and _ROMAN.index(code) > _ROMAN.index(
            self.roman)
        if code == next_roman or (self.lost and later):
            # After left-out rows, any later section may be the next one printed.
            self.roman, self.letter, self.lost = code, None, False
            self.before, self.path = self.path or self.before, []
            return "section"
        if code == next_letter and code not in "IVX":
            self.letter = code
            self.before, self.path = self.path or self.before, []
            return "section"
        if code[0].isdigit() and self.gap:
            # The first row after left-out rows: its number, whatever it is, opens it.
            self.path, self.gap, self.lost = [int(part) for part in code.split(".")], False, True
            return "damaged"
        if code[0].isdigit():
            numbers = tuple(int(part) for part in code.split("."))
            # Numbers restart in each section (I: 1-3, II: 1-4) or run on (I: 1-3, II: 4-7).
            running_on = not self.path and self.before and numbers == (self.before[0] + 1,)
            if numbers in _next_codes(self.path) or running_on:
                self.path = list(numbers)
                return "damaged" if self.lost else "task"
        return None


def _split_rows(cells: list[str | None]) -> list[tuple[str, list[str | None]]]:
    """Rows of cells, each starting at a cell holding the next code of the numbering."""
    rows: list[tuple[str, list[str | None]]] = []
    numbering = _Numbering()
    for cell in cells:
        if is_omission(cell):
            numbering.gap = True
            continue
        kind = numbering.accept(cell)
        if kind:
            code, rest = split_code_cell(cell) or ("", None)
            rows.append((kind, [code, rest] if rest else [code]))
        elif rows:
            rows[-1][1].append(cell)
    return rows


def _next_codes(path: list[int]) -> set[tuple[int, ...]]:
    """Numeric codes that may follow `path`: a child, or a sibling at any depth."""
    if not path:
        return {(1,)}
    options = {(*path, 1)}
    for depth in range(len(path)):
        options.add((*path[:depth], path[depth] + 1))
    return options


def _fit(text: str | None, field: str | None) -> float:
    """How well a cell's text fits a column of the given field."""
    if not text:
        return 0.0
    deadline_like = bool(_DEADLINE_LIKE.search(text[:40]))
    agency_like = bool(_AGENCY_LIKE.match(text))
    if field == DEADLINE:
        return 2.0 if deadline_like and not agency_like else -1.0
    if field in (LEAD, PARTNERS):
        return 2.0 if agency_like else (-1.0 if deadline_like else -0.5)
    if deadline_like and len(text) < 40:
        return -1.0
    return 1.0 if len(text) >= 25 or text.startswith("-") else 0.0


def _likeness(text: str | None, above: str | None) -> float:
    """Shared words with the cell above in the same column (lists of partners, results)."""
    if not text or not above:
        return 0.0
    words, others = set(text.lower().split()), set(above.lower().split())
    return len(words & others) / max(1, len(words | others))


def _align(cells: list[str | None], fields: list[str | None],
           previous: list[str | None] | None) -> list[str | None]:
    """The row's cells placed in its columns; skipped columns take the row above's text."""
    if len(cells) >= len(fields) or math.comb(len(fields), len(cells)) > MAX_PLACEMENTS:
        return [*cells[: len(fields)], *[None] * (len(fields) - len(cells))]
    best: tuple[float, tuple[int, ...]] | None = None
    for chosen in itertools.combinations(range(len(fields)), len(cells)):
        score = sum(_fit(cell, fields[c]) + _likeness(cell, previous[c] if previous else None)
                    for cell, c in zip(cells, chosen, strict=True))
        if previous is not None:  # the skipped cells are merged ones: which, is learnt
            score -= sum(_SKIP_COST.get(fields[c] or "", 0.3)
                         for c in range(len(fields)) if c not in chosen)
        elif fields[chosen[0]] != NAME and NAME in fields:
            score -= 1.0  # a sub-row opens with its own name when it has text there
        if best is None or score > best[0]:
            best = (score, chosen)
    assert best is not None  # noqa: S101 - combinations of k <= n columns is never empty
    out: list[str | None] = list(previous) if previous else [None] * len(fields)
    for cell, column in zip(cells, best[1], strict=True):
        out[column] = cell
    return out


__all__ = ["looks_scraped", "scraped_document"]
