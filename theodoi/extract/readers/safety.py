"""Checks run before a parser touches a file, so that hostile input fails fast and cheaply."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class ZipLimits:
    """How far a zip container (DOCX, ODT, XLSX) may expand before it is refused."""

    members: int
    uncompressed: int
    ratio: int  # XML compresses 5-20x; bombs compress thousands of times
    ratio_min_size: int  # small members may compress well without harm


# A real DOCX of a long decision holds a few MB of XML; images aside, nothing near these.
DOCUMENT_LIMITS = ZipLimits(
    members=5000, uncompressed=256 * 1024 * 1024, ratio=120, ratio_min_size=8 * 1024 * 1024
)
# A task sheet of the largest plan (a few hundred tasks times a hundred agencies) is a few
# MB of XML; openpyxl holds every shared string in memory, so the bound is tighter.
WORKBOOK_LIMITS = ZipLimits(
    members=1000, uncompressed=32 * 1024 * 1024, ratio=120, ratio_min_size=1024 * 1024
)


# What zipfile raises for a damaged archive: a bad directory or header, a truncated file,
# a broken deflate stream (zlib.error, not a BadZipFile), an encrypted member
# (RuntimeError), a name that does not decode, a declared size that lies.
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
    RuntimeError, UnicodeDecodeError, KeyError, OverflowError,
)


def check_zip(
    source: Path | IO[bytes],
    *,
    kind: str = "DOCX/ODT",
    name: str | None = None,
    limits: ZipLimits = DOCUMENT_LIMITS,
) -> None:
    """Refuse a zip (DOCX, ODT, XLSX) that is corrupt or would expand to an unreasonable size.

    The sizes come from the zip's central directory, so nothing is decompressed before
    they are checked; the members are then read with the declared sizes enforced by
    zipfile itself. `kind` and `name` only word the message.
    """
    from theodoi.extract.readers import UnreadableDocument

    named = name or getattr(source, "name", None)
    # The file's name ends the message when there is one (an upload held in memory has none).
    label = Path(str(named)).name if named else ""
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            fits = len(infos) <= limits.members and _sizes_ok(infos, limits)
            bad = zf.testzip() if fits else None
    except ZIP_ERRORS as exc:
        raise UnreadableDocument(f"Tệp {kind} bị hỏng hoặc bị cắt cụt{_named(label)}") from exc
    except NotImplementedError as exc:  # an unsupported compression method or zip version
        raise UnreadableDocument(f"Tệp {kind} dùng kiểu nén không hỗ trợ{_named(label)}") from exc
    if len(infos) > limits.members:
        raise UnreadableDocument(
            f"Tệp {kind} bất thường ({len(infos)} thành phần), từ chối đọc{_named(label)}"
        )
    if not fits:
        raise UnreadableDocument(
            f"Tệp {kind} bất thường: giải nén ra quá lớn (nghi là bom nén), từ chối đọc"
            f"{_named(label)}"
        )
    if bad is not None:
        raise UnreadableDocument(f"Tệp {kind} bị hỏng (thành phần {bad} lỗi){_named(label)}")


def _named(label: str) -> str:
    return f": {label}" if label else ""


def _sizes_ok(infos: list[zipfile.ZipInfo], limits: ZipLimits = DOCUMENT_LIMITS) -> bool:
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.uncompressed:
            return False
        if info.file_size > limits.ratio_min_size and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            return False
    return True
