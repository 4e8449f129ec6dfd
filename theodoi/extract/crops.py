"""The region of a page a task was read from, as a PNG: what a reviewer checks a reading
against. Plain Python: pypdfium2 renders a PDF's page (it came with pdfplumber), Pillow
cuts a scan's image; regions are the (page, x0, top, x1, bottom) boxes in points that the
readers give each row (`document.RowOrigin`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

Region = tuple[int, float, float, float, float]

SCALE = 2.0  # 144 dpi: the page's smallest print stays readable
PAD = 2.0  # points around the row, so that its rules and first letters show
MAX_PAGES_SHOWN = 3  # a row a page break carried over more pages than this is cut short
GAP = 6  # pixels between the pieces of a row on two pages


class NoRegion(Exception):
    """The file cannot be cut at these regions (not a PDF or image, or no such page)."""


def region_png(data: bytes, regions: Sequence[Region], turn: int = 0) -> bytes:
    """The PNG of `regions` of the PDF or image in `data`, the pieces one under another;
    `turn`: the degrees a PDF's pages were turned to be read, as the regions are measured."""
    if not regions:
        raise NoRegion("no region")
    pieces = [_pdf_piece(data, r, turn) if data[:1024].find(b"%PDF-") >= 0
              else _image_piece(data, r) for r in regions[:MAX_PAGES_SHOWN]]
    return _to_png(_stack(pieces))


def _box(region: Region, width: float, height: float, scale: float) -> tuple[int, ...]:
    """The region, padded and kept inside a page of `width` x `height` points, in pixels."""
    _, x0, top, x1, bottom = region
    x0, top = max(0.0, x0 - PAD), max(0.0, top - PAD)
    x1, bottom = min(width, x1 + PAD), min(height, bottom + PAD)
    if x1 - x0 < 1 or bottom - top < 1:
        raise NoRegion(f"region {region} is outside the page")
    return (round(x0 * scale), round(top * scale), round(x1 * scale), round(bottom * scale))


def _pdf_piece(data: bytes, region: Region, turn: int = 0) -> Image:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise NoRegion(f"not a readable PDF: {exc}") from exc
    try:
        if not 1 <= region[0] <= len(pdf):
            raise NoRegion(f"no page {region[0]}")
        page = pdf[region[0] - 1]
        if turn % 360:
            page.set_rotation((page.get_rotation() + turn) % 360)
        width, height = page.get_size()
        box = _box(region, width, height, SCALE)
        bitmap = page.render(scale=SCALE, grayscale=True)
        image = bitmap.to_pil().crop(box)
        bitmap.close()
        page.close()
        return image
    finally:
        pdf.close()


def _image_piece(data: bytes, region: Region) -> Image:
    from PIL import Image, UnidentifiedImageError

    from theodoi.extract.readers.ocr import MAX_PIXELS, image_dpi

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            if not 1 <= region[0] <= getattr(img, "n_frames", 1):
                raise NoRegion(f"no page {region[0]}")
            img.seek(region[0] - 1)
            scale = image_dpi(img) / 72  # the readers' points back to the scan's pixels
            box = _box(region, img.width / scale, img.height / scale, scale)
            return img.convert("L").crop(box)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            EOFError) as exc:
        raise NoRegion(f"not a readable image: {exc}") from exc


def _stack(pieces: list[Image]) -> Image:
    from PIL import Image

    if len(pieces) == 1:
        return pieces[0]
    width = max(p.width for p in pieces)
    height = sum(p.height for p in pieces) + GAP * (len(pieces) - 1)
    out = Image.new("L", (width, height), 160)  # grey between the pages' pieces
    y = 0
    for piece in pieces:
        out.paste(piece, (0, y))
        y += piece.height + GAP
    return out


def _to_png(image: Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
