"""HTML reader: a decision saved from a legal-text portal or the Government's document portal.

The page is parsed with lxml's HTML parser (libxml2), then read in named steps:

    decode_html          bytes -> text (byte order mark, UTF-8, the declared charset, cp1258)
    metadata_box_lines   the portal's box ("Số hiệu", "Ngày ban hành", "Người ký", ...)
    find_body            the element holding the decision: the task tables and the document
                         headings ("QUYẾT ĐỊNH", "KẾ HOẠCH"), widened while text outweighs links
    drop_chrome          menus, headers, footers, sidebars, scripts and link lists inside it
    element_to_blocks    paragraphs and tables in reading order
    table_to_grid        rows x columns with rowspan/colspan resolved

Merged cells follow the DOCX reader: a spanned cell's text sits in its first (top-left)
cell and the cells it covers are None, except that a cell spanning several rows that each
carry their own number (a lead agency merged over tasks 1.1-1.3) is given to each of them:
its text belongs to every task it covers. A row without its own number under a merged TT
cell is a sub-row of the task above and keeps None.
"""

from __future__ import annotations

import codecs
import itertools
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import lxml.html
from lxml import etree

from theodoi.extract.columns import CODE, field_of_header_cell, is_header_fragment, is_header_text
from theodoi.extract.document import Document, Paragraph, Table
from theodoi.extract.readers.layout import is_page_number, row_key, stitch_fragments
from theodoi.extract.text import nfc

# Elements that never hold document text.
_INVISIBLE = {"script", "style", "noscript", "template", "head", "title", "meta", "link",
              "iframe", "object", "embed", "svg", "canvas", "button", "select", "input",
              "textarea", "option", "map", "audio", "video", "picture", "img"}
# Page furniture by element name, dropped unless it holds the decision itself.
_CHROME_TAGS = {"nav", "aside", "footer", "header", "menu"}
# Page furniture by class or id word ("main-menu", "box_sidebar", "vb-lien-quan").
_CHROME_WORDS = {"nav", "navbar", "menu", "menus", "sidebar", "breadcrumb", "breadcrumbs",
                 "footer", "banner", "advert", "ads", "quangcao", "social", "share", "cookie",
                 "popup", "modal", "login", "search", "timkiem", "toolbar", "pagination",
                 "related", "lienquan", "comment", "comments", "widget", "tags"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "section", "article", "main", "center", "pre", "address", "figure",
          "figcaption", "form", "fieldset", "tr", "td", "th", "caption", "body", "html",
          "table", "thead", "tbody", "tfoot", "hr"}
_HEADING = re.compile(
    r"^(?:QUYẾT ĐỊNH|KẾ HOẠCH|CHƯƠNG TRÌNH|CHỈ THỊ|NGHỊ QUYẾT|PHỤ LỤC|ĐỀ ÁN)\s*:?$"
)
_CODE_TEXT = re.compile(r"^(?:[IVXL]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3})*)\.?$")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
# Labels of the metadata box the portals print beside the text, with the field each fills.
BOX_LABELS = ("Số hiệu", "Số ký hiệu", "Ký hiệu", "Ngày ban hành", "Người ký",
              "Cơ quan ban hành", "Nơi ban hành", "Loại văn bản")
_BOX_LABEL = re.compile(r"^(" + "|".join(BOX_LABELS) + r")\s*:?\s*(.*)$", re.S)
# Labels that end a value when a box is flattened into one line ("Số hiệu:02-KH/BCĐTWNgày...").
_NEXT_LABEL = re.compile(
    r"\s*(?:" + "|".join(BOX_LABELS) + r"|Số công báo|Ngày đăng công báo|Ngày công báo|"
    r"Ngày hiệu lực|Ngày hết hiệu lực|Tình trạng(?: hiệu lực)?|Lĩnh vực|Áp dụng)\s*:"
)
# What a real value looks like, so that a search form's "Số hiệu" label is not taken.
_BOX_VALUE: dict[str, Callable[[str], bool]] = {
    "Số hiệu": lambda v: bool(re.search(r"\d", v)) and ("/" in v or "-" in v),
    "Số ký hiệu": lambda v: bool(re.search(r"\d", v)) and ("/" in v or "-" in v),
    "Ký hiệu": lambda v: bool(re.search(r"\d", v)) and ("/" in v or "-" in v),
    "Ngày ban hành": lambda v: bool(re.search(r"\d{1,2}/\d{1,2}/\d{4}", v)),
    "Người ký": lambda v: not re.search(r"\d", v) and len(v.split()) >= 2,
    "Cơ quan ban hành": lambda v: len(v.split()) >= 2,
    "Nơi ban hành": lambda v: len(v.split()) >= 2,
    "Loại văn bản": lambda v: len(v) < 40,
}
MAX_COLSPAN = 100  # a hostile colspan="100000" must not build a huge grid
MAX_TABLE_CELLS = 2_000_000


