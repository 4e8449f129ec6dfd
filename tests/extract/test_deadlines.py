from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from tests.conftest import gold_plan
from theodoi.extract.deadlines import (
    find_deadline_phrase,
    is_deadline_text,
    parse_deadline,
    split_trailing_deadline,
)


def due(text: str | None, year: int | None = 2024) -> dict[str, Any]:
    """The plan-json `due` of a phrase in a plan of `year`."""
    return parse_deadline(text, year).to_json()


# --- parse_deadline ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "  \n "])
def test_an_empty_cell_has_no_deadline(text: str | None) -> None:
    assert due(text) == {"kind": "none"}


@pytest.mark.parametrize(
    "text",
    ["Hằng năm", "Hàng năm", "HẰNG NĂM", "Hằng năm và theo yêu cầu thực tế phát sinh"],
)
def test_yearly_phrases_recur_every_year(text: str) -> None:
    assert due(text) == {"kind": "recurring", "every": "year"}


@pytest.mark.parametrize(
    ("text", "every"),
    [("Hàng tháng", "month"), ("Hằng tháng", "month"), ("Hằng tuần", "week"),
     ("Hằng quý", "quarter"), ("Hàng quý", "quarter")],
)
def test_monthly_weekly_and_quarterly_phrases_recur_at_that_rhythm(text: str, every: str) -> None:
    assert due(text) == {"kind": "recurring", "every": every}


def test_a_year_list_ending_in_the_following_years_recurs_with_the_first_year_as_a_step() -> None:
    text = (
        "- Năm 2024: Công bố danh mục các nền tảng số và bộ công cụ; - Các năm tiếp theo: "
        "Cập nhật danh mục theo tình hình thực tế triển khai."
    )
    assert due(text) == {
        "kind": "recurring",
        "every": "year",
        "steps": [
            {"on": "2024-12-31", "text": "Năm 2024: Công bố danh mục các nền tảng số và bộ công cụ"}
        ],
    }


def test_a_year_list_without_following_years_ends_with_its_last_item() -> None:
    text = "- Năm 2024: Xây dựng đề án; - Năm 2025: Triển khai thí điểm."
    assert due(text) == {
        "kind": "year",
        "on": "2025-12-31",
        "steps": [{"on": "2024-12-31", "text": "Năm 2024: Xây dựng đề án"}],
    }


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Tháng 12/2024", "2024-12-31"),
        ("Tháng 12", "2024-12-31"),
        ("Tháng 6", "2024-06-30"),
        ("Tháng 11", "2024-11-30"),
        ("tháng 10/2024", "2024-10-31"),
        ("trong toàn bộ tháng 10/2024", "2024-10-31"),
        ("Trước tháng 6/2024", "2024-06-30"),
        ("Tháng 12 năm 2025", "2025-12-31"),
        ("12/2024", "2024-12-31"),
        ("Tháng\n12/2024", "2024-12-31"),
        ("Tháng 2", "2024-02-29"),
    ],
)
def test_a_month_ends_on_its_last_day(text: str, on: str) -> None:
    assert due(text) == {"kind": "month", "on": on}


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Trước ngày 30 tháng 4", "2024-04-30"),
        ("Trước ngày 15 tháng 4", "2024-04-15"),
        ("Trước ngày 01 tháng 5", "2024-05-01"),
        ("Trước 30/4", "2024-04-30"),
        ("trước ngày 15/9/2024", "2024-09-15"),
        ("trong ngày 10/10/2024", "2024-10-10"),
        ("ngày 10/10/2024", "2024-10-10"),
        ("Trước ngày 31/12/2024", "2024-12-31"),
    ],
)
def test_a_day_before_or_on_which_work_is_done_is_a_date(text: str, on: str) -> None:
    assert due(text) == {"kind": "date", "on": on}


