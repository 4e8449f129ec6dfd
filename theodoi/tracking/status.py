"""Statuses of tasks and assignments: pure functions of (deadline, reports, date).

Nothing here reads the database or the clock. The models turn their rows into a
`Deadline` and a list of `ReportFact`s and call `judge()`; tests do the same with literals.
The rules are written out in docs/tracking.md.
"""

from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DONE = "done"
DONE_LATE = "done_late"
AWAITING_DATE = "awaiting_date"

STATUSES = (NOT_STARTED, IN_PROGRESS, DUE_SOON, OVERDUE, DONE, DONE_LATE, AWAITING_DATE)
CLOSED = frozenset({DONE, DONE_LATE})

# What a progress report says (its own field, not the computed status above).
REPORT_NOT_STARTED = "not_started"
REPORT_IN_PROGRESS = "in_progress"
REPORT_DONE = "done"
REPORT_CANNOT_DO = "cannot_do"

REVIEW_PENDING = "pending"
REVIEW_ACCEPTED = "accepted"
REVIEW_RETURNED = "returned"
# A partner's contribution goes to the lead: it counts once given, no review needed.
REVIEW_NOT_REQUIRED = "not_required"
# The agency took back a pending report before any review (ReportWithdrawal): from that
# day it counts for nothing, as a returned report; before it, it was pending.
REVIEW_WITHDRAWN = "withdrawn"

# How far the work has gone, whatever the date (a second dimension beside the status):
# "Quá hạn · 60%" is overdue with work in progress, not overdue and not started.
PROGRESS_NOT_STARTED = "not_started"
PROGRESS_IN_PROGRESS = "in_progress"
PROGRESS_AWAITING_REVIEW = "awaiting_review"  # a "done" report waits for the coordinator
PROGRESS_DONE = "done"
PROGRESSES = (PROGRESS_NOT_STARTED, PROGRESS_IN_PROGRESS, PROGRESS_AWAITING_REVIEW, PROGRESS_DONE)

# Deadline kinds (plan-json `due.kind`) grouped by how they are judged.
DATED_KINDS = frozenset({"date", "month", "quarter", "half", "year", "range"})
WAITING_KINDS = frozenset({"per_plan", "conditional"})
PERIODIC_KINDS = frozenset({"recurring", "ongoing"})

PERIODS = ("week", "month", "quarter", "half", "year")
# "Thường xuyên" names no period; its reports are asked for once a quarter.
ONGOING_EVERY = "quarter"


@dataclass(frozen=True)
class Deadline:
    """A task's deadline as the status engine needs it.

    `start` is when a recurring or ongoing task begins (plan-json `from`, else the plan's
    date) or the first day of a `range`; `on` is the last day (for recurring tasks: the
    last day of the recurrence, usually unset); `set_on` is a date set by a coordinator,
    required for per-plan and conditional deadlines and an extension for dated ones.
    """

    kind: str = "none"
    on: date | None = None
    start: date | None = None
    every: str | None = None
    set_on: date | None = None

    @property
    def due_on(self) -> date | None:
        """The one date a non-periodic task must be done by, or None."""
        if self.kind in PERIODIC_KINDS:
            return None
        return self.set_on or self.on

    @property
    def period(self) -> str | None:
        """The length of one occurrence for recurring and ongoing tasks, else None."""
        if self.kind == "recurring":
            return self.every if self.every in PERIODS else "year"
        if self.kind == "ongoing":
            return self.every if self.every in PERIODS else ONGOING_EVERY
        return None