def read_html(path: str | Path) -> Document:
    """The saved web page at `path` as a Document; UnreadableDocument when it holds no text."""
    path = Path(path)
    return html_to_document(decode_html(path.read_bytes()), source=path.name)


def decode_html(raw: bytes) -> str:
    """The page's text: a BOM decides, then strict UTF-8, then the declared charset, then cp1258.

    Strict UTF-8 goes before the declaration because a page saved by a browser is often
    re-encoded as UTF-8 while its <meta> still names the original charset; Vietnamese text
    in a single-byte charset is practically never valid UTF-8.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]+)", raw[:8192], re.I)
    if declared:
        try:
            return raw.decode(codecs.lookup(declared.group(1).decode("ascii")).name,
                              errors="replace")
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("cp1258", errors="replace")


def parse_html(text: str, source: str = "") -> etree._Element:
    """The page's element tree; UnreadableDocument when it is empty or nested past the limit."""
    from theodoi.extract.readers import UnreadableDocument

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"),
                                             parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableDocument(f"Trang HTML rỗng hoặc hỏng, không đọc được: {source}") from exc
    if any("Excessive depth" in str(error.message) for error in parser.error_log):
        # libxml2 stops at 256 levels and silently drops the rest of the page.
        raise UnreadableDocument(
            f"Trang HTML lồng nhau quá sâu (trên 255 cấp), từ chối đọc: {source}"
        )
    return root


def html_to_document(text: str, source: str = "") -> Document:
    """A Document from a web page's HTML: the decision's body, its metadata box first."""
    from theodoi.extract.readers import UnreadableDocument

    root = parse_html(nfc(text), source)  # windows-1258 pages write tones as combining marks
    _remove_invisible(root)
    box = metadata_box_lines(root)
    body = find_body(root)
    drop_chrome(body, keep=_anchors(body))
    blocks = join_split_tables(element_to_blocks(body))
    doc = Document(source=source, blocks=[Paragraph(line) for line in box] + blocks)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise UnreadableDocument(f"Trang HTML không có chữ nào để đọc: {source}")
    return doc


def fragment_to_blocks(html: str) -> list[Paragraph | Table]:
    """Paragraphs and tables of an HTML fragment (a <table> block inside Markdown)."""
    try:
        elements = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    blocks: list[Paragraph | Table] = []
    loose: list[str] = []
    for element in elements:
        if isinstance(element, str):
            loose.append(element)
            continue
        if loose:
            blocks.extend(_text_paragraphs("".join(loose)))
            loose = []
        _remove_invisible(element)
        wrapper = etree.Element("div")
        wrapper.append(element)
        blocks.extend(element_to_blocks(wrapper))
    if loose:
        blocks.extend(_text_paragraphs("".join(loose)))
    return blocks


def _text_paragraphs(text: str) -> list[Paragraph]:
    line = _collapse(text)
    return [Paragraph(line)] if line else []


# ---------------------------------------------------------------------------------------
# Page -> the decision's element


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _remove_invisible(root: etree._Element) -> None:
    for element in list(root.iter()):
        if _tag(element) in _INVISIBLE and element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


def _text_length(element: etree._Element) -> tuple[int, int]:
    """(all text, text inside links) lengths of an element, spaces collapsed."""
    total = len(_collapse(element.text_content()))
    links = sum(len(_collapse(a.text_content())) for a in element.iter("a"))
    return total, links


def _score(element: etree._Element) -> int:
    """Text density: words that are not links count, link words count against."""
    total, links = _text_length(element)
    return total - 3 * links


