"""The long lists of the pages, each defined once: a filter form and the filtered, ordered
rows it gives (a queryset, filtered and ordered in the database).

The page pages those rows; the export (`theodoi.web.exports`) writes the same rows, so a
downloaded sheet is exactly the list on screen, whatever filters the URL carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django import forms
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from theodoi.registry.text import fold
from theodoi.tracking import access, queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Assignment, Plan, PlanLeadCount, Task
from theodoi.web import snapshot
from theodoi.web.forms import PlainSelect
from theodoi.web.labels import PLAN_STATUS_LABELS, PROGRESS_LABELS, STATUS_LABELS

ALL = ("", _("Tất cả"))
STATUS_CHOICES = [ALL, *STATUS_LABELS.items()]
PROGRESS_CHOICES = [ALL, *PROGRESS_LABELS.items()]
ROLE_CHOICES = [("", _("Chủ trì hoặc phối hợp")), ("lead", _("Chủ trì")),
                ("partner", _("Phối hợp"))]
QUARTER_CHOICES = [("", _("Cả năm")), ("1", _("Quý I")), ("2", _("Quý II")),
                   ("3", _("Quý III")), ("4", _("Quý IV"))]

# The registry's kinds of agency, by level of government (docs/registry.md).
LEVELS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "central": (_("Bộ, ngành trung ương"),
                ("ministry", "ministry_level", "government_agency", "other_body", "unit")),
    "province": (_("Tỉnh, thành phố"), ("province", "province_unit")),
    "commune": (_("Xã, phường, đặc khu"), ("commune",)),
}


def level_of(kind: str) -> str:
    """The level ("central", "province", "commune") of an agency kind, "" when none."""
    for key, (_label, kinds) in LEVELS.items():
        if kind in kinds:
            return key
    return ""


def filtered(form: forms.Form) -> dict[str, Any]:
    """The filters a bound form accepted (an invalid field is dropped, not an error page:
    a stale link still shows the list, and the form shows why the filter was ignored)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items()
            if k not in form.errors and v not in (None, "")}


def section_filter(code: str, field: str = "section__code") -> Q:
    """A section and every section under it ("I" is I, I.1, I.2 ...)."""
    code = code.strip().strip(".")
    return Q(**{f"{field}__iexact": code}) | Q(**{f"{field}__istartswith": f"{code}."})


def period_bounds(year: int, quarter: str = "") -> tuple[date, date]:
    """The first and last day of a year, or of one of its quarters."""
    if not quarter:
        return date(year, 1, 1), date(year, 12, 31)
    return engine.period_bounds(date(year, 3 * int(quarter) - 2, 1), "quarter")


# -- a plan's tasks ----------------------------------------------------------------------


class PlanTaskFilter(forms.Form):
    # Every <select> written in one pass (`PlainSelect`): Django's template per option was
    # a sixth of the plan page's Python under the profiler (91 lead agencies of the biggest
    # plan).
    section = forms.CharField(label=_("Mục"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUS_CHOICES,
                               widget=PlainSelect)
    progress = forms.ChoiceField(label=_("Tiến độ"), required=False, choices=PROGRESS_CHOICES,
                                 widget=PlainSelect)
    lead = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=Agency.objects.none(),
                                  required=False, empty_label=_("Tất cả"), widget=PlainSelect)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The agencies leading a task of this plan, from their stored counts: one row per
        # agency shown, not every lead part of the plan (85k of the biggest at 200k tasks).
        self.fields["lead"].queryset = Agency.objects.filter(
            pk__in=PlanLeadCount.objects.filter(plan=plan, count__gt=0).values("agency_id")
        ).order_by("name")


def plan_leads(plan: Plan) -> QuerySet[Assignment]:
    """The plan's counted lead parts (filtered by one agency: the plan page's lead filter;
    the agencies offered are `PlanLeadCount`'s). The task's plan too (the same plan): `counted()`
    joins the tasks, which had no condition of their own, and PostgreSQL hashed every
    task of every plan to keep the biggest plan's (200k tasks: a 42,000-buffer scan, 0.5 s
    of its page); with the plan's, it reads the plan's tasks by index (667 buffers)."""
    return Assignment.objects.counted().filter(plan=plan, task__plan=plan,
                                               role=Assignment.LEAD)