def test_a_day_with_its_own_year_keeps_that_year() -> None:
    assert due("Trước ngày 30 tháng 4 năm 2025") == {"kind": "date", "on": "2025-04-30"}


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Quý I", "2024-03-31"),
        ("Quý II", "2024-06-30"),
        ("Quý III", "2024-09-30"),
        ("Quý IV", "2024-12-31"),
        ("Quý 1", "2024-03-31"),
        ("Quý 4", "2024-12-31"),
        ("quý ii", "2024-06-30"),
    ],
)
def test_quarter_without_year_takes_the_plan_year(text: str, on: str) -> None:
    assert due(text) == {"kind": "quarter", "on": on}


@pytest.mark.parametrize(
    ("text", "on"),
    [("Quý III/2025", "2025-09-30"), ("Quý IV năm 2025", "2025-12-31"),
     ("Quý IV/2024", "2024-12-31")],
)
def test_quarter_with_its_own_year_keeps_it(text: str, on: str) -> None:
    assert due(text) == {"kind": "quarter", "on": on}


@pytest.mark.parametrize(
    ("text", "on"),
    [("6 tháng đầu năm", "2024-06-30"), ("6 tháng cuối năm", "2024-12-31"),
     ("6 tháng đầu năm 2025", "2025-06-30")],
)
def test_half_years_end_in_june_and_december(text: str, on: str) -> None:
    assert due(text) == {"kind": "half", "on": on}


@pytest.mark.parametrize(
    ("text", "on"),
    [("Năm 2025", "2025-12-31"), ("2025", "2025-12-31"), ("Trong năm 2024", "2024-12-31"),
     ("Đến năm 2025", "2025-12-31")],
)
def test_a_year_ends_on_december_31(text: str, on: str) -> None:
    assert due(text) == {"kind": "year", "on": on}


@pytest.mark.parametrize(
    "text", ["01/10/2024 - 10/10/2024", "trong 10 ngày (01/10/2024 - 10/10/2024)"]
)
def test_two_dates_make_a_range(text: str) -> None:
    assert due(text) == {"kind": "range", "from": "2024-10-01", "on": "2024-10-10"}


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("từ ngày 15/9 - 10/10/2024", "2024-10-10"),
        ("trong thời gian từ ngày 15/9 - 31/10/2024", "2024-10-31"),
        ("trong thời gian từ ngày 15/9 -10/10/2024", "2024-10-10"),
    ],
)
def test_a_range_start_without_a_year_borrows_the_end_year(text: str, on: str) -> None:
    assert due(text, 2023) == {"kind": "range", "from": "2024-09-15", "on": on}


def test_a_range_across_the_new_year_puts_its_start_in_the_year_before() -> None:
    assert due("15/11 - 10/01/2025") == {"kind": "range", "from": "2024-11-15", "on": "2025-01-10"}


@pytest.mark.parametrize(
    ("text", "start", "on"),
    [
        ("2025 - 2026", "2025-01-01", "2026-12-31"),
        ("Giai đoạn 2024 - 2025", "2024-01-01", "2025-12-31"),
        ("Năm 2024 - 2025", "2024-01-01", "2025-12-31"),
    ],
)
def test_a_range_of_years_runs_from_january_to_december(text: str, start: str, on: str) -> None:
    assert due(text) == {"kind": "range", "from": start, "on": on}


def test_a_range_of_months_without_year_takes_the_plan_year() -> None:
    assert due("Từ tháng 3 đến tháng 6") == {
        "kind": "range", "from": "2024-03-01", "on": "2024-06-30"
    }


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("từ ngày 15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024", "2024-09-15"),
        ("trong thời gian từ ngày 01/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024",
         "2024-09-01"),
        ("thời gian từ ngày 15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024", "2024-09-15"),
    ],
)
def test_alternatives_joined_by_hoac_become_one_range_from_earliest_to_latest(
    text: str, start: str
) -> None:
    assert due(text) == {"kind": "range", "from": start, "on": "2024-10-31"}


def test_thuong_xuyen_is_ongoing() -> None:
    assert due("Thường xuyên") == {"kind": "ongoing"}


@pytest.mark.parametrize("text", ["2025 và những năm tiếp theo", "Từ năm 2025 trở đi"])
def test_a_year_and_the_years_after_is_ongoing_from_that_year(text: str) -> None:
    assert due(text) == {"kind": "ongoing", "from": "2025-01-01"}


