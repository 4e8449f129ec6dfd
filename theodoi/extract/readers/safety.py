"""Checks run before a parser touches a file, so that hostile input fails fast and cheaply."""

from __future__ import annotations

import zipfile
from pathlib import Path

# A real DOCX of a long decision holds a few MB of XML; images aside, nothing near these.
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ZIP_RATIO = 120  # XML compresses 5-20x; bombs compress thousands of times
RATIO_MIN_SIZE = 8 * 1024 * 1024  # small members may compress well without harm


def check_zip(path: Path) -> None:
    """Refuse a zip (DOCX, ODT) that is corrupt or would expand to an unreasonable size.

    The sizes come from the zip's central directory, so nothing is decompressed here;
    the members are then read with the declared sizes enforced by zipfile itself.
    """
    from theodoi.extract.readers import UnreadableDocument

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            bad = zf.testzip() if len(infos) <= MAX_ZIP_MEMBERS and _sizes_ok(infos) else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise UnreadableDocument(f"Tệp DOCX/ODT bị hỏng hoặc bị cắt cụt: {path.name}") from exc
    except NotImplementedError as exc:  # an unsupported compression method
        raise UnreadableDocument(f"Tệp DOCX/ODT dùng kiểu nén không hỗ trợ: {path.name}") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableDocument(
            f"Tệp DOCX/ODT bất thường ({len(infos)} thành phần), từ chối đọc: {path.name}"
        )
    if not _sizes_ok(infos):
        raise UnreadableDocument(
            f"Tệp DOCX/ODT bất thường: giải nén ra quá lớn (nghi là bom nén), từ chối đọc: "
            f"{path.name}"
        )
    if bad is not None:
        raise UnreadableDocument(f"Tệp DOCX/ODT bị hỏng (thành phần {bad} lỗi): {path.name}")


def _sizes_ok(infos: list[zipfile.ZipInfo]) -> bool:
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_ZIP_UNCOMPRESSED:
            return False
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            return False
    return True