def plan_tasks(plan: Plan, data: dict[str, Any], as_of: date) -> QuerySet[Task]:
    """The plan's current tasks in their printed order, with their state on `as_of`,
    narrowed by section, status, progress and lead agency."""
    qs = queries.with_state(
        plan.tasks.current().select_related("section").defer("search"), as_of)
    if data.get("section"):
        qs = qs.filter(section_filter(data["section"]))
    if data.get("status"):
        qs = qs.filter(state_status=data["status"])
    if data.get("progress"):
        qs = qs.filter(state_progress=data["progress"])
    if data.get("lead"):
        qs = qs.filter(pk__in=plan_leads(plan).filter(agency=data["lead"]).values("task_id"))
    return qs.order_by("order")


# -- an agency's parts -------------------------------------------------------------------


def plan_label(pk: int, number: str, title: str) -> str:
    """"<number> — <title>", or the title, or "Plan <id>" (`Plan.__str__`), in 110 letters."""
    return (f"{number} — {title}" if number else (title or f"Plan {pk}"))[:110]


class _PlanLabels(forms.models.ModelChoiceIterator):
    """The plan options read as (id, number, title) rows: a ministry's page listed ~245
    plans as whole `Plan` objects through a server-side cursor (DECLARE, FETCH, CLOSE),
    ~10 ms of its Python for three columns."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, number, title in self.queryset.values_list("pk", "number", "title"):
            yield pk, plan_label(pk, number, title)


class PlanChoiceField(forms.ModelChoiceField):
    """A plan chosen by id (validated against `queryset`, the chosen one a `Plan`), its
    options labelled by `plan_label` without a `Plan` per option."""

    iterator = _PlanLabels


class AgencyPartFilter(forms.Form):
    # Every <select> is written in one pass (`PlainSelect`): Django's template per option
    # cost a ministry's page ~16 ms for its plan list alone.
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=ROLE_CHOICES,
                             widget=PlainSelect)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUS_CHOICES,
                               widget=PlainSelect)
    plan = PlanChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.none(),
                           required=False, empty_label=_("Tất cả"), widget=PlainSelect)
    year = forms.IntegerField(label=_("Năm (thời hạn)"), required=False, min_value=2000,
                              max_value=2100)
    quarter = forms.ChoiceField(label=_("Quý"), required=False, choices=QUARTER_CHOICES,
                                widget=PlainSelect)

    def __init__(self, *args: Any, user: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only the plans the agency has a part in: a short list, not every plan. Read on
        # the assignments' own plan and the agency index (no join with the tasks: the
        # published plans narrow it; a plan whose rows are all removed lists nothing).
        self.fields["plan"].queryset = snapshot.published_plans(user).filter(
            pk__in=Assignment.objects.filter(agency=agency, is_active=True).values("plan_id")
        ).order_by("-date", "-id")


def agency_parts(user: Any, agency: Agency, data: dict[str, Any], as_of: date,
                 role: str | None = None) -> QuerySet[Assignment]:
    """The agency's counted parts (of `role` when given), by due date, with their state on
    `as_of`, narrowed by status, plan and the quarter or year of their deadline."""
    qs = snapshot.agency_parts(user, agency, as_of, role or data.get("role"))
    if data.get("status"):
        qs = qs.filter(state_status=data["status"])
    if data.get("plan"):
        qs = qs.filter(plan=data["plan"])
    if data.get("year"):
        first, last = period_bounds(data["year"], data.get("quarter", ""))
        qs = qs.filter(deciding_due__gte=first, deciding_due__lte=last)
    return qs


# -- agencies ----------------------------------------------------------------------------


class AgencyListFilter(forms.Form):
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=[
        ALL, *((k, label) for k, (label, _kinds) in LEVELS.items())])
    q = forms.CharField(label=_("Tên cơ quan"), required=False, max_length=200)


class AgencyRanking:
    """The agency ranking (best on-time rate first) as (rank, row) pairs, of one level and
    matching a name typed with or without diacritics: a sequence the Paginator and the
    export read. Today's is ordered, counted and sliced in SQL from the stored ranking
    figures (`AgencySummary`: a page reads its own rows by index and builds only them); an
    earlier day's is ranked whole from the history's counts (one grouped query, one row
    per agency)."""

    def __init__(self, data: dict[str, Any], as_of: date):
        self.as_of = as_of
        kinds = LEVELS[data["level"]][1] if data.get("level") else None
        # Matched on the names stored folded (`Agency.folded_name`), in SQL: folding the
        # 4,000 names per request was ~25 ms, and their ids a long IN list.
        words = fold(data["q"]).split() if data.get("q") else []
        self.ranked: QuerySet | None = None
        self.rows: list[snapshot.AgencyRow] = []
        if queries.is_today(as_of):
            self.ranked = snapshot.ranked_counts(kinds, name_words=words)
        else:
            wanted = None
            if words:
                named = Agency.objects.all()
                for word in words:
                    named = named.filter(folded_name__contains=word)
                wanted = set(named.values_list("pk", flat=True))
            self.rows = [r for r in snapshot.agency_ranking(as_of, kinds=kinds)
                         if wanted is None or r.agency.pk in wanted]

    def count(self) -> int:
        return self.ranked.count() if self.ranked is not None else len(self.rows)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[tuple[int, snapshot.AgencyRow]]:
        start = key.start or 0
        if self.ranked is None:
            return list(enumerate(self.rows[key], start=start + 1))
        ids = [r["agency_id"] for r in self.ranked[key]]
        return list(enumerate(snapshot.agency_rows_of(ids, self.as_of), start=start + 1))

    def __iter__(self) -> Iterator[tuple[int, snapshot.AgencyRow]]:
        return iter(self[0:None])


# -- plans -------------------------------------------------------------------------------


class PlanListFilter(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False,
                              choices=[ALL, *PLAN_STATUS_LABELS.items()])

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not access.is_coordinator(user):  # the others read published plans only
            del self.fields["state"]


def plans(user: Any, data: dict[str, Any]) -> QuerySet[Plan]:
    """The plans `user` may read, newest first, of one year, issuer and state."""
    qs = access.visible_plans(user)
    if data.get("year"):
        qs = qs.filter(Q(year=data["year"]) | Q(year__isnull=True, date__year=data["year"]))
    if data.get("issuer"):
        # Each word on its own, case as typed or capitalised: SQLite folds the case of
        # ASCII letters only, and issuers are written "Ủy ban nhân dân ...".
        for word in data["issuer"].split():
            qs = qs.filter(Q(issuer__icontains=word) | Q(issuer__icontains=word.capitalize()))
    if data.get("state"):
        qs = qs.filter(status=data["state"])
    return qs.order_by("-date", "-id")


# -- the search --------------------------------------------------------------------------


def _kind_filter(kind: str) -> Q:
    """Tasks of one column of the timeline: dated, periodic, waiting for a date, or none."""
    periodic = Q(due_kind__in=engine.PERIODIC_KINDS)
    if kind == "periodic":
        return periodic
    if kind == "dated":
        return ~periodic & Q(deciding_due__isnull=False)
    undated = ~periodic & Q(deciding_due__isnull=True)
    waiting = Q(due_kind__in=engine.WAITING_KINDS)
    return undated & (waiting if kind == "waiting" else ~waiting)


def search_tasks(user: Any, data: dict[str, Any], as_of: date, indexed: bool = True,
                 tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks by words (without diacritics too), plan, agency, role, section, status,
    progress, kind of deadline and due dates (`indexed`: see `TaskQuerySet.search`), among
    `tasks` (with their state on `as_of`) when given, else the tracked tasks `user` reads."""
    qs = tasks if tasks is not None else snapshot.tracked_tasks(user, data.get("plan"), as_of)
    if data.get("q"):
        qs = qs.search(data["q"], indexed=indexed)
    if data.get("section"):
        qs = qs.filter(section_filter(data["section"]))
    if data.get("agency"):
        # With an agency, the status and progress are those of its own part (what its
        # page counts), not the task's.
        parts = queries.with_state(
            Assignment.objects.counted().filter(agency=data["agency"]), as_of)
        if data.get("role"):
            parts = parts.filter(role=data["role"])
        if data.get("status"):
            parts = parts.filter(state_status=data["status"])
        if data.get("progress"):
            parts = parts.filter(state_progress=data["progress"])
        qs = qs.filter(pk__in=parts.values("task_id"))
    else:
        if data.get("status"):
            qs = qs.filter(state_status=data["status"])
        if data.get("progress"):
            qs = qs.filter(state_progress=data["progress"])
    if data.get("kind"):
        qs = qs.filter(_kind_filter(data["kind"]))
    if data.get("due_from"):
        qs = qs.filter(deciding_due__gte=data["due_from"])
    if data.get("due_to"):
        qs = qs.filter(deciding_due__lte=data["due_to"])
    return qs


