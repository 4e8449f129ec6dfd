"""Rebuilding table cells from PDF-extracted text, where each cell is broken over lines.

Text extracted from a PDF table lists a row's cells one after another, each broken into the
narrow lines of its column, sometimes with two cells glued on one line ("... thông qua Tháng
6") or a blank line inside a cell. `segment_row` splits a row's lines into the table's
columns, in order, by choosing the cut points that best fit what each column holds:
deadline phrases in the deadline column, agency names in the lead and partner columns,
lines no wider than the column, cells that start as cells start (a capital, a bullet).
It is a small dynamic programme over cut points; `estimate_widths` learns each column's
width from a first pass so that the second pass can use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from theodoi.extract import deadlines
from theodoi.extract.agency_lists import AGENCY_HEADS
from theodoi.extract.columns import DEADLINE, DETAIL, LEAD, NAME, PARTNERS, RESULT
from theodoi.extract.text import join_lines

AGENCY_COLUMNS = (LEAD, PARTNERS)

# The same phrases are tried many times while choosing cut points.
is_deadline_text = lru_cache(maxsize=65536)(deadlines.is_deadline_text)
parse_deadline = lru_cache(maxsize=65536)(deadlines.parse_deadline)


@dataclass
class Token:
    """A piece of a row: a whole line, or part of a line where two cells were glued."""

    text: str
    blank_before: bool = False  # a blank line separates it from the previous token
    split_in_line: bool = False  # it continues the previous token's line
    empty_marker: bool = False  # a whitespace-only line: an empty cell in the source

    # Whether an agency name begins at this token, judged on the text that follows it
    # ("Văn" + "phòng" begins "Văn phòng"): set by `tokenize`.
    agency_like: bool = False
    agency_word: bool = False

    @property
    def line_start(self) -> bool:
        return not self.split_in_line


@dataclass
class RowCells:
    """The cells of one row (or sub-row) as lists of lines, by field."""

    cells: dict[str, list[str]] = field(default_factory=dict)
    cost: float = 0.0

    def text(self, name: str) -> str | None:
        lines = self.cells.get(name) or []
        return "\n".join(lines) if any(line.strip() for line in lines) else None


# Words that may begin a deadline cell or an agency cell glued to the end of another line.
_DEADLINE_STARTS = r"(?:Tháng|Quý|Trước|Hằng|Hàng|Thường|Năm|Theo|\(Theo|Bảo|Trong|Từ|Đến|Định)"
_AGENCY_STARTS = "|".join(
    re.escape(h) for h in sorted(AGENCY_HEADS, key=len, reverse=True) if h[0].isupper()
)
_IN_LINE_CUT = re.compile(
    rf"(?<=[^\s\-–+•])\s+(?=(?:{_DEADLINE_STARTS}|{_AGENCY_STARTS})\b)|(?<=\S)\s+(?=-\s)"
)
_CONNECTOR_END = re.compile(
    r"(?:,|\bvà|\bcủa|\bcác|\bvề|\bđến|\btheo|\btại|\bcho|\bvới|\btrong|\bngày|\btháng|"
    r"\bquý|\bnăm|\bhoặc|\bđể|\bthuộc|\bnhà|\bđược|\bkhi|-|–)$",
    re.IGNORECASE,
)
# A legal instrument named without its title ("... khi Luật") continues on the next line.
_INSTRUMENT_END = re.compile(r"\b(?:Luật|Nghị định|Quyết định|Đề án|Kế hoạch|Thông tư|Chỉ thị)$")
_NAMED_AGENCY = re.compile(
    r"(?:Bộ|Cục|Vụ|Ngân hàng|Văn phòng|Ủy ban|Uỷ ban|UBND|Sở|Tổng cục|Trung tâm|Viện)\b"
)
_DEADLINE_START_RE = re.compile(rf"{_DEADLINE_STARTS}\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_AGENCY_LINE_START = re.compile(rf"(?:{_AGENCY_STARTS})\b")
_AGENCY_HEAD_END = re.compile(rf"\b(?:{_AGENCY_STARTS})$")


def tokenize(lines: Sequence[str]) -> list[Token]:
    """Tokens of a row's lines, with in-line cut candidates split into separate tokens."""
    tokens: list[Token] = []
    blank = False
    for raw in lines:
        if raw == "":
            blank = True
            continue
        if not raw.strip():
            tokens.append(Token("", blank_before=blank, empty_marker=True))
            blank = False
            continue
        line = raw.strip()
        pieces = _split_candidates(line)
        for index, piece in enumerate(pieces):
            tokens.append(Token(piece, blank_before=blank and index == 0, split_in_line=index > 0))
        blank = False
    # A whitespace-only line marks an empty cell only between cells, not at a row's ends.
    while tokens and tokens[-1].empty_marker:
        tokens.pop()
    while tokens and tokens[0].empty_marker:
        tokens.pop(0)
    for index, token in enumerate(tokens):
        ahead = " ".join(t.text for t in tokens[index:index + 3])
        token.agency_like = bool(_STARTS_LIKE_AGENCY.match(ahead))
        token.agency_word = bool(_AGENCY_LINE_START.match(ahead))
    return tokens


