"""The counts rolled up to the ministries and provinces (`RootStatusCount`, what the national
overview ranks: issue 11) follow every kind of write: after submissions, reviews, the daily
refresh, a deadline change, a correction, a rebuild and a registry change that moves an
agency under another root, they are what rolling the agencies' counts up the registry's
tree gives (`queries.rolled_up_part_counts(..., stored=False)`, the computation the
overview made per request before).

The small plan (tests/conftest_django.py), published on 1 May 2024: Tỉnh B leads III.A.1
(due 30 June 2024) and, in the group, I.2 (due 30 April); Bộ Cũ leads II.1 and is in the
group; Bộ A too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from tests.conftest_django import make_user
from tests.moments import part_of, write_at_once
from tests.moments import travel as at
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    AgencyStatusCount,
    Assignment,
    RootStatusCount,
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
from theodoi.web import snapshot

pytestmark = pytest.mark.django_db


def as_dict(counts: dict[tuple[int, str], queries.Counts]) -> dict[tuple[int, str], dict]:
    return {key: {k: n for k, n in c.pairs.items() if n} for key, c in counts.items()}


def part(plan: Any, code: str, registry_id: str, role: str = "lead") -> Assignment:
    return part_of(plan, code, registry_id, role)


def rolled_up(stored: bool) -> dict[tuple[int, str], dict]:
    return as_dict(queries.rolled_up_part_counts(today(), statuses.ROOT_KINDS, stored=stored))


def agrees() -> dict[tuple[int, str], dict]:
    """The stored roll-up is the computed one (and `check` finds nothing); returns it."""
    stored = rolled_up(True)
    assert stored == rolled_up(False)
    assert statuses.root_problems() == []
    return stored


def figures(registry_id: str, role: str = "lead") -> dict[str, int]:
    agency = Agency.objects.get(registry_id=registry_id)
    found = queries.rolled_up_part_counts(today(), statuses.ROOT_KINDS).get((agency.pk, role))
    return {} if found is None else {s: n for s, n in found.by_status().items() if n}


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    kind: str
    parent: str | None = None


class Tree:
    """A registry of entities with parents (`AgencyMirror` climbs them with `get`)."""

    def __init__(self, *entities: Entity):
        self.by_id = {e.id: e for e in entities}

    def get(self, entity_id: str) -> Entity:
        return self.by_id[entity_id]


BO_A = Entity("bo-a", "Bộ A", "ministry")
TINH_B = Entity("tinh-b", "Ủy ban nhân dân tỉnh B", "province")


def move_old_ministry(kind: str, parent: Entity) -> Agency:
    """The registry now files Bộ Cũ as a unit of `parent` (its mirror follows)."""
    old = Entity("bo-cu", "Bộ Cũ", kind, parent.id)
    return agency_for(old, Tree(old, parent))


@pytest.fixture
def plan(coordinator: Any, small_plan_json: Any, fake_registry: Any) -> Iterator[Any]:
    """The small plan published on 1 May 2024; after the test, `statuses.check()` (which
    compares the roots' counts too) finds nothing to say."""
    with at(2024, 5, 1):
        yield publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                           on=date(2024, 5, 1), registry=fake_registry)
    statuses.ensure_fresh()
    assert statuses.check() == []


def test_publishing_rolls_the_counts_up(plan: Any) -> None:
    stored = agrees()
    roots = {Agency.objects.get(pk=pk).registry_id for pk, _role in stored}
    assert roots == {"bo-a", "tinh-b", "bo-cu"}
    # Its part of I.2 (overdue since 30 April) and III.A.1 (not due).
    assert figures("tinh-b") == {engine.OVERDUE: 1, engine.NOT_STARTED: 1}


