"""Measurable objectives (chỉ tiêu): each bullet of the specific goals with a number."""

from __future__ import annotations

import re
from collections.abc import Sequence

from theodoi.extract.columns import NAME, field_of_header_cell
from theodoi.extract.document import Table
from theodoi.extract.model import Target
from theodoi.extract.text import clean_cell, join_lines
from theodoi.registry.text import fold

# Head nouns that count things in these plans, longest first so "dịch vụ công" wins over
# "dịch vụ".
UNIT_NOUNS = (
    "doanh nghiệp", "dịch vụ công", "dịch vụ", "hệ thống", "người", "hộ gia đình", "hộ",
    "xã", "huyện", "tỉnh", "cơ sở dữ liệu", "nền tảng", "thủ tục hành chính", "thủ tục",
    "hồ sơ", "tài khoản", "thuê bao", "trạm", "điểm", "cơ quan", "đơn vị", "sản phẩm",
    "ứng dụng", "học viên", "cán bộ", "lượt", "tỷ đồng", "triệu đồng", "đồng", "km", "thôn",
)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNIT_NOUNS, key=len, reverse=True))
_VALUE = re.compile(
    rf"(?<![\d/.,])(\d{{1,3}}(?:[.,]\d{{3}})+|\d+(?:[.,]\d+)?)\s*(%|(?:{_UNIT_RE})\b)"
)
_GOALS_HEADING = re.compile(r"(mục tiêu cụ thể|chỉ tiêu)", re.IGNORECASE)
_SECTION_END = re.compile(r"^(?:\d+\.\s|[IVX]+\.\s|[a-zđ]\)\s)")


def read_targets(paragraphs: Sequence[str]) -> list[Target]:
    """Targets listed in the "Mục tiêu cụ thể" part of the plan, in document order."""
    targets: list[Target] = []
    inside = False
    for paragraph in paragraphs:
        text = join_lines(paragraph.split("\n"))
        if _GOALS_HEADING.search(text) and not text.startswith(("-", "–", "+")):
            inside = True
            continue
        if not inside:
            continue
        if _SECTION_END.match(text):
            inside = False
            continue
        if text.startswith(("-", "–", "+", "•")):
            target = target_of(re.sub(r"^[-–+•]\s*", "", text))
            if target:
                targets.append(target)
    return targets


def target_of(text: str) -> Target | None:
    """The first number-with-unit in `text` as a Target, or None."""
    found = _VALUE.search(text)
    if not found:
        return None
    raw, unit = found.group(1), found.group(2)
    number = raw.replace(".", "").replace(",", "") if re.search(r"[.,]\d{3}$", raw) else raw
    value: float | int = (
        float(number.replace(",", ".")) if re.search(r"[.,]", number) else int(number)
    )
    return Target(text=text, value=value, unit=unit)


# Header cells of a table of targets ("Chỉ tiêu | Đơn vị | Kết quả | Cơ quan chủ trì theo dõi"),
# matched on folded text.
_TARGET_TEXT = re.compile(r"\b(?:ten\s+|noi\s+dung\s+)?chi\s+tieu\b")
_TARGET_UNIT = re.compile(r"^\s*(?:don\s+vi(?:\s+tinh)?|dvt)\s*$")
_TARGET_VALUE = re.compile(r"\b(?:ket\s+qua|gia\s+tri|muc\s+tieu|chi\s+tieu\s+nam|nam\s+20\d\d)")
_TASK_WORDS = re.compile(r"\bnhiem\s+vu\b")
_NUMBER = re.compile(r"(?<![\d/])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(%)?")


def _target_columns(table: Table) -> tuple[int, int | None, int | None] | None:
    """(text, unit, value) columns of a table of targets, or None when it is not one."""
    if not table.rows or table.header_rows == 0:
        return None
    header = [fold(" ".join((c or "").split())).lower() for c in table.rows[0]]
    text_col = next((i for i, h in enumerate(header)
                     if _TARGET_TEXT.search(h) and not _TASK_WORDS.search(h)), None)
    if text_col is None:
        return None
    if any(field_of_header_cell(cell) == NAME
           for i, cell in enumerate(table.rows[0]) if i != text_col):
        return None  # a task table with a column of targets beside its tasks
    unit_col = next((i for i, h in enumerate(header) if _TARGET_UNIT.match(h)), None)
    value_col = next((i for i, h in enumerate(header)
                      if i != text_col and _TARGET_VALUE.search(h)), None)
    if unit_col is None and value_col is None:
        return None
    return text_col, unit_col, value_col


def is_target_table(table: Table) -> bool:
    """Whether a table lists targets (a "Chỉ tiêu" column with its unit or value)."""
    return _target_columns(table) is not None


def table_targets(table: Table) -> list[Target]:
    """The targets of a table of targets, one per row that names one, in printed order."""
    columns = _target_columns(table)
    if columns is None:
        return []
    text_col, unit_col, value_col = columns
    targets: list[Target] = []
    for row in table.rows[table.header_rows:]:
        def cell(col: int | None, row: list[str | None] = row) -> str | None:
            return clean_cell(row[col]) if col is not None and col < len(row) else None

        text, unit, printed = cell(text_col), cell(unit_col), cell(value_col)
        if not text or (not unit and not printed):
            continue  # a group heading inside the table
        found = _NUMBER.search(printed or "")
        if found is None:
            target = target_of(text)
            targets.append(target or Target(text=text, value=None, unit=unit))
            continue
        raw = found.group(1)
        number = raw.replace(".", "").replace(",", "") if re.search(r"[.,]\d{3}$", raw) else raw
        value: float | int = (
            float(number.replace(",", ".")) if re.search(r"[.,]", number) else int(number)
        )
        targets.append(Target(text=text, value=value, unit=unit or found.group(2)))
    return targets