def _split_candidates(line: str) -> list[str]:
    """The line cut before each word where a glued cell may begin."""
    cuts = [m.end() for m in _IN_LINE_CUT.finditer(line)]
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        pieces.append(line[start:cut].strip())
        start = cut
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


@dataclass
class ColumnModel:
    """What is known about the columns of one table: their order and widths."""

    fields: list[str]
    widths: dict[str, int] = field(default_factory=dict)


_STARTS_LIKE_AGENCY = re.compile(rf"(?:[-–+]\s+)?(?:{_AGENCY_STARTS}|các\s)")


def _starts_like_agency(text: str) -> bool:
    return bool(_STARTS_LIKE_AGENCY.match(text))


def _content_cost(
    column: str, tokens: Sequence[Token], *, sub_row: bool, cut_after: bool = False
) -> float:
    """How badly the tokens fit the column's kind of content.

    `cut_after` says a page break follows: a deadline may then be only the start of one.
    """
    real = [t for t in tokens if not t.empty_marker]
    if not real:
        if any(t.empty_marker for t in tokens):
            return 0.0
        return _EMPTY_COST.get(column, 0.5) if not sub_row else 0.2
    if any(t.empty_marker for t in tokens):
        return 3.0
    if column in AGENCY_COLUMNS:
        return _agency_cost(real)
    text = join_lines([t.text for t in real]) if len(real) <= 16 else ""
    if column == DEADLINE:
        if not is_deadline_text(text):
            if cut_after and _DEADLINE_START_RE.match(text):
                return 0.5
            return 4.0 + 0.5 * len(real)
        cost = _overrun_cost(real) + (1.5 if _INSTRUMENT_END.search(text) else 0.0)
        # A line starting with the name of a ministry or department ends the deadline.
        cost += 2.0 * sum(1 for t in real[1:] if t.line_start and _NAMED_AGENCY.match(t.text))
        return cost
    # Prose columns: a cell made only of a deadline or only of agency names is unlikely,
    # and a new paragraph (blank line, capital, no bullet) mostly starts a new cell.
    cost = _paragraph_cost(real)
    if len(text) < 40 and is_deadline_text(text):
        cost += 2.5
    if real[0].text.startswith(("-", "–")) and column == NAME:
        cost += 0.5
    return cost


def _agency_cost(real: Sequence[Token]) -> float:
    """How badly the tokens fit a lead or partner cell: items that are not agencies.

    Items begin where `split_agencies` would begin them: at the start, after ";" and at
    "- " bullets (a split at "," or "và" happens only before an agency word, so it never
    makes a bad item); counting them here avoids splitting every candidate cell.
    """
    if len(real) == 1 and real[0].text in {"-", "–"}:
        return 0.0
    if len(real) > 60:
        return 50.0
    cost = 0.0
    previous: Token | None = None
    for token in real:
        text = token.text
        starts_item = (
            previous is None
            or (token.line_start and text[:2] in {"- ", "– ", "+ "})
            or previous.text.endswith(";")
        )
        if starts_item and not token.agency_like:
            cost += 2.5
        if _YEAR.search(text):
            cost += 2.0  # agencies are not dated; a year belongs to a deadline or a result
        if (
            previous is not None
            and token.agency_word
            and not re.search(r"(?:[,;]|\bvà)$", previous.text)
            and not _CONNECTOR_END.search(previous.text)
            and not _AGENCY_HEAD_END.search(previous.text)
        ):
            cost += 2.0  # a new agency name with no separator before it: a new cell
        previous = token
    if len(real) <= 4 and is_deadline_text(join_lines([t.text for t in real])):
        cost += 3.0
    return cost


def _paragraph_cost(tokens: Sequence[Token]) -> float:
    """New paragraphs inside one prose cell (blank line, capital, no bullet) are unusual."""
    cost = 0.0
    real = [t for t in tokens if not t.empty_marker]
    for previous, token in itertools.pairwise(real):
        if (
            token.blank_before
            and token.text[:1].isupper()
            and not _CONNECTOR_END.search(previous.text)
        ):
            cost += 0.7
    return cost


def _overrun_cost(tokens: Sequence[Token]) -> float:
    """A deadline cell that runs on past a complete phrase into a new sentence or bullet."""
    if tokens[0].text.startswith(("-", "–", "+")):
        return 0.0  # a listed deadline ("- Năm 2024: ...; - Các năm tiếp theo: ...")
    cost = 0.0
    for index in range(1, len(tokens)):
        first = tokens[index].text[:1]
        if not (first.isupper() or first in "-–+"):
            continue
        prefix = join_lines([t.text for t in tokens[:index]])
        # Free-text deadlines ("Theo lộ trình tại Quyết định ...") may run on in capitals.
        if is_deadline_text(prefix) and parse_deadline(prefix, 2000).kind not in FREE_TEXT_KINDS:
            cost += 2.5
    return cost


