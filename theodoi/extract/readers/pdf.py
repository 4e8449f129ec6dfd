"""PDF reader (pdfplumber): ruled and unruled tables, body paragraphs, scanned pages.

Page by page (each page's parse is freed before the next, so memory stays flat):

    page_upright        a page whose text runs sideways is re-read with the rotation that
                        makes its characters upright (/Rotate or a rotated content stream)
    page_to_words       characters -> words (NFC), running page numbers dropped
    open_row_rules      the rules a page break left undrawn under (or over) a split row
    ruled tables        pdfplumber's `find_tables` on the ruling lines; `table_to_cells`
                        puts each word in the cell it begins in, marks the cells a merged
                        cell above covers and joins the lines a column wrapped (`unwrap_cell`)
    unruled tables      a "TT ..." header row, columns learned from it (layout.py)
    paragraphs          the words outside tables (layout.py)
    stitch              a table continued on the next page is joined into one Table

A page with no text layer but an image is handed to the OCR reader.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import statistics
from pathlib import Path
from typing import Any

from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.readers.layout import (
    Line,
    TableFragment,
    Word,
    find_unruled_header,
    fragment_to_table,
    fragments_to_paragraphs,
    header_block,
    is_page_number,
    join_wrapped,
    lines_to_fragments,
    lines_to_unruled_table,
    stitch_fragments,
    words_to_lines,
)
from theodoi.extract.text import nfc

MIN_TEXT_CHARS = 20  # fewer characters than this on a page with an image: a scan

RULED_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "intersection_tolerance": 3}


def read_pdf(path: str | Path, *, max_pages: int | None = None, ocr: bool = True) -> Document:
    """The PDF at `path` as a Document; raises UnreadableDocument when it cannot be read."""
    from theodoi.extract.readers import MAX_PAGES, UnreadableDocument

    path = Path(path)
    max_pages = MAX_PAGES if max_pages is None else max_pages
    _check_complete(path)
    pdf = _open(path)
    try:
        try:
            count = len(pdf.pages)
        except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
            raise UnreadableDocument(f"Tệp PDF bị hỏng, không đọc được các trang: {path.name}") \
                from exc
        if count == 0:
            raise UnreadableDocument(f"Tệp PDF không có trang nào: {path.name}")
        if count > max_pages:
            raise UnreadableDocument(
                f"Tệp PDF có {count} trang, vượt giới hạn {max_pages} trang; hãy tách phần "
                f"quyết định và phụ lục ra tệp riêng: {path.name}"
            )
        doc = Document(source=path.name, pages=count)
        state = _State()
        for index in range(count):
            page = pdf.pages[index]
            try:
                _read_page(pdf, page, index, path, doc, state, ocr)
            except UnreadableDocument:
                raise
            except Exception as exc:
                raise UnreadableDocument(
                    f"Tệp PDF bị hỏng ở trang {index + 1}, không đọc được: {path.name}"
                ) from exc
            finally:
                page.close()
    finally:
        with contextlib.suppress(Exception):  # closing walks the pages again
            pdf.close()
    if not any(_has_text(b) for b in doc.blocks):
        raise UnreadableDocument(f"Tệp PDF không có chữ nào đọc được: {path.name}")
    return doc


def _has_text(block: Paragraph | Table) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(c for row in block.rows for c in row)


def _check_complete(path: Path) -> None:
    """Refuse a PDF that was cut short (its end-of-file marker is missing)."""
    from theodoi.extract.readers import UnreadableDocument

    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise UnreadableDocument(f"Tệp PDF bị cắt cụt (thiếu phần cuối tệp): {path.name}")


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    from theodoi.extract.readers import UnreadableDocument

    try:
        return pdfplumber.open(path)
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors: look at what is inside.
        inner = [exc, exc.__cause__, *(a for a in exc.args if isinstance(a, BaseException))]
        if any(isinstance(e, PDFPasswordIncorrect) for e in inner):
            raise UnreadableDocument(
                f"Tệp PDF được bảo vệ bằng mật khẩu, không đọc được: {path.name}") from exc
        if any(isinstance(e, PDFEncryptionError) for e in inner):
            raise UnreadableDocument(
                f"Tệp PDF mã hóa theo cách không hỗ trợ, không đọc được: {path.name}") from exc
        raise UnreadableDocument(f"Tệp PDF bị hỏng, không mở được: {path.name}") from exc


class _State:
    """What the previous page left open: a table that may continue."""

    def __init__(self) -> None:
        self.open_table: Table | None = None
        self.unruled_edges: list[float] | None = None
        self.unruled_left: float | None = None
        self.unruled_whites: list[float] | None = None
        self.number_carried = False  # the open table's last row awaits its number
        self.page_size: tuple[float, float] = (0.0, 0.0)


def _read_page(pdf: Any, page: Any, index: int, path: Path, doc: Document, state: _State,
               ocr: bool) -> None:
    chars = page.chars
    if len(chars) < MIN_TEXT_CHARS and page.images:
        if not ocr:
            doc.warnings.append(f"trang {index + 1}: ảnh quét, bỏ qua (không OCR)")
            return
        from theodoi.extract.readers.ocr import ocr_pdf_page

        items = ocr_pdf_page(path, index)
        _number_pieces(items, index + 1)
        _place(items, doc, state, fuzzy=True)
        return
    if not chars:
        return
    upright = page_upright(pdf, page, index, doc)
    size = (round(upright.width), round(upright.height))
    if size != state.page_size:
        # A table does not run on into a page of another size or orientation.
        state.unruled_edges = None
        state.open_table = None
        state.page_size = size
    items = page_items(upright, state)
    # A page read turned is measured turned: a crop of it is drawn turned the same.
    _number_pieces(items, index + 1, turn=(upright.rotation - page.rotation) % 360)
    _place(items, doc, state, fuzzy=False)


def _number_pieces(items: list[Paragraph | TableFragment], page: int, turn: int = 0) -> None:
    """Table pieces told the page their row boxes lie on, and how it was turned to read."""
    for item in items:
        if isinstance(item, TableFragment):
            item.page, item.turn = page, turn


def _place(items: list[Paragraph | TableFragment], doc: Document, state: _State,
           fuzzy: bool) -> None:
    """Append a page's items to the document, continuing an open table if one continues."""
    for i, item in enumerate(items):
        if isinstance(item, TableFragment):
            if i == 0 and state.open_table is not None and stitch_fragments(
                state.open_table, item, fuzzy=fuzzy, number_carried=state.number_carried
            ):
                pass
            else:
                table = fragment_to_table(item)
                doc.blocks.append(table)
                state.open_table = table
            state.number_carried = item.number_carried
            if item.columns:
                state.unruled_edges, state.unruled_left = item.columns, item.left
                state.unruled_whites = item.whites
            else:
                state.unruled_edges = None
        else:
            prev = doc.blocks[-1] if doc.blocks else None
            if i == 0 and isinstance(prev, Paragraph) and continues_paragraph(prev.text, item.text):
                prev.text = join_wrapped([prev.text, item.text])  # split by a page break
            else:
                doc.blocks.append(item)
            state.open_table = None
            state.unruled_edges = None
            state.number_carried = False


