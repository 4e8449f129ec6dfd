"""What an evidence file may be: one check for the pages, the API and the services.

The types are documents an agency sends as proof of a task done (a signed decision, a
report, a spreadsheet of figures, a photo or a scan): PDF, Word (DOCX), Excel (XLSX),
OpenDocument text and spreadsheet (ODT, ODS), JPEG and PNG images, plain text and CSV.
A file's extension must be one of them AND its first bytes must be that format, so a
program renamed `bao-cao.pdf` is refused. Not accepted, on purpose:

- ZIP and other archives: they hide what they hold (programs, other archives, bombs)
  from the reader and from the check, and nobody can open one in the browser;
- legacy Word and Excel (DOC, XLS): OLE files carry macros; save them as DOCX/XLSX or PDF;
- HTML, SVG: they run scripts when opened from the site.

Size: at most `EVIDENCE_MAX_BYTES` per file (20 MB unless set), `EVIDENCE_MAX_FILES`
files per report (10).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from theodoi.extract.readers.safety import ZIP_ERRORS

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_FILES = 10

_OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODF = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# Extension -> the label users read; the order is the order of the help text.
ALLOWED: dict[str, str] = {
    "pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "odt": "ODT", "ods": "ODS",
    "jpg": "JPG", "jpeg": "JPG", "png": "PNG", "txt": "TXT", "csv": "CSV",
}
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)  # the file input's `accept` attribute


def max_bytes() -> int:
    """The largest evidence file accepted, in bytes (setting EVIDENCE_MAX_BYTES)."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))


def max_files() -> int:
    """How many evidence files one report may carry (setting EVIDENCE_MAX_FILES)."""
    return int(getattr(settings, "EVIDENCE_MAX_FILES", EVIDENCE_MAX_FILES))


def allowed_labels() -> str:
    """The accepted types as users read them: "PDF, DOCX, ... CSV"."""
    return ", ".join(dict.fromkeys(ALLOWED.values()))


def help_text() -> str:
    """The one line a form shows under its evidence field."""
    return (f"Nhận {allowed_labels()}; mỗi tệp tối đa {_size(max_bytes())}, "
            f"tối đa {max_files()} tệp.")


def _size(size: int, *, up: bool = False) -> str:
    """A size as people read it: "20 MB", "20.1 MB", "800 KB"; rounded up with `up`, so a
    file just over the limit never reads as equal to it."""
    rounding = math.ceil if up else round
    if size < 1024 * 1024:
        return f"{max(1, rounding(size / 1024))} KB"
    tenths = rounding(size * 10 / (1024 * 1024))
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def validate_evidence(files: Iterable[Any]) -> None:
    """Refuse (ValidationError, one Vietnamese line per file) evidence of a type or size
    not accepted; `files` are uploaded files (Django's, which ninja's are too)."""
    files = list(files or [])
    if len(files) > max_files():
        raise ValidationError(f"Tối đa {max_files()} tệp minh chứng cho một báo cáo.")
    problems = [p for p in (_problem(f) for f in files) if p]
    if problems:
        raise ValidationError(problems)


def _problem(upload: Any) -> str | None:
    name = PurePath(str(getattr(upload, "name", "") or "")).name or "(không tên)"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        return f"Tệp «{name}» không được nhận: chỉ nhận tệp {allowed_labels()}."
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes():
        shown = "?" if size is None else _size(size, up=True)
        return f"Tệp «{name}» quá lớn ({shown}; tối đa {_size(max_bytes())})."
    if size == 0:
        return f"Tệp «{name}» rỗng."
    if not _content_is(upload, extension):
        return (f"Tệp «{name}» không phải tệp {ALLOWED[extension]} thật (nội dung không "
                f"khớp đuôi .{extension}).")
    return None


def _content_is(upload: Any, extension: str) -> bool:
    """Whether the file's bytes are of the format its extension names."""
    upload.seek(0)
    try:
        head = upload.read(4096)
        if extension == "pdf":
            return b"%PDF-" in head[:1024]
        if extension in ("jpg", "jpeg"):
            return head.startswith(b"\xff\xd8\xff")
        if extension == "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        if extension in ("txt", "csv"):
            return _is_text(head)
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        return _zip_is(upload, extension)
    finally:
        upload.seek(0)


def _zip_is(upload: Any, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as zf:
            names = set(zf.namelist())
            if extension in _OOXML:
                return "[Content_Types].xml" in names and _OOXML[extension] in names
            if "mimetype" not in names or zf.getinfo("mimetype").file_size > 200:
                return False
            return zf.read("mimetype").strip() == _ODF[extension]
    except (*ZIP_ERRORS, NotImplementedError):  # a damaged zip is not the document
        return False


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte order mark
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end inside a multi-byte character; older files may be in
        # Windows-1258/TCVN3, which are text too as long as no control bytes appear.
        if exc.start >= len(head) - 3:
            return True
        return not any(b < 9 or 13 < b < 32 for b in head)
    return True
