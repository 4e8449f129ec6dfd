#!/usr/bin/env python3
"""Build the DOCX and PDF shapes of a corpus document from the text it was found in.

    corpus_shapes_b.py FOLDER/source.md [--docx FILE.docx] [--pdf FILE.pdf] [--html FILE.html]

Three shapes of found text are read, told apart by content:

- converter Markdown (a PDF converter's output: paragraphs, then the task table cut into
  several `<table>` blocks at page breaks). It is turned back into the document a user would
  hold: one ruled table whose page-break continuation rows are joined to the row they
  continue, the converter's stray lines between blocks dropped, inline LaTeX (`$100 \\%$`) and
  split words ("T ăng") restored, section rows (a Roman numeral) printed as one merged cell;
- text scraped from a legal-text portal, where each cell of the page's layout tables (the
  header block "ỦY BAN NHÂN DÂN ... | Số: ...", the signature block) stands on its own lines
  between lines holding only `|`, paragraphs are hard-wrapped and headings wear `**bold**`.
  It becomes paragraphs (wrapped lines joined, bold kept as bold runs) with the header and
  signature blocks as borderless two-column tables, as in the signed decision;
- an article saved as Markdown (headings, paragraphs, "- " and "+ " bullets, *italic* and
  **bold**), which becomes the HTML page it was saved from (`--html` only).

The DOCX is written with python-docx, the PDF with WeasyPrint from HTML. Used once to make
the files committed under tests/data/corpus/; nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import html
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

ROMAN = re.compile(r"^(?=[IVXLC]+$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
MATH = re.compile(r"\$([^$]+)\$")
# Column widths (%) of a task table by its number of columns: TT, task, lead, partners,
# deadline (then result and funding).
WIDTHS = {5: (6, 44, 16, 21, 13), 7: (5, 31, 14, 16, 10, 15, 9)}


class _Tables(HTMLParser):
    """Collects the rows (lists of cell texts) of one `<table>` block."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(clean("".join(self._cell)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _math_text(expr: str) -> str:
    """Return the plain text of a converter's inline LaTeX ("1 \\mathrm { k m }" -> "1 km")."""
    expr = re.sub(r"\\acute\s*\{([^{}]*)\}", lambda m: m.group(1).strip() + "\u0301", expr)
    expr = expr.replace("\\%", "%")
    expr = re.sub(r"\\[a-zA-Z]+", " ", expr).replace("{", " ").replace("}", " ")
    out = ""
    for token in expr.split():
        # Digits and letters the converter spaced out belong together; a number meets its unit
        # with one space.
        if out and out[-1].isdigit() and token[0].isalpha():
            out += " "
        out += token
    return unicodedata.normalize("NFC", out)


def clean(text: str) -> str:
    """Return converter text with LaTeX, split initials ("T ăng") and runs of spaces repaired."""
    text = MATH.sub(lambda m: _math_text(m.group(1)), html.unescape(text))
    text = re.sub(r"\b([A-ZĐ]) (?=[a-zà-ỹđ])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def read_markdown(path: Path) -> tuple[list[str], list[list[str]]]:
    """Return the document's paragraphs and its task table rows, page-break pieces joined."""
    source = path.read_text(encoding="utf-8")
    paragraphs: list[str] = []
    rows: list[list[str]] = []
    stray: list[str] = []
    pos = 0
    for match in re.finditer(r"<table>.*?</table>", source, flags=re.S):
        between = [clean(x) for x in source[pos:match.start()].split("\n\n") if x.strip()]
        (stray if rows else paragraphs).extend(between)
        parser = _Tables()
        parser.feed(match.group(0))
        for i, row in enumerate(parser.rows):
            if i == 0 and rows and not row[0]:
                # A block opening with an unnumbered row is the previous row, cut at the page end.
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], row, strict=False)]
            else:
                rows.append(row)
        pos = match.end()
    # A line between two blocks that repeats a section row is the converter's, not the document's.
    titles = {" ".join(r[:2]) for r in rows if ROMAN.match(r[0])}
    paragraphs.extend(s for s in stray if s not in titles)
    paragraphs = [re.sub(r"^#+\s*", "", p) for p in paragraphs]
    return [p for p in paragraphs if not re.fullmatch(r"Public_\d+", p)], rows


