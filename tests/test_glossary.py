"""The glossary: one set of words, documented, with one way to write a period and a deadline."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from theodoi import glossary
from theodoi.tracking import status as engine

ROOT = Path(__file__).resolve().parents[1]


def test_docs_glossary_lists_exactly_the_modules_terms() -> None:
    text = glossary.DOC.read_text(encoding="utf-8")
    assert glossary.doc_with_table(text) == text, "run: python -m theodoi.glossary"


def test_every_code_the_engine_knows_has_one_label() -> None:
    assert set(glossary.STATUS) == {
        engine.NOT_STARTED, engine.IN_PROGRESS, engine.DUE_SOON, engine.OVERDUE, engine.DONE,
        engine.DONE_LATE, engine.AWAITING_DATE}
    assert set(glossary.PROGRESS) == {
        engine.PROGRESS_NOT_STARTED, engine.PROGRESS_IN_PROGRESS,
        engine.PROGRESS_AWAITING_REVIEW, engine.PROGRESS_DONE}
    assert set(glossary.REPORT_STATUS) == {
        engine.REPORT_NOT_STARTED, engine.REPORT_IN_PROGRESS, engine.REPORT_DONE,
        engine.REPORT_CANNOT_DO}
    assert set(glossary.REVIEW) == {
        engine.REVIEW_PENDING, engine.REVIEW_ACCEPTED, engine.REVIEW_RETURNED,
        engine.REVIEW_NOT_REQUIRED, engine.REVIEW_WITHDRAWN}


def test_an_agency_reports_in_the_words_the_pages_show_its_progress() -> None:
    for code in ("not_started", "in_progress", "done"):
        assert glossary.REPORT_STATUS[code] == glossary.PROGRESS[code]


def test_the_web_and_the_documents_take_the_same_words() -> None:
    from theodoi.outputs import labels as documents
    from theodoi.web import labels as pages

    for web, doc in ((pages.STATUS_LABELS, documents.STATUS_LABELS),
                     (pages.REPORT_STATUS_LABELS, documents.REPORT_STATUS_LABELS),
                     (pages.ROLE_IN_TASK_LABELS, documents.ROLE_LABELS)):
        assert {k: str(v) for k, v in web.items()} == doc
    assert pages.STATUS_ORDER == documents.STATUS_ORDER


@pytest.mark.parametrize(("key", "label"), [
    ("2026-Q3", "Quý III/2026"), ("2026-H1", "6 tháng đầu năm 2026"),
    ("2026-H2", "6 tháng cuối năm 2026"), ("2026-03", "Tháng 3/2026"), ("2026", "Năm 2026"),
    ("2026-W05", "Tuần 5/2026"), ("", ""), ("không phải kỳ", "không phải kỳ"),
])
def test_a_period_is_written_as_people_write_it_and_read_back(key: str, label: str) -> None:
    assert glossary.period_label(key) == label
    if re.match(r"^\d{4}", key):
        assert glossary.period_key_of(label) == key
        assert glossary.period_key_of(f"  {label.lower()} ") == key


@pytest.mark.parametrize(("printed", "kind", "due", "shown"), [
    ("Tháng 3", "month", date(2026, 3, 31), "Tháng 3/2026"),
    ("Quý III", "quarter", date(2026, 9, 30), "Quý III/2026"),
    ("6 tháng đầu năm", "half", date(2026, 6, 30), "6 tháng đầu năm 2026"),
    ("Trong năm", "year", date(2026, 12, 31), "Năm 2026"),
    ("Trước 30/4", "date", date(2026, 4, 30), "Trước 30/4 (30/04/2026)"),
    ("Quý II/2025", "quarter", date(2025, 6, 30), "Quý II/2025"),
    ("Thường xuyên", "ongoing", None, "Thường xuyên"),
    ("", "date", date(2026, 4, 30), "30/04/2026"),
])
def test_a_deadline_is_shown_with_its_year(printed: str, kind: str, due: date | None,
                                           shown: str) -> None:
    assert glossary.deadline_label(printed, kind, due) == shown


def test_no_template_or_output_module_writes_a_replaced_word() -> None:
    sources = [*(ROOT / "theodoi" / "templates").rglob("*.html"),
               *(ROOT / "theodoi" / "outputs").rglob("*.html"),
               *(ROOT / "theodoi" / "outputs").glob("*.py"),
               ROOT / "theodoi" / "web" / "labels.py", ROOT / "theodoi" / "web" / "forms.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for old in glossary.BANNED:
            # The Excel import still reads the old words of workbooks exported before.
            allowed = path.name == "excel.py" and old in ("Mã nhiệm vụ",)
            assert allowed or old not in text, f"{path.relative_to(ROOT)} writes «{old}»"
        headers = re.findall(r"<th[^>]*>(?:{% trans \"([^\"]+)\" %}|([^<{]+))</th>", text)
        for words in headers:
            assert not set(words) & set(glossary.BANNED_HEADERS), (path.name, words)