@dataclass(frozen=True)
class ReportFact:
    """What the engine needs from one progress report (dates are local calendar days)."""

    status: str
    on: date
    review: str = REVIEW_PENDING
    reviewed_on: date | None = None
    period: str = ""
    percent: int | None = None

    def visible(self, as_of: date) -> bool:
        """Whether the report had been written by `as_of`."""
        return self.on <= as_of

    def accepted(self, as_of: date) -> bool:
        """Whether the report had been accepted by `as_of` (a contribution needs no review)."""
        if self.review == REVIEW_NOT_REQUIRED:
            return self.visible(as_of)
        return self.review == REVIEW_ACCEPTED and _by(self.reviewed_on, as_of)

    def awaits_review(self, as_of: date) -> bool:
        """Whether the report says "done" and, on `as_of`, no coordinator had answered it."""
        return (
            self.status == REPORT_DONE
            and self.visible(as_of)
            and self.review != REVIEW_NOT_REQUIRED
            and not self.accepted(as_of)
            and not self.set_aside(as_of)
        )

    def returned(self, as_of: date) -> bool:
        """Whether the report had been sent back by `as_of`."""
        return self.review == REVIEW_RETURNED and _by(self.reviewed_on, as_of)

    def withdrawn(self, as_of: date) -> bool:
        """Whether the agency had taken the report back by `as_of`."""
        return self.review == REVIEW_WITHDRAWN and _by(self.reviewed_on, as_of)

    def set_aside(self, as_of: date) -> bool:
        """Whether the report no longer stands on `as_of`: returned or withdrawn."""
        return self.returned(as_of) or self.withdrawn(as_of)

    def closes(self, as_of: date) -> bool:
        """Whether the report is an accepted "done" by `as_of`."""
        return self.status == REPORT_DONE and self.visible(as_of) and self.accepted(as_of)

    def shows_work(self) -> bool:
        """Whether the report says work has begun."""
        if self.status in (REPORT_IN_PROGRESS, REPORT_DONE):
            return True
        return self.status != REPORT_CANNOT_DO and (self.percent or 0) > 0


