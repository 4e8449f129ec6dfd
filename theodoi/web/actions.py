"""Page actions that take more than one tracking service, each in one transaction.

Views call one function: a service of `theodoi.tracking.services` or one of these.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from theodoi.extract.deadlines import parse_deadline
from theodoi.tracking import access, services
from theodoi.tracking.models import Plan, Task
from theodoi.web.models import PlanImport

CELLS = ("name", "detail", "result", "deadline")


def corrected_plan_json(plan: Plan, task: Task, cells: dict[str, Any]) -> dict[str, Any]:
    """The plan's plan-json with one task's cells replaced (its deadline read again)."""
    data = copy.deepcopy(plan.plan_json)
    entries = data.get("tasks", [])
    if not 0 <= task.order < len(entries):
        raise ValidationError("the task is not in the plan's document")
    entry = entries[task.order]
    for name in CELLS:
        if name in cells:
            entry[name] = cells[name].strip() or None
    for name in ("lead", "partners"):
        if name in cells:
            entry[name] = [n.strip() for n in cells[name] if n.strip()]
    if "deadline" in cells:
        year = (data.get("plan") or {}).get("year") or plan.year
        entry["due"] = parse_deadline(entry["deadline"], year).to_json()
    return data


@transaction.atomic
def correct_task(task: Task, cells: dict[str, Any], user: Any) -> None:
    """A coordinator's correction of one task's cells on a draft plan (a re-import of the
    plan's own document with the cells changed, so the deadline history records it)."""
    plan = access.access_plan_for_edit(user, task.plan_id)
    if plan.is_published:
        raise ValidationError("a published plan is corrected by importing a corrected version")
    services.reimport_plan(plan, corrected_plan_json(plan, task, cells), user)
    for record in PlanImport.objects.filter(plan=plan, kind=PlanImport.Kind.NEW):
        if task.code in record.uncertain:
            record.uncertain = [c for c in record.uncertain if c != task.code]
            record.save(update_fields=["uncertain"])


@transaction.atomic
def choose_agencies(
    plan: Plan, printed_name: str, registry_ids: Sequence[str], user: Any, registry: Any
) -> None:
    """Agencies a coordinator chose for a printed name the registry could not place: given
    at once on a published plan, remembered until publishing on a draft."""
    access.ensure_coordinator(user)
    if plan.is_published:
        agencies = [services.agency_for(registry.get(i), registry) for i in registry_ids]
        services.resolve_printed_name(plan, printed_name, agencies, user=user)
        return
    record = PlanImport.objects.filter(plan=plan, kind=PlanImport.Kind.NEW).first()
    if record is None:
        record = PlanImport.objects.create(plan=plan, kind=PlanImport.Kind.NEW, created_by=user)
    record.choices = {**record.choices, printed_name: list(registry_ids)}
    record.save(update_fields=["choices"])


@transaction.atomic
def publish(plan: Plan, user: Any, registry: Any) -> Plan:
    """Publish a reviewed draft, then give the names the coordinator chose agencies for."""
    plan = services.publish_plan(plan, user=user, registry=registry)
    record = PlanImport.objects.filter(plan=plan, kind=PlanImport.Kind.NEW).first()
    if record is not None:
        for printed, ids in record.choices.items():
            agencies = [services.agency_for(registry.get(i), registry) for i in ids]
            services.resolve_printed_name(plan, printed, agencies, user=user)
        record.applied_at = timezone.now()
        record.save(update_fields=["applied_at"])
    return plan


@transaction.atomic
def apply_correction(record: PlanImport, user: Any, registry: Any) -> services.PlanDiff:
    """Bring the plan up to the corrected version held by `record`, reports kept."""
    from theodoi.web.imports import correction_files

    plan = access.access_plan_for_edit(user, record.plan_id)
    if record.applied_at is not None:
        raise ValidationError("this corrected version was already applied")
    files = correction_files(record)
    try:
        diff = services.reimport_plan(plan, record.plan_json, user, files=files,
                                      registry=registry)
    finally:
        for f in files:
            f.close()
    record.applied_at = timezone.now()
    record.save(update_fields=["applied_at"])
    return diff
