#!/usr/bin/env python3
"""Build the reader test fixtures (tests/data/fixtures/) from the gold plans.

    .venv/bin/python scripts/make_fixtures.py [--only 000,001,004] [--keep-tmp]
    .venv/bin/python scripts/make_fixtures.py --borderless [--only 000,001]

Needs LibreOffice (`soffice`), poppler-utils (`pdftoppm`) and, for a Times-like face,
fonts-liberation2: `WITH_LIBREOFFICE=1 scripts/setup-system.sh`. The borderless PDFs
(`--borderless`, also built first when LibreOffice is missing) need only WeasyPrint.

For each sample plan it writes a DOCX laid out as a Vietnamese administrative document
(Nghị định 30/2020/NĐ-CP: issuing body beside the national motto, number and date line,
"Căn cứ" lines, articles, recipients beside the signer), then the plan's task table in a
landscape section with that plan's columns in that plan's order, section headings as
merged cells, a header row that repeats on every page, rows that break across pages and
one place where the author split the table with a page break and copied the header.
The table rows come from the gold JSON (tests/data/gold); the words around the table
(decision body, section titles, narrative of plan 004) come from the seed texts, which the
gold does not keep. From the DOCX, LibreOffice prints a PDF with ruling lines and one with
the borders removed; one plan also gets a scanned-looking, image-only PDF (pages rendered
at 150 dpi grayscale, slightly rotated, noisy) and a copy whose pages carry /Rotate.
Small extra fixtures: the same decision as ODT and DOC, and a password-protected PDF.
Printed by WeasyPrint from HTML of the same gold rows: `NNN_borderless.pdf`, a task table
with no rules whose columns are 3.6 pt apart (narrower than its justified word spaces),
the header once, rows broken across pages and the decision's text right under the table;
`000_borderless_ragged.pdf`, left-aligned cells 2.4 pt apart, the header on every page;
`001_borderless_centred.pdf`, the "TT" and deadline cells centred vertically.

The output is deterministic apart from the PDF producers' timestamps.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import Image, ImageChops, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
OUT = DATA / "fixtures"

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
QUALITY = 35  # JPEG quality of the scanned fixture

# Column header text -> plan-json field, per plan, in the plan's own column order.
COLUMNS = {
    "000": [("TT", "code"), ("Tên nhiệm vụ", "name"), ("Chi tiết nhiệm vụ", "detail"),
            ("Đơn vị chủ trì", "lead"), ("Đơn vị phối hợp", "partners"),
            ("Thời gian hoàn thành", "deadline"), ("Kết quả, sản phẩm dự kiến", "result")],
    "001": [("TT", "code"), ("Nhiệm vụ", "name"), ("Kết quả thực hiện", "result"),
            ("Thời gian hoàn thành", "deadline"), ("Cơ quan thực hiện", "lead"),
            ("Cơ quan phối hợp", "partners")],
}
# Relative column widths (the TT column narrow, text columns wide).
WIDTHS = {
    "000": [1.0, 4.2, 5.2, 2.6, 4.4, 3.0, 3.6],
    "001": [1.1, 6.0, 5.0, 2.6, 3.4, 3.4],
}
# How a list of agencies is printed: one "- item;" line each, or joined with "; ".
AGENCY_STYLE = {"000": "bullets", "001": "semicolons"}


def gold(prefix: str) -> dict:
    return json.loads(next((DATA / "gold").glob(f"{prefix}_*.json")).read_text("utf-8"))


def seed_lines(prefix: str) -> list[str]:
    text = next((DATA / "seeds").glob(f"{prefix}_*.txt")).read_text("utf-8")
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text)
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


# ---------------------------------------------------------------------------------------
# Words around the table, from the seeds


def reflow(lines: list[str]) -> list[str]:
    """PDF-broken lines joined into paragraphs (a paragraph ends at . ; : or a heading)."""
    paras: list[str] = []
    starters = re.compile(r"^(Căn cứ|Cần cứ|Theo đề nghị|Điều \d|QUYẾT ĐỊNH|- |\d+\. |[IVX]+\. )")
    for line in (x for x in lines if x):
        prev = paras[-1] if paras else ""
        new = (
            not paras
            or starters.match(line)
            or prev.endswith((".", ";", ":", "./."))
            or line.isupper() != prev.isupper()
            or (prev.startswith("Điều ") and len(prev) < 60)
        )
        if new:
            paras.append(line)
        elif prev.endswith("-") and not prev.endswith(" -"):
            paras[-1] = prev + line
        else:
            paras[-1] = prev + " " + line
    return paras


def join_items(lines: list[str]) -> list[str]:
    """The "Nơi nhận:" list: its heading, then one line per "- " item."""
    items: list[str] = []
    for line in lines:
        if line.startswith(("Nơi", "- ")):
            items.append(line)
        elif items and items[-1].startswith("- ") and line and not line.isupper():
            items[-1] += " " + line
        elif items and len(items) > 1:
            break
    return items


def front_000() -> dict:
    lines = seed_lines("000")
    start = lines.index("QUYẾT ĐỊNH")
    recipients = lines.index("Nơi nhận:")
    appendix = lines.index("PHỤ LỤC")
    body = reflow(lines[start:recipients])
    title_idx = next(i for i, p in enumerate(body) if p.startswith("Ban hành"))
    return {
        "issuer_lines": ["BỘ THÔNG TIN VÀ TRUYỀN THÔNG"],
        "number_line": "Số:         /QĐ-BTTTT",
        "date_line": "Hà Nội, ngày      tháng 02 năm 2024",
        "title": body[: title_idx + 1],
        "body": body[title_idx + 1:],
        "recipients": join_items(lines[recipients:appendix]),
        "signer": ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "", "", "", "Nguyễn Huy Dũng"],
        "appendix_head": ["BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "", "PHỤ LỤC",
                          *reflow([x for x in lines[appendix + 1: appendix + 9] if x])],
        "after_table": [],
    }


def front_001() -> dict:
    """Plan 001's decision text comes from 003, the DOCX text of the same decision."""
    lines = [x for x in seed_lines("003") if x]
    recipients = lines.index("Nơi nhận:")
    plan_start = lines.index("KẾ HOẠCH")
    tasks = lines.index("II. NHIỆM VỤ TRIỂN KHAI")
    after = lines.index("III. TỔ CHỨC THỰC HIỆN")
    return {
        "issuer_lines": ["ỦY BAN QUỐC GIA", "VỀ CHUYỂN ĐỔI SỐ"],
        "number_line": "Số: 58/QĐ-UBQGCĐS",
        "date_line": "Hà Nội, ngày 19 tháng 4 năm 2024",
        "title": lines[0:2],
        "body": lines[2:recipients],
        "recipients": [x for x in lines[recipients: plan_start] if x.startswith(("Nơi", "- "))],
        "signer": ["CHỦ TỊCH", "", "", "", "THỦ TƯỚNG", "Phạm Minh Chính"],
        "plan_head": lines[plan_start:tasks + 1],
        "after_table": lines[after:],
    }


