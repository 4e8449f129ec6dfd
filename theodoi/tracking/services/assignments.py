"""Assignments: printed names to the agencies that answer for them, and a coordinator's
choices for names the registry could not settle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from theodoi.tracking import access
from theodoi.tracking.models import Agency, Assignment, Plan, Task
from theodoi.tracking.services import statuses
from theodoi.tracking.services.registry import AgencyMirror, Registry


class _Resolver:
    """Printed names to the agencies that answer for them, remembered for the whole plan."""

    def __init__(self, registry: Registry, plan: Plan, on: date):
        self.registry = registry
        self.plan_date = plan.reference_date()
        self.on = on
        self.mirror = AgencyMirror(registry)
        self.names: dict[str, Lookup] = {}
        issuer = registry.resolve(plan.issuer, on=self.plan_date) if plan.issuer else None
        self.context = None if issuer is None or issuer.is_group else str(issuer.entity.id)

    def agencies_for(self, printed: str) -> Lookup:
        """The agencies answering for `printed` today (or none and the flag saying why), and
        whether the name is a group ("Các bộ, ngành, địa phương") rather than agencies named."""
        if printed not in self.names:
            self.names[printed] = self._lookup(printed)
        return self.names[printed]

    def _lookup(self, printed: str) -> Lookup:
        resolution = self.registry.resolve(printed, on=self.plan_date, context=self.context)
        if resolution is None:
            return Lookup([], Assignment.Flag.UNKNOWN, False)
        # Groups are expanded as the plan meant them (on its date), then each member is
        # followed through mergers and renames to the agency that answers for it on `on`.
        out: list[Agency] = []
        for member in self.registry.expand(resolution, on=self.plan_date):
            for current in self.registry.expand(member, on=self.on) or [member]:
                agency = self.mirror(current)
                if agency not in out:
                    out.append(agency)
        flag = "" if out else Assignment.Flag.NO_AGENCY
        return Lookup(out, flag, _is_open_group(resolution))


def _is_open_group(resolution: Any) -> bool:
    """Whether a resolved name is a group whose members each do their part (not a printed
    list of named agencies)."""
    if not getattr(resolution, "is_group", False):
        return False
    rule = getattr(getattr(resolution.entity, "group", None), "rule", None)
    return rule != "list"


@dataclass(frozen=True)
class Lookup:
    agencies: list[Agency]
    flag: str
    is_group: bool


@dataclass(frozen=True)
class Wanted:
    """One row a task should have: role, printed name, agency (None: none yet), flag, and
    the printed group it comes from."""

    role: str
    printed: str
    agency: Agency | None
    flag: str
    group: str = ""


def names_of(task: Task, ancestors: Sequence[Task]) -> tuple[list[str], list[str]]:
    """The lead and partner names a task answers with: its own, or (when its cells name no
    lead) those of the nearest heading above it that names one."""
    if task.lead:
        return list(task.lead), list(task.partners)
    for heading in ancestors:
        if heading.lead:
            return list(heading.lead), [*task.partners, *heading.partners]
    return [], list(task.partners)


def _wanted_assignments(
    task: Task, resolver: _Resolver, ancestors: Sequence[Task] = ()
) -> dict[Any, Wanted]:
    """The rows `task` should have, keyed by agency id (or by printed name when no agency):
    a lead wins over a partner, the first printed name over later ones. A group of partners
    is one row; members a coordinator named for it, and agencies a coordinator chose for a
    name, stand beside or instead of the registry's answer."""
    chosen: dict[str, list[Agency]] = {}
    for row in task.assignments.all():
        if row.flag == Assignment.Flag.CHOSEN and row.agency is not None:
            chosen.setdefault(row.printed_name, []).append(row.agency)
    lead, partners = names_of(task, ancestors)
    wanted: dict[Any, Wanted] = {}
    for role, names in ((Assignment.LEAD, lead), (Assignment.PARTNER, partners)):
        for name in names:
            printed = name[:500]
            found = resolver.agencies_for(printed)
            if role == Assignment.PARTNER and found.is_group:
                wanted.setdefault(("?", printed), Wanted(
                    role, printed, None, Assignment.Flag.GROUP, printed))
                for agency in chosen.get(printed, []):
                    wanted.setdefault(agency.pk, Wanted(
                        role, printed, agency, Assignment.Flag.CHOSEN, printed))
                continue
            agencies, flag = found.agencies, found.flag
            if printed in chosen:
                agencies, flag = chosen[printed], Assignment.Flag.CHOSEN
            if not agencies:
                wanted.setdefault(("?", printed), Wanted(role, printed, None, flag))
            group = printed if role == Assignment.LEAD and (
                found.is_group or len(agencies) > 1) else ""
            for agency in agencies:
                wanted.setdefault(agency.pk, Wanted(role, printed, agency, flag, group))
    return wanted


