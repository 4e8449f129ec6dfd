"""Write the Word templates in `theodoi/outputs/templates/` (run: python -m
theodoi.outputs.build_templates).

The templates are committed: officials may open them in Word and change the wording, the
fonts or the layout, keeping the `{{ ... }}` fields and the `{%tr ... %}` / `{%p ... %}`
rows. This script only makes the first version; run it again only to start over (it
overwrites local edits). The layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, margins
20/20/30/15 mm, Times New Roman, the national motto block on the right, the issuing body and
the number on the left.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from theodoi import glossary as G

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
LETTER_TEMPLATE = TEMPLATE_DIR / "urging_letter.docx"
REPORT_TEMPLATE = TEMPLATE_DIR / "periodic_report.docx"

FONT = "Times New Roman"


# -- small helpers on python-docx ---------------------------------------------------------


def _base_document(*, landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    for name in ("Heading 1", "Heading 2", "Title"):
        heading = doc.styles[name]
        heading.font.name = FONT
        heading.font.color.rgb = None
        rfonts = heading.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(13)
    return doc


def _para(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: float | None = None,
    after: float | None = None,
    before: float | None = None,
    style: str | None = None,
) -> Paragraph:
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    return paragraph


def _cell_para(cell, text: str = "", **kwargs) -> Paragraph:
    """The cell's first (empty) paragraph filled, or a new one after it."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.text and not first.runs:
        first._p.getparent().remove(first._p)
    return _para(cell, text, **kwargs)


