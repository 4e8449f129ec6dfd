"""Stored states: every task's and assignment's status judged by the engine, written with
the report, review or change that moves it, kept over time, and counted.

This module is the only writer of `StoredState` fields, `TaskHistory`, `AssignmentHistory`,
`PlanStatusCount`, `PlanLeadCount`, `AgencyStatusCount`, `AgencySummary` and
`RootStatusCount`
(docs/tracking.md, "Stored states"):

- `refresh_assignments(ids, since=day)` re-judges assignments from `since` (the day of the
  write: history before it is kept), then their tasks, their headings and the counts;
- `refresh_due(on)` is the daily job: rows whose `next_change_on` has come;
- `rebuild()` judges everything again from the reports (the record); `check()` compares.

It reads rows as plain values, so that the migration that introduced it can run it on
historical models (`rebuild_with(apps)`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.apps import apps as live_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from theodoi.tracking import compiled
from theodoi.tracking import status as engine
from theodoi.tracking.services import past_counts
from theodoi.tracking.status import EPOCH, Deadline, ReportFact, State

log = logging.getLogger(__name__)

BATCH = 2000
PUBLISHED = "published"
LEAD = "lead"


def _days() -> int:
    return int(getattr(settings, "DUE_SOON_DAYS", 14))


def _today() -> date:
    return timezone.localdate()


def _local(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localdate(moment)


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Models:
    """The tracking models this module writes: the live ones, or a migration's."""

    def __init__(self, apps: Any = None):
        source = apps or live_apps
        for name in ("Task", "Assignment", "ProgressReport", "TaskHistory",
                     "AssignmentHistory", "PlanStatusCount", "AgencyStatusCount", "Plan"):
            setattr(self, name, source.get_model("tracking", name))
        # Tables later migrations made (AgencySummary 0020, PlanLeadCount 0021, the stored
        # past counts 0022, the roots' counts 0023, the past days' roots' 0026): None in the
        # migrations before them (0004 and 0019 count agencies; 0020, 0021 and 0023 fill
        # theirs from the counts those left).
        for name in ("AgencySummary", "PlanLeadCount", "PastCountDay", "PastPlanCount",
                     "PastAgencyCount", "PastDoneCount", "RootStatusCount", "PastRootCount"):
            try:
                setattr(self, name, source.get_model("tracking", name))
            except LookupError:
                setattr(self, name, None)
        self.Agency: Any = source.get_model("tracking", "Agency")


# -- reading what the engine needs ------------------------------------------------------

TASK_VALUES = (
    "id", "plan_id", "code", "due_kind", "due_on", "due_from", "due_every", "set_on",
    "removed_at", "has_children", "section__code", "plan__status", "plan__date",
    "plan__year", "plan__created_at",
)


# A task row as a refresh reads it: what the engine needs and the state stored on it.
TASK_ROW = (*TASK_VALUES, "status", "progress", "percent", "deciding_due", "done_on",
            "judged_on")


def _locked_task(task_model: Any, task_id: int) -> Any:
    rows = task_model.objects.filter(pk=task_id).order_by()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.values(*TASK_ROW)


def lock_task(task_id: int, m: Models | None = None) -> dict[str, Any] | None:
    """Lock a task's row (FOR UPDATE of it alone: every writer of its rows locks it first)
    and read it as a refresh reads it (None: no such task). A report's write hands the row
    to `refresh_assignments(..., task_rows=[row])`, which then need not read it again."""
    m = m or Models()
    return next(iter(compiled.rows(_locked_task, task_id, statics=(m.Task,))), None)


def reference_date(row: dict[str, Any]) -> date:
    """The plan's date, else 1 January of its year (as `Plan.reference_date`)."""
    if row["plan__date"]:
        return row["plan__date"]
    if row["plan__year"]:
        return date(row["plan__year"], 1, 1)
    return _local(row["plan__created_at"]) or _today()


def deadline_of(row: dict[str, Any]) -> Deadline:
    """A task row's deadline as the engine reads it (as `Task.deadline_rule`)."""
    start = row["due_from"]
    if start is None and row["due_kind"] in engine.PERIODIC_KINDS:
        start = reference_date(row)
    return Deadline(kind=row["due_kind"], on=row["due_on"], start=start,
                    every=row["due_every"] or None, set_on=row["set_on"])


def _reports_of(report_model: Any, assignment_ids: Sequence[int]) -> Any:
    return report_model.objects.filter(assignment_id__in=assignment_ids).order_by(
        "assignment_id", "created_at", "id"
    ).values_list("assignment_id", "status", "created_at", "review_state", "reviewed_at",
                  "period", "percent")


def _reports_of_one(report_model: Any, assignment_id: int) -> Any:
    return _reports_of(report_model, [assignment_id])


def _facts_and_marks(
    m: Models, assignment_ids: Sequence[int]
) -> tuple[dict[int, list[ReportFact]], dict[int, tuple]]:
    """Each assignment's reports as the engine reads them, and (last report time, pending
    count, latest returned?): one read of the reports (a plain fetch: a few rows per
    assignment, not worth a server-side cursor)."""
    facts: dict[int, list[ReportFact]] = defaultdict(list)
    marks: dict[int, tuple] = {}
    for chunk in _chunks(list(assignment_ids)):
        if len(chunk) == 1:  # a report's write: the read compiled once
            rows = compiled.rows(_reports_of_one, chunk[0], statics=(m.ProgressReport,))
        else:
            rows = _reports_of(m.ProgressReport, chunk)
        for aid, status, created, review, reviewed, period, percent in rows:
            facts[aid].append(ReportFact(status=status, on=_local(created), review=review,
                                         reviewed_on=_local(reviewed), period=period,
                                         percent=percent))
            if review == "withdrawn":  # taken back: as if never sent
                continue
            _last, pending, _ = marks.get(aid, (None, 0, False))
            marks[aid] = (created, pending + (review == "pending"), review == "returned")
    return facts, marks


# -- spans -------------------------------------------------------------------------------


@dataclass
class Span:
    valid_from: date
    state: State


def _spans(changes: Sequence[tuple[date, State]]) -> list[Span]:
    return [Span(day, state) for day, state in changes]


def _same(a: State, b: State) -> bool:
    return (a.status, a.progress, a.percent) == (b.status, b.progress, b.percent)


def _write_history(
    history_model: Any, owner_field: str, new: dict[int, tuple[date, list[Span]]],
    extra: dict[int, dict[str, Any]],
) -> None:
    """Replace each owner's spans from its `since` on with the new ones, keeping (and merging
    with) the span that held on the day before."""
    by_since: dict[date, list[int]] = defaultdict(list)
    for owner, (since, _spans) in new.items():
        by_since[since].append(owner)
    for since, owners in by_since.items():
        for chunk in _chunks(sorted(owners)):
            _write_spans(history_model, owner_field, {o: new[o][1] for o in chunk}, since,
                         extra)


def _held_spans(history_model: Any, owner_field: str, owners: Sequence[int],
                since: date) -> Any:
    """The spans of `owners` still held on `since` or after."""
    return history_model.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=since), **{f"{owner_field}__in": owners}
    ).order_by().values_list("id", owner_field, "valid_from", "status", "progress", "percent",
                             "valid_to")


def _held_spans_of_one(history_model: Any, owner_field: str, owner: int, since: date) -> Any:
    return _held_spans(history_model, owner_field, [owner], since)


def _write_spans(
    history_model: Any, owner_field: str, new: dict[int, list[Span]], since: date,
    extra: dict[int, dict[str, Any]],
) -> None:
    chunk = list(new)
    # The spans still held on `since` or after: the one covering the day before is kept
    # (and closed), the later ones are replaced; one read, and a delete only when needed.
    if len(chunk) == 1:  # a report's write: the read compiled once
        held = compiled.rows(_held_spans_of_one, chunk[0], since,
                             statics=(history_model, owner_field))
    else:
        held = list(_held_spans(history_model, owner_field, chunk, since))
    later = [pk for pk, _owner, start, *_rest in held if start >= since]
    if later:
        _delete_rows(history_model, later)
    covering = {owner: (pk, State(*rest[:3]))
                for pk, owner, start, *rest in held if start < since}
    create, close = [], []
    for owner in chunk:
        spans = new[owner]
        before = covering.get(owner)
        if before is not None and spans and _same(before[1], spans[0].state):
            spans = spans[1:]
            close.append(history_model(pk=before[0],
                                       valid_to=spans[0].valid_from if spans else None))
        elif before is not None:
            close.append(history_model(pk=before[0],
                                       valid_to=spans[0].valid_from if spans else since))
        for i, span in enumerate(spans):
            create.append(history_model(
                **{owner_field: owner}, **extra[owner],
                valid_from=span.valid_from,
                valid_to=spans[i + 1].valid_from if i + 1 < len(spans) else None,
                status=span.state.status, progress=span.state.progress,
                percent=span.state.percent,
            ))
    _update_rows(history_model, close, ["valid_to"])
    _insert_rows(history_model, create)
    # A write from today on (a report's, the daily job's) changes no stored past day: the
    # spans are compared only for a write dated earlier.
    changed = _first_change(held, new, since) if since < _today() else None
    if changed is not None and changed < _today():
        # A past day's state written differently (a write dated in the past, a report on
        # a row judged days ago that moves what those days showed): the counts stored for
        # it and later are counted again when asked. A row judged again from days ago whose
        # states stay as they were (nothing happened to it meanwhile) drops none.
        past_counts.forget(changed, _past_models(history_model))


