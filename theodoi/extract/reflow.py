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
from functools import lru_cache

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

    The costs are those of `_content_cost`, `_width_cost` and `_boundary_cost`, computed
    in constant time per candidate cell from prefix sums (`_RowCosts`). Candidates are
    pruned against a bound on the row's total cost: a cell is extended while a lower bound
    of its cost, which only grows as the cell does, keeps the total under the bound; the
    bound is doubled until a segmentation fits under it, so the result is the exhaustive
    programme's (tests/extract/test_reflow.py checks it against the plain definitions).
    """
    row = _row_features(tuple(lines))
    tokens = row.tokens
    columns = model.fields
    n, k = len(tokens), len(columns)
    if n == 0:
        return RowCells({c: [] for c in columns})
    costs = _RowCosts(row, model, sub_row=sub_row, open_columns=open_columns,
                      cut_after=cut_after)
    # Most rows cut cleanly (cost 0): start there, then allow more.
    bound = 0
    while True:
        found = costs.programme(bound)
        if found is not None:
            break
        bound = max(2 * bound, SCALE // 2)
    total, back = found
    cells: dict[str, list[str]] = {}
    end = n
    for c in range(k, 0, -1):
        start = back[c][end]
        cells[columns[c - 1]] = _lines_of(tokens[start:end])
        end = start
    return RowCells(cells, total / SCALE)


# Costs are kept in tenths as integers, so that equal costs tie exactly whatever the order
# of the additions (the prefix sums add in another order than the plain definitions).
SCALE = 10
_NEVER = 1 << 60
_LONG_DEADLINE = 14  # tokens: a longer deadline cell costs `_TOO_LONG`
_SHORT_TEXT = 16  # tokens: longer prose cells are never taken for deadline phrases
_TOO_LONG = 50 * SCALE
_EMPTY_MIXED = 3 * SCALE  # a cell holding an empty-cell marker and text


def _tenths(value: float) -> int:
    return round(value * SCALE)


class _RowFeatures:
    """One row's tokens as prefix sums, so that any candidate cell costs constant time."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        n = len(tokens)
        self.n = n
        texts = [t.text for t in tokens]
        self.texts = texts
        empty = [t.empty_marker for t in tokens]
        # Prefix counts of empty-cell markers; next real token at or after each index, last
        # real token at or before it.
        self.empties = _prefix([1 if e else 0 for e in empty])
        next_real = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            next_real[i] = next_real[i + 1] if empty[i] else i
        prev_real = [-1] * n
        last = -1
        for i in range(n):
            if not empty[i]:
                last = i
            prev_real[i] = last
        self.next_real, self.prev_real = next_real, prev_real
        self.next_empty = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            self.next_empty[i] = i if empty[i] else self.next_empty[i + 1]

        # Physical lines: a token glued to the previous one (split in line) shares its line.
        line_of = [0] * n
        line_first: list[int] = []
        line_last: list[int] = []
        for i, token in enumerate(tokens):
            if i and token.split_in_line and not empty[i] and not empty[i - 1]:
                line_last[-1] = i
            else:
                line_first.append(i)
                line_last.append(i)
            line_of[i] = len(line_first) - 1
        self.line_of, self.line_first, self.line_last = line_of, line_first, line_last
        self.chars = _prefix([0 if e else len(x) + 1 for x, e in zip(texts, empty, strict=True)])
        self.line_length = [
            0 if empty[a] else self.chars[b + 1] - self.chars[a] - 1
            for a, b in zip(line_first, line_last, strict=True)
        ]
        self._over: dict[int, list[int]] = {}

        # New paragraphs inside a cell (`_paragraph_cost`), each against the previous real token.
        paragraph = [0] * n
        previous = -1
        for i in range(n):
            if empty[i]:
                continue
            if previous >= 0:
                token, before = tokens[i], texts[previous]
                if (token.blank_before and token.text[:1].isupper()
                        and not _CONNECTOR_END.search(before)):
                    paragraph[i] = _tenths(0.7)
            previous = i
        self.paragraph = _prefix(paragraph)

        # Agency items (`_agency_cost`): the cost of a token as a cell's first token, and as
        # a later one (against the token before it).
        self.agency_first = [0] * n
        agency_next = [0] * n
        for i, token in enumerate(tokens):
            if empty[i]:
                continue
            dated = _tenths(2.0) if _YEAR.search(token.text) else 0
            self.agency_first[i] = (0 if token.agency_like else _tenths(2.5)) + dated
            if i == 0 or empty[i - 1]:
                continue
            before = texts[i - 1]
            cost = dated
            starts_item = (token.line_start and token.text[:2] in {"- ", "– ", "+ "}) or (
                before.endswith(";")
            )
            if starts_item and not token.agency_like:
                cost += _tenths(2.5)
            if (
                token.agency_word
                and not re.search(r"(?:[,;]|\bvà)$", before)
                and not _CONNECTOR_END.search(before)
                and not _AGENCY_HEAD_END.search(before)
            ):
                cost += _tenths(2.0)
            agency_next[i] = cost
        self.agency_next = _prefix(agency_next)
        self.boundary = [_tenths(_boundary_cost(tokens, i)) for i in range(n + 1)]
        self.named = _prefix([
            1 if t.line_start and not t.empty_marker and _NAMED_AGENCY.match(t.text) else 0
            for t in tokens
        ])
        self.clean = [join_lines([x]) for x in texts]
        self._joined: dict[int, list[str]] = {}
        self._deadline: dict[tuple[int, int], bool] = {}

    # Short cells are read whole: their text, and whether the grammar takes it as a deadline.

    def text(self, start: int, end: int) -> str:
        """The joined text of tokens[start:end], a short run without empty-cell markers."""
        joined = self._joined.get(start)
        if joined is None:
            joined = self._joined[start] = [""]
        while len(joined) <= end - start:
            joined.append(_glue(joined[-1], self.clean[start + len(joined) - 1]))
        return joined[end - start]

    def is_deadline(self, start: int, end: int) -> bool:
        key = (start, end)
        found = self._deadline.get(key)
        if found is None:
            found = self._deadline[key] = is_deadline_text(self.text(start, end))
        return found

    def over(self, limit: int) -> list[int]:
        """Prefix counts of the lines longer than `limit`."""
        found = self._over.get(limit)
        if found is None:
            found = self._over[limit] = _prefix([1 if x > limit else 0 for x in self.line_length])
        return found


