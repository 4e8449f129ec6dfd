#!/usr/bin/env python3
"""Build the web-shaped fixtures of plan 000 (tests/data/fixtures/000_*) from its gold plan.

    .venv/bin/python scripts/make_web_fixtures.py

Three renderings of the same decision, each in the shape the world hands it over, with
the words around the table from the seed text and the table from the gold JSON (as
scripts/make_fixtures.py does for the DOCX):

- 000_page.html: a saved page of a legal-text portal: site header, menu, search form,
  breadcrumbs, a metadata box (Số hiệu, Ngày ban hành, Người ký, Cơ quan ban hành),
  share links, a sidebar of related documents and a footer around the decision; the
  decision's header and signature in layout tables; the task table with a <thead>, group
  rows merged across the width (colspan) and a lead agency shared by consecutive tasks
  merged down (rowspan).
- 000_converted.md: a PDF-to-Markdown converter's output: # headings, **bold**, the table
  as HTML <table> blocks cut at page breaks with the page number between them, one row
  cut in two (its continuation opens the next block with an empty TT cell), one block
  repeating the header, deadlines as LaTeX math ($1 2 / 2 0 2 4$), and words cut after
  their capital initial ("T ổ chức").
- 000_scraped.txt: text copied from a web page: each cell on its own lines (wrapped at 80
  columns) followed by a line holding only "|", **bold** left in, the metadata box as the
  page prints it, and a merged lead cell printed only in its first row.
- 000_scraped_rows.txt: the same as a legal-text portal's page prints it, each row also
  opened by a "|" line (so rows are marked by two "|" lines in a row).

Deterministic: the same gold and seed always give the same bytes.
"""

from __future__ import annotations

import html
import re
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_fixtures import (  # the DOCX builder's helpers, next to this script
    AGENCY_STYLE,
    COLUMNS,
    MOTTO,
    MOTTO2,
    OUT,
    agency_lines,
    front_000,
    gold,
    is_group_row,
    text_lines,
)

PREFIX = "000"
ROWS_PER_BLOCK = 6  # converter's table rows per page
SPLIT_ROW_AT = 2  # in this block (0-based), the last row is cut by the page break


def cell_lines(task: dict, field: str) -> list[str]:
    """The lines a cell of the task table prints for one field."""
    if field == "code":
        return [task["code"]]
    if field in ("lead", "partners"):
        return agency_lines(task[field], AGENCY_STYLE[PREFIX])
    return text_lines(task.get(field))


def lead_runs(tasks: list[dict]) -> list[int]:
    """For each task, how many rows its lead cell spans (0 when merged into the one above)."""
    spans = [1] * len(tasks)
    start = None
    for index, task in enumerate(tasks):
        mergeable = not is_group_row(task) and task["lead"]
        if (mergeable and start is not None and tasks[start]["lead"] == task["lead"]):
            spans[start] += 1
            spans[index] = 0
        else:
            start = index if mergeable else None
    return spans


