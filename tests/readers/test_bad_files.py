"""Bad inputs: each raises UnreadableDocument with one Vietnamese line, within bounds."""

from __future__ import annotations

import io
import random
import subprocess
import sys
import textwrap
import zipfile

import pytest
from PIL import Image

from tests.readers.conftest import fixture
from theodoi.extract.readers import UnreadableDocument, read_document, sniff_format
from theodoi.extract.readers.ocr import tesseract_languages

HAS_OCR = "vie" in tesseract_languages()


def minimal_pdf(pages: int, lines_per_page: int = 40) -> bytes:
    """A valid PDF of `pages` text pages in Helvetica (no fonts embedded)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(pages):
        body = "".join(f"BT /F1 10 Tf 50 {780 - 18 * i} Td (Trang {n + 1} dong {i} noi dung "
                       f"ke hoach nhiem vu) Tj ET\n" for i in range(lines_per_page)).encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"endstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def assert_one_line_message(exc: UnreadableDocument) -> str:
    message = str(exc)
    assert message and "\n" not in message
    return message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "rong.pdf"
    path.write_bytes(b"")
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert "rỗng" in assert_one_line_message(info.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(UnreadableDocument):
        read_document(tmp_path / "khong-co.pdf")


def test_a_truncated_pdf_is_refused(tmp_path):
    data = fixture("000_ruled.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert "cắt cụt" in assert_one_line_message(info.value)


def test_a_corrupt_pdf_is_refused(tmp_path):
    data = bytearray(fixture("000_ruled.pdf").read_bytes())
    rng = random.Random(7)  # noqa: S311
    for i in range(1000, len(data) - 2000, 97):  # damage every stream and table
        data[i] = rng.randrange(256)
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert_one_line_message(info.value)


def test_a_pdf_header_with_garbage_after_it_is_refused(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert_one_line_message(info.value)


def test_an_encrypted_pdf_is_refused_with_a_password_message():
    with pytest.raises(UnreadableDocument) as info:
        read_document(fixture("encrypted.pdf"))
    assert "mật khẩu" in assert_one_line_message(info.value)


def test_a_truncated_docx_is_refused(tmp_path):
    data = fixture("000_decision.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert_one_line_message(info.value)


def test_a_zip_that_is_not_a_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(UnreadableDocument):
        read_document(path)


@pytest.mark.slow
def test_a_docx_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    path = tmp_path / "bomb.docx"
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(300):  # 300 MB of spaces, about 300 KB compressed
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    code = textwrap.dedent(f"""
        import sys
        from theodoi.extract.readers import UnreadableDocument, read_document
        try:
            read_document({str(path)!r})
        except UnreadableDocument as exc:
            print("REFUSED", exc)
        # VmHWM, not ru_maxrss: getrusage keeps the parent's peak across exec, and the
        # test process itself grows past the limit in a long run.
        peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
        print("MAXRSS_KB", peak.split()[1])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "REFUSED" in out and "bom nén" in out
    maxrss_kb = int(out.split("MAXRSS_KB")[1])
    assert maxrss_kb < 300 * 1024  # it never expanded the 300 MB member


