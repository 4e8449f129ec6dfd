"""Calendars of deadlines (RFC 5545): events, recurrences, and the subscription address."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from theodoi.outputs.ical import agency_calendar, feed_for, plan_calendar
from theodoi.outputs.registry import render

pytestmark = pytest.mark.django_db


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def events(content: bytes) -> dict[str, object]:
    """The events by task code (the SUMMARY reads "Hạn: CODE name")."""
    return {str(e["summary"]).split()[1]: e for e in parse(content).walk("VEVENT")}


def occurrences(event, count: int) -> list[date]:
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(),
                    dtstart=datetime(start.year, start.month, start.day, tzinfo=UTC))
    return [d.date() for d in rule[:count]]


def test_a_plan_calendar_has_an_all_day_event_per_dated_task(reported_plan):
    content = render("calendar", "ics", plan_calendar(reported_plan)).content
    cal = parse(content)
    assert str(cal["version"]) == "2.0"
    assert "theodoi" in str(cal["prodid"])
    assert str(cal["x-wr-calname"]) == "Hạn nhiệm vụ - 1/QĐ-TEST"
    found = events(content)
    assert sorted(found) == ["I.1", "I.2", "II.1", "III.A.1"]  # II.2 waits for a date
    one_off = found["I.2"]
    assert one_off.decoded("dtstart") == date(2024, 4, 30)
    assert one_off.decoded("dtend") == date(2024, 5, 1)
    assert b"DTSTART;VALUE=DATE:20240430" in content
    assert "rrule" not in one_off
    assert "Xây dựng kế hoạch kiểm tra, giám sát chuyển đổi số" in str(one_off["summary"])
    assert "Cơ quan chủ trì: Các bộ, ngành, địa phương" in str(one_off["description"])
    # The printed "Trước ngày 30 tháng 4" has no year: the calendar adds it.
    assert "Thời hạn: Trước ngày 30 tháng 4 (30/04/2024)" in str(one_off["description"])
    assert str(one_off["uid"]).endswith("@theodoi")


def test_recurring_tasks_are_recurrences_on_the_last_day_of_each_period(reported_plan):
    found = events(render("calendar", "ics", plan_calendar(reported_plan)).content)
    monthly = found["I.1"]
    assert monthly["rrule"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=-1"
    assert occurrences(monthly, 4) == [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30),
                                       date(2024, 7, 31)]
    ongoing = found["II.1"]  # "Thường xuyên": reported every quarter
    assert occurrences(ongoing, 3) == [date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    assert "Báo cáo định kỳ mỗi quý" in str(ongoing["description"])


def test_a_date_set_by_a_coordinator_puts_a_waiting_task_on_the_calendar(
    reported_plan, coordinator
):
    from theodoi.tracking.services import set_task_date

    set_task_date(reported_plan.tasks.get(code="II.2"), date(2024, 9, 15), coordinator)
    found = events(render("calendar", "ics", plan_calendar(reported_plan)).content)
    assert found["II.2"].decoded("dtstart") == date(2024, 9, 15)


def test_an_agency_calendar_holds_the_tasks_it_leads_or_supports(reported_plan, agency_b):
    content = render("calendar", "ics", agency_calendar(agency_b)).content
    found = events(content)
    # Not II.1: its partners are "các bộ, ngành, địa phương", a group listed once.
    assert sorted(found) == ["I.1", "I.2", "III.A.1"]
    assert "Vai trò của cơ quan: Phối hợp" in str(found["I.1"]["description"])
    assert "Vai trò của cơ quan: Chủ trì" in str(found["III.A.1"]["description"])
    assert str(parse(content)["x-wr-calname"]) == "Hạn nhiệm vụ - Ủy ban nhân dân tỉnh B"


def test_the_file_follows_rfc_5545_lines(reported_plan):
    content = render("calendar", "ics", plan_calendar(reported_plan)).content
    lines = content.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR"
    assert all(len(line) <= 75 for line in lines)
    assert content.count(b"DTSTAMP:") == content.count(b"BEGIN:VEVENT") == 4


def test_a_feed_token_is_made_once_and_rotates(reported_plan, agency_b):
    feed = feed_for(agency=agency_b)
    assert feed_for(agency=agency_b).token == feed.token
    rotated = feed_for(agency=agency_b, rotate=True)
    assert rotated.token != feed.token and len(rotated.token) >= 32
    with pytest.raises(ValueError):
        feed_for()
