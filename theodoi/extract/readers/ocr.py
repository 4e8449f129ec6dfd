"""OCR reader: scanned pages and photos through Tesseract (Vietnamese data), then layout.

    render (pypdfium2, 300 dpi grey) or open the image
    deskew            the small angle that makes text rows sharpest (projection profile)
    find_rules        ruling lines of a table, found as long dark runs
    erase rules       so that Tesseract reads cells, not borders
    tesseract tsv     words with boxes
    grid_to_fragment  words placed in the cells between the rules (spans where a rule is
                      missing); without rules the unruled-table steps of layout.py
    paragraphs        the words outside the table
    correct           confused marks put right by the words around them (ocr_fix.py)

Tesseract is called as the `tesseract` program (Debian `tesseract-ocr` and
`tesseract-ocr-vie`). When it or its Vietnamese data is missing, `OcrUnavailable` says so.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theodoi.extract.document import Document, Paragraph
from theodoi.extract.ocr_fix import correct
from theodoi.extract.readers import MAX_PAGES, UnreadableDocument
from theodoi.extract.readers.layout import (
    CODE,
    TableFragment,
    Word,
    find_unruled_header,
    fragment_to_table,
    fragments_to_paragraphs,
    is_page_number,
    lines_to_fragments,
    lines_to_unruled_table,
    stitch_fragments,
    words_to_lines,
)
from theodoi.extract.text import nfc

DPI = 300
MAX_PIXELS = 60_000_000  # an A3 page at 400 dpi is 31 Mpx
MIN_WORD_CONF = 10
INSTALL_HINT = ("cài Tesseract và dữ liệu tiếng Việt: sudo apt-get install tesseract-ocr "
                "tesseract-ocr-vie (hoặc chạy scripts/setup-system.sh)")


class OcrUnavailable(UnreadableDocument):
    """Tesseract or its Vietnamese data is not installed."""


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """The languages the installed Tesseract can read (empty when it is not installed)."""
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def require_tesseract() -> None:
    """Raise OcrUnavailable unless Tesseract with Vietnamese data can be run."""
    langs = tesseract_languages()
    if not langs:
        raise OcrUnavailable(f"Không thể OCR tài liệu scan: máy chưa cài Tesseract; {INSTALL_HINT}")
    if "vie" not in langs:
        raise OcrUnavailable(
            f"Không thể OCR tài liệu scan: Tesseract thiếu dữ liệu tiếng Việt; {INSTALL_HINT}")


# ---------------------------------------------------------------------------------------
# Entry points


def read_image(path: str | Path, *, max_pages: int = MAX_PAGES) -> Document:
    """A scanned page or photo (PNG, JPEG, TIFF...) as a Document."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    require_tesseract()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    doc = Document(source=path.name)
    try:
        with Image.open(path) as img:
            frames = getattr(img, "n_frames", 1)
            if frames > max_pages:
                raise UnreadableDocument(
                    f"Ảnh có {frames} trang, vượt giới hạn {max_pages} trang: {path.name}")
            open_table = None
            for frame in range(frames):
                img.seek(frame)
                page = img.convert("L")
                if not looks_like_document(page):
                    continue
                items = image_items(page, dpi=image_dpi(img))
                doc.pages += 1
                for item in items:
                    if isinstance(item, TableFragment):
                        item.page = frame + 1
                open_table = _append(items, doc, open_table)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            EOFError) as exc:
        raise UnreadableDocument(f"Tệp ảnh bị hỏng hoặc quá lớn, không đọc được: {path.name}") \
            from exc
    words = sum(len(b.text.split()) for b in doc.paragraphs()) + sum(
        len((c or "").split()) for t in doc.tables() for r in t.rows for c in r)
    if words < 5:
        raise UnreadableDocument(
            f"Ảnh không phải trang văn bản (không nhận ra chữ nào): {path.name}")
    return doc


def ocr_pdf_page(path: Path, index: int) -> list[Paragraph | TableFragment]:
    """The paragraphs and table piece of page `index` of a scanned PDF."""
    import pypdfium2 as pdfium

    require_tesseract()
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width, height = page.get_size()
        scale = DPI / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        pdf.close()
    return image_items(image, dpi=round(72 * scale))


def _append(items: list[Paragraph | TableFragment], doc: Document, open_table: Any) -> Any:
    for i, item in enumerate(items):
        if isinstance(item, TableFragment):
            if i == 0 and open_table is not None and stitch_fragments(open_table, item, True):
                continue
            open_table = fragment_to_table(item)
            doc.blocks.append(open_table)
        else:
            doc.blocks.append(item)
            open_table = None
    return open_table


