"""What pages, the API and the documents read: states on a date and their counts, computed
in the database from the stored states (today) or the status history (earlier days).

One counting rule everywhere (docs/tracking.md): a task counts when it is a current row of a
published plan without rows under it; an agency's part counts when it is an active part of
such a task. Every function here counts that way, so every page, the API, the Excel sheets,
the periodic report and the letters agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    When,
)

from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    AgencyStatusCount,
    Assignment,
    Plan,
    PlanStatusCount,
    RootStatusCount,
    Task,
    today,
)
from theodoi.tracking.services import past_counts, statuses

STATE_FIELDS = ("state_status", "state_progress", "state_percent")


def is_today(as_of: date) -> bool:
    """Whether `as_of` is read from the stored states (today, or a day not yet come)."""
    return as_of >= today()


def fresh() -> None:
    """Bring stored states up to today before reading them (the daily refresh usually has)."""
    statuses.ensure_fresh()


def _held(prefix: str, as_of: date) -> Q:
    return Q(**{f"{prefix}__valid_from__lte": as_of}) & (
        Q(**{f"{prefix}__valid_to__isnull": True}) | Q(**{f"{prefix}__valid_to__gt": as_of})
    )


def with_state(qs: QuerySet, as_of: date) -> QuerySet:
    """Tasks or assignments annotated with `state_status`, `state_progress`, `state_percent`
    on `as_of` (None for a past day on which the row owed nothing)."""
    if is_today(as_of):
        return qs.annotate(state_status=F("status"), state_progress=F("progress"),
                           state_percent=F("percent"))
    return qs.annotate(
        held=FilteredRelation("history", condition=_held("history", as_of)),
        state_status=F("held__status"), state_progress=F("held__progress"),
        state_percent=F("held__percent"),
    )


def put_state(rows: Iterable[Any], as_of: date) -> None:
    """Give already-fetched tasks or assignments their `state_*` on `as_of` (no query for
    today; one for an earlier day)."""
    rows = list(rows)
    if not rows:
        return
    if is_today(as_of):
        for row in rows:
            row.state_status, row.state_progress, row.state_percent = (
                row.status, row.progress, row.percent)
        return
    model = type(rows[0])
    found = {pk: (st, pr, pc) for pk, st, pr, pc in with_state(
        model.objects.filter(pk__in=[r.pk for r in rows]), as_of).values_list(
        "pk", "state_status", "state_progress", "state_percent")}
    for row in rows:
        row.state_status, row.state_progress, row.state_percent = found.get(
            row.pk, (None, None, None))


def counted_tasks(plans: QuerySet[Plan] | Iterable[int] | None = None) -> QuerySet[Task]:
    """The tasks every count counts (of `plans` when given)."""
    qs = Task.objects.counted().filter(plan__status=Plan.Status.PUBLISHED)
    if plans is not None:
        qs = qs.filter(plan__in=plans) if isinstance(plans, QuerySet) else qs.filter(
            plan_id__in=list(plans))
    return qs


def counted_parts(plans: QuerySet[Plan] | Iterable[int] | None = None) -> QuerySet[Assignment]:
    """The agencies' parts every count counts (of `plans` when given)."""
    qs = Assignment.objects.counted()
    if isinstance(plans, QuerySet):
        qs = qs.filter(plan__in=plans)
    elif plans is not None:
        ids = list(plans)
        # The task's plan too (the same plan): `counted()` joins the tasks, which had no
        # condition of their own. With the plan's, PostgreSQL reads the plan's tasks by
        # index (200k tasks, a province's plan: 808 buffers instead of 48,000 through the
        # tasks' primary key), and stale statistics (after a bulk load) no longer make it
        # hash every task (a 250 MB scan: 0.7 s of that province's report).
        qs = qs.filter(plan_id__in=ids, task__plan_id__in=ids)
    return qs


# -- counts ------------------------------------------------------------------------------


class Counts:
    """Counts by (status, progress), with the totals the pages show."""

    def __init__(self, pairs: dict[tuple[str, str], int] | None = None):
        self.pairs: dict[tuple[str, str], int] = defaultdict(int, pairs or {})

    def add(self, status: str | None, progress: str | None, n: int = 1) -> None:
        if status is not None:
            self.pairs[(status, progress or engine.PROGRESS_NOT_STARTED)] += n

    def merge(self, other: Counts) -> None:
        for key, n in other.pairs.items():
            self.pairs[key] += n

    @property
    def total(self) -> int:
        return sum(self.pairs.values())

    def status(self, name: str) -> int:
        return sum(n for (s, _p), n in self.pairs.items() if s == name)

    def progress(self, name: str) -> int:
        return sum(n for (_s, p), n in self.pairs.items() if p == name)

    def by_status(self) -> dict[str, int]:
        return {s: self.status(s) for s in engine.STATUSES}

    def by_progress(self) -> dict[str, int]:
        return {p: self.progress(p) for p in engine.PROGRESSES}

    @property
    def done(self) -> int:
        return self.status(engine.DONE) + self.status(engine.DONE_LATE)

    @property
    def on_time_rate(self) -> float | None:
        due = self.done + self.status(engine.OVERDUE)
        return self.status(engine.DONE) / due if due else None


