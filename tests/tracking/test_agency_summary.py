"""Each agency's ranking figures (`AgencySummary`) follow its counts through every kind of
write (issue 11): after submissions, reviews, the daily refresh, a deadline change, a
correction and a rebuild they are the sums a recount of `AgencyStatusCount` gives; and the
agency list ranked from them is the ranking the counts gave, ties and all.

The small plan (tests/conftest_django.py), published on 1 May 2024: III.A.1 is due 30 June
2024, Tỉnh B leads it; I.2 (every agency) was due 30 April.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import pytest
from django.db.models import Case, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from tests.moments import part_of, write_at_once
from tests.moments import travel as at
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    AgencyStatusCount,
    AgencySummary,
    Assignment,
    Task,
    today,
)
from theodoi.tracking.services import (
    import_plan,
    publish_plan,
    reimport_plan,
    review_report,
    set_task_date,
    statuses,
    submit_report,
)
from theodoi.tracking.services.registry import agency_for
from theodoi.web import lists, snapshot

pytestmark = pytest.mark.django_db


def stored() -> dict[int, tuple[int, ...]]:
    return {r["agency_id"]: tuple(r[f] for f in statuses.SUMMARY_FIELDS)
            for r in AgencySummary.objects.values("agency_id", *statuses.SUMMARY_FIELDS)}


def part(plan: Any, code: str, registry_id: str, role: str = "lead") -> Assignment:
    return part_of(plan, code, registry_id, role)


def summed() -> dict[int, tuple[int, ...]]:
    """The figures summed from the count rows here, as the ranking summed them before."""
    lead = Q(role=Assignment.LEAD)
    rows = AgencyStatusCount.objects.filter(count__gt=0).values("agency_id").annotate(
        lead_total=Coalesce(Sum("count", filter=lead), 0),
        on_time=Coalesce(Sum("count", filter=lead & Q(status=engine.DONE)), 0),
        closed=Coalesce(Sum("count", filter=lead & Q(
            status__in=[engine.DONE, engine.DONE_LATE])), 0),
        overdue=Coalesce(Sum("count", filter=lead & Q(status=engine.OVERDUE)), 0),
        partner_total=Coalesce(Sum("count", filter=~lead), 0)).order_by()
    return {r["agency_id"]: tuple(r[f] for f in statuses.SUMMARY_FIELDS) for r in rows}


def agrees() -> None:
    assert stored() == summed()
    assert statuses.summary_problems() == []


def counted_before(kinds: Iterable[str] | None = None) -> QuerySet:
    """The ranking as it was ordered before the summary: every count row summed per
    agency, per request (the reference the stored figures must give again)."""
    lead = Q(role=Assignment.LEAD)

    def lead_sum(condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum("count", filter=lead & condition if condition else lead), 0)

    qs = AgencyStatusCount.objects.filter(count__gt=0)
    if kinds is not None:
        qs = qs.filter(agency__kind__in=list(kinds))
    qs = qs.values("agency_id", "agency__name").annotate(
        lead_total=lead_sum(), on_time=lead_sum(Q(status=engine.DONE)),
        closed=lead_sum(Q(status__in=[engine.DONE, engine.DONE_LATE])),
        overdue=lead_sum(Q(status=engine.OVERDUE)),
        partner_total=Coalesce(Sum("count", filter=~lead), 0))
    real = FloatField()
    qs = qs.annotate(
        rate=Case(When(Q(closed=0, overdue=0), then=Value(None, output_field=real)),
                  default=Cast("on_time", real) / Cast(F("closed") + F("overdue"), real),
                  output_field=real),
        done_share=Case(When(lead_total=0, then=Value(0.0, output_field=real)),
                        default=Cast("closed", real) / Cast("lead_total", real),
                        output_field=real),
    )
    return qs.order_by(F("rate").desc(nulls_last=True), F("done_share").desc(), "overdue",
                       F("lead_total").desc(), "agency__name", "agency_id")


def ids(rows: Iterable[dict[str, Any]]) -> list[int]:
    return [r["agency_id"] for r in rows]


@pytest.fixture
def plan(coordinator: Any, small_plan_json: Any, fake_registry: Any) -> Iterator[Any]:
    """The small plan published on 1 May 2024; after the test, `statuses.check()` (which
    compares the summaries too) finds nothing to say."""
    with at(2024, 5, 1):
        yield publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                           on=date(2024, 5, 1), registry=fake_registry)
    statuses.ensure_fresh()
    assert statuses.check() == []


def test_publishing_writes_a_row_per_agency_with_a_part(plan: Any) -> None:
    agrees()
    assert set(stored()) == set(AgencyStatusCount.objects.filter(count__gt=0).values_list(
        "agency_id", flat=True))
    tinh_b = Agency.objects.get(registry_id="tinh-b")
    row = AgencySummary.objects.get(agency=tinh_b)
    # Its part of I.2 (overdue since 30 April) and III.A.1 (not due): rate 0 of 1 due.
    assert (row.lead_total, row.on_time, row.closed, row.overdue) == (2, 0, 0, 1)
    assert (row.rate_key, row.done_share) == (0.0, 0.0)


def test_the_figures_follow_submissions_and_reviews(plan: Any, reporter_b: Any,
                                                    coordinator: Any) -> None:
    row = part(plan, "III.A.1", "tinh-b")
    with at(2024, 5, 10):
        report = submit_report(row, reporter_b, status="in_progress", percent=40)
        agrees()
        review_report(report, coordinator, accept=True)
        agrees()
        done = submit_report(row, reporter_b, status="done", percent=100,
                             links=["https://example.vn/bao-cao"])
        agrees()
        review_report(done, coordinator, accept=True)
        agrees()
    summary = AgencySummary.objects.get(agency_id=row.agency_id)
    assert (summary.lead_total, summary.on_time, summary.closed, summary.overdue) == (2, 1, 1, 1)
    assert summary.rate_key == 0.5 and summary.done_share == 0.5
    with at(2024, 5, 11):
        late = part(plan, "I.2", "tinh-b")
        report = submit_report(late, reporter_b, status="done", percent=100,
                               links=["https://example.vn/ke-hoach"])
        review_report(report, coordinator, accept=False, reason="Thiếu minh chứng")
        agrees()
        report = submit_report(late, reporter_b, status="done", percent=100,
                               links=["https://example.vn/ke-hoach-2"])
        review_report(report, coordinator, accept=True)
        agrees()
    summary.refresh_from_db()
    assert (summary.closed, summary.overdue, summary.done_share) == (2, 0, 1.0)


def test_the_figures_follow_the_daily_refresh_and_a_deadline_change(
        plan: Any, coordinator: Any) -> None:
    with at(2024, 7, 2):  # III.A.1 overdue since 30 June
        statuses.ensure_fresh()
        agrees()
        assert AgencySummary.objects.get(agency__registry_id="tinh-b").overdue == 2
        task = Task.objects.get(plan=plan, code="III.A.1")
        set_task_date(task, date(2024, 9, 30), coordinator, reason="Gia hạn")
        agrees()
        assert AgencySummary.objects.get(agency__registry_id="tinh-b").overdue == 1


def test_a_correction_that_removes_an_agencys_only_part_removes_its_row(
        plan: Any, coordinator: Any, small_plan_json: Any, fake_registry: Any) -> None:
    old = Agency.objects.get(registry_id="bo-cu")
    assert AgencySummary.objects.filter(agency=old).exists()
    # Bộ Cũ leads II.1 and is in the group leading I.2; both rows go.
    small_plan_json["tasks"] = [t for t in small_plan_json["tasks"]
                                if t["code"] not in ("II.1", "I.2")]
    with at(2024, 5, 5):
        reimport_plan(plan, small_plan_json, coordinator, registry=fake_registry)
    agrees()
    assert not AgencySummary.objects.filter(agency=old).exists()


def test_a_rebuild_writes_the_figures_the_writes_left(plan: Any, reporter_b: Any,
                                                      coordinator: Any) -> None:
    with at(2024, 5, 10):
        report = submit_report(part(plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                               percent=100, links=["https://example.vn/bao-cao"])
        review_report(report, coordinator, accept=True)
        written = stored()
        AgencySummary.objects.all().delete()
        assert statuses.summary_problems() != []  # the check sees a missing row
        statuses.rebuild(on=date(2024, 5, 10))
        assert stored() == written
        agrees()


def test_the_migrations_fill_gives_the_figures_the_writes_left(plan: Any) -> None:
    written = stored()
    AgencySummary.objects.filter(agency__registry_id="tinh-b").update(overdue=7)
    AgencySummary.objects.create(agency=Agency.objects.create(
        registry_id="khac", name="Khác", kind="ministry"), lead_total=1)
    assert statuses.summary_problems() != []
    statuses.summarise_agencies()  # what 0020 runs, on its historical models
    assert stored() == written


def test_an_agency_left_with_no_part_loses_its_row_by_deltas(plan: Any) -> None:
    """`_apply_summary` removes a row whose totals a delta brings to zero (a part leaving
    the counts between two recounts), and adds one for a new agency."""
    new = Agency.objects.create(registry_id="moi", name="Mới", kind="province")
    key = (new.pk, Assignment.LEAD, engine.OVERDUE, engine.PROGRESS_NOT_STARTED, False)
    statuses._apply_summary(statuses.Models(), {key: 1})
    row = AgencySummary.objects.get(agency=new)
    assert (row.lead_total, row.overdue, row.rate_key) == (1, 1, 0.0)
    statuses._apply_summary(statuses.Models(), {key: -1})
    assert not AgencySummary.objects.filter(agency=new).exists()


def counts(agency: Agency, role: str = "lead", **by_status: int) -> None:
    for status, n in by_status.items():
        AgencyStatusCount.objects.create(agency=agency, role=role, status=status,
                                         progress=engine.PROGRESS_NOT_STARTED, count=n)


@pytest.fixture
def ties(db: Any) -> list[Agency]:
    """Agencies whose figures tie in every way the ranking breaks ties: the same rate,
    then the same share done, the same overdue, the same work, none due yet, partners
    only; names in an order the ids are not."""
    made = []
    shapes = [
        ("P", "province", {"done": 1, "overdue": 1}),              # 50%
        ("O", "province", {"done": 1, "overdue": 1}),              # 50%, same: by name
        ("N", "ministry", {"done": 2, "overdue": 2}),              # 50%, more overdue
        ("M", "ministry", {"done": 1, "done_late": 1, "overdue": 2}),  # 33%
        ("L", "commune", {"overdue": 2, "done_late": 2}),          # 0%, half done
        ("K", "commune", {"overdue": 2, "in_progress": 3}),        # 0%, 2 overdue
        ("J", "commune", {"overdue": 9}),                          # 0%, 9 overdue
        ("I", "province", {"overdue": 9}),                         # the same: by name
        ("H", "ministry", {"not_started": 4}),                     # nothing due yet
        ("G", "ministry", {"not_started": 4}),                     # the same: by name
        ("F", "commune", {"not_started": 1}),                      # less work
        ("E", "province", {"done": 3}),                            # 100%
    ]
    for name, kind, by_status in shapes:
        agency = Agency.objects.create(registry_id=f"a-{name.lower()}", name=f"Cơ quan {name}",
                                       kind=kind)
        counts(agency, **by_status)
        made.append(agency)
    partner_only = Agency.objects.create(registry_id="a-d", name="Cơ quan D", kind="commune")
    counts(partner_only, "partner", overdue=2)
    made.append(partner_only)
    counts(made[0], "partner", done=5)  # partners do not move the lead ranking
    statuses.summarise_agencies()
    return made


def test_the_stored_ranking_is_the_ranking_the_counts_gave(ties: list[Agency]) -> None:
    agrees()
    assert ids(snapshot.ranked_counts()) == ids(counted_before())
    for _key, (_label, kinds) in lists.LEVELS.items():
        assert ids(snapshot.ranked_counts(kinds)) == ids(counted_before(kinds))
    names = [Agency.objects.get(pk=pk).name[-1] for pk in ids(snapshot.ranked_counts())]
    assert names == ["E", "O", "P", "N", "M", "L", "K", "I", "J", "G", "H", "F", "D"]
    # Python's rule (`rank_key`, the overview's) gives the same order.
    python = [r.agency.pk for r in snapshot.agency_ranking(today())]
    assert ids(snapshot.ranked_counts()) == python
    # A page is a slice of the same order; the count is the agencies with a part.
    ranked = snapshot.ranked_counts()
    assert ids(ranked[2:5]) == ids(counted_before())[2:5]
    assert ranked.count() == len(ties) == counted_before().count()


def test_a_name_is_matched_folded_in_sql(ties: list[Agency], fake_registry: Any) -> None:
    def names(q: str, level: str = "") -> list[str]:
        data = {"q": q, **({"level": level} if level else {})}
        return [row.agency.name for _rank, row in lists.AgencyRanking(data, today())]

    assert names("co quan e") == ["Cơ quan E"]
    assert names("CƠ QUAN") == names("co quan") and len(names("co quan")) == len(ties)
    assert names("quan p", "province") == ["Cơ quan P"]
    assert names("quan p", "central") == []
    # A name the registry changes is matched by its new name.
    agency = Agency.objects.get(registry_id="a-e")
    renamed = type("Entity", (), {"id": "a-e", "name": "Sở Đổi Tên", "kind": "province"})()
    assert agency_for(renamed).pk == agency.pk
    assert Agency.objects.get(pk=agency.pk).folded_name == "so doi ten"
    assert names("so doi") == ["Sở Đổi Tên"]
    assert names("co quan e") == []


def test_an_earlier_day_is_ranked_from_the_history_and_matched_by_folded_name(
        plan: Any, reporter_b: Any, coordinator: Any) -> None:
    with at(2024, 5, 10):
        report = submit_report(part(plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                               percent=100, links=["https://example.vn/bao-cao"])
        review_report(report, coordinator, accept=True)
    with at(2024, 5, 20):
        earlier = lists.AgencyRanking({"q": "uy ban nhan dan"}, date(2024, 5, 5))
        assert earlier.ranked is None  # the history's counts, not the stored figures
        [(rank, row)] = list(earlier)
        assert (rank, row.agency.registry_id, row.rate) == (1, "tinh-b", 0.0)
        now = lists.AgencyRanking({"q": "uy ban nhan dan"}, today())
        [(rank, row)] = list(now)
        assert (rank, row.agency.registry_id, row.rate) == (1, "tinh-b", 0.5)
        assert [r.agency.pk for _n, r in lists.AgencyRanking({}, today())] == [
            r.agency.pk for r in snapshot.agency_ranking(today())]


@pytest.mark.django_db(transaction=True)
def test_two_reviews_of_one_agency_at_once_both_move_its_figures(
        coordinator: Any, reporter_b: Any, small_plan_json: Any, fake_registry: Any) -> None:
    """Two writers of one agency moving different count rows (one part done on time, the
    other done late) take no lock in common until the agency's summary row: the second
    waits there for the first and adds its change to the first's (a sum read again from
    the count rows would be read before the first commits, and lose it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: nothing runs at once")
    with at(2024, 5, 10):
        plan = publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                            on=date(2024, 5, 1), registry=fake_registry)
        on_time = submit_report(part(plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                                percent=100, links=["https://example.vn/a"])
        late = submit_report(part(plan, "I.2", "tinh-b"), reporter_b, status="done",
                             percent=100, links=["https://example.vn/b"])
    errors = write_at_once(lambda: review_report(on_time, coordinator, accept=True),
                           lambda: review_report(late, coordinator, accept=True),
                           (2024, 5, 10))
    assert errors == []
    agrees()
    row = AgencySummary.objects.get(agency__registry_id="tinh-b")
    assert (row.lead_total, row.on_time, row.closed, row.overdue) == (2, 1, 2, 0)
