"""Tasks of a narrative plan: numbered paragraphs whose sentences name who leads and when.

"1. Cục Chuyển đổi số quốc gia chủ trì:" leads its sub-items; "X chủ trì, phối hợp với Y
..." names the lead X and partners Y; an intro paragraph "... đề nghị X ...:" names the
lead of the items after it; the deadline is a phrase inside the sentence. Lettered
examples and bullets are not tasks.

Items may instead print their fields on labelled lines under the numbered heading (the
name): "Nhiệm vụ:" (detail), "Đơn vị chủ trì:", "Đơn vị phối hợp:", "Thời gian thực hiện:",
"Sản phẩm:"; a lettered line followed by such labels is a task of its own ("II.1.a").
A heading followed by several groups of labels, each after its own bullets ("- Tổ chức tập
huấn ...", then its labels), groups them: each group is a task ("III.4.1", "III.4.2") named
by its bullets.
A heading that names only its lead ("1. Sở Y tế") or a topic ("4.1. Ứng dụng GIS") has its
lettered items as tasks, and the paragraph under it (when it has no numbered items) as its
detail; under a sentence, lettered lines are examples.
Numbered items of the sections around the tasks (Mục đích, Tổ chức thực hiện, Kinh phí)
are not tasks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from theodoi.extract.agency_lists import split_agencies, starts_agency
from theodoi.extract.deadlines import find_deadline_phrase
from theodoi.extract.model import Section, Task
from theodoi.extract.text import join_lines

# "I. NHIỆM VỤ", "II - GIẢI PHÁP", "**III.** TỔ CHỨC THỰC HIỆN" (bold marks left by converters).
_SECTION = re.compile(r"^[*_]*([IVX]{1,5})\s*[.:–-][*_]*\s+(?=\S)")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.\s+(\S.*)$", re.S)
_ARTIFACT = re.compile(r"\[bookmark:[^\]]*\]\s*")
_BOLD_BULLET = re.compile(r"^(?:\*\*|__)\s*([-–+•])\s*(?:\*\*|__)\s*")
_GLUED_BULLET = re.compile(r"^([-–+•])(?=[A-ZĐÀ-Ỹ])")

# Words after which a sentence's subject (or the object of "phối hợp với") has ended.
PREDICATES = (
    "chủ trì", "phối hợp", "chủ động", "liên tục", "gửi", "tham mưu", "tổ chức", "thực hiện",
    "triển khai", "xây dựng", "hướng dẫn", "chỉ đạo", "thúc đẩy", "phát động", "cập nhật",
    "đăng tải", "lan truyền", "lan tỏa", "mỗi đơn vị", "tiếp tục", "có trách nhiệm",
    "đề nghị", "báo cáo", "nghiên cứu", "ban hành", "hoàn thành", "bố trí", "đẩy mạnh",
    "tăng cường", "rà soát", "theo dõi", "đôn đốc", "kiểm tra", "căn cứ", "tham khảo", "để",
    "tìm kiếm", "khuyến khích", "định hướng", "tuyên truyền", "phổ biến", "cung cấp",
    "hỗ trợ", "bảo đảm", "đảm bảo", "nâng cao", "trình", "tiên phong", "có phương án",
    "quản lý", "giám sát", "vận hành", "duy trì", "lựa chọn", "lên phương án", "tiến hành",
)
_PREDICATE_RE = re.compile(
    # "các tổ chức" is a noun (organisations), "tổ chức" alone a verb (to organise).
    r"(?:,\s*)?(?<!\bcác)(?<!\bmỗi)(?<!\bnhững)\s(?:"
    + "|".join(re.escape(p) for p in sorted(PREDICATES, key=len, reverse=True))
    + r")(?=[\s,:;.]|$)"
)
_PARTNERS = re.compile(r"\bphối hợp(?: với)?\s+(.+)", re.IGNORECASE | re.S)
_REQUESTED = re.compile(r"\bđề nghị\s+(.+)", re.S)


# Labelled lines of a narrative item ("- Đơn vị chủ trì: Sở Nội vụ"), label -> field.
_LABELS: tuple[tuple[str, str], ...] = (
    (r"(?:nội\s+dung\s+)?nhiệm\s+vụ(?:\s+cụ\s+thể)?|nội\s+dung(?:\s+thực\s+hiện)?", "detail"),
    (r"(?:(?:đơn\s+vị|cơ\s+quan)\s+)?(?:chủ\s+trì|thực\s+hiện|chịu\s+trách\s+nhiệm)"
     r"(?:\s+tham\s+mưu)?(?:\s+thực\s+hiện)?", "lead"),
    (r"(?:(?:đơn\s+vị|cơ\s+quan)\s+)?phối\s+hợp(?:\s+thực\s+hiện)?", "partners"),
    (r"thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành|triển\s+khai|ban\s+hành))?"
     r"|tiến\s+độ(?:\s+(?:thực\s+hiện|hoàn\s+thành))?", "deadline"),
    (r"(?:sản\s+phẩm|kết\s+quả)(?:\s*(?:/|,|và)\s*(?:sản\s+phẩm|kết\s+quả))?"
     r"(?:\s+(?:dự\s+kiến|đầu\s+ra|chủ\s+yếu|cần\s+đạt))?", "result"),
)
_LABELLED = re.compile(
    r"^(?:[-–+•*]\s*|[a-zđ]\)\s*|\d{1,2}\)\s*)?(?P<label>"
    + "|".join(f"(?P<f{i}>{pattern})" for i, (pattern, _) in enumerate(_LABELS))
    + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE | re.S,
)
_CONTINUATION = re.compile(r"^[-–+•*]\s")
# Sections around the tasks: their numbered items explain or organise, they are not tasks.
_NOT_TASKS = re.compile(
    r"(?:mục\s+(?:đích|tiêu)|yêu\s+cầu|quan\s+điểm|căn\s+cứ|sự\s+cần\s+thiết"
    r"|tổ\s+chức\s+thực\s+hiện|kinh\s+phí|hiệu\s+lực|chế\s+độ\s+báo\s+cáo)\b",
    re.IGNORECASE,
)


@dataclass
class _Item:
    code: str
    text: str
    intros: list[str] = field(default_factory=list)
    lead_in: list[str] = field(default_factory=list)  # the intros before its first bullet
    bulleted: bool = False
    in_section: bool = True
    closing: bool = False  # under a section that assigns no tasks ("Tổ chức thực hiện")
    groups: list[_LabelGroup] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # paragraphs since the last label
    last_label: str | None = None  # a label printed bare ("Phối hợp:"), its value below
    last_value: str | None = None  # the field of the last label read, for a wrapped value

    @property
    def labelled(self) -> dict[str, list[str]]:
        """Every labelled value of the item, all its label groups together."""
        merged: dict[str, list[str]] = {}
        for group in self.groups:
            for name, parts in group.labelled.items():
                merged.setdefault(name, []).extend(parts)
        return merged


@dataclass
class _LabelGroup:
    """One run of labelled lines and the paragraphs printed just before it (its name)."""

    names: list[str]
    labelled: dict[str, list[str]] = field(default_factory=dict)


def narrative_tasks(paragraphs: Sequence[str]) -> list[Task]:
    """Every numbered paragraph under a roman section, as a task with lead and deadline."""
    return narrative_plan(paragraphs)[0]


def narrative_plan(paragraphs: Sequence[str]) -> tuple[list[Task], list[Section]]:
    """The tasks of a narrative plan and the sections that hold them, in document order."""
    items, titles = _numbered_items(paragraphs)
    tasks = _items_to_tasks(items)
    used = {task.code.split(".")[0] for task in tasks}
    sections = [Section(code, title) for code, title in titles if code in used]
    return tasks, sections


def _labelled_task(code: str, name: str, labelled: dict[str, list[str]]) -> Task:
    """A task from labelled lines: `name` its name (the heading), each label a field."""
    values = {field_: " ".join(parts).strip() for field_, parts in labelled.items()}
    task = Task(code=code, name=name)
    task.detail = values.get("detail") or None
    task.result = values.get("result") or None
    task.deadline = values.get("deadline", "").rstrip(" ;") or None
    task.sub_deadlines = _bulleted_deadlines(labelled.get("deadline", []))
    task.lead = _label_agencies(labelled.get("lead", []))
    task.partners = _label_agencies(labelled.get("partners", []))
    return task


def _group_name(names: list[str]) -> str:
    """The name of a label group: its paragraphs joined, the first one's bullet dropped."""
    return " ".join([re.sub(r"^[-–+•]\s*", "", names[0]), *names[1:]]).strip()