def _count_rows(rows: Iterable[dict[str, Any]], key: str, status: str, progress: str,
                n: str = "n") -> dict[Any, Counts]:
    out: dict[Any, Counts] = defaultdict(Counts)
    for row in rows:
        k = tuple(row[x] for x in key.split(",")) if "," in key else row[key]
        out[k].add(row[status], row[progress], row[n])
    return out


def task_counts(
    plans: QuerySet[Plan] | Iterable[int], as_of: date, *, by: str = "plan"
) -> dict[Any, Counts]:
    """Counted tasks of `plans` on `as_of`, by plan (`by="plan"`) or by (plan, top-level
    section code) (`by="section"`)."""
    ids = list(plans.values_list("pk", flat=True)) if isinstance(plans, QuerySet) else list(
        plans)
    if is_today(as_of):
        rows = (PlanStatusCount.objects.filter(plan_id__in=ids, count__gt=0)
                .values("plan_id", "section", "status", "progress", n=F("count")))
        if by == "plan":
            return _count_rows(rows, "plan_id", "status", "progress")
        return _count_rows(rows, "plan_id,section", "status", "progress")
    out: dict[Any, Counts] = defaultdict(Counts)
    for (plan_id, section, status, progress), n in _past_task_counts(ids, as_of).items():
        out[plan_id if by == "plan" else (plan_id, section)].add(status, progress, n)
    return out


FEW_PLANS = 10  # a past date's counts of this many plans or fewer are read from their spans


def _past_task_counts(plans: QuerySet[Plan] | list[int], as_of: date
                      ) -> dict[tuple[int, str, str, str], int]:
    """Counted tasks of `plans` on the past `as_of` by (plan, top-level section, status,
    progress): from the day's stored counts (`past_counts`) when they are stored or many
    plans are asked for (the national overview: every plan), else from the few plans' own
    spans (a plan's page: its few thousand spans, without counting the country's day)."""
    if isinstance(plans, QuerySet) or len(plans) > FEW_PLANS or past_counts.is_stored(as_of):
        return past_counts.task_counts(as_of, plans)
    rows = (with_state(counted_tasks(plans), as_of).filter(state_status__isnull=False)
            .values_list("plan_id", "section__code", "state_status", "state_progress")
            .annotate(n=Count("id")).order_by())
    out: dict[tuple[int, str, str, str], int] = defaultdict(int)
    for plan_id, code, status, progress, n in rows:
        out[(plan_id, (code or "").split(".", 1)[0], status, progress)] += n
    return out


def stored_task_counts(plans: QuerySet[Plan], section: str | None = None) -> Counts:
    """Today's counted tasks of `plans` (of one top-level section when given), summed in
    the database from the stored counts."""
    rows = PlanStatusCount.objects.filter(plan__in=plans, count__gt=0)
    if section:
        rows = rows.filter(section=section.strip().rstrip("."))
    out = Counts()
    for row in rows.values("status", "progress").annotate(n=Sum("count")).order_by():
        out.add(row["status"], row["progress"], row["n"])
    return out


def current_task_count(plans: QuerySet[Plan] | None, status: str | None = None) -> int:
    """How many current tasks `plans` have (None: every plan; of today's `status` when
    given), heading rows included, as `/api/tasks` lists them: the counted tasks from the
    stored counts, the heading rows from their own index (`tracking_task_current_heading`),
    and the rows of plans not published (never counted) by their plans: no COUNT over
    every task."""
    every = Plan.objects.all()
    published = (plans if plans is not None else every).filter(status=Plan.Status.PUBLISHED)
    stored = PlanStatusCount.objects.filter(plan__in=published, count__gt=0)
    headings = Task.objects.filter(has_children=True, removed_at__isnull=True)
    if plans is not None:  # every plan: the index alone, without a join
        headings = headings.filter(plan__in=plans)
    unpublished = Task.objects.filter(
        plan__in=(plans if plans is not None else every).exclude(
            status=Plan.Status.PUBLISHED), has_children=False, removed_at__isnull=True)
    if status:
        stored = stored.filter(status=status)
        headings = headings.filter(status=status)
        unpublished = unpublished.filter(status=status)
    counted = stored.aggregate(n=Sum("count"))["n"] or 0
    return counted + headings.count() + unpublished.count()


