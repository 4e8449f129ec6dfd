"""Markdown reader: a decision as PDF-to-Markdown converters and page scrapers write it.

markdown-it-py (CommonMark with its table rule) parses the text; then, in order:

    replace_math        $...$ spans become the text they show (before parsing, so that the
                        HTML tables inside the Markdown get it too); blank lines inside a
                        <table> block are removed, or CommonMark would end the block there
    tokens_to_blocks    headings, paragraphs and list items become paragraphs (list labels
                        "-", "3." kept, emphasis dropped); pipe tables become tables; raw
                        HTML blocks are read by the HTML reader's table code
    clean_converted     emphasis markers left inside HTML cells, words cut in two
    join_split_tables   one table the converter cut at page breaks into several blocks, with
                        a page number or a header line between them, is one table again
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.readers.converted import clean_converted, replace_math
from theodoi.extract.readers.html import fragment_to_blocks, join_split_tables, tidy_table
from theodoi.extract.text import nfc


def read_markdown(path: str | Path) -> Document:
    """The Markdown file at `path` as a Document; UnreadableDocument when it holds no text."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258", errors="replace")
    return markdown_to_document(text, source=path.name)


def markdown_to_document(text: str, source: str = "") -> Document:
    """A Document from Markdown text (pipe tables and embedded HTML tables included)."""
    from theodoi.extract.readers import UnreadableDocument

    text = replace_math(nfc(text.replace("\r\n", "\n").replace("\r", "\n")))
    text = _keep_tables_whole(text)
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    try:
        tokens = parser.parse(text)
    except RecursionError as exc:  # markdown-it nests block quotes and lists recursively
        raise UnreadableDocument(
            f"Tệp Markdown lồng nhau quá sâu, từ chối đọc: {source}"
        ) from exc
    blocks = join_split_tables([_clean_block(b) for b in tokens_to_blocks(tokens)])
    blocks = [b for b in blocks if isinstance(b, Table) or b.text]
    if not blocks:
        raise UnreadableDocument(f"Tệp Markdown không có chữ nào để đọc: {source}")
    return Document(source=source, blocks=blocks)


_TABLE_SPAN = re.compile(r"^<table\b.*?</table\s*>", re.S | re.I | re.M)


def _keep_tables_whole(text: str) -> str:
    """Text with blank lines inside <table>...</table> removed.

    CommonMark ends an HTML block at a blank line, and converters indent their tables
    with lines of spaces: the rest of the table would be read as loose text.
    """
    return _TABLE_SPAN.sub(lambda m: re.sub(r"\n[ \t]*(?=\n)", "", m.group(0)), text)


def tokens_to_blocks(tokens: list[Token]) -> list[Paragraph | Table]:
    """Paragraphs and tables from markdown-it's block tokens, in order."""
    blocks: list[Paragraph | Table] = []
    labels: list[str] = []  # the label of each open list item, innermost last
    counters: list[int] = []
    pending_label: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "ordered_list_open":
            start = token.attrGet("start")
            counters.append(int(start) if isinstance(start, (int, str)) and str(start).isdigit()
                            else 1)
            labels.append("ol")
        elif kind == "bullet_list_open":
            counters.append(0)
            labels.append("ul")
        elif kind in ("ordered_list_close", "bullet_list_close"):
            counters.pop()
            labels.pop()
        elif kind == "list_item_open":
            if labels and labels[-1] == "ol":
                # The number as printed ("1." then "3." stays so), else the list's count.
                number = token.info if token.info.isdigit() else str(counters[-1])
                pending_label = f"{number}{token.markup or '.'}"
                counters[-1] += 1
            else:
                pending_label = "-"
        elif kind == "inline":
            text = inline_text(token)
            if pending_label and text:
                text = f"{pending_label} {text}"
                pending_label = None
            if text:
                blocks.append(Paragraph(text))
        elif kind == "table_open":
            end = _closing(tokens, index, "table_close")
            blocks.append(_pipe_table(tokens[index:end]))
            index = end
        elif kind == "html_block":
            blocks.extend(fragment_to_blocks(token.content))
        elif kind in ("fence", "code_block"):
            blocks.extend(Paragraph(line.strip()) for line in token.content.split("\n")
                          if line.strip())
        index += 1
    return blocks


def _closing(tokens: list[Token], start: int, kind: str) -> int:
    for index in range(start, len(tokens)):
        if tokens[index].type == kind:
            return index
    return len(tokens) - 1


def inline_text(token: Token) -> str:
    """The visible text of an inline token: emphasis dropped, line breaks and <br> as "\\n"."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (
                child.type == "html_inline" and child.content.lower().startswith("<br")):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _pipe_table(tokens: list[Token]) -> Table:
    """A Table from a pipe table's tokens; its first (thead) row is the header."""
    rows: list[list[str | None]] = []
    header_rows = 0
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(inline_text(token) or None)
        elif token.type == "thead_close":
            header_rows = len(rows)
    return tidy_table(rows, max(1, header_rows))


def _clean_block(block: Paragraph | Table) -> Paragraph | Table:
    if isinstance(block, Paragraph):
        return Paragraph(_clean(block.text))
    block.rows = [[_clean(c) or None if c else None for c in row] for row in block.rows]
    return block


def _clean(text: str) -> str:
    lines = [" ".join(clean_converted(line).split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


__all__ = ["markdown_to_document", "read_markdown"]