def test_the_roll_up_follows_submissions_and_reviews(plan: Any, reporter_b: Any,
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
        review_report(done, coordinator, accept=False, reason="Thiếu minh chứng")
        agrees()
        done = submit_report(row, reporter_b, status="done", percent=100,
                             links=["https://example.vn/bao-cao-2"])
        review_report(done, coordinator, accept=True)
        agrees()
    assert figures("tinh-b") == {engine.OVERDUE: 1, engine.DONE: 1}


def test_the_roll_up_follows_the_daily_refresh_a_deadline_and_a_correction(
        plan: Any, coordinator: Any, small_plan_json: Any, fake_registry: Any) -> None:
    with at(2024, 7, 2):  # III.A.1 overdue since 30 June
        statuses.ensure_fresh()
        agrees()
        assert figures("tinh-b") == {engine.OVERDUE: 2}
        set_task_date(Task.objects.get(plan=plan, code="III.A.1"), date(2024, 9, 30),
                      coordinator, reason="Gia hạn")
        agrees()
        assert figures("tinh-b") == {engine.OVERDUE: 1, engine.NOT_STARTED: 1}
        # Bộ Cũ leads II.1 and is in the group leading I.2: both rows go.
        small_plan_json["tasks"] = [t for t in small_plan_json["tasks"]
                                    if t["code"] not in ("II.1", "I.2")]
        reimport_plan(plan, small_plan_json, coordinator, registry=fake_registry)
        agrees()
        assert figures("bo-cu") == {}


def test_a_registry_change_moves_an_agencys_parts_to_its_new_root(
        plan: Any, coordinator: Any) -> None:
    before = agrees()
    old = Agency.objects.get(registry_id="bo-cu")
    own = figures("bo-cu")
    assert own and (old.pk, "lead") in before
    a_before, b_before = figures("bo-a"), figures("tinh-b")
    # Filed as a unit of Bộ A: its parts count in Bộ A, and it is no root any more.
    move_old_ministry("unit", BO_A)
    moved = agrees()
    assert (old.pk, "lead") not in moved
    assert figures("bo-a") == {s: a_before.get(s, 0) + own.get(s, 0)
                               for s in a_before.keys() | own.keys()}
    # Its writes from now on move Bộ A's counts (the tree as it is now).
    reporter = make_user("reporter-cu", "reporter", old)
    with at(2024, 5, 10):
        report = submit_report(part(plan, "I.2", "bo-cu"), reporter, status="done",
                               percent=100, links=["https://example.vn/cu"])
        review_report(report, coordinator, accept=True)
    agrees()
    assert figures("bo-a").get(engine.DONE_LATE) == 1  # I.2 was due 30 April
    # Then filed under the province (its parent alone changes): Tỉnh B's now.
    move_old_ministry("unit", TINH_B)
    agrees()
    assert figures("bo-a") == a_before
    assert figures("tinh-b").get(engine.DONE_LATE) == 1
    assert figures("tinh-b").get(engine.OVERDUE) == b_before[engine.OVERDUE]
    # The ranking reads the same rows: Tỉnh B's row with Bộ Cũ's work in it.
    [province] = snapshot.level_ranking(today())[snapshot.PROVINCE_LEVEL]
    assert province.agency.registry_id == "tinh-b"
    assert province.counts[engine.DONE_LATE] == 1
    # A kind that is a root again: its own row back.
    move_old_ministry("ministry", TINH_B)
    assert (old.pk, "lead") in agrees()
    assert figures("tinh-b") == b_before and figures("bo-a") == a_before


def test_a_past_days_roll_up_is_stored_and_climbed_again_after_a_registry_change(
        plan: Any) -> None:
    """The national overview of a past date ranks the day's counts rolled up as stored
    (`PastRootCount`, written on the day's first read), the same as climbing the tree;
    a registry change drops them, and they are climbed again in the new tree."""
    from django.db.models import F

    from theodoi.tracking.models import PastCountDay, PastRootCount

    day = date(2024, 5, 20)

    def past(stored: bool) -> dict[tuple[int, str], dict]:
        return as_dict(queries.rolled_up_part_counts(day, statuses.ROOT_KINDS, stored=stored))

    with at(2024, 6, 10):
        first = past(True)
        old = Agency.objects.get(registry_id="bo-cu")
        assert (old.pk, "lead") in first and first == past(False)
        assert PastCountDay.objects.get(day=day).roots_counted
        assert PastRootCount.objects.filter(day=day, root=old).exists()
        # Read from the stored rows (not climbed again): a stored figure shows.
        PastRootCount.objects.filter(day=day, root=old).update(count=F("count") + 5)
        assert past(True) != past(False)
        move_old_ministry("unit", BO_A)
        assert not PastRootCount.objects.exists()
        assert not PastCountDay.objects.filter(roots_counted=True).exists()
        moved = past(True)
        assert moved == past(False) and (old.pk, "lead") not in moved
        assert PastCountDay.objects.get(day=day).roots_counted


def test_the_admin_moving_an_agency_counts_the_roots_again(plan: Any) -> None:
    from django.contrib import admin

    old = Agency.objects.get(registry_id="bo-cu")
    bo_a = Agency.objects.get(registry_id="bo-a")
    own = figures("bo-cu")
    old.parent, old.kind = bo_a, "unit"

    form = type("Form", (), {"changed_data": ["parent", "kind"]})()
    admin.site._registry[Agency].save_model(None, old, form, True)
    agrees()
    assert figures("bo-cu") == {} and own


def test_a_rebuild_writes_the_roll_up_the_writes_left(plan: Any, reporter_b: Any,
                                                      coordinator: Any) -> None:
    with at(2024, 5, 10):
        report = submit_report(part(plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                               percent=100, links=["https://example.vn/bao-cao"])
        review_report(report, coordinator, accept=True)
        written = agrees()
        RootStatusCount.objects.filter(root__registry_id="tinh-b").update(count=7)
        RootStatusCount.objects.filter(root__registry_id="bo-a").delete()
        assert statuses.root_problems() != []
        assert statuses.check() != []
        statuses.rebuild(on=date(2024, 5, 10))
        assert agrees() == written


def test_a_unit_is_rolled_up_at_most_ancestor_steps_up_as_stored(db: Any) -> None:
    province = Agency.objects.create(registry_id="tinh-z", name="Tỉnh Z", kind="province")
    parent, chain = province, []
    for depth in range(1, statuses.ANCESTOR_STEPS + 2):
        parent = Agency.objects.create(registry_id=f"u-{depth}", name=f"U {depth}",
                                       kind="unit", parent=parent)
        chain.append(parent)
    m = statuses.Models()
    # Deltas (a refresh's) and a recount (the registry's, a rebuild's) agree.
    for depth, agency in enumerate(chain, start=1):
        AgencyStatusCount.objects.create(agency=agency, role="lead", status=engine.OVERDUE,
                                         progress=engine.PROGRESS_NOT_STARTED, count=depth)
    statuses._apply_roots(m, {(a.pk, "lead", engine.OVERDUE): d
                              for d, a in enumerate(chain, start=1)})
    # Units 1..5 steps below the province count in it; the one 6 steps below does not.
    stored = agrees()
    assert stored == {(province.pk, "lead"): {
        (engine.OVERDUE, engine.PROGRESS_NOT_STARTED): sum(
            range(1, statuses.ANCESTOR_STEPS + 1))}}
    statuses.recount_roots()
    assert agrees() == stored


@pytest.mark.django_db(transaction=True)
def test_two_reviews_under_one_root_at_once_both_move_its_counts(
        coordinator: Any, reporter_b: Any, small_plan_json: Any, fake_registry: Any) -> None:
    """Two writers of two agencies under one province, each moving its own agency's count
    rows: the second waits on the root's row for the first and adds its change to it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: nothing runs at once")
    with at(2024, 5, 10):
        plan = publish_plan(import_plan(small_plan_json, user=coordinator), user=coordinator,
                            on=date(2024, 5, 1), registry=fake_registry)
        old = move_old_ministry("unit", TINH_B)
        reporter = make_user("reporter-cu", "reporter", old)
        mine = submit_report(part(plan, "III.A.1", "tinh-b"), reporter_b, status="done",
                             percent=100, links=["https://example.vn/a"])
        theirs = submit_report(part(plan, "I.2", "bo-cu"), reporter, status="done",
                               percent=100, links=["https://example.vn/b"])
    errors = write_at_once(lambda: review_report(mine, coordinator, accept=True),
                           lambda: review_report(theirs, coordinator, accept=True),
                           (2024, 5, 10))
    assert errors == []
    with at(2024, 5, 10):
        agrees()
        assert (figures("tinh-b").get(engine.DONE), figures("tinh-b").get(engine.DONE_LATE)
                ) == (1, 1)