def stored_part_count(agency_id: int, role: str | None = None, status: str | None = None
                      ) -> int:
    """Today's number of the agency's counted parts (of `role`, of `status`), summed from
    the stored counts."""
    rows = AgencyStatusCount.objects.filter(agency_id=agency_id, count__gt=0)
    if role:
        rows = rows.filter(role=role)
    if status:
        rows = rows.filter(status=status)
    return rows.aggregate(n=Sum("count"))["n"] or 0


def total_counts(plans: QuerySet[Plan] | Iterable[int], as_of: date) -> Counts:
    """Counted tasks of `plans` on `as_of`, all together: summed in the database (one row
    per status and progress, however many plans there are)."""
    if isinstance(plans, QuerySet):
        chosen = Q(plan__in=plans.values("pk"))
    else:
        chosen = Q(plan_id__in=list(plans))
    out = Counts()
    if is_today(as_of):
        rows = (PlanStatusCount.objects.filter(chosen, count__gt=0)
                .values("status", "progress").annotate(n=Sum("count")).order_by())
        for row in rows:
            out.add(row["status"], row["progress"], row["n"])
        return out
    chosen_ids = list(plans.values_list("pk", flat=True) if isinstance(plans, QuerySet)
                      else plans)
    for (_plan, _section, status, progress), n in _past_task_counts(chosen_ids, as_of).items():
        out.add(status, progress, n)
    return out


def part_counts(
    as_of: date, *, plans: QuerySet[Plan] | Iterable[int] | None = None,
    agencies: Iterable[int] | None = None,
) -> dict[tuple[int, str], Counts]:
    """Counted parts on `as_of` by (agency id, role): the national figures come from the
    stored counts; a plan's from its own rows."""
    agency_ids = None if agencies is None else list(agencies)
    if is_today(as_of) and plans is None:
        qs = AgencyStatusCount.objects.filter(count__gt=0)
        if agency_ids is not None:
            qs = qs.filter(agency_id__in=agency_ids)
        rows = qs.values("agency_id", "role", "status", "progress", n=F("count"))
        return _count_rows(rows, "agency_id,role", "status", "progress")
    if plans is None:
        # A past date, nationally: the day's stored counts (`past_counts`), not every
        # span held on it.
        out: dict[tuple[int, str], Counts] = defaultdict(Counts)
        for (agency, role, status, progress), n in past_counts.part_counts(
                as_of, agency_ids).items():
            out[(agency, role)].add(status, progress, n)
        return out
    qs = with_state(counted_parts(plans), as_of).filter(state_status__isnull=False)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    rows = qs.values("agency_id", "role", "state_status", "state_progress").annotate(
        n=Count("id"))
    return _count_rows(rows, "agency_id,role", "state_status", "state_progress")


ANCESTOR_STEPS = statuses.ANCESTOR_STEPS  # how far up the tree a unit's work is rolled up


def _own_or_parent(path: str, kinds: tuple[str, ...]) -> Case:
    """The id of the agency at `path` when its kind is one of `kinds`, else its parent's
    (None at the top): the first step of `_roots`, taken in the database."""
    return Case(When(Q(**{f"{path}__kind__in": kinds}), then=F(path)),
                default=F(f"{path}__parent_id"), output_field=IntegerField())


def _roots(keys: Iterable[int], kinds: tuple[str, ...], steps: int
           ) -> dict[int, Agency]:
    """Each of `keys` -> its nearest agency (itself or an ancestor at most `steps` up)
    whose kind is one of `kinds`; keys without one are left out. Read a level at a time,
    by id: one query when every key is already of `kinds` (ministries and provinces
    over their units, the registry's usual depth), not the 4,000 agencies."""
    found: dict[int, Agency] = {}
    at = {key: key for key in keys}  # key -> the agency reached so far
    for _ in range(steps + 1):
        if not at:
            break
        read = Agency.objects.in_bulk(set(at.values()))
        climbing: dict[int, int] = {}
        for key, pk in at.items():
            agency = read.get(pk)
            if agency is None:
                continue
            if agency.kind in kinds:
                found[key] = agency
            elif agency.parent_id is not None:
                climbing[key] = agency.parent_id
        at = climbing
    return found