def _bulleted_deadlines(parts: list[str]) -> list[tuple[str, str | None]]:
    """(deadline, text) of each bullet under a bare deadline label, when every bullet is a
    sentence with its own deadline ("+ Các bộ gửi ... trước ngày 15 tháng 12 năm 2025."):
    the last is the task's, the earlier ones its steps. [] otherwise."""
    if len(parts) < 2 or not all(_CONTINUATION.match(p) for p in parts):
        return []
    phrases = [find_deadline_phrase(p) or "" for p in parts]
    if not all(phrases):
        return []
    return [(phrase, re.sub(r"^[-–+•*]\s*", "", part))
            for phrase, part in zip(phrases, parts, strict=True)]


def _label_agencies(parts: list[str]) -> list[str]:
    """The agencies of a lead or partner label, one per item as printed.

    A value written as sentences ("Sở A tiến hành rà soát ...; các sở, ngành rà soát ...")
    names its agencies as the subjects of its clauses.
    """
    agencies = split_agencies("\n".join(parts) or None)
    if not any(_is_clause(a) for a in agencies):
        return agencies
    found: list[str] = []
    for clause in re.split(r";\s*|(?<=\.)\s+", " ".join(" ".join(parts).split())):
        for agency in _subject(clause):
            if agency not in found:
                found.append(agency)
    return found or agencies