def _ancestors(task: Task, by_code: dict[str, Task]) -> list[Task]:
    """The heading rows above `task`, nearest first ("2.1" -> "2")."""
    code = task.code.split(" (")[0]
    out = []
    while "." in code:
        code = code.rsplit(".", 1)[0]
        if code in by_code:
            out.append(by_code[code])
    return out


def sync_assignments(plan: Plan, registry: Registry, on: date) -> None:
    """Make the active assignments of `plan`'s current tasks match their lead and partners
    (heading rows owe nothing: the rows under them do)."""
    resolver = _Resolver(registry, plan, on)
    tasks = list(plan.tasks.prefetch_related("assignments__agency"))
    by_code = {t.code: t for t in tasks if not t.is_removed}
    create: list[Assignment] = []
    update: list[Assignment] = []
    fields = ("role", "printed_name", "flag", "is_active", "group_name", "plan")
    for task in tasks:
        existing = {
            (a.agency_id if a.agency_id is not None else ("?", a.printed_name)): a
            for a in task.assignments.all()
        }
        if task.is_removed or task.has_children:
            wanted: dict[Any, Wanted] = {}
        else:
            wanted = _wanted_assignments(task, resolver, _ancestors(task, by_code))
        for key, want in wanted.items():
            row = existing.get(key)
            values = (want.role, want.printed, want.flag, True, want.group, plan.pk)
            if row is None:
                create.append(Assignment(
                    task=task, plan=plan, agency=want.agency, role=want.role,
                    printed_name=want.printed, flag=want.flag, group_name=want.group,
                ))
            elif (row.role, row.printed_name, row.flag, row.is_active, row.group_name,
                  row.plan_id) != values:
                row.role, row.printed_name, row.flag = want.role, want.printed, want.flag
                row.is_active, row.group_name, row.plan = True, want.group, plan
                update.append(row)
        for key, row in existing.items():
            if key not in wanted and row.is_active:
                row.is_active = False
                update.append(row)
    Assignment.objects.bulk_create(create, batch_size=500)
    Assignment.objects.bulk_update(update, fields, batch_size=500)


def planned_assignments(plan: Plan, registry: Registry, on: date) -> list[tuple[Task, Wanted]]:
    """The rows publishing `plan` on `on` would make, task by task (what `sync_assignments`
    writes). Reading the names mirrors agencies as `Agency` rows: callers that only want to
    show the result run this inside a savepoint they roll back."""
    resolver = _Resolver(registry, plan, on)
    tasks = list(plan.tasks.prefetch_related("assignments__agency").order_by("order"))
    by_code = {t.code: t for t in tasks if not t.is_removed}
    out: list[tuple[Task, Wanted]] = []
    for task in tasks:
        if task.is_removed or task.has_children:
            continue
        for want in _wanted_assignments(task, resolver, _ancestors(task, by_code)).values():
            out.append((task, want))
    return out


