"""Legacy Word (.doc), OpenDocument (.odt) and RTF: converted to DOCX by LibreOffice.

LibreOffice runs headless with a throw-away profile (so that parallel runs do not share
one) and a time limit; the DOCX it writes is read by the DOCX reader.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from theodoi.extract.document import Document
from theodoi.extract.readers import UnreadableDocument

TIMEOUT = 180
INSTALL_HINT = ("cài LibreOffice: sudo apt-get install libreoffice-writer-nogui "
                "(hoặc WITH_LIBREOFFICE=1 scripts/setup-system.sh), hoặc lưu tệp thành DOCX/PDF")


def soffice_path() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(path: str | Path) -> Document:
    """A .doc / .odt / .rtf file as a Document, through a DOCX made by LibreOffice."""
    from theodoi.extract.readers.docx import read_docx

    path = Path(path)
    exe = soffice_path()
    if exe is None:
        raise UnreadableDocument(
            f"Không đọc được {path.name}: định dạng cũ (.doc/.odt) cần LibreOffice; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="theodoi-lo-") as tmp:
        work = Path(tmp)
        # LibreOffice picks the filter by the extension: give it a name it understands.
        source = work / f"input{_extension(path)}"
        shutil.copyfile(path, source)
        try:
            proc = subprocess.run(
                [exe, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                 "--norestore", "--convert-to", "docx", "--outdir", str(work / "out"),
                 str(source)],
                capture_output=True, timeout=TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(
                f"LibreOffice chuyển đổi {path.name} quá {TIMEOUT} giây, đã dừng") from exc
        converted = work / "out" / "input.docx"
        if proc.returncode != 0 or not converted.exists():
            raise UnreadableDocument(
                f"LibreOffice không chuyển được {path.name} sang DOCX (tệp hỏng hoặc có mật khẩu)")
        doc = read_docx(converted)
    doc.source = path.name
    return doc


def _extension(path: Path) -> str:
    from theodoi.extract.readers import DOC, ODT, RTF, sniff_format

    kind = sniff_format(path)
    return {DOC: ".doc", ODT: ".odt", RTF: ".rtf"}.get(kind, path.suffix or ".doc")