def _is_clause(text: str) -> bool:
    """Whether an agency item is a sentence: a subject, a verb and a long object after it."""
    # A verb after a comma is a noun of the list ("các cơ quan, tổ chức, cá nhân").
    match = _PREDICATE_RE.search(" " + text)
    return (bool(match) and not match.group().startswith(",")
            and len(re.findall(r"\w+", (" " + text)[match.end():])) >= 6)


def _items_to_tasks(items: list[_Item]) -> list[Task]:
    """Tasks from the numbered items: leads, partners and deadlines read from the sentences."""
    tasks: list[Task] = []
    by_code: dict[str, Task] = {}
    items_by_code = {item.code: item for item in items}
    for index, item in enumerate(items):
        next_code = items[index + 1].code if index + 1 < len(items) else ""
        is_heading = next_code.startswith(item.code + ".")
        parent_code = item.code.rsplit(".", 1)[0] if item.code.count(".") > 1 else None
        parent = by_code.get(parent_code) if parent_code else None
        parent_item = items_by_code.get(parent_code) if parent_code else None
        if item.labelled:
            groups = item.groups
            if len(groups) > 1 and not is_heading and all(g.names for g in groups):
                # Several label groups under one heading, each after its own paragraphs: the
                # heading groups them, each group is a task numbered by its order.
                task = Task(code=item.code, name=item.text)
                tasks.append(task)
                by_code[item.code] = task
                for number, group in enumerate(groups, start=1):
                    tasks.append(_labelled_task(f"{item.code}.{number}", _group_name(group.names),
                                                group.labelled))
                continue
            task = _labelled_task(item.code, item.text, item.labelled)
            tasks.append(task)
            by_code[item.code] = task
            continue
        task = Task(code=item.code, name=item.text)
        lead_only = _lead_only(item.text)
        if lead_only and not is_heading:
            # "3. Sở Giáo dục và Đào tạo" and one paragraph of duties: that paragraph is the
            # detail; the partners and deadline are the paragraph's.
            detail = " ".join(item.lead_in) or None
            task.lead, task.detail = lead_only, detail
            task.partners = _partners(detail or "")
            task.deadline = _first_deadline(detail or "")
            tasks.append(task)
            by_code[item.code] = task
            continue
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
        if not is_heading and _is_title(item.text) and item.lead_in:
            # A heading-only item ("4.1. Ứng dụng GIS ...") and the paragraph under it: that
            # paragraph says what is to be done (paragraphs among its bullets go with them).
            task.detail = " ".join(item.lead_in)
            task.partners = task.partners or _partners(task.detail)
            task.deadline = task.deadline or _first_deadline(task.detail)
        tasks.append(task)
        by_code[item.code] = task
    return tasks