@transaction.atomic
def resolve_assignment(
    assignment: Assignment, agencies: Sequence[Agency], *, user: Any
) -> list[Assignment]:
    """Give a printed name that had no agency (unknown to the registry, or a group with
    nobody to assign) the agencies a coordinator chose; returns their assignments."""
    access.ensure_coordinator(user)
    out = _resolve(assignment, agencies)
    _refreshed(out)
    return out


def _resolve(assignment: Assignment, agencies: Sequence[Agency]) -> list[Assignment]:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("task").get(
        pk=assignment.pk)
    if assignment.agency_id is not None:
        raise ValidationError("this assignment already has an agency")
    if assignment.is_group_partner:
        raise ValidationError("a group of partners is given members by naming them")
    if not agencies:
        raise ValidationError("choose at least one agency")
    task = assignment.task
    taken = {a.agency_id: a for a in task.assignments.filter(agency__in=agencies)}
    group = assignment.printed_name if assignment.is_lead and len(agencies) > 1 else ""
    out: list[Assignment] = []
    first = True
    for agency in agencies:
        if agency.pk in taken:
            out.append(taken[agency.pk])  # it already answers for the task
            continue
        if first and not assignment.reports.exists():
            assignment.agency, assignment.flag = agency, Assignment.Flag.CHOSEN
            assignment.group_name = group
            assignment.save(update_fields=["agency", "flag", "group_name"])
            out.append(assignment)
        else:
            out.append(Assignment.objects.create(
                task=task, plan_id=task.plan_id, agency=agency, role=assignment.role,
                printed_name=assignment.printed_name, flag=Assignment.Flag.CHOSEN,
                group_name=group,
            ))
        first = False
    if assignment.agency_id is None:
        # The name is settled: keep the row (and any report on it) out of the way.
        assignment.is_active = False
        assignment.save(update_fields=["is_active"])
    return out


def _refreshed(rows: Sequence[Assignment]) -> None:
    """Judge new or changed rows from the start and count their plans and agencies again."""
    statuses.refresh_assignments([a.pk for a in rows], since=statuses.EPOCH, recount=True)
    statuses.recount_plans({a.plan_id for a in rows if a.plan_id})


@transaction.atomic
def resolve_printed_name(
    plan: Plan, printed_name: str, agencies: Sequence[Agency], *, user: Any
) -> list[Assignment]:
    """`resolve_assignment` for every task of `plan` where `printed_name` gave no agency."""
    access.ensure_coordinator(user)
    rows = Assignment.objects.unresolved().filter(task__plan=plan, printed_name=printed_name)
    out: list[Assignment] = []
    for row in rows:
        out.extend(_resolve(row, agencies))
    _refreshed(out)
    return out


@transaction.atomic
def name_group_members(
    assignment: Assignment, agencies: Sequence[Agency], *, user: Any
) -> list[Assignment]:
    """Name the members of a group of partners ("các bộ, ngành, địa phương" phối hợp) that
    really owe a contribution; the group stays listed once beside them."""
    access.ensure_coordinator(user)
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("task").get(
        pk=assignment.pk)
    if not assignment.is_group_partner:
        raise ValidationError("only a group of partners is given members this way")
    if not agencies:
        raise ValidationError("choose at least one agency")
    task = assignment.task
    taken = {a.agency_id: a for a in task.assignments.filter(agency__in=agencies)}
    out: list[Assignment] = []
    for agency in agencies:
        row = taken.get(agency.pk)
        if row is None:
            row = Assignment.objects.create(
                task=task, plan_id=task.plan_id, agency=agency, role=Assignment.PARTNER,
                printed_name=assignment.printed_name, flag=Assignment.Flag.CHOSEN,
                group_name=assignment.printed_name,
            )
        elif not row.is_active:
            row.is_active = True
            row.save(update_fields=["is_active"])
        out.append(row)
    _refreshed(out)
    return out