def section_titles(prefix: str) -> dict[str, str]:
    """Section heading rows ("I CÔNG TÁC ...", "A Thể chế, chính sách") from the seed."""
    titles: dict[str, str] = {}
    roman = None
    for line in seed_lines(prefix):
        m = re.match(r"^([IVX]+|[A-H]) ([A-ZĐÂÊÔƠƯĂ][^.]*)$", line)
        if not m or len(line) > 120:
            continue
        mark, title = m.groups()
        if set(mark) <= set("IVX") and title.isupper():
            roman = mark
            titles[roman] = title
        elif roman and len(mark) == 1 and mark not in "IVX":
            titles[f"{roman}.{mark}"] = title
    return titles


# ---------------------------------------------------------------------------------------
# DOCX building blocks


def set_cell_text(cell, lines: list[str], *, bold: bool = False, size: int = 12,
                  align=None) -> None:
    cell.text = ""
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.space_before = Pt(0)
        if align is not None:
            p.alignment = align
        run = p.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)


def add_para(doc, text: str, *, bold=False, italic=False, size=14, align=None,
             indent=True, space_after=6) -> None:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent and align is None:
        fmt.first_line_indent = Cm(1.27)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    elif align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)


def page_number_header(section) -> None:
    """Page number centred in the top margin, none on the first page (Nghị định 30)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    fld.append(run)
    p._p.append(fld)


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def layout_table(doc, left: list[tuple[str, bool]], right: list[tuple[str, bool]],
                 widths=None, size=13, left_size=None) -> None:
    """A borderless two-column block (issuer | motto, recipients | signer)."""
    widths = widths or (Cm(6.0), Cm(10.5))
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.autofit = False
    for cell, lines, width, sz in ((table.cell(0, 0), left, widths[0], left_size or size),
                                   (table.cell(0, 1), right, widths[1], size)):
        cell.width = width
        cell.text = ""
        for i, (line, bold) in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            left_aligned = left_size is not None and lines is left
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left_aligned else WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            run = p.add_run(line)
            run.bold = bold
            run.font.size = Pt(sz)
    for col, width in zip(table.columns, widths, strict=False):
        col.width = width


def new_document():
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.font.size = Pt(14)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    page_number_header(sec)
    return doc


def landscape(doc):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(15)
    sec.left_margin, sec.right_margin = Mm(15), Mm(15)
    return sec


def portrait(doc):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    return sec


def decision_pages(doc, front: dict) -> None:
    """Header block, title, body and signature of the decision (portrait pages)."""
    left = [(x, True) for x in front["issuer_lines"]] + [("", False),
                                                         (front["number_line"], False)]
    right = [(MOTTO, True), (MOTTO2, True), ("", False), (front["date_line"], False)]
    layout_table(doc, left, right)
    add_para(doc, "", indent=False)
    title = front["title"]
    add_para(doc, title[0].rstrip(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    for line in title[1:]:
        add_para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    add_para(doc, "", indent=False)
    for para in front["body"]:
        if para.isupper() or para.startswith("QUYẾT ĐỊNH"):
            add_para(doc, para, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            add_para(doc, para)
    recipients = [(x, i == 0) for i, x in enumerate(front["recipients"])]
    signer = [(x, True) for x in front["signer"]]
    layout_table(doc, recipients, signer, widths=(Cm(8.5), Cm(7.5)), size=14, left_size=11)


# ---------------------------------------------------------------------------------------
# The task table, from the gold


def split_code(code: str) -> tuple[str, str]:
    """("III.B", "1.1") from "III.B.1.1": section marks, then the printed row number."""
    parts = code.split(".")
    i = 0
    while i < len(parts) and (set(parts[i]) <= set("IVXL") or re.fullmatch(r"[A-H]", parts[i])):
        i += 1
    return ".".join(parts[:i]), ".".join(parts[i:])


def text_lines(text: str | None) -> list[str]:
    """A gold text field as the paragraphs of a cell: "- a; - b" becomes two lines."""
    if not text:
        return []
    if text.startswith("- "):
        return [x.strip() for x in re.split(r"(?<=[;.:])\s+(?=- )", text)]
    return [text]


def agency_lines(items: list[str], style: str) -> list[str]:
    if not items:
        return ["-"]
    if len(items) == 1:
        return [items[0]]
    if style == "bullets":
        return [f"- {x}{';' if i < len(items) - 1 else '.'}" for i, x in enumerate(items)]
    return ["; ".join(items)]


def is_group_row(task: dict) -> bool:
    return not any(task.get(f) for f in ("detail", "result", "deadline", "lead", "partners"))


def task_table(doc, prefix: str, tasks: list[dict], ruled: bool, split_at: int | None) -> None:
    """The plan's task table; at `split_at` (a task index) a page break and a copied header."""
    columns = COLUMNS[prefix]
    weights = WIDTHS[prefix]
    usable = 267.0  # mm between the landscape margins
    widths = [Mm(usable * w / sum(weights)) for w in weights]
    titles = section_titles(prefix)

    def start_table():
        table = doc.add_table(rows=0, cols=len(columns))
        if ruled:
            table.style = doc.styles["Table Grid"]
        else:
            no_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for col, width in zip(table.columns, widths, strict=False):
            col.width = width
        row = table.add_row()
        repeat_header(row)
        for cell, (head, _), width in zip(row.cells, columns, widths, strict=False):
            cell.width = width
            set_cell_text(cell, [head], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        return table

    def add_row(table, values: list[list[str]], *, merge_from: int | None = None,
                bold=False):
        row = table.add_row()
        cells = row.cells
        for cell, width in zip(cells, widths, strict=False):
            cell.width = width
        if merge_from is not None:
            merged = cells[merge_from].merge(cells[-1])
            set_cell_text(cells[0], values[0], bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
            set_cell_text(merged, values[1], bold=bold)
            return
        for i, (cell, lines) in enumerate(zip(cells, values, strict=False)):
            set_cell_text(cell, lines, bold=bold,
                          align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else None)

    table = start_table()
    current_sections: list[str] = []
    for index, task in enumerate(tasks):
        if split_at is not None and index == split_at:
            p = doc.add_paragraph()
            p.add_run().add_break(WD_BREAK.PAGE)
            table = start_table()
        section, number = split_code(task["code"])
        marks = section.split(".") if section else []
        for depth in range(len(marks)):
            key = ".".join(marks[: depth + 1])
            if key not in current_sections:
                current_sections = [k for k in current_sections if key.startswith(k)] + [key]
                add_row(table, [[marks[depth]], [titles.get(key, key)]], merge_from=1, bold=True)
        if is_group_row(task):
            add_row(table, [[number], [task["name"]]], merge_from=1, bold=True)
            continue
        values = []
        for _, fieldname in columns:
            if fieldname == "code":
                values.append([number])
            elif fieldname in ("lead", "partners"):
                values.append(agency_lines(task[fieldname], AGENCY_STYLE[prefix]))
            else:
                values.append(text_lines(task.get(fieldname)))
        add_row(table, values)


def build_table_plan(prefix: str, ruled: bool) -> docx.document.Document:
    plan = gold(prefix)
    front = front_000() if prefix == "000" else front_001()
    doc = new_document()
    decision_pages(doc, front)
    if "plan_head" in front:
        portrait(doc)
        head = front["plan_head"]
        for line in head[:2]:
            add_para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
        add_para(doc, head[2], italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for line in head[3:-1]:
            add_para(doc, line, bold=bool(re.match(r"^[IVX]+\. ", line)))
    landscape(doc)
    if "appendix_head" in front:
        for line in front["appendix_head"]:
            bold = not line.startswith("(")
            add_para(doc, line, bold=bold, italic=not bold, align=WD_ALIGN_PARAGRAPH.CENTER,
                     space_after=0)
    else:
        add_para(doc, front["plan_head"][-1], bold=True, indent=False)
    add_para(doc, "", indent=False, space_after=0)
    tasks = plan["tasks"]
    task_table(doc, prefix, tasks, ruled, split_at=int(len(tasks) * 0.6))
    if front["after_table"]:
        portrait(doc)
        for line in front["after_table"]:
            add_para(doc, line, bold=bool(re.match(r"^[IVX]+\. ", line)))
    return doc


def build_narrative_plan(prefix: str = "004") -> docx.document.Document:
    """Plan 004: numbered paragraphs (the seed's words), no task table."""
    doc = new_document()
    layout_table(doc, [("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", True)], [(MOTTO, True), (MOTTO2, True)])
    add_para(doc, "", indent=False)
    lines = [x for x in seed_lines(prefix) if x]
    head_end = next(i for i, x in enumerate(lines) if x.startswith("I. "))
    for i, line in enumerate(lines[:head_end]):
        italic = line.startswith("(") or (i > 0 and lines[i - 1].startswith("("))
        add_para(doc, line, bold=not italic, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER,
                 space_after=0)
    add_para(doc, "", indent=False, space_after=0)
    for line in lines[head_end:]:
        heading = bool(re.match(r"^[IVX]+\. ", line))
        add_para(doc, line, bold=heading)
    # Every task of the gold must be a paragraph of its own.
    texts = {re.sub(r"^\d+(\.\d+)*\.\s*", "", x) for x in lines}
    missing = [t["code"] for t in gold(prefix)["tasks"] if t["name"] not in texts]
    if missing:
        raise SystemExit(f"004: gold task names not found as paragraphs: {missing}")
    return doc


# ---------------------------------------------------------------------------------------
# PDFs


def soffice(args: list[str], workdir: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("LibreOffice is needed: WITH_LIBREOFFICE=1 scripts/setup-system.sh")
    profile = workdir / "lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", *args],
                   check=True, capture_output=True, timeout=300)


def to_pdf(docx_path: Path, pdf_path: Path, workdir: Path, filter_opts: str = "") -> None:
    target = "pdf" + (f":writer_pdf_Export:{filter_opts}" if filter_opts else "")
    soffice(["--convert-to", target, "--outdir", str(workdir), str(docx_path)], workdir)
    shutil.move(workdir / (docx_path.stem + ".pdf"), pdf_path)


def scanned_copy(pdf_path: Path, out_path: Path, workdir: Path, seed: int) -> None:
    """An image-only PDF: pages at 150 dpi grayscale, turned by under a degree, with noise.

    To stay small it keeps the decision's first page and the appendix (the task table).
    """
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        keep = [i + 1 for i, page in enumerate(pdf.pages) if i == 0 or page.width > page.height]
    prefix = workdir / "scan"
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf_path), str(prefix)],
                   check=True, timeout=300)
    rng = random.Random(seed)  # noqa: S311 (noise, not secrets)
    pages = []
    for png in sorted(workdir.glob("scan-*.png")):
        if int(png.stem.split("-")[-1]) not in keep:
            continue
        img = Image.open(png).convert("L")
        angle = rng.choice([-1, 1]) * rng.uniform(0.3, 0.9)
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.5))
        img = ImageChops.add(img, Image.effect_noise(img.size, 4), scale=1.0, offset=-128)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=QUALITY, optimize=True)
        pages.append(Image.open(io.BytesIO(buf.getvalue())))
    pages[0].save(out_path, "PDF", save_all=True, append_images=pages[1:], resolution=150.0,
                  quality=QUALITY)


