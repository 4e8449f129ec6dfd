"""The Vietnamese deadline grammar: a "Thời gian hoàn thành" phrase -> a normalised `Due`.

Matching is case-insensitive ("Hằng"/"Hàng" alike); a phrase without a year takes the plan's.

  period      "ngày 30 tháng 4 [năm 2025]", "[ngày] 15/9[/2024]", "Tháng 12[/2024 | năm 2024]",
              "12/2024", "Quý I..IV | Quý 1..4 [/2025 | -2025 | năm 2025]" (also "Quí"),
              "6 tháng đầu|cuối năm",
              "[Năm] 2025"                                      -> date|month|quarter|half|year
  single      [trước | trong [toàn bộ] | đến [hết] | vào | ...] period  -> the period's kind
  range       [trong] [thời gian | giai đoạn] [từ] period (- | đến) period, "trong 10 ngày (range)"
              -> range; a start without a year borrows the end's ("từ ngày 15/9 - 10/10/2024")
  choice      span "hoặc" span ...           -> one range, earliest start to latest end
  sequence    period period ...  ("Tháng 4 Quý II")  -> the latest, the others as steps (text "")
  stepped     span "(" words ... deadline ")"         -> the latest, the other as a step
  listed      "- Năm 2024: ...; - Các năm tiếp theo: ..."  -> recurring year, dated items as steps
  recurring   "Hằng năm|tháng|quý|tuần ...", span "hằng năm", "Thường xuyên, [định kỳ] hằng quý ..."
              -> recurring
  ongoing     "Thường xuyên", period "và những năm tiếp theo", "từ" period "trở đi",
              "[Bắt đầu] [triển khai] từ" period                 -> ongoing (from the period)
  per_plan    "Theo kế hoạch | lộ trình | tiến độ | quyết định | ... ..."
  conditional "Khi ...", "Sau khi ...", "Bảo đảm ... tiến độ ... khi ...", "30 ngày kể từ ngày ..."

Anything else is kind "none" with the phrase as its text, for the caller to warn about:
the grammar never guesses.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from theodoi.extract.model import Due, Step

__all__ = [
    "find_deadline_phrase",
    "is_deadline_text",
    "parse_deadline",
    "split_trailing_deadline",
]

_I = re.IGNORECASE
_ANY_YEAR = 2000  # a leap year: stands in for the plan year when only the shape matters
_YEAR = r"(?:19|20)\d\d"
_END = r"(?![\w/])"  # a period never runs on into a word, a digit or another "/"

# One named period per entry, tried in this order; the group names are shared on purpose
# (d day, m month, q quarter, h half, y year) so one function reads them all.
# "/2025", " năm 2025" or a dash glued to the year ("Quý IV-2025"), if printed; a spaced
# dash ("Quý IV - 2026") is a range, read elsewhere.
_OF_YEAR = rf"(?:\s*(?:/|năm)\s*(?P<y>{_YEAR})|-(?P<y2>{_YEAR}))?"
_PERIOD_FORMS: tuple[tuple[str, str], ...] = (
    ("date", rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}}){_OF_YEAR}"),
    ("date", rf"(?:ngày\s+)?(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>{_YEAR}))?"),
    ("half", rf"(?:0?6|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>{_YEAR}))?"),
    ("month", rf"tháng\s+(?P<m>\d{{1,2}}){_OF_YEAR}"),
    ("month", rf"(?P<m>\d{{1,2}})/(?P<y>{_YEAR})"),
    ("quarter", rf"qu[ýí]\s+(?P<q>iv|iii|ii|i|[1-4]){_OF_YEAR}"),  # "Quí": an old spelling
    ("year", rf"(?:năm\s+)?(?P<y>{_YEAR})"),
)
_PERIOD_RXS = tuple((kind, re.compile(form + _END, _I)) for kind, form in _PERIOD_FORMS)


def _ungrouped(pattern: str) -> str:
    """`pattern` with its named groups made plain, so it can be repeated inside another."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_ANY_PERIOD = "(?:" + "|".join(_ungrouped(form) for _, form in _PERIOD_FORMS) + ")" + _END