def task_tables(root: etree._Element) -> list[etree._Element]:
    """The innermost tables whose first rows name a TT column and three task fields."""
    found = []
    for table in root.iter("table"):
        rows = _rows_of(table)[:3]
        text = " ".join(_collapse(c.text_content()) for r in rows for c in _cells_of(r))
        if is_header_text(text[:600]):
            found.append(table)
    return [t for t in found if not any(o is not t and _contains(t, o) for o in found)]


def _contains(outer: etree._Element, inner: etree._Element) -> bool:
    return any(a is outer for a in inner.iterancestors())


def _headings(root: etree._Element) -> list[etree._Element]:
    """The smallest elements whose whole text is a document heading ("QUYẾT ĐỊNH", ...)."""
    found = []
    # The length test runs inside libxml2: text_content() of every element would be slow.
    for element in root.xpath(".//*[string-length(normalize-space(.)) <= 40]"):
        text = _collapse(element.text_content())
        if len(text) <= 20 and _HEADING.match(text):
            found.append(element)
    return [e for e in found if not any(o is not e and _contains(e, o) for o in found)]


def _anchors(root: etree._Element) -> list[etree._Element]:
    return task_tables(root) + _headings(root)


def _common_ancestor(elements: Iterable[etree._Element]) -> etree._Element | None:
    common: list[etree._Element] | None = None
    for element in elements:
        chain = [element, *element.iterancestors()][::-1]
        if common is None:
            common = chain
            continue
        size = 0
        while size < min(len(common), len(chain)) and common[size] is chain[size]:
            size += 1
        common = common[:size]
    return common[-1] if common else None


def find_body(root: etree._Element) -> etree._Element:
    """The element holding the decision: around its task tables and headings, or the densest.

    From the smallest element holding every anchor, it widens to the parent while the
    parent adds more plain text than links (the decision's articles and signature are
    siblings of the table; menus and related-document lists are mostly links).
    """
    body = root.find("body")
    body = body if body is not None else root
    anchors = _anchors(body)
    current = _common_ancestor(anchors) if anchors else _densest(body)
    if current is None:
        return body
    while current is not body and current.getparent() is not None:
        parent = current.getparent()
        if _score(parent) < _score(current):
            break  # the parent adds more links than text: menus, related documents
        current = parent
    return current


def _densest(body: etree._Element) -> etree._Element:
    containers = [e for e in body.iter() if _tag(e) in ("div", "article", "section", "main",
                                                        "td", "body")]
    return max(containers, key=_score, default=body)


def _words(element: etree._Element) -> set[str]:
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    words = set()
    for token in names.split():
        words.add(token.replace("-", "").replace("_", ""))
        words.update(re.split(r"[-_]", token))
    return words


def drop_chrome(body: etree._Element, keep: list[etree._Element]) -> None:
    """Remove page furniture inside `body`, never an element holding one of `keep`."""
    # The proxies are held in a list: lxml reuses an id() once its proxy is freed.
    holders = [e for k in keep for e in (k, *k.iterancestors())]
    kept = {id(e) for e in holders}
    for element in list(body.iter()):
        if element is body or id(element) in kept or element.getparent() is None:
            continue
        if _is_chrome(element):
            element.drop_tree()


def _is_chrome(element: etree._Element) -> bool:
    tag = _tag(element)
    if not tag:
        return False
    if tag in _CHROME_TAGS or _words(element) & _CHROME_WORDS:
        return True
    if tag in ("ul", "ol", "div", "table", "section", "p", "dl"):
        total, links = _text_length(element)
        # A list of links (related documents, "văn bản cùng lĩnh vực", tag clouds).
        return total > 0 and links >= 0.6 * total and len(element.findall(".//a")) >= 3
    return False


# ---------------------------------------------------------------------------------------
# Metadata box


