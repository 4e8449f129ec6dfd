"""Which task of a parent plan each task implements, and which tasks are the same work given
twice to one agency: proposed from the texts, decided by a coordinator; and the national
view of a task through every plan that carries it, with its progress rolled up."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import Assignment, Plan, Task, TaskLink, today
from theodoi.tracking.services.plans import parent_plans
from theodoi.tracking.services.registry import default_registry
from theodoi.tracking.similarity import Corpus

# A proposal below this cosine is noise (measured on the corpus's NQ 03 / ministry plans:
# implementing tasks score 0.2-0.6, unrelated ones under 0.1).
PROPOSE_FROM = 0.15
PROPOSALS_PER_TASK = 2
# Two tasks of one agency at or above this cosine are proposed as the same work given twice.
# Measured on the gold plans (tests/tracking/test_duplicates.py): the same task read twice
# scores 1.0; two stages of one work ("Xây dựng Đề án X" / "Tổ chức thực hiện Đề án X")
# score up to 0.70 and are two tasks; above 0.75 only tasks printed (nearly) word for word
# twice remain, which a coordinator confirms or rejects.
DUPLICATE_FROM = 0.75

IMPLEMENTS = TaskLink.Kind.IMPLEMENTS
DUPLICATE = TaskLink.Kind.DUPLICATE


def task_text(task: Task) -> str:
    return " ".join(p for p in (task.name, task.detail, task.result) if p)


@transaction.atomic
def propose_links(plan: Plan, *, user: Any) -> int:
    """Propose, for every counted task of `plan`, the most alike tasks of the plans its
    title says it implements (those in theodoi); decided links are kept as they are.
    Returns how many proposals are new."""
    access.ensure_coordinator(user)
    parents = [found.pk for ref, found in parent_plans(plan) if found and ref.implements]
    if not parents:
        return 0
    candidates = list(Task.objects.counted().filter(plan_id__in=parents).only(
        "pk", "name", "detail", "result"))
    if not candidates:
        return 0
    corpus = Corpus([task_text(t) for t in candidates])
    existing = set(TaskLink.objects.filter(task__plan=plan, kind=IMPLEMENTS).values_list(
        "task_id", "parent_id"))
    new = []
    for task in Task.objects.counted().filter(plan=plan).only("pk", "name", "detail", "result"):
        for index, score in corpus.best(task_text(task), limit=PROPOSALS_PER_TASK):
            parent = candidates[index]
            if score >= PROPOSE_FROM and (task.pk, parent.pk) not in existing:
                new.append(TaskLink(task=task, parent=parent, score=round(score, 3)))
    TaskLink.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def decide_link(link: TaskLink, *, user: Any, confirm: bool) -> TaskLink:
    """A coordinator confirms or rejects a proposed link (who and when are kept)."""
    access.ensure_coordinator(user)
    link.state = TaskLink.State.CONFIRMED if confirm else TaskLink.State.REJECTED
    link.decided_by, link.decided_at = user, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    if link.kind == DUPLICATE:
        _mark_duplicated([link.task_id, link.parent_id])
    return link


def _mark_duplicated(task_ids: list[int]) -> None:
    """`Task.duplicated` again for these tasks, from their confirmed duplicate links."""
    confirmed = TaskLink.objects.filter(kind=DUPLICATE, state=TaskLink.State.CONFIRMED)
    Task.objects.filter(pk__in=task_ids).update(duplicated=Exists(
        confirmed.filter(task=OuterRef("pk"))) | Exists(confirmed.filter(parent=OuterRef("pk"))))


@dataclass
class Carried:
    """A task of a lower plan carrying a national task, with its state today."""

    task: Task
    plan: Plan
    link: TaskLink | None = None  # the confirmed link (who decided it, when)


def carried_by(task: Task) -> list[Carried]:
    """The confirmed tasks implementing `task`, most recent plan first."""
    links = (TaskLink.objects.filter(parent=task, state=TaskLink.State.CONFIRMED,
                                     kind=IMPLEMENTS)
             .select_related("task__plan").order_by("-task__plan__date", "task__plan_id"))
    return [Carried(link.task, link.task.plan, link) for link in links]


def issuer_provinces(plan: Plan, registry: Any) -> set[str]:
    """The registry ids of the provinces answering today for the one a plan was issued in
    (by its people's committee, a department or a commune of it; Cần Thơ of 2024 is the
    merged Cần Thơ now); empty for a central plan or an unknown issuer."""
    if not plan.issuer:
        return set()
    found = registry.resolve(plan.issuer, on=plan.reference_date())
    if found is None or found.is_group:
        return set()
    home = registry.home_province(found.entity.id)
    if home is None:
        return set()
    return {e.id for e in registry.successors(home, today())} or {home}


def not_carried(task: Task, carried: list[Carried], registry: Any) -> list[Any]:
    """The provinces given a part of `task` (lead or partner) whose plans carry it in no
    confirmed task: "chưa cụ thể hóa"."""
    from theodoi.tracking.models import Agency, Assignment

    asked = list(Agency.objects.filter(
        pk__in=Assignment.objects.active().filter(task=task).values("agency_id"),
        kind="province").order_by("name"))
    covered = set().union(*(issuer_provinces(c.plan, registry) for c in carried))
    return [a for a in asked if a.registry_id not in covered]


@dataclass
class RollupGroup:
    """The children of a national task in one ministry or one province."""

    kind: str  # "ministry" (a central plan: grouped by the child's lead) or "province"
    name: str
    count: int = 0
    done: int = 0
    percent_sum: int = 0

    @property
    def percent(self) -> int:
        return round(self.percent_sum / self.count) if self.count else 0


@dataclass
class Rollup:
    """A parent task's progress read from its confirmed children, on the page's date."""

    count: int = 0
    done: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    percent: int = 0  # the children's mean progress: done counts 100, no report 0
    groups: list[RollupGroup] = field(default_factory=list)


def child_percent(task: Task) -> int:
    """How far a child task is, 0-100, from the state the page gave it (`put_state`)."""
    if task.state_status in engine.CLOSED:
        return 100
    return task.state_percent or 0


def rollup(carried: list[Carried], registry: Any) -> Rollup:
    """The roll-up of a parent task from `carried` (its confirmed children, already fetched
    with their states on the page's date, so no query: the page lists them all anyway):
    how many by status, their mean progress, and the same by ministry and by province."""
    out = Rollup(count=len(carried))
    if not carried:
        return out
    counts: dict[str, int] = defaultdict(int)
    groups: dict[tuple[str, str], RollupGroup] = {}
    for c in carried:
        status = c.task.state_status or engine.NOT_STARTED
        counts[status] += 1
        percent = child_percent(c.task)
        out.percent += percent
        key = _group_of(c, registry)
        group = groups.setdefault(key, RollupGroup(*key))
        group.count += 1
        group.percent_sum += percent
        if status in engine.CLOSED:
            group.done += 1
            out.done += 1
    out.percent = round(out.percent / len(carried))
    out.by_status = [(s, counts[s]) for s in engine.STATUSES if counts.get(s)]
    out.groups = sorted(groups.values(), key=lambda g: (g.kind != "ministry", g.name))
    return out


def _group_of(carried: Carried, registry: Any) -> tuple[str, str]:
    """(kind, name): the province a child's plan was issued in, by its name today; for a
    central plan, the ministry leading the child task as printed (else the plan's issuer)."""
    provinces = sorted(issuer_provinces(carried.plan, registry))
    if provinces:
        return ("province", registry.get(provinces[0]).name)
    lead = carried.task.lead[0] if carried.task.lead else carried.plan.issuer
    return ("ministry", lead or "—")


# -- duplicates: the same work given twice to one agency --------------------------------

def _lead_agencies(task_ids: list[int]) -> dict[int, set[int]]:
    """The agencies leading each task (active, named), in one query."""
    out: dict[int, set[int]] = defaultdict(set)
    for task_id, agency_id in Assignment.objects.active().filter(
            task_id__in=task_ids, role=Assignment.LEAD, agency__isnull=False).values_list(
            "task_id", "agency_id"):
        out[task_id].add(agency_id)
    return out


# Spellings of one issuer that the registry may not know (a unit it lacks): "UBND" is how
# plans abbreviate "Ủy ban nhân dân", and "Uỷ" the older placement of the tone mark.
_ISSUER_SPELLINGS = ((re.compile(r"\bubnd\b"), "ủy ban nhân dân"), (re.compile("uỷ"), "ủy"))


def issuer_key(text: str) -> str:
    """A plan's issuer text for comparing: NFC, lower case, spaces collapsed, "UBND" spelt out."""
    key = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    for pattern, spelt in _ISSUER_SPELLINGS:
        key = pattern.sub(spelt, key)
    return key


def same_issuer_texts(plan: Plan, registry: Any) -> list[str]:
    """The issuer texts of stored plans naming the body that issued `plan`: those the
    registry resolves to the same agency on `plan`'s date ("UBND tỉnh X" and "Ủy ban nhân
    dân tỉnh X"), else those equal once normalised (`issuer_key`). Reads the distinct texts
    only, never the plans."""
    on = plan.reference_date()
    own = registry.resolve(plan.issuer, on=on)
    own_id = own.entity.id if own is not None and not own.is_group else None
    own_key = issuer_key(plan.issuer)
    texts = set(Plan.objects.exclude(issuer="").order_by().values_list("issuer", flat=True)
                .distinct())
    out = []
    for text in texts:
        found = registry.resolve(text, on=on) if own_id is not None else None
        if (found is not None and not found.is_group and found.entity.id == own_id) or (
                issuer_key(text) == own_key):
            out.append(text)
    return sorted(out) or [plan.issuer]


@transaction.atomic
def propose_duplicates(plan: Plan, *, user: Any, registry: Any = None) -> int:
    """Propose, for every counted task of `plan`, the tasks of the same plan or of another
    plan of its issuer (as the registry reads the issuer, `same_issuer_texts`) that one of
    its lead agencies also leads, with texts this alike (`DUPLICATE_FROM`); pairs already
    proposed or decided are kept. Returns how many are new."""
    access.ensure_coordinator(user)
    if plan.issuer:
        plans = Plan.objects.filter(issuer__in=same_issuer_texts(
            plan, registry or default_registry()))
    else:
        plans = Plan.objects.filter(pk=plan.pk)
    candidates = list(Task.objects.counted().filter(plan__in=plans).only(
        "pk", "plan_id", "name", "detail", "result"))
    own = [t for t in candidates if t.plan_id == plan.pk]
    if len(candidates) < 2 or not own:
        return 0
    leads = _lead_agencies([t.pk for t in candidates])
    corpus = Corpus([task_text(t) for t in candidates])
    pairs = TaskLink.objects.filter(kind=DUPLICATE).filter(
        task__in=[t.pk for t in own]) | TaskLink.objects.filter(
        kind=DUPLICATE, parent__in=[t.pk for t in own])
    existing = set(pairs.values_list("task_id", "parent_id"))
    new: dict[tuple[int, int], TaskLink] = {}
    for task in own:
        for index, score in corpus.best(task_text(task), limit=PROPOSALS_PER_TASK + 1):
            other = candidates[index]
            if other.pk == task.pk or score < DUPLICATE_FROM:
                continue
            if not leads.get(task.pk, set()) & leads.get(other.pk, set()):
                continue
            pair = (min(task.pk, other.pk), max(task.pk, other.pk))
            if pair not in existing and pair not in new:
                new[pair] = TaskLink(task_id=pair[0], parent_id=pair[1], kind=DUPLICATE,
                                     score=round(score, 3))
    TaskLink.objects.bulk_create(new.values())
    return len(new)


def duplicate_ids(task_id: int) -> list[int]:
    """The ids of the tasks a coordinator confirmed are the same work as task `task_id`."""
    links = TaskLink.objects.filter(kind=DUPLICATE, state=TaskLink.State.CONFIRMED)
    return [b if a == task_id else a for a, b in (links.filter(task_id=task_id) | links.filter(
        parent_id=task_id)).values_list("task_id", "parent_id")]


def duplicates_of(task: Task) -> list[Task]:
    """The tasks a coordinator confirmed are the same work as `task`."""
    ids = duplicate_ids(task.pk)
    return list(Task.objects.filter(pk__in=ids).select_related("plan").order_by("plan_id",
                                                                                "order"))


@dataclass
class Cascade:
    """A task's place in the cascade as one reader may see it: the parent tasks it
    implements, the confirmed tasks below carrying it (with their state on the date), its
    progress rolled up from them, and the provinces asked that have not carried it."""

    implements: list[TaskLink]
    carried: list[Carried]
    not_carried: list[Any]
    rollup: Rollup | None


def cascade_of(task: Task, user: Any, on: Any, registry: Any) -> Cascade:
    """The cascade of `task` for `user` on the date `on`: tasks of plans `user` may not read
    (a draft plan below, for a leader or a reporter) are left out, of the lists and of the
    roll-up alike. The page and the API both show this."""
    from theodoi.tracking import queries
    from theodoi.tracking.services.plans import child_plans

    parents = [link for link in TaskLink.objects.filter(
        task=task, state=TaskLink.State.CONFIRMED, kind=IMPLEMENTS,
    ).select_related("parent__plan").order_by("parent__plan_id", "parent__order")
        if access.can_read(user, link.parent.plan)]
    carried = [c for c in carried_by(task) if access.can_read(user, c.plan)]
    queries.put_state([link.parent for link in parents] + [c.task for c in carried], on)
    # The provinces are listed once some plan implements this one.
    missing = (not_carried(task, carried, registry)
               if carried or child_plans(task.plan).exists() else [])
    return Cascade(parents, carried, missing, rollup(carried, registry) if carried else None)
