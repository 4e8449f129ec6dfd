"""Which plan field each column of a task table holds, learned from its header."""

from __future__ import annotations

import re

from theodoi.registry.text import fold

CODE, NAME, DETAIL, RESULT, DEADLINE, LEAD, PARTNERS, NOTE = (
    "code", "name", "detail", "result", "deadline", "lead", "partners", "note",
)
TASK_FIELDS = (NAME, DETAIL, RESULT, DEADLINE, LEAD, PARTNERS)

# Header phrases, most specific first; matched left to right without overlap so that
# "Kết quả thực hiện" is a result column and not a lead ("thực hiện") column.
_HEADER_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bs?tt\b|số\s+thứ\s+tự|\bsố\s+tt\b", CODE),
    (r"chi\s+tiết(?:\s+nhiệm\s+vụ|\s+nội\s+dung)?", DETAIL),
    (r"kết\s+quả(?:\s*,?\s*sản\s+phẩm)?(?:\s+(?:dự\s+kiến|thực\s+hiện|đạt\s+được|đầu\s+ra|cần\s+đạt))?"
     r"|sản\s+phẩm(?:\s+(?:dự\s+kiến|đầu\s+ra|chủ\s+yếu))?"
     r"|hình\s+thức\s+văn\s+bản", RESULT),  # the kind of paper a drafting task delivers
    (r"thời\s+(?:gian|hạn)(?:\s+(?:hoàn\s+thành|thực\s+hiện|triển\s+khai))?"
     r"|tiến\s+độ(?:\s+(?:hoàn\s+thành|thực\s+hiện))?|thời\s+điểm(?:\s+hoàn\s+thành)?"
     r"|lộ\s+trình(?:\s+(?:thực\s+hiện|triển\s+khai))?", DEADLINE),
    (r"(?:cơ\s+quan|đơn\s+vị)(?:\s*,\s*đơn\s+vị)?\s+phối\s+hợp(?:\s+thực\s+hiện)?"
     r"|phối\s+hợp", PARTNERS),
    (r"(?:cơ\s+quan|đơn\s+vị)(?:\s*,\s*đơn\s+vị)?\s+(?:chủ\s+trì|thực\s+hiện|thực\s+hiện\s+chính|"
     r"chịu\s+trách\s+nhiệm)|chủ\s+trì(?:\s+thực\s+hiện)?", LEAD),
    (r"(?:tên\s+)?nhiệm\s+vụ(?:\s*,\s*giải\s+pháp)?|nội\s+dung(?:\s+(?:công\s+việc|nhiệm\s+vụ|"
     r"hoạt\s+động))?|(?:tên\s+)?hoạt\s+động|công\s+việc|nhiệm\s+vụ", NAME),
    (r"ghi\s+chú", NOTE),
)
# Matched on folded text (no diacritics), so that an OCR'd "Chỉ tiết" still names a column.
_HEADER_RE = re.compile(
    "|".join(
        f"(?P<g{i}>{fold(pattern)})" for i, (pattern, _field) in enumerate(_HEADER_PHRASES)
    ),
    re.IGNORECASE,
)


# The same phrases with the spaces taken out, matched on text with its spaces taken out:
# some converters lose the spaces of a header or move them ("Đơn vịphốihợp", "kế tquả").
_SPACES_IN_PATTERN = re.compile(r"\\s[*+]|\\b")
_GLUED_RE = re.compile(
    "|".join(
        f"(?P<g{i}>{_SPACES_IN_PATTERN.sub('', fold(pattern))})"
        for i, (pattern, _field) in enumerate(_HEADER_PHRASES)
    ),
    re.IGNORECASE,
)
_GLUED_CELL = 40  # a header cell is short; a longer one is text


def _fields(pattern: re.Pattern[str], text: str) -> list[str]:
    found: list[str] = []
    for match in pattern.finditer(text):
        field = _HEADER_PHRASES[int(match.lastgroup[1:])][1]  # type: ignore[index]
        if field not in found:
            found.append(field)
    return found


def _is_header(fields: list[str]) -> bool:
    return CODE in fields[:1] and len([f for f in fields if f in TASK_FIELDS]) >= 3


def fields_in_header_text(text: str) -> list[str]:
    """The fields named in a header, in the order printed ("TT Nhiệm vụ Kết quả ...").

    A header whose words run together is read with its spaces taken out.
    """
    found = _fields(_HEADER_RE, fold(text))
    if not _is_header(found):
        # Only a header that opens with its code column: letters run together anywhere
        # else spell "tt" ("Kết thúc").
        despaced = "".join(fold(text).split())
        glued = _fields(_GLUED_RE, despaced)
        if _is_header(glued) and _GLUED_RE.match(despaced):
            return glued
    return found


def field_of_header_cell(text: str | None) -> str | None:
    """The field a single header cell names, or None when it names none."""
    if text in (CODE, *TASK_FIELDS, NOTE):
        return text  # readers that rebuilt the header name the fields directly
    fields = fields_in_header_text(text or "")
    if not fields and text and len(text) <= _GLUED_CELL:
        fields = [f for f in _fields(_GLUED_RE, "".join(fold(text).split())) if f != CODE]
    return fields[0] if fields else None


def is_header_text(text: str) -> bool:
    """True when `text` names a code column and at least three other task fields."""
    return _is_header(fields_in_header_text(text))


_HEADER_VOCABULARY = (
    "tt stt tên nhiệm vụ chi tiết kết quả sản phẩm dự kiến thực hiện thời gian hoàn thành "
    "cơ quan đơn vị chủ trì phối hợp tiến độ thời hạn ghi chú nội dung hoạt động công việc "
    "đạt được đầu ra , giải pháp"
)
HEADER_WORDS = frozenset(fold(_HEADER_VOCABULARY).split(" "))


def is_header_fragment(line: str) -> bool:
    """True when every word of `line` is a header word (a header repeated on a new page)."""
    words = re.findall(r"[^\s,]+", fold(line))
    return bool(words) and all(w in HEADER_WORDS for w in words)
