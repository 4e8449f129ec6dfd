"""Readers: turn a decision file (PDF, DOCX, scan, legacy Word, HTML, Markdown, text) into a
`Document`.

`read_document(path)` looks at the file's first bytes, not only its name, and hands it to
the reader for that format. Every input it cannot read raises `UnreadableDocument`, whose
message is one Vietnamese line fit to show the user.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from theodoi.cli import UserError
from theodoi.extract.document import Document

# Limits that keep a hostile or accidental input from exhausting the machine.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PAGES = 150


class UnreadableDocument(UserError):
    """A file that cannot be read as a decision; str() is a one-line Vietnamese message.

    It is a `UserError`, so the command line prints it as one line and exits with status 2.
    """


PDF = "pdf"
DOCX = "docx"
ODT = "odt"
DOC = "doc"
RTF = "rtf"
IMAGE = "image"
TEXT = "text"
HTML = "html"
MARKDOWN = "markdown"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"BM",  # BMP
    b"GIF87a",
    b"GIF89a",
)


def sniff_format(path: Path) -> str:
    """The format of the file at `path` from its content (PDF, DOCX, ODT, DOC, image, HTML,
    Markdown, text).

    Raises UnreadableDocument for a missing, empty, oversized or unknown file.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(2048)
    except FileNotFoundError:
        raise UnreadableDocument(f"Không tìm thấy tệp: {path}") from None
    except IsADirectoryError:
        raise UnreadableDocument(f"Đây là thư mục, không phải tệp: {path}") from None
    except OSError as exc:
        raise UnreadableDocument(f"Không mở được tệp {path}: {exc.strerror}") from exc
    if size == 0 or not head.strip():
        raise UnreadableDocument(f"Tệp rỗng, không có nội dung: {path.name}")
    if size > MAX_FILE_BYTES:
        raise UnreadableDocument(
            f"Tệp quá lớn ({size // (1024 * 1024)} MB, giới hạn "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB): {path.name}"
        )
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(_OLE_MAGIC):
        return DOC
    if head.startswith(b"{\\rtf"):
        return RTF
    if any(head.startswith(magic) for magic in _IMAGE_MAGICS):
        return IMAGE
    if _looks_like_html(head):
        return HTML  # before the UTF-8 test: a page may be in windows-1258
    if _looks_like_text(head):
        return MARKDOWN if _looks_like_markdown(path) else TEXT
    raise UnreadableDocument(
        f"Không nhận ra định dạng tệp (cần PDF, DOCX, DOC, ODT, HTML, ảnh hoặc văn bản): "
        f"{path.name}"
    )


def _sniff_zip(path: Path) -> str:
    """DOCX or ODT, told apart by the members of the zip."""
    from theodoi.extract.readers.safety import ZIP_ERRORS

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
                if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
                    return ODT
    except (*ZIP_ERRORS, NotImplementedError) as exc:
        raise UnreadableDocument(
            f"Tệp nén (DOCX/ODT) bị hỏng hoặc bị cắt cụt: {path.name}"
        ) from exc
    raise UnreadableDocument(f"Tệp ZIP không phải tài liệu Word (DOCX) hay ODT: {path.name}")


_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html|<head|<body|<meta\b)",
                         re.IGNORECASE)
_HTML_INSIDE = re.compile(rb"<html[\s>]|<body[\s>]", re.IGNORECASE)


def _looks_like_html(head: bytes) -> bool:
    """A web page: starts like one, or an XML/comment prologue is followed by <html>/<body>."""
    return bool(_HTML_START.match(head) or _HTML_INSIDE.search(head[:2048]))


_MARKDOWN_SIGNS = (
    re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M),  # |---|---|
    re.compile(r"^\s*<table[\s>]", re.M | re.IGNORECASE),  # converters' HTML tables
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)


def _looks_like_markdown(path: Path) -> bool:
    """Text from a converter: a pipe-table rule line, an HTML table block, or # headings."""
    with path.open("rb") as fh:
        sample = fh.read(512 * 1024).decode("utf-8", errors="ignore")
    if any(sign.search(sample) for sign in _MARKDOWN_SIGNS):
        return True
    # Scraped page text may carry "# " headings too; its cells stand between "|" lines.
    lone_pipes = len(re.findall(r"^[ \t]*\|[ \t]*$", sample, re.M))
    return len(_MARKDOWN_HEADING.findall(sample)) >= 2 and lone_pipes < 4


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 with a byte order mark
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The 2 KiB sample may end inside a multi-byte character.
        return exc.start >= len(head) - 3
    return True


def read_document(path: str | Path, *, max_pages: int = MAX_PAGES) -> Document:
    """The decision at `path` as a Document, whatever its format.

    Raises UnreadableDocument (one Vietnamese line) for anything it cannot read.
    """
    path = Path(path)
    kind = sniff_format(path)
    if kind == PDF:
        from theodoi.extract.readers.pdf import read_pdf

        return read_pdf(path, max_pages=max_pages)
    if kind == DOCX:
        from theodoi.extract.readers.docx import read_docx

        return read_docx(path)
    if kind in (DOC, ODT, RTF):
        from theodoi.extract.readers.legacy import read_legacy

        return read_legacy(path)
    if kind == IMAGE:
        from theodoi.extract.readers.ocr import read_image

        return read_image(path)
    if kind == HTML:
        from theodoi.extract.readers.html import read_html

        return read_html(path)
    if kind == MARKDOWN:
        from theodoi.extract.readers.markdown import read_markdown

        return read_markdown(path)
    from theodoi.extract.readers.text import read_text

    return read_text(path)


__all__ = ["MAX_PAGES", "UnreadableDocument", "read_document", "sniff_format"]