def is_scraped(source: str) -> bool:
    """Return whether the text is a portal scrape: layout cells between lines holding `|`."""
    return "<table>" not in source and source.lstrip().startswith("|\n")


def _plain(block: str) -> tuple[str, bool]:
    """Return a scraped paragraph's text with wrapped lines joined, and whether it is bold."""
    text = re.sub(r"\s+", " ", block).strip()
    bold = text.startswith("**") and text.endswith("**") and len(text) > 4
    text = re.sub(r"\*+", "", text)
    return re.sub(r"\s+", " ", text).strip(), bold


def _cells(block: str) -> list[str]:
    """Return the cells of a scraped layout table (lines between `|` lines), lines kept."""
    cells, current = [], []

    def close() -> None:
        # A line holding only the bold marker ("**") is the scraper's, not the document's.
        lines = [x.replace("*", "").strip() for x in current]
        cells.append("\n".join(x for x in lines if x))

    for line in block.split("\n"):
        if line.strip() == "|":
            if current:
                close()
            current = []
        else:
            current.append(line)
    if current and any(x.strip() for x in current):
        close()
    return cells


def _scraped_rows(block: str) -> list[list[list[str]]]:
    """Return a scraped ruled table's rows, each a list of cells, each a list of its lines.

    One `|` line separates two cells of a row; a run of k >= 2 ends the row after k - 2 empty
    cells. A row with fewer cells than the header lacks the cells that span into it from above.
    """
    rows: list[list[list[str]]] = []
    row: list[list[str]] = []
    cell: list[str] = []
    bars = 0

    def close_bars() -> None:
        nonlocal row, bars
        if bars >= 2 and row:
            row.extend([] for _ in range(bars - 2))
            rows.append(row)
            row = []
        bars = 0

    for line in block.split("\n"):
        if line.strip() == "|":
            if cell:
                row.append(cell)
                cell = []
            bars += 1
            continue
        close_bars()
        cell.append(line)
    if cell:
        row.append(cell)
    bars = max(bars, 2)
    close_bars()
    return rows


def _cell_paragraphs(lines: list[str], agencies: bool) -> list[str]:
    """Return a scraped cell's paragraphs: wrapped lines joined, paragraph breaks kept.

    A break is a paragraph's end where a line closes a sentence (".", ";", ":") and the next
    opens with a capital; in an agency column, wherever the next line opens with a capital
    and the line does not end with a comma (each agency of a list on its own line).
    """
    paragraphs: list[str] = []
    for raw in lines:
        line = re.sub(r"\s+", " ", raw.replace("*", "")).strip()
        if not line:
            continue
        if paragraphs:
            prev = paragraphs[-1]
            sentence_end = prev.endswith((".", ";", ":"))
            if line[0].isupper() and (sentence_end or (agencies and not prev.endswith(","))):
                paragraphs.append(line)
            else:
                paragraphs[-1] = f"{prev} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def layout_task_table(rows: list[list[list[str]]]) -> list[list[dict]]:
    """Return the table's rows as cells {col, text, rowspan, colspan, bold}, spans restored.

    A section row (a Roman numeral and its title) spans the columns after the first, or all of
    them when numeral and title share one cell. A row
    without a number of its own continues the numbered row above: its cells start after the
    number column. The columns a row lacks on the right are spanned from the rows above.
    """
    width = len(rows[0])
    header = [" ".join(_cell_paragraphs(c, False)) for c in rows[0]]
    agency_cols = {i for i, h in enumerate(header) if re.search(r"chủ trì|phối hợp", h, re.I)}
    out: list[list[dict]] = []
    owner: list[dict | None] = [None] * width  # the cell each column spans from, if any
    for r, row in enumerate(rows):
        while len(row) > width and not any(x.strip() for x in row[-1]):
            row = row[:-1]  # the bars closing the table, not cells
        first = " ".join(_cell_paragraphs(row[0], False)) if row else ""
        if r and len(row) == 1 and re.match(r"^[IVXLC]+\.\s", first):
            # A section row printed as one cell across the table: "I. NÂNG CAO ...".
            out.append([{"col": 0, "text": [first], "rowspan": 1, "colspan": width, "bold": True}])
            owner = [None] * width
            continue
        if r and len(row) == 2 and ROMAN.match(first):
            cells = [{"col": 0, "text": [first], "rowspan": 1, "colspan": 1, "bold": True},
                     {"col": 1, "text": _cell_paragraphs(row[1], False), "rowspan": 1,
                      "colspan": width - 1, "bold": True}]
            out.append(cells)
            owner = [None] * width
            continue
        start = 0 if (r == 0 or re.fullmatch(r"\d+", first) or len(row) == width) else 1
        cells = []
        for i, lines in enumerate(row):
            col = start + i
            cell = {"col": col, "text": _cell_paragraphs(lines, col in agency_cols),
                    "rowspan": 1, "colspan": 1, "bold": r == 0}
            cells.append(cell)
            owner[col] = cell
        for col in [*range(start), *range(start + len(row), width)]:
            if owner[col] is not None:
                owner[col]["rowspan"] += 1
        out.append(cells)
    return out