def rotated_copy(pdf_path: Path, out_path: Path) -> None:
    """The same PDF with /Rotate 90 on its landscape pages (text then runs bottom-up)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    for page in pdf:
        width, height = page.get_size()
        if width > height:
            page.set_rotation(90)
    pdf.save(str(out_path))
    pdf.close()


# ---------------------------------------------------------------------------------------
# A borderless table printed tight (WeasyPrint, no LibreOffice needed)

BORDERLESS_CSS = """
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm;
        @top-center { content: counter(page); font: 12pt "Liberation Serif"; } }
@page :first { @top-center { content: none; } }
@page appendix { size: A4 landscape; margin: 16mm 12mm 14mm 12mm;
                 @top-center { content: counter(page); font: 11pt "Liberation Serif"; } }
body { font-family: "Liberation Serif"; font-size: 13pt; line-height: 1.2; }
p { margin: 0 0 5pt 0; text-indent: 1.27cm; text-align: justify; }
p.c { text-align: center; text-indent: 0; }
p.b { font-weight: bold; }
p.i { font-style: italic; }
table.layout { width: 100%; border: none; margin-bottom: 10pt; }
table.layout td { text-align: center; vertical-align: top; font-size: 12.5pt; }
.appendix { page: appendix; break-before: page; }
table.tasks { border-collapse: collapse; width: 100%; table-layout: fixed;
              font-size: 10.5pt; line-height: 1.12; }