_ITEM_START = re.compile(r"^([-–+•]\s|\d{1,3}(\.\d{1,3})*[.)]\s|[a-zđ]\)\s|[IVXL]{1,6}\.\s)")


def continues_paragraph(before: str, after: str) -> bool:
    """Whether text at the top of a page goes on with the paragraph ending the last page."""
    last_line = before.rsplit("\n", 1)[-1].rstrip()
    if not last_line or last_line[-1] in ".;:!?)”\"":
        return False
    if _ITEM_START.match(after):
        return False  # a bullet or a numbered item begins (a heading may end the page)
    return after[:1].islower() or len(last_line) >= 60


# ---------------------------------------------------------------------------------------
# Rotation


def _mostly_upright(chars: list[dict]) -> bool:
    good = sum(1 for c in chars if c.get("upright") and c["matrix"][0] > 0)
    return good >= 0.6 * len(chars)


def page_upright(pdf: Any, page: Any, index: int, doc: Document) -> Any:
    """The page re-read with the rotation under which most characters stand upright."""
    if _mostly_upright(page.chars):
        return page
    import pdfplumber.page

    page_obj = page.page_obj
    original = page.rotation
    for turn in (90, 270, 180):
        rotation = (original + turn) % 360
        page_obj.rotate = rotation
        page_obj.attrs = {**page_obj.attrs, "Rotate": rotation}
        candidate = pdfplumber.page.Page(pdf, page_obj, page_number=page.page_number,
                                         initial_doctop=page.initial_doctop)
        if candidate.chars and _mostly_upright(candidate.chars):
            doc.warnings.append(f"trang {index + 1}: chữ bị xoay, đã xoay lại {turn}°")
            return candidate
        candidate.close()
    page_obj.rotate = original
    page_obj.attrs = {**page_obj.attrs, "Rotate": original}
    return page