def _html_task_table(rows: list[list[dict]], ruled: bool) -> str:
    """Return a laid-out task table as HTML, spans as rowspan/colspan, paragraphs as <p>."""
    trs = []
    for r, row in enumerate(rows):
        tds = []
        for cell in row:
            tag = "th" if r == 0 else "td"
            span = "".join(f" {k}='{cell[k]}'" for k in ("rowspan", "colspan") if cell[k] > 1)
            inner = "".join(f"<p>{html.escape(x)}</p>" for x in cell["text"])
            if cell["bold"] and r:
                inner = f"<b>{inner}</b>"
            tds.append(f"<{tag}{span}>{inner}</{tag}>")
        trs.append("<tr>" + "".join(tds) + "</tr>")
    border = " border='1'" if ruled else ""
    cols = ""
    if len(rows[0]) in WIDTHS:
        widths = WIDTHS[len(rows[0])]
        cols = "<colgroup>" + "".join(f"<col style='width:{w}%'>" for w in widths) + "</colgroup>"
    return f"<table class='task'{border}>{cols}" + "\n".join(trs) + "</table>"


def _docx_task_table(document: object, rows: list[list[dict]]) -> None:
    """Add a laid-out task table to a DOCX: ruled, spanned cells merged."""
    width = max(c["col"] + c["colspan"] for row in rows for c in row)
    table = document.add_table(rows=len(rows), cols=width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for cell in row:
            target = table.cell(r, cell["col"])
            if cell["rowspan"] > 1 or cell["colspan"] > 1:
                target = target.merge(table.cell(r + cell["rowspan"] - 1,
                                                 cell["col"] + cell["colspan"] - 1))
            texts = cell["text"] or [""]
            target.text = ""
            target.paragraphs[0].add_run(texts[0]).bold = cell["bold"]
            for text in texts[1:]:
                target.add_paragraph().add_run(text).bold = cell["bold"]


def read_scraped(path: Path) -> list[tuple[str, object]]:
    """Return the scraped document as ("p", (text, bold)), ("grid", cells) and ("table", rows)
    items in order (a ruled table is one whose first cell is "TT" or "STT")."""
    items: list[tuple[str, object]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        if not block.strip() or not re.sub(r"[*\s]", "", block):
            continue  # a lone "** **" is the portal's spacer
        rows = _scraped_rows(block) if block.lstrip().startswith("|") else []
        if rows and rows[0] and re.sub(r"[*\s]", "", "".join(rows[0][0])) in ("TT", "STT"):
            items.append(("table", layout_task_table(rows)))
            continue
        if block.lstrip().startswith("|"):
            cells = [c for c in _cells(block) if c]
            items.append(("grid", cells))
        else:
            items.append(("p", _plain(block)))
    return items


def _grid_rows(cells: list[str]) -> list[list[str]]:
    """Return a layout table's cells two by two (left, right), as the decision prints them."""
    return [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]


def write_scraped_docx(items: list[tuple[str, object]], out: Path) -> None:
    """Write a scraped document as a DOCX: paragraphs, bold headings, borderless layout tables."""
    import docx  # python-docx, in the project's dependencies

    document = docx.Document()
    for kind, value in items:
        if kind == "table":
            _docx_task_table(document, value)  # type: ignore[arg-type]
            continue
        if kind == "grid":
            rows = _grid_rows(value)  # type: ignore[arg-type]
            table = document.add_table(rows=0, cols=2)
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=False):
                    lines = text.split("\n")
                    cell.text = lines[0]
                    for line in lines[1:]:
                        cell.add_paragraph(line)
            continue
        text, bold = value  # type: ignore[misc]
        paragraph = document.add_paragraph()
        paragraph.add_run(text).bold = bold
    document.save(str(out))


def write_scraped_pdf(items: list[tuple[str, object]], out: Path) -> None:
    """Write a scraped document as a PDF: paragraphs, bold headings, borderless layout tables."""
    from weasyprint import HTML

    parts = []
    for kind, value in items:
        if kind == "table":
            parts.append(_html_task_table(value, ruled=True))  # type: ignore[arg-type]
            continue
        if kind == "grid":
            trs = "".join(
                "<tr>" + "".join(
                    f"<td>{html.escape(c).replace(chr(10), '<br>')}</td>" for c in row) + "</tr>"
                for row in _grid_rows(value))  # type: ignore[arg-type]
            parts.append(f"<table>{trs}</table>")
            continue
        text, bold = value  # type: ignore[misc]
        inner = f"<b>{html.escape(text)}</b>" if bold else html.escape(text)
        parts.append(f"<p>{inner}</p>")
    page = (
        "<html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm 15mm 20mm 30mm }"
        "body { font-family: 'DejaVu Serif', serif; font-size: 11pt; text-align: justify }"
        "table { width: 100%; border-collapse: collapse } td { vertical-align: top;"
        " text-align: center; width: 50% }"
        "table.task { font-size: 9pt; table-layout: fixed }"
        " table.task td, table.task th { border: 1px solid black;"
        " text-align: left; width: auto; padding: 2px } table.task p { margin: 0 0 3px 0 }"
        f"</style></head><body>{''.join(parts)}</body></html>"
    )
    HTML(string=page).write_pdf(str(out))


def _inline(text: str) -> str:
    """Return escaped text with Markdown **bold** and *italic* as HTML tags."""
    text = html.escape(re.sub(r"\s+", " ", text).strip())
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"\*(.+?)\*", r"<i>\1</i>", text)