@pytest.mark.parametrize(
    "text",
    [
        "(Theo Kế hoạch được duyệt)",
        "Theo Kế hoạch được duyệt)",
        "Theo kế hoạch chi tiết triển khai các nền tảng số và bộ công cụ sử dụng thống nhất "
        "toàn quốc",
        "Theo lộ trình tại Quyết định số 206/QĐ-TTg",
        "Theo tiến độ của dự án",
    ],
)
def test_phrases_deferring_to_another_plan_are_per_plan(text: str) -> None:
    assert due(text) == {"kind": "per_plan"}


def test_a_task_about_monitoring_is_not_per_plan() -> None:
    assert due("Theo dõi, đôn đốc") == {"kind": "none", "text": "Theo dõi, đôn đốc"}


@pytest.mark.parametrize(
    "text",
    [
        "Bảo đảm đáp ứng tiến độ khi Luật Các tổ chức tín dụng năm 2024 có hiệu lực thi hành",
        "Khi có yêu cầu",
        "Sau khi Luật được Quốc hội thông qua",
        "Trong vòng 30 ngày kể từ ngày Luật có hiệu lực",
    ],
)
def test_a_deadline_waiting_on_an_event_is_conditional_with_its_words(text: str) -> None:
    assert due(text) == {"kind": "conditional", "text": text}


def test_conditional_text_has_its_whitespace_collapsed() -> None:
    assert due("Khi   có\nyêu cầu") == {"kind": "conditional", "text": "Khi có yêu cầu"}


def test_a_bracketed_earlier_deadline_becomes_a_step_with_its_words() -> None:
    assert due("Tháng 7 (Báo cáo Thủ tướng giải pháp trước 30/4)") == {
        "kind": "month",
        "on": "2024-07-31",
        "steps": [{"on": "2024-04-30", "text": "Báo cáo Thủ tướng giải pháp trước 30/4"}],
    }


@pytest.mark.parametrize(
    ("text", "on", "step"),
    [
        ("Tháng 4 Quý II", "2024-06-30", "2024-04-30"),
        ("Quý II Quý III", "2024-09-30", "2024-06-30"),
        ("Quý I Quý I", "2024-03-31", "2024-03-31"),
    ],
)
def test_two_bare_periods_give_the_later_with_the_earlier_as_an_untitled_step(
    text: str, on: str, step: str
) -> None:
    assert due(text) == {"kind": "quarter", "on": on, "steps": [{"on": step, "text": ""}]}


@pytest.mark.parametrize(
    ("text", "on"), [("Tháng 12 hằng năm", "2024-12-31"), ("Trước 15/12 hằng năm", "2024-12-15")]
)
def test_a_period_repeated_every_year_recurs_from_its_day_in_the_plan_year(
    text: str, on: str
) -> None:
    assert due(text) == {"kind": "recurring", "on": on, "every": "year"}


def test_a_repeated_period_without_plan_year_recurs_without_a_day() -> None:
    assert due("Tháng 12 hằng năm", None) == {"kind": "recurring", "every": "year"}


def test_prose_mentioning_hang_nam_is_not_a_deadline() -> None:
    assert due("Báo cáo hằng năm") == {"kind": "none", "text": "Báo cáo hằng năm"}


@pytest.mark.parametrize(
    "text", ["Đầu năm 2025", "Sớm nhất có thể", "31/4", "Tháng 13", "Trong 10 ngày", "Quý V"]
)
def test_unknown_phrases_are_kept_as_text_not_guessed(text: str) -> None:
    assert due(text) == {"kind": "none", "text": text}


def test_a_phrase_needing_the_plan_year_is_unknown_without_one() -> None:
    assert due("Tháng 12", None) == {"kind": "none", "text": "Tháng 12"}


def test_a_phrase_with_its_own_year_needs_no_plan_year() -> None:
    assert due("từ ngày 15/9 - 10/10/2024", None) == {
        "kind": "range", "from": "2024-09-15", "on": "2024-10-10"
    }