_SEP = r"\s*(?:[-–—]|\bđến\b|\btới\b)\s*"
_ANY_RANGE = rf"{_ANY_PERIOD}{_SEP}{_ANY_PERIOD}"
_INTRO = (
    r"(?:(?:hoàn\s+thành|trước|trong|toàn\s+bộ|suốt|thời\s+gian|giai\s+đoạn|đến|hết|vào"
    r"|chậm\s+nhất|là)\s+)*"
)
_SINGLE_RX = re.compile(rf"{_INTRO}(?P<a>{_ANY_PERIOD})", _I)
_RANGE_RX = re.compile(rf"{_INTRO}(?:từ\s+)?(?P<a>{_ANY_PERIOD}){_SEP}(?P<b>{_ANY_PERIOD})", _I)
_DURATION_RX = re.compile(
    r"(?:trong\s+(?:vòng\s+)?)?\d+\s+(?:ngày|tuần|tháng)\s*\((?P<inner>[^()]*)\)", _I
)
_OR_RX = re.compile(r"\s*,?\s+hoặc\s+", _I)
_GAP_RX = re.compile(r"[\s,;]+")

_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class _Span:
    """A resolved stretch of days: the kind it was named as, its first and last day."""

    kind: str
    first: date
    last: date

    def due(self) -> Due:
        """The `Due` this span is."""
        if self.kind == "range":
            return Due("range", start=self.first.isoformat(), on=self.last.isoformat())
        return Due(self.kind, on=self.last.isoformat())


@dataclass(frozen=True)
class _Period:
    """A period as printed: its kind, its year if printed, the months it covers, its day."""

    kind: str
    year: int | None
    months: tuple[int, int]
    day: int | None = None

    def span(self, year: int | None) -> _Span | None:
        """The days covered, in the printed year or else `year`; None if neither is known."""
        year = self.year or year
        if year is None:
            return None
        first, last = self.months
        try:
            if self.day is not None:
                day = date(year, first, self.day)
                return _Span(self.kind, day, day)
            end = calendar.monthrange(year, last)[1]
            return _Span(self.kind, date(year, first, 1), date(year, last, end))
        except ValueError:  # "31/4", "Tháng 13": not a period after all
            return None


def _months_covered(kind: str, groups: dict[str, str]) -> tuple[int, int]:
    """The first and last month a matched period of `kind` covers."""
    if kind == "quarter":
        quarter = _QUARTERS[groups["q"].lower()]
        return 3 * quarter - 2, 3 * quarter
    if kind == "half":
        return (1, 6) if groups["h"].lower() == "đầu" else (7, 12)
    if kind == "year":
        return 1, 12
    return int(groups["m"]), int(groups["m"])


def _match_period(text: str, pos: int = 0, *, whole: bool = False) -> re.Match[str] | None:
    """The first period form matching `text` at `pos` (all of the rest, if `whole`)."""
    for _kind, rx in _PERIOD_RXS:
        found = rx.fullmatch(text, pos) if whole else rx.match(text, pos)
        if found:
            return found
    return None


def _period_from(found: re.Match[str]) -> _Period:
    """The `_Period` a match of one of the period forms names."""
    kind = next(kind for kind, rx in _PERIOD_RXS if rx is found.re)
    groups = {k: v for k, v in found.groupdict().items() if v}
    printed_year = groups.get("y") or groups.get("y2")
    year = int(printed_year) if printed_year else None
    day = int(groups["d"]) if "d" in groups else None
    return _Period(kind, year, _months_covered(kind, groups), day)


def _period(text: str) -> _Period:
    """The `_Period` of a text already known to be one whole period."""
    found = _match_period(text, whole=True)
    if found is None:  # callers pass text that _ANY_PERIOD matched: a bug if it happens
        raise ValueError(f"not a period: {text!r}")
    return _period_from(found)


def _range_span(start: _Period, end: _Period, year: int | None) -> _Span | None:
    """The range from `start` to `end`; a start without a year borrows the end's."""
    last = end.span(end.year or start.year or year)
    first = start.span(last.last.year) if last else None
    if first and last and first.first > last.last and start.year is None:
        first = start.span(last.last.year - 1)  # "15/11 - 10/01/2025" crosses a new year
    if first is None or last is None or first.first > last.last:
        return None
    return _Span("range", first.first, last.last)


# "Quý III - IV/2025": the second quarter of a range printed without its "Quý".
_QUARTER_PAIR_RX = re.compile(
    r"(qu[ýí]\s+(?:iv|iii|ii|i|[1-4]))\s*([-–]|\bđến\b)\s*(iv|iii|ii|i|[1-4])\b", _I
)