# ---------------------------------------------------------------------------------------
# One page


def page_to_words(page: Any, exclude: list[tuple[float, float, float, float]]) -> list[Word]:
    """The page's words outside the `exclude` boxes (tables), as layout Words."""
    raw = page.extract_words(x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False,
                             use_text_flow=False, extra_attrs=["fontname", "size"])
    words = []
    for w in raw:
        xc, yc = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if any(x0 <= xc <= x1 and top <= yc <= bottom for x0, top, x1, bottom in exclude):
            continue
        words.append(Word(nfc(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"],
                          bold="bold" in w["fontname"].lower()))
    return words


def drop_running_lines(lines: list[Line], page_height: float) -> list[Line]:
    """Lines without page numbers in the top and bottom margins."""
    margin = 0.09 * page_height
    return [ln for ln in lines
            if not ((ln.top < margin or ln.bottom > page_height - margin)
                    and is_page_number(ln.text))]


def page_items(page: Any, state: _State) -> list[Paragraph | TableFragment]:
    """The page's paragraphs and table pieces, top to bottom."""
    settings = {**RULED_SETTINGS, "explicit_horizontal_lines": open_row_rules(page.edges)}
    open_width = len(state.open_table.rows[0]) if state.open_table and state.open_table.rows \
        else None
    ruled = [t for t in page.find_tables(settings) if _real_table(t, open_width)]
    fragments: list[TableFragment] = []
    for table in ruled:
        cells, spanned = table_to_cells(table, page.chars)
        rows: list[list[str | None]] = []
        row_boxes: list[tuple[float, float, float, float] | None] = []
        covered: set[tuple[int, int]] = set()
        for index, row in enumerate(cells):
            if any(row):
                covered |= {(len(rows), col) for r, col in spanned if r == index}
                rows.append(row)
                row_boxes.append(tuple(table.rows[index].bbox))  # type: ignore[arg-type]
        if rows:
            x0, top, x1, bottom = table.bbox
            fragments.append(TableFragment(rows=rows, header=1, top=top, bottom=bottom,
                                           left=x0, right=x1, covered=covered,
                                           boxes=row_boxes))
    boxes = [t.bbox for t in ruled]
    words = page_to_words(page, boxes)
    lines = drop_running_lines(words_to_lines(words), page.height)
    items: list[tuple[float, Paragraph | TableFragment]] = [(f.top, f) for f in fragments]
    rest = _take_unruled_tables(lines, state, items, continuing=not fragments)
    if rest:
        left = min(ln.x0 for ln in rest)
        right = max(ln.x1 for ln in rest)
        frags = lines_to_fragments(rest)
        items.extend(fragments_to_paragraphs(frags, left, right))
    items.sort(key=lambda it: it[0])
    return [it for _, it in items]


def _take_unruled_tables(lines: list[Line], state: _State,
                         items: list[tuple[float, Paragraph | TableFragment]],
                         continuing: bool) -> list[Line]:
    """Remove whitespace-aligned tables from `lines` into `items`; the other lines back."""
    rest: list[Line] = []
    i = 0
    # A table open at the end of the previous page may go on at the top of this one
    # without a repeated header.
    if continuing and state.unruled_edges is not None and lines:
        header_at = find_unruled_header(lines)
        if header_at != 0:
            found = lines_to_unruled_table(lines, edges=state.unruled_edges,
                                           left=state.unruled_left,
                                           whites=state.unruled_whites)
            if found and found[1]:
                frag, used = found
                items.append((frag.top, frag))
                i = used
    while i < len(lines):
        header_at = find_unruled_header(lines, i)
        if header_at is None:
            rest.extend(lines[i:])
            break
        # Header cells taller than the "TT" line's start above it.
        header_at = max(i, header_block(lines, header_at)[0])
        rest.extend(lines[i:header_at])
        found = lines_to_unruled_table(lines[header_at:])
        if found is None:
            rest.append(lines[header_at])
            i = header_at + 1
            continue
        frag, used = found
        items.append((frag.top, frag))
        i = header_at + used
    return rest


def open_row_rules(edges: list[dict]) -> list[dict]:
    """Horizontal rules that close the rows of a ruled table a page break left open.

    A row that breaks across pages is often drawn without its bottom rule on the first
    page and without its top rule on the next: its column rules just stop at the page's
    text edge, and the row would be read as loose words. Where two or more vertical rules
    end at one height (and go on in no other piece), a rule is added along the stretches
    between the first and the last of them where none is drawn.
    """
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= 2]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    by_x: dict[int, list[dict]] = {}
    for edge in verticals:
        by_x.setdefault(round(edge["x0"]), []).append(edge)
    rules: list[dict] = []
    for end, other in (("top", "bottom"), ("bottom", "top")):
        # A rule drawn in pieces, row by row, does not end where its next piece begins.
        ends = [e for e in verticals
                if not any(abs(f["x0"] - e["x0"]) <= 1 and abs(f[other] - e[end]) <= 2
                           for x in range(round(e["x0"]) - 1, round(e["x0"]) + 2)
                           for f in by_x.get(x, []) if f is not e)]
        groups: list[list[dict]] = []
        for edge in sorted(ends, key=lambda e: e[end]):
            if groups and edge[end] - groups[-1][-1][end] <= 1.5:
                groups[-1].append(edge)
            else:
                groups.append([edge])
        for group in groups:
            x0, x1 = min(e["x0"] for e in group), max(e["x0"] for e in group)
            if len(group) < 2 or x1 - x0 < 10:
                continue
            y = statistics.median(e[end] for e in group)
            near = sorted((h["x0"], h["x1"]) for h in horizontals
                          if abs(h["top"] - y) <= RULED_SETTINGS["snap_tolerance"])
            reach = x0
            for a, b in [*near, (x1, x1)]:
                if a - reach > 2:  # a stretch no rule is drawn along
                    rules.append({"object_type": "rule_edge", "orientation": "h",
                                  "x0": reach, "x1": min(a, x1), "top": y, "bottom": y,
                                  "width": min(a, x1) - reach, "height": 0.0})
                reach = max(reach, b)
                if reach >= x1:
                    break
    return rules