def test_line_breaks_and_decomposed_accents_are_normalised() -> None:
    text = unicodedata.normalize("NFD", "Trước ngày\n30  tháng 4")
    assert due(text) == {"kind": "date", "on": "2024-04-30"}


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_every_deadline_in_the_gold_plans_parses_as_the_gold_says(prefix: str) -> None:
    gold = gold_plan(prefix)
    for task in gold["tasks"]:
        expected = dict(task["due"])
        deadline = task["deadline"] or ""
        if "(" not in deadline and ":" not in deadline and "steps" in expected:
            # bare periods side by side: the step text comes from the table's result cell
            expected["steps"] = [{**s, "text": ""} for s in expected["steps"]]
        assert due(task["deadline"], gold["plan"]["year"]) == expected, task["code"]


# --- find_deadline_phrase ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Xây dựng Thông điệp Ngày Chuyển đổi số quốc gia năm 2024, trình Bộ trưởng xem xét, "
         "phê duyệt trước ngày 15/9/2024.", "trước ngày 15/9/2024"),
        ("Xây dựng các chiến dịch truyền thông ... trong thời gian từ ngày 15/9 - 31/10/2024; "
         "phối hợp với Cục Báo chí", "trong thời gian từ ngày 15/9 - 31/10/2024"),
        ("triển khai chiến dịch ra quân trên toàn quốc trong 10 ngày (01/10/2024 - 10/10/2024).",
         "trong 10 ngày (01/10/2024 - 10/10/2024)"),
        ("Tổ viên Tổ công nghệ số cộng đồng tiêu biểu trên toàn quốc trong ngày 10/10/2024.",
         "trong ngày 10/10/2024"),
        ("tổ chức các sự kiện hưởng ứng Ngày Chuyển đổi số quốc gia trong toàn bộ tháng 10/2024.",
         "trong toàn bộ tháng 10/2024"),
        ("tôn vinh các ứng dụng số xuất sắc, hoàn thành trước ngày 10/10/2024.",
         "trước ngày 10/10/2024"),
    ],
)
def test_finds_the_deadline_ending_a_narrative_task(sentence: str, phrase: str) -> None:
    assert find_deadline_phrase(sentence) == phrase


def test_alternatives_joined_by_hoac_are_found_whole() -> None:
    sentence = (
        "tổ chức hội thảo đánh giá tác động của công nghệ số trong thời gian từ ngày "
        "15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024."
    )
    assert find_deadline_phrase(sentence) == (
        "trong thời gian từ ngày 15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024"
    )


def test_alternatives_led_by_thoi_gian_alone_are_found_whole() -> None:
    sentence = (
        "tổ chức thông tin, tuyên truyền về Ngày Chuyển đổi số quốc gia; "
        "thời gian từ ngày 15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024."
    )
    assert find_deadline_phrase(sentence) == (
        "thời gian từ ngày 15/9 - 10/10/2024 hoặc trong toàn bộ tháng 10/2024"
    )


def test_a_bare_month_of_a_year_is_a_deadline_phrase() -> None:
    sentence = "cung cấp thông tin cho báo chí tại buổi Họp báo thường kỳ tháng 10/2024."
    assert find_deadline_phrase(sentence) == "tháng 10/2024"


def test_odd_spacing_is_kept_as_printed() -> None:
    sentence = "hoạt động cộng đồng năm 2024 trong thời gian từ ngày 15/9 -10/10/2024. "
    assert find_deadline_phrase(sentence) == "trong thời gian từ ngày 15/9 -10/10/2024"


def test_the_last_of_several_deadline_phrases_is_found() -> None:
    sentence = "hoàn thành dự thảo trước ngày 15/8/2024 và tổ chức trong tháng 12/2024"
    assert find_deadline_phrase(sentence) == "trong tháng 12/2024"


@pytest.mark.parametrize(
    "sentence",
    [
        "Ngày 10 tháng 10 hằng năm là Ngày Chuyển đổi số quốc gia",
        "Tại Quyết định số 505/QĐ-TTg ngày 22/4/2022, Thủ tướng Chính phủ đã phê duyệt",
        "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030",
        "chủ đề của Ngày Chuyển đổi số quốc gia năm 2024",
        "tới độc giả trong, ngoài nước",
    ],
)
def test_dates_named_in_passing_are_not_deadline_phrases(sentence: str) -> None:
    assert find_deadline_phrase(sentence) is None