# ---------------------------------------------------------------------------------------
# HTML


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def html_cell(lines: list[str], tag: str = "td", attrs: str = "") -> str:
    inner = "".join(f"<p>{esc(line)}</p>" for line in lines)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def html_page() -> str:
    front = front_000()
    plan = gold(PREFIX)
    tasks = plan["tasks"]
    columns = COLUMNS[PREFIX]
    related = [
        "Quyết định 1690/QĐ-TTg năm 2023 phê duyệt Đề án kiện toàn tổ chức bộ máy",
        "Nghị định 48/2022/NĐ-CP quy định chức năng, nhiệm vụ của Bộ Thông tin và Truyền thông",
        "Quyết định 749/QĐ-TTg năm 2020 phê duyệt Chương trình Chuyển đổi số quốc gia",
        "Quyết định 411/QĐ-TTg năm 2022 phê duyệt Chiến lược quốc gia phát triển kinh tế số",
        "Quyết định 942/QĐ-TTg năm 2021 phê duyệt Chiến lược phát triển Chính phủ điện tử",
    ]
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        "<title>Quyết định ban hành Kế hoạch triển khai Đề án kiện toàn tổ chức bộ máy về "
        "chuyển đổi số - Thư viện văn bản</title>",
        "<style>.menu li{display:inline}</style>",
        "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>",
        "</head><body>",
        '<div id="wrapper">',
        '<header class="site-header"><div class="logo"><a href="/">Thư viện văn bản</a></div>',
        '<nav class="main-menu"><ul class="menu">',
        *[f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(
            ["Trang chủ", "Văn bản mới", "Văn bản luật", "Công văn", "Biểu mẫu", "Liên hệ"])],
        "</ul></nav>",
        '<form class="search-box" action="/tim-kiem"><label>Số hiệu</label>'
        '<input name="q" placeholder="Nhập từ khóa"><button>Tìm kiếm</button></form>',
        "</header>",
        '<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/vb">Văn bản</a> » '
        '<a href="/qd">Quyết định</a></div>',
        '<div class="container"><div class="col-main">',
        '<h1 class="doc-title">Quyết định ban hành Kế hoạch triển khai thực hiện Đề án kiện '
        "toàn tổ chức bộ máy về chuyển đổi số</h1>",
        '<ul class="doc-tabs"><li><a href="#nd">Nội dung</a></li><li><a href="#tt">Thuộc '
        'tính</a></li><li><a href="#tv">Tải về</a></li></ul>',
        '<table class="doc-properties">',
        "<tr><td>Số hiệu:</td><td>Đang cập nhật</td><td>Loại văn bản:</td><td>Quyết định</td></tr>",
        "<tr><td>Nơi ban hành:</td><td>Bộ Thông tin và Truyền thông</td>"
        "<td>Người ký:</td><td>Nguyễn Huy Dũng</td></tr>",
        "<tr><td>Ngày ban hành:</td><td>Đang cập nhật</td><td>Tình trạng:</td>"
        "<td>Đã biết</td></tr>",
        "</table>",
        '<div class="doc-content" id="nd">',
        '<table class="layout" style="border:none"><tr>',
        html_cell([*front["issuer_lines"], "-------", front["number_line"]]),
        html_cell([MOTTO, MOTTO2, "---------------", front["date_line"]]),
        "</tr></table>",
    ]
    for line in front["title"]:
        out.append(f'<p align="center"><b>{esc(line)}</b></p>')
    for para in front["body"]:
        if para.isupper() or para.startswith("QUYẾT ĐỊNH"):
            out.append(f'<p align="center"><b>{esc(para)}</b></p>')
        else:
            out.append(f"<p>{esc(para)}</p>")
    signer = [x for x in front["signer"] if x]
    out += [
        '<table class="layout"><tr>',
        html_cell(front["recipients"]),
        html_cell(signer),
        "</tr></table>",
        '<p style="page-break-before:always"></p>',
    ]
    for line in front["appendix_head"]:
        if line:
            out.append(f'<p align="center"><b>{esc(line)}</b></p>')
    out.append('<table border="1" cellspacing="0" class="MsoTableGrid">')
    out.append("<thead><tr>" + "".join(f"<th>{esc(head)}</th>" for head, _ in columns)
               + "</tr></thead><tbody>")
    spans = lead_runs(tasks)
    for task, span in zip(tasks, spans, strict=True):
        if is_group_row(task):
            out.append(f"<tr><td>{esc(task['code'])}</td>"
                       + html_cell(cell_lines(task, "name"), attrs=f' colspan="{len(columns) - 1}"')
                       + "</tr>")
            continue
        cells = []
        for _, field in columns:
            if field == "lead" and span == 0:
                continue  # covered by the cell spanning down from the first task of the run
            attrs = f' rowspan="{span}"' if field == "lead" and span > 1 else ""
            cells.append(html_cell(cell_lines(task, field), attrs=attrs))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += [
        "</tbody></table>",
        "</div>",
        '<div class="share-tools"><a href="#">Facebook</a> <a href="#">Zalo</a> '
        '<a href="#">In văn bản</a></div>',
        "</div>",
        '<aside class="col-right"><div class="box"><h3>Văn bản liên quan</h3><ul>',
        *[f'<li><a href="/vb/{i}">{esc(title)}</a></li>' for i, title in enumerate(related)],
        "</ul></div></aside>",
        "</div>",
        "<footer><p>Cơ quan chủ quản: Công ty Thư viện văn bản. Địa chỉ: số 1 phố Tràng Tiền, "
        "Hà Nội.</p><p>Giấy phép số 01/GP-TTĐT.</p></footer>",
        "</div></body></html>",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# Markdown from a converter

_CUT = re.compile(r"\b(T|Tr|Th|Đ|Ng|Nh|Ch|H|B)([àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
                  r"ùúủũụừứửữựỳýỷỹỵăâêôơư][^\W\d_]*)")


def converter_text(text: str) -> str:
    """Text as a converter leaves it: capitalised words cut after their initial, dates in math."""
    text = _CUT.sub(r"\1 \2", text)
    return re.sub(r"\b(\d{1,2})/(\d{4})\b",
                  lambda m: f"${' '.join(m.group(1))} / {' '.join(m.group(2))}$", text)


def md_cell(lines: list[str], bold: bool = False) -> str:
    texts = [converter_text(esc(line)) for line in lines]
    if bold:
        texts = [f"**{t}**" for t in texts]
    return f"<td>{'<br>'.join(texts)}</td>"


def markdown_text() -> str:
    front = front_000()
    tasks = gold(PREFIX)["tasks"]
    columns = COLUMNS[PREFIX]
    out: list[str] = [
        *front["issuer_lines"], "", front["number_line"].replace("  ", " "), "",
        MOTTO, "", MOTTO2, "", front["date_line"], "",
    ]
    out += [f"# {front['title'][0]}", "", f"**{converter_text(front['title'][1])}**", ""]
    for para in front["body"]:
        if para.isupper():
            out += [f"## {para}", ""]
        else:
            out += [converter_text(para), ""]
    out += [front["recipients"][0], ""]
    out += [f"- {converter_text(r[2:])}" for r in front["recipients"][1:]] + [""]
    out += [*[x for x in front["signer"] if x][:2], "", front["signer"][-1], ""]
    out += ["# PHỤ LỤC", ""]
    out += [converter_text(x) for x in front["appendix_head"][3:] if x] + [""]
    header = "<tr>" + "".join(md_cell([head], bold=True) for head, _ in columns) + "</tr>"

    def row_html(task: dict, part: int | None = None) -> str:
        if is_group_row(task):
            return (f"<tr><td>{task['code']}</td>"
                    + md_cell(cell_lines(task, "name"), bold=True)
                    + "<td></td>" * (len(columns) - 2) + "</tr>")
        cells = []
        for _, field in columns:
            lines = cell_lines(task, field)
            if part is not None:
                half = (len(lines) + 1) // 2
                lines = lines[:half] if part == 0 else lines[half:]
                if field == "code" and part == 1:
                    lines = []
            cells.append(md_cell(lines))
        return "<tr>" + "".join(cells) + "</tr>"

    blocks: list[list[str]] = []
    for start in range(0, len(tasks), ROWS_PER_BLOCK):
        blocks.append([row_html(t) for t in tasks[start:start + ROWS_PER_BLOCK]])
    # The page break cuts the last row of one block: its second half opens the next block.
    cut = SPLIT_ROW_AT
    cut_task = tasks[(cut + 1) * ROWS_PER_BLOCK - 1]
    blocks[cut][-1] = row_html(cut_task, part=0)
    blocks[cut + 1].insert(0, row_html(cut_task, part=1))
    for number, rows in enumerate(blocks, start=1):
        head = header if number in (1, 3) else ""  # the converter repeats it on one page
        out += ["<table>" + head + "".join(rows) + "</table>", "", str(number + 11), ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# Text scraped from a web page


def wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=80, break_long_words=False, break_on_hyphens=False) or [""]


def scraped_text(marked: bool = False) -> str:
    """The scraped page; `marked`: each row opened and closed by a "|" line (thuvienphapluat)."""
    front = front_000()
    tasks = gold(PREFIX)["tasks"]
    columns = COLUMNS[PREFIX]
    out: list[str] = [
        "Quyết định ban hành Kế hoạch triển khai thực hiện Đề án kiện toàn tổ chức bộ máy",
        "Nơi ban hành:Bộ Thông tin và Truyền thôngSố hiệu:Đang cập nhật",
        "Loại văn bản:Quyết địnhNgười ký:Nguyễn Huy Dũng",
        "Ngày ban hành:Đang cập nhậtTình trạng:Đã biết",
        "",
    ]

    def cell(lines: list[str], bold: bool = False) -> None:
        for line in lines:
            for piece in wrap(f"**{line}**" if bold else line):
                out.append(piece)
        out.append("|")

    def open_row() -> None:
        if marked:
            out.append("|")

    open_row()
    cell([*front["issuer_lines"], "-------", front["number_line"]])
    cell([MOTTO, MOTTO2, "---------------", front["date_line"]])
    out.append("")
    for line in front["title"]:
        out += wrap(f"**{line}**")
    for para in front["body"]:
        out += wrap(para)
    out.append("")
    open_row()
    cell(front["recipients"])
    cell([x for x in front["signer"] if x])
    out.append("")
    for line in front["appendix_head"][2:]:
        out += wrap(line)
    out.append("")
    open_row()
    for head, _ in columns:
        cell([head], bold=True)
    spans = lead_runs(tasks)
    for task, span in zip(tasks, spans, strict=True):
        open_row()
        if is_group_row(task):
            cell([task["code"]], bold=True)
            cell(cell_lines(task, "name"), bold=True)
            continue
        for _, field in columns:
            if field == "lead" and span == 0:
                continue  # the merged cell is printed in the first row only
            lines = cell_lines(task, field)
            cell(lines if lines or marked else [])
    out += ["", "Tải về", "Văn bản liên quan", ""]
    return "\n".join(out) + "\n"


def main() -> int:
    (OUT / "000_page.html").write_text(html_page(), encoding="utf-8")
    (OUT / "000_converted.md").write_text(markdown_text(), encoding="utf-8")
    (OUT / "000_scraped.txt").write_text(scraped_text(), encoding="utf-8")
    (OUT / "000_scraped_rows.txt").write_text(scraped_text(marked=True), encoding="utf-8")
    print("000: page.html, converted.md, scraped.txt, scraped_rows.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
