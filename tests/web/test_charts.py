"""The overview's pictures answer a leader's questions: due against done by month, sections
by name, ministries and provinces ranked apart, the 34 provinces at a glance."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.web.test_as_of import finished_in_june  # noqa: F401 - the shared fixture
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, AgencyStatusCount, Plan, today
from theodoi.tracking.queries import Counts
from theodoi.tracking.services import statuses
from theodoi.web import province_grid, snapshot


@pytest.fixture
def small_plan_json(small_plan_json: dict[str, Any]) -> dict[str, Any]:
    small_plan_json["sections"] = [
        {"code": "I", "title": "Công tác chỉ đạo, điều hành"},
        {"code": "II", "title": "Phát triển doanh nghiệp công nghệ số"},
        {"code": "III", "title": "Đo lường, đánh giá"},
    ]
    return small_plan_json


@pytest.mark.django_db
def test_due_and_done_month_by_month_with_no_month_skipped(finished_in_june: Any) -> None:  # noqa: F811
    plans = [finished_in_june.plan_id]
    months = queries.due_and_done_by_month(plans, date(2024, 7, 1))
    # I.2 is due 30/04 and never done; III.A.1 due and done in June; the periodic,
    # ongoing and per-plan rows have no month.
    assert months == [
        ("2024-04", 1, 0, 1, 0),
        ("2024-05", 0, 0, 1, 0),
        ("2024-06", 1, 1, 2, 1),
        ("2024-07", 0, 0, 2, 1),
    ]
    # Before the report, June shows due but nothing done; the month of `as_of` is the last
    # when nothing falls due after it.
    assert queries.due_and_done_by_month(plans, date(2024, 6, 10))[-1] == (
        "2024-06", 1, 0, 2, 0)


@pytest.mark.django_db
def test_the_chart_looks_ahead_only_months_ahead(published_plan: Any) -> None:
    # Six months ahead of 15/10/2023 reach April 2024 (I.2) but not June (III.A.1).
    assert queries.MONTHS_AHEAD == 6
    months = queries.due_and_done_by_month([published_plan.pk], date(2023, 10, 15))
    assert months == [("2024-04", 1, 0, 1, 0)]
    months = queries.due_and_done_by_month([published_plan.pk], date(2024, 3, 15))
    assert [m for m, *_ in months] == ["2024-04", "2024-05", "2024-06"]


@pytest.mark.django_db
def test_the_chart_counts_the_chosen_published_plans_whether_named_or_left_out(
        published_plan: Any, small_plan_json: dict[str, Any], coordinator: Any,
        fake_registry: Any) -> None:
    from theodoi.tracking.services import import_plan, publish_plan

    # Most plans chosen: the query names the plans left out (a draft, another published
    # one) instead of the chosen ones; their tasks must stay out all the same.
    def another(number: str) -> Plan:
        return import_plan({**copy.deepcopy(small_plan_json), "number": number},
                           user=coordinator)

    more = [publish_plan(another(f"{n}/KH"), user=coordinator, on=date(2024, 5, 1),
                         registry=fake_registry) for n in (2, 3, 4)]
    another("5/KH")  # a draft: never counted
    one = queries.due_and_done_by_month([published_plan.pk], date(2023, 10, 15))
    assert one == [("2024-04", 1, 0, 1, 0)]
    # Three of five chosen: the two left out (the fourth, the draft) named.
    three = queries.due_and_done_by_month([published_plan.pk, more[0].pk, more[1].pk],
                                          date(2023, 10, 15))
    assert three == [("2024-04", 3, 0, 3, 0)]
    every = queries.due_and_done_by_month(Plan.objects.all(), date(2023, 10, 15))
    assert every == [("2024-04", 4, 0, 4, 0)]
    assert queries.due_and_done_by_month([], date(2023, 10, 15)) == []


@pytest.mark.django_db
def test_a_unit_is_rolled_up_at_most_ancestor_steps_up() -> None:
    province = Agency.objects.create(registry_id="tinh-z", name="Tỉnh Z", kind="province")
    parent, chain = province, []
    for depth in range(1, queries.ANCESTOR_STEPS + 2):
        parent = Agency.objects.create(registry_id=f"u-{depth}", name=f"U {depth}",
                                       kind="unit", parent=parent)
        chain.append(parent)
        AgencyStatusCount.objects.create(agency=parent, role="lead", status=engine.OVERDUE,
                                         progress=engine.PROGRESS_NOT_STARTED, count=depth)
    counts = queries.rolled_up_part_counts(today(), ("province",))
    # Units 1..5 steps below the province count in it; the one 6 steps below does not.
    assert list(counts) == [(province.pk, "lead")]
    assert counts[(province.pk, "lead")].status(engine.OVERDUE) == sum(
        range(1, queries.ANCESTOR_STEPS + 1))


def _row(name: str, **counts: int) -> snapshot.AgencyRow:
    agency = Agency(name=name, kind="province", registry_id=name)
    found = Counts()
    for status, n in counts.items():
        found.add(status, None, n)
    return snapshot.AgencyRow(agency, snapshot.status_counts(found), found.on_time_rate)


def test_ties_at_the_same_rate_are_broken_by_work_done_then_fewer_overdue() -> None:
    rows = [
        _row("Huế", overdue=9),      # 0%, nothing done, 9 overdue
        _row("Hà Nội", overdue=9),   # the same: alphabetical as Vietnamese reads (Hà < Huế)
        _row("B", overdue=2, in_progress=3),       # 0%, 2 overdue
        _row("C", overdue=2, done_late=2),         # 0% on time, but half of it done
        _row("D", done=1, overdue=1),              # 50%
        _row("E", not_started=4),                  # nothing due yet
    ]
    rows.sort(key=snapshot.rank_key)
    assert [r.agency.name for r in rows] == ["D", "C", "B", "Hà Nội", "Huế", "E"]


@pytest.mark.django_db
def test_ministries_and_provinces_are_ranked_apart_with_their_units_rolled_up() -> None:
    ministry = Agency.objects.create(registry_id="bo-x", name="Bộ X", kind="ministry")
    unit = Agency.objects.create(registry_id="cuc-y", name="Cục Y", kind="unit",
                                 parent=ministry)
    province = Agency.objects.create(registry_id="tinh-z", name="Ủy ban nhân dân tỉnh Z",
                                     kind="province")
    department = Agency.objects.create(registry_id="so-z", name="Sở Z", kind="province_unit",
                                       parent=province)
    office = Agency.objects.create(registry_id="vp-so-z", name="Văn phòng Sở Z",
                                   kind="unit", parent=department)
    orphan = Agency.objects.create(registry_id="to-x", name="Tổ X", kind="unit")
    # Today's stored counts (what the national overview reads), progress split as stored.
    for agency, role, status, progress, n in (
        (unit, "lead", engine.DONE, engine.PROGRESS_DONE, 3),
        (department, "lead", engine.OVERDUE, engine.PROGRESS_NOT_STARTED, 1),
        (department, "lead", engine.OVERDUE, engine.PROGRESS_IN_PROGRESS, 1),
        (office, "lead", engine.DONE, engine.PROGRESS_DONE, 2),
        (province, "partner", engine.IN_PROGRESS, engine.PROGRESS_IN_PROGRESS, 1),
        (orphan, "lead", engine.OVERDUE, engine.PROGRESS_NOT_STARTED, 4),
    ):
        AgencyStatusCount.objects.create(agency=agency, role=role, status=status,
                                         progress=progress, count=n)
    # Written here, not by the statuses service: rolled up to the roots as it would.
    statuses.recount_roots()
    levels = snapshot.level_ranking(today())
    [central] = levels[snapshot.CENTRAL_LEVEL]
    [local] = levels[snapshot.PROVINCE_LEVEL]
    assert central.agency == ministry and central.counts[engine.DONE] == 3
    assert local.agency == province
    assert (local.counts[engine.OVERDUE], local.counts[engine.DONE]) == (2, 2)
    assert local.rate_percent == 50 and local.partner_total == 1


@pytest.mark.django_db
def test_the_roll_up_reads_a_row_per_ministry_or_province_not_per_unit(
        django_assert_num_queries: Any) -> None:
    province = Agency.objects.create(registry_id="tinh-z", name="Tỉnh Z", kind="province")
    for i in range(30):
        unit = Agency.objects.create(registry_id=f"xa-{i}", name=f"Xã {i}", kind="commune",
                                     parent=province)
        AgencyStatusCount.objects.create(agency=unit, role="lead", status=engine.OVERDUE,
                                         progress=engine.PROGRESS_NOT_STARTED, count=1)
    counts = queries.rolled_up_part_counts(today(), ("province",))
    assert list(counts) == [(province.pk, "lead")]
    assert counts[(province.pk, "lead")].status(engine.OVERDUE) == 30
    statuses.recount_roots()  # (the rows were written here, not by the service)
    with django_assert_num_queries(2):  # the counts summed, and the ranked agencies
        snapshot.level_ranking(today())


def test_the_national_overview_keeps_the_sections_of_the_newest_whole_plans() -> None:
    def plan(pk: int, day: int) -> Plan:
        return Plan(pk=pk, number=f"{pk}/KH", date=date(2026, 1, day))

    def rows(p: Plan, n: int) -> list[snapshot.SectionRow]:
        return [snapshot.SectionRow(p, f"S{i}", "", {}) for i in range(n)]

    old, middle, new = plan(1, 1), plan(2, 2), plan(3, 3)
    every = rows(old, 3) + rows(middle, 3) + rows(new, 2)
    kept = snapshot.newest_sections(every, limit=5)
    # The newest plans that fit whole, in the page's order (oldest first); not a part of
    # the oldest.
    assert [(r.plan.pk, r.code) for r in kept] == [
        (2, "S0"), (2, "S1"), (2, "S2"), (3, "S0"), (3, "S1")]
    # A plan alone larger than the bound is cut at it.
    assert len(snapshot.newest_sections(rows(new, 40), limit=24)) == 24
    assert snapshot.newest_sections([], limit=5) == []


@pytest.mark.django_db
def test_the_national_overview_lists_at_most_the_bound_of_sections_and_links_to_all_plans(
        as_leader: Any, published_plan: Any, monkeypatch: Any) -> None:
    page = as_leader.get(reverse("web:overview"))
    assert len(page.context["view"].sections) == 3
    monkeypatch.setattr(snapshot, "OVERVIEW_SECTIONS", 2)
    page = as_leader.get(reverse("web:overview"))
    assert len(page.context["view"].sections) == 2
    html = page.content.decode()
    assert f'href="{reverse("web:plans")}"' in html
    # One plan's overview lists every section of the plan.
    page = as_leader.get(reverse("web:overview") + f"?plan={published_plan.pk}")
    assert len(page.context["view"].sections) == 3


def test_the_grid_holds_the_34_provinces_of_the_registry_each_in_its_own_place() -> None:
    from theodoi.registry import load_registry

    registry = load_registry()
    provinces = {e.id: e.name for e in registry.expand("group-ubnd-tinh", on=date(2026, 12, 1))}
    assert set(province_grid.TILES) == set(provinces)
    assert {rid: name for rid, (name, _r, _c) in province_grid.TILES.items()} == provinces
    places = [(r, c) for _n, r, c in province_grid.TILES.values()]
    assert len(set(places)) == 34 and all(0 <= c < 5 for _r, c in places)


def test_rate_bands() -> None:
    assert [province_grid.band(p) for p in (None, 0, 49, 50, 79, 80, 100)] == [
        "none", "low", "low", "mid", "mid", "high", "high"]


@pytest.mark.django_db
def test_the_overview_shows_the_pictures(as_leader: Any, finished_in_june: Any) -> None:  # noqa: F811
    page = as_leader.get(reverse("web:overview") + "?as_of=2024-07-01")
    assert page.status_code == 200
    chart = page.context["chart"]
    assert chart["due"] == [1, 0, 1, 0] and chart["done_total"] == [0, 0, 1, 1]
    assert chart["labels"][0] != "2024-04"  # as people write it, not the key
    levels = dict(page.context["ranking_levels"])
    names = {title: {r.agency.name for r in rows} for title, rows in levels.items()}
    # Bộ Cũ answered in 2024, before it merged into Bộ A.
    assert names == {"Xếp hạng bộ, ngành": {"Bộ A", "Bộ Cũ"},
                     "Xếp hạng tỉnh, thành phố": {"Ủy ban nhân dân tỉnh B"}}
    assert len(page.context["tiles"]) == 34
    sections = page.context["section_chart"]
    assert sections["labels"] == ["1/QĐ-TEST · I. Công tác chỉ đạo, điều hành",
                                  "1/QĐ-TEST · II. Phát triển doanh nghiệp công nghệ số",
                                  "1/QĐ-TEST · III. Đo lường, đánh giá"]
    html = page.content.decode()
    assert html.count('class="tile band-') == 34
    data = json.loads(html.split('id="sections-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert sum(map(sum, data["values"])) == page.context["view"].total


@pytest.mark.django_db
def test_a_province_tile_links_to_the_province_with_its_rate(as_leader: Any) -> None:
    can_tho = Agency.objects.create(registry_id="tp-can-tho-2025", name="Ủy ban nhân dân "
                                    "thành phố Cần Thơ", kind="province")
    row = snapshot.AgencyRow(can_tho, {engine.DONE: 3, engine.OVERDUE: 1}, 0.75)
    [tile] = [t for t in province_grid.tiles([row]) if t.agency]
    assert (tile.rate_percent, tile.band, tile.overdue, tile.short_name) == (
        75, "mid", 1, "Cần Thơ")
    blank = next(t for t in province_grid.tiles([]) if t.registry_id == "tp-ha-noi")
    assert (blank.band, blank.short_name) == ("none", "Hà Nội")
