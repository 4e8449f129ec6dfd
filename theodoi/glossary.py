"""The Vietnamese words theodoi prints, in one place for the web, Excel, Word and PDF.

Every label of a code (status, progress, review, role) and every column header lives here
once; `theodoi.web.labels` wraps them in gettext for the English pages, the documents
(`theodoi.outputs`) print them as they are. The table of docs/glossary.md between its
`glossary:terms` markers is generated from `TERMS` (`python -m theodoi.glossary` rewrites
it; a test fails when it is out of date), and `BANNED` lists the variants documents used
before, which a test looks for in every output.

Plain Python, no settings needed: `_` here only marks the words for makemessages.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


def _(text: str) -> str:
    """The word as it is: `_` only marks it for makemessages (the pages translate it)."""
    return text


# -- codes and their labels ----------------------------------------------------------------

# Status of a task or a part on a date (tracking.status: NOT_STARTED, ...).
STATUS: dict[str, str] = {
    "overdue": _("Quá hạn"),
    "due_soon": _("Sắp đến hạn"),
    "awaiting_date": _("Chờ xác định hạn"),
    "in_progress": _("Đang thực hiện"),
    "not_started": _("Chưa bắt đầu"),
    "done_late": _("Hoàn thành muộn"),
    "done": _("Hoàn thành"),
}
# Most urgent first, finished last: the order every list and table shows statuses in.
STATUS_ORDER: tuple[str, ...] = tuple(STATUS)

# Progress, beside the status ("Quá hạn · 60%").
PROGRESS: dict[str, str] = {
    "not_started": _("Chưa bắt đầu"),
    "in_progress": _("Đang thực hiện"),
    "awaiting_review": _("Chờ duyệt hoàn thành"),
    "done": _("Đã hoàn thành"),
}

# What an agency says in a report (ProgressReport.status): the same words as progress, so
# the web form, the Excel drop-down and the documents agree.
REPORT_STATUS: dict[str, str] = {
    "not_started": PROGRESS["not_started"],
    "in_progress": PROGRESS["in_progress"],
    "done": PROGRESS["done"],
    "cannot_do": _("Không thể thực hiện"),
}

# A report's review state.
REVIEW: dict[str, str] = {
    "pending": _("Chờ duyệt"),
    "accepted": _("Đã chấp nhận"),
    "returned": _("Bị trả lại"),
    "not_required": _("Đóng góp cho cơ quan chủ trì"),
    "withdrawn": _("Đã rút"),
}

# An agency's role in a task.
ROLE_IN_TASK: dict[str, str] = {"lead": _("Chủ trì"), "partner": _("Phối hợp")}

# A user's role.
USER_ROLE: dict[str, str] = {
    "coordinator": _("Điều phối"),
    "reporter": _("Báo cáo viên"),
    "leader": _("Lãnh đạo"),
}

# -- column headers -------------------------------------------------------------------------

INDEX = _("TT")
SECTION = _("Mục")
CODE = _("Mã")
TASK = _("Nhiệm vụ")
RESULT = _("Kết quả, sản phẩm")
LEAD_AGENCY = _("Cơ quan chủ trì")
PARTNER_AGENCY = _("Cơ quan phối hợp")
AGENCY = _("Cơ quan")
ROLE = _("Vai trò")
PLAN = _("Kế hoạch")
DEADLINE = _("Thời hạn")
DUE_DATE = _("Hạn hoàn thành")
STATUS_HEADER = _("Tình trạng")
PROGRESS_HEADER = _("Tiến độ")
LATEST_REPORT = _("Báo cáo gần nhất")
PERIOD = _("Kỳ báo cáo")
TASK_COUNT = _("Số nhiệm vụ")
DONE_RATE = _("Tỷ lệ hoàn thành")
TARGET = _("Chỉ tiêu")
GOAL = _("Mục tiêu")
UNIT = _("Đơn vị")
CURRENT = _("Hiện đạt")
SHARE = _("Tỷ lệ")

# The headers by name, for templates (`{{ terms.SECTION }}`) and the glossary's table.
HEADERS: dict[str, str] = {
    "INDEX": INDEX, "SECTION": SECTION, "CODE": CODE, "TASK": TASK, "RESULT": RESULT,
    "LEAD_AGENCY": LEAD_AGENCY, "PARTNER_AGENCY": PARTNER_AGENCY, "AGENCY": AGENCY,
    "ROLE": ROLE, "PLAN": PLAN, "DEADLINE": DEADLINE, "DUE_DATE": DUE_DATE,
    "STATUS_HEADER": STATUS_HEADER, "PROGRESS_HEADER": PROGRESS_HEADER,
    "LATEST_REPORT": LATEST_REPORT, "PERIOD": PERIOD, "TASK_COUNT": TASK_COUNT,
    "DONE_RATE": DONE_RATE, "TARGET": TARGET, "GOAL": GOAL, "UNIT": UNIT, "CURRENT": CURRENT,
    "SHARE": SHARE,
}


@dataclass(frozen=True)
class Term:
    """One row of the glossary: the Vietnamese word, what the code calls it, where it goes."""

    vi: str
    code: str
    use: str


def _terms() -> tuple[Term, ...]:
    rows: list[Term] = []
    for group, labels in (("status", STATUS), ("progress", PROGRESS),
                          ("report status", REPORT_STATUS), ("review", REVIEW),
                          ("role in task", ROLE_IN_TASK), ("user role", USER_ROLE)):
        rows += [Term(vi, f"`{code}`", group) for code, vi in labels.items()]
    rows += [Term(vi, f"`{name}`", "column header") for name, vi in HEADERS.items()]
    rows += [Term(period_label(key), f"`{key}`", "period (`period_label`)")
             for key in ("2026", "2026-H1", "2026-H2", "2026-Q3", "2026-03", "2026-W05")]
    return tuple(rows)


# Words used before the glossary for the same things; no output may print them.
BANNED: dict[str, str] = {
    "Chưa triển khai": REPORT_STATUS["not_started"],
    "Đang triển khai": REPORT_STATUS["in_progress"],
    "Chờ xác định thời hạn": STATUS["awaiting_date"],
    "Báo cáo mới nhất": LATEST_REPORT,
    "Sản phẩm, kết quả": RESULT,
    "Thời hạn theo kế hoạch": DEADLINE,
    "Mã nhiệm vụ": CODE,
}
# Headers used before for a section of the plan ("Phần") and its code: banned as a header.
BANNED_HEADERS: dict[str, str] = {"Phần": SECTION, **BANNED}

# -- periods --------------------------------------------------------------------------------

ROMAN = ("I", "II", "III", "IV")
PERIOD_FORMS = {
    "year": _("Năm %(year)s"),
    "quarter": _("Quý %(q)s/%(year)s"),
    "H1": _("6 tháng đầu năm %(year)s"),
    "H2": _("6 tháng cuối năm %(year)s"),
    "week": _("Tuần %(w)s/%(year)s"),
    "month": _("Tháng %(m)s/%(year)s"),
}


def _same(text: str) -> str:
    return text


def period_label(key: str, gettext: Callable[[str], str] = _same) -> str:
    """A period key as people write it: "2026-Q3" -> "Quý III/2026", "2026-H1" -> "6 tháng
    đầu năm 2026", "2026-03" -> "Tháng 3/2026", "2026" -> "Năm 2026" ("" for "").

    `gettext` translates the forms (the web passes Django's); documents keep Vietnamese.
    A key it does not know is returned as it is.
    """
    if not key:
        return ""
    year, _sep, rest = key.partition("-")
    if not year.isdigit():
        return key
    if not rest:
        return gettext(PERIOD_FORMS["year"]) % {"year": year}
    if rest[:1] == "Q" and rest[1:] in ("1", "2", "3", "4"):
        return gettext(PERIOD_FORMS["quarter"]) % {"q": ROMAN[int(rest[1:]) - 1], "year": year}
    if rest in ("H1", "H2"):
        return gettext(PERIOD_FORMS[rest]) % {"year": year}
    if rest[:1] == "W" and rest[1:].isdigit():
        return gettext(PERIOD_FORMS["week"]) % {"w": int(rest[1:]), "year": year}
    if rest.isdigit() and 1 <= int(rest) <= 12:
        return gettext(PERIOD_FORMS["month"]) % {"m": int(rest), "year": year}
    return key


_LABEL_FORMS = (
    (re.compile(r"^năm (\d{4})$"), lambda m: m[1]),
    (re.compile(r"^quý (i{1,3}|iv)/(\d{4})$"),
     lambda m: f"{m[2]}-Q{ROMAN.index(m[1].upper()) + 1}"),
    (re.compile(r"^6 tháng (đầu|cuối) năm (\d{4})$"),
     lambda m: f"{m[2]}-H{1 if m[1] == 'đầu' else 2}"),
    (re.compile(r"^tuần (\d{1,2})/(\d{4})$"), lambda m: f"{m[2]}-W{int(m[1]):02d}"),
    (re.compile(r"^tháng (\d{1,2})/(\d{4})$"), lambda m: f"{m[2]}-{int(m[1]):02d}"),
)


def period_key_of(text: str) -> str | None:
    """The key of a period written by `period_label` ("Quý III/2026" -> "2026-Q3"), or None."""
    words = " ".join(text.split()).lower()
    for pattern, key in _LABEL_FORMS:
        match = pattern.match(words)
        if match:
            return key(match)
    return None


# -- deadlines ------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_PERIOD_KINDS = {"month": "month", "quarter": "quarter", "half": "half", "year": "year"}


def deadline_label(printed: str, kind: str, due: date | None,
                   gettext: Callable[[str], str] = _same) -> str:
    """The deadline with its year: the printed cell when it has one ("Quý II/2025"), else the
    period or date it was read as ("Tháng 3" in a 2026 plan -> "Tháng 3/2026", "30/4" ->
    "30/4 (30/04/2026)"); the printed cell as it is when no date was read ("Thường xuyên")."""
    printed = " ".join(printed.split())
    if due is None or _YEAR.search(printed):
        return printed
    every = _PERIOD_KINDS.get(kind)
    if every is not None:
        from theodoi.tracking.status import period_key

        return period_label(period_key(due, every), gettext)
    when = due.strftime("%d/%m/%Y")
    return f"{printed} ({when})" if printed and printed != when else when


TERMS: tuple[Term, ...] = _terms()

# -- the documentation ----------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
BEGIN, END = "<!-- glossary:terms begin -->", "<!-- glossary:terms end -->"


def terms_table() -> str:
    """The Markdown table of `TERMS` that docs/glossary.md holds between its markers."""
    lines = ["| Vietnamese | in code | used as |", "|---|---|---|"]
    lines += [f"| {t.vi} | {t.code} | {t.use} |" for t in TERMS]
    lines += ["", "Not to be printed (the word to use instead):", ""]
    lines += [f"- ~~{old}~~: {new}" for old, new in BANNED_HEADERS.items()]
    return "\n".join(lines)


def doc_with_table(text: str) -> str:
    """docs/glossary.md's text with the generated table put between its markers."""
    head, _sep, rest = text.partition(BEGIN)
    _old, _sep, tail = rest.partition(END)
    if not _sep:
        raise ValueError(f"docs/glossary.md has no {BEGIN} ... {END} markers")
    return f"{head}{BEGIN}\n{terms_table()}\n{END}{tail}"


def main() -> int:
    DOC.write_text(doc_with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"đã ghi {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
