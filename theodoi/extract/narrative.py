"""Tasks of a narrative plan: numbered paragraphs whose sentences name who leads and when.

"1. Cục Chuyển đổi số quốc gia chủ trì:" leads its sub-items; "X chủ trì, phối hợp với Y
..." names the lead X and partners Y; an intro paragraph "... đề nghị X ...:" names the
lead of the items after it; the deadline is a phrase inside the sentence. Lettered
examples and bullets are not tasks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from theodoi.extract.agency_lists import split_agencies, starts_agency
from theodoi.extract.deadlines import find_deadline_phrase
from theodoi.extract.model import Task
from theodoi.extract.text import join_lines

_SECTION = re.compile(r"^([IVX]{1,5})\.\s+\S")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.\s+(\S.*)$", re.S)
_ARTIFACT = re.compile(r"\[bookmark:[^\]]*\]\s*")

# Words after which a sentence's subject (or the object of "phối hợp với") has ended.
PREDICATES = (
    "chủ trì", "phối hợp", "chủ động", "liên tục", "gửi", "tham mưu", "tổ chức", "thực hiện",
    "triển khai", "xây dựng", "hướng dẫn", "chỉ đạo", "thúc đẩy", "phát động", "cập nhật",
    "đăng tải", "lan truyền", "lan tỏa", "mỗi đơn vị", "tiếp tục", "có trách nhiệm",
    "đề nghị", "báo cáo", "nghiên cứu", "ban hành", "hoàn thành", "bố trí", "đẩy mạnh",
    "tăng cường", "rà soát", "theo dõi", "đôn đốc", "kiểm tra", "căn cứ", "tham khảo", "để",
    "tìm kiếm", "khuyến khích", "định hướng", "tuyên truyền", "phổ biến", "cung cấp",
    "hỗ trợ", "bảo đảm", "đảm bảo", "nâng cao", "trình", "tiên phong", "có phương án",
    "quản lý", "giám sát", "vận hành", "duy trì", "lựa chọn", "lên phương án",
)
_PREDICATE_RE = re.compile(
    # "các tổ chức" is a noun (organisations), "tổ chức" alone a verb (to organise).
    r"(?:,\s*)?(?<!\bcác)(?<!\bmỗi)(?<!\bnhững)\s(?:"
    + "|".join(re.escape(p) for p in sorted(PREDICATES, key=len, reverse=True))
    + r")(?=[\s,:;.]|$)"
)
_PARTNERS = re.compile(r"\bphối hợp(?: với)?\s+(.+)", re.IGNORECASE | re.S)
_REQUESTED = re.compile(r"\bđề nghị\s+(.+)", re.S)


@dataclass
class _Item:
    code: str
    text: str
    intros: list[str] = field(default_factory=list)


def narrative_tasks(paragraphs: Sequence[str]) -> list[Task]:
    """Every numbered paragraph under a roman section, as a task with lead and deadline."""
    items = _numbered_items(paragraphs)
    tasks: list[Task] = []
    by_code: dict[str, Task] = {}
    items_by_code = {item.code: item for item in items}
    for index, item in enumerate(items):
        next_code = items[index + 1].code if index + 1 < len(items) else ""
        is_heading = next_code.startswith(item.code + ".")
        parent_code = item.code.rsplit(".", 1)[0] if item.code.count(".") > 1 else None
        parent = by_code.get(parent_code) if parent_code else None
        parent_item = items_by_code.get(parent_code) if parent_code else None
        task = Task(code=item.code, name=item.text)
        own_lead = _subject(item.text)
        requested_in_text = _requested(item.text)
        intro_requested = next((r for r in map(_requested, item.intros) if r), None)
        if is_heading:
            task.lead = requested_in_text or intro_requested or own_lead or []
            # A deadline printed in the intro belongs to the heading, not to its items.
            task.deadline = next((p for p in map(_first_deadline, item.intros) if p), None)
            if task.deadline is None:
                task.deadline = _first_deadline(item.text)
        else:
            parent_intro = None
            if parent_item is not None:
                parent_intro = next((r for r in map(_requested, parent_item.intros) if r), None)
            task.lead = own_lead or parent_intro or (list(parent.lead) if parent else [])
            task.deadline = _first_deadline(item.text)
        task.partners = _partners(item.text)
        tasks.append(task)
        by_code[item.code] = task
    return tasks


def _numbered_items(paragraphs: Sequence[str]) -> list[_Item]:
    """Numbered paragraphs with their section code, and the plain paragraphs after them."""
    items: list[_Item] = []
    section: str | None = None
    for raw in paragraphs:
        text = join_lines(_ARTIFACT.sub("", raw).split("\n")).strip()
        if not text:
            continue
        section_match = _SECTION.match(text)
        if section_match:
            section = section_match.group(1)
            continue
        numbered = _NUMBERED.match(text)
        if numbered and section:
            items.append(_Item(f"{section}.{numbered.group(1)}", numbered.group(2).strip()))
            continue
        if re.match(r"^(?:[a-zđ]\)|[-–+•])\s", text):
            continue  # lettered examples and bullets are not tasks
        if items:
            items[-1].intros.append(text)
    return items


def _cut_at_predicate(text: str) -> str:
    match = _PREDICATE_RE.search(" " + text)
    return (" " + text)[: match.start()].strip() if match else text.strip()


def _subject(text: str) -> list[str]:
    """The agencies a sentence starts with ("Cục Viễn thông chủ trì, ..." -> [Cục Viễn thông])."""
    if not starts_agency(text):
        return []
    return split_agencies(_cut_at_predicate(text).rstrip(":"))


def _requested(text: str) -> list[str]:
    """The agencies a sentence asks to act ("... đề nghị các Bộ, ngành chủ trì ...")."""
    match = _REQUESTED.search(text)
    if not match:
        return []
    target = _cut_at_predicate(match.group(1)).rstrip(":").strip()
    return split_agencies(target) if target else []


def _partners(text: str) -> list[str]:
    """The agencies named after "phối hợp (với)" up to the next verb."""
    found: list[str] = []
    for match in _PARTNERS.finditer(text):
        rest = re.split(r"[;:]", match.group(1), maxsplit=1)[0]
        target = _cut_at_predicate(rest)
        found.extend(split_agencies(target))
    return found


def _first_deadline(text: str) -> str | None:
    """The deadline phrase of the first sentence that has one."""
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text):
        phrase = find_deadline_phrase(sentence)
        if phrase:
            return phrase
    return None