def _first_change(held: Sequence[Sequence[Any]], new: dict[int, list[Span]], since: date
                  ) -> date | None:
    """The first day from `since` on whose state `_write_spans` changed for any owner:
    the spans `held` before (id, owner, from, status, progress, percent, to) against the
    ones written (the covering span kept up to the first new one, then the new ones)."""
    old: dict[int, list[tuple[date, date | None, tuple]]] = defaultdict(list)
    for _pk, owner, start, status, progress, percent, end in held:
        old[owner].append((start, end, (status, progress, percent)))
    first: date | None = None
    for owner, spans in new.items():
        before = old.get(owner, [])
        # The span covering the day before `since` is kept, closed where the new ones begin
        # (on `since` when there are none).
        after = [(start, spans[0].valid_from if spans else since, state)
                 for start, _end, state in before if start < since]
        for i, span in enumerate(spans):
            end = spans[i + 1].valid_from if i + 1 < len(spans) else None
            after.append((span.valid_from, end, (span.state.status, span.state.progress,
                                                 span.state.percent)))
        days = sorted({since, *(d for s, e, _ in [*before, *after] for d in (s, e)
                                if d is not None and d >= since)})
        for day in days:
            if first is not None and day >= first:
                break
            if _state_at(before, day) != _state_at(after, day):
                first = day
                break
    return first


def _state_at(spans: Sequence[tuple[date, date | None, tuple]], day: date) -> tuple | None:
    for start, end, state in spans:
        if start <= day and (end is None or day < end):
            return state
    return None


def _since(since: date, judged_on: date | None) -> date:
    """Where a row's history is written again from: the write's day, or the day after the
    row was last judged when that is earlier (the days between were never recorded: no
    write came, and the daily refresh had not run; their states follow from what is known)."""
    if judged_on is None:
        return EPOCH
    return min(since, judged_on)


# -- assignments --------------------------------------------------------------------------


ASSIGNMENT_VALUES = (
    "id", "task_id", "plan_id", "agency_id", "role", "is_active", "status", "progress",
    "percent", "deciding_due", "done_on", "next_change_on", "judged_on", "is_returned",
)


def _locked_assignment(assignment_model: Any, assignment_id: int) -> Any:
    rows = assignment_model.objects.filter(pk=assignment_id).order_by()
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.values(*ASSIGNMENT_VALUES)


def lock_assignment(assignment_id: int, m: Models | None = None) -> dict[str, Any] | None:
    """Lock an assignment's row (its task's lock is taken first) and read it as a refresh
    reads it (None: no such row)."""
    m = m or Models()
    return next(iter(compiled.rows(_locked_assignment, assignment_id,
                                   statics=(m.Assignment,))), None)


def assignment_row(assignment: Any) -> dict[str, Any]:
    """An assignment instance as a refresh reads its row (`ASSIGNMENT_VALUES`): for a caller
    that holds it locked and has not written it since."""
    return {field: getattr(assignment, field) for field in ASSIGNMENT_VALUES}


def _owes(row: dict[str, Any], task: dict[str, Any]) -> bool:
    return (row["is_active"] and row["agency_id"] is not None and task["removed_at"] is None
            and task["plan__status"] == PUBLISHED)


@dataclass
class Judged:
    """What a refresh found for one row: the state before, after, and its spans."""

    before: State
    after: State
    spans: list[Span]
    next_change: date | None


def _judge_rows(
    rule: Deadline, facts: Sequence[ReportFact], since: date, on: date, days: int
) -> tuple[State, list[Span], date | None]:
    spans = _spans(engine.timeline(rule, facts, since, on, days))
    now = spans[-1].state if spans else engine.state_on(rule, facts, on, days)
    return now, spans, engine.next_change(rule, facts, on, days)


def combine_parts(
    leads: Sequence[dict[str, Any]], spans_of: dict[int, list[Span]], since: date
) -> tuple[State, list[Span], date | None]:
    """A task's state now, its spans from `since` and its next change, rolled up from its
    answering parts (their current states and their spans, each list in day order)."""
    now = engine.combine_states([State(p["status"], p["progress"], p["percent"],
                                       p["deciding_due"], p["done_on"]) for p in leads])
    # The parts' states held on each change day kept as a tally, moved by each part's own
    # changes (a group lead has ~60 parts and hundreds of change days: combining 60 states
    # per day was most of a rebuild's roll-up). Parts judged alike share one span list
    # (a rebuild's judgements are shared): walked once, counted as many times.
    weights: dict[int, int] = defaultdict(int)
    lists: dict[int, Sequence[Span]] = {}
    for p in leads:
        spans = spans_of.get(p["id"], ())
        lists[id(spans)] = spans
        weights[id(spans)] += 1
    unknown = State(engine.NOT_STARTED)
    tally = engine.StateTally()
    moves: dict[date, list[tuple[State, State, int]]] = defaultdict(list)
    for key, spans in lists.items():
        weight = weights[key]
        held = unknown  # the part's state on `since`, then before each of its changes
        for span in spans:
            if span.valid_from > since:
                break
            held = span.state
        tally.add(held, weight)
        for span in spans:
            if span.valid_from > since:
                moves[span.valid_from].append((held, span.state, weight))
                held = span.state
    out: list[Span] = [Span(since, tally.state())]
    for day in sorted(moves):
        for old, new, weight in moves[day]:
            tally.add(old, -weight)
            tally.add(new, weight)
        state = tally.state()
        if not _same(out[-1].state, state):
            out.append(Span(day, state))
    if out:
        out[-1] = Span(out[-1].valid_from, now)
    nexts = [p["next_change_on"] for p in leads if p["next_change_on"] is not None]
    return now, out, min(nexts) if nexts else None


PART_VALUES = ("id", "task_id", "role", "agency_id", "status", "progress", "percent",
               "deciding_due", "done_on", "next_change_on")


def _active_parts(assignment_model: Any, task_ids: Sequence[int]) -> Any:
    return assignment_model.objects.filter(task_id__in=task_ids, is_active=True).values(
        *PART_VALUES)


def _active_parts_of_one(assignment_model: Any, task_id: int) -> Any:
    return _active_parts(assignment_model, [task_id])


def _active_part_spans_of_one(history_model: Any, task_id: int, since: date) -> Any:
    return history_model.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=since), assignment__task_id=task_id,
        assignment__is_active=True,
    ).order_by("assignment_id", "valid_from").values_list(
        "assignment_id", "valid_from", "status", "progress", "percent")


def _heading_among(task_model: Any, plan_id: int, *codes: str) -> Any:
    """A current heading row of the plan among `codes` (at most one row)."""
    return task_model.objects.filter(
        plan_id=plan_id, removed_at__isnull=True, code__in=codes, has_children=True,
    ).order_by().values_list("pk")[:1]


def _later_parts_of_one(assignment_model: Any, task_id: int, on: date,
                        assignment_id: int) -> Any:
    return _later_parts(assignment_model, [task_id], on, [assignment_id])


def _later_parts(assignment_model: Any, task_ids: Iterable[int], on: date,
                 ids: Sequence[int]) -> Any:
    return assignment_model.objects.filter(task_id__in=task_ids, judged_on__gt=on).exclude(
        pk__in=ids).order_by().values_list("pk", flat=False)


