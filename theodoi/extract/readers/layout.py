"""Positioned words -> lines -> paragraphs and tables: the layout steps PDF and OCR share.

A page is a list of `Word`s (text and box, top-left origin). The steps, each a small
function named after what it takes and gives:

    words_to_lines         words sharing a baseline, left to right
    lines_to_fragments     a line cut where a wide gap separates two blocks side by side
    fragments_to_paragraphs  lines stacked with normal spacing, split at indents and gaps
    lines_to_unruled_table   a whitespace-aligned table found by its "TT" header row
    stitch_fragments       table pieces of consecutive pages joined into one Table

Column edges of an unruled table are learned from its header row's words and then moved
into the widest empty gutter that the body words leave between two columns.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field

from theodoi.extract.columns import (
    CODE as CODE_FIELD,
)
from theodoi.extract.columns import (
    field_of_header_cell,
    fields_in_header_text,
    is_header_fragment,
    is_header_text,
)
from theodoi.extract.document import Paragraph, RowOrigin, Table
from theodoi.extract.text import nfc


@dataclass
class Word:
    """A word with its box in points (or pixels), origin at the top-left of the page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:
        """Mostly bold (a quotation mark may come from another font)."""
        bold = sum(len(w.text) for w in self.words if w.bold)
        return bold > 0.7 * sum(len(w.text) for w in self.words)


@dataclass
class TableFragment:
    """The rows of a table as seen on one page; `header` rows come first."""

    rows: list[list[str | None]]
    header: int
    top: float
    bottom: float
    columns: list[float] = field(default_factory=list)  # unruled: inner column edges
    left: float = 0.0
    right: float = 0.0
    whites: list[float] | None = None  # unruled: white width of each gutter, when found
    # unruled: the last row was begun without its number, which a centred "TT" cell put
    # on the next page
    number_carried: bool = False
    # ruled: (row, column) of each cell that a cell above spans into (`Table.covered`)
    covered: set[tuple[int, int]] = field(default_factory=set)
    # Each row's box (x0, top, x1, bottom) in points on its page, parallel to `rows` (None
    # where a row has no words), and the page's number from 1: where each row came from.
    boxes: list[tuple[float, float, float, float] | None] = field(default_factory=list)
    page: int = 0
    turn: int = 0  # degrees the page was turned to read it upright (`RowOrigin.turn`)


def words_box(words: list[Word]) -> tuple[float, float, float, float] | None:
    """The box holding every word, or None for no word."""
    if not words:
        return None
    return (min(w.x0 for w in words), min(w.top for w in words),
            max(w.x1 for w in words), max(w.bottom for w in words))


# ---------------------------------------------------------------------------------------
# Words -> lines -> paragraphs