def rolled_up_part_counts(
    as_of: date, kinds: Iterable[str], *, plans: QuerySet[Plan] | Iterable[int] | None = None,
    roots: dict[int, Agency] | None = None, stored: bool = True,
) -> dict[tuple[int, str], Counts]:
    """Counted parts on `as_of` by (agency id, role), each agency's parts counted in its
    nearest ancestor (or itself, at most ANCESTOR_STEPS up) of `kinds` (a department's in
    its ministry or province); parts of no such agency are left out. `roots`, when given,
    receives the agencies the counts are keyed by (read anyway). The national figures of
    the overview's kinds are read as stored: today's (`RootStatusCount`), a past day's
    (`PastRootCount`, rolled up on the day's first read); `stored=False` sums them from the
    agencies' counts instead (what `statuses.check` and the tests compare)."""
    kinds = tuple(kinds)
    if stored and plans is None and set(kinds) == set(statuses.ROOT_KINDS):
        if is_today(as_of):
            return _stored_rolled_up_part_counts(roots)
        # A past date: the day's roll-up as stored, else climbed now (below) and stored.
        climbed = past_counts.root_counts(
            as_of, lambda: _climbed(as_of, kinds, None, None))
        return _root_counts(climbed.items(), roots)
    return _root_counts(_climbed(as_of, kinds, plans, roots).items(), None)


def _climbed(as_of: date, kinds: tuple[str, ...], plans: QuerySet[Plan] | Iterable[int] | None,
             roots: dict[int, Agency] | None) -> dict[tuple[int, str, str], int]:
    """`rolled_up_part_counts` as (root id, role, status) -> count, each agency's counts
    climbed to its root from the counts of `as_of` (`roots` receives the roots read)."""
    # Summed in the database by the agency itself or its parent (one join: a row per
    # (agency or parent, role, status), a few hundred), then the parents climbed here by
    # id. The whole climb in SQL (a CASE over six joins of the agencies, per count row)
    # cost 86 of the overview's 180 ms of SQL at 200k tasks; one join, about half.
    if is_today(as_of) and plans is None:
        rows = (AgencyStatusCount.objects.filter(count__gt=0)
                .annotate(key=_own_or_parent("agency", kinds))
                .values("key", "role", "status").annotate(n=Sum("count")).order_by())
        status = "status"
    elif plans is None:
        # A past date, nationally: from the day's stored counts (`past_counts`), keyed in
        # the database as today's.
        rows = [{"key": key, "role": role, "status": state, "n": n}
                for (key, role, state), n in past_counts.keyed_part_counts(
                    as_of, lambda path: _own_or_parent(path, kinds)).items()]
        status = "status"
    else:
        rows = (with_state(counted_parts(plans), as_of).filter(state_status__isnull=False)
                .annotate(key=_own_or_parent("agency", kinds))
                .values("key", "role", "state_status").annotate(n=Count("id")).order_by())
        status = "state_status"
    # The key is left NULL-able in SQL (top agencies of other kinds: a dozen rows) rather
    # than filtered there: the filter evaluated the CASE a second time per count row.
    rows = [row for row in rows if row["key"] is not None]
    # A key of `kinds` is its own root; any other is a parent, ANCESTOR_STEPS - 1 below
    # the last step allowed.
    found = _roots({row["key"] for row in rows}, kinds, ANCESTOR_STEPS - 1)
    if roots is not None:
        roots.update({agency.pk: agency for agency in found.values()})
    out: dict[tuple[int, str, str], int] = defaultdict(int)
    for row in rows:
        root = found.get(row["key"])
        if root is not None and row[status] is not None:
            out[(root.pk, row["role"], row[status])] += row["n"]
    return out


def _root_counts(rows: Iterable[tuple[tuple[int, str, str], int]],
                 roots: dict[int, Agency] | None) -> dict[tuple[int, str], Counts]:
    """((root, role, status), count) rows as `rolled_up_part_counts` gives them, and the
    roots read by id into `roots` when asked for (None: the caller's climb read them)."""
    out: dict[tuple[int, str], Counts] = defaultdict(Counts)
    for (root, role, status), n in rows:
        out[(root, role)].add(status, None, n)
    if roots is not None and out:
        roots.update(Agency.objects.in_bulk({root for root, _role in out}))
    return out


def _stored_rolled_up_part_counts(roots: dict[int, Agency] | None
                                  ) -> dict[tuple[int, str], Counts]:
    """Today's `rolled_up_part_counts` of the overview's kinds, as stored already rolled
    up (`RootStatusCount`: a few hundred rows; grouping the 50k agency count rows by their
    agency's parent cost 22-110 ms of the overview at 200k tasks), and the roots read by
    id when asked for."""
    rows = RootStatusCount.objects.filter(count__gt=0).values_list(
        "root_id", "role", "status", "count").order_by()
    return _root_counts((((root, role, status), n) for root, role, status, n in rows), roots)


