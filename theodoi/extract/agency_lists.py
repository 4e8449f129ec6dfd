"""Splitting a lead or partner cell into one string per agency or group, as printed.

The rules are those of plan-json: split after ";", at line-initial "- " bullets, at a line
break where the next line begins a new agency, and at ", " or " và " where the next words
begin a new agency or group; commas inside one name stay, and nothing inside parentheses
is split.
"""

from __future__ import annotations

import re

from theodoi.extract.text import join_lines, nfc

# Words that begin the name of an agency or a group of agencies. Compared case-sensitively
# (capitalised) except "các", which also begins a group in lower case.
AGENCY_HEADS = (
    "Bộ", "Cục", "Vụ", "Viện", "Trung tâm", "Văn phòng", "Ủy ban", "Uỷ ban", "UBND", "Sở",
    "Ngân hàng", "Bảo hiểm", "Tổng công ty", "Tổng Công ty", "Tổng cục", "Tập đoàn", "Đài",
    "Báo", "Tạp chí",
    "Học viện", "Thanh tra", "Thông tấn xã", "Hội", "Hiệp hội", "Ban", "Tổ", "Quốc hội",
    "Tòa án", "Toà án", "Kiểm toán", "Mặt trận", "Các", "Cơ quan", "Đơn vị", "Công an",
    "Đại học", "Liên hiệp", "Đoàn", "Hội đồng", "Viettel", "VNPT",
)
# "Trường" begins a name only before its proper name ("Trường Đại học Cần Thơ"); bare, it is
# a kind of body listed with others ("Viện, Trường": one group).
_NAMED_HEADS = ("Trường",)
# Verbs and nouns that begin like an agency word but are not one ("Tổ chức" is to
# organise, "Ban hành" to issue, "Báo cáo" a report).
_NOT_AGENCY = (
    r"(?!Tổ chức|Ban hành|Báo cáo|Hội nghị|Hội thảo|Các năm|Các nội dung|Các hoạt động"
    r"|Các nhiệm vụ|Các chỉ tiêu|Các văn bản|Các hội nghị)"
)
_HEAD_RE = re.compile(
    _NOT_AGENCY
    + r"(?:"
    + "|".join(re.escape(h) for h in sorted(AGENCY_HEADS, key=len, reverse=True))
    + r")(?=[\s,;.]|$)"
    + r"|(?:" + "|".join(_NAMED_HEADS) + r")\s+(?=[A-ZĐÀ-Ỹ])"
)
_LOWER_GROUP_RE = re.compile(r"các(?=\s)")
# Abbreviations of things an agency handles, never of an agency ("thủ tục hành chính",
# "cơ sở dữ liệu", "dịch vụ công"): a cell line holding one goes on with the name above
# ("Các đơn vị có" / "TTHC").
_THING_ABBREVS = ("TTHC", "CSDL", "CSDLQG", "CNTT", "DVC", "DVCTT", "HTTT", "CCHC", "KTXH")
_ABBREV_RE = re.compile(
    r"(?!(?:" + "|".join(_THING_ABBREVS) + r")\b)[A-ZĐ][A-ZĐ&]{1,}(?=\s*(?:[,;.]|$))")


def starts_agency(text: str) -> bool:
    """True when `text` begins the name of a new agency or group."""
    return bool(
        _HEAD_RE.match(text) or _LOWER_GROUP_RE.match(text) or _ABBREV_RE.match(text)
    )


def _split_top_level(text: str, separators: re.Pattern[str]) -> list[tuple[str, str]]:
    """Pieces of `text` split at `separators` outside parentheses, with the separator kept."""
    pieces: list[tuple[str, str]] = []
    depth = 0
    start = 0
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = separators.match(text, pos)
            if match:
                pieces.append((text[start:pos], match.group(0)))
                start = pos = match.end()
                continue
        pos += 1
    pieces.append((text[start:], ""))
    return pieces


_HARD = re.compile(r";\s*")
# A comma with no space after it ("Xã hội,Thanh tra Chính phủ") still separates two names.
_SOFT = re.compile(r",\s*|\s+và\s+")


def split_agencies(cell: str | None) -> list[str]:
    """One string per agency or group printed in a lead or partner cell."""
    if cell is None:
        return []
    lines = [nfc(line).strip() for line in cell.split("\n")]
    # A line that starts with a "- " bullet starts a new item, and so does a line that
    # begins a new agency after a line that ended one (one agency printed per line).
    chunks: list[list[str]] = []
    for line in lines:
        if not line:
            continue
        if re.match(r"[-–+•]\s", line) or not chunks or _starts_on_new_line(chunks[-1][-1], line):
            chunks.append([re.sub(r"^[-–+•]\s+", "", line)])
        else:
            chunks[-1].append(line)
    items: list[str] = []
    for chunk in chunks:
        text = join_lines(chunk)
        for hard_piece, _sep in _split_top_level(text, _HARD):
            items.extend(_split_soft(hard_piece))
    cleaned = [_tidy(item) for item in items]
    cleaned = [item for item in cleaned if item]
    if cleaned == ["-"] or all(item in {"-", "–"} for item in cleaned):
        return []
    return cleaned


_RUNS_ON = re.compile(
    r"(?:\b(?:và|các|của|với|thuộc|trực thuộc)|[-–,(/&])$|(?:^|\s)(?:"
    + "|".join(re.escape(h) for h in sorted(AGENCY_HEADS, key=len, reverse=True))
    + r")$"
)


def _starts_on_new_line(previous: str, line: str) -> bool:
    """Whether `line` begins a new agency rather than continuing the name `previous` began.

    A name wrapped inside a cell goes on in lower case ("Truyền" / "thông các tỉnh") or
    after a word that cannot end it ("Bộ" / "Công an", "Sở Nội vụ và" / "Sở ...").
    A new agency begins with a capitalised head word or an abbreviation.
    """
    if _RUNS_ON.search(previous) or _depth(previous) > 0:
        return False
    # Only a capitalised head: a wrapped name often goes on with "các tỉnh, thành phố".
    line = re.sub(r"^[-–+•]\s+", "", line)
    return bool(_HEAD_RE.match(line) or _ABBREV_RE.match(line))


def _depth(text: str) -> int:
    """How many brackets are open at the end of `text`."""
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def _split_soft(text: str) -> list[str]:
    """Split at ", " / " và " only where the next words begin a new agency or group."""
    pieces = _split_top_level(text, _SOFT)
    items: list[str] = []
    current = ""
    for piece, sep in pieces:
        if current and starts_agency(piece.strip()) and _is_breakable(current):
            items.append(current)
            current = piece
        else:
            current += piece
        current += sep
    if current:
        items.append(current)
    return items


def _is_breakable(current: str) -> bool:
    """Whether the text gathered so far may end an item (not inside "các hội, hiệp hội")."""
    return bool(current.strip(" ,;và"))


def _tidy(item: str) -> str:
    """An item without trailing punctuation, separators or stray bullets."""
    item = item.strip()
    item = re.sub(r"(?:\s+và)$", "", item)
    item = item.rstrip(" ,;.:").strip()
    item = re.sub(r"^[-–+•]\s+", "", item)
    item = item.rstrip("…").rstrip(" ,;.")
    return item.strip()