def words_to_lines(words: list[Word]) -> list[Line]:
    """Words grouped into lines: a word joins a line when it overlaps its vertical middle."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        mid = (word.top + word.bottom) / 2
        for line in reversed(lines[-4:]):
            # Small glyphs ("-", ".") join the line around their middle; a much taller
            # word (another font size) does not.
            if line.top - 1 <= mid <= line.bottom + 1 and word.height < 1.8 * line.height:
                line.words.append(word)
                break
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def lines_to_fragments(lines: list[Line], gap: float | None = None) -> list[Line]:
    """Each line cut where the gap between two words is wider than `gap` (default 2.5 em)."""
    out: list[Line] = []
    for line in lines:
        limit = gap if gap is not None else 2.5 * line.height
        current = [line.words[0]]
        for word in line.words[1:]:
            if word.x0 - current[-1].x1 > limit:
                out.append(Line(current))
                current = [word]
            else:
                current.append(word)
        out.append(Line(current))
    return out


def fragments_to_paragraphs(frags: list[Line], left: float,
                            right: float) -> list[tuple[float, Paragraph]]:
    """Stacked lines joined into paragraphs (lines kept as "\\n"), each with its top.

    A new paragraph starts after extra vertical space, at a first-line indent, after a
    line that stops well short of the right margin, or where boldness changes. `left`
    and `right` are the text margins of the page.
    """
    ordered = sorted(frags, key=lambda f: (f.top, f.x0))
    leading = _usual_leading(ordered)
    open_paras: list[list[Line]] = []
    done: list[list[Line]] = []
    for frag in ordered:
        target = None
        for para in open_paras:
            last = para[-1]
            pitch = max(last.height, frag.height)
            gap = frag.top - last.bottom
            if gap > leading + 0.3 * pitch or gap < -pitch / 2:
                continue
            if frag.x1 < last.x0 or frag.x0 > last.x1:
                continue
            if _starts_new_paragraph(last, frag, left, right):
                continue
            target = para
            break
        if target is None:
            target = [frag]
            open_paras.append(target)
        else:
            target.append(frag)
        # Paragraphs that can no longer grow are closed, to keep the scan short.
        still = []
        for para in open_paras:
            if frag.top - para[-1].bottom > 3 * para[-1].height:
                done.append(para)
            else:
                still.append(para)
        open_paras = still
    done.extend(open_paras)
    done.sort(key=lambda p: (p[0].top, p[0].x0))
    return [(p[0].top, Paragraph(join_wrapped([nfc(f.text) for f in p]))) for p in done]


def join_wrapped(lines: list[str]) -> str:
    """Lines a PDF wrapped, kept as "\n", except a break after "/" ("157/" + "TB-VPCP",
    "Quý IV/" + "2025"), where the text goes on without a space."""
    return re.sub(r"(?<=\S/)\n(?=\S)", "", "\n".join(lines))


def _usual_leading(ordered: list[Line]) -> float:
    """The usual gap between two lines of one paragraph (the lower third of all gaps)."""
    gaps = []
    for i, frag in enumerate(ordered):
        for prev in reversed(ordered[max(0, i - 6): i]):
            if prev.bottom <= frag.top + 1 and not (frag.x1 < prev.x0 or frag.x0 > prev.x1):
                gaps.append(frag.top - prev.bottom)
                break
    if not gaps:
        return 0.25 * statistics.median(f.height for f in ordered) if ordered else 0.0
    gaps.sort()
    return max(0.0, gaps[len(gaps) // 3])


def _starts_new_paragraph(last: Line, frag: Line, left: float, right: float) -> bool:
    em = max(last.height, frag.height)
    if last.bold != frag.bold or _caps(last) != _caps(frag):
        return True
    touches_both = (last.x0 <= left + 0.5 * em and last.x1 >= right - 0.5 * em) or (
        frag.x0 <= left + 0.5 * em and frag.x1 >= right - 0.5 * em)
    same_centre = abs((last.x0 + last.x1) / 2 - (frag.x0 + frag.x1) / 2) < em
    if same_centre and not touches_both and (last.x0 > left + 0.5 * em or
                                             frag.x0 > left + 0.5 * em):
        return False  # a centred block (title, issuer, signer)
    self_centred = frag.x0 > left + 0.5 * em and abs((frag.x0 - left) - (right - frag.x1)) < em
    if frag.x0 > last.x0 + 0.8 * em and not self_centred:
        return True  # first-line indent
    if re.match(r"^[-–+•]\s", frag.text) and last.x0 <= frag.x0 + 0.5 * em:
        return True  # a bullet item
    if frag.text[:1].islower():
        return False  # sentences and items do not start in lower case
    at_margin = last.x0 <= left + 3 * em
    return at_margin and last.x1 < right - 3 * em  # the previous line ended short


def _caps(line: Line) -> bool:
    letters = [c for c in line.text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# ---------------------------------------------------------------------------------------
# Unruled tables

CODE = re.compile(r"^(\d{1,3}(\.\d{1,3})*\.?|[IVXLC]{1,6}\.?|[A-HĐa-hđ][.)]?)$")
HEADER_FIRST = re.compile(r"^(S?TT|Số|STT\.?|TT\.?)$", re.IGNORECASE)


def find_unruled_header(lines: list[Line], start: int = 0) -> int | None:
    """Index of the line holding a table header that begins with "TT" / "STT".

    The header's words are spaced out (centred in their columns) or, in a tight table,
    the line and the header lines around it name a code column and three other fields.
    """
    for i in range(start, len(lines)):
        words = lines[i].words
        if len(words) >= 3 and HEADER_FIRST.match(words[0].text):
            gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(words)]
            if sum(1 for g in gaps if g > 1.2 * lines[i].height) >= 2:
                return i
            block = header_block(lines, i)
            if is_header_text(" ".join(ln.text for ln in lines[block[0]:block[1]])):
                return i
    return None


def header_block(lines: list[Line], at: int) -> tuple[int, int]:
    """The lines around the "TT" line `at` that hold header words only, as a range.

    Header cells are often centred vertically: a cell of three lines starts above the
    "TT" line and ends below it.
    """
    em = lines[at].height
    start = at
    while (start > 0 and is_header_fragment(lines[start - 1].text)
           and lines[start].top - lines[start - 1].bottom < 1.2 * em):
        start -= 1
    end = at + 1
    while (end < len(lines) and is_header_fragment(lines[end].text)
           and lines[end].top - lines[end - 1].bottom < 1.2 * em):
        end += 1
    return start, end


def header_cells(lines: list[Line], gap: float) -> list[tuple[float, float]]:
    """Horizontal extents of the header's cells: phrases of the header lines, merged where
    they overlap from one line to the next."""
    spans: list[list[float]] = []
    for frag in lines_to_fragments(lines, gap):
        spans.append([frag.x0, frag.x1])
    spans.sort()
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1] - 0.5:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def column_edges(cells: list[tuple[float, float]], body: list[Word]) -> list[float]:
    """Inner column edges: for each pair of header cells, the middle of the widest gutter
    between them that no body word covers (or the least covered point)."""
    edges = []
    for (_, right_a), (left_b, _) in itertools.pairwise(cells):
        lo, hi = right_a, left_b
        if hi - lo < 1:
            edges.append((lo + hi) / 2)
            continue
        # Body words of the neighbouring columns reach into the gap between header texts.
        steps = max(2, int(hi - lo))
        best, best_cover, best_run = (lo + hi) / 2, None, 0
        run_start, run_cover = None, None
        for s in range(steps + 1):
            x = lo + (hi - lo) * s / steps
            cover = sum(1 for w in body if w.x0 < x < w.x1)
            if run_start is not None and cover == run_cover:
                length = x - run_start
            else:
                run_start, run_cover, length = x, cover, 0.0
            if best_cover is None or cover < best_cover or (cover == best_cover and
                                                            length > best_run):
                best_cover, best_run = cover, length
                best = run_start + length / 2
        edges.append(best)
    return edges


# ---------------------------------------------------------------------------------------
# Columns from the gutters (tight tables: the white between columns is as narrow as a space)


def coverage(lines: list[Line]) -> list[tuple[float, float, int]]:
    """How many lines have a word at each x: (x0, x1, count) pieces, left to right."""
    events: list[tuple[float, int]] = []
    for line in lines:
        spans: list[list[float]] = []
        for word in sorted(line.words, key=lambda w: w.x0):
            if spans and word.x0 <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], word.x1)
            else:
                spans.append([word.x0, word.x1])
        for x0, x1 in spans:
            events += [(x0, 1), (x1, -1)]
    events.sort()
    pieces: list[tuple[float, float, int]] = []
    count = 0
    previous: float | None = None
    for x, step in events:
        if previous is not None and x > previous:
            pieces.append((previous, x, count))
        count += step
        previous = x
    return pieces


def lowest_run(pieces: list[tuple[float, float, int]], lo: float, hi: float, *,
               interior: bool = False) -> tuple[int, float, float]:
    """The least covered stretch of (lo, hi): (lines covering it, its x0, its x1).

    Of several stretches equally covered, the widest; with `interior`, the widest of those
    with words on both sides, inside the window (a stretch cut by the window's end is
    white only as far as the window looks), if there is one.
    """
    clipped: list[tuple[float, float, int]] = []
    cursor = lo
    for x0, x1, count in pieces:
        if x1 <= lo or x0 >= hi:
            continue
        if x0 > cursor:
            clipped.append((cursor, x0, 0))
        clipped.append((max(x0, lo), min(x1, hi), count))
        cursor = min(x1, hi)
    if cursor < hi:
        clipped.append((cursor, hi, 0))
    least = min(count for _, _, count in clipped)
    runs: list[list[float]] = []
    run: list[float] | None = None
    for x0, x1, count in clipped:
        if count == least:
            if run is None:
                run = [x0, x1]
                runs.append(run)
            else:
                run[1] = x1
        else:
            run = None
    if interior and any(lo < a and b < hi for a, b in runs):
        runs = [[a, b] for a, b in runs if lo < a and b < hi]
    best = max(runs, key=lambda r: r[1] - r[0])
    return least, best[0], best[1]


@dataclass
class Gutters:
    """Inner column edges of an unruled table and the white width of each gutter."""

    edges: list[float]
    whites: list[float]


def gutter_columns(header: list[Line], body: list[Line]) -> Gutters | None:
    """Columns found where no body word crosses, each named by the header words above it.

    The header's words are grouped where they overlap (a cell's lines are centred over
    each other); between two neighbouring groups, the least covered stretch of the body is
    a gutter when few body lines cross it (headings spanning columns do). A group of header
    words that names no field, or that reads as one phrase with its neighbour, is one
    column with it (the gap between "Thời gian" and "hoàn thành" is a space, not a gutter).
    """
    words = sorted((w for ln in header for w in ln.words), key=lambda w: w.x0)
    if len(words) < 3 or len(body) < 2:
        return None
    groups: list[list[Word]] = []
    for word in words:
        if groups and word.x0 < max(w.x1 for w in groups[-1]) - 0.5:
            groups[-1].append(word)
        else:
            groups.append([word])
    pieces = coverage(body)
    gaps = []  # (lines crossing, x0, x1) between groups j and j + 1
    for a, b in itertools.pairwise(groups):
        lo, hi = max(w.x1 for w in a), min(w.x0 for w in b)
        gaps.append(lowest_run(pieces, lo, hi) if hi > lo else (len(body), lo, lo))
    allowed = max(1, round(0.15 * len(body)))
    splits = {j for j, (count, _, _) in enumerate(gaps) if count <= allowed}

    def columns() -> list[list[int]]:
        out: list[list[int]] = [[0]]
        for j in range(len(gaps)):
            if j in splits:
                out.append([j + 1])
            else:
                out[-1].append(j + 1)
        return out

    def text(members: list[int]) -> str:
        return _reading_order([w for j in members for w in groups[j]])

    def weaker(*options: int) -> int:
        return max((j for j in options if j in splits), key=lambda j: (gaps[j][0],
                                                                       gaps[j][1] - gaps[j][2]))

    # A header cell that names two fields holds a gutter: cut it at its least covered gap.
    for members in columns():
        if len(fields_in_header_text(text(members))) >= 2 and len(members) > 1:
            inner = range(members[0], members[-1])
            splits.add(min(inner, key=lambda j: (gaps[j][0], gaps[j][1] - gaps[j][2])))
    changed = True
    while changed and splits:
        changed = False
        cols = columns()
        named = [field_of_header_cell(text(members)) for members in cols]
        for index, members in enumerate(cols):
            left = members[0] - 1 if index > 0 else None
            right = members[-1] if index + 1 < len(cols) else None
            # Two columns whose header words read as one phrase ("Chi tiết" "nhiệm vụ", "Kết
            # quả," "sản phẩm") are one column.
            same = (index > 0 and None not in (named[index], named[index - 1])
                    and len(fields_in_header_text(f"{text(cols[index - 1])} {text(members)}"))
                    <= 1)
            if named[index] is None or same:
                options = [left] if same else [j for j in (left, right) if j is not None]
                splits.discard(weaker(*options))
                changed = True
                break
    cols = columns()
    if len(cols) < 3 or field_of_header_cell(text(cols[0])) != CODE_FIELD:
        return None
    edges = []
    for members in cols[1:]:
        _, x0, x1 = gaps[members[0] - 1]
        edges.append((x0 + x1) / 2)
    return Gutters(edges, [gutter_white(body, edge) for edge in edges])


def _reading_order(words: list[Word]) -> str:
    """Header words as read: rows of equal top (within 1.5 pt), each left to right.

    Not `words_to_lines`: the lines of a centred header cell sit half a line off those of
    its neighbours, and would be taken into one line with them.
    """
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.top):
        if rows and word.top - rows[-1][0].top <= 1.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    return " ".join(w.text for row in rows for w in sorted(row, key=lambda w: w.x0))


def gutter_white(lines: list[Line], edge: float) -> float:
    """How wide the white at `edge` is between neighbouring words in the table's rows.

    The narrowest gap straddling it: the gutter where the cells on both sides are full, or
    a word space of a heading row that spans the columns there, which makes the merging
    rule of `line_to_cells` stricter (a split heading costs less than merged cells).
    """
    gaps = sorted(
        b.x0 - a.x1
        for line in lines
        for a, b in itertools.pairwise(line.words)
        if a.x1 <= edge <= b.x0
    )
    return gaps[0] if gaps else 0.0


def column_of(x: float, edges: list[float]) -> int:
    for i, edge in enumerate(edges):
        if x < edge:
            return i
    return len(edges)


def line_to_cells(line: Line, edges: list[float], span_gap: float,
                  whites: list[float] | None = None) -> list[list[Word]]:
    """The words of a line per column; a phrase that runs across an edge (a merged heading
    cell) stays whole in the column where it starts.

    A phrase runs across when one of its words crosses the edge, when the space before
    the next column's word is narrower than `span_gap` and than the gutter there (`whites`:
    the white width of each gutter, when known), or when both words are bold and the space
    is narrower than `span_gap` (a heading row; the header is read with `span_gap` 0).
    """
    cells: list[list[Word]] = [[] for _ in range(len(edges) + 1)]
    prev: Word | None = None
    prev_col = -1
    for word in line.words:
        col = column_of(word.x0 + min(2.0, word.x1 - word.x0) / 2, edges)
        if prev is not None and col != prev_col:
            limit = span_gap
            if whites is not None and prev_col < len(whites):
                limit = min(span_gap, 0.7 * whites[prev_col])
            crossed = prev_col < len(edges) and prev.x1 > edges[prev_col] + 0.5
            # A bold heading that runs across (rows' cells are seldom both bold).
            heading = prev.bold and word.bold and word.x0 - prev.x1 < span_gap
            if crossed or heading or word.x0 - prev.x1 < limit:
                col = prev_col
        cells[col].append(word)
        prev, prev_col = word, col
    return cells


def lines_to_unruled_table(lines: list[Line], *, edges: list[float] | None = None,
                           left: float | None = None, whites: list[float] | None = None,
                           ) -> tuple[TableFragment, int] | None:
    """A whitespace-aligned table at the start of `lines`, and how many lines it used.

    With `edges` (a table continued from the previous page without a repeated header) the
    columns are reused, with the gutters' `whites` when known; otherwise `lines` must
    start with the header (the "TT" line, or header lines a taller header cell starts
    above it). Columns come from the gutters of the body (`gutter_columns`), or else from
    the header cells' extents moved into the emptiest gap the body words leave.
    """
    if not lines:
        return None
    em = statistics.median(ln.height for ln in lines[: min(len(lines), 40)])
    span_gap = 0.45 * em
    header_count = 0
    anchors: list[float] | None = None
    if edges is None:
        # The "TT" line may come after header lines that a taller header cell starts above it.
        tt_at = next((i for i, ln in enumerate(lines[:4]) if HEADER_FIRST.match(ln.words[0].text)),
                     0)
        tt_word = lines[tt_at].words[0]
        head_end = tt_at + 1
        while head_end < len(lines):
            line = lines[head_end]
            if line.top - lines[head_end - 1].bottom > 1.2 * em:
                break
            first = line.words[0]
            if first.x0 < tt_word.x1 + 0.5 * em and CODE.match(first.text):
                break
            if any(w.bold for w in lines[tt_at].words) and not line.bold:
                break
            head_end += 1
        header = lines[:head_end]
        cells = header_cells(header, gap=0.9 * em)
        left = min(cells[0][0], min((ln.x0 for ln in header), default=cells[0][0])) - 0.5 * em
        found = gutter_columns(header, _table_body(lines[head_end:], header, tt_word, left, em))
        if found is not None:
            edges, whites = found.edges, found.whites
        else:
            if len(cells) < 3:
                return None
            body_words = [w for ln in lines[head_end: head_end + 80] for w in ln.words]
            edges = column_edges(cells, body_words)
        header_count = head_end
    else:
        if left is None:
            left = min(ln.x0 for ln in lines)
        if whites is not None:
            # Columns found by their gutters on an earlier page: seen again on this page's
            # rows, which may come closer to them than the rows there did. The earlier
            # page's edges go on to the next page (`anchors`), so that moves do not add up.
            anchors = list(edges)
            edges, whites = refine_gutters(edges, _continued_body(lines, edges, left, em), em)
    if left is None:
        left = min(ln.x0 for ln in lines)
    rows: list[list[list[Word]]] = []
    header_rows: list[list[list[Word]]] = []
    heading_row = False  # the current row's first line runs across columns (merged cells)
    used = 0
    last_bottom = lines[0].top
    for i, line in enumerate(lines):
        if i < header_count:
            cells_words = line_to_cells(line, edges, 0.0)
            if not header_rows:
                header_rows.append([[] for _ in range(len(edges) + 1)])
            for col, words in enumerate(cells_words):
                header_rows[0][col].extend(words)
            used = i + 1
            last_bottom = line.bottom
            continue
        if line.top - last_bottom > 3 * em or line.x0 < left - em:
            break
        cells_words = line_to_cells(line, edges, span_gap, whites)
        first = cells_words[0]
        if first and len(cells_words) > 1 and any(
            w.x1 > edges[0] for w in first
        ):
            break  # text running from the first column into the second: body text again
        spanning = _runs_across(cells_words, edges)
        if rows and not first and spanning and not heading_row:
            break  # a line across the columns under an ordinary row: body text again
        if rows and not first and line.height > 1.2 * em:
            break  # larger type than the table's, not starting a row: body text again
        if first or not rows:
            rows.append([[] for _ in range(len(edges) + 1)])
            heading_row = spanning
        for col, words in enumerate(cells_words):
            rows[-1][col].extend(words)
        used = i + 1
        last_bottom = line.bottom
    if not rows and not header_rows:
        return None
    rows, number_carried = _rows_at_cell_tops(rows, em)
    all_rows = header_rows + rows
    texts = [[_cell_text(words) for words in row] for row in all_rows]
    boxes = [words_box([w for words in row for w in words]) for row in all_rows]
    fragment = TableFragment(boxes=boxes,
        rows=texts, header=len(header_rows), top=lines[0].top, bottom=last_bottom,
        columns=anchors or list(edges), left=left, right=max(ln.x1 for ln in lines[:used]),
        whites=list(whites) if whites is not None else None, number_carried=number_carried,
    )
    return fragment, used


def _rows_at_cell_tops(rows: list[list[list[Word]]],
                       em: float) -> tuple[list[list[list[Word]]], bool]:
    """Rows that begin where their cells begin, which may be above their number, and
    whether the last row was begun without its number (see below).

    A number centred in its cell (the "TT" column centred vertically) sits lower than the
    row's other cells, whose first lines were taken as the end of the row before. Between
    two numbers, the row begins at the place where no line of any column is and where
    most columns other than the numbers' begin a cell (their line below comes after more
    than the usual leading, or is their first); of equal places, the lowest. Each word of
    the other columns then goes to the row it lies in; the numbers stay.
    """
    numbered = [k for k, row in enumerate(rows) if row[0]]
    if len(numbered) < 2 or len(rows[0]) < 3:
        return rows, False
    columns = len(rows[0])
    by_column = [words_to_lines([w for row in rows for w in row[col]]) for col in range(columns)]
    spans: list[list[float]] = []
    for top, bottom in sorted((ln.top, ln.bottom) for lines in by_column for ln in lines):
        if spans and top < spans[-1][1] - 0.2:
            spans[-1][1] = max(spans[-1][1], bottom)
        else:
            spans.append([top, bottom])
    places = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(spans)]
    gaps = sorted(b.top - a.bottom for lines in by_column for a, b in itertools.pairwise(lines))
    leading = gaps[len(gaps) // 4] if gaps else 0.0

    def starts_below(y: float) -> int:
        count = 0
        for lines in by_column[1:]:  # the numbers are what may sit lower
            below = next((i for i, ln in enumerate(lines) if ln.top > y), None)
            if below is None or lines[below].top - y > 0.6 * em:
                continue
            if below == 0 or lines[below].top - lines[below - 1].bottom > leading + 0.15 * em:
                count += 1
        return count

    tops = [min((w.top for w in row[0]), default=float("-inf")) for row in rows]
    bounds: list[float] = []  # where each row after the first begins
    for k in range(1, len(rows)):
        if not rows[k][0]:
            return rows, False  # a row without a number inside the table: leave them as read
        options = [y for y in places if tops[k - 1] < y <= tops[k]]
        if not options:
            bounds.append(tops[k] - 0.01)
            continue
        bounds.append(max(options, key=lambda y: (starts_below(y), y)))
    out: list[list[list[Word]]] = [[list(row[0])] + [[] for _ in row[1:]] for row in rows]
    lifted = sum(1 for k, b in enumerate(bounds, start=1) if rows[k - 1][0]
                 and tops[k] - b > 0.6 * em)
    centred = lifted >= max(1, len(bounds) // 4)
    carried = False
    if centred and not rows[0][0]:
        filled = sum(1 for col in range(1, columns) if rows[1][col])
        if starts_below(bounds[0]) < max(2, filled // 2):
            # No row begins between the page's top and its first number: the lines above
            # the number are its row's, begun on this page, not a row the break carried.
            bounds[0] = float("-inf")
    if centred:
        # Numbers centred in their rows: a row begun under the page's last number, with
        # most columns starting a cell there, is a row whose number the page break carried
        # to the next page (`stitch_fragments` gives it back).
        filled = sum(1 for col in range(1, columns) if rows[-1][col])
        later = [y for y in places if y > tops[-1] and y > (bounds[-1] if bounds else tops[-1])]
        best = max(later, key=lambda y: (starts_below(y), y), default=None)
        if best is not None and starts_below(best) >= max(2, filled - 1):
            bounds.append(best)
            out.append([[] for _ in range(columns)])
            carried = True
    for row in rows:
        for col in range(1, columns):
            for word in row[col]:
                middle = (word.top + word.bottom) / 2
                index = sum(1 for b in bounds if middle > b)
                out[index][col].append(word)
    carried = carried and any(out[-1])
    return [row for row in out if any(row)], carried


def refine_gutters(edges: list[float], body: list[Line],
                   em: float) -> tuple[list[float], list[float]]:
    """The edges, each that words of `body` cross moved within an em to the least covered
    stretch there, and the white of each.

    An edge learned from the few rows of a table's first page may sit in a gutter wider
    there than on later pages; an edge no word crosses stays where it is.
    """
    pieces = coverage(body)
    moved = []
    for edge in edges:
        crossing = sum(1 for ln in body if any(w.x0 < edge < w.x1 for w in ln.words))
        if crossing:
            count, x0, x1 = lowest_run(pieces, edge - em, edge + em, interior=True)
            if count < crossing:
                edge = (x0 + x1) / 2
        moved.append(edge)
    return moved, [gutter_white(body, e) for e in moved]


def _continued_body(lines: list[Line], edges: list[float], left: float,
                    em: float) -> list[Line]:
    """The lines at the top of a page that go on with a table: as `_table_body`."""
    body: list[Line] = []
    last_bottom = lines[0].top if lines else 0.0
    for line in lines[:150]:
        if line.top - last_bottom > 3 * em or line.x0 < left - em:
            break
        if any(w.x0 < edges[0] < w.x1 for w in line.words):
            break
        body.append(line)
        last_bottom = line.bottom
    return body


def _table_body(lines: list[Line], header: list[Line], tt_word: Word, left: float,
                em: float) -> list[Line]:
    """The lines under a header that belong to the table, for finding its gutters.

    The table ends at a wide vertical gap, at a line starting left of it, or at a line
    whose words cross the gutter right of the "TT" column (body text again: codes stay
    inside that column, and a heading row leaves the gutter after its code white).
    """
    body: list[Line] = []
    last_bottom = lines[0].top if lines else 0.0
    for line in lines[:150]:
        if line.top - last_bottom > 3 * em or line.x0 < left - em:
            break
        body.append(line)
        last_bottom = line.bottom
    if len(body) < 2:
        return body
    # The next header word is centred over the second column: the gutter lies before it.
    after_tt = [w.x0 for ln in header for w in ln.words if w.x0 > tt_word.x1]
    if not after_tt:
        return body
    _, x0, x1 = lowest_run(coverage(body), tt_word.x1, min(after_tt))
    edge = (x0 + x1) / 2
    for index, line in enumerate(body):
        if any(w.x0 < edge < w.x1 for w in line.words):
            return body[:index]
    return body


def _runs_across(cells: list[list[Word]], edges: list[float]) -> bool:
    """Whether a line's cells hold words that start in a later column (a merged cell)."""
    return any(
        column_of(w.x0 + min(2.0, w.x1 - w.x0) / 2, edges) != col
        for col, words in enumerate(cells)
        for w in words
    )