def _by(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


@dataclass(frozen=True)
class Occurrence:
    """One thing owed: the whole task, or one period of a recurring or ongoing task."""

    status: str
    due: date | None
    period: str = ""
    start: date | None = None
    done_on: date | None = None
    latest: ReportFact | None = None
    progress: str = PROGRESS_NOT_STARTED
    percent: int | None = None


@dataclass(frozen=True)
class Judgement:
    """A status with the date that decides it and, for periodic tasks, every occurrence."""

    status: str
    due: date | None = None
    occurrences: tuple[Occurrence, ...] = field(default_factory=tuple)
    progress: str = PROGRESS_NOT_STARTED
    percent: int | None = None
    done_on: date | None = None

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def state(self) -> State:
        """What is stored and counted: status, progress, percent, deciding date."""
        return State(self.status, self.progress, self.percent, self.due, self.done_on)


@dataclass(frozen=True)
class State:
    """A status with the progress behind it, as stored on assignments and tasks."""

    status: str
    progress: str = PROGRESS_NOT_STARTED
    percent: int | None = None
    due: date | None = None
    done_on: date | None = None

    @property
    def counted(self) -> tuple[str, str]:
        """The (status, progress) pair the summaries count."""
        return (self.status, self.progress)


# -- periods -------------------------------------------------------------------------


# The period helpers are pure and asked the same few hundred questions millions of times by
# a rebuild (every change day of every row walks its periods): answers are kept.
@functools.lru_cache(maxsize=65536)
def period_key(day: date, every: str) -> str:
    """The key of the period of length `every` holding `day`: "2024-W05", "2024-05", "2024-Q2",
    "2024-H1" or "2024"."""
    if every == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if every == "month":
        return f"{day.year}-{day.month:02d}"
    if every == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if every == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    if every == "year":
        return str(day.year)
    raise ValueError(f"unknown period length: {every!r}")


@functools.lru_cache(maxsize=65536)
def period_bounds(day: date, every: str) -> tuple[date, date]:
    """The first and last day of the period of length `every` holding `day`."""
    if every == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if every == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    months = {"month": 1, "quarter": 3, "half": 6}.get(every)
    if months is None:
        raise ValueError(f"unknown period length: {every!r}")
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    last_day = calendar.monthrange(day.year, last_month)[1]
    return date(day.year, first_month, 1), date(day.year, last_month, last_day)


def periods_between(start: date, end: date, every: str) -> list[tuple[str, date, date]]:
    """Every period (key, first day, last day) of length `every` from `start`'s to `end`'s."""
    return list(_periods_between(start, end, every))


@functools.lru_cache(maxsize=65536)
def _periods_between(start: date, end: date, every: str) -> tuple[tuple[str, date, date], ...]:
    out: list[tuple[str, date, date]] = []
    day = start
    while day <= end:
        first, last = period_bounds(day, every)
        out.append((period_key(day, every), first, last))
        day = last + timedelta(days=1)
    return tuple(out)


# -- judging -------------------------------------------------------------------------


def judge_occurrence(
    reports: Iterable[ReportFact],
    due: date | None,
    as_of: date,
    due_soon_days: int,
    *,
    period: str = "",
    start: date | None = None,
) -> Occurrence:
    """The status of one thing owed by `due` (None: no deadline), judged on `as_of`."""
    seen = sorted((r for r in reports if r.visible(as_of)), key=lambda r: r.on)
    closing = next((r for r in seen if r.closes(as_of)), None)
    if closing is not None:
        late = due is not None and closing.on > due
        return Occurrence(DONE_LATE if late else DONE, due, period, start, closing.on, closing,
                          PROGRESS_DONE, 100)
    counted = [r for r in seen if not r.set_aside(as_of)]
    latest = counted[-1] if counted else None
    started = latest is not None and latest.shows_work()
    status, progress = _open_state(due, as_of, due_soon_days, started,
                                   latest is not None and latest.awaits_review(as_of))
    percent = next((r.percent for r in reversed(counted) if r.percent is not None), None)
    return Occurrence(status, due, period, start, None, latest, progress, percent)


def judge(
    deadline: Deadline,
    reports: Sequence[ReportFact],
    as_of: date,
    due_soon_days: int = 14,
) -> Judgement:
    """The status of one assignment (or of a task seen through one set of reports) on
    `as_of`; reports written or reviewed after `as_of` are ignored."""
    if deadline.kind == "recurring":
        return _judge_recurring(deadline, reports, as_of, due_soon_days)
    if deadline.kind == "ongoing":
        return _judge_ongoing(deadline, reports, as_of)
    due = deadline.due_on
    if deadline.kind in WAITING_KINDS and due is None:
        occ = judge_occurrence(reports, None, as_of, due_soon_days)
        status = occ.status if occ.status in CLOSED else AWAITING_DATE
        return _judgement(status, None, (occ,), occ)
    if deadline.kind not in DATED_KINDS and deadline.kind not in WAITING_KINDS:
        due = None  # "none" or a kind this engine does not know: no date to miss
    occ = judge_occurrence(reports, due, as_of, due_soon_days, start=deadline.start)
    return _judgement(occ.status, due, (occ,), occ)


def _judgement(
    status: str, due: date | None, occurrences: tuple[Occurrence, ...],
    deciding: Occurrence | None,
) -> Judgement:
    """A judgement whose progress and percent are those of the occurrence that decides it."""
    if deciding is None:
        return Judgement(status, due, occurrences)
    progress = PROGRESS_DONE if status in CLOSED else deciding.progress
    if progress == PROGRESS_DONE and status not in CLOSED:
        progress = PROGRESS_IN_PROGRESS
    return Judgement(status, due, occurrences, progress, deciding.percent, deciding.done_on)


def _by_period(reports: Iterable[ReportFact], every: str) -> dict[str, list[ReportFact]]:
    """Reports grouped by the period they answer (their own, else the one they were written in)."""
    groups: dict[str, list[ReportFact]] = {}
    for report in reports:
        groups.setdefault(report.period or period_key(report.on, every), []).append(report)
    return groups


def _occurrences(
    deadline: Deadline, reports: Sequence[ReportFact], as_of: date, due_soon_days: int
) -> list[Occurrence]:
    every = deadline.period or "year"
    start = deadline.start or period_bounds(as_of, every)[0]
    end = min(as_of, deadline.on) if deadline.on else as_of
    groups = _by_period(reports, every)
    return [
        judge_occurrence(groups.get(key, ()), last, as_of, due_soon_days, period=key, start=first)
        for key, first, last in periods_between(start, end, every)
    ]


def _judge_recurring(
    deadline: Deadline, reports: Sequence[ReportFact], as_of: date, due_soon_days: int
) -> Judgement:
    occurrences = tuple(_occurrences(deadline, reports, as_of, due_soon_days))
    if not occurrences:
        every = deadline.period or "year"
        first_due = period_bounds(deadline.start or as_of, every)[1]
        return Judgement(NOT_STARTED, first_due, ())
    missed = [o for o in occurrences if o.due is not None and o.due < as_of and not _closed(o)]
    if missed:
        return _judgement(OVERDUE, missed[0].due, occurrences, missed[0])
    last = occurrences[-1]
    if last.due is not None and last.due >= as_of:
        return _judgement(last.status, last.due, occurrences, last)
    # The recurrence has ended and every occurrence was closed.
    late = any(o.status == DONE_LATE for o in occurrences)
    return _judgement(DONE_LATE if late else DONE, last.due, occurrences, last)


def _judge_ongoing(deadline: Deadline, reports: Sequence[ReportFact], as_of: date) -> Judgement:
    # Reports for a period usually come after it ends, so an ongoing task is never "late":
    # it is judged by whether its last completed period was reported.
    occurrences = tuple(_occurrences(deadline, reports, as_of, 0))
    if not occurrences:
        return Judgement(NOT_STARTED, None, ())
    completed = [o for o in occurrences if o.due is not None and o.due < as_of]
    if not completed:
        current = occurrences[-1]
        started = current.latest is not None and current.latest.shows_work()
        return _judgement(IN_PROGRESS if started else NOT_STARTED, current.due, occurrences,
                          current)
    last = completed[-1]
    if _closed(last):
        status = DONE
    elif last.latest is not None and last.latest.shows_work():
        status = IN_PROGRESS
    else:
        status = OVERDUE
    return _judgement(status, last.due, occurrences, last)


def _closed(occurrence: Occurrence) -> bool:
    return occurrence.status in CLOSED


# -- several assignments of one task ---------------------------------------------------


def combine(statuses: Iterable[str]) -> str:
    """One status for a task from its lead assignments' statuses.

    Done only when every one is done (late if any was late); otherwise the most urgent
    open status, and "in progress" as soon as one of them has started or finished.
    """
    seen = list(statuses)
    if not seen:
        return NOT_STARTED
    if all(s in CLOSED for s in seen):
        return DONE_LATE if DONE_LATE in seen else DONE
    open_statuses = {s for s in seen if s not in CLOSED}
    for status in (OVERDUE, DUE_SOON, AWAITING_DATE):
        if status in open_statuses:
            return status
    if IN_PROGRESS in open_statuses or any(s in CLOSED for s in seen):
        return IN_PROGRESS
    return NOT_STARTED


def on_time_rate(statuses: Iterable[str]) -> float | None:
    """The share of things already due that were done on time: done / (done + done late +
    overdue); None when nothing was due yet."""
    seen = [s for s in statuses if s in (DONE, DONE_LATE, OVERDUE)]
    if not seen:
        return None
    return sum(1 for s in seen if s == DONE) / len(seen)


def combine_progress(progresses: Iterable[str]) -> str:
    """One progress for a task from its leads': done when all are done, awaiting review when
    the rest are done, in progress as soon as one has started, else not started."""
    seen = list(progresses)
    if not seen:
        return PROGRESS_NOT_STARTED
    if all(p == PROGRESS_DONE for p in seen):
        return PROGRESS_DONE
    if all(p in (PROGRESS_DONE, PROGRESS_AWAITING_REVIEW) for p in seen):
        return PROGRESS_AWAITING_REVIEW
    if any(p != PROGRESS_NOT_STARTED for p in seen):
        return PROGRESS_IN_PROGRESS
    return PROGRESS_NOT_STARTED


def combine_states(states: Sequence[State]) -> State:
    """A task's state from its lead parts' states (status, progress, mean percent)."""
    if not states:
        return State(NOT_STARTED)
    status = combine(s.status for s in states)
    progress = combine_progress(s.progress for s in states)
    if status in CLOSED:
        progress = PROGRESS_DONE
    known = [100 if s.status in CLOSED else s.percent for s in states]
    known = [p for p in known if p is not None]
    percent = round(sum(known) / len(known)) if known else None
    dues = [s.due for s in states if s.due is not None]
    done = [s.done_on for s in states if s.done_on is not None]
    done_on = max(done) if status in CLOSED and len(done) == len(states) else None
    return State(status, progress, percent, min(dues) if dues else None, done_on)


class StateTally:
    """Several parts' states kept as counts, so that `state()` is `combine_states()` of them
    without going over every part: a task's roll-up over the days moves a few of its ~60
    parts' states on each change day (tests/tracking/test_status_fast.py compares the two).

    The status and progress rules depend only on which values occur, the mean percent on
    sums, the deciding and done dates on the dates held."""

    def __init__(self) -> None:
        self.parts = 0
        self.statuses: dict[str, int] = defaultdict(int)
        self.progresses: dict[str, int] = defaultdict(int)
        self.percent_sum = 0
        self.percent_known = 0
        self.dues: dict[date, int] = defaultdict(int)
        self.done_days: dict[date, int] = defaultdict(int)
        self.done_known = 0

    def add(self, state: State, times: int = 1) -> None:
        """Count `state` `times` more times (fewer when negative)."""
        self.parts += times
        self.statuses[state.status] += times
        self.progresses[state.progress] += times
        value = 100 if state.status in CLOSED else state.percent
        if value is not None:
            self.percent_sum += value * times
            self.percent_known += times
        if state.due is not None:
            self.dues[state.due] += times
        if state.done_on is not None:
            self.done_days[state.done_on] += times
            self.done_known += times

    def state(self) -> State:
        """`combine_states()` of the states counted."""
        if self.parts <= 0:
            return State(NOT_STARTED)
        status = combine(s for s, n in self.statuses.items() if n > 0)
        if status in CLOSED:
            progress = PROGRESS_DONE
        else:
            progress = combine_progress(p for p, n in self.progresses.items() if n > 0)
        percent = (round(self.percent_sum / self.percent_known) if self.percent_known
                   else None)
        due = min((d for d, n in self.dues.items() if n > 0), default=None)
        done_on = None
        if status in CLOSED and self.done_known == self.parts:
            done_on = max(d for d, n in self.done_days.items() if n > 0)
        return State(status, progress, percent, due, done_on)


# -- timelines: the state on every day, as a list of changes ----------------------------

EPOCH = date(1900, 1, 1)


def change_points(
    deadline: Deadline, reports: Sequence[ReportFact], since: date, until: date,
    due_soon_days: int,
) -> list[date]:
    """The days in [since, until] on which the state may change: a report is written or
    reviewed, a due date comes near or passes, a period begins or ends."""
    points: set[date] = {since}
    for fact in reports:
        points.add(fact.on)
        if fact.reviewed_on is not None:
            points.add(fact.reviewed_on)
    due = deadline.due_on
    dues: list[date] = [due] if due is not None else []
    if deadline.kind in PERIODIC_KINDS:
        every = deadline.period or "year"
        start = deadline.start or period_bounds(since, every)[0]
        end = min(until, deadline.on) if deadline.on else until
        for _key, first, last in periods_between(max(start, period_bounds(since, every)[0]),
                                                 end, every):
            points.add(first)
            dues.append(last)
        if deadline.start is not None:
            points.add(deadline.start)
    for day in dues:
        points.add(day - timedelta(days=due_soon_days))
        points.add(day + timedelta(days=1))
    return sorted(p for p in points if since <= p <= until)


def timeline(
    deadline: Deadline, reports: Sequence[ReportFact], since: date, until: date,
    due_soon_days: int = 14,
) -> list[tuple[date, State]]:
    """(first day, state) for each change of state from `since` to `until`: the first entry
    is the state on `since`; each later one holds until the next."""
    out: list[tuple[date, State]] = []
    prepared = _prepare(deadline, reports)
    for day in change_points(deadline, reports, since, until, due_soon_days):
        state = _state_on(deadline, prepared, day, due_soon_days)
        if not out or out[-1][1] != state:
            out.append((day, state))
    return out


def next_change(
    deadline: Deadline, reports: Sequence[ReportFact], as_of: date, due_soon_days: int = 14,
    horizon_days: int = 800,
) -> date | None:
    """The first day after `as_of` on which the state changes if nothing new is written
    (None when it never does within the horizon)."""
    prepared = _prepare(deadline, reports)
    now = _state_on(deadline, prepared, as_of, due_soon_days)
    until = as_of + timedelta(days=horizon_days)
    for day in change_points(deadline, reports, as_of + timedelta(days=1), until,
                             due_soon_days):
        if _state_on(deadline, prepared, day, due_soon_days) != now:
            return day
    return None


# -- the state alone (what timelines and rebuilds ask for, on every change day) -----------
#
# The same rules as `judge()` (tests/tracking/test_status_fast.py compares them on random
# deadlines and reports), without what only the pages need: no `Occurrence` or `Judgement`
# objects, the reports put in order and grouped by period once per row instead of once per
# day, and for recurring and ongoing tasks only the period that decides judged (the first
# missed, the last completed) instead of every period since the start.


def state_on(
    deadline: Deadline, reports: Sequence[ReportFact], as_of: date, due_soon_days: int = 14,
) -> State:
    """`judge(deadline, reports, as_of, due_soon_days).state`, faster."""
    return _state_on(deadline, _prepare(deadline, reports), as_of, due_soon_days)


def _on(report: ReportFact) -> date:
    return report.on


def _prepare(deadline: Deadline, reports: Sequence[ReportFact]) -> Any:
    """The reports in the order `judge_occurrence` reads them (by day written, stable), grouped
    by the period they answer for recurring and ongoing tasks."""
    ordered = sorted(reports, key=_on)
    if deadline.kind in PERIODIC_KINDS:
        return _by_period(ordered, deadline.period or "year")
    return ordered


# What `_occ` returns: status, progress, percent, done day, and the latest report counted.
_Occ = tuple[str, str, "int | None", "date | None", "ReportFact | None"]
_NOTHING: tuple[ReportFact, ...] = ()


def _occ(reports: Sequence[ReportFact], due: date | None, as_of: date, days: int) -> _Occ:
    """`judge_occurrence(reports, due, as_of, days)` as a tuple, for reports in order."""
    latest = None
    percent = None
    for r in reports:
        if r.on > as_of:
            break  # in order: the rest were written later
        review = r.review
        if r.status == REPORT_DONE and (
            review == REVIEW_NOT_REQUIRED
            or (review == REVIEW_ACCEPTED and r.reviewed_on is not None
                and r.reviewed_on <= as_of)
        ):
            # The first accepted "done" closes it, whatever came before.
            late = due is not None and r.on > due
            return (DONE_LATE if late else DONE, PROGRESS_DONE, 100, r.on, r)
        if review in (REVIEW_RETURNED, REVIEW_WITHDRAWN) and (
            r.reviewed_on is not None and r.reviewed_on <= as_of
        ):
            continue  # set aside
        latest = r
        if r.percent is not None:
            percent = r.percent
    started = latest is not None and latest.shows_work()
    # A "done" not accepted by `as_of` (it would have closed) and not set aside: it waits.
    awaiting = (latest is not None and latest.status == REPORT_DONE
                and latest.review != REVIEW_NOT_REQUIRED)
    status, progress = _open_state(due, as_of, days, started, awaiting)
    return (status, progress, percent, None, latest)


def _open_state(due: date | None, as_of: date, soon: int, started: bool,
                awaiting: bool) -> tuple[str, str]:
    """(status, progress) of something owed that no report has closed by `as_of`."""
    if due is not None and as_of > due:
        status = OVERDUE
    elif due is not None and (due - as_of).days <= soon:
        status = DUE_SOON
    else:
        status = IN_PROGRESS if started else NOT_STARTED
    if awaiting:
        return status, PROGRESS_AWAITING_REVIEW
    return status, PROGRESS_IN_PROGRESS if started else PROGRESS_NOT_STARTED


def _state(status: str, due: date | None, occ: _Occ) -> State:
    """`_judgement(status, due, ..., deciding).state` of the deciding occurrence `occ`."""
    if status in CLOSED:
        progress = PROGRESS_DONE
    else:
        progress = occ[1]
        if progress == PROGRESS_DONE:
            progress = PROGRESS_IN_PROGRESS
    return State(status, progress, occ[2], due, occ[3])


def _state_on(deadline: Deadline, prepared: Any, as_of: date, days: int) -> State:
    kind = deadline.kind
    if kind == "recurring":
        return _recurring_state(deadline, prepared, as_of, days)
    if kind == "ongoing":
        return _ongoing_state(deadline, prepared, as_of)
    due = deadline.set_on or deadline.on
    if kind in WAITING_KINDS and due is None:
        occ = _occ(prepared, None, as_of, days)
        return _state(occ[0] if occ[0] in CLOSED else AWAITING_DATE, None, occ)
    if kind not in DATED_KINDS and kind not in WAITING_KINDS:
        due = None  # "none" or a kind this engine does not know: no date to miss
    occ = _occ(prepared, due, as_of, days)
    return _state(occ[0], due, occ)


def _recurring_state(
    deadline: Deadline, groups: dict[str, list[ReportFact]], as_of: date, days: int
) -> State:
    every = deadline.period or "year"
    start = deadline.start or period_bounds(as_of, every)[0]
    end = min(as_of, deadline.on) if deadline.on else as_of
    if start > end:  # no occurrence yet
        return State(NOT_STARTED, due=period_bounds(deadline.start or as_of, every)[1])
    late = False
    day = start
    while True:
        _first, last = period_bounds(day, every)
        group = groups.get(period_key(day, every), _NOTHING) if groups else _NOTHING
        if last < as_of and not group:
            # Nothing reported for a period already over: the first one missed decides.
            return State(OVERDUE, PROGRESS_NOT_STARTED, None, last, None)
        occ = _occ(group, last, as_of, days)
        if last >= as_of:
            return _state(occ[0], last, occ)  # the current period (always the last)
        if occ[0] not in CLOSED:
            return _state(OVERDUE, last, occ)
        late = late or occ[0] == DONE_LATE
        day = last + timedelta(days=1)
        if day > end:
            # The recurrence has ended and every occurrence was closed.
            return _state(DONE_LATE if late else DONE, last, occ)


def _ongoing_state(deadline: Deadline, groups: dict[str, list[ReportFact]], as_of: date
                   ) -> State:
    every = deadline.period or "year"
    start = deadline.start or period_bounds(as_of, every)[0]
    end = min(as_of, deadline.on) if deadline.on else as_of
    if start > end:
        return State(NOT_STARTED)
    # Every period but the one holding `end` is over by `as_of`; that one may be too.
    first, last = period_bounds(end, every)
    day = end
    if last >= as_of:
        if start >= first:  # the current period is the only one: nothing completed yet
            occ = _occ(groups.get(period_key(end, every), _NOTHING), last, as_of, 0)
            latest = occ[4]
            started = latest is not None and latest.shows_work()
            return _state(IN_PROGRESS if started else NOT_STARTED, last, occ)
        day = first - timedelta(days=1)
        last = period_bounds(day, every)[1]
    occ = _occ(groups.get(period_key(day, every), _NOTHING), last, as_of, 0)
    latest = occ[4]
    if occ[0] in CLOSED:
        status = DONE
    elif latest is not None and latest.shows_work():
        status = IN_PROGRESS
    else:
        status = OVERDUE
    return _state(status, last, occ)