def _numbered_items(paragraphs: Sequence[str]) -> tuple[list[_Item], list[tuple[str, str]]]:
    """Numbered paragraphs with their section code, the plain paragraphs after them, and the
    (code, title) of every section heading.

    A numbered item outside any section counts only when it has labelled lines.
    """
    items: list[_Item] = []
    titles: list[tuple[str, str]] = []
    section: str | None = None
    holds_tasks = True
    task_list: bool | None = None  # outside any section: whether the list being read is tasks
    numbered_item: _Item | None = None  # the last numbered item: lettered ones go under it
    lettered: tuple[str, str] | None = None  # "a) ..." just read, a task if labels follow
    for raw in _split_at_labels(paragraphs):
        # A converter's bold marks around a bullet ("**- **Triển khai ...") hide the bullet.
        # So do they when the reader drops them with the space ("-Triển khai ...").
        raw = _GLUED_BULLET.sub(r"\1 ", _BOLD_BULLET.sub(r"\1 ", raw))
        lines = raw.split("\n")
        text = join_lines(_ARTIFACT.sub("", raw).split("\n")).strip()
        if not text:
            continue
        section_match = _SECTION.match(text)
        if section_match:
            section = section_match.group(1)
            title = text[section_match.end():].strip().strip("*_").strip()
            titles.append((section, title))
            holds_tasks = not _NOT_TASKS.match(title)
            continue
        numbered = _NUMBERED.match(text)
        if numbered:
            code = f"{section}.{numbered.group(1)}" if section else numbered.group(1)
            item = _Item(code, numbered.group(2).strip(),
                         in_section=section is not None or bool(task_list))
            item.closing = not holds_tasks
            items.append(item)
            numbered_item, lettered = item, None
            continue
        if lettered and numbered_item and _LABELLED.match(text):
            # "a) Xây dựng ..." followed by its labelled lines is a task of its own.
            letter, heading = lettered
            item = _Item(f"{numbered_item.code}.{letter}", heading,
                         in_section=numbered_item.in_section, closing=numbered_item.closing)
            items.append(item)
            lettered = None
        if items and _add_label(items[-1], text, lines):
            continue
        letter_match = re.match(r"^([a-zđ])\)\s+(\S.*)$", text, re.S)
        if letter_match and numbered_item and _is_title(numbered_item.text):
            # Under a heading that only names who leads ("1. Sở Y tế") or a topic ("8. Về
            # nhân lực"), each lettered item is a task; under a sentence, an example.
            items.append(_Item(f"{numbered_item.code}.{letter_match.group(1)}",
                               letter_match.group(2).strip(), in_section=numbered_item.in_section,
                               closing=numbered_item.closing))
            lettered = None
            continue
        if letter_match and numbered_item:
            lettered = (letter_match.group(1), letter_match.group(2).strip())
            continue
        if re.match(r"^(?:[a-zđ]\)|[-–+•])\s", text):
            if items:
                items[-1].bulleted = True
                _unlabelled(items[-1], text)
            continue  # lettered examples and bullets are not tasks
        if section is None and _opens_list(text) is not None:
            # No Roman headings (an article quoting the plan): the sentence that introduces
            # a list says whether its items are tasks ("... nhiệm vụ ... như sau:").
            task_list = _opens_list(text)
            numbered_item = None
            continue
        if items:
            items[-1].intros.append(text)
            _unlabelled(items[-1], text)
            if not items[-1].bulleted:
                items[-1].lead_in.append(text)
    kept = [item for item in items if (item.in_section or item.labelled) and not item.closing]
    return _without_document_lists(kept), titles