def table_to_cells(table: Any, chars: list[dict]) -> tuple[list[list[str | None]],
                                                           set[tuple[int, int]]]:
    """The cell texts of a ruled table, row by row, and the (row, column) of each cell that
    a cell above spans into (which pdfplumber gives as None, like the columns a cell spans
    across).

    Each word goes to the cell its first letter begins in: a word too long for its narrow
    column ("2025-2030") runs over the rule, and its last letters, whose middles lie past
    it, would otherwise be read into the cell beside it.
    """

    rows = table.rows
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
              and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    boxes = [cell for row in rows for cell in row.cells if cell is not None]
    # A letter goes to the cell where it begins, and the letters printed after it on its
    # line without a gap go with it (in the order they were printed: the letters of the
    # next cell may lie under them).
    box_of = {id(c): _box_at(boxes, c["x0"] + min(0.5, (c["x1"] - c["x0"]) / 2),
                             (c["top"] + c["bottom"]) / 2) for c in inside}
    for a, b in itertools.pairwise(inside):
        if (abs(b["x0"] - a["x1"]) < 0.3 and abs(b["top"] - a["top"]) < 1
                and b["text"].strip() and box_of[id(a)] is not None):
            box_of[id(b)] = box_of[id(a)]
    by_box: dict[tuple[float, ...], list[dict]] = {}
    for char in inside:  # spaces too: they part the words of a line
        box = box_of[id(char)]
        if box is not None:
            by_box.setdefault(tuple(box), []).append(char)
    # The cells' padding: the least space between a cell's rule and its text.
    pad = min((min(c["x0"] for c in cs) - box[0] for box, cs in by_box.items()), default=0.0)
    pad = max(0.0, pad)
    lines_of = {box: cell_lines(cs) for box, cs in by_box.items()}
    pitch = usual_pitch(list(lines_of.values()))
    lefts = sorted({cell[0] for cell in table.cells})
    texts: list[list[str | None]] = []
    spanned: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        out: list[str | None] = []
        for c, cell in enumerate(row.cells):
            if cell is None:
                out.append(None)
                row_top = row.bbox[1]
                spanning = _box_at(table.cells, lefts[c] + 0.5, row_top + 0.5)
                if spanning is not None and spanning[1] < row_top - 0.5:
                    spanned.add((r, c))
                continue
            lines = lines_of.get(tuple(cell))
            width = cell[2] - cell[0] - 2 * pad
            out.append(_clean(unwrap_cell(lines, width, pitch)) if lines else None)
        texts.append(out)
    return texts, spanned