table.tasks td { border: none; padding: 0.5pt 1.8pt 3pt 1.8pt; vertical-align: top;
                 text-align: justify; }
table.tasks td.h { font-weight: bold; text-align: center; vertical-align: middle; }
table.tasks td.tt { text-align: center; }
table.tasks td.s { font-weight: bold; }
table.tasks div { margin: 0; }
"""


RAGGED_CSS = "table.tasks td { text-align: left; padding: 0.5pt 1.2pt 3pt 1.2pt; }"
CENTRED_CSS = "table.tasks td.tt, table.tasks td:nth-child(4) { vertical-align: middle; }"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def borderless_html(prefix: str, *, extra_css: str = "", repeat_header: bool = False) -> str:
    """The decision as HTML: its task table with no rules, 3.6 pt between the columns.

    The gutters are narrower than the justified word spaces inside the cells; cells wrap
    over many lines; the header row (cell texts wrapped over two or three lines) is printed
    once, so the pages after the first show only rows; rows break across pages.
    `extra_css` and `repeat_header` make variants (other spacing, alignment, weights).
    """
    plan = gold(prefix)
    front = front_000() if prefix == "000" else front_001()
    columns = COLUMNS[prefix]
    weights = WIDTHS[prefix]
    titles = section_titles(prefix)
    out = ["<html><head><meta charset='utf-8'><style>", BORDERLESS_CSS, extra_css,
           "</style></head><body>"]
    left = "<br>".join(f"<b>{_html(x)}</b>" for x in front["issuer_lines"])
    out.append(f"<table class='layout'><tr><td style='width:38%'>{left}<br>"
               f"{_html(front['number_line'])}</td><td><b>{MOTTO}</b><br><b>{MOTTO2}</b><br>"
               f"<i>{_html(front['date_line'])}</i></td></tr></table>")
    for line in front["title"]:
        out.append(f"<p class='c b'>{_html(line)}</p>")
    for para in front["body"]:
        cls = "c b" if para.isupper() or para.startswith("QUYẾT ĐỊNH") else ""
        out.append(f"<p class='{cls}'>{_html(para)}</p>")
    out.append("<p class='c b'>" + "<br>".join(_html(x) for x in front["signer"] if x) + "</p>")
    out.append("<div class='appendix'>")
    for line in front.get("appendix_head") or front["plan_head"][-1:]:
        if line:
            cls = "c i" if line.startswith("(") else "c b"
            out.append(f"<p class='{cls}'>{_html(line)}</p>")
    out.append("<table class='tasks'><colgroup>")
    out.extend(f"<col style='width:{100 * w / sum(weights):.2f}%'>" for w in weights)
    out.append("</colgroup>")
    head_row = "<tr>" + "".join(f"<td class='h'>{_html(h)}</td>" for h, _ in columns) + "</tr>"
    out.append(f"<thead>{head_row}</thead>" if repeat_header else head_row)
    span = len(columns) - 1

    def row(cells: list[list[str]], bold: bool = False) -> str:
        html = []
        for i, lines in enumerate(cells):
            cls = "tt" if i == 0 else ("s" if bold else "")
            body = "".join(f"<div>{_html(x)}</div>" for x in lines)
            extra = f" colspan='{span}'" if bold and i == 1 else ""
            html.append(f"<td class='{cls}'{extra}>{body}</td>")
        return "<tr>" + "".join(html) + "</tr>"

    current: list[str] = []
    for task in plan["tasks"]:
        section, number = split_code(task["code"])
        marks = section.split(".") if section else []
        for depth in range(len(marks)):
            key = ".".join(marks[: depth + 1])
            if key not in current:
                current = [k for k in current if key.startswith(k)] + [key]
                out.append(row([[marks[depth]], [titles.get(key, key)]], bold=True))
        if is_group_row(task):
            out.append(row([[number], [task["name"]]], bold=True))
            continue
        values = []
        for _, fieldname in columns:
            if fieldname == "code":
                values.append([number])
            elif fieldname in ("lead", "partners"):
                values.append(agency_lines(task[fieldname], AGENCY_STYLE[prefix]))
            else:
                values.append(text_lines(task.get(fieldname)))
        out.append(row(values))
    out.append("</table></div>")
    for line in front["after_table"]:
        cls = "b" if re.match(r"^[IVX]+\. ", line) else ""
        out.append(f"<p class='{cls}'>{_html(line)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def borderless_pdf(prefix: str, out_path: Path, **variant: object) -> None:
    from weasyprint import HTML

    HTML(string=borderless_html(prefix, **variant)).write_pdf(out_path)  # type: ignore[arg-type]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="000,001,004")
    ap.add_argument("--keep-tmp", action="store_true")
    ap.add_argument("--borderless", action="store_true",
                    help="only the tight borderless PDFs (WeasyPrint; no LibreOffice needed)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = args.only.split(",")
    if args.borderless or not (shutil.which("soffice") or shutil.which("libreoffice")):
        for prefix in (p for p in wanted if p in COLUMNS):
            borderless_pdf(prefix, OUT / f"{prefix}_borderless.pdf")
            print(f"{prefix}: borderless PDF")
        if "000" in wanted:
            # Left-aligned cells 2.4 pt apart (narrower than a word space), the header
            # repeated on every page.
            borderless_pdf("000", OUT / "000_borderless_ragged.pdf", repeat_header=True,
                           extra_css=RAGGED_CSS)
            print("000: ragged borderless PDF")
        if "001" in wanted:
            # The "TT" and deadline cells centred vertically: numbers sit mid-row, below
            # the first lines of their rows' other cells, and may go to the next page.
            borderless_pdf("001", OUT / "001_borderless_centred.pdf", extra_css=CENTRED_CSS)
            print("001: borderless PDF, numbers centred vertically")
        if args.borderless:
            return 0
    tmp = Path(tempfile.mkdtemp(prefix="theodoi-fixtures-"))
    try:
        for prefix in wanted:
            if prefix == "004":
                doc = build_narrative_plan(prefix)
                doc.save(OUT / f"{prefix}_decision.docx")
                to_pdf(OUT / f"{prefix}_decision.docx", OUT / f"{prefix}_decision.pdf", tmp)
                continue
            ruled = build_table_plan(prefix, ruled=True)
            ruled.save(OUT / f"{prefix}_decision.docx")
            to_pdf(OUT / f"{prefix}_decision.docx", OUT / f"{prefix}_ruled.pdf", tmp)
            unruled_docx = tmp / f"{prefix}_unruled.docx"
            build_table_plan(prefix, ruled=False).save(unruled_docx)
            to_pdf(unruled_docx, OUT / f"{prefix}_unruled.pdf", tmp)
            print(f"{prefix}: docx, ruled and unruled PDF")
        if "000" in wanted:
            scanned_copy(OUT / "000_ruled.pdf", OUT / "000_scanned.pdf", tmp, seed=30)
            rotated_copy(OUT / "000_ruled.pdf", OUT / "000_rotated.pdf")
            for fmt in ("odt", "doc"):
                soffice(["--convert-to", fmt, "--outdir", str(tmp),
                         str(OUT / "000_decision.docx")], tmp)
                shutil.move(tmp / f"000_decision.{fmt}", OUT / f"000_decision.{fmt}")
            opts = ('{"EncryptFile":{"type":"boolean","value":"true"},'
                    '"DocumentOpenPassword":{"type":"string","value":"matkhau"}}')
            to_pdf(OUT / "000_decision.docx", OUT / "encrypted.pdf", tmp, opts)
            print("000: scanned, rotated, odt, doc, encrypted")
    finally:
        if args.keep_tmp:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for path in sorted(OUT.iterdir()):
        print(f"  {path.name:28s} {path.stat().st_size // 1024:6d} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