# An item that opens with a document's title and number ("Quyết định số 12/QĐ-UBND ngày
# ...", "Kế hoạch số 3/KH-BCĐ ..."): an entry of a list of documents, not something to do.
_CITED_DOCUMENT = re.compile(
    r"^(?:Quyết định|Kế hoạch|Công văn|Chỉ thị|Nghị quyết|Nghị định|Thông tư|Thông báo"
    r"|Chương trình|Đề án|Hướng dẫn|Công điện|Văn bản|Luật|Báo cáo|Tờ trình)\s+số\s+\d",
)


def _without_document_lists(items: list[_Item]) -> list[_Item]:
    """The items, less every list whose entries are all cited documents (with their sub-items).

    A letter lists the documents issued before it ("I. QUYẾT ĐỊNH", "1. Quyết định số ...");
    a task is written as something to do ("Triển khai Kế hoạch số ..."), never as a title.
    """
    siblings: dict[str, list[_Item]] = {}
    for item in items:
        siblings.setdefault(item.code.rpartition(".")[0], []).append(item)
    cited = [parent for parent, group in siblings.items()
             if all(_CITED_DOCUMENT.match(item.text) and not item.labelled for item in group)]
    dropped = {item.code for parent in cited for item in siblings[parent]}
    return [item for item in items
            if not any(item.code == code or item.code.startswith(code + ".") for code in dropped)]