def image_dpi(img: Any) -> int:
    dpi = img.info.get("dpi")
    try:
        return round(float(dpi[0])) if dpi and float(dpi[0]) >= 70 else DPI
    except (TypeError, ValueError):
        return DPI


def looks_like_document(img: Any) -> bool:
    """A page of text is mostly light paper with some dark ink; a photo is not."""
    small = img.copy()
    small.thumbnail((400, 400))
    hist = small.histogram()
    total = sum(hist) or 1
    light = sum(hist[200:]) / total
    dark = sum(hist[:100]) / total
    return light > 0.55 and 0.002 < dark < 0.35


# ---------------------------------------------------------------------------------------
# One page image


def image_items(img: Any, dpi: int = DPI) -> list[Paragraph | TableFragment]:
    """Paragraphs and the table piece (if any) of one page image, top to bottom."""
    from PIL import Image

    # Row boxes are given in points of the page, as a PDF's are: pixels at `dpi`.
    points = 72 / dpi
    if dpi < 250:  # Tesseract reads diacritics better on larger glyphs
        factor = 300 / dpi
        points = 72 / 300
        img = img.resize((round(img.width * factor), round(img.height * factor)),
                         Image.Resampling.LANCZOS)
    img = deskew(img)
    rules = find_rules(img)
    if rules.rows and rules.cols:
        img = erase_rules(img, rules)
        rules.image = img
    words = tesseract_words(img)
    words = [w for w in words if not is_page_number(w.text) or w.top > 0.09 * img.height]
    items: list[tuple[float, Paragraph | TableFragment]] = []
    rest = words
    if rules.rows and len(rules.cols) >= 3:
        frag, rest = grid_to_fragment(words, rules)
        if frag is not None:
            items.append((frag.top, frag))
    lines = words_to_lines(rest)
    lines = [ln for ln in lines if not (
        (ln.top < 0.09 * img.height or ln.bottom > 0.91 * img.height) and is_page_number(ln.text))]
    if not (rules.rows and len(rules.cols) >= 3):
        start = find_unruled_header(lines)
        if start is not None:
            found = lines_to_unruled_table(lines[start:])
            if found is not None:
                frag, used = found
                items.append((frag.top, frag))
                lines = lines[:start] + lines[start + used:]
    if lines:
        left = min(ln.x0 for ln in lines)
        right = max(ln.x1 for ln in lines)
        for top, para in fragments_to_paragraphs(lines_to_fragments(lines), left, right):
            if sum(c.isalnum() for c in para.text) >= 4:  # specks read as letters
                items.append((top, para))
    items.sort(key=lambda it: it[0])
    for _, item in items:
        if isinstance(item, TableFragment):
            item.boxes = [tuple(v * points for v in box) if box else None  # type: ignore[misc]
                          for box in item.boxes]
    return [corrected(it) for _, it in items]


def _stray_bracket(cell: str) -> str:
    """The cell without an opening bracket that never closes in it: a speck of the rule
    beside the cell read as "(" ("(Cục Chuyển đổi số quốc gia")."""
    stripped = cell.lstrip()
    if stripped.startswith("(") and ")" not in stripped:
        return stripped[1:].lstrip()
    return cell


def corrected(item: Paragraph | TableFragment) -> Paragraph | TableFragment:
    """The item with its text put right by `ocr_fix.correct` (confused marks, capitals)."""
    if isinstance(item, TableFragment):
        item.rows = [[correct(_stray_bracket(c)) if c else c for c in row] for row in item.rows]
    else:
        item.text = correct(item.text)
    return item