class Refresh:
    """One refresh: assignments, then their tasks and headings, then the counts."""

    def __init__(self, m: Models, on: date, *, recount: bool = False,
                 assignment_rows: Iterable[dict[str, Any]] = (),
                 task_rows: Iterable[dict[str, Any]] = ()):
        self.m = m
        self.on = on
        self.days = _days()
        self.recount = recount
        self.plan_deltas: dict[tuple, int] = defaultdict(int)
        self.agency_deltas: dict[tuple, int] = defaultdict(int)
        self.touched_plans: set[int] = set()
        self.touched_agencies: set[int] = set()
        self.changed_tasks: set[int] = set()
        self.changed_plans: set[int] = set()
        self.changed_task_ids: set[int] = set()
        # Rows the caller read under its lock (`TASK_ROW`, `ASSIGNMENT_VALUES`): not read
        # again. The assignments' are used once, by the first judgement of each.
        self.task_rows: dict[int, dict[str, Any]] = {r["id"]: r for r in task_rows}
        self.held: dict[int, dict[str, Any]] = {r["id"]: r for r in assignment_rows}

    # assignments ------------------------------------------------------------------

    def assignments(self, ids: Iterable[int], since: date) -> set[int]:
        """Re-judge these assignments from `since`; returns their tasks' ids."""
        ids = sorted(set(ids))
        task_ids: set[int] = set()
        for chunk in _chunks(ids):
            rows = [self.held.pop(i) for i in chunk if i in self.held]
            known = {r["id"] for r in rows}
            unread = [i for i in chunk if i not in known]
            if unread:
                rows += self.m.Assignment.objects.filter(pk__in=unread).values(
                    *ASSIGNMENT_VALUES)
            tasks = self._tasks({r["task_id"] for r in rows})
            facts, marks = _facts_and_marks(self.m, [r["id"] for r in rows])
            history: dict[int, tuple[date, list[Span]]] = {}
            extra: dict[int, dict[str, Any]] = {}
            updates = []
            for row in rows:
                task = tasks[row["task_id"]]
                task_ids.add(row["task_id"])
                before = State(row["status"], row["progress"], row["percent"],
                               row["deciding_due"], row["done_on"])
                if not _owes(row, task):
                    continue
                row_since = _since(since, row["judged_on"])
                now, spans, nxt = _judge_rows(deadline_of(task), facts.get(row["id"], ()),
                                              row_since, self.on, self.days)
                last, pending, returned = marks.get(row["id"], (None, 0, False))
                was_returned = bool(row.get("is_returned"))
                unchanged = (row["judged_on"] == self.on and _same(before, now)
                             and (before.due, before.done_on) == (now.due, now.done_on))
                if unchanged and not self.recount:
                    # Judged today already and nothing moved (a report that keeps the
                    # state): only what the lists show of its reports is written, and
                    # the count moves from returned to not (or back) when that mark does.
                    if returned != was_returned and self._counted(task):
                        key = (row["agency_id"], row["role"], now.status, now.progress)
                        self.agency_deltas[(*key, was_returned)] -= 1
                        self.agency_deltas[(*key, returned)] += 1
                    updates.append(self.m.Assignment(
                        pk=row["id"], status=now.status, progress=now.progress,
                        percent=now.percent, deciding_due=now.due, done_on=now.done_on,
                        next_change_on=nxt, judged_on=self.on, last_report_at=last,
                        pending_reports=pending, is_returned=returned, plan_id=task["plan_id"],
                    ))
                    continue
                self.changed_tasks.add(row["task_id"])
                history[row["id"]] = (row_since, spans)
                extra[row["id"]] = {"agency_id": row["agency_id"], "plan_id": task["plan_id"],
                                    "role": row["role"]}
                updates.append(self.m.Assignment(
                    pk=row["id"], status=now.status, progress=now.progress,
                    percent=now.percent, deciding_due=now.due, done_on=now.done_on,
                    next_change_on=nxt, judged_on=self.on, last_report_at=last,
                    pending_reports=pending, is_returned=returned, plan_id=task["plan_id"],
                ))
                if self._counted(task) and not self.recount:
                    key = (row["agency_id"], row["role"])
                    self.agency_deltas[(*key, before.status, before.progress,
                                        was_returned)] -= 1
                    self.agency_deltas[(*key, now.status, now.progress, returned)] += 1
                self.touched_agencies.add(row["agency_id"])
            _update_rows(self.m.Assignment, updates, [
                "status", "progress", "percent", "deciding_due", "done_on", "next_change_on",
                "judged_on", "last_report_at", "pending_reports", "is_returned", "plan"])
            _write_history(self.m.AssignmentHistory, "assignment_id", history, extra)
        return task_ids

    def _tasks(self, task_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The task rows, each read once per refresh (only assignments are written before
        the tasks are judged, so a row read for its assignments holds for the tasks)."""
        wanted = set(task_ids)
        for chunk in _chunks(sorted(wanted - self.task_rows.keys())):
            for row in self.m.Task.objects.filter(pk__in=chunk).values(*TASK_ROW):
                self.task_rows[row["id"]] = row
        return {i: self.task_rows[i] for i in wanted if i in self.task_rows}

    def stale(self, task_ids: Iterable[int]) -> set[int]:
        """Tasks not judged on this refresh's day (their stored state may be a day behind)."""
        return {i for i, row in self._tasks(task_ids).items() if row["judged_on"] != self.on}

    @staticmethod
    def _counted(task: dict[str, Any]) -> bool:
        return (task["removed_at"] is None and not task["has_children"]
                and task["plan__status"] == PUBLISHED)

    # tasks --------------------------------------------------------------------------

    def tasks(self, ids: Iterable[int], since: date) -> None:
        """Re-judge these tasks from `since`, from their lead parts' spans."""
        ids = sorted(set(ids))
        for chunk in _chunks(ids):
            tasks = self._tasks(chunk)
            parts = self._lead_parts(chunk)
            earliest = min([_since(since, t["judged_on"]) for t in tasks.values()] or [since])
            spans_of = self._part_spans([p["id"] for ps in parts.values() for p in ps],
                                        earliest, chunk)
            history: dict[int, tuple[date, list[Span]]] = {}
            extra: dict[int, dict[str, Any]] = {}
            updates = []
            for task_id in chunk:
                task = tasks[task_id]
                rule = deadline_of(task)
                leads = parts.get(task_id, [])
                before = State(task["status"], task["progress"], task["percent"],
                               task["deciding_due"], task["done_on"])
                if task["plan__status"] != PUBLISHED:
                    continue
                task_since = _since(since, task["judged_on"])
                if leads:
                    now, spans, nxt = self._combine(leads, spans_of, task_since)
                else:
                    # No part answers for it: judged by its deadline alone.
                    now, spans, nxt = _judge_rows(rule, (), task_since, self.on, self.days)
                done = sum(1 for p in leads if p["status"] in engine.CLOSED)
                if not _same(before, now) or (before.due, before.done_on) != (now.due,
                                                                               now.done_on):
                    self.changed_plans.add(task["plan_id"])
                    self.changed_task_ids.add(task_id)
                updates.append(self.m.Task(
                    pk=task_id, status=now.status, progress=now.progress, percent=now.percent,
                    deciding_due=now.due, done_on=now.done_on, next_change_on=nxt,
                    judged_on=self.on, lead_parts=len(leads), lead_parts_done=done,
                ))
                self.touched_plans.add(task["plan_id"])
                if self._counted(task):
                    history[task_id] = (task_since, spans)
                    extra[task_id] = {"plan_id": task["plan_id"]}
                    if not self.recount:
                        section = _root(task["section__code"])
                        key = (task["plan_id"], section)
                        self.plan_deltas[(*key, before.status, before.progress)] -= 1
                        self.plan_deltas[(*key, now.status, now.progress)] += 1
            _update_rows(self.m.Task, updates, [
                "status", "progress", "percent", "deciding_due", "done_on", "next_change_on",
                "judged_on", "lead_parts", "lead_parts_done"])
            _write_history(self.m.TaskHistory, "task_id", history, extra)

    def _lead_parts(self, task_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Each task's answering rows (leads; named partners when it names no lead)."""
        if len(task_ids) == 1:  # a report's write: the read compiled once
            rows = compiled.rows(_active_parts_of_one, task_ids[0], statics=(self.m.Assignment,))
        else:
            rows = _active_parts(self.m.Assignment, task_ids)
        by_task: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_task[row["task_id"]].append(row)
        out: dict[int, list[dict[str, Any]]] = {}
        for task_id, task_rows in by_task.items():
            leads = [r for r in task_rows if r["role"] == LEAD]
            chosen = leads if leads else task_rows
            out[task_id] = [r for r in chosen if r["agency_id"] is not None]
        return out

    def _part_spans(self, ids: Sequence[int], since: date,
                    task_ids: Sequence[int] = ()) -> dict[int, list[Span]]:
        """The spans of the parts `ids` held on `since` or after (of the tasks `task_ids`)."""
        out: dict[int, list[Span]] = defaultdict(list)
        if len(task_ids) == 1:
            # A report's write: the spans of the task's active rows, read by the task in a
            # query compiled once (a group lead's ~60 part ids would make a new IN list).
            wanted = set(ids)
            for aid, start, status, progress, percent in compiled.rows(
                    _active_part_spans_of_one, task_ids[0], since,
                    statics=(self.m.AssignmentHistory,)):
                if aid in wanted:
                    out[aid].append(Span(max(start, since), State(status, progress, percent)))
            return out
        for chunk in _chunks(list(ids)):
            rows = self.m.AssignmentHistory.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=since), assignment_id__in=chunk,
            ).order_by("assignment_id", "valid_from").values_list(
                "assignment_id", "valid_from", "status", "progress", "percent")
            for aid, start, status, progress, percent in rows:
                out[aid].append(Span(max(start, since), State(status, progress, percent)))
        return out

    def _combine(
        self, leads: list[dict[str, Any]], spans_of: dict[int, list[Span]], since: date
    ) -> tuple[State, list[Span], date | None]:
        return combine_parts(leads, spans_of, since)

    # headings -----------------------------------------------------------------------

    def headings(self, plan_ids: Iterable[int], tasks: Iterable[int] | None = None) -> None:
        """Each heading row's state rolled up from the rows under it (shown, not counted):
        every heading of `plan_ids`, or only those above `tasks` when given."""
        codes_above: dict[int, set[str]] | None = None
        if tasks is not None:
            codes_above = defaultdict(set)
            for row in self._tasks(tasks).values():
                plan_id, code = row["plan_id"], row["code"]
                parts = code.split(" (")[0].split(".")
                for i in range(1, len(parts)):
                    codes_above[plan_id].add(".".join(parts[:i]))
            plan_ids = list(codes_above)
        for plan_id in sorted(set(plan_ids)):
            qs = self.m.Task.objects.filter(plan_id=plan_id, removed_at__isnull=True)
            if codes_above is not None:
                wanted = codes_above[plan_id]
                # A heading among them? (a few codes: the read compiled once per count)
                if not compiled.rows(_heading_among, plan_id, *sorted(wanted),
                                     statics=(self.m.Task,)):
                    continue
                # The headings above and the rows under them (by code prefix).
                prefix = Q()
                for code in wanted:
                    prefix |= Q(code=code) | Q(code__startswith=f"{code}.")
                qs = qs.filter(prefix)
            rows = list(qs.values("id", "code", "has_children", "status", "progress",
                                  "percent", "deciding_due", "done_on"))
            leaves = [r for r in rows if not r["has_children"]]
            updates = []
            heads = [r for r in rows if r["has_children"]]
            if codes_above is not None:
                heads = [r for r in heads if r["code"].split(" (")[0] in codes_above[plan_id]]
            for head in heads:
                prefix = head["code"].split(" (")[0] + "."
                under = [State(r["status"], r["progress"], r["percent"], r["deciding_due"],
                               r["done_on"]) for r in leaves if r["code"].startswith(prefix)]
                state = engine.combine_states(under)
                updates.append(self.m.Task(
                    pk=head["id"], status=state.status, progress=state.progress,
                    percent=state.percent, deciding_due=state.due, done_on=state.done_on,
                    judged_on=self.on, lead_parts=len(under),
                    lead_parts_done=sum(1 for s in under if s.status in engine.CLOSED),
                ))
            _update_rows(self.m.Task, updates, [
                "status", "progress", "percent", "deciding_due", "done_on", "judged_on",
                "lead_parts", "lead_parts_done"])

    # counts -------------------------------------------------------------------------

    def counts(self) -> None:
        """Apply the count changes (or count the touched plans and agencies again)."""
        if self.recount:
            recount_plans(self.touched_plans, self.m)
            recount_agencies(self.touched_agencies, self.m)
            return
        _apply(self.m.PlanStatusCount._meta.db_table, ("plan_id", "section", "status",
                                                       "progress"), self.plan_deltas)
        _apply(self.m.AgencyStatusCount._meta.db_table, ("agency_id", "role", "status",
                                                         "progress", "returned"),
               self.agency_deltas)
        _apply_summary(self.m, self.agency_deltas)
        root_moves: dict[tuple, int] = defaultdict(int)
        for (agency_id, role, status, _progress, _returned), delta in (
                self.agency_deltas.items()):
            root_moves[(agency_id, role, status)] += delta
        _apply_roots(self.m, root_moves)