def _split_at_labels(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs, cut before each line that starts a label ("Cơ quan chủ trì: ...") or
    a section.

    Text from a PDF runs a heading and its unbulleted labelled lines into one paragraph.
    """
    out: list[str] = []
    for paragraph in paragraphs:
        current: list[str] = []
        for line in paragraph.split("\n"):
            found = _LABELLED.match(line.strip())
            # A wrapped sentence may go on with "thực hiện: ..."; a label line starts anew,
            # and so does a section heading in capitals ("**II.** NHIỆM VỤ").
            if current and ((found and found.group("label")[0].isupper())
                            or _is_section_line(line.strip())
                            or _ends_lead_heading(current, line)):
                out.append("\n".join(current))
                current = []
            current.append(line)
        if current:
            out.append("\n".join(current))
    return out


def _ends_lead_heading(current: list[str], line: str) -> bool:
    """Whether `current` is a one-line numbered heading naming only a lead ("2. Sở Tài chính")
    and `line` starts the paragraph under it rather than finishing the agency's name."""
    # A heading line stops short; a line wrapped at the margin runs as long as the next.
    if len(current) != 1 or not line.strip()[:1].isupper():
        return False
    if len(current[0].strip()) >= 0.7 * len(line.strip()):
        return False
    numbered = _NUMBERED.match(current[0].strip())
    head = numbered.group(2).strip() if numbered else ""
    if re.search(r"(?:\b(?:và|các|của|thuộc)|[,;-])$", head):
        return False
    return bool(_lead_only(head))


def _is_section_line(line: str) -> bool:
    """Whether a line is a section heading: a Roman numeral and a title in capitals."""
    found = _SECTION.match(line)
    letters = [c for c in line[found.end():] if c.isalpha()] if found else []
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# "Thời gian thực hiện sau khi ... được ban hành.": the label run into its value, no colon.
_DEADLINE_NO_COLON = re.compile(
    r"^(?:[-–+•]\s*)?thời\s+gian\s+thực\s+hiện\s+(?P<value>(?:sau\s+khi|trước|từ|trong)\s.*)$",
    re.IGNORECASE | re.S,
)


def _add_label(item: _Item, text: str, lines: list[str]) -> bool:
    """Whether `text` is a labelled line of `item` (or goes on with the last one); kept if so.

    A label whose field the current group already holds opens the next group, named by
    the paragraphs printed since the last label ("- Tổ chức tập huấn ..." then its labels).
    """
    found = _LABELLED.match(text)
    bare = None if found else _DEADLINE_NO_COLON.match(text)
    if found or bare:
        if found:
            name = next(_LABELS[i][1] for i in range(len(_LABELS)) if found.group(f"f{i}"))
            value = found.group("value").strip()
            if name in ("lead", "partners"):
                # Agencies keep their line breaks: one printed per line is one item each.
                value = "\n".join(line.strip() for line in _first_line_cut(lines, found))
        else:
            name, value = "deadline", bare.group("value").strip() if bare else ""
        group = item.groups[-1] if item.groups else None
        if group is None or name in group.labelled:
            group = _LabelGroup(names=list(item.pending))
            item.groups.append(group)
        item.pending = []
        group.labelled.setdefault(name, []).extend([value] if value else [])
        # A label with nothing after its colon lists its value on the lines below.
        item.last_label = None if value else name
        item.last_value = name
        return True
    if item.last_label and item.groups and _CONTINUATION.match(text):
        # "- Đơn vị phối hợp:" then "+ Sở A", "+ Sở B" on lines of their own.
        item.groups[-1].labelled.setdefault(item.last_label, []).append(
            "\n".join(lines) if item.last_label in ("lead", "partners") else text
        )
        return True
    parts = item.groups[-1].labelled.get(item.last_value or "") if item.groups else None
    if parts and text[:1].islower() and not re.match(r"^[a-zđ]\)", text):
        # A value a blank line cut ("các cơ quan, đơn vị, địa phương" / "liên quan.").
        parts[-1] = f"{parts[-1]} {text}"
        return True
    return False


def _unlabelled(item: _Item, text: str) -> None:
    """A paragraph of `item` that is no label: it may name the next group of labels."""
    item.pending.append(text)
    item.last_label = item.last_value = None


def _first_line_cut(lines: list[str], found: re.Match[str]) -> list[str]:
    """The lines of a labelled paragraph with the label cut off the first."""
    value_lines = [line for line in lines if line.strip()]
    if value_lines:
        head = value_lines[0]
        value_lines[0] = head.split(":", 1)[1] if ":" in head else head
    return [line for line in value_lines if line.strip()]


_LIST_OF_TASKS = re.compile(r"\bnhiệm\s+vụ\b", re.IGNORECASE)
_LIST_OF_OTHERS = re.compile(
    r"\b(?:yêu\s+cầu|mục\s+(?:tiêu|đích)|quan\s+điểm|nguyên\s+tắc|căn\s+cứ|kinh\s+phí"
    r"|tổ\s+chức\s+thực\s+hiện)\b",
    re.IGNORECASE,
)


def _opens_list(text: str) -> bool | None:
    """True for a heading or an intro ending in ":" that names tasks, False for one that
    names requirements or aims, None for any other paragraph."""
    text = text.strip().strip("*_#").strip()
    if not (text.endswith(":") or (len(text) <= 120 and not text.endswith((".", ";")))):
        return None
    if _LIST_OF_OTHERS.search(text):
        return False
    return True if _LIST_OF_TASKS.search(text) else None


def _is_title(text: str) -> bool:
    """Whether a numbered item is a heading (a lead or a topic), not a sentence of duties."""
    text = text.strip()
    if text.endswith(":"):  # "Cục ... chủ trì:" heads its items; "... như sau:" an example list
        return bool(_lead_only(text))
    return len(text) <= 150 and not re.search(r"[.;]$", text)


def _lead_only(text: str) -> list[str]:
    """The agencies a heading names when it names nothing else ("Sở Y tế", "Cục ... chủ trì:",
    "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố"), else []."""
    core = re.sub(r"^đề\s+nghị\s+", "", text.strip().rstrip(" :.;"), flags=re.IGNORECASE)
    core = re.sub(r"\s+chủ\s+trì$", "", core)
    if not starts_agency(core) or _cut_at_predicate(core) != core.strip():
        return []
    return split_agencies(core)


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
