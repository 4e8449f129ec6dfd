"""Compare a reader's task table with the gold plan, cell by cell.

This is not the plan logic (that is `theodoi.extract.plan`): it only maps the fixture's
own header words to fields, rebuilds codes from the TT column and heading rows, and checks
that each gold task's cells came out of the reader with the gold's words.
"""

from __future__ import annotations

import re
import unicodedata

from theodoi.extract.document import Document, Table

HEADER_FIELDS = (  # matched without diacritics
    (r"^(s?tt|so tt)$", "code"),
    (r"chi tiet", "detail"),
    (r"ket qua", "result"),
    (r"thoi gian|tien do", "deadline"),
    (r"chu tri|thuc hien", "lead"),
    (r"phoi hop", "partners"),
    (r"nhiem vu|noi dung", "name"),
)
TEXT_FIELDS = ("name", "detail", "result", "deadline")
AGENCY_FIELDS = ("lead", "partners")


def norm(text: str | None) -> str | None:
    """Cell or gold text compared as the scorer does (NFC, spaces, end punctuation)."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"(?<=\S-)\n(?=\S)", "", text)  # "1690/QĐ-" + "TTg"
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2013", "-")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"[\s.;,:]+$", "", text)
    return text or None


def norm_agencies(text: str | list[str] | None) -> str:
    """Agencies as one comparable string, whatever separators the cell used."""
    if isinstance(text, list):
        text = " ".join(text)
    text = norm(text) or ""
    text = re.sub(r"(^|\s)-(\s|$)", " ", text)
    return re.sub(r"[\s;,.]+", " ", text).strip()


def _plain(text: str) -> str:
    """Without diacritics, so that an OCR'd "Chỉ tiết" still reads as "Chi tiết"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def field_of(header: str | None) -> str | None:
    h = _plain(re.sub(r"\s+", " ", (header or "")).strip().casefold())
    for pattern, name in HEADER_FIELDS:
        if re.search(pattern, h):
            return name
    return None


def task_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables() if t.rows and field_of(t.rows[0][0]) == "code"]


def rows_by_code(doc: Document) -> dict[str, dict[str, str | None]]:
    """Every table row as {field: cell text}, keyed by the code the TT column implies."""
    out: dict[str, dict[str, str | None]] = {}
    for table in task_tables(doc):
        fields = [field_of(h) for h in table.rows[0]]
        section: list[str] = []
        for row in table.rows[table.header_rows:]:
            mark = (row[0] or "").strip().rstrip(".")
            values = {f: row[i] for i, f in enumerate(fields) if f and i < len(row)}
            filled = [c for c in row[1:] if c]
            if re.fullmatch(r"[IVXL]+", mark):
                section = [mark]
                if len(filled) == 1 and not re.search(r"[a-zà-ỹ]", filled[0]):
                    continue
            if re.fullmatch(r"[A-H]", mark) and section:
                section = [*section[:1], mark]
                continue
            code = ".".join([*section, mark]) if mark else None
            if code:
                out.setdefault(code, values)
    return out


def compare(doc: Document, gold: dict) -> tuple[int, int, list[str]]:
    """(cells that agree, cells compared, a line per disagreement)."""
    rows = rows_by_code(doc)
    agree, total, wrong = 0, 0, []
    for task in gold["tasks"]:
        if task.get("scored") is False:
            continue
        row = rows.get(task["code"])
        group = not any(task.get(f) for f in ("detail", "result", "deadline", "lead",
                                              "partners"))
        for fname in TEXT_FIELDS + AGENCY_FIELDS:
            if row is None:
                total += 1
                wrong.append(f"{task['code']}: missing row")
                continue
            if fname not in row:
                continue
            total += 1
            got = row.get(fname)
            if group and fname != "name":
                # A group row's name spans the row: other cells are empty or covered.
                ok = got is None
            elif fname in AGENCY_FIELDS:
                ok = norm_agencies(got) == norm_agencies(task[fname])
            else:
                ok = norm(got) == norm(task[fname])
            if ok:
                agree += 1
            else:
                wrong.append(f"{task['code']} {fname}: gold {task[fname]!r} got {got!r}")
    return agree, total, wrong