def _page(title: str, body: str) -> str:
    """Return a UTF-8 HTML page holding the body, as a browser saves it."""
    return (
        "<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_scraped_html(items: list[tuple[str, object]], out: Path) -> None:
    """Write a scraped document back as the portal's HTML: layout tables, then paragraphs."""
    parts = []
    title = ""
    for kind, value in items:
        if kind == "table":
            parts.append(_html_task_table(value, ruled=True))  # type: ignore[arg-type]
            continue
        if kind == "grid":
            trs = "".join(
                "<tr>" + "".join(
                    f"<td>{html.escape(c).replace(chr(10), '<br>')}</td>" for c in row) + "</tr>"
                for row in _grid_rows(value))  # type: ignore[arg-type]
            parts.append(f"<table>{trs}</table>")
            continue
        text, bold = value  # type: ignore[misc]
        if not title and text.isupper() and len(text) > 20:
            title = text
        inner = f"<b>{html.escape(text)}</b>" if bold else html.escape(text)
        parts.append(f"<p>{inner}</p>")
    out.write_text(_page(title, "<div class='content1'>" + "\n".join(parts) + "</div>"),
                   encoding="utf-8")


def write_article_html(source: str, out: Path) -> None:
    """Write an article saved as Markdown back as HTML: headings, paragraphs and bullet lists."""
    parts: list[str] = []
    items: list[str] = []
    list_mark = ""

    def close_list() -> None:
        nonlocal items, list_mark
        if items:
            parts.append("<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>")
        items, list_mark = [], ""

    for block in re.split(r"\n\s*\n", source):
        block = block.strip()
        if not block:
            continue
        heading = re.match(r"^(#{1,6})\s+(.+)$", block, flags=re.S)
        bullet = re.match(r"^([-+])\s+(.+)$", block, flags=re.S)
        if heading:
            close_list()
            level = len(heading.group(1))
            parts.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet:
            if list_mark and bullet.group(1) != list_mark:
                close_list()
            list_mark = bullet.group(1)
            items.append(_inline(bullet.group(2)))
        else:
            close_list()
            parts.append(f"<p>{_inline(block)}</p>")
    close_list()
    first = re.match(r"^#\s+(.+)$", source.strip(), flags=re.M)
    title = first.group(1).strip() if first else ""
    out.write_text(_page(title, "<article>\n" + "\n".join(parts) + "\n</article>"),
                   encoding="utf-8")


def write_docx(paragraphs: list[str], rows: list[list[str]], out: Path) -> None:
    """Write the document as a DOCX with one ruled table, section rows merged across."""
    import docx  # python-docx, in the project's dependencies

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        if ROMAN.match(row[0]) and not any(row[2:]):
            cells[0].text = row[0]
            merged = cells[1].merge(cells[-1])
            merged.text = row[1]
            continue
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    document.save(str(out))


def write_pdf(paragraphs: list[str], rows: list[list[str]], out: Path) -> None:
    """Write the document as a PDF (WeasyPrint) with one ruled table, section rows merged."""
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    trs = []
    for i, row in enumerate(rows):
        tag = "th" if i == 0 else "td"
        if ROMAN.match(row[0]) and not any(row[2:]):
            trs.append(f"<tr><td><b>{row[0]}</b></td><td colspan='{len(row) - 1}'>"
                       f"<b>{html.escape(row[1])}</b></td></tr>")
        else:
            trs.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row) + "</tr>")
    page = (
        "<html><head><meta charset='utf-8'><style>"
        "@page { size: A4 landscape; margin: 15mm }"
        "body { font-family: 'DejaVu Serif', serif; font-size: 10pt }"
        "table { border-collapse: collapse; width: 100% }"
        "td, th { border: 1px solid black; padding: 3px; vertical-align: top }"
        f"</style></head><body>{body}<table>{''.join(trs)}</table></body></html>"
    )
    HTML(string=page).write_pdf(str(out))


def main() -> None:
    """Read the Markdown named on the command line and write the shapes asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--docx", type=Path)
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    source = args.source.read_text(encoding="utf-8")
    if is_scraped(source):
        items = read_scraped(args.source)
        if args.docx:
            write_scraped_docx(items, args.docx)
        if args.pdf:
            write_scraped_pdf(items, args.pdf)
        if args.html:
            write_scraped_html(items, args.html)
        return
    if "<table>" not in source:
        if args.docx or args.pdf:
            parser.error("an article is only turned into --html")
        if args.html:
            write_article_html(source, args.html)
        return
    paragraphs, rows = read_markdown(args.source)
    if args.docx:
        write_docx(paragraphs, rows, args.docx)
    if args.pdf:
        write_pdf(paragraphs, rows, args.pdf)


if __name__ == "__main__":
    main()
