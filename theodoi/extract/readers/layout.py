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

from theodoi.extract.document import Paragraph, Table
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
    return [(p[0].top, Paragraph("\n".join(nfc(f.text) for f in p))) for p in done]


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
    """Index of the line holding a table header that begins with "TT" / "STT"."""
    for i in range(start, len(lines)):
        words = lines[i].words
        if len(words) >= 3 and HEADER_FIRST.match(words[0].text):
            gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(words)]
            if sum(1 for g in gaps if g > 1.2 * lines[i].height) >= 2:
                return i
    return None


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


def column_of(x: float, edges: list[float]) -> int:
    for i, edge in enumerate(edges):
        if x < edge:
            return i
    return len(edges)


def line_to_cells(line: Line, edges: list[float], span_gap: float) -> list[list[Word]]:
    """The words of a line per column; a phrase that runs across an edge with ordinary
    word spacing (a merged heading cell) stays whole in the column where it starts."""
    cells: list[list[Word]] = [[] for _ in range(len(edges) + 1)]
    prev: Word | None = None
    prev_col = -1
    for word in line.words:
        col = column_of(word.x0 + min(2.0, word.x1 - word.x0) / 2, edges)
        if prev is not None and col != prev_col and word.x0 - prev.x1 < span_gap:
            col = prev_col
        cells[col].append(word)
        prev, prev_col = word, col
    return cells


def lines_to_unruled_table(lines: list[Line], *, edges: list[float] | None = None,
                           left: float | None = None) -> tuple[TableFragment, int] | None:
    """A whitespace-aligned table at the start of `lines`, and how many lines it used.

    With `edges` (a table continued from the previous page without a repeated header) the
    columns are reused; otherwise `lines[0]` must be the "TT" header line.
    """
    if not lines:
        return None
    em = statistics.median(ln.height for ln in lines[: min(len(lines), 40)])
    span_gap = 0.45 * em
    header_count = 0
    if edges is None:
        head_end = 1
        while head_end < len(lines):
            line = lines[head_end]
            if line.top - lines[head_end - 1].bottom > 1.2 * em:
                break
            first = line.words[0]
            if first.x0 < lines[0].words[0].x1 + 0.5 * em and CODE.match(first.text):
                break
            if any(w.bold for w in lines[0].words) and not line.bold:
                break
            head_end += 1
        header = lines[:head_end]
        cells = header_cells(header, gap=0.9 * em)
        if len(cells) < 3:
            return None
        body_words = [w for ln in lines[head_end: head_end + 80] for w in ln.words]
        edges = column_edges(cells, body_words)
        left = min(cells[0][0], min((ln.x0 for ln in header), default=cells[0][0])) - 0.5 * em
        header_count = head_end
    if left is None:
        left = min(ln.x0 for ln in lines)
    rows: list[list[list[Word]]] = []
    header_rows: list[list[list[Word]]] = []
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
        cells_words = line_to_cells(line, edges, span_gap)
        first = cells_words[0]
        if first and len(cells_words) > 1 and any(
            w.x1 > edges[0] for w in first
        ):
            break  # text running from the first column into the second: body text again
        if first or not rows:
            rows.append([[] for _ in range(len(edges) + 1)])
        for col, words in enumerate(cells_words):
            rows[-1][col].extend(words)
        used = i + 1
        last_bottom = line.bottom
    if not rows and not header_rows:
        return None
    all_rows = header_rows + rows
    texts = [[_cell_text(words) for words in row] for row in all_rows]
    fragment = TableFragment(
        rows=texts, header=len(header_rows), top=lines[0].top, bottom=last_bottom,
        columns=list(edges), left=left, right=max(ln.x1 for ln in lines[:used]),
    )
    return fragment, used


def _cell_text(words: list[Word]) -> str | None:
    if not words:
        return None
    lines = words_to_lines(words)
    return nfc("\n".join(ln.text for ln in lines)) or None


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


def stitch_fragments(prev: Table, frag: TableFragment, fuzzy: bool = False) -> bool:
    """Append a later page's piece of a table to `prev`: drop a repeated header, and join
    a first row without a number ("TT" cell empty) to the row the page break split.

    Returns False (and changes nothing) when the piece does not continue `prev`.
    """
    if not prev.rows or not frag.rows or len(prev.rows[0]) != len(frag.rows[0]):
        return False
    header_keys = [row_key(r) for r in prev.rows[: prev.header_rows]]

    def is_header(row: list[str | None]) -> bool:
        key = row_key(row)
        return any(key == h or (fuzzy and _similar(key, h)) for h in header_keys)

    rows = list(frag.rows)
    while rows and is_header(rows[0]):
        rows.pop(0)
    rows = [r for r in rows if not is_header(r)]
    if rows and not rows[0][0] and any(rows[0]) and len(prev.rows) > prev.header_rows:
        cont = rows.pop(0)
        last = prev.rows[-1]
        for i, text in enumerate(cont):
            if text:
                last[i] = f"{last[i]}\n{text}" if last[i] else text
    prev.rows.extend(rows)
    return True


def fragment_to_table(frag: TableFragment) -> Table:
    return Table(rows=[list(r) for r in frag.rows], header_rows=max(1, frag.header))


def is_page_number(text: str) -> bool:
    """A running page number: "4", "- 4 -", "Trang 4", "4/12"."""
    return bool(re.fullmatch(r"[-–\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–\s]*", text,
                             re.IGNORECASE))