def _run_limited(code: str, limit_bytes: int = 1024**3) -> str:
    """Run `code` in a fresh interpreter whose address space is capped; its stdout."""
    prelude = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))
    """)
    proc = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
def test_a_200_page_pdf_is_refused_quickly_within_a_gigabyte(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(minimal_pdf(200))
    out = _run_limited(f"""
        import resource
        from theodoi.extract.readers import UnreadableDocument, read_document
        try:
            read_document({str(path)!r})
        except UnreadableDocument as exc:
            print("REFUSED", exc)
        # VmHWM, not ru_maxrss: getrusage keeps the parent's peak across exec, and the
        # test process itself grows past the limit in a long run.
        peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
        print("MAXRSS_KB", peak.split()[1])
    """)
    assert "REFUSED" in out and "200 trang" in out


@pytest.mark.slow
def test_reading_all_200_pages_page_by_page_stays_under_a_gigabyte(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(minimal_pdf(200))
    out = _run_limited(f"""
        import resource
        from theodoi.extract.readers import read_document
        doc = read_document({str(path)!r}, max_pages=500)
        print("PAGES", doc.pages, "BLOCKS", len(doc.blocks))
        # VmHWM, not ru_maxrss: getrusage keeps the parent's peak across exec, and the
        # test process itself grows past the limit in a long run.
        peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
        print("MAXRSS_KB", peak.split()[1])
    """)
    assert "PAGES 200" in out
    assert int(out.split("MAXRSS_KB")[1]) < 1024 * 1024


def test_an_unknown_binary_is_refused(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert "định dạng" in assert_one_line_message(info.value)


def test_formats_are_told_by_content_not_by_name(tmp_path):
    renamed = tmp_path / "quyet-dinh.txt"
    renamed.write_bytes(fixture("000_ruled.pdf").read_bytes())
    assert sniff_format(renamed) == "pdf"
    renamed.write_bytes(fixture("000_decision.docx").read_bytes())
    assert sniff_format(renamed) == "docx"
    renamed.write_bytes(fixture("000_decision.odt").read_bytes())
    assert sniff_format(renamed) == "odt"
    renamed.write_bytes(fixture("000_decision.doc").read_bytes())
    assert sniff_format(renamed) == "doc"


def _photo(path, size=(800, 600)):
    rng = random.Random(3)  # noqa: S311
    img = Image.new("RGB", size)
    pixels = img.load()
    for x in range(size[0]):
        for y in range(size[1]):
            pixels[x, y] = (int(120 + 80 * x / size[0]) + rng.randrange(20),
                            int(90 + 60 * y / size[1]), 60 + rng.randrange(40))
    img.save(path)


@pytest.mark.skipif(not HAS_OCR, reason="Tesseract with Vietnamese data is not installed "
                    "(scripts/setup-system.sh installs it)")
def test_a_photo_that_is_not_a_document_is_refused(tmp_path):
    path = tmp_path / "anh.png"
    _photo(path)
    with pytest.raises(UnreadableDocument) as info:
        read_document(path)
    assert "không phải trang văn bản" in assert_one_line_message(info.value)


def test_without_tesseract_an_image_gets_an_install_hint(tmp_path, monkeypatch):
    from theodoi.extract.readers import ocr

    monkeypatch.setattr(ocr, "tesseract_languages", lambda: frozenset())
    path = tmp_path / "scan.png"
    Image.new("L", (200, 200), 255).save(path)
    with pytest.raises(ocr.OcrUnavailable) as info:
        read_document(path)
    message = assert_one_line_message(info.value)
    assert "Tesseract" in message and "tesseract-ocr-vie" in message


def test_an_unreadable_document_exits_with_status_2_through_the_cli():
    from theodoi.cli import UserError

    assert issubclass(UnreadableDocument, UserError)


# ---------------------------------------------------------------------------------------
# Web pages and converter Markdown


def _extract_fails(path, tmp_path, capsys) -> str:
    """Run `theodoi extract PATH --out OUT`; assert exit 2, one line, nothing written."""
    from theodoi.cli import main

    out = tmp_path / "out.json"
    assert main(["extract", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    message = capsys.readouterr().err.strip()
    assert message and "\n" not in message
    return message


@pytest.mark.parametrize(("name", "data", "words"), [
    ("rong.html", b"", "rỗng"),
    ("trang.html", b"<!DOCTYPE html><html><body>  <div></div> </body></html>", "không có chữ"),
    ("rac.html", bytes(range(256)) * 40, "định dạng"),
    ("rac.md", b"\x00\x01\x02" + bytes(range(256)) * 40, "định dạng"),
    ("sau.html", b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000, "quá sâu"),
    ("bang-rong.md", b"Trang 1\n\n<table></table>\n", "không tìm thấy"),
    ("khong-bang.html", "<html><body><p>Tin tức hôm nay: trời đẹp.</p></body></html>"
     .encode(), "không tìm thấy"),
    ("khong-bang.md", "# Tin tức\n\nHôm nay trời đẹp.\n\n## Thời tiết\n".encode(),
     "không tìm thấy"),
])
def test_a_bad_web_page_or_markdown_file_exits_2_with_one_line(tmp_path, capsys, name, data,
                                                               words):
    path = tmp_path / name
    path.write_bytes(data)
    assert words in _extract_fails(path, tmp_path, capsys)


def flipped_in_stream(source: bytes, member: str, at: float, xor: int = 0x5A) -> bytes:
    """`source` with one byte of `member`'s compressed data flipped, at fraction `at` of it."""
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        info = zf.getinfo(member)
    # The local header: 30 bytes, then the name and the extra field, then the data.
    name_len = int.from_bytes(source[info.header_offset + 26:info.header_offset + 28], "little")
    extra_len = int.from_bytes(source[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    position = start + int(info.compress_size * at)
    damaged = bytearray(source)
    damaged[position] ^= xor
    return bytes(damaged)


@pytest.mark.parametrize("name", ["000_decision.docx", "001_decision.docx", "004_decision.docx"])
def test_damaged_docx_zip_stream_gives_the_clear_error(name, tmp_path):
    source = fixture(name).read_bytes()
    outcomes = set()
    for n, at in enumerate([0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]):
        path = tmp_path / f"hong-{n}.docx"
        path.write_bytes(flipped_in_stream(source, "word/document.xml", at))
        try:
            read_document(path)
        except UnreadableDocument as exc:
            outcomes.add(assert_one_line_message(exc).split(":")[0])
        else:
            outcomes.add("read")
    assert outcomes <= {"Tệp DOCX/ODT bị hỏng hoặc bị cắt cụt",
                        "Tệp DOCX/ODT bị hỏng (thành phần word/document.xml lỗi)"}, outcomes


def test_damaged_docx_zip_exits_2_with_one_line_on_the_command_line(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(flipped_in_stream(fixture("000_decision.docx").read_bytes(),
                                       "word/document.xml", 0.05))  # a zlib.error
    # As the `theodoi` script runs it (python -m would load theodoi.cli twice).
    entry = "import sys; from theodoi.cli import main; sys.exit(main())"
    proc = subprocess.run([sys.executable, "-c", entry, "extract", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
