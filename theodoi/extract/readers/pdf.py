"""PDF reader (pdfplumber): ruled and unruled tables, body paragraphs, scanned pages.

Page by page (each page's parse is freed before the next, so memory stays flat):

    page_upright        a page whose text runs sideways is re-read with the rotation that
                        makes its characters upright (/Rotate or a rotated content stream)
    page_to_words       characters -> words (NFC), running page numbers dropped
    ruled tables        pdfplumber's `find_tables` on the ruling lines
    unruled tables      a "TT ..." header row, columns learned from it (layout.py)
    paragraphs          the words outside tables (layout.py)
    stitch              a table continued on the next page is joined into one Table

A page with no text layer but an image is handed to the OCR reader.
"""

from __future__ import annotations

import contextlib
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
        _place(items, doc, state, fuzzy=True)
        return
    if not chars:
        return
    page = page_upright(pdf, page, index, doc)
    size = (round(page.width), round(page.height))
    if size != state.page_size:
        # A table does not run on into a page of another size or orientation.
        state.unruled_edges = None
        state.open_table = None
        state.page_size = size
    items = page_items(page, state)
    _place(items, doc, state, fuzzy=False)


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
                prev.text += "\n" + item.text  # a paragraph that a page break split
            else:
                doc.blocks.append(item)
            state.open_table = None
            state.unruled_edges = None
            state.number_carried = False


def continues_paragraph(before: str, after: str) -> bool:
    """Whether text at the top of a page goes on with the paragraph ending the last page."""
    last_line = before.rsplit("\n", 1)[-1].rstrip()
    if not last_line or last_line[-1] in ".;:!?)”\"":
        return False
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
    ruled = [t for t in page.find_tables(RULED_SETTINGS) if _real_table(t)]
    fragments: list[TableFragment] = []
    for table in ruled:
        rows = [[_clean(c) for c in row] for row in table.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            x0, top, x1, bottom = table.bbox
            fragments.append(TableFragment(rows=rows, header=1, top=top, bottom=bottom,
                                           left=x0, right=x1))
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


def _real_table(table: Any) -> bool:
    """A ruled table with at least two columns and two rows (not a lone box or rule)."""
    rows = table.rows
    return len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2


def _clean(cell: str | None) -> str | None:
    if cell is None:
        return None
    text = nfc(cell).strip()
    return text or None