def _short_rule(container, indent_cm: float) -> None:
    """A thin centred line (under the issuing body, under the motto): an empty paragraph one
    point high with a bottom border, shortened by `indent_cm` on each side."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    fmt.space_before = fmt.space_after = Pt(0)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # WordprocessingML wants the children of pPr in schema order: pBdr comes early.
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )
    fmt.left_indent = Cm(indent_cm)
    fmt.right_indent = Cm(indent_cm)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription")


def _widths(table: Table, widths_cm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(int(Cm(sum(widths_cm)).twips)))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
         "R": WD_ALIGN_PARAGRAPH.RIGHT}


def _grid_table(doc, headers: list[str], cells: list[str], widths: list[float],
                loop: str, *, align: str, size: float = 12) -> Table:
    """A bordered table: a repeated bold header row, then one templated row per item of
    `loop` ("r in rows"), written as docxtpl's `{%tr for %}` ... `{%tr endfor %}` rows;
    `align` has one letter (L, C, R) per column."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell_para(cell, text, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "E7E6E6")
    _cell_para(table.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for cell, text, where in zip(table.rows[2].cells, cells, align, strict=True):
        _cell_para(cell, text, size=size, align=ALIGN[where])
    _cant_split(table.rows[2])
    _cell_para(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    _widths(table, widths)
    return table


def _signature(doc) -> None:
    """The closing block: "Nơi nhận" on the left, the signer's title and name on the right."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _cant_split(sign.rows[0])
    left, right = sign.rows[0].cells
    _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True)
    _cell_para(left, "- Như trên;", size=11)
    _cell_para(left, "{%p for line in recipients %}", size=11)
    _cell_para(left, "- {{ line }};", size=11)
    _cell_para(left, "{%p endfor %}", size=11)
    _cell_para(left, "- Lưu: VT.", size=11)
    _cell_para(right, "{%p for line in signer_lines %}", size=14)
    _cell_para(right, "{{ line|upper }}", size=14, bold=True, align=center)
    _cell_para(right, "{%p endfor %}", size=14)
    for _ in range(4):
        _cell_para(right, "", size=14)
    _cell_para(right, "{{ signer_name }}", size=14, bold=True, align=center)
    _widths(sign, [7.5, 9.0])


# -- the urging letter ------------------------------------------------------------------------


def build_letter_template(path: Path = LETTER_TEMPLATE) -> Path:
    """The urging letter (văn bản đôn đốc, a công văn) with its fields."""
    doc = _base_document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    _cell_para(left, "{%p if issuer_parent %}", size=12)
    _cell_para(left, "{{ issuer_parent|upper }}", size=12, align=center)
    _cell_para(left, "{%p endif %}", size=12)
    _cell_para(left, "{{ issuer|upper }}", size=12, bold=True, align=center)
    _short_rule(left, 2.3)
    _cell_para(left, "Số:         /{{ symbol }}", size=13, align=center, before=6)
    _cell_para(left, "V/v {{ subject }}", size=12, align=center, before=4)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=center)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=center)
    _short_rule(right, 1.65)
    _cell_para(right, "{{ place_date }}", size=14, italic=True, align=center, before=6)
    _widths(head, [7.2, 9.3])

    _para(doc, "", after=6)
    greeting = _para(doc, "Kính gửi: {{ addressee }}.", align=center, after=12)
    greeting.paragraph_format.keep_with_next = True

    text = [
        "Thực hiện {{ plans_text }}, {{ issuer }} theo dõi tình hình triển khai các nhiệm vụ "
        "được giao. Tính đến ngày {{ as_of }}, {{ addressee }} còn {{ n_overdue }} nhiệm vụ "
        "quá hạn và {{ n_due_soon }} nhiệm vụ sắp đến hạn chưa hoàn thành (chi tiết tại "
        "bảng dưới đây).",
        "Để bảo đảm tiến độ chung, {{ issuer }} đề nghị {{ addressee }}:",
        "1. Khẩn trương chỉ đạo triển khai, hoàn thành các nhiệm vụ quá hạn; có kế hoạch cụ "
        "thể để hoàn thành đúng thời hạn các nhiệm vụ sắp đến hạn.",
        "2. Cập nhật kết quả thực hiện trên Hệ thống theo dõi nhiệm vụ chuyển đổi số trước "
        "ngày {{ reply_by }}; trường hợp không thể hoàn thành, nêu rõ lý do và đề xuất thời "
        "hạn mới.",
    ]
    for line in text:
        _para(doc, line, align=justify, indent=1.0, after=6)

    _para(doc, "Danh sách nhiệm vụ quá hạn và sắp đến hạn", bold=True, size=13, align=center,
          before=6, after=6).paragraph_format.keep_with_next = True
    _grid_table(
        doc,
        [G.INDEX, G.TASK, G.PLAN, G.DEADLINE, G.STATUS_HEADER],
        ["{{ r.index }}", "{{ r.code }}. {{ r.name }}", "{{ r.plan }}", "{{ r.due }}",
         "{{ r.status }}"],
        [1.0, 7.0, 2.8, 3.0, 2.7],
        "r in rows",
        align="CLLLL",
    )
    _para(doc, "{{ issuer }} đề nghị {{ addressee }} quan tâm, chỉ đạo thực hiện./.",
          align=justify, indent=1.0, before=6, after=12)

    _signature(doc)

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


# -- the periodic report ---------------------------------------------------------------------


def build_report_template(path: Path = REPORT_TEMPLATE) -> Path:
    """The periodic report of a plan (báo cáo định kỳ) with its tables and charts."""
    doc = _base_document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    _cell_para(left, "{%p if issuer_parent %}", size=12)
    _cell_para(left, "{{ issuer_parent|upper }}", size=12, align=center)
    _cell_para(left, "{%p endif %}", size=12)
    _cell_para(left, "{{ issuer|upper }}", size=12, bold=True, align=center)
    _short_rule(left, 2.3)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=center)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=center)
    _short_rule(right, 1.65)
    _cell_para(right, "{{ place_date }}", size=14, italic=True, align=center, before=6)
    _widths(head, [7.2, 9.3])

    _para(doc, "BÁO CÁO", size=14, bold=True, align=center, before=18)
    _para(doc, "Tình hình thực hiện {{ plan_title }}", size=14, bold=True, align=center)
    _para(doc, "({{ plan_reference }}; số liệu tính đến ngày {{ as_of }})", size=13,
          italic=True, align=center, after=12)

    _para(doc, "I. TỔNG QUAN", bold=True, before=6, after=6)
    _para(doc, "Kế hoạch có {{ total }} nhiệm vụ được theo dõi. Tính đến ngày {{ as_of }}: "
          "{{ summary_text }}.", align=justify, indent=1.0, after=6)
    _para(doc, "Tỷ lệ hoàn thành: {{ done_rate }}; tỷ lệ hoàn thành đúng hạn (trên số nhiệm vụ "
          "đã đến hạn): {{ on_time_rate }}.", align=justify, indent=1.0, after=6)
    _para(doc, "{{ chart_sections }}", align=center, after=6)
    _para(doc, "{{ chart_agencies }}", align=center, after=6)

    _para(doc, f"II. KẾT QUẢ THEO {G.SECTION.upper()} CỦA KẾ HOẠCH", bold=True, before=6,
          after=6)
    _grid_table(
        doc,
        [G.SECTION, G.TASK_COUNT, *(G.STATUS[s] for s in (
            "done", "overdue", "due_soon", "in_progress", "not_started")), G.DONE_RATE],
        ["{{ s.label }}", "{{ s.total }}", "{{ s.done }}", "{{ s.overdue }}", "{{ s.due_soon }}",
         "{{ s.in_progress }}", "{{ s.not_started }}", "{{ s.percent }}"],
        [4.8, 1.6, 1.7, 1.5, 1.7, 1.8, 1.7, 1.7],
        "s in sections",
        align="LCCCCCCC",
        size=11,
    )

    _para(doc, "III. KẾT QUẢ THEO CƠ QUAN CHỦ TRÌ", bold=True, before=12, after=6)
    _grid_table(
        doc,
        [G.AGENCY, G.ROLE_IN_TASK["lead"], G.STATUS["done"], G.STATUS["overdue"],
         G.STATUS["due_soon"], G.ROLE_IN_TASK["partner"], G.DONE_RATE],
        ["{{ a.name }}", "{{ a.total }}", "{{ a.done }}", "{{ a.overdue }}", "{{ a.due_soon }}",
         "{{ a.partner }}", "{{ a.percent }}"],
        [5.6, 1.6, 1.8, 1.6, 1.8, 1.8, 2.3],
        "a in agencies",
        align="LCCCCCC",
        size=11,
    )

    _para(doc, "IV. CHỈ TIÊU", bold=True, before=12, after=6)
    _grid_table(
        doc,
        [G.TARGET, G.GOAL, G.UNIT, G.CURRENT, G.SHARE],
        ["{{ t.text }}", "{{ t.goal }}", "{{ t.unit }}", "{{ t.current }}", "{{ t.percent }}"],
        [8.0, 2.0, 2.4, 2.2, 1.9],
        "t in targets",
        align="LRLRR",
        size=11,
    )
    _para(doc, "{{ chart_targets }}", align=center, before=6, after=6)

    _para(doc, "V. DANH SÁCH NHIỆM VỤ", bold=True, before=12, after=6)
    _grid_table(
        doc,
        [G.CODE, G.TASK, G.LEAD_AGENCY, G.DEADLINE, G.STATUS_HEADER, G.LATEST_REPORT],
        ["{{ k.code }}", "{{ k.name }}", "{{ k.lead }}", "{{ k.due }}", "{{ k.status_label }}",
         "{{ k.latest }}"],
        [1.2, 5.0, 2.8, 2.2, 2.0, 3.3],
        "k in tasks",
        align="LLLLCL",
        size=10,
    )
    _para(doc, "", after=12)
    _signature(doc)

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def main() -> int:
    for built in (build_letter_template(), build_report_template()):
        print(f"đã ghi {built}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