@lru_cache(maxsize=256)
def _row_features(lines: tuple[str, ...]) -> _RowFeatures:
    """The features of a row's lines (both passes of a table read the same rows)."""
    return _RowFeatures(tokenize(lines))


class _RowCosts:
    """The cost of a candidate cell of one row, given what is known about the columns."""

    def __init__(
        self,
        row: _RowFeatures,
        model: ColumnModel,
        *,
        sub_row: bool,
        open_columns: frozenset[str] | None,
        cut_after: bool,
    ) -> None:
        self.row = row
        self.model = model
        self.sub_row = sub_row
        self.open_columns = open_columns
        self.cut_after = cut_after
        self.limit = {c: w + 2 for c, w in model.widths.items() if w}
        self.over = {c: row.over(limit) for c, limit in self.limit.items()}

    def width(self, column: str, start: int, end: int) -> tuple[int, int]:
        """`_width_cost` of tokens[start:end], and the part of it that longer cells keep."""
        limit = self.limit.get(column)
        if limit is None:
            return 0, 0
        first = self.row.next_real[start]
        if first >= end:
            return 0, 0
        last = self.row.prev_real[end - 1]
        first_line, last_line = self.row.line_of[first], self.row.line_of[last]
        chars = self.row.chars
        if first_line == last_line:
            return (_tenths(1.5) if chars[last + 1] - chars[first] - 1 > limit else 0), 0
        over = self.over[column]
        head = chars[self.row.line_last[first_line] + 1] - chars[first] - 1 > limit
        kept = (1 if head else 0) + over[last_line] - over[first_line + 1]
        tail = chars[last + 1] - chars[self.row.line_first[last_line]] - 1 > limit
        return _tenths(1.5) * (kept + (1 if tail else 0)), _tenths(1.5) * kept

    def cell(self, c: int, start: int, end: int) -> tuple[int, int]:
        """The cost of tokens[start:end] in column c, and a lower bound for longer cells."""
        column = self.model.fields[c]
        if column == DEADLINE:
            if end - start > _LONG_DEADLINE:
                return _TOO_LONG, _TOO_LONG
            cost, floor = self._cell(c, column, start, end)
            return cost, min(floor, _TOO_LONG)
        return self._cell(c, column, start, end)

    def _cell(self, c: int, column: str, start: int, end: int) -> tuple[int, int]:
        size = end - start
        if self.open_columns is not None:
            if size == 0:
                return 0, 0
            closed = c if column in self.open_columns else _tenths(2.0)
            width, kept = self.width(column, start, end)
            row = self.row
            first, last = row.next_real[start], row.prev_real[end - 1]
            paragraph = row.paragraph[last + 1] - row.paragraph[first + 1] if first < end else 0
            cost = closed + width + paragraph
            return cost, closed + kept + paragraph
        if size == 0:
            empty = _tenths(0.2) if self.sub_row else _tenths(_EMPTY_COST.get(column, 0.5))
            return empty, 0
        width, kept = self.width(column, start, end)
        if self.row.empties[end] != self.row.empties[start]:
            content = _EMPTY_MIXED if self.row.next_real[start] < end else 0
            return content + width, (content + kept) if content else 0
        # Longer cells may take in an empty-cell marker, whose cost stops the sums below.
        cap = _EMPTY_MIXED if self.row.next_empty[end] < self.row.n else _NEVER
        if column in AGENCY_COLUMNS:
            return self._agency(start, end, cap, width, kept)
        if column == DEADLINE:
            return self._deadline_cell(start, end) + width, 0
        paragraph = self.row.paragraph[end] - self.row.paragraph[start + 1]
        cost = paragraph
        if size <= _SHORT_TEXT:
            text = self.row.text(start, end)
            if len(text) < 40 and self.row.is_deadline(start, end):
                cost += _tenths(2.5)
        if column == NAME and self.row.texts[start].startswith(("-", "–")):
            cost += _tenths(0.5)
        return cost + width, min(paragraph, cap) + kept

    def _agency(self, start: int, end: int, cap: int, width: int, kept: int) -> tuple[int, int]:
        size = end - start
        if size == 1 and self.row.texts[start] in {"-", "–"}:
            return width, 0
        row = self.row
        items = row.agency_first[start] + row.agency_next[end] - row.agency_next[start + 1]
        if size > 60:
            return _TOO_LONG + width, min(_TOO_LONG, cap) + kept
        cost = items
        if size <= 4 and self.row.is_deadline(start, end):
            cost += _tenths(3.0)
        bound = min(items, _TOO_LONG, cap) + kept if size > 1 else 0
        return cost + width, bound

    def _deadline_cell(self, start: int, end: int) -> int:
        """`_content_cost` of a deadline cell of at most `_LONG_DEADLINE` real tokens."""
        text = self.row.text(start, end)
        size = end - start
        if not self.row.is_deadline(start, end):
            if self.cut_after and _DEADLINE_START_RE.match(text):
                return _tenths(0.5)
            return _tenths(4.0 + 0.5 * size)
        cost = 0
        if not self.row.texts[start].startswith(("-", "–", "+")):
            for index in range(start + 1, end):
                first = self.row.texts[index][:1]
                if not (first.isupper() or first in "-–+"):
                    continue
                if self.row.is_deadline(start, index) and (
                    parse_deadline(self.row.text(start, index), 2000).kind not in FREE_TEXT_KINDS
                ):
                    cost += _tenths(2.5)
        if _INSTRUMENT_END.search(text):
            cost += _tenths(1.5)
        named = self.row.named[end] - self.row.named[start + 1]
        return cost + _tenths(2.0) * named

    def programme(self, bound: int) -> tuple[int, list[list[int]]] | None:
        """The best total and back pointers, if a segmentation costs at most `bound`."""
        n, k = self.row.n, len(self.model.fields)
        best = [[_NEVER] * (n + 1) for _ in range(k + 1)]
        back = [[0] * (n + 1) for _ in range(k + 1)]
        best[0][0] = 0
        cell = self.cell
        for c in range(k):
            row, here, there = best[c], best[c + 1], back[c + 1]
            for start in range(n + 1):
                base = row[start]
                if base > bound:
                    continue
                entry = base + self.row.boundary[start] if 0 < start < n else base
                if entry > bound:
                    continue
                for end in range(start, n + 1):
                    cost, floor = cell(c, start, end)
                    total = entry + cost
                    if total < here[end]:
                        here[end] = total
                        there[end] = start
                    if entry + floor > bound:
                        break
        if best[k][n] > bound:
            return None
        return best[k][n], back


def _glue(text: str, line: str) -> str:
    """`join_lines` one line further: `text` and `line` are already joined and clean."""
    if not line:
        return text
    if not text:
        return line
    if (len(text) > 1 and text[-1] == "-" and not text[-2].isspace()) or (
        len(line) > 1 and line[0] == "-" and not line[1].isspace()
    ):
        return text + line
    return f"{text} {line}"


def _prefix(values: Sequence[int]) -> list[int]:
    """Prefix sums: out[i] is the sum of values[:i]."""
    out = [0]
    for value in values:
        out.append(out[-1] + value)
    return out


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