def _cell_text(words: list[Word]) -> str | None:
    """A cell's lines; a line broken after "/" ("1690/" + "QĐ-TTg") is joined back."""
    if not words:
        return None
    return nfc(join_wrapped([ln.text for ln in words_to_lines(words)])) or None


# ---------------------------------------------------------------------------------------
# Pages -> one Table


def row_key(cells: list[str | None]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", " ", c or "").strip().casefold() for c in cells)


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Rows equal up to OCR noise (for repeated headers on scanned pages)."""
    if a == b:
        return True
    import difflib

    sa, sb = " | ".join(a), " | ".join(b)
    return len(sa) > 8 and difflib.SequenceMatcher(None, sa, sb).ratio() > 0.85


def stitch_fragments(prev: Table, frag: TableFragment, fuzzy: bool = False,
                     number_carried: bool = False) -> bool:
    """Append a later page's piece of a table to `prev`: drop a repeated header, and join
    a first row without a number ("TT" cell empty) to the row the page break split.

    With `number_carried` (the piece before ended in a row begun without its number, as
    `TableFragment.number_carried` says), the piece's first row, number and all, is joined
    to that row. Returns False (and changes nothing) when the piece does not continue `prev`.
    """
    if not prev.rows or not frag.rows or len(prev.rows[0]) != len(frag.rows[0]):
        return False
    header_keys = [row_key(r) for r in prev.rows[: prev.header_rows]]

    def is_header(row: list[str | None]) -> bool:
        key = row_key(row)
        return any(key == h or (fuzzy and _similar(key, h)) for h in header_keys)

    # Each row keeps its index in the piece, for the cells it has covered.
    origins = fragment_origins(frag, start=len(prev.rows))
    in_step = len(prev.origins) == len(prev.rows)
    rows = [(k, r) for k, r in enumerate(frag.rows)]
    while rows and is_header(rows[0][1]):
        rows.pop(0)
    rows = [(k, r) for k, r in rows if not is_header(r)]
    last = prev.rows[-1] if len(prev.rows) > prev.header_rows else None
    # The row a page break split goes on without its number, or, when its number is
    # centred in it, its number went to this page and the part above it has none.
    first = rows[0][1] if rows else None
    carried = number_carried and last is not None and not last[0] and bool(first and first[0])
    if last is not None and first is not None and any(first) and (not first[0] or carried):
        k, _ = rows.pop(0)
        for i, text in enumerate(first):
            if text:
                last[i] = f"{last[i]}\n{text}" if last[i] else text
        joined, last_origin = origins[k], prev.origins[-1] if in_step else None
        if joined is not None and last_origin is not None and joined.turn == last_origin.turn:
            last_origin.boxes.extend(joined.boxes)  # the row now spans two pages
    at = {k: len(prev.rows) + n for n, (k, _) in enumerate(rows)}
    prev.covered |= {(at[k], col) for k, col in frag.covered if k in at}
    prev.rows.extend(r for _, r in rows)
    if in_step:
        for n, (k, _) in enumerate(rows):
            origin = origins[k]
            if origin is not None:
                origin.row = len(prev.origins) + n
        prev.origins.extend(origins[k] for k, _ in rows)
    return True


def fragment_origins(frag: TableFragment, start: int = 0) -> list[RowOrigin | None]:
    """Each row's origin: its index in the table from `start` on, its box on its page."""
    # html.py stitches its own Tables here too: they have rows, no boxes.
    boxes = getattr(frag, "boxes", [])
    page = getattr(frag, "page", 0)
    turn = getattr(frag, "turn", 0)
    if len(boxes) != len(frag.rows):
        boxes = [None] * len(frag.rows)
    out: list[RowOrigin | None] = []
    for k, box in enumerate(boxes):
        found = [(page, *(round(v, 1) for v in box))] if box and page else []
        out.append(RowOrigin(row=start + k, boxes=found, turn=turn))  # type: ignore[list-item]
    return out


def fragment_to_table(frag: TableFragment) -> Table:
    return Table(rows=[list(r) for r in frag.rows], header_rows=max(1, frag.header),
                 covered=set(frag.covered), origins=fragment_origins(frag))


def is_page_number(text: str) -> bool:
    """A running page number: "4", "- 4 -", "Trang 4", "4/12"."""
    return bool(re.fullmatch(r"[-–\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–\s]*", text,
                             re.IGNORECASE))