# --- split_trailing_deadline ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "head", "deadline"),
    [
        ("Các cơ quan, đơn vị thuộc Bộ Hằng năm", "Các cơ quan, đơn vị thuộc Bộ", "Hằng năm"),
        ("Vụ Tổ chức cán bộ Tháng 12/2024", "Vụ Tổ chức cán bộ", "Tháng 12/2024"),
        ("Bộ Công an Quý II", "Bộ Công an", "Quý II"),
        ("Bộ Công an Quý IV năm 2025", "Bộ Công an", "Quý IV năm 2025"),
        ("Trình Chính phủ xem xét, thông qua Tháng 6", "Trình Chính phủ xem xét, thông qua",
         "Tháng 6"),
        ("Bộ Nội vụ Thường xuyên", "Bộ Nội vụ", "Thường xuyên"),
        ("Văn phòng Bộ Hàng tháng", "Văn phòng Bộ", "Hàng tháng"),
        ("Bộ Tài chính Năm 2025", "Bộ Tài chính", "Năm 2025"),
        ("Bộ Tài chính 31/12/2024", "Bộ Tài chính", "31/12/2024"),
    ],
)
def test_a_deadline_glued_after_another_cell_is_split_off(
    line: str, head: str, deadline: str
) -> None:
    assert split_trailing_deadline(line) == (head, deadline)


@pytest.mark.parametrize(
    "line",
    [
        "Bộ Công an",
        "Báo cáo Thủ tướng trước ngày 30 tháng 4",
        "Báo cáo Thủ tướng trước ngày 30 Tháng 4",
        "Chương trình Chuyển đổi số quốc gia đến năm 2025",
        "Chương trình Chuyển đổi số quốc gia đến Năm 2025",
        "Quyết định số 12 ngày 31/12/2024",
        "Hằng năm và theo yêu cầu thực tế phát sinh",
    ],
)
def test_a_line_not_ending_in_a_whole_short_deadline_is_not_split(line: str) -> None:
    assert split_trailing_deadline(line) is None


@pytest.mark.parametrize("line", ["Quý II", "Hằng năm", "- Hằng năm", "Tháng 4 Quý II"])
def test_a_line_that_is_all_deadline_is_not_split(line: str) -> None:
    assert split_trailing_deadline(line) is None


# --- is_deadline_text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Tháng 12", "Quý I Quý I", "Thường xuyên", "Hằng năm", "(Theo Kế hoạch được duyệt)",
     "trong thời gian từ ngày 15/9 - 31/10/2024", "Khi có yêu cầu", "2025"],
)
def test_recognised_phrases_are_deadline_text(text: str) -> None:
    assert is_deadline_text(text)


@pytest.mark.parametrize(
    "text", ["", "   ", "Bộ Công an", "Sớm nhất có thể", "Theo dõi, đôn đốc", "Đầu năm 2025"]
)
def test_empty_and_unknown_texts_are_not_deadline_text(text: str) -> None:
    assert not is_deadline_text(text)


# --- deadlines seen in 2025 plans -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "on"),
    [("Quí IV-2025", "2025-12-31"), ("Quý IV-2025", "2025-12-31"), ("Quý IV/2025", "2025-12-31"),
     ("Quý II/2027", "2027-06-30"), ("Quí II", "2025-06-30"), ("Quý I-2026.", "2026-03-31")],
)
def test_a_quarter_with_its_year_glued_by_a_dash_or_spelt_qui_is_a_quarter(
    text: str, on: str
) -> None:
    assert due(text, 2025) == {"kind": "quarter", "on": on}


def test_a_spaced_dash_between_two_quarters_is_still_a_range() -> None:
    assert due("Quý I - Quý II", 2025) == {
        "kind": "range", "from": "2025-01-01", "on": "2025-06-30"}


