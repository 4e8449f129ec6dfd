#!/usr/bin/env python3
"""Build the other shapes of a corpus document (DOCX, PDF) from its Markdown or text source.

    corpus_shapes.py SOURCE.md [--docx OUT.docx] [--pdf OUT.pdf] [--html OUT.html]

The source is read as paragraphs and pipe tables (`| a | b |` lines, with or without a
`|---|` separator row). The DOCX holds the paragraphs as Word paragraphs and each pipe table
as one ruled Word table, one Word row per pipe row, so rows a converter cut at a page break
stay separate rows as in the source. The PDF is rendered by WeasyPrint from an HTML page of
the same blocks (A4 landscape, ruled table), because LibreOffice is not installed here; the
same HTML page can be written on its own (a plain page: no site chrome is invented).
`**bold**` markers become bold text; nothing else is changed: the words, their order and the
cells are the source's.
"""

from __future__ import annotations

import argparse
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class Table:
    """One pipe table: its rows, each a list of cell texts."""

    rows: list[list[str]] = field(default_factory=list)


def split_row(line: str) -> list[str]:
    """Return the cells of one pipe-table line."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [cell.strip() for cell in body.split("|")]


def read_blocks(text: str) -> list[str | Table]:
    """Return the source as paragraphs (str) and tables, in order."""
    blocks: list[str | Table] = []
    table: Table | None = None
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            if table is None:
                table = Table()
                blocks.append(table)
            if not SEPARATOR.match(line.strip()):
                table.rows.append(split_row(line))
            continue
        table = None
        if line.strip():
            blocks.append(line.strip())
    return blocks


def runs_of(text: str) -> list[tuple[str, bool]]:
    """Return (text, bold) pieces of a cell or paragraph with `**` markers removed."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in BOLD.finditer(text):
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((match.group(1), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def write_docx(blocks: list[str | Table], out: Path) -> None:
    """Write the blocks as a DOCX file: paragraphs, and ruled tables."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    for block in blocks:
        if isinstance(block, str):
            paragraph = document.add_paragraph()
            for text, bold in runs_of(block):
                paragraph.add_run(text).bold = bold
            continue
        width = max(len(row) for row in block.rows)
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for row in block.rows:
            cells = table.add_row().cells
            for index, text in enumerate(row):
                paragraph = cells[index].paragraphs[0]
                for piece, bold in runs_of(text):
                    paragraph.add_run(piece).bold = bold
    document.save(out)


def html_of(blocks: list[str | Table], title: str) -> str:
    """Return an HTML page of the blocks, for rendering to PDF."""
    def inline(text: str) -> str:
        pieces = runs_of(text)
        return "".join(f"<b>{html.escape(t)}</b>" if b else html.escape(t) for t, b in pieces)

    parts = [
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>",
        "@page { size: A4 landscape; margin: 1.5cm; }",
        "body { font-family: 'DejaVu Serif', serif; font-size: 10pt; }",
        "table { border-collapse: collapse; width: 100%; }",
        "td { border: 0.6pt solid #000; padding: 3pt; vertical-align: top; }",
        "</style></head><body>",
    ]
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{inline(block)}</p>")
            continue
        parts.append("<table>")
        for row in block.rows:
            parts.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_pdf(blocks: list[str | Table], out: Path, title: str) -> None:
    """Write the blocks as a PDF file rendered by WeasyPrint."""
    from weasyprint import HTML

    HTML(string=html_of(blocks, title)).write_pdf(out)


def main() -> None:
    """Read the source and write the shapes asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--docx", type=Path)
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    blocks = read_blocks(args.source.read_text(encoding="utf-8"))
    if args.docx:
        write_docx(blocks, args.docx)
    if args.pdf:
        write_pdf(blocks, args.pdf, args.source.parent.name)
    if args.html:
        args.html.write_text(html_of(blocks, args.source.parent.name), encoding="utf-8")


if __name__ == "__main__":
    main()
