"""Counts on a past date without counting every span of the history.

The spans held on a day (`StateSpan.held_on`) are a sixth of the history and grow with the
country: counting them for the national overview of a past date joined 190k part spans to
their parts and tasks at 20k tasks (0.6 s of a 1.2 s page; 1.9M spans at 200k). Instead a
past day's counts are stored the first time it is asked for (`PastCountDay`: a row per
(plan, section, status, progress) and per (agency, role, status, progress), as today's
`PlanStatusCount` and `AgencyStatusCount`) and read from there after: the page then costs
what today's does. A day within `NEAR` days of a stored one is counted from it and the spans
that began or ended in between (a thousand or two a day at 20k tasks, read by the indexes
on `valid_from` and `valid_to`):

    held(day) = held(near) + {near < valid_from <= day} - {near < valid_to <= day}

(the other way round from a stored day after it); any other from every span held on it.
At most `KEEP` days are kept, the ones stored last.

The counting rule is today's (`queries.counted_tasks`, `counted_parts`), as counting the
spans applies it, so the stored days are dropped (`forget()`) whenever what counts may have
changed (`statuses.recount_plans`, `recount_agencies`: publishing, a correction, a part
resolved or set aside) or the history of a stored day is written again (a write dated on
or before it). They are counted again when next asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

PUBLISHED = "published"
NEAR = 31  # a day this close to a stored one is counted from it and the spans between
KEEP = 120  # stored days kept (the ones stored last)

# A count key: (plan id, top-level section, status, progress) for tasks,
# (agency id, role, status, progress) for parts.
Key = tuple[Any, str, str, str]


def _models() -> Any:
    from theodoi.tracking import models

    return models


def _root(code: str | None) -> str:
    return (code or "").split(".", 1)[0]


# -- the spans of counted rows ----------------------------------------------------------------


def _task_spans() -> Any:
    return _models().TaskHistory.objects.filter(
        task__removed_at__isnull=True, task__has_children=False, task__plan__status=PUBLISHED)


def _part_spans() -> Any:
    return _models().AssignmentHistory.objects.filter(
        assignment__is_active=True, assignment__agency__isnull=False,
        assignment__task__removed_at__isnull=True, assignment__task__has_children=False,
        assignment__task__plan__status=PUBLISHED)


def _done_spans() -> Any:
    """The spans in which a counted one-off task is closed (what the due-and-done chart
    counts, by the task's `done_on`)."""
    from theodoi.tracking import status as engine

    return _task_spans().filter(status__in=sorted(engine.CLOSED), task__done_on__isnull=False
                                ).exclude(task__due_kind__in=sorted(engine.PERIODIC_KINDS))


TASK_KEY = ("task__plan_id", "task__section__code", "status", "progress")
PART_KEY = ("assignment__agency_id", "assignment__role", "status", "progress")


DONE_KEY = ("task__done_on",)


def _add(rows: Any, key: tuple[str, ...], into: dict[Any, int]) -> None:
    if key is DONE_KEY:
        for done_on, n in rows:
            into[done_on] += n
        return
    for first, second, status, progress, n in rows:
        if key is TASK_KEY:
            second = _root(second)
        into[(first, second, status, progress)] += n


def _held(spans: Any, key: tuple[str, ...], day: date, into: dict[Any, int]) -> None:
    """Add the spans held on `day`."""
    held = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    _add(spans.filter(held).values_list(*key).annotate(n=Count("id")).order_by(), key, into)


def _between(spans: Any, key: tuple[str, ...], start: date, day: date,
             into: dict[Any, int], sign: int = 1) -> None:
    """Add (`sign` 1; subtract: -1) the spans that began in (start, day], less those that
    ended in it: one read of both (the two indexes ORed), each span joined to its row once."""
    began = Q(valid_from__gt=start, valid_from__lte=day)
    ended = Q(valid_to__gt=start, valid_to__lte=day)
    one = Value(sign, output_field=IntegerField())
    rows = (spans.filter(began | ended).values_list(*key)
            .annotate(n=Sum(Case(When(began, then=one), default=0))
                      - Sum(Case(When(ended, then=one), default=0))).order_by())
    _add(rows, key, into)


# -- the stored days ---------------------------------------------------------------------------


Counted = tuple[dict[Key, int], dict[Key, int], dict[date, int]]
SPANS = ((_task_spans, TASK_KEY), (_part_spans, PART_KEY), (_done_spans, DONE_KEY))


def _counted_on(day: date) -> Counted:
    """The counts of `day` (tasks, parts, closed tasks by their done day): from the nearest
    stored day within NEAR days and the spans between, else from every span held on it."""
    m = _models()
    out: Counted = (defaultdict(int), defaultdict(int), defaultdict(int))
    window = m.PastCountDay.objects.filter(day__gte=day - timedelta(days=NEAR),
                                           day__lte=day + timedelta(days=NEAR))
    near = min(window.values_list("day", flat=True), key=lambda d: abs((d - day).days),
               default=None)
    if near is None:
        for (spans, key), into in zip(SPANS, out, strict=True):
            _held(spans(), key, day, into)
        return out
    tasks, parts, done = out
    for row in m.PastPlanCount.objects.filter(day=near).values_list(
            "plan_id", "section", "status", "progress", "count"):
        tasks[row[:4]] += row[4]
    for row in m.PastAgencyCount.objects.filter(day=near).values_list(
            "agency_id", "role", "status", "progress", "count"):
        parts[row[:4]] += row[4]
    for done_on, n in m.PastDoneCount.objects.filter(day=near).values_list("done_on", "count"):
        done[done_on] += n
    for (spans, key), into in zip(SPANS, out, strict=True):
        if near < day:
            _between(spans(), key, near, day, into)
        else:
            _between(spans(), key, day, near, into, -1)
    return out


def _store(day: date) -> None:
    """Count `day` (`_counted_on`) and store its counts."""
    m = _models()
    tasks, parts, done = _counted_on(day)
    try:
        with transaction.atomic():
            m.PastCountDay.objects.create(day=day)
            m.PastPlanCount.objects.bulk_create([
                m.PastPlanCount(day=day, plan_id=p, section=s, status=st, progress=pr, count=n)
                for (p, s, st, pr), n in tasks.items() if n], batch_size=2000)
            m.PastAgencyCount.objects.bulk_create([
                m.PastAgencyCount(day=day, agency_id=a, role=r, status=st, progress=pr,
                                  count=n)
                for (a, r, st, pr), n in parts.items() if n], batch_size=2000)
            m.PastDoneCount.objects.bulk_create([
                m.PastDoneCount(day=day, done_on=d, count=n) for d, n in done.items() if n],
                batch_size=2000)
    except IntegrityError:
        return  # another request stored the same day meanwhile: the same counts
    old = list(m.PastCountDay.objects.order_by("-pk").values_list("day", flat=True)[KEEP:])
    if old:
        for model in (*_counts_of_days(m), m.PastCountDay):
            model.objects.filter(day__in=old).delete()


def _counts_of_days(m: Any) -> tuple[Any, ...]:
    """The tables of a stored day's counts (`m`: the models, or a migration's without the
    roots' table before 0026)."""
    roots = getattr(m, "PastRootCount", None)
    return (m.PastPlanCount, m.PastAgencyCount, m.PastDoneCount,
            *((roots,) if roots is not None else ()))


def is_stored(day: date) -> bool:
    """Whether `day`'s counts are stored."""
    return _models().PastCountDay.objects.filter(day=day).exists()


def stored(day: date) -> date:
    """`day`, its counts stored (counted now when they are not)."""
    if not is_stored(day):
        _store(day)
    return day


def forget(since: date | None = None, m: Any = None) -> None:
    """Drop the stored days from `since` on (every stored day when None); `m`: the models
    to write (`statuses.Models`; a migration's, without these tables before 0022)."""
    m = m or _models()
    if getattr(m, "PastCountDay", None) is None:
        return
    days = m.PastCountDay.objects.all()
    if since is not None:
        days = days.filter(day__gte=since)
    if not days.exists():
        return  # the usual write (today's): nothing stored to drop
    for model in _counts_of_days(m):
        rows = model.objects.all()
        (rows.filter(day__gte=since) if since is not None else rows).delete()
    days.delete()


def forget_roots(m: Any = None) -> None:
    """Drop every stored day's roots' counts (`PastRootCount`), kept the agencies' own: an
    agency's kind or parent changed (`statuses.recount_roots`), so the tree they were
    rolled up in is not today's. Each day's are rolled up again when next read."""
    m = m or _models()
    if getattr(m, "PastRootCount", None) is None:
        return
    # Roll-ups are written with their day's mark, in one transaction (`root_counts`), and
    # dropped with it: none to drop (the usual case, a rebuild's) when no day is marked.
    if m.PastCountDay.objects.filter(roots_counted=True).update(roots_counted=False):
        m.PastRootCount.objects.all().delete()


# -- reading -----------------------------------------------------------------------------------


def task_counts(day: date, plans: Any = None) -> dict[Key, int]:
    """Counted tasks on the past `day` by (plan id, top-level section, status, progress), of
    `plans` (ids or a queryset of plans) when given."""
    rows = _models().PastPlanCount.objects.filter(day=stored(day))
    if plans is not None:
        rows = rows.filter(plan_id__in=plans)
    return {key[:4]: key[4] for key in rows.values_list(
        "plan_id", "section", "status", "progress", "count")}


def part_counts(day: date, agencies: list[int] | None = None) -> dict[Key, int]:
    """Counted parts on the past `day` by (agency id, role, status, progress), of `agencies`
    when given."""
    rows = _models().PastAgencyCount.objects.filter(day=stored(day))
    if agencies is not None:
        rows = rows.filter(agency_id__in=agencies)
    return {key[:4]: key[4] for key in rows.values_list(
        "agency_id", "role", "status", "progress", "count")}


def done_by_day(day: date) -> dict[date, int]:
    """The country's counted one-off tasks closed on the past `day`, by the day they were
    done (up to `day`)."""
    rows = _models().PastDoneCount.objects.filter(day=stored(day), done_on__lte=day)
    return dict(rows.values_list("done_on", "count"))


def keyed_part_counts(day: date, key_of: Callable[[str], Any]
                      ) -> dict[tuple[Any, str, str], int]:
    """Counted parts on the past `day` by (key, role, status), the key computed in the
    database from each part's agency (`key_of("agency")`: the overview's own ministry or
    province, or its parent): a few hundred rows read, not one per agency."""
    rows = (_models().PastAgencyCount.objects.filter(day=stored(day))
            .annotate(key=key_of("agency"))
            .values_list("key", "role", "status").annotate(n=Sum("count")).order_by())
    return {(key, role, status): n for key, role, status, n in rows}


RootKey = tuple[int, str, str]  # (root agency id, role, status)


def root_counts(day: date, roll_up: Callable[[], dict[RootKey, int]]) -> dict[RootKey, int]:
    """Counted parts on the past `day` by (root, role, status): the day's agency counts
    rolled up to the ministries and provinces, as stored for the day, else rolled up now by
    `roll_up()` (the caller's climb of the registry's tree, from `keyed_part_counts`) and
    stored."""
    m = _models()
    # One read says both whether the day is stored and whether its roll-up is (None: the
    # day is not stored; `stored()` would ask the first again).
    marked = m.PastCountDay.objects.filter(day=day).values_list("roots_counted", flat=True)
    if next(iter(marked), None):
        return {(root, role, status): n for root, role, status, n in
                m.PastRootCount.objects.filter(day=day).values_list(
                    "root_id", "role", "status", "count").order_by()}
    counted = roll_up()  # its read of the day's agency counts stores the day when it is not
    with transaction.atomic():
        # The mark is taken under the day's row lock: of two requests rolling the same day
        # up at once, the second finds it set and writes nothing (a day forgotten
        # meanwhile has no row: nothing is written for it).
        if m.PastCountDay.objects.filter(day=day, roots_counted=False).update(
                roots_counted=True):
            m.PastRootCount.objects.bulk_create([
                m.PastRootCount(day=day, root_id=root, role=role, status=status, count=n)
                for (root, role, status), n in sorted(counted.items()) if n],
                batch_size=2000)
    return counted


def store_yesterday(on: date) -> None:
    """The daily job's last step: the day before `on` stored (from the day before it, stored
    the same way, when nothing was counted again since: a day of spans), so that a past
    date within NEAR days of the last KEEP days is never counted from every span on a page."""
    stored(on - timedelta(days=1))