def _read_span(phrase: str, year: int | None) -> _Span | None:
    """The single period or range a whole phrase names, or None."""
    phrase = phrase.strip(" .;,")
    phrase = _QUARTER_PAIR_RX.sub(r"\1 \2 Quý \3", phrase)
    if found := _DURATION_RX.fullmatch(phrase):
        phrase = found["inner"].strip()
    # A single period first: "Quý IV-2025" is the fourth quarter, not a range to 2025.
    if found := _SINGLE_RX.fullmatch(phrase):
        return _period(found["a"]).span(year)
    if found := _RANGE_RX.fullmatch(phrase):
        return _range_span(_period(found["a"]), _period(found["b"]), year)
    return None


def _read_choice_span(phrase: str, year: int | None) -> _Span | None:
    """The span of a phrase, alternatives joined by "hoặc" merged into one range."""
    spans = [_read_span(part, year) for part in _OR_RX.split(phrase)]
    if any(span is None for span in spans):
        return None
    if len(spans) == 1:
        return spans[0]
    known = [span for span in spans if span is not None]
    return _Span("range", min(s.first for s in known), max(s.last for s in known))


def _latest_with_steps(parts: list[tuple[_Span, str]]) -> Due:
    """The latest-ending part as the deadline, the others (in printed order) as its steps."""
    final = max(range(len(parts)), key=lambda i: (parts[i][0].last, i))
    due = parts[final][0].due()
    due.steps = [
        Step(span.last.isoformat(), text) for i, (span, text) in enumerate(parts) if i != final
    ]
    return due


# --- readers: each takes the tidied phrase and the plan year, returns a Due or None ---------

_ITEM_RX = re.compile(r"[-–•+*]?\s*(?P<text>(?P<label>[^:;]{1,40}?)\s*:\s*(?P<body>\S.*?))[\s.]*")
_NEXT_YEARS_RX = re.compile(r"(?:các|những)\s+năm\s+(?:tiếp\s+theo|sau(?:\s+đó)?)", _I)


def _read_listed(phrase: str, year: int | None) -> Due | None:
    """A list of "period: work" items, ending in "Các năm tiếp theo: ..." for a yearly one."""
    items = [item for item in re.split(r"\s*;\s*", phrase) if item.strip(" -.")]
    if len(items) < 2:
        return None
    parts: list[tuple[_Span, str]] = []
    yearly = False
    for number, item in enumerate(items, start=1):
        found = _ITEM_RX.fullmatch(item.strip())
        if not found:
            return None
        if number == len(items) and _NEXT_YEARS_RX.fullmatch(found["label"]):
            yearly = True
            continue
        span = _read_choice_span(found["label"], year)
        if span is None:
            return None
        parts.append((span, found["text"]))
    if yearly:
        steps = [Step(span.last.isoformat(), text) for span, text in parts]
        return Due("recurring", every="year", steps=steps)
    return _latest_with_steps(parts)


# A verb before the timing: "Thực hiện thường xuyên", "Triển khai đảm bảo theo lộ trình".
_DOING = (
    r"(?:(?:tổ\s+chức\s+)?(?:thực\s+hiện|triển\s+khai)\s+)?(?:(?:bảo\s+đảm|đảm\s+bảo)\s+)?"
)
_ONGOING_RX = re.compile(
    rf"{_DOING}(?:(?:là\s+)?nhiệm\s+vụ\s+|hoạt\s+động\s+)?thường\s+xuyên\b.*"
    rf"|(?:giai\s+đoạn\s+)?(?:từ\s+)?(?P<since>{_ANY_PERIOD})(?:{_SEP}{_ANY_PERIOD})?\s*,?\s+(?:và\s+)?"
    r"(?:(?:các|những)\s+(?:năm|tháng)\s+tiếp\s+theo|trở\s+đi)"
    # A start and no end: "Bắt đầu triển khai từ năm 2026", "Từ tháng 6/2025".
    r"|(?:bắt\s+đầu\s+)?(?:(?:triển\s+khai|thực\s+hiện|áp\s+dụng)\s+)?"
    rf"từ\s+(?P<start>{_ANY_PERIOD})",
    _I,
)


def _read_ongoing(phrase: str, year: int | None) -> Due | None:
    """Ongoing: "Thường xuyên", or "2025 và những năm tiếp theo" (from a start)."""
    found = _ONGOING_RX.fullmatch(phrase)
    if not found:
        return None
    printed = found["since"] or found["start"]
    since = _period(printed).span(year) if printed else None
    return Due("ongoing", start=since.first.isoformat() if since else None)