def cell_lines(chars: list[dict]) -> list[list[dict]]:
    """A cell's words (pdfplumber's), line by line, left to right."""
    import pdfplumber.utils

    words = sorted(pdfplumber.utils.extract_words(chars), key=lambda w: (w["top"], w["x0"]))
    lines: list[list[dict]] = []
    for word in words:
        if lines and word["top"] <= lines[-1][0]["top"] + 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def usual_pitch(cells: list[list[list[dict]]]) -> float | None:
    """The usual distance from a line of a cell to the next (the lower quarter of all)."""
    pitches = sorted(b[0]["top"] - a[0]["top"] for lines in cells
                     for a, b in itertools.pairwise(lines))
    return pitches[len(pitches) // 4] if pitches else None


def unwrap_cell(lines: list[list[dict]], width: float, pitch: float | None) -> str:
    """A cell's text with the lines its column wrapped joined, the lines it breaks kept.

    A line ends at a wrap when the next line's first word would not have fitted after it
    in the cell's `width`: the text goes on, as in the document the PDF was printed from
    ("Các bộ, ngành, địa phương là chủ quản" + "CSDLQG, CSDL chuyên ngành" is one agency).
    A line that stops short of the width (one agency per line), a line further below than
    the usual `pitch` (a new paragraph of the cell) or a line that begins an item ("- ",
    "2.") starts anew. A wrap after "-" or "/" joins without a space.
    """
    text = ""
    for k, line in enumerate(lines):
        line_text = " ".join(w["text"] for w in line)
        if k == 0:
            text = line_text
            continue
        previous, first = lines[k - 1], line[0]
        space = 0.25 * (first["bottom"] - first["top"])
        needed = previous[-1]["x1"] - previous[0]["x0"] + space + first["x1"] - first["x0"]
        apart = pitch is not None and first["top"] - previous[0]["top"] > pitch + 1.0
        if needed <= width + 0.5 or apart or _ITEM_START.match(line_text):
            text += "\n" + line_text
        elif re.search(r"\S[-/]$", text):
            text += line_text
        else:
            text += " " + line_text
    return text


def _box_at(boxes: list[Any], x: float, y: float) -> Any:
    """The box (x0, top, x1, bottom) that holds the point, or None."""
    return next((b for b in boxes if b[0] <= x < b[2] and b[1] <= y < b[3]), None)


def _real_table(table: Any, open_width: int | None = None) -> bool:
    """A ruled table with at least two columns and two rows (not a lone box or rule); or
    one row as wide as the table the last page left open (its last row, on a page of its
    own), when that is `open_width` columns of three or more."""
    rows = table.rows
    width = max((len(r.cells) for r in rows), default=0)
    if len(rows) == 1:
        return open_width is not None and width == open_width >= 3
    return len(rows) >= 2 and width >= 2


def _clean(cell: str | None) -> str | None:
    """A cell's text in NFC, or None; a line broken after "/" ("Quý IV/" + "2025") joined."""
    if cell is None:
        return None
    text = join_wrapped(nfc(cell).strip().split("\n"))
    return text or None