@lru_cache(maxsize=64)
def _update_sql(model: Any, fields: tuple[str, ...], vendor: str) -> tuple[str, list[Any]]:
    """The UPDATE of `fields` by id, and the fields (each refresh writes the same few)."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(f) for f in fields]
    sql = (f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
           + ", ".join(f"{quote(c.column)} = %s" for c in columns)
           + f" WHERE {quote(meta.pk.column)} = %s")
    return sql, columns


def _update_rows(model: Any, objs: Sequence[Any], fields: Sequence[str]) -> None:
    """Write `fields` of each row with one prepared UPDATE run for all of them (Django's
    bulk_update builds a CASE per field and row: most of a rebuild's time)."""
    if not objs:
        return
    sql, columns = _update_sql(model, tuple(fields), connection.vendor)
    rows = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 1000):
            cursor.executemany(sql, chunk)


def _insert_rows(model: Any, objs: Sequence[Any]) -> None:
    """Insert the rows, a hundred or so per INSERT (bulk_create reads the ids back and
    spends ~0.5 ms of Python on a single row; nothing needs a history row's id)."""
    if not objs:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    head = (f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(c.column) for c in columns)}) VALUES ")
    row = f"({', '.join(['%s'] * len(columns))})"
    values = [[c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
              for obj in objs]
    with connection.cursor() as cursor:
        # Rows per statement under SQLite's oldest limit of 999 parameters.
        for chunk in _chunks(values, max(1, 999 // len(columns))):
            cursor.execute(head + ", ".join([row] * len(chunk)),
                           [v for one in chunk for v in one])


def _delete_rows(model: Any, pks: Sequence[Any]) -> None:
    """Delete rows by id (rows nothing refers to: no cascade to collect)."""
    quote = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        for chunk in _chunks(list(pks), 500):
            cursor.execute(
                f"DELETE FROM {quote(meta.db_table)} "  # noqa: S608
                f"WHERE {quote(meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                list(chunk))


def _root(code: str | None) -> str:
    return (code or "").split(".", 1)[0]


def _apply(table: str, key_fields: tuple[str, ...], deltas: dict[tuple, int]) -> None:
    """Add each delta to its count row (created at 0 when missing), in key order so that
    concurrent writers lock rows in the same order."""
    changes = sorted((k, v) for k, v in deltas.items() if v)
    if not changes:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f) for f in key_fields)
    row = f"({', '.join(['%s'] * (len(key_fields) + 1))})"
    with connection.cursor() as cursor:
        # One statement for all of them (its rows are locked in the order of VALUES).
        for chunk in _chunks(changes, 500):
            sql = (
                f"INSERT INTO {quote(table)} ({columns}, {quote('count')}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({columns}) DO UPDATE SET {quote('count')} = "
                f"{quote(table)}.{quote('count')} + excluded.{quote('count')}"
            )
            cursor.execute(sql, [v for key, delta in chunk for v in (*key, delta)])


# An agency's ranking figures (`AgencySummary`) from its count rows: what each sums.
SUMMARY_FIELDS = ("lead_total", "on_time", "closed", "overdue", "partner_total")


def summary_figures(role: str, status: str) -> tuple[int, ...]:
    """What one counted part of `role` in `status` adds to each of `SUMMARY_FIELDS`."""
    lead = role == LEAD
    return (int(lead), int(lead and status == engine.DONE),
            int(lead and status in engine.CLOSED), int(lead and status == engine.OVERDUE),
            int(not lead))


def _apply_summary(m: Models, agency_deltas: dict[tuple, int]) -> None:
    """Move the touched agencies' ranking figures by the count deltas just applied: added
    (`INSERT … ON CONFLICT DO UPDATE`, rows locked in agency order), so that two writers of
    one agency, each moving other count rows, both count (a sum read again from the count
    rows could miss the other's uncommitted change); the rank keys follow (generated
    columns). Nothing when no figure moves (a report that keeps the status: most of them);
    an agency left with no part loses its row."""
    if m.AgencySummary is None:
        return
    moved: dict[int, list[int]] = defaultdict(lambda: [0] * len(SUMMARY_FIELDS))
    for (agency_id, role, status, _progress, _returned), delta in agency_deltas.items():
        if delta:
            figures = moved[agency_id]
            for i, n in enumerate(summary_figures(role, status)):
                figures[i] += n * delta
    changes = sorted((aid, f) for aid, f in moved.items() if any(f))
    if not changes:
        return
    quote = connection.ops.quote_name
    table = quote(m.AgencySummary._meta.db_table)
    columns = ", ".join(quote(f) for f in ("agency_id", *SUMMARY_FIELDS))
    adds = ", ".join(f"{quote(f)} = {table}.{quote(f)} + excluded.{quote(f)}"
                     for f in SUMMARY_FIELDS)
    row = f"({', '.join(['%s'] * (1 + len(SUMMARY_FIELDS)))})"
    with connection.cursor() as cursor:
        for chunk in _chunks(changes, 500):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({quote('agency_id')}) DO UPDATE SET {adds}",
                [v for aid, figures in chunk for v in (aid, *figures)])
        # Only a delta lowering a total can empty a row (parts leave the counts through
        # `recount_agencies` today: a correction, a removal; this keeps the rule here too).
        fewer = [aid for aid, (lead, *_rest, partner) in changes if lead < 0 or partner < 0]
        for chunk in _chunks(fewer, 500):
            cursor.execute(
                f"DELETE FROM {table} WHERE {quote('agency_id')} IN "  # noqa: S608
                f"({', '.join(['%s'] * len(chunk))}) AND {quote('lead_total')} = 0 "
                f"AND {quote('partner_total')} = 0", list(chunk))


def summarise_agencies(agency_ids: Iterable[int] | None = None, m: Models | None = None
                       ) -> None:
    """Write these agencies' ranking figures (every agency's: None) again from their count
    rows: what the migration that made the table runs (and a repair)."""
    m = m or Models()
    if m.AgencySummary is None:
        return
    rows = m.AgencyStatusCount.objects.filter(count__gt=0)
    chosen = None if agency_ids is None else sorted(set(agency_ids))
    if chosen is not None:
        rows = rows.filter(agency_id__in=chosen)
    _write_summaries(m, chosen, rows.values_list("agency_id", "role", "status", "count"))


def _write_summaries(m: Models, agency_ids: Sequence[int] | None,
                     counts: Iterable[tuple[int, str, str, int]]) -> None:
    """Replace these agencies' (every agency's: None) ranking figures by the sums of
    `counts` (agency, role, status, count): the caller holds the agencies' locks
    (`recount_agencies`) or is alone (a migration)."""
    if m.AgencySummary is None:
        return
    figures = _summed(counts)
    if agency_ids is None:
        m.AgencySummary.objects.all().delete()
    else:
        for chunk in _chunks(list(agency_ids), 500):
            m.AgencySummary.objects.filter(agency_id__in=chunk).delete()
    m.AgencySummary.objects.bulk_create([
        m.AgencySummary(agency_id=aid, **dict(zip(SUMMARY_FIELDS, f, strict=True)))
        for aid, f in sorted(figures.items())
    ], batch_size=1000)


def _summed(counts: Iterable[tuple[int, str, str, int]]) -> dict[int, tuple[int, ...]]:
    """Each agency's figures summed from count rows (agency, role, status, count), the
    agencies with no part (every count 0) left out."""
    figures: dict[int, list[int]] = defaultdict(lambda: [0] * len(SUMMARY_FIELDS))
    for aid, role, status, n in counts:
        summed = figures[aid]
        for i, one in enumerate(summary_figures(role, status)):
            summed[i] += one * n
    return {aid: tuple(f) for aid, f in figures.items() if f[0] or f[-1]}


def summary_problems(m: Models | None = None) -> list[str]:
    """How the stored ranking figures differ from a sum of the count rows (none expected)."""
    m = m or Models()
    stored = {r["agency_id"]: tuple(r[f] for f in SUMMARY_FIELDS)
              for r in m.AgencySummary.objects.values("agency_id", *SUMMARY_FIELDS)}
    expected = _summed(m.AgencyStatusCount.objects.filter(count__gt=0).values_list(
        "agency_id", "role", "status", "count"))
    if stored == expected:
        return []
    wrong = sorted(aid for aid in stored.keys() | expected.keys()
                   if stored.get(aid) != expected.get(aid))
    return [f"agency summaries differ from the agency counts ({len(wrong)} agencies, "
            f"first {wrong[:5]})"]


def _past_models(model: Any) -> Any:
    """The models of the stored past counts beside `model` (live or a migration's)."""
    return Models(model._meta.apps)


def recount_plans(plan_ids: Iterable[int], m: Models | None = None) -> None:
    """Count the tasks of these plans again (GROUP BY): after publishing or correcting."""
    m = m or Models()
    ids = sorted(set(plan_ids))
    if not ids:
        return
    # What counts may have changed (a plan published, rows removed): the past days'
    # stored counts applied the rule as it was.
    past_counts.forget(m=m)
    m.PlanStatusCount.objects.filter(plan_id__in=ids).delete()
    rows = (m.Task.objects.filter(plan_id__in=ids, plan__status=PUBLISHED,
                                  removed_at__isnull=True, has_children=False)
            .values("plan_id", "section__code", "status", "progress").annotate(n=Count("id")))
    grouped: dict[tuple, int] = defaultdict(int)
    for row in rows:
        grouped[(row["plan_id"], _root(row["section__code"]), row["status"],
                 row["progress"])] += row["n"]
    m.PlanStatusCount.objects.bulk_create([
        m.PlanStatusCount(plan_id=p, section=s, status=st, progress=pr, count=n)
        for (p, s, st, pr), n in grouped.items()
    ], batch_size=1000)
    if m.PlanLeadCount is not None:
        recount_plan_leads(ids, m)


def _counted_leads(m: Models) -> Any:
    """The counted lead parts (`Assignment.objects.counted()` with the lead role)."""
    return m.Assignment.objects.filter(
        role=LEAD, is_active=True, agency__isnull=False, task__removed_at__isnull=True,
        task__has_children=False, task__plan__status=PUBLISHED)


def recount_plan_leads(plan_ids: Sequence[int], m: Models) -> None:
    """Count the lead parts of each agency in these plans again (`PlanLeadCount`): what
    every write that adds, removes or renames a plan's parts ends with (through
    `recount_plans`); the statuses they move are not counted here."""
    m.PlanLeadCount.objects.filter(plan_id__in=plan_ids).delete()
    rows = (_counted_leads(m).filter(task__plan_id__in=plan_ids)
            .values("task__plan_id", "agency_id").annotate(n=Count("id")).order_by())
    m.PlanLeadCount.objects.bulk_create([
        m.PlanLeadCount(plan_id=r["task__plan_id"], agency_id=r["agency_id"], count=r["n"])
        for r in rows
    ], batch_size=1000)


def recount_agencies(agency_ids: Iterable[int], m: Models | None = None) -> None:
    """Count these agencies' parts again (GROUP BY), and their ranking figures."""
    m = m or Models()
    ids = sorted(set(agency_ids))
    if ids:
        past_counts.forget(m=m)  # as in recount_plans
    agency_model = m.AgencyStatusCount._meta.get_field("agency").related_model
    # The migrations before the returned parts were counted apart (0016) run this too.
    apart = any(f.name == "returned" for f in m.AgencyStatusCount._meta.get_fields())
    keys = ("agency_id", "role", "status", "progress", *(("is_returned",) if apart else ()))
    # What the recount moves, by (agency, role, status): the roots' counts move by it after
    # every agency's rows (the lock order of a refresh: agencies' rows, then the roots').
    root_moves: dict[tuple, int] = defaultdict(int)
    for chunk in _chunks(ids, 500):
        if connection.features.has_select_for_update:
            # Two writers counting one agency again (two plans judged at once) queue here
            # instead of colliding on the count rows.
            list(agency_model.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
                 .values_list("pk", flat=True))
        if m.RootStatusCount is None:
            m.AgencyStatusCount.objects.filter(agency_id__in=chunk).delete()
        else:
            # The rows removed as they were when removed (RETURNING: a refresh committing
            # between a read and the delete would be counted twice in its root).
            for aid, role, status, n in _delete_agency_counts(m, chunk):
                root_moves[(aid, role, status)] -= n
        rows = list(m.Assignment.objects.filter(
            agency_id__in=chunk, is_active=True, task__removed_at__isnull=True,
            task__has_children=False, task__plan__status=PUBLISHED,
        ).values(*keys).annotate(n=Count("id")).order_by())
        m.AgencyStatusCount.objects.bulk_create([
            m.AgencyStatusCount(agency_id=r["agency_id"], role=r["role"], status=r["status"],
                                progress=r["progress"], count=r["n"],
                                **({"returned": r["is_returned"]} if apart else {}))
            for r in rows
        ], batch_size=1000)
        # Their ranking figures from the same rows (under the same locks): not read again.
        _write_summaries(m, chunk, ((r["agency_id"], r["role"], r["status"], r["n"])
                                    for r in rows))
        for r in rows:
            root_moves[(r["agency_id"], r["role"], r["status"])] += r["n"]
    _apply_roots(m, root_moves)


def _delete_agency_counts(m: Models, agency_ids: Sequence[int]) -> list[tuple]:
    """Delete these agencies' count rows; returns them (agency, role, status, count)."""
    quote = connection.ops.quote_name
    table = quote(m.AgencyStatusCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {quote('agency_id')} IN "  # noqa: S608
            f"({', '.join(['%s'] * len(agency_ids))}) RETURNING {quote('agency_id')}, "
            f"{quote('role')}, {quote('status')}, {quote('count')}", list(agency_ids))
        return list(cursor.fetchall())


# -- counts rolled up to the ministries and provinces (`RootStatusCount`) ------------------

# The kinds the national overview ranks (`snapshot.level_ranking`): each agency's parts are
# counted in its nearest agency of these kinds, itself or at most ANCESTOR_STEPS up.
CENTRAL_KINDS = ("ministry", "ministry_level", "government_agency", "other_body")
ROOT_KINDS = (*CENTRAL_KINDS, "province")
ANCESTOR_STEPS = 5  # how far up the registry's tree a unit's work is rolled up


def _every_root(m: Models) -> dict[int, int]:
    """`agency_roots` of every agency, climbed here from one read of the tree."""
    tree = {pk: (kind, parent) for pk, kind, parent in
            m.Agency.objects.order_by().values_list("pk", "kind", "parent_id")}
    out: dict[int, int] = {}
    for start in tree:
        at: int | None = start
        for _step in range(ANCESTOR_STEPS + 1):
            if at is None or at not in tree:
                break
            kind, parent = tree[at]
            if kind in ROOT_KINDS:
                out[start] = at
                break
            at = parent
    return out


def _apply_roots(m: Models, moves: dict[tuple, int]) -> None:
    """Move the roots' counts by what the agencies' counts moved ((agency, role, status)
    -> delta): nothing when nothing moved (a report that keeps its status). One statement
    (`INSERT … SELECT … ON CONFLICT DO UPDATE`, rows locked in root order) that finds each
    agency's root in the tree as it reads it: itself or the first of its ANCESTOR_STEPS
    ancestors whose kind is one of `ROOT_KINDS` (joined), agencies with none left out."""
    changes = sorted((k, v) for k, v in moves.items() if v)
    if m.RootStatusCount is None or not changes:
        return
    quote = connection.ops.quote_name
    table = quote(m.RootStatusCount._meta.db_table)
    agencies = quote(m.Agency._meta.db_table)
    kinds = ", ".join(["%s"] * len(ROOT_KINDS))
    joins = [f"JOIN {agencies} a0 ON a0.{quote('id')} = v.column1"]
    cases = []
    for step in range(ANCESTOR_STEPS + 1):
        if step:
            joins.append(f"LEFT JOIN {agencies} a{step} ON a{step}.{quote('id')} = "
                         f"a{step - 1}.{quote('parent_id')}")
        cases.append(f"WHEN a{step}.{quote('kind')} IN ({kinds}) THEN a{step}.{quote('id')}")
    names = ", ".join(quote(c) for c in ("root_id", "role", "status", "count"))
    count = quote("count")
    with connection.cursor() as cursor:
        for chunk in _chunks(changes, 500):
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            # The table's lock (taken by the INSERT before the tree is read) is what a
            # recount of every root (`recount_roots`, after a registry change) waits for
            # and holds off: a writer reads the tree before that change and is counted in
            # the recount, or after it.
            sql = (
                f"INSERT INTO {table} ({names}) "  # noqa: S608
                f"SELECT r, role, status, SUM(n) FROM (SELECT CASE {' '.join(cases)} END "
                f"AS r, v.column2 AS role, v.column3 AS status, v.column4 AS n "
                f"FROM (VALUES {values}) v {' '.join(joins)}) s "
                f"WHERE r IS NOT NULL GROUP BY r, role, status HAVING SUM(n) <> 0 "
                f"ORDER BY r, role, status "
                f"ON CONFLICT ({quote('root_id')}, {quote('role')}, {quote('status')}) "
                f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}")
            cursor.execute(sql, [*ROOT_KINDS * (ANCESTOR_STEPS + 1),
                                 *(v for (aid, role, status), n in chunk
                                   for v in (aid, role, status, n))])


def _rooted_counts(m: Models) -> dict[tuple, int]:
    """(root, role, status) -> count, summed from the agencies' count rows."""
    roots = _every_root(m)
    out: dict[tuple, int] = defaultdict(int)
    for aid, role, status, n in (m.AgencyStatusCount.objects.filter(count__gt=0)
                                 .values_list("agency_id", "role", "status")
                                 .annotate(n=Sum("count")).order_by()):
        root = roots.get(aid)
        if root is not None:
            out[(root, role, status)] += n
    return {k: n for k, n in out.items() if n}


def recount_roots(m: Models | None = None) -> None:
    """Write every root's counts again from the agencies' count rows: after an agency's
    kind or parent changed (the registry's mirror, the admin), a rebuild, the migration
    that made the table."""
    m = m or Models()
    if m.RootStatusCount is None:
        return
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Writers moving counts (`_apply_roots`: ROW EXCLUSIVE) wait until this commits,
        # and this for those that have (their agencies' counts are then read here).
        table = connection.ops.quote_name(m.RootStatusCount._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    counted = _rooted_counts(m)
    past_counts.forget_roots(m)  # the past days' roll-ups climbed the tree before the change
    m.RootStatusCount.objects.all().delete()
    m.RootStatusCount.objects.bulk_create([
        m.RootStatusCount(root_id=root, role=role, status=status, count=n)
        for (root, role, status), n in sorted(counted.items())
    ], batch_size=1000)


def root_problems(m: Models | None = None) -> list[str]:
    """How the stored roots' counts differ from the agencies' counts rolled up the
    registry's tree now (none expected)."""
    m = m or Models()
    stored = {(r.root_id, r.role, r.status): r.count
              for r in m.RootStatusCount.objects.filter(count__gt=0)}
    expected = _rooted_counts(m)
    if stored == expected:
        return []
    wrong = sorted({k[0] for k in stored.keys() | expected.keys()
                    if stored.get(k) != expected.get(k)})
    return [f"root counts differ from the agency counts rolled up ({len(wrong)} roots, "
            f"first {wrong[:5]})"]


# -- entry points -------------------------------------------------------------------------


def _lock(m: Models, task_ids: Iterable[int], assignment_ids: Iterable[int]) -> None:
    """Lock the rows a refresh will judge, tasks first then assignments, each in id order
    (the order every writer uses, so that two writers never wait on each other in a
    circle); their states are read only after, so no change is counted twice."""
    if not connection.features.has_select_for_update:
        return  # SQLite: writers are serialised by the database itself
    for chunk in _chunks(sorted(set(task_ids))):
        list(m.Task.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
             .values_list("pk", flat=True))
    for chunk in _chunks(sorted(set(assignment_ids))):
        list(m.Assignment.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
             .values_list("pk", flat=True))


def refresh_assignments(
    ids: Iterable[int], *, since: date | None = None, on: date | None = None,
    recount: bool = False, m: Models | None = None, locked: bool = False,
    assignment_rows: Iterable[dict[str, Any]] = (), task_rows: Iterable[dict[str, Any]] = (),
) -> None:
    """Re-judge assignments (and their tasks, headings and counts) from `since` (default:
    today, the day of the write that calls this). `locked`: the caller holds the lock of
    their tasks already (a report's write locks its task first), so none is taken again;
    `assignment_rows` and `task_rows`: rows it read under that lock (`assignment_row()`,
    `lock_task()`), not read again."""
    on = on or _today()
    since = min(since or on, on)
    m = m or Models()
    ids = sorted(set(ids))
    if not locked:
        _lock(m, m.Assignment.objects.filter(pk__in=ids).values_list("task_id", flat=True),
              ids)
    work = Refresh(m, on, recount=recount, assignment_rows=assignment_rows,
                   task_rows=task_rows)
    task_ids = work.assignments(ids, since)
    # Parts of the same tasks judged on a later day than `on` (a write dated in the past:
    # imported history, the demo) are judged again on `on`, so the roll-up reads one day.
    if len(task_ids) == 1 and len(ids) == 1:  # a report's write: the read compiled once
        later = [pk for pk, in compiled.rows(_later_parts_of_one, next(iter(task_ids)), on,
                                             ids[0], statics=(m.Assignment,))]
    else:
        later = [pk for pk, in _later_parts(m.Assignment, task_ids, on, ids)]
    if later:
        work.assignments(later, since)
    # A task is judged again only when one of its parts moved (or when it is asked for).
    work.tasks(task_ids if recount else work.changed_tasks | work.stale(task_ids), since)
    if recount:
        work.headings(work.touched_plans)
    else:
        work.headings((), tasks=work.changed_task_ids)
    work.counts()


def refresh_tasks(
    ids: Iterable[int], *, since: date | None = None, on: date | None = None,
    recount: bool = False, count: bool = True, m: Models | None = None,
) -> None:
    """Re-judge tasks and every assignment of theirs from `since` (a deadline changed)."""
    m = m or Models()
    ids = list(ids)
    assignment_ids = list(m.Assignment.objects.filter(task_id__in=ids).values_list(
        "id", flat=True))
    on = on or _today()
    since = min(since or on, on)
    _lock(m, ids, assignment_ids)
    work = Refresh(m, on, recount=recount)
    task_ids = work.assignments(assignment_ids, since) | set(ids)
    work.tasks(task_ids, since)
    if recount:
        work.headings(work.touched_plans)
    else:
        work.headings((), tasks=work.changed_task_ids)
    if count:  # refresh_plan counts its plan and every agency it touched once, after
        work.counts()


def refresh_plan(
    plan_id: int, *, since: date = EPOCH, m: Models | None = None, on: date | None = None
) -> None:
    """Judge a whole plan again from `since` (from the start when it is published; from the
    day of a correction, keeping what earlier days showed) and count it again."""
    m = m or Models()
    with transaction.atomic():
        tasks = list(m.Task.objects.filter(plan_id=plan_id).values_list("id", flat=True))
        refresh_tasks(tasks, since=since, on=on, recount=True, count=False, m=m)
        agencies = set(m.Assignment.objects.filter(plan_id=plan_id, agency__isnull=False)
                       .values_list("agency_id", flat=True))
        recount_plans([plan_id], m)
        recount_agencies(agencies, m)


def refresh_due(on: date | None = None, m: Models | None = None) -> int:
    """The daily job: re-judge every row whose state changes by `on` (a due date came near
    or passed, a period began); returns how many assignments and tasks were judged."""
    m = m or Models()
    on = on or _today()
    judged = 0
    while True:
        with transaction.atomic():
            rows = list(m.Assignment.objects.filter(next_change_on__lte=on)
                        .order_by("next_change_on", "id")
                        .values_list("id", "next_change_on")[:BATCH])
            by_since: dict[date, list[int]] = defaultdict(list)
            for aid, since in rows:
                by_since[since].append(aid)
            for since, ids in sorted(by_since.items()):
                refresh_assignments(ids, since=since, on=on, m=m)
            tasks = list(m.Task.objects.filter(next_change_on__lte=on, lead_parts=0)
                         .order_by("next_change_on", "id")
                         .values_list("id", "next_change_on")[:BATCH])
            by_since = defaultdict(list)
            for tid, since in tasks:
                by_since[since].append(tid)
            for since, ids in sorted(by_since.items()):
                refresh_tasks(ids, since=since, on=on, m=m)
        judged += len(rows) + len(tasks)
        if len(rows) < BATCH and len(tasks) < BATCH:
            return judged


def rebuild(
    on: date | None = None, m: Models | None = None, plan_ids: Iterable[int] = (), *,
    agencies: bool = True,
) -> int:
    """Judge every published plan's rows again from their reports, history included, each
    plan in its own transaction; returns the number of plans. The same judgement as
    `refresh_plan()` (tests/tracking/test_rebuild.py), read in a few queries per plan and
    written set-based. `agencies=False` leaves the agencies' counts to the caller (several
    processes rebuilding plans at once count them once, after)."""
    m = m or Models()
    on = on or _today()
    ids = sorted(set(plan_ids)) or list(m.Plan.objects.filter(status=PUBLISHED).order_by(
        "id").values_list("id", flat=True))
    work = Rebuild(m, on)
    for plan_id in ids:
        with transaction.atomic():
            work.plan(plan_id)
            recount_plans([plan_id], m)
            if agencies:
                recount_agencies(set(m.Assignment.objects.filter(
                    plan_id=plan_id, agency__isnull=False).values_list("agency_id", flat=True))
                    | work.agencies, m)
        work.agencies = set()
    if agencies and not plan_ids:
        # Every plan judged again: the roots' counts written again too (their deltas kept
        # them, but a rebuild is also the repair of whatever a registry change left).
        with transaction.atomic():
            recount_roots(m)
    return len(ids)


ASSIGNMENT_STATE = ("status", "progress", "percent", "deciding_due", "done_on",
                    "next_change_on", "judged_on", "last_report_at", "pending_reports",
                    "is_returned", "plan")
TASK_STATE = ("status", "progress", "percent", "deciding_due", "done_on", "next_change_on",
              "judged_on", "lead_parts", "lead_parts_done")
SPAN_FIELDS = ("valid_from", "valid_to", "status", "progress", "percent")


class _Judged:
    """One judgement of a rebuild, with what its rows write: the spans as the history table
    gives them back to a task's roll-up (no due, no done day), and the history rows' values
    (valid from, valid to, status, progress, percent)."""

    __slots__ = ("next_change", "now", "part_spans", "rows", "spans")

    def __init__(self, now: State, spans: list[Span], next_change: date | None):
        self.now = now
        self.spans = spans
        self.next_change = next_change
        self.part_spans = [Span(s.valid_from, State(s.state.status, s.state.progress,
                                                    s.state.percent)) for s in spans]
        ends = [s.valid_from for s in spans[1:]] + [None]
        self.rows = [(s.valid_from, end, s.state.status, s.state.progress, s.state.percent)
                     for s, end in zip(spans, ends, strict=True)]


# Judgements shared by every Rebuild of one process (keyed by day and window too).
_JUDGED: dict[tuple, _Judged] = {}


class Rebuild:
    """Every row of whole plans judged from the start: what `refresh_plan()` does, with
    each row read once (tasks, then their assignments and reports by task chunk), one
    judgement per distinct (deadline, reports), and the results written with COPY into a
    temporary table and one UPDATE ... FROM on PostgreSQL (a prepared UPDATE per row on
    SQLite)."""

    TASKS_AT_ONCE = 500

    def __init__(self, m: Models, on: date):
        self.m = m
        self.on = on
        self.days = _days()
        self.agencies: set[int] = set()
        self.assignments_judged = 0

    def plan(self, plan_id: int) -> None:
        """Judge one plan's assignments, tasks and headings again (counts are the caller's)."""
        m = self.m
        m.TaskHistory.objects.filter(plan_id=plan_id).delete()
        m.AssignmentHistory.objects.filter(plan_id=plan_id).delete()
        tasks = list(m.Task.objects.filter(plan_id=plan_id).order_by("id").values(
            *TASK_VALUES, "status", "progress", "percent", "deciding_due", "done_on"))
        if not tasks or tasks[0]["plan__status"] != PUBLISHED:
            return  # nothing owed: its rows keep their states, its history is gone
        updates: dict[int, list[Any]] = {}
        history: list[tuple] = []
        for chunk in _chunks(tasks, self.TASKS_AT_ONCE):
            self._tasks(chunk, updates, history)
        self._headings(tasks, updates)
        _write(m.Task, TASK_STATE, list(updates.values()))
        _insert(m.TaskHistory, ("task_id", "plan_id", *SPAN_FIELDS), history)

    def _tasks(self, tasks: Sequence[dict[str, Any]], updates: dict[int, list[Any]],
               task_history: list[tuple]) -> None:
        m = self.m
        by_id = {t["id"]: t for t in tasks}
        rows = list(m.Assignment.objects.filter(task_id__in=list(by_id)).order_by("id")
                    .values(*ASSIGNMENT_VALUES))
        facts: dict[int, list[ReportFact]] = defaultdict(list)
        marks: dict[int, tuple] = {}
        reports = (m.ProgressReport.objects.filter(assignment__task_id__in=list(by_id))
                   .order_by("assignment_id", "created_at", "id")
                   .values_list("assignment_id", "status", "created_at", "review_state",
                                "reviewed_at", "period", "percent"))
        # `timezone.localdate()` looks the current zone up on every call (5M reports).
        zone = timezone.get_current_timezone()
        for aid, status, created, review, reviewed, period, percent in reports:
            facts[aid].append(ReportFact(
                status, created.astimezone(zone).date(), review,
                None if reviewed is None else reviewed.astimezone(zone).date(), period,
                percent))
            if review == "withdrawn":  # taken back: as if never sent (as `_facts_and_marks`)
                continue
            _last, pending, _ = marks.get(aid, (None, 0, False))
            marks[aid] = (created, pending + (review == "pending"), review == "returned")
        rules = {t["id"]: deadline_of(t) for t in tasks}
        spans_of: dict[int, list[Span]] = {}
        parts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        written, history = [], []
        for row in rows:
            task = by_id[row["task_id"]]
            if row["is_active"]:
                parts[row["task_id"]].append(row)
            if not _owes(row, task):
                continue  # as refresh: its state is kept, its history (deleted) stays empty
            found = self._judge(rules[row["task_id"]], facts.get(row["id"], ()))
            now, nxt = found.now, found.next_change
            last, pending, returned = marks.get(row["id"], (None, 0, False))
            row.update(status=now.status, progress=now.progress, percent=now.percent,
                       deciding_due=now.due, done_on=now.done_on, next_change_on=nxt)
            written.append([row["id"], now.status, now.progress, now.percent, now.due,
                            now.done_on, nxt, self.on, last, pending, returned,
                            task["plan_id"]])
            spans_of[row["id"]] = found.part_spans
            head = (row["id"], row["agency_id"], task["plan_id"], row["role"])
            history.extend(head + span for span in found.rows)
            self.agencies.add(row["agency_id"])
        self.assignments_judged += len(written)
        _write(m.Assignment, ASSIGNMENT_STATE, written)
        _insert(m.AssignmentHistory, ("assignment_id", "agency_id", "plan_id", "role",
                                      *SPAN_FIELDS), history)
        for task in tasks:
            task_rows = parts.get(task["id"], [])
            chosen = [r for r in task_rows if r["role"] == LEAD] or task_rows
            leads = [r for r in chosen if r["agency_id"] is not None]
            if leads:
                now, spans, nxt = combine_parts(leads, spans_of, EPOCH)
            else:
                found = self._judge(rules[task["id"]], ())
                now, spans, nxt = found.now, found.spans, found.next_change
            done = sum(1 for p in leads if p["status"] in engine.CLOSED)
            updates[task["id"]] = [task["id"], now.status, now.progress, now.percent, now.due,
                                   now.done_on, nxt, self.on, len(leads), done]
            if Refresh._counted(task):
                for i, span in enumerate(spans):
                    task_history.append((
                        task["id"], task["plan_id"], span.valid_from,
                        spans[i + 1].valid_from if i + 1 < len(spans) else None,
                        span.state.status, span.state.progress, span.state.percent))

    def _judge(self, rule: Deadline, facts: Sequence[ReportFact]) -> _Judged:
        # The engine is a pure function: the parts of a group lead with the same reports
        # (most often none), and the rows of every plan sharing a deadline (one process
        # rebuilds many plans), share one judgement.
        key = (self.on, self.days, rule, tuple(facts))
        found = _JUDGED.get(key)
        if found is None:
            if len(_JUDGED) > 200_000:
                _JUDGED.clear()
            found = _JUDGED[key] = _Judged(*_judge_rows(rule, facts, EPOCH, self.on,
                                                        self.days))
        return found

    def _headings(self, tasks: Sequence[dict[str, Any]], updates: dict[int, list[Any]]
                  ) -> None:
        """Each heading's state rolled up from the rows under it, as `Refresh.headings()`
        (its next change stays the one of its own deadline)."""
        shown = [t for t in tasks if t["removed_at"] is None]
        leaves = [(t["code"], updates[t["id"]]) for t in shown if not t["has_children"]]
        for head in shown:
            if not head["has_children"]:
                continue
            prefix = head["code"].split(" (")[0] + "."
            under = [State(u[1], u[2], u[3], u[4], u[5]) for code, u in leaves
                     if code.startswith(prefix)]
            state = engine.combine_states(under)
            row = updates[head["id"]]
            row[1:6] = [state.status, state.progress, state.percent, state.due,
                        state.done_on]
            row[8] = len(under)
            row[9] = sum(1 for s in under if s.status in engine.CLOSED)


def _copy_cursor(cursor: Any) -> Any:
    """The psycopg 3 cursor under Django's, when it can COPY (else None: SQLite)."""
    raw = getattr(cursor, "cursor", None)
    return raw if connection.vendor == "postgresql" and hasattr(raw, "copy") else None


def _prepared(fields: Sequence[Any], values: Sequence[Any]) -> list[Any]:
    """Values as the database driver takes them (SQLite: dates and times as text)."""
    return [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


def _write(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `fields` of each row ([pk, *values]): COPY into a temporary table and one
    UPDATE ... FROM on PostgreSQL, a prepared UPDATE per row elsewhere."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(f) for f in fields]
    with connection.cursor() as cursor:
        raw = _copy_cursor(cursor)
        if raw is None:
            sql = (f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
                   + ", ".join(f"{quote(c.column)} = %s" for c in columns)
                   + f" WHERE {quote(meta.pk.column)} = %s")
            cursor.executemany(sql, [[*_prepared(columns, row[1:]), row[0]] for row in rows])
            return
        names = [quote(meta.pk.column)] + [quote(c.column) for c in columns]
        temp = quote(f"rebuild_{meta.db_table}")
        make = (f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DELETE ROWS AS "  # noqa: S608
                f"SELECT {', '.join(names)} FROM {quote(meta.db_table)} WITH NO DATA")
        cursor.execute(make)
        with raw.copy(f"COPY {temp} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET "  # noqa: S608
            + ", ".join(f"{n} = s.{n}" for n in names[1:])
            + f" FROM {temp} AS s WHERE t.{names[0]} = s.{names[0]}")
        cursor.execute(f"TRUNCATE {temp}")


def _insert(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of these columns: COPY on PostgreSQL, one prepared INSERT elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        raw = _copy_cursor(cursor)
        if raw is None:
            fields = [model._meta.get_field(c) for c in columns]
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
                f"({', '.join(['%s'] * len(columns))})",
                [_prepared(fields, row) for row in rows])
            return
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def rebuild_with(apps: Any) -> None:
    """`rebuild()` on a migration's historical models."""
    rebuild(m=Models(apps))


def check(on: date | None = None) -> list[str]:
    """Differences between the stored states and counts and a fresh judgement (none
    expected): what `theodoi statuses check` prints."""
    from theodoi.tracking.models import Assignment, Task

    on = on or _today()
    problems: list[str] = []
    for task in Task.objects.counted().filter(plan__status=PUBLISHED).for_status().iterator(
        chunk_size=500
    ):
        fresh = task.judge_state(on)
        if (fresh.status, fresh.progress) != (task.status, task.progress):
            problems.append(f"task {task.pk} {task.code}: stored {task.status}/{task.progress}"
                            f", judged {fresh.status}/{fresh.progress}")
    stored = defaultdict(int)
    m = Models()
    for row in m.PlanStatusCount.objects.values("plan_id", "section", "status", "progress",
                                                "count"):
        if row["count"]:
            stored[(row["plan_id"], row["section"], row["status"], row["progress"])] += row[
                "count"]
    counted = defaultdict(int)
    for row in (Task.objects.counted().filter(plan__status=PUBLISHED)
                .values("plan_id", "section__code", "status", "progress")
                .annotate(n=Count("id"))):
        counted[(row["plan_id"], _root(row["section__code"]), row["status"],
                 row["progress"])] += row["n"]
    if stored != counted:
        problems.append("plan counts differ from the tasks' stored states")
    lead_stored = {(r["plan_id"], r["agency_id"]): r["count"]
                   for r in m.PlanLeadCount.objects.values() if r["count"]}
    lead_counted = {(r["task__plan_id"], r["agency_id"]): r["n"]
                    for r in _counted_leads(m).values("task__plan_id", "agency_id")
                    .annotate(n=Count("id")).order_by()}
    if lead_stored != lead_counted:
        problems.append("plan lead counts differ from the plans' lead parts")
    agency_stored = {
        (r["agency_id"], r["role"], r["status"], r["progress"], r["returned"]): r["count"]
        for r in m.AgencyStatusCount.objects.values() if r["count"]
    }
    agency_counted = {
        (r["agency_id"], r["role"], r["status"], r["progress"], r["is_returned"]): r["n"]
        for r in Assignment.objects.counted().values("agency_id", "role", "status", "progress",
                                                     "is_returned")
        .annotate(n=Count("id")).order_by()
    }
    if agency_stored != agency_counted:
        problems.append("agency counts differ from the assignments' stored states")
    problems += summary_problems(m)
    problems += root_problems(m)
    # The API counts an agency's active rows of current tasks from these counts: those
    # rows are its counted parts (publication and corrections retire the rows of headings).
    active = Assignment.objects.active().filter(agency__isnull=False).count()
    if active != sum(agency_counted.values()):
        problems.append("active rows of current tasks that are not counted parts")
    # The agency lists order by the row's own plan (an index's order): its task's.
    if Assignment.objects.exclude(plan_id=F("task__plan_id")).exists() or (
            Assignment.objects.filter(plan__isnull=True).exists()):
        problems.append("assignments whose plan is not their task's")
    return problems


def ensure_fresh(on: date | None = None) -> int:
    """Re-judge what the daily refresh has not yet (two indexed look-ups when it has)."""
    on = on or _today()
    m = Models()
    if not (m.Assignment.objects.filter(next_change_on__lte=on).exists()
            or m.Task.objects.filter(next_change_on__lte=on, lead_parts=0).exists()):
        return 0
    return refresh_due(on, m)
