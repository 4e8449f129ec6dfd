"""The status engine: every deadline kind, recurrence and the as-of date, without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from theodoi.tracking import status as s
from theodoi.tracking.status import (
    Deadline,
    ReportFact,
    State,
    combine_states,
    judge,
    next_change,
    timeline,
)

D = date


def done(on: date, *, accepted: date | None = None, period: str = "") -> ReportFact:
    """A "done" report written on `on`, accepted on `accepted` (pending when None)."""
    review = s.REVIEW_ACCEPTED if accepted else s.REVIEW_PENDING
    return ReportFact(s.REPORT_DONE, on, review, accepted, period)


def working(on: date, *, period: str = "", percent: int | None = 30) -> ReportFact:
    return ReportFact(s.REPORT_IN_PROGRESS, on, period=period, percent=percent)


def returned(on: date, status: str = s.REPORT_DONE, *, back: date) -> ReportFact:
    return ReportFact(status, on, s.REVIEW_RETURNED, back)


APRIL_30 = Deadline("date", on=D(2024, 4, 30))


# -- one date ---------------------------------------------------------------------------


def test_a_dated_task_without_reports_is_not_started_well_before_its_date():
    assert judge(APRIL_30, [], D(2024, 3, 1)).status == s.NOT_STARTED


def test_a_dated_task_is_due_soon_inside_the_window():
    assert judge(APRIL_30, [], D(2024, 4, 16), due_soon_days=14).status == s.DUE_SOON
    assert judge(APRIL_30, [], D(2024, 4, 15), due_soon_days=14).status == s.NOT_STARTED


def test_the_due_soon_window_is_configurable():
    assert judge(APRIL_30, [], D(2024, 4, 1), due_soon_days=30).status == s.DUE_SOON


def test_a_dated_task_is_due_soon_on_its_last_day_and_overdue_the_day_after():
    assert judge(APRIL_30, [], D(2024, 4, 30)).status == s.DUE_SOON
    assert judge(APRIL_30, [], D(2024, 5, 1)).status == s.OVERDUE


def test_progress_makes_it_in_progress():
    result = judge(APRIL_30, [working(D(2024, 3, 2))], D(2024, 3, 5))
    assert result.status == s.IN_PROGRESS
    assert result.due == D(2024, 4, 30)


def test_progress_does_not_hide_that_the_date_passed():
    assert judge(APRIL_30, [working(D(2024, 3, 2))], D(2024, 5, 2)).status == s.OVERDUE


def test_only_an_accepted_done_report_closes_the_task():
    pending = done(D(2024, 4, 10))
    assert judge(APRIL_30, [pending], D(2024, 4, 20)).status == s.DUE_SOON
    assert judge(APRIL_30, [pending], D(2024, 5, 20)).status == s.OVERDUE
    accepted = done(D(2024, 4, 10), accepted=D(2024, 4, 11))
    assert judge(APRIL_30, [accepted], D(2024, 4, 12)).status == s.DONE


def test_a_pending_done_report_counts_as_work_begun():
    assert judge(APRIL_30, [done(D(2024, 3, 1))], D(2024, 3, 2)).status == s.IN_PROGRESS


def test_done_after_the_date_is_done_late():
    late = done(D(2024, 5, 3), accepted=D(2024, 5, 4))
    result = judge(APRIL_30, [late], D(2024, 6, 1))
    assert result.status == s.DONE_LATE
    assert result.occurrences[0].done_on == D(2024, 5, 3)


def test_lateness_is_judged_by_when_the_agency_reported_not_when_it_was_accepted():
    on_time = done(D(2024, 4, 29), accepted=D(2024, 5, 10))
    assert judge(APRIL_30, [on_time], D(2024, 6, 1)).status == s.DONE


def test_a_returned_done_report_does_not_close_and_does_not_count_as_work():
    back = returned(D(2024, 3, 1), back=D(2024, 3, 2))
    assert judge(APRIL_30, [back], D(2024, 3, 3)).status == s.NOT_STARTED


def test_a_correction_after_a_return_closes_the_task():
    reports = [
        returned(D(2024, 4, 1), back=D(2024, 4, 2)),
        done(D(2024, 4, 5), accepted=D(2024, 4, 6)),
    ]
    assert judge(APRIL_30, reports, D(2024, 4, 7)).status == s.DONE


def test_a_cannot_do_report_is_not_progress():
    cannot = ReportFact(s.REPORT_CANNOT_DO, D(2024, 3, 1), percent=40)
    result = judge(APRIL_30, [cannot], D(2024, 3, 2))
    assert result.status == s.NOT_STARTED
    assert result.occurrences[0].latest == cannot


def test_a_not_started_report_with_a_percent_counts_as_work():
    report = ReportFact(s.REPORT_NOT_STARTED, D(2024, 3, 1), percent=10)
    assert judge(APRIL_30, [report], D(2024, 3, 2)).status == s.IN_PROGRESS


@pytest.mark.parametrize(
    ("kind", "on"),
    [
        ("month", D(2024, 12, 31)),
        ("quarter", D(2024, 6, 30)),
        ("half", D(2024, 6, 30)),
        ("year", D(2025, 12, 31)),
    ],
)
def test_month_quarter_half_and_year_deadlines_fall_on_their_last_day(kind, on):
    deadline = Deadline(kind, on=on)
    assert judge(deadline, [], on).status == s.DUE_SOON
    assert judge(deadline, [], on.replace(day=on.day - 15)).status == s.NOT_STARTED
    assert judge(deadline, [], D(on.year + 1, 1, 1)).status == s.OVERDUE


def test_a_range_is_due_at_its_end():
    deadline = Deadline("range", start=D(2024, 9, 15), on=D(2024, 10, 31))
    assert judge(deadline, [], D(2024, 9, 1)).status == s.NOT_STARTED
    assert judge(deadline, [], D(2024, 10, 20)).status == s.DUE_SOON
    assert judge(deadline, [], D(2024, 11, 1)).status == s.OVERDUE


def test_a_task_without_a_deadline_is_never_due_soon_or_overdue():
    deadline = Deadline("none")
    assert judge(deadline, [], D(2030, 1, 1)).status == s.NOT_STARTED
    assert judge(deadline, [working(D(2024, 1, 1))], D(2030, 1, 1)).status == s.IN_PROGRESS
    closed = done(D(2024, 2, 1), accepted=D(2024, 2, 1))
    assert judge(deadline, [closed], D(2030, 1, 1)).status == s.DONE


def test_an_unknown_kind_is_judged_like_no_deadline():
    assert judge(Deadline("someday", on=D(2024, 1, 1)), [], D(2025, 1, 1)).status == s.NOT_STARTED


# -- per plan and conditional ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["per_plan", "conditional"])
def test_per_plan_and_conditional_deadlines_await_a_date(kind):
    deadline = Deadline(kind)
    assert judge(deadline, [], D(2024, 5, 1)).status == s.AWAITING_DATE
    assert judge(deadline, [working(D(2024, 4, 1))], D(2024, 5, 1)).status == s.AWAITING_DATE


@pytest.mark.parametrize("kind", ["per_plan", "conditional"])
def test_per_plan_and_conditional_tasks_can_be_done_before_a_date_is_set(kind):
    closed = done(D(2024, 4, 1), accepted=D(2024, 4, 2))
    assert judge(Deadline(kind), [closed], D(2024, 5, 1)).status == s.DONE


@pytest.mark.parametrize("kind", ["per_plan", "conditional"])
def test_a_coordinator_date_makes_them_dated(kind):
    deadline = Deadline(kind, set_on=D(2024, 8, 31))
    assert judge(deadline, [], D(2024, 8, 20)).status == s.DUE_SOON
    assert judge(deadline, [], D(2024, 9, 1)).status == s.OVERDUE
    late = done(D(2024, 9, 3), accepted=D(2024, 9, 3))
    assert judge(deadline, [late], D(2024, 9, 5)).status == s.DONE_LATE


def test_a_coordinator_date_extends_a_dated_task():
    extended = Deadline("date", on=D(2024, 4, 30), set_on=D(2024, 6, 30))
    assert judge(extended, [], D(2024, 5, 2)).status == s.NOT_STARTED
    assert judge(extended, [], D(2024, 5, 2)).due == D(2024, 6, 30)


# -- recurring ---------------------------------------------------------------------------

MONTHLY = Deadline("recurring", every="month", start=D(2024, 4, 19))


def test_a_monthly_task_has_one_occurrence_per_month_up_to_the_date():
    result = judge(MONTHLY, [], D(2024, 6, 10))
    assert [o.period for o in result.occurrences] == ["2024-04", "2024-05", "2024-06"]
    assert [o.due for o in result.occurrences] == [D(2024, 4, 30), D(2024, 5, 31), D(2024, 6, 30)]


def test_a_monthly_task_with_a_missed_month_is_overdue_for_that_month():
    reports = [done(D(2024, 4, 25), accepted=D(2024, 4, 26))]
    result = judge(MONTHLY, reports, D(2024, 6, 10))
    assert result.status == s.OVERDUE
    assert result.due == D(2024, 5, 31)
    assert [o.status for o in result.occurrences] == [s.DONE, s.OVERDUE, s.NOT_STARTED]


def test_a_monthly_task_with_every_past_month_done_shows_the_current_month():
    reports = [
        done(D(2024, 4, 25), accepted=D(2024, 4, 26)),
        done(D(2024, 5, 20), accepted=D(2024, 5, 21)),
    ]
    assert judge(MONTHLY, reports, D(2024, 6, 10)).status == s.NOT_STARTED
    assert judge(MONTHLY, reports, D(2024, 6, 20)).status == s.DUE_SOON
    assert judge(MONTHLY, reports, D(2024, 5, 25)).status == s.DONE


def test_each_occurrence_is_judged_by_its_own_reports():
    # May's report was written in June but says it answers May.
    reports = [
        done(D(2024, 4, 25), accepted=D(2024, 4, 26)),
        done(D(2024, 6, 3), accepted=D(2024, 6, 4), period="2024-05"),
    ]
    result = judge(MONTHLY, reports, D(2024, 6, 10))
    assert [o.status for o in result.occurrences] == [s.DONE, s.DONE_LATE, s.NOT_STARTED]
    assert result.status == s.NOT_STARTED


def test_a_report_without_a_period_answers_the_period_it_was_written_in():
    reports = [done(D(2024, 5, 2), accepted=D(2024, 5, 2))]
    result = judge(MONTHLY, reports, D(2024, 5, 3))
    assert [o.status for o in result.occurrences] == [s.OVERDUE, s.DONE]


def test_a_yearly_task_uses_year_keys():
    yearly = Deadline("recurring", every="year", start=D(2024, 1, 1))
    reports = [done(D(2024, 12, 1), accepted=D(2024, 12, 2))]
    result = judge(yearly, reports, D(2025, 3, 1))
    assert [(o.period, o.status) for o in result.occurrences] == [
        ("2024", s.DONE),
        ("2025", s.NOT_STARTED),
    ]
    assert result.due == D(2025, 12, 31)


def test_a_weekly_task_uses_iso_week_keys():
    weekly = Deadline("recurring", every="week", start=D(2024, 1, 1))
    result = judge(weekly, [], D(2024, 1, 10))
    assert [o.period for o in result.occurrences] == ["2024-W01", "2024-W02"]
    assert result.status == s.OVERDUE


def test_a_quarterly_task_uses_quarter_keys():
    quarterly = Deadline("recurring", every="quarter", start=D(2024, 2, 1))
    result = judge(quarterly, [], D(2024, 7, 1))
    assert [o.period for o in result.occurrences] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert result.occurrences[0].start == D(2024, 1, 1)


def test_a_recurring_task_before_it_begins_is_not_started():
    result = judge(MONTHLY, [], D(2024, 3, 1))
    assert result.status == s.NOT_STARTED
    assert result.occurrences == ()
    assert result.due == D(2024, 4, 30)


def test_a_recurrence_that_ended_with_every_occurrence_done_is_done():
    quarterly = Deadline("recurring", every="quarter", start=D(2024, 1, 1), on=D(2024, 6, 30))
    reports = [
        done(D(2024, 3, 1), accepted=D(2024, 3, 1)),
        done(D(2024, 7, 2), accepted=D(2024, 7, 2), period="2024-Q2"),
    ]
    assert judge(quarterly, reports, D(2025, 1, 1)).status == s.DONE_LATE


def test_a_recurring_task_without_a_start_begins_in_the_current_period():
    result = judge(Deadline("recurring", every="month"), [], D(2024, 8, 5))
    assert [o.period for o in result.occurrences] == ["2024-08"]


# -- ongoing ----------------------------------------------------------------------------

ONGOING = Deadline("ongoing", start=D(2024, 4, 19))


def test_an_ongoing_task_in_its_first_period_is_not_started_or_in_progress():
    assert judge(ONGOING, [], D(2024, 5, 1)).status == s.NOT_STARTED
    assert judge(ONGOING, [working(D(2024, 4, 25))], D(2024, 5, 1)).status == s.IN_PROGRESS


def test_an_ongoing_task_is_judged_by_its_last_completed_quarter():
    reports = [working(D(2024, 6, 10))]
    assert judge(ONGOING, reports, D(2024, 7, 15)).status == s.IN_PROGRESS
    assert judge(ONGOING, reports, D(2024, 10, 2)).status == s.OVERDUE


def test_an_ongoing_task_with_an_accepted_done_for_last_period_is_done_never_late():
    reports = [done(D(2024, 7, 5), accepted=D(2024, 7, 6), period="2024-Q2")]
    result = judge(ONGOING, reports, D(2024, 7, 20))
    assert result.status == s.DONE
    assert result.due == D(2024, 6, 30)


def test_an_ongoing_task_with_nothing_for_last_period_is_overdue():
    reports = [done(D(2024, 5, 5), accepted=D(2024, 5, 6))]
    assert judge(ONGOING, reports, D(2024, 7, 20)).status == s.DONE
    assert judge(ONGOING, reports, D(2024, 10, 20)).status == s.OVERDUE


def test_an_ongoing_task_can_name_its_own_period():
    monthly = Deadline("ongoing", every="month", start=D(2024, 4, 1))
    reports = [working(D(2024, 4, 20))]
    assert judge(monthly, reports, D(2024, 5, 10)).status == s.IN_PROGRESS
    assert judge(monthly, reports, D(2024, 6, 10)).status == s.OVERDUE


# -- as of a past date ---------------------------------------------------------------


def test_reports_written_after_the_date_are_ignored():
    reports = [working(D(2024, 3, 1)), done(D(2024, 4, 20), accepted=D(2024, 4, 21))]
    assert judge(APRIL_30, reports, D(2024, 2, 1)).status == s.NOT_STARTED
    assert judge(APRIL_30, reports, D(2024, 3, 2)).status == s.IN_PROGRESS
    assert judge(APRIL_30, reports, D(2024, 4, 21)).status == s.DONE


def test_an_acceptance_after_the_date_is_ignored():
    reports = [done(D(2024, 4, 20), accepted=D(2024, 5, 10))]
    assert judge(APRIL_30, reports, D(2024, 5, 5)).status == s.OVERDUE
    assert judge(APRIL_30, reports, D(2024, 5, 10)).status == s.DONE


def test_a_return_after_the_date_is_ignored():
    reports = [returned(D(2024, 3, 1), s.REPORT_IN_PROGRESS, back=D(2024, 3, 10))]
    assert judge(APRIL_30, reports, D(2024, 3, 5)).status == s.IN_PROGRESS
    assert judge(APRIL_30, reports, D(2024, 3, 10)).status == s.NOT_STARTED


def test_recurring_occurrences_stop_at_the_date():
    assert len(judge(MONTHLY, [], D(2024, 12, 31)).occurrences) == 9
    assert len(judge(MONTHLY, [], D(2024, 5, 1)).occurrences) == 2


# -- periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "key", "first", "last"),
    [
        ("week", "2024-W18", D(2024, 4, 29), D(2024, 5, 5)),
        ("month", "2024-05", D(2024, 5, 1), D(2024, 5, 31)),
        ("quarter", "2024-Q2", D(2024, 4, 1), D(2024, 6, 30)),
        ("half", "2024-H1", D(2024, 1, 1), D(2024, 6, 30)),
        ("year", "2024", D(2024, 1, 1), D(2024, 12, 31)),
    ],
)
def test_period_keys_and_bounds(every, key, first, last):
    assert s.period_key(D(2024, 5, 2), every) == key
    assert s.period_bounds(D(2024, 5, 2), every) == (first, last)


def test_february_of_a_leap_year_ends_on_the_29th():
    assert s.period_bounds(D(2024, 2, 10), "month")[1] == D(2024, 2, 29)


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        s.period_key(D(2024, 1, 1), "fortnight")


# -- combining the lead assignments of a task -------------------------------------------


def test_a_task_is_done_only_when_every_lead_is_done():
    assert s.combine([s.DONE, s.DONE]) == s.DONE
    assert s.combine([s.DONE, s.DONE_LATE]) == s.DONE_LATE
    assert s.combine([s.DONE, s.NOT_STARTED]) == s.IN_PROGRESS


def test_a_task_takes_the_most_urgent_open_status():
    assert s.combine([s.DONE, s.OVERDUE, s.DUE_SOON]) == s.OVERDUE
    assert s.combine([s.IN_PROGRESS, s.DUE_SOON]) == s.DUE_SOON
    assert s.combine([s.NOT_STARTED, s.IN_PROGRESS]) == s.IN_PROGRESS
    assert s.combine([s.AWAITING_DATE, s.DONE]) == s.AWAITING_DATE
    assert s.combine([]) == s.NOT_STARTED


def test_the_on_time_rate_counts_what_was_due():
    assert s.on_time_rate([s.DONE, s.DONE_LATE, s.OVERDUE, s.DONE, s.IN_PROGRESS]) == 0.5
    assert s.on_time_rate([s.NOT_STARTED, s.AWAITING_DATE]) is None


# -- progress beside the status, contributions, timelines --------------------------------

def test_overdue_with_reported_percent_keeps_its_progress() -> None:
    rule = Deadline(kind="date", on=date(2024, 6, 30))
    report = ReportFact(status="in_progress", on=date(2024, 5, 2), review="accepted",
                        reviewed_on=date(2024, 5, 3), percent=60)
    state = judge(rule, [report], date(2024, 8, 1)).state
    assert (state.status, state.progress, state.percent) == ("overdue", "in_progress", 60)


def test_a_pending_done_report_shows_awaiting_review() -> None:
    rule = Deadline(kind="date", on=date(2024, 6, 30))
    report = ReportFact(status="done", on=date(2024, 6, 20))
    assert judge(rule, [report], date(2024, 8, 1)).state.progress == "awaiting_review"
    returned = ReportFact(status="done", on=date(2024, 6, 20), review="returned",
                          reviewed_on=date(2024, 6, 25))
    # A returned report does not count.
    assert judge(rule, [returned], date(2024, 8, 1)).state.progress == "not_started"


def test_a_contribution_counts_when_given_without_review() -> None:
    rule = Deadline(kind="date", on=date(2024, 6, 30))
    given = ReportFact(status="done", on=date(2024, 6, 25), review="not_required")
    assert judge(rule, [given], date(2024, 6, 20)).status == "due_soon"
    assert judge(rule, [given], date(2024, 6, 25)).status == "done"


def test_timeline_lists_each_change_with_its_first_day() -> None:
    rule = Deadline(kind="date", on=date(2024, 6, 30))
    reports = [ReportFact(status="in_progress", on=date(2024, 5, 2), percent=10),
               ReportFact(status="done", on=date(2024, 7, 5), review="accepted",
                          reviewed_on=date(2024, 7, 8))]
    changes = [(day, s.status, s.progress)
               for day, s in timeline(rule, reports, date(2024, 4, 1), date(2024, 12, 31))]
    assert changes == [
        (date(2024, 4, 1), "not_started", "not_started"),
        (date(2024, 5, 2), "in_progress", "in_progress"),
        (date(2024, 6, 16), "due_soon", "in_progress"),
        (date(2024, 7, 1), "overdue", "in_progress"),
        (date(2024, 7, 5), "overdue", "awaiting_review"),
        (date(2024, 7, 8), "done_late", "done"),
    ]


def test_timeline_agrees_with_judge_on_every_day() -> None:
    rule = Deadline(kind="recurring", every="month", start=date(2024, 1, 1))
    reports = [ReportFact(status="done", on=date(2024, 1, 28), review="accepted",
                          reviewed_on=date(2024, 2, 3), period="2024-01"),
               ReportFact(status="in_progress", on=date(2024, 3, 10), period="2024-03",
                          percent=40)]
    changes = timeline(rule, reports, date(2023, 12, 1), date(2024, 5, 31))
    day = date(2023, 12, 1)
    while day <= date(2024, 5, 31):
        expected = judge(rule, reports, day).state
        current = [s for first, s in changes if first <= day][-1]
        assert current == expected, day
        day += timedelta(days=1)


def test_next_change_is_the_first_day_the_state_moves_without_a_report() -> None:
    rule = Deadline(kind="date", on=date(2024, 6, 30))
    assert next_change(rule, [], date(2024, 5, 1)) == date(2024, 6, 16)
    assert next_change(rule, [], date(2024, 6, 20)) == date(2024, 7, 1)
    done = [ReportFact(status="done", on=date(2024, 5, 2), review="accepted",
                       reviewed_on=date(2024, 5, 3))]
    assert next_change(rule, done, date(2024, 6, 1)) is None


def test_combined_states_of_a_group_lead_roll_up() -> None:
    parts = [State("done", "done", 100), State("overdue", "in_progress", 50),
             State("overdue", "not_started", None)]
    state = combine_states(parts)
    assert (state.status, state.progress, state.percent) == ("overdue", "in_progress", 75)
