"""The engine's fast path (`state_on`, and the timelines built on it) gives exactly the
states of the full judgement (`judge(...).state`) on random deadlines and report series."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from theodoi.tracking import status as s
from theodoi.tracking.status import (
    Deadline,
    ReportFact,
    State,
    change_points,
    judge,
    next_change,
    state_on,
    timeline,
)

FIRST = date(2023, 10, 1)
LAST = date(2027, 3, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
maybe_day = st.one_of(st.none(), days)


@st.composite
def deadlines(draw: st.DrawFn) -> Deadline:
    kind = draw(st.sampled_from(["recurring", "ongoing", "recurring", "ongoing", "date",
                                 "month", "range", "per_plan", "conditional", "none"]))
    every = draw(st.sampled_from([None, "week", "month", "quarter", "half", "year", "oddly"]))
    return Deadline(kind=kind, on=draw(maybe_day), start=draw(maybe_day), every=every,
                    set_on=draw(maybe_day))


@st.composite
def report_series(draw: st.DrawFn) -> list[ReportFact]:
    out = []
    for _ in range(draw(st.integers(0, 7))):
        on = draw(days)
        review = draw(st.sampled_from([s.REVIEW_PENDING, s.REVIEW_ACCEPTED, s.REVIEW_RETURNED,
                                       s.REVIEW_NOT_REQUIRED, s.REVIEW_WITHDRAWN]))
        reviewed = None
        if review != s.REVIEW_PENDING and draw(st.booleans()):
            reviewed = on + timedelta(days=draw(st.integers(0, 120)))
        period = draw(st.sampled_from(["", "", "", "2024-Q2", "2025-Q1", "2024-05", "2025",
                                       "2024-H2", "2024-W10", "bogus"]))
        out.append(ReportFact(
            status=draw(st.sampled_from([s.REPORT_NOT_STARTED, s.REPORT_IN_PROGRESS,
                                         s.REPORT_DONE, s.REPORT_CANNOT_DO])),
            on=on, review=review, reviewed_on=reviewed, period=period,
            percent=draw(st.one_of(st.none(), st.integers(0, 100)))))
    return sorted(out, key=lambda r: r.on)  # as the database gives them: by time written


def full_timeline(deadline: Deadline, reports: list[ReportFact], since: date, until: date,
                  days_: int) -> list[tuple[date, State]]:
    """The timeline as it was first written: the full judgement on every change day."""
    out: list[tuple[date, State]] = []
    for day in change_points(deadline, reports, since, until, days_):
        state = judge(deadline, reports, day, days_).state
        if not out or out[-1][1] != state:
            out.append((day, state))
    return out


def full_next_change(deadline: Deadline, reports: list[ReportFact], as_of: date,
                     days_: int) -> date | None:
    now = judge(deadline, reports, as_of, days_).state
    for day in change_points(deadline, reports, as_of + timedelta(days=1),
                             as_of + timedelta(days=800), days_):
        if judge(deadline, reports, day, days_).state != now:
            return day
    return None


FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(deadlines(), report_series(), days, st.sampled_from([0, 7, 14, 30]))
def test_the_state_alone_is_the_full_judgements_state(deadline, reports, as_of, days_):
    assert state_on(deadline, reports, as_of, days_) == judge(deadline, reports, as_of,
                                                              days_).state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deadlines(), report_series(), days, st.sampled_from([0, 14]))
def test_a_timeline_is_the_full_judgement_on_every_change_day(deadline, reports, until,
                                                              days_):
    since = s.EPOCH
    assert timeline(deadline, reports, since, until, days_) == full_timeline(
        deadline, reports, since, until, days_)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deadlines(), report_series(), days, st.sampled_from([0, 14]))
def test_the_next_change_is_the_full_judgements(deadline, reports, as_of, days_):
    assert next_change(deadline, reports, as_of, days_) == full_next_change(
        deadline, reports, as_of, days_)


def test_a_recurring_task_with_nothing_reported_is_overdue_from_its_first_period():
    rule = Deadline("recurring", start=date(2024, 1, 1), every="month")
    assert state_on(rule, [], date(2024, 3, 5)) == State(s.OVERDUE, due=date(2024, 1, 31))


# -- roll-ups ---------------------------------------------------------------------------

part_states = st.builds(
    State,
    status=st.sampled_from(s.STATUSES),
    progress=st.sampled_from(s.PROGRESSES),
    percent=st.one_of(st.none(), st.integers(0, 100)),
    due=maybe_day,
    done_on=maybe_day,
)


@FAST
@given(st.lists(st.sampled_from([State(s.NOT_STARTED)]) | part_states, max_size=12))
def test_a_tally_of_states_is_combining_the_list(states):
    tally = s.StateTally()
    for state in states:
        tally.add(state)
    assert tally.state() == s.combine_states(states)
    # A state counted and taken away again counts for nothing.
    gone = State(s.DONE, s.PROGRESS_DONE, 100, date(2024, 1, 1), date(2024, 1, 1))
    tally.add(gone, 2)
    tally.add(gone, -2)
    assert tally.state() == s.combine_states(states)


def rolled_up_day_by_day(leads, spans_of, since):
    """`combine_parts()` as it was first written: every part's state combined on every day."""
    from theodoi.tracking.services.statuses import Span, _same

    now = s.combine_states([State(p["status"], p["progress"], p["percent"],
                                  p["deciding_due"], p["done_on"]) for p in leads])
    lists = [spans_of.get(p["id"], ()) for p in leads]
    points = sorted({since} | {x.valid_from for spans in lists for x in spans
                               if x.valid_from >= since})
    out = []
    for day in points:
        states = []
        for spans in lists:
            held = [x.state for x in spans if x.valid_from <= day]
            states.append(held[-1] if held else State(s.NOT_STARTED))
        state = s.combine_states(states)
        if not out or not _same(out[-1].state, state):
            out.append(Span(day, state))
    if out:
        out[-1] = Span(out[-1].valid_from, now)
    nexts = [p["next_change_on"] for p in leads if p["next_change_on"] is not None]
    return now, out, min(nexts) if nexts else None


@st.composite
def span_lists(draw: st.DrawFn):
    from theodoi.tracking.services.statuses import Span

    starts = sorted(set(draw(st.lists(days, max_size=6))))
    return [Span(day, draw(part_states)) for day in starts]


@FAST
@given(st.lists(st.tuples(part_states, maybe_day, st.integers(0, 3)), min_size=1, max_size=8),
       st.lists(span_lists(), min_size=1, max_size=4), days)
def test_a_tasks_roll_up_is_the_day_by_day_one(parts, shared, since):
    from theodoi.tracking.services.statuses import combine_parts

    leads, spans_of = [], {}
    for i, (state, nxt, which) in enumerate(parts):
        leads.append({"id": i, "status": state.status, "progress": state.progress,
                      "percent": state.percent, "deciding_due": state.due,
                      "done_on": state.done_on, "next_change_on": nxt})
        if which < len(shared):  # parts judged alike share one list, as in a rebuild
            spans_of[i] = shared[which]
    assert combine_parts(leads, spans_of, since) == rolled_up_day_by_day(leads, spans_of,
                                                                         since)