def deskew(img: Any, max_angle: float = 3.0) -> Any:
    """The image turned by the small angle at which its text rows line up best."""
    from PIL import Image, ImageOps

    small = ImageOps.invert(img.copy())
    small.thumbnail((1000, 1000))

    def sharpness(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        profile = list(turned.resize((1, turned.height), Image.Resampling.BOX).get_flattened_data())
        mean = sum(profile) / len(profile)
        return sum((v - mean) ** 2 for v in profile)

    best, best_score = 0.0, sharpness(0.0)
    steps = int(max_angle / 0.1)
    for i in range(-steps, steps + 1):
        angle = i * 0.1
        if i == 0:
            continue
        score = sharpness(angle)
        if score > best_score:
            best, best_score = angle, score
    if abs(best) < 0.05:
        return img
    return img.rotate(best, resample=Image.Resampling.BICUBIC, fillcolor=255)


@dataclass
class Rules:
    """Ruling lines found on a page image: y of horizontal rules, x of vertical ones."""

    rows: list[int]
    cols: list[int]
    mask: Any = None
    gray: Any = None
    image: Any = None
    left: int = 0
    right: int = 0


def _dark_mask(img: Any) -> Any:
    return img.point(lambda v: 255 if v < 140 else 0)


def _runs(profile: list[float], threshold: float) -> list[int]:
    """Centres of runs of consecutive positions whose value is above `threshold`."""
    centres, start = [], None
    for i, value in enumerate([*profile, 0.0]):
        if value > threshold and start is None:
            start = i
        elif value <= threshold and start is not None:
            centres.append((start + i - 1) // 2)
            start = None
    return centres


def find_rules(img: Any) -> Rules:
    """Table rules: horizontal dark runs over a third of the width, vertical ones over
    most of the table's height."""
    from PIL import Image

    mask = _dark_mask(img)
    w, h = mask.size
    k = max(8, w // 60)
    # Averaging k pixels along a row keeps only long horizontal strokes near full black.
    across = mask.resize((max(1, w // k), h), Image.Resampling.BOX).point(
        lambda v: 255 if v > 200 else 0)
    row_cover = list(across.resize((1, h), Image.Resampling.BOX).get_flattened_data())
    rows = _runs([v / 255 for v in row_cover], 0.30)
    if len(rows) < 2:
        return Rules([], [])
    top, bottom = rows[0], rows[-1]
    region = mask.crop((0, top, w, bottom + 1))
    kv = max(8, (bottom - top) // 40)
    down = region.resize((w, max(1, (bottom - top) // kv)), Image.Resampling.BOX).point(
        lambda v: 255 if v > 200 else 0)
    col_cover = list(down.resize((w, 1), Image.Resampling.BOX).get_flattened_data())
    cols = _runs([v / 255 for v in col_cover], 0.5)
    if len(cols) < 2:
        return Rules(rows, [])
    return Rules(rows, cols, mask=mask, gray=img, left=cols[0], right=cols[-1])


def erase_rules(img: Any, rules: Rules) -> Any:
    """The image with its table rules painted white (vertical ones only where drawn)."""
    from PIL import ImageDraw

    img = img.copy()
    draw = ImageDraw.Draw(img)
    t = max(3, img.width // 500)
    for y in rules.rows:
        draw.rectangle((rules.left - t, y - t, rules.right + t, y + t), fill=255)
    bands = list(itertools.pairwise(rules.rows))
    for x in rules.cols:
        for y0, y1 in bands:
            # Where a merged cell covers the rule's place, erasing would cut its letters.
            if x in (rules.left, rules.right) or _rule_present(rules, x, y0, y1):
                draw.rectangle((x - t, y0 - t, x + t, y1 + t), fill=255)
    return img


def _rule_present(rules: Rules, x: int, y0: int, y1: int) -> bool:
    """Whether the vertical rule at x is drawn between y0 and y1 (else the cells merge).

    A rule darkens almost every pixel row of the band near x; letters crossing x only some.
    """
    if y1 - y0 < 12 or rules.gray is None:
        return True
    strip = rules.gray.crop((x - 4, y0 + 5, x + 5, y1 - 5))
    width = strip.width
    data = list(strip.get_flattened_data())
    rows = [data[i: i + width] for i in range(0, len(data), width)]
    dark = sum(1 for row in rows if min(row) < 170)
    return dark > 0.85 * len(rows)


def grid_to_fragment(words: list[Word], rules: Rules) -> tuple[TableFragment | None, list[Word]]:
    """Words placed in the ruled cells; the words outside the table are returned apart."""
    inside, outside = [], []
    for word in words:
        yc = (word.top + word.bottom) / 2
        if rules.rows[0] <= yc <= rules.rows[-1] and rules.left <= word.xc <= rules.right:
            inside.append(word)
        else:
            outside.append(word)
    bands = list(zip(rules.rows, rules.rows[1:], strict=False))
    ncols = len(rules.cols) - 1
    cells: list[list[list[Word]]] = [[[] for _ in range(ncols)] for _ in bands]
    spans: list[list[int]] = []  # for each band, the starting column of each column
    for y0, y1 in bands:
        starts, current = [], 0
        for j in range(ncols):
            if j > 0 and not _rule_present(rules, rules.cols[j], y0, y1):
                starts.append(current)
            else:
                current = j
                starts.append(j)
        spans.append(starts)
    for word in inside:
        yc = (word.top + word.bottom) / 2
        band = next((i for i, (y0, y1) in enumerate(bands) if y0 <= yc <= y1), None)
        col = next((j for j in range(ncols) if rules.cols[j] <= word.xc <= rules.cols[j + 1]),
                   None)
        if band is None or col is None:
            continue
        cells[band][spans[band][col]].append(word)
    rows = []
    boxes: list[tuple[float, float, float, float] | None] = []
    for index, band_cells in enumerate(cells):
        texts = [_words_text(ws) for ws in band_cells]
        first = texts[0] or ""
        if index > 0 and rules.image is not None and spans[index][1] == 1 and (
                not first or re.search(r"\d", first) or CODE.match(first)):
            y0, y1 = bands[index]
            box = (rules.cols[0], y0, rules.cols[1], y1)
            texts[0] = better_number(_read_number_cell(rules.image, box), texts[0])
        if any(texts):
            rows.append(texts)
            boxes.append((rules.left, bands[index][0], rules.right, bands[index][1]))
    if not rows:
        return None, outside
    frag = TableFragment(rows=rows, header=1, top=rules.rows[0], bottom=rules.rows[-1],
                         left=rules.left, right=rules.right, boxes=boxes)
    return frag, outside


def better_number(alone: str | None, on_page: str | None) -> str | None:
    """The number cell read alone, unless the page's reading is the same number with the dots
    that the lone reading lost ("9.1" on the page, "91" alone): dots are what gets lost."""
    if not alone:
        return on_page
    page = (on_page or "").strip()
    if page and CODE.match(page) and "." in page and page.replace(".", "").rstrip() == \
            alone.replace(".", "").rstrip() and page.count(".") > alone.count("."):
        return page
    return alone


def _words_text(words: list[Word]) -> str | None:
    if not words:
        return None
    return nfc("\n".join(ln.text for ln in words_to_lines(words))) or None


def _read_number_cell(img: Any, box: tuple[int, int, int, int]) -> str | None:
    """The row number ("1.1", "IV", "a") in the first cell, read again on its own as one
    line of numbering characters: on a full page Tesseract often loses "2" or the dot of
    "1.1"."""
    pad = 6
    x0, y0, x1, y1 = box
    crop = img.crop((x0 + pad, y0 + pad, x1 - pad, y1 - pad))
    if crop.width < 8 or crop.height < 8 or crop.getextrema()[0] > 150:
        return None  # blank cell
    options = ["--psm", "6", "-c", "tessedit_char_whitelist=0123456789.IVXLABCDEFGHabcdefghđĐ"]
    text = _run_tesseract(crop, options, "txt").strip().split("\n")[0].strip()
    if re.fullmatch(r"\d{2,3}", text) and "eng" in tesseract_languages():
        # The Vietnamese model drops the dot of "9.1" that the English one keeps (but reads
        # "1" as "I"): the English reading is taken only when it is the same digits, dotted.
        other = _run_tesseract(crop, ["--psm", "6", "-c", "tessedit_char_whitelist=0123456789."],
                               "txt", "eng").strip().split("\n")[0].strip()
        if "." in other and other.replace(".", "") == text and CODE.match(other):
            text = other
    return text if CODE.match(text) else None


# ---------------------------------------------------------------------------------------
# Tesseract


def tesseract_words(img: Any) -> list[Word]:
    """Tesseract's words (Vietnamese) with their boxes, in image pixels."""
    return tsv_to_words(_run_tesseract(img, ["--psm", "3"], "tsv"))


def _run_tesseract(img: Any, options: list[str], output: str, lang: str = "vie") -> str:
    require_tesseract()
    with tempfile.TemporaryDirectory(prefix="theodoi-ocr-") as tmp:
        src = Path(tmp) / "page.png"
        img.save(src)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        args = ["tesseract", str(src), "stdout", "-l", lang, "--dpi", str(DPI), *options]
        if output == "tsv":
            args.append("tsv")
        try:
            proc = subprocess.run(args, capture_output=True, timeout=300, check=False, env=env)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument("OCR quá lâu trên một trang, đã dừng") from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableDocument("OCR thất bại: " + (detail[-1] if detail else "lỗi Tesseract"))
    return proc.stdout.decode("utf-8", "replace")


def tsv_to_words(tsv: str) -> list[Word]:
    """Words from Tesseract's TSV output (level 5 rows with text)."""
    words = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            conf = float(row["conf"])
            left, top = int(row["left"]), int(row["top"])
            width, height = int(row["width"]), int(row["height"])
        except (KeyError, ValueError):
            continue
        if conf < MIN_WORD_CONF and not any(c.isalnum() for c in text):
            continue
        if text in {"|", "||", "—", "_", "__", "[", "]"}:
            continue  # pieces of a rule read as characters
        words.append(Word(nfc(text), left, left + width, top, top + height))
    if words:
        # Tall boxes (a word with stacked diacritics) are trimmed to the usual height, so
        # that lines group by their body, not their accents.
        usual = statistics.median(w.height for w in words)
        for w in words:
            if w.height > 1.6 * usual:
                w.top = w.bottom - 1.2 * usual
    return words