MUST_REPORT = (engine.DUE_SOON, engine.OVERDUE)  # open and due: the agency owes a report


def must_report_count(agency_id: int, role: str) -> int:
    """Today's number of the agency's counted parts (of `role`) that owe something now:
    due soon or overdue, or returned and still open (`snapshot.must_report_filter`), summed
    from the stored counts (the returned parts are counted apart)."""
    owing = Q(status__in=MUST_REPORT) | (Q(returned=True) & ~Q(status__in=engine.CLOSED))
    found = AgencyStatusCount.objects.filter(owing, agency_id=agency_id, role=role).aggregate(
        n=Sum("count"))["n"]
    return found or 0


def month_range(first: str, last: str) -> list[str]:
    """Every month key from `first` to `last` (at most 20 years)."""
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < 240:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


MONTHS_AHEAD = 6  # months after `as_of` the due-vs-done chart still shows (what is coming)


def due_and_done_by_month(
    plans: QuerySet[Plan] | Iterable[int], as_of: date
) -> list[tuple[str, int, int, int, int]]:
    """(month "2025-03", one-off tasks due that month, completed that month, due so far,
    completed so far): the leader's question "are we keeping up?". A task is due in the
    month of its deciding due date (as known today) and done in the month of its closing
    report, up to `as_of`; months run from the first of either to `MONTHS_AHEAD` months
    after `as_of` (to the last due month when sooner), with no month skipped."""
    # The counting rule of `counted_tasks` with the published plans' ids read first (no
    # join per task), COUNT(*) by day and the predicates of the indexes
    # `tracking_task_due_month` and `tracking_task_done_month`: counted from them alone,
    # without reading the tasks, and summed into months here (DATE_TRUNC on each of 110k
    # rows cost more than the scan at 200k; there are a few hundred distinct days).
    chosen = plans.values("pk") if isinstance(plans, QuerySet) else list(plans)
    read = list(Plan.objects.annotate(chosen=ExpressionWrapper(
        Q(pk__in=chosen, status=Plan.Status.PUBLISHED), output_field=BooleanField()))
        .values_list("pk", "chosen", "status").order_by())
    every = {pk: yes for pk, yes, _status in read}
    ids = [pk for pk, yes in every.items() if yes]
    if not ids:
        return []
    others = [pk for pk, yes in every.items() if not yes]
    # Every published plan (the national chart) on a past date: the closed tasks by day
    # are the day's stored counts (`past_counts`), not every task's span on it.
    national = not any(not yes and status == Plan.Status.PUBLISHED for _pk, yes, status in read)
    counted = Task.objects.counted().exclude(due_kind__in=sorted(engine.PERIODIC_KINDS))
    if len(others) < len(ids):
        # Most plans (the national overview: all of them): the plans left out named
        # instead (usually none) and no plan created since this read: the index is
        # scanned without testing each of its 113k rows against a list of 245 ids, which
        # PostgreSQL also took 5 ms to plan (200k tasks).
        counted = counted.filter(plan_id__lte=max(every))
        counted = counted.exclude(plan_id__in=others) if others else counted
    else:
        counted = counted.filter(plan_id__in=ids)
    due_rows = (counted.filter(deciding_due__isnull=False).values_list("deciding_due")
                .annotate(n=Count("*")).order_by())
    if national and not is_today(as_of) and len(ids) > FEW_PLANS:
        done_rows = list(past_counts.done_by_day(as_of).items())
    else:
        done_rows = (with_state(counted, as_of)
                     .filter(state_status__in=sorted(engine.CLOSED), done_on__isnull=False,
                             done_on__lte=as_of)
                     .values_list("done_on").annotate(n=Count("*")).order_by())
    due: dict[str, int] = defaultdict(int)
    for day, n in due_rows:
        due[day.strftime("%Y-%m")] += n
    done: dict[str, int] = defaultdict(int)
    for day, n in done_rows:
        done[day.strftime("%Y-%m")] += n
    if not due and not done:
        return []
    year, month = as_of.year, as_of.month + MONTHS_AHEAD
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    horizon = f"{year:04d}-{month:02d}"
    current = as_of.strftime("%Y-%m")
    last = max(current, min(horizon, max(due, default=current)))
    first = min([*due, *done])
    out, due_total, done_total = [], 0, 0
    for key in month_range(first, last):
        due_total += due.get(key, 0)
        done_total += done.get(key, 0)
        out.append((key, due.get(key, 0), done.get(key, 0), due_total, done_total))
    return out