def metadata_box_lines(root: etree._Element) -> list[str]:
    """The portal's metadata box as "Label: value" lines, one per label, first seen wins."""
    found: dict[str, str] = {}
    starts = " or ".join(f"starts-with(normalize-space(.), '{label}')" for label in BOX_LABELS)
    for element in root.xpath(f".//*[string-length(normalize-space(.)) < 300 and ({starts})]"):
        tag = _tag(element)
        if not tag or tag in ("table", "tr", "tbody", "html", "body") or len(element) > 3:
            continue
        text = _collapse(element.text_content())
        match = _BOX_LABEL.match(text) if len(text) < 300 else None
        if not match or match.group(1) in found:
            continue
        label = match.group(1)
        value = _NEXT_LABEL.split(match.group(2), maxsplit=1)[0].strip(" :")
        if not value:
            following = element.getnext()
            value = _collapse(following.text_content()) if following is not None else ""
        if value and len(value) < 200 and _BOX_VALUE[label](value):
            found[label] = value
    return [f"{label}: {value}" for label, value in found.items()]


# ---------------------------------------------------------------------------------------
# Element -> paragraphs and tables


class _Writer:
    """Collects inline text into paragraphs; a block boundary ends the current one."""

    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.parts: list[str] = []
        self.prefix = ""

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        lines = [_collapse(line) for line in "".join(self.parts).split("\n")]
        lines = [line for line in lines if line]
        self.parts = []
        if lines:
            if self.prefix:
                lines[0] = f"{self.prefix} {lines[0]}"
                self.prefix = ""
            self.blocks.append(Paragraph("\n".join(lines)))


def element_to_blocks(element: etree._Element) -> list[Paragraph | Table]:
    """Paragraphs (lines split at <br>) and tables inside `element`, in reading order."""
    writer = _Writer()
    _walk(element, writer)  # the element itself: the decision's body may be a bare <table>
    writer.flush()
    return writer.blocks


def _walk_children(element: etree._Element, writer: _Writer) -> None:
    writer.text(element.text)
    for child in element:
        _walk(child, writer)
        writer.text(child.tail)


def _walk(element: etree._Element, writer: _Writer) -> None:
    tag = _tag(element)
    if not tag or tag in _INVISIBLE:
        return
    if tag == "br":
        writer.text("\n")
        return
    if tag == "table":
        writer.flush()
        writer.blocks.extend(table_blocks(element))
        return
    if tag not in _BLOCK:
        _walk_children(element, writer)
        return
    writer.flush()
    if tag == "li":
        writer.prefix = _list_label(element)
    _walk_children(element, writer)
    writer.flush()


def _list_label(li: etree._Element) -> str:
    """"-" for a bullet, "3." for the third item of a numbered list (what the page shows)."""
    parent = li.getparent()
    if parent is None or _tag(parent) != "ol":
        return "-"
    try:
        start = int(parent.get("start", "1"))
    except ValueError:
        start = 1
    position = sum(1 for s in li.itersiblings(preceding=True) if _tag(s) == "li")
    return f"{start + position}."


def cell_text(cell: etree._Element) -> str | None:
    """A cell's paragraphs (and any nested table's cells) joined with "\\n"; None when blank."""
    lines: list[str] = []
    for block in element_to_blocks(cell):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(c for row in block.rows for c in row if c)
    return "\n".join(lines) or None