FREE_TEXT_KINDS = ("per_plan", "conditional")


_EMPTY_COST = {NAME: 4.0, DETAIL: 0.6, RESULT: 0.8, DEADLINE: 1.2, LEAD: 1.5, PARTNERS: 0.6}


def _width_cost(column: str, tokens: Sequence[Token], model: ColumnModel) -> float:
    """A cost for lines wider than the column can hold."""
    width = model.widths.get(column)
    if not width:
        return 0.0
    cost = 0.0
    line = ""
    for token in tokens:
        if token.empty_marker:
            continue
        if token.line_start and line:
            if len(line) > width + 2:
                cost += 1.5
            line = token.text
        else:
            line = f"{line} {token.text}".strip()
    if len(line) > width + 2:
        cost += 1.5
    return cost


def _boundary_cost(tokens: Sequence[Token], index: int) -> float:
    """The cost of starting a new cell at tokens[index]."""
    if index <= 0 or index >= len(tokens):
        return 0.0
    token, previous = tokens[index], tokens[index - 1]
    cost = 0.0
    if token.split_in_line:
        cost += 0.8
    elif not token.blank_before:
        cost += 0.6
    first = token.text[:1]
    if first.islower():
        cost += 2.0
    if (
        previous.text
        and _CONNECTOR_END.search(previous.text)
        and not is_deadline_text(previous.text)
    ):
        cost += 1.5
    return cost


def segment_row(
    lines: Sequence[str],
    model: ColumnModel,
    *,
    sub_row: bool = False,
    open_columns: frozenset[str] | None = None,
    cut_after: bool = False,
) -> RowCells:
    """The row's lines split into the model's columns, in order, at the best cut points.

    `open_columns`, for the part of a row after a page break, names the columns whose
    text the break cut off: only they are expected to continue.
    """
    tokens = tokenize(lines)
    columns = model.fields
    n, k = len(tokens), len(columns)
    if n == 0:
        return RowCells({c: [] for c in columns})

    @cache
    def cell_cost(column_index: int, start: int, end: int) -> float:
        column = columns[column_index]
        segment = tokens[start:end]
        if column == DEADLINE and len(segment) > 14:
            return 50.0
        if open_columns is not None:
            if not segment:
                return 0.0
            # Prefer the first cut column: cells continue in column order.
            closed = 0.1 * column_index if column in open_columns else 2.0
            return closed + _width_cost(column, segment, model) + _paragraph_cost(segment)
        return _content_cost(
            column, segment, sub_row=sub_row, cut_after=cut_after
        ) + _width_cost(column, segment, model)

    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for c in range(k):
        for start in range(n + 1):
            base = best[c][start]
            if base == inf:
                continue
            entry = base + _boundary_cost(tokens, start) if 0 < start < n else base
            for end in range(start, n + 1):
                total = entry + cell_cost(c, start, end)
                if total < best[c + 1][end]:
                    best[c + 1][end] = total
                    back[c + 1][end] = start
    cells: dict[str, list[str]] = {}
    end = n
    for c in range(k, 0, -1):
        start = back[c][end]
        cells[columns[c - 1]] = _lines_of(tokens[start:end])
        end = start
    return RowCells(cells, best[k][n])


def _lines_of(tokens: Sequence[Token]) -> list[str]:
    """Tokens back to lines, glued pieces of one line rejoined with a space."""
    lines: list[str] = []
    for token in tokens:
        if token.empty_marker:
            continue
        if token.split_in_line and lines:
            lines[-1] = f"{lines[-1]} {token.text}"
        else:
            lines.append(token.text)
    return lines


def cut_columns(cells: RowCells, model: ColumnModel, fill: float = 0.6) -> frozenset[str]:
    """Columns whose last line fills the column: a page break may have cut their text."""
    open_columns = set()
    for column in model.fields:
        lines = cells.cells.get(column) or []
        width = model.widths.get(column)
        if lines and (not width or len(lines[-1]) >= fill * width):
            open_columns.add(column)
        elif column == DEADLINE and lines and not is_deadline_text(join_lines(lines)):
            open_columns.add(column)  # a deadline phrase left unfinished
    return frozenset(open_columns)


def estimate_widths(rows: Sequence[RowCells], fields: Sequence[str]) -> dict[str, int]:
    """Each column's width: the 90th percentile of its line lengths over the table."""
    widths: dict[str, int] = {}
    for column in fields:
        lengths = sorted(len(line) for row in rows for line in row.cells.get(column, []))
        if len(lengths) >= 5:
            widths[column] = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    return widths


__all__ = [
    "DEADLINE",
    "DETAIL",
    "LEAD",
    "NAME",
    "PARTNERS",
    "RESULT",
    "ColumnModel",
    "RowCells",
    "Token",
    "estimate_widths",
    "segment_row",
    "tokenize",
]