_EVERY = {"năm": "year", "tháng": "month", "quý": "quarter", "tuần": "week"}
_RECURRING_RX = re.compile(
    r"(?:(?P<head>.*?)\s+)??(?:định\s+kỳ\s+)?h[àằ]ng\s+(?P<unit>năm|tháng|quý|tuần)\b(?P<tail>.*)",
    _I,
)


_STANDING_RX = re.compile(r"thường\s+xuyên\s*[,;.]?\s*(?=(?:định\s+kỳ\s+)?h[àằ]ng\s)", _I)


def _read_recurring(phrase: str, year: int | None) -> Due | None:
    """Recurring: "Hằng năm ...", or a period and "hằng năm" ("Trước 15/12 hằng năm").

    "Thường xuyên, hằng năm" and "Thường xuyên, định kỳ hằng quý báo cáo ..." give their
    rhythm: the standing duty is done, and reported, at each period.
    """
    phrase = _STANDING_RX.sub("", phrase, count=1)
    found = _RECURRING_RX.fullmatch(phrase)
    if not found:
        return None
    head, tail = found["head"], found["tail"].strip(" ,;:()")
    if head:  # "Tháng 6/2025 và hằng năm": the first occurrence, then every year
        head = re.sub(r"(?:[\s,;]+và)?[\s,;]*$", "", head, flags=_I) or None
    if head and tail:
        return None
    # The period before or after "hằng năm" gives its occurrence in the plan year, if any.
    when = head or tail
    span = _read_choice_span(when, year) if when else None
    if head and span is None and _read_choice_span(head, _ANY_YEAR) is None:
        return None  # "Báo cáo hằng năm" is prose, not a deadline
    every = _EVERY[found["unit"].lower()]
    return Due("recurring", on=span.last.isoformat() if span else None, every=every)


_PER_PLAN_RX = re.compile(
    rf"{_DOING}theo\s+(?:kế\s+hoạch|lộ\s+trình|tiến\s+độ|chương\s+trình|đề\s+án|quyết\s+định|quy\s+định"
    r"|văn\s+bản|hướng\s+dẫn|yêu\s+cầu|chỉ\s+đạo|thời\s+gian|thời\s+hạn)\b.*",
    _I,
)


def _read_per_plan(phrase: str, year: int | None) -> Due | None:
    """Per plan: "Theo kế hoạch ...", "Theo lộ trình ...", timing set by another paper."""
    return Due("per_plan") if _PER_PLAN_RX.fullmatch(phrase) else None


_CONDITIONAL_RX = re.compile(
    r"(?:ngay\s+)?(?:sau\s+)?khi\b.*"
    r"|(?:bảo\s+đảm|đảm\s+bảo)\b.*\btiến\s+độ\b.*\bkhi\b.*"
    r"|(?:trong\s+(?:vòng\s+|thời\s+hạn\s+)?)?\d+\s+(?:ngày|tháng)\s+(?:làm\s+việc\s+)?"
    r"(?:kể\s+)?từ\s+(?:ngày|khi)\b.*",
    _I,
)


def _read_conditional(phrase: str, year: int | None) -> Due | None:
    """Conditional: "Khi ...", "Sau khi ...", "Bảo đảm ... tiến độ khi ..." (an event)."""
    return Due("conditional", text=phrase) if _CONDITIONAL_RX.fullmatch(phrase) else None


_STEPPED_RX = re.compile(r"(?P<main>[^()]+?)\s*\((?P<inner>[^()]+)\)")


def _read_stepped(phrase: str, year: int | None) -> Due | None:
    """A deadline with a step in brackets: "Tháng 7 (Báo cáo ... trước 30/4)"."""
    found = _STEPPED_RX.fullmatch(phrase)
    if not found:
        return None
    inner = found["inner"].strip()
    main_span = _read_choice_span(found["main"], year)
    inner_span = _read_choice_span(find_deadline_phrase(inner) or inner, year)
    if main_span is None or inner_span is None:
        return None
    return _latest_with_steps([(main_span, ""), (inner_span, inner)])


def _read_choice(phrase: str, year: int | None) -> Due | None:
    """One period, one range, or alternatives joined by "hoặc"."""
    span = _read_choice_span(phrase, year)
    return span.due() if span else None


def _read_sequence(phrase: str, year: int | None) -> Due | None:
    """Bare periods side by side ("Tháng 4 Quý II"): one per result of the task."""
    spans: list[_Span] = []
    pos = 0
    while pos < len(phrase):
        found = _match_period(phrase, pos)
        span = _period_from(found).span(year) if found else None
        if found is None or span is None:
            return None
        spans.append(span)
        gap = _GAP_RX.match(phrase, found.end())
        pos = gap.end() if gap else found.end()
    if len(spans) < 2:
        return None
    return _latest_with_steps([(span, "") for span in spans])


