"""Questions asked in Vietnamese, read by theodoi's own grammar into the filters the pages
already have ("nhiệm vụ nào của Bộ Công an quá hạn?" -> agency = Bộ Công an, status =
overdue).

No language model: a question about this tracker names an agency (read by the registry,
as plans name them), a state (the labels the pages print), a period (read by the deadline
grammar that reads plans), a plan ("Đề án 06", "Kế hoạch 58") and perhaps words to look
for in the tasks. Whatever is not understood is said so, never guessed at; the filters are
shown and can be changed on the page they lead to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q

from theodoi.extract.deadlines import parse_deadline
from theodoi.registry.text import fold
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Assignment, Plan, ProgressReport
from theodoi.web.labels import PROGRESS_LABELS, STATUS_LABELS

TASKS = "tasks"
UNREPORTED = "unreported"

# (folded phrase, search filter, value), longest first when matched.
STATE_PHRASES: tuple[tuple[str, str, str], ...] = (
    ("hoan thanh dung han", "status", engine.DONE),
    ("hoan thanh muon", "status", engine.DONE_LATE),
    ("hoan thanh tre", "status", engine.DONE_LATE),
    ("tre han", "status", engine.OVERDUE),
    ("qua han", "status", engine.OVERDUE),
    ("cham tien do", "status", engine.OVERDUE),
    ("sap den han", "status", engine.DUE_SOON),
    ("sap het han", "status", engine.DUE_SOON),
    ("sap toi han", "status", engine.DUE_SOON),
    ("cho xac dinh han", "status", engine.AWAITING_DATE),
    ("dang thuc hien", "progress", engine.PROGRESS_IN_PROGRESS),
    ("dang trien khai", "progress", engine.PROGRESS_IN_PROGRESS),
    ("chua bat dau", "progress", engine.PROGRESS_NOT_STARTED),
    ("chua trien khai", "progress", engine.PROGRESS_NOT_STARTED),
    ("chua thuc hien", "progress", engine.PROGRESS_NOT_STARTED),
    ("cho duyet", "progress", engine.PROGRESS_AWAITING_REVIEW),
    ("da hoan thanh", "progress", engine.PROGRESS_DONE),
    ("hoan thanh", "progress", engine.PROGRESS_DONE),
    ("da xong", "progress", engine.PROGRESS_DONE),
    ("thuong xuyen", "kind", "periodic"),
    ("dinh ky", "kind", "periodic"),
    ("chu tri", "role", "lead"),
    ("phoi hop", "role", "partner"),
)
UNREPORTED_PHRASES = ("chua bao cao", "chua gui bao cao", "chua co bao cao", "khong bao cao")
# "tỉnh nào", "bộ nào" ...: which agencies a question about agencies is about.
LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("tinh", "province"), ("thanh pho", "province"), ("dia phuong", "province"),
    ("bo nganh", "central"), ("bo", "central"), ("nganh", "central"),
    ("xa", "commune"), ("phuong", "commune"), ("so", "province_unit"),
)
LEVEL_KINDS = {
    "province": ("province",),
    "central": ("ministry", "ministry_level", "government_agency", "other_body"),
    "commune": ("commune",),
    "province_unit": ("province_unit",),
}
# Words that carry no filter ("nhiệm vụ nào của ... ?"), as written; a word typed without
# diacritics is compared folded ("cua" is "của"; "có" and "cơ" differ only when marked).
FILLER_WORDS = frozenset(w for w in (
    "nhiệm vụ", "nhiệm", "vụ", "nào", "những", "các", "của", "có", "gì", "là", "đã", "được",
    "bao nhiêu", "bao", "nhiêu", "danh sách", "danh", "sách", "cho", "biết", "xem", "tiến độ",
    "tiến", "độ", "ở", "tại", "trong", "về", "việc", "công việc", "hãy", "liệt kê", "liệt",
    "kê", "hiện", "nay", "đang", "còn", "bị", "và", "với", "thế", "sao", "ra", "sao", "vậy",
    "tình hình", "tình", "hình", "thực hiện", "kết quả", "kế hoạch", "nhiệm vụ nào",
    "ai", "đơn vị", "cơ quan", "nào", "chưa", "mà", "thì", "không", "đến hạn", "đến",
    "hạn", "thời hạn", "hết", "tới",
))
FILLER_FOLDED = frozenset(fold(w) for w in FILLER_WORDS)


def is_filler(word: str) -> bool:
    lower = word.lower()
    if lower in FILLER_WORDS:
        return True
    return lower == fold(lower) and lower in FILLER_FOLDED
PLAN_WORDS = ("de an", "ke hoach", "quyet dinh", "nghi quyet", "chuong trinh", "chi thi")
_PLAN = re.compile(r"\b(" + "|".join(PLAN_WORDS) + r")\s+(?:so\s+)?(\d[\w./-]*)")
_PERIOD = re.compile(
    r"\b(?:(?:6|sau) thang (?:dau|cuoi) nam(?:\s+(?:nay|\d{4}))?"
    r"|quy\s+(?:i{1,3}|iv|[1-4]|nay)(?:\s*(?:/|nam)\s*\d{4})?"
    r"|thang\s+(?:\d{1,2}|nay)(?:\s*(?:/|nam)\s*\d{4})?"
    r"|nam\s+(?:\d{4}|nay))\b"
)
_WORD = re.compile(r"[\w&./-]+", re.UNICODE)
MAX_NAME_WORDS = 12


@dataclass
class Reading:
    """What theodoi understood of a question."""

    question: str
    intent: str = TASKS
    filters: dict[str, str] = field(default_factory=dict)
    understood: list[tuple[str, str]] = field(default_factory=list)  # (what, as read)
    unknown: list[str] = field(default_factory=list)
    agency: Agency | None = None
    plans: list[Plan] = field(default_factory=list)
    period: tuple[date, date] | None = None
    period_label: str = ""
    level: str | None = None
    words: str = ""
    unassigned: str = ""  # an agency the registry knows that has been given no task


    @property
    def understood_anything(self) -> bool:
        return bool(self.understood)


class _Words:
    """The question's words, original and folded, and which ones a reading has used."""

    def __init__(self, text: str):
        self.original = [m.group(0) for m in _WORD.finditer(text)]
        self.folded = [fold(w) for w in self.original]
        self.used = [False] * len(self.original)

    def folded_text(self) -> str:
        return " ".join(self.folded)

    def take(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Mark the words covering folded characters [start_char, end_char) used; returns
        their word range."""
        pos, first, last = 0, None, None
        for i, word in enumerate(self.folded):
            if pos < end_char and pos + len(word) > start_char:
                first = i if first is None else first
                last = i
            pos += len(word) + 1
        if first is None or last is None:
            return 0, 0
        for i in range(first, last + 1):
            self.used[i] = True
        return first, last + 1

    def find(self, phrase: str) -> tuple[int, int] | None:
        """The first unused occurrence of folded `phrase` on word boundaries."""
        for m in re.finditer(rf"(?<!\S){re.escape(phrase)}(?!\S)", self.folded_text()):
            start, end = self._span(m.start(), m.end())
            if not any(self.used[start:end]):
                return m.start(), m.end()
        return None

    def _span(self, start_char: int, end_char: int) -> tuple[int, int]:
        pos, first, last = 0, 0, 0
        for i, word in enumerate(self.folded):
            if pos <= start_char < pos + len(word) + 1:
                first = i
            if pos < end_char <= pos + len(word):
                last = i + 1
            pos += len(word) + 1
        return first, last

    def text(self, start: int, end: int) -> str:
        return " ".join(self.original[start:end])


def read_question(question: str, *, user: Any, registry: Any, on: date) -> Reading:
    """Read `question` on day `on` (the page's date: "quý này", a year left out) into the
    filters of the search page, or an agency question ("tỉnh nào chưa báo cáo quý III?")."""
    from theodoi.tracking import access

    reading = Reading(question=question.strip())
    words = _Words(question)
    folded = words.folded_text()
    if any(re.search(rf"(?<!\S){p}(?!\S)", folded) for p in UNREPORTED_PHRASES):
        reading.intent = UNREPORTED
        for phrase in UNREPORTED_PHRASES:
            found = words.find(phrase)
            if found:
                words.take(*found)
        reading.understood.append(("Câu hỏi", "cơ quan chưa báo cáo"))
    _read_period(reading, words, on)
    _read_plan(reading, words, access.visible_plans(user).filter(
        status=Plan.Status.PUBLISHED))
    _read_states(reading, words)
    if reading.intent == UNREPORTED:
        _read_level(reading, words)
    _read_agency(reading, words, registry, on)
    rest = [w for w, used in zip(words.original, words.used, strict=True)
            if not used and not is_filler(w) and len(w) > 1]
    if reading.intent == TASKS and rest:
        reading.words = " ".join(rest)
        reading.filters["q"] = reading.words
        reading.understood.append(("Từ khóa", reading.words))
    elif rest:
        reading.unknown = rest
    return reading


def _read_period(reading: Reading, words: _Words, on: date) -> None:
    match = _PERIOD.search(words.folded_text())
    if not match:
        return
    start, end = words.take(match.start(), match.end())
    printed = words.text(start, end)
    phrase = match.group(0)
    if phrase.endswith("nay"):
        every = ("quarter" if phrase.startswith("quy") else "month" if phrase.startswith(
            "thang") else "year" if phrase.startswith("nam") else "half")
        first, last = engine.period_bounds(on, every)
    else:
        due = parse_deadline(printed, on.year)
        if due.kind not in ("month", "quarter", "half", "year") or not due.on:
            reading.unknown.append(printed)
            return
        first, last = engine.period_bounds(date.fromisoformat(due.on), due.kind)
    reading.period = (first, last)
    reading.period_label = printed
    if reading.intent == TASKS:
        reading.filters["due_from"] = first.isoformat()
        reading.filters["due_to"] = last.isoformat()
    reading.understood.append(("Thời gian", f"{printed} ({first:%d/%m/%Y} - {last:%d/%m/%Y})"))


def _read_plan(reading: Reading, words: _Words, plans: Any) -> None:
    match = _PLAN.search(words.folded_text())
    if not match:
        return
    start, end = words.take(match.start(), match.end())
    printed = words.text(start, end)
    number = match.group(2).rstrip(".")
    kind = words.text(start, end - 1)  # "Đề án" as typed
    found = list(plans.filter(
        Q(number__istartswith=f"{number}/") | Q(number__iexact=number)
        | Q(title__icontains=printed) | Q(title__icontains=f"{kind} số {number}")
    ).order_by("-date", "-id")[:5])
    if not found:
        reading.unknown.append(printed)
        return
    reading.plans = found
    reading.filters["plan"] = str(found[0].pk)
    reading.understood.append(("Kế hoạch", found[0].number or found[0].title[:80]))


def _read_states(reading: Reading, words: _Words) -> None:
    for phrase, name, value in sorted(STATE_PHRASES, key=lambda p: -len(p[0])):
        found = words.find(phrase)
        if found is None or name in reading.filters:
            continue
        words.take(*found)
        if reading.intent == UNREPORTED and name != "role":
            continue
        reading.filters[name] = value
        shown = {"status": STATUS_LABELS, "progress": PROGRESS_LABELS}.get(name, {})
        label = {"status": "Tình trạng", "progress": "Tiến độ", "kind": "Loại thời hạn",
                 "role": "Vai trò"}[name]
        text = str(shown.get(value, "")) or {"periodic": "Định kỳ, thường xuyên",
                                             "lead": "Chủ trì", "partner": "Phối hợp"}[value]
        reading.understood.append((label, text))


def _read_level(reading: Reading, words: _Words) -> None:
    for word, level in LEVEL_WORDS:
        found = words.find(f"{word} nao")
        if found is not None:
            words.take(*found)
            reading.level = level
            reading.understood.append(("Cấp", {
                "province": "tỉnh, thành phố", "central": "bộ, ngành",
                "commune": "xã, phường", "province_unit": "sở, ngành"}[level]))
            return


def _read_agency(reading: Reading, words: _Words, registry: Any, on: date) -> None:
    """The longest run of unused words the registry knows as an agency (not a group)."""
    n = len(words.original)
    for size in range(min(MAX_NAME_WORDS, n), 0, -1):
        for start in range(0, n - size + 1):
            if any(words.used[start:start + size]):
                continue
            if all(is_filler(w) for w in words.original[start:start + size]):
                continue
            name = words.text(start, start + size)
            if size == 1 and not name[:1].isupper():
                continue  # a single lower-case word is never read as an agency
            found = registry.resolve(name, on=on)
            if found is None or found.is_group:
                continue
            answering = found.successors_on or [found.entity]
            ids = [e.id for e in answering]
            agency = Agency.objects.filter(registry_id__in=ids).first()
            for i in range(start, start + size):
                words.used[i] = True
            shown = answering[0].name
            if agency is None:
                reading.unassigned = shown
                reading.understood.append(("Cơ quan", shown))
                return
            reading.agency = agency
            reading.filters["agency"] = str(agency.pk)
            reading.understood.append(("Cơ quan", agency.name))
            return


@dataclass
class Unreported:
    """An agency that owed a report in a period and wrote none."""

    agency: Agency
    owed: int  # its open lead parts


def unreported(reading: Reading, plans: Any, on: date) -> list[Unreported]:
    """Agencies (of the question's level) leading open parts of `plans` (the question's
    plan when it named one) that wrote no report in the question's period (the current
    quarter when none was said), most owed first."""
    first, last = reading.period or engine.period_bounds(on, "quarter")
    if reading.plans:
        plans = [reading.plans[0].pk]
    owed = queries.counted_parts(plans).filter(
        role=Assignment.LEAD).exclude(status__in=engine.CLOSED).exclude(status__isnull=True)
    if reading.level:
        owed = owed.filter(agency__kind__in=LEVEL_KINDS[reading.level])
    if reading.agency is not None:
        owed = owed.filter(agency=reading.agency)
    wrote = ProgressReport.objects.filter(
        assignment__in=owed, created_at__date__gte=first, created_at__date__lte=last,
    ).values("assignment__agency_id")
    rows = (owed.exclude(agency_id__in=wrote).values("agency_id")
            .annotate(n=Count("id")).order_by("-n", "agency_id"))
    agencies = Agency.objects.in_bulk([r["agency_id"] for r in rows])
    out = [Unreported(agencies[r["agency_id"]], r["n"]) for r in rows]
    out.sort(key=lambda u: (-u.owed, fold(u.agency.name)))
    return out