def _rows_of(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _cells_of(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if _tag(c) in ("td", "th")]


def _span(cell: etree._Element, name: str) -> int:
    match = re.match(r"\s*(\d+)", cell.get(name, "") or "")
    return int(match.group(1)) if match else 1


def table_blocks(table: etree._Element) -> list[Paragraph | Table]:
    """A table as a Table, or as paragraphs when it only lays out the page.

    A table holding other tables, or of one or two columns (issuer beside motto,
    recipients beside signer), is layout: its cells are read as page content.
    """
    rows = _rows_of(table)
    nested = any(_tag(d) == "table" for r in rows for c in _cells_of(r) for d in c.iter())
    if nested and rows:
        # A task table may hold a small table in a cell; a layout table holds the page.
        first = " ".join(_collapse(c.text_content()) for c in _cells_of(rows[0]))
        nested = not (len(first) < 400 and is_header_text(first))
    width = max((sum(min(_span(c, "colspan"), MAX_COLSPAN) for c in _cells_of(r))
                 for r in rows), default=0)
    if nested or width <= 2:
        blocks: list[Paragraph | Table] = []
        for row in rows:
            for cell in _cells_of(row):
                blocks.extend(element_to_blocks(cell))
        return blocks
    grid, origins, header_flags = table_to_grid(table)
    if not grid:
        return []
    titles: list[Paragraph | Table] = []
    start = _header_row(grid)
    if start:
        # A title row merged across the table ("BIỂU TỔNG HỢP NHIỆM VỤ") above the header.
        titles = [Paragraph(c) for row in grid[:start] for c in row if c]
        grid, origins, header_flags = grid[start:], origins[start:], header_flags[start:]
    return [*titles, grid_to_table(grid, origins, header_flags)]


def _header_row(grid: list[list[str | None]]) -> int:
    """The index (among the first three rows) of the row naming the task columns, else 0."""
    for index, row in enumerate(grid[:3]):
        if is_header_text(" ".join(c or "" for c in row)):
            return index
    return 0


# Where a grid cell's text came from: its own cell, a cell spanning from the left, or a
# cell spanning from above (with that cell's text).
_OWN, _LEFT = "own", "left"
_PAD = "pad"  # a cell the row did not print (converters drop a row's empty cells)


def table_to_grid(table: etree._Element) -> tuple[list[list[str | None]],
                                                   list[list[object]], list[bool]]:
    """Rows x columns of cell texts with spans resolved, each cell's origin, header flags."""
    grid: list[list[str | None]] = []
    origins: list[list[object]] = []
    flags: list[bool] = []
    pending: dict[int, tuple[int, str | None]] = {}  # column -> (rows still covered, text)
    rows = _rows_of(table)
    size = 0
    for index, tr in enumerate(rows):
        texts: list[str | None] = []
        where: list[object] = []

        def fill_pending(texts=texts, where=where) -> None:
            # Columns covered by a cell spanning down from an earlier row come first.
            while len(texts) in pending:
                column = len(texts)
                left, text = pending[column]
                texts.append(None)
                where.append(("above", text))
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (left - 1, text)

        cells = _cells_of(tr)
        for cell in cells:
            fill_pending()
            colspan = max(1, min(_span(cell, "colspan"), MAX_COLSPAN))
            rowspan = _span(cell, "rowspan")
            rowspan = len(rows) - index if rowspan == 0 else max(1, min(rowspan,
                                                                        len(rows) - index))
            text = cell_text(cell)
            for offset in range(colspan):
                column = len(texts)
                texts.append(text if offset == 0 else None)
                where.append(_OWN if offset == 0 else _LEFT)
                if rowspan > 1:
                    pending[column] = (rowspan - 1, text if offset == 0 else None)
        fill_pending()
        grid.append(texts)
        origins.append(where)
        in_thead = _tag(tr.getparent()) == "thead"
        flags.append(in_thead or (bool(cells) and all(_tag(c) == "th" for c in cells)))
        size += len(texts)
        if size > MAX_TABLE_CELLS:
            break
    width = max((len(r) for r in grid), default=0)
    for texts, where in zip(grid, origins, strict=True):
        texts.extend([None] * (width - len(texts)))
        where.extend([_PAD] * (width - len(where)))
    return grid, origins, flags


def grid_to_table(grid: list[list[str | None]], origins: list[list[object]],
                  header_flags: list[bool]) -> Table:
    """A Table from a resolved grid: header rows counted, row spans given to numbered rows."""
    header_rows = 0
    while header_rows < len(grid) and header_flags[header_rows]:
        header_rows += 1
    header_rows = max(1, header_rows)
    rows = [list(r) for r in grid]
    if _has_sub_header(grid, origins):
        # "Cơ quan thực hiện" spanning "Chủ trì | Phối hợp": each column is named by the
        # lower cell where there is one, so that both agency columns are told apart.
        rows[0] = [low if where == _OWN and low else high
                   for high, low, where in zip(grid[0], grid[1], origins[1], strict=True)]
        header_rows = max(header_rows, 2)
    code_col = _code_column(rows[:header_rows])
    if code_col is not None:
        for r in range(header_rows, len(rows)):
            own_code = origins[r][code_col] == _OWN and _is_code(rows[r][code_col])
            for c, origin in enumerate(origins[r]):
                if own_code and isinstance(origin, tuple) and origin[1]:
                    rows[r][c] = origin[1]
    return tidy_table(rows, header_rows, [_printed(r, w) for r, w in zip(rows, origins,
                                                                           strict=True)])


def _printed(row: list[str | None], where: list[object]) -> int:
    """How many cells a row printed when it left out its empty ones, else the full width."""
    own = [text for text, origin in zip(row, where, strict=True) if origin == _OWN]
    if _PAD in where and all(own):
        return where.index(_PAD)
    return len(row)


def _has_sub_header(grid: list[list[str | None]], origins: list[list[object]]) -> bool:
    """Whether the second row names the columns under a header cell spanning several."""
    if len(grid) < 3 or _LEFT not in origins[0]:
        return False
    own = [text for text, where in zip(grid[1], origins[1], strict=True)
           if where == _OWN and text]
    return bool(own) and all(field_of_header_cell(t) or is_header_fragment(t) for t in own)


def _code_column(header: list[list[str | None]]) -> int | None:
    for row in header:
        for index, cell in enumerate(row):
            if field_of_header_cell(cell) == CODE:
                return index
    return None


def _is_code(text: str | None) -> bool:
    return bool(text) and bool(_CODE_TEXT.match(text.strip()))  # type: ignore[union-attr]


def _is_column_number_row(row: list[str | None]) -> bool:
    """The "(1) (2) (3) ..." row some tables print under the header."""
    values = [re.sub(r"[()\s]", "", c) for c in row if c and c.strip()]
    return len(values) >= 3 and values == [str(i) for i in range(1, len(values) + 1)]


_PLACEHOLDER = re.compile(r"^Col\d{1,2}$")


def tidy_table(rows: list[list[str | None]], header_rows: int = 1,
               printed: list[int] | None = None) -> Table:
    """A Table with its column-number row counted as header and repeated headers dropped.

    `printed` says how many cells each row printed; rows that printed fewer than the width
    without an empty cell (a converter dropped the empty ones) are remembered for joining
    the pieces of a cut table, until `join_split_tables` is done.
    """
    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    printed = printed or [width] * len(rows)
    if header_rows and rows and any(_PLACEHOLDER.match(c or "") for c in rows[0]):
        # A converter names the empty cells of a first row it took for a header "Col1",
        # "Col2" ...; the row is the rest of a row cut at a page break, not a header.
        rows[0] = [None if _PLACEHOLDER.match(c or "") else c for c in rows[0]]
        if not is_header_text(" ".join(c or "" for c in rows[0])):
            header_rows = 0
    if header_rows < len(rows) and _is_column_number_row(rows[header_rows]):
        header_rows += 1
    keys = {row_key(r) for r in rows[:header_rows]}
    keep = [i for i in range(header_rows, len(rows)) if row_key(rows[i]) not in keys]
    table = Table(rows=rows[:header_rows] + [rows[i] for i in keep], header_rows=header_rows)
    short = {n: printed[i] for n, i in enumerate(keep, start=header_rows) if printed[i] < width}
    if printed[0] < width:
        short[0] = printed[0]
    if short:
        table._short_rows = short  # type: ignore[attr-defined]
    return table


# ---------------------------------------------------------------------------------------
# Tables cut in pieces


def is_stray_line(text: str) -> bool:
    """A line a page break leaves between two pieces of one table: page number, header words."""
    text = text.strip()
    return not text or is_page_number(text) or is_header_fragment(text)


def _is_task_header(table: Table) -> bool:
    return bool(table.rows) and is_header_text(" ".join(c or "" for c in table.rows[0]))


def join_split_tables(blocks: list[Paragraph | Table],
                      stray: Callable[[str], bool] = is_stray_line) -> list[Paragraph | Table]:
    """Join the pieces of a table cut at page breaks back into one Table.

    A piece continues the task table before it when only stray lines stand between them
    (page numbers, header words, or a line repeating one of the piece's rows, as converters
    print a section row both in and outside the table), it has no more columns, and it
    either repeats the header or has no header of its own. A repeated header is dropped;
    a first row without a number goes on with the row the break cut: cell by cell, or,
    when the converter left out its empty cells, in the columns the break cut.
    """
    out: list[Paragraph | Table] = []
    held: list[Paragraph] = []  # short lines after a task table, until the next block
    for block in blocks:
        last = out[-1] if out and isinstance(out[-1], Table) else None
        if isinstance(block, Paragraph):
            if last is not None and _is_task_header(last) and len(held) < 3 and len(
                    block.text) <= 200:
                held.append(block)
                continue
            out.extend(held)
            held = []
            out.append(block)
            continue
        if last is not None and _continues(last, block) and all(
                stray(p.text) or _repeats_a_row(p.text, block) for p in held):
            _stitch(last, block)
        else:
            out.extend(held)
            out.append(block)
        held = []
    out.extend(held)
    for block in out:
        if isinstance(block, Table) and hasattr(block, "_short_rows"):
            del block._short_rows
    return out


def _repeats_a_row(text: str, table: Table) -> bool:
    key = " ".join(text.split()).casefold()
    return any(" ".join(" ".join(c or "" for c in row).split()).casefold() == key
               for row in table.rows[:3])


def _continues(first: Table, second: Table) -> bool:
    if not first.rows or not second.rows or len(first.rows[0]) < len(second.rows[0]):
        return False
    if not _is_task_header(first):
        return False
    header_keys = {row_key(r) for r in first.rows[: first.header_rows]}
    width = len(first.rows[0])
    padded = second.rows[0] + [None] * (width - len(second.rows[0]))
    return row_key(padded) in header_keys or not _is_task_header(second)


def _stitch(prev: Table, piece: Table) -> None:
    """Append the rows of `piece` to `prev`, the row a page break cut joined back."""
    width = len(prev.rows[0])
    short: dict[int, int] = getattr(piece, "_short_rows", {})
    rows = [list(r) + [None] * (width - len(r)) for r in piece.rows]
    header_keys = {row_key(r) for r in prev.rows[: prev.header_rows]}
    first = 0
    while first < len(rows) and row_key(rows[first]) in header_keys:
        first += 1
    if (first < len(rows) and first in short and not _is_code(rows[first][0])
            and len(prev.rows) > prev.header_rows):
        cells = rows[first][: short[first]]
        last = prev.rows[-1]
        for text, column in zip(cells, _cut_columns(last, cells), strict=True):
            last[column] = f"{last[column]}\n{text}" if last[column] else text
        first += 1
    if first < len(rows):
        stitch_fragments(prev, Table(rows=rows[first:], header_rows=0))  # type: ignore[arg-type]


# Words that cannot end a phrase: a cell ending in one was cut by the page break.
_OPEN_WORDS = frozenset((
    "các", "những", "và", "của", "với", "cho", "tại", "trên", "trong", "để", "theo", "về",
    "từ", "đến", "là", "được", "bị", "hoặc", "hay", "mọi", "mỗi", "từng", "giữa", "như",
    "nhằm", "bằng",
))


def _cut_score(above: str | None, text: str | None, column: int) -> float:
    """How likely `text` continues the cell `above` that a page break cut."""
    if not above or not text:
        return -1.0
    score = 0.5
    tail = above.rstrip()
    if tail[-1] not in ".;:!?":
        score += 0.5
        if text[:1].islower():
            score += 1.5
        if tail.split()[-1].lower() in _OPEN_WORDS:
            score += 1.5
    if text.startswith(("-", "+", "•")) and re.search(r"(?:^|\n)\s*[-+•]", above):
        score += 2.0  # another item of a cell's bullet list
    return score + 0.01 * column  # long text columns, on the right, are the ones cut


def _cut_columns(last: list[str | None], cells: list[str | None]) -> tuple[int, ...]:
    """The columns (never the TT column) the printed continuation cells go on in, in order."""
    candidates = range(1, len(last))
    if math.comb(len(candidates), len(cells)) > 5000:
        return tuple(range(len(last) - len(cells), len(last)))  # too many: the last columns
    best = max(itertools.combinations(candidates, len(cells)),
               key=lambda chosen: sum(_cut_score(last[c], t, c)
                                      for t, c in zip(cells, chosen, strict=True)),
               default=tuple(range(1, 1 + len(cells))))
    return best


__all__ = ["decode_html", "fragment_to_blocks", "html_to_document", "join_split_tables",
           "read_html", "table_to_grid", "tidy_table"]
