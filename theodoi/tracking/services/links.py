"""Which task of a parent plan each task implements: proposed from the texts, decided by a
coordinator; and the national view of a task through every plan that carries it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from theodoi.tracking import access
from theodoi.tracking.models import Plan, Task, TaskLink, today
from theodoi.tracking.services.plans import parent_plans
from theodoi.tracking.similarity import Corpus

# A proposal below this cosine is noise (measured on the corpus's NQ 03 / ministry plans:
# implementing tasks score 0.2-0.6, unrelated ones under 0.1).
PROPOSE_FROM = 0.15
PROPOSALS_PER_TASK = 2


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
    existing = set(TaskLink.objects.filter(task__plan=plan).values_list("task_id", "parent_id"))
    new = []
    for task in Task.objects.counted().filter(plan=plan).only("pk", "name", "detail", "result"):
        for index, score in corpus.best(task_text(task), limit=PROPOSALS_PER_TASK):
            parent = candidates[index]
            if score >= PROPOSE_FROM and (task.pk, parent.pk) not in existing:
                new.append(TaskLink(task=task, parent=parent, score=round(score, 3)))
    TaskLink.objects.bulk_create(new)
    return len(new)


def decide_link(link: TaskLink, *, user: Any, confirm: bool) -> TaskLink:
    """A coordinator confirms or rejects a proposed link (who and when are kept)."""
    access.ensure_coordinator(user)
    link.state = TaskLink.State.CONFIRMED if confirm else TaskLink.State.REJECTED
    link.decided_by, link.decided_at = user, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    return link


@dataclass
class Carried:
    """A task of a lower plan carrying a national task, with its state today."""

    task: Task
    plan: Plan


def carried_by(task: Task) -> list[Carried]:
    """The confirmed tasks implementing `task`, most recent plan first."""
    links = (TaskLink.objects.filter(parent=task, state=TaskLink.State.CONFIRMED)
             .select_related("task__plan").order_by("-task__plan__date", "task__plan_id"))
    return [Carried(link.task, link.task.plan) for link in links]


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