_READERS: tuple[Callable[[str, int | None], Due | None], ...] = (
    _read_listed,
    _read_recurring,
    _read_ongoing,
    _read_per_plan,
    _read_conditional,
    _read_stepped,
    _read_choice,
    _read_sequence,
)


def _collapse(text: str | None) -> str:
    """`text` in NFC with every run of whitespace (line breaks too) made one space."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _unwrap(phrase: str) -> str:
    """`phrase` without closing punctuation and without enclosing or stray parentheses."""
    core = phrase.strip(" .;,")
    if core.startswith("(") and core.endswith(")") and core.count("(") == core.count(")") == 1:
        core = core[1:-1]
    elif core.endswith(")") and "(" not in core:  # "Theo Kế hoạch được duyệt)"
        core = core[:-1]
    elif core.startswith("(") and ")" not in core:
        core = core[1:]
    return core.strip(" .;,")


def parse_deadline(text: str | None, year: int | None) -> Due:
    """The normalised `Due` of a deadline phrase; kind "none" with the text when unknown."""
    phrase = _collapse(text)
    if not phrase:
        return Due()
    core = _unwrap(phrase)
    for read in _READERS:
        due = read(core, year) if core else None
        if due is not None:
            return due
    return Due("none", text=phrase)


def is_deadline_text(text: str) -> bool:
    """Whether the whole of `text` is a deadline phrase the grammar recognises."""
    return bool(_collapse(text)) and parse_deadline(text, _ANY_YEAR).kind != "none"


_ONE_IN_PROSE = (
    rf"(?:(?:trong\s+)?thời\s+gian\s+)?từ\s+{_ANY_RANGE}"
    r"|(?:trước|trong(?:\s+toàn\s+bộ|\s+suốt)?)\s+"
    rf"(?:\d+\s+(?:ngày|tuần|tháng)\s*\(\s*{_ANY_RANGE}\s*\)|{_ANY_RANGE}|{_ANY_PERIOD})"
    rf"|tháng\s+\d{{1,2}}\s*/\s*{_YEAR}"
)
_IN_PROSE = rf"\b(?:{_ONE_IN_PROSE}){_END}"
_IN_PROSE_RX = re.compile(rf"{_IN_PROSE}(?:\s*,?\s+hoặc\s+{_IN_PROSE})*", _I)


def find_deadline_phrase(sentence: str) -> str | None:
    """The last deadline phrase in a sentence, exactly as printed, or None.

    Only phrases led by "trước", "trong", "(thời gian) từ" or a bare "tháng M/YYYY" count:
    a date alone ("Quyết định ... ngày 22/4/2022") is a reference, not a deadline.
    """
    found = None
    for match in _IN_PROSE_RX.finditer(sentence):
        if is_deadline_text(match.group()):
            found = match.group()
    return found


_TRAILING_RX = re.compile(
    r"(?P<head>.*?\S)\s+(?P<due>"
    r"H[ằà]ng\s+(?:năm|tháng|quý|tuần)"
    r"|Thường\s+xuyên"
    rf"|Tháng\s+\d{{1,2}}(?:\s*/\s*{_YEAR}|\s+[Nn]ăm\s+{_YEAR})?"
    rf"|Qu[ýí]\s+(?:IV|III|II|I|[1-4])(?:\s*/\s*{_YEAR}|-{_YEAR}|\s+[Nn]ăm\s+{_YEAR})?"
    rf"|Năm\s+{_YEAR}"
    rf"|\d{{1,2}}/\d{{1,2}}/{_YEAR}"
    r")"
)
# A head ending like this means the "deadline" is the tail of a longer phrase.
_RUNS_ON_RX = re.compile(
    r"(?:\d|\b(?:ngày|trước|trong|từ|đến|hết|vào|và|hoặc|số|của)|[-–—,(/:])$", _I
)


def split_trailing_deadline(line: str) -> tuple[str, str] | None:
    """(text, deadline) when a line ends in a short, complete deadline glued to other text."""
    line = _collapse(line)
    found = _TRAILING_RX.fullmatch(line)
    if not found:
        return None
    head = found["head"]
    if not any(c.isalpha() for c in head) or _RUNS_ON_RX.search(head) or is_deadline_text(line):
        return None
    return head, found["due"]