# The search counts its matches up to this many: past it the page says "more than 1,000"
# and pages the first 1,000 (20 pages), which is all anyone reads before narrowing the
# search; the export still writes every match. Counting every match of a common word reads
# each matching row again (rechecking the trigram index's candidates): at 206k tasks that
# was as costly as the page itself (BENCHMARKS.md).
SEARCH_COUNT_CAP = 1000


class SearchRows:
    """The search's tasks as the Paginator reads them, in the search's order (plan date,
    plan, row), counted up to `cap`; a page reads only its own rows.

    - The count reads the ids of at most `cap + 1` matches, unordered (a sort would read
      every match first): a common word stops early, a rare one reads its few matches.
    - At most `cap` matches, they are sorted here (by their plan's place and their row,
      read with their ids) and the page reads its 50 rows by id: neither the trigram
      index's candidates nor the matches' wide rows are read a second time.
    - Past the cap a word is common (giám sát: 4% of the tasks, 8k of 206k) and sorting
      every match would read them all. The plans are walked instead, in the search's
      order, a few at a time (4, then 8, 16 ...), until the page is full: a page of a common
      word reads a plan or two. The walk stops at a quarter of the plans (a word common in
      the count but not where the walk began); the rest is read sorted, as one query."""

    cap = SEARCH_COUNT_CAP
    first_plans = 4  # plans read by the walk's first step; each step reads twice as many
    walked_share = 4  # the walk stops after 1/walked_share of the plans

    def __init__(self, tasks: QuerySet[Task], plans: QuerySet[Plan], rows: QuerySet[Task],
                 walked: Callable[[list[int]], QuerySet[Task]] | None = None):
        self.tasks = tasks
        self.plans = plans  # those the tasks may belong to (the walk reads them in order)
        # The same tasks within some of those plans, for the walk: read without joining the
        # plans (the walk knows them) and their words compared without the trigram index
        # (the walk's few plans are a few thousand rows, the index's candidates of a common
        # word 100k; and the planner, misjudging the words, joined each row to every plan).
        self.walked = walked or (lambda plans: tasks.filter(plan_id__in=plans))
        # The page's rows are read by id from this unfiltered queryset: the search's own
        # conditions again would scan the trigram index a second time.
        self.rows = rows
        self.capped = False
        self._matches: list[tuple[int, int, int]] | None = None  # (id, plan, row order)

    @classmethod
    def nothing(cls) -> SearchRows:
        return cls(Task.objects.none(), Plan.objects.none(), Task.objects.none())

    def count(self) -> int:
        if self._matches is None:
            self._matches = list(
                self.tasks.order_by().values_list("pk", "plan_id", "order")[: self.cap + 1])
            self.capped = len(self._matches) > self.cap
        return min(len(self._matches), self.cap)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Task]:
        start, stop = key.start or 0, min(key.stop or self.cap, self.cap)
        self.count()
        if self.capped:
            ids = self._walk(stop)[start:stop]
        else:
            place = {pk: n for n, pk in enumerate(self._plan_order())}
            ordered = sorted(self._matches or (), key=lambda m: (place.get(m[1], -1), m[2]))
            ids = [pk for pk, _plan, _order in ordered[start:stop]]
        found = {t.pk: t for t in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def _plan_order(self) -> list[int]:
        """The plans' ids in the search's order (the database's, NULL dates included)."""
        return list(self.plans.order_by("date", "id").values_list("pk", flat=True))

    def _walk(self, stop: int) -> list[int]:
        """The ids of the first `stop` tasks in the search's order, plan after plan."""
        plans = self._plan_order()
        walked = max(self.first_plans, len(plans) // self.walked_share)
        out: list[int] = []
        done, size = 0, self.first_plans
        while done < walked and len(out) < stop:
            chunk = plans[done:min(done + size, walked)]
            place = Case(*(When(plan_id=pk, then=Value(n)) for n, pk in enumerate(chunk)))
            out += (self.walked(chunk).order_by(place, "order")
                    .values_list("pk", flat=True)[: stop - len(out)])
            done, size = done + len(chunk), size * 2
        if len(out) < stop and done < len(plans):
            rest = self.tasks.values_list("pk", flat=True)  # many plans: the index helps
            out += rest.filter(plan_id__in=plans[done:])[: stop - len(out)]
        return out


def search_rows(user: Any, data: dict[str, Any], as_of: date) -> SearchRows:
    """The search's tasks (`search_tasks`) as its pages and its export read them."""
    rows = queries.with_state(Task.objects.select_related("plan", "section").defer("search"),
                              as_of)
    return SearchRows(search_tasks(user, data, as_of),
                      snapshot.published_plans(user, data.get("plan")), rows,
                      walked=lambda plans: search_tasks(
                          user, data, as_of, indexed=False, tasks=queries.with_state(
                              Task.objects.counted().filter(plan_id__in=plans), as_of)))


def query_without(request: Any, *names: str) -> str:
    """The page's query string without `names` (the page numbers, the export format)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