@pytest.mark.parametrize(
    ("text", "start", "on"),
    [("Năm 2025 - 2026", "2025-01-01", "2026-12-31"),
     ("Năm 2025-2030", "2025-01-01", "2030-12-31"),
     ("2026-2027", "2026-01-01", "2027-12-31")],
)
def test_a_span_of_years_seen_in_2025_plans_is_a_range(text: str, start: str, on: str) -> None:
    assert due(text, 2025) == {"kind": "range", "from": start, "on": on}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tháng 02/2026", {"kind": "month", "on": "2026-02-28"}),
        ("Tháng 12-2025", {"kind": "month", "on": "2025-12-31"}),
        ("Hoàn thành trong năm 2025.", {"kind": "year", "on": "2025-12-31"}),
        ("Năm 2025.", {"kind": "year", "on": "2025-12-31"}),
        ("Hằng năm.", {"kind": "recurring", "every": "year"}),
        ("Khi có phát sinh.", {"kind": "conditional", "text": "Khi có phát sinh"}),
    ],
)
def test_a_deadline_ending_in_a_full_stop_reads_as_without_it(text: str, expected: dict) -> None:
    assert due(text, 2025) == expected


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("Thường xuyên, hằng năm", "year"),
        ("Thường xuyên, định kỳ hằng quý báo cáo kết quả về Sở Khoa học và Công nghệ", "quarter"),
        ("Thường xuyên; hằng tháng", "month"),
        ("Định kỳ hằng quý", "quarter"),
    ],
)
def test_a_standing_duty_with_a_rhythm_recurs_at_that_rhythm(text: str, every: str) -> None:
    assert due(text, 2025) == {"kind": "recurring", "every": every}


@pytest.mark.parametrize("text", ["Thường xuyên, liên tục", "Nhiệm vụ thường xuyên"])
def test_a_standing_duty_without_a_rhythm_stays_ongoing(text: str) -> None:
    assert due(text, 2025) == {"kind": "ongoing"}


@pytest.mark.parametrize(
    ("text", "start"),
    [("Bắt đầu triển khai từ năm 2026", "2026-01-01"), ("Triển khai từ tháng 6/2025", "2025-06-01"),
     ("Từ năm 2026", "2026-01-01")],
)
def test_a_start_without_an_end_is_ongoing_from_it(text: str, start: str) -> None:
    assert due(text, 2025) == {"kind": "ongoing", "from": start}


def test_a_quarter_spelt_qui_is_split_off_a_line_it_ends() -> None:
    assert split_trailing_deadline("Triển khai nền tảng dữ liệu Quí IV-2025") == (
        "Triển khai nền tảng dữ liệu", "Quí IV-2025")


@pytest.mark.parametrize(
    ("text", "start", "on"),
    [("Quý III - IV/2025", "2025-07-01", "2025-12-31"),
     ("Quý II-III/2025", "2025-04-01", "2025-09-30")],
)
def test_two_quarters_sharing_one_word_quy_and_one_year_are_a_range(
    text: str, start: str, on: str
) -> None:
    assert due(text, 2025) == {"kind": "range", "from": start, "on": on}


def test_a_first_occurrence_then_every_year_recurs_from_that_occurrence() -> None:
    assert due("Tháng 6/2025 và hằng năm", 2025) == {
        "kind": "recurring", "on": "2025-06-30", "every": "year"}


def test_a_span_of_years_and_the_years_after_is_ongoing_from_its_start() -> None:
    assert due("Năm 2025-2026 và các năm tiếp theo", 2025) == {
        "kind": "ongoing", "from": "2025-01-01"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Thực hiện thường xuyên.", "ongoing"), ("Thực hiện thường xuyên .", "ongoing"),
     ("Triển khai đảm bảo theo lộ trình, hướng dẫn của Bộ, ngành.", "per_plan"),
     ("Tổ chức thực hiện theo kế hoạch", "per_plan")],
)
def test_a_timing_led_by_the_verb_that_does_it_reads_as_the_timing(text: str, kind: str) -> None:
    assert due(text, 2025)["kind"] == kind


def test_a_period_and_the_years_after_is_ongoing_from_its_start() -> None:
    assert due("Giai đoạn 2026-2030 và những năm tiếp theo.") == {
        "kind": "ongoing", "from": "2026-01-01"}
