"""Every write of the tracking application, one `do`-style function per action.

Each function runs in one transaction, checks who may act through `access.py`, and leaves
the database consistent: views and the API only validate input and call one of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from theodoi.extract.model import Plan as PlanDoc
from theodoi.extract.model import Task as TaskDoc
from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    Assignment,
    DeadlineChange,
    EvidenceFile,
    Plan,
    PlanFile,
    ProgressReport,
    Section,
    Target,
    TargetValue,
    Task,
    section_code,
)

# -- the registry, as the tracking application uses it --------------------------------


class Registry(Protocol):
    """What publishing needs from `theodoi.registry.Registry`."""

    def resolve(self, name: str, on: date | None = ..., context: str | None = ...) -> Any: ...

    def expand(self, group_or_entity: Any, on: date | None = ...) -> list[Any]: ...


def default_registry() -> Registry:
    """The agency registry shipped with theodoi."""
    from theodoi.registry import load_registry

    return load_registry()


class AgencyMirror:
    """Agency rows for registry entities, created (or renamed) on demand, with their parents."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry
        self.cache: dict[str, Agency] = {}

    def __call__(self, entity: Any) -> Agency:
        registry_id = str(entity.id)
        if registry_id in self.cache:
            return self.cache[registry_id]
        name = str(getattr(entity, "name", registry_id))
        kind = str(getattr(entity, "kind", "") or "")
        parent = self._parent(entity)
        agency, created = Agency.objects.get_or_create(
            registry_id=registry_id, defaults={"name": name, "kind": kind, "parent": parent}
        )
        if not created and (agency.name, agency.kind, agency.parent_id) != (
            name, kind, parent.pk if parent else None
        ):
            agency.name, agency.kind, agency.parent = name, kind, parent
            agency.save(update_fields=["name", "kind", "parent"])
        self.cache[registry_id] = agency
        return agency

    def _parent(self, entity: Any) -> Agency | None:
        parent_id = getattr(entity, "parent", None)
        lookup = getattr(self.registry, "get", None)
        if not parent_id or lookup is None or parent_id == getattr(entity, "id", None):
            return None
        try:
            return self(lookup(parent_id))
        except KeyError:
            return None


def agency_for(entity: Any, registry: Registry | None = None) -> Agency:
    """The Agency row mirroring a registry entity, created (or renamed) on demand."""
    return AgencyMirror(registry)(entity)


# -- plan-json to rows ------------------------------------------------------------------


def _iso(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def task_fields(doc: TaskDoc) -> dict[str, Any]:
    """The Task model's fields for one plan-json task."""
    due = doc.due
    return {
        "name": _text(doc.name),
        "detail": _text(doc.detail),
        "result": _text(doc.result),
        "deadline": _text(doc.deadline),
        "due_kind": due.kind if due.kind in engine.DATED_KINDS | engine.WAITING_KINDS
        | engine.PERIODIC_KINDS else "none",
        "due_on": _iso(due.on),
        "due_from": _iso(due.start),
        "due_every": _text(due.every),
        "due_text": _text(due.text),
        "due_steps": [s.to_json() for s in due.steps],
        "lead": [str(x) for x in doc.lead],
        "partners": [str(x) for x in doc.partners],
    }


def task_to_plan_json(task: Task) -> dict[str, Any]:
    """A stored task back in plan-json form (cells as printed, empty cells as null)."""
    due: dict[str, Any] = {"kind": task.due_kind}
    if task.due_from:
        due["from"] = task.due_from.isoformat()
    if task.due_on:
        due["on"] = task.due_on.isoformat()
    if task.due_every:
        due["every"] = task.due_every
    if task.due_text:
        due["text"] = task.due_text
    if task.due_steps:
        due["steps"] = list(task.due_steps)
    return {
        "code": task.code,
        "name": task.name or None,
        "detail": task.detail or None,
        "result": task.result or None,
        "deadline": task.deadline or None,
        "due": due,
        "lead": list(task.lead),
        "partners": list(task.partners),
    }


def _unique_codes(tasks: Sequence[TaskDoc]) -> list[str]:
    """The tasks' codes, a repeated code getting " (2)", " (3)" ... so that none is lost."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for doc in tasks:
        code = doc.code.strip()
        seen[code] = seen.get(code, 0) + 1
        out.append(code if seen[code] == 1 else f"{code} ({seen[code]})")
    return out


def _parse(plan_json: dict[str, Any]) -> PlanDoc:
    if not isinstance(plan_json, dict) or not isinstance(plan_json.get("tasks", []), list):
        raise ValidationError("not a plan-json document")
    fmt = plan_json.get("format")
    if fmt is not None and not str(fmt).startswith("plan-json/"):
        raise ValidationError(f"unknown plan format: {fmt}")
    try:
        return PlanDoc.from_json(plan_json)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(f"not a plan-json document: {exc}") from exc


def _plan_fields(doc: PlanDoc) -> dict[str, Any]:
    meta = doc.meta
    year = meta.year
    if not isinstance(year, int):
        year = None
    return {
        "number": _text(meta.number),
        "date": _iso(meta.date),
        "issuer": _text(meta.issuer),
        "title": _text(meta.title),
        "year": year,
        "signer": _text(meta.signer),
        "source": _text(doc.source),
    }


class _Sections:
    """The plan's sections by code, created the first time a task code needs one."""

    def __init__(self, plan: Plan, headings: dict[str, str]):
        self.plan = plan
        self.headings = headings
        self.by_code = {s.code: s for s in plan.sections.all()}
        self.order = max((s.order for s in self.by_code.values()), default=-1) + 1

    def get(self, code: str) -> Section:
        if code in self.by_code:
            return self.by_code[code]
        parent = self.get(code.rsplit(".", 1)[0]) if "." in code else None
        section = Section.objects.create(
            plan=self.plan, code=code, title=self.headings.get(code, ""), parent=parent,
            order=self.order,
        )
        self.order += 1
        self.by_code[code] = section
        return section


def _write_files(plan: Plan, files: Iterable[File], user: Any) -> None:
    for upload in files:
        name = PurePath(upload.name or "plan").name
        PlanFile.objects.create(plan=plan, file=upload, name=name, uploaded_by=user)


def _write_targets(plan: Plan, doc: PlanDoc) -> None:
    """Targets matched by text: new ones added, changed goals updated, unused ones dropped."""
    existing = {t.text: t for t in plan.targets.all()}
    keep: set[int] = set()
    for order, target in enumerate(doc.targets):
        goal, unit = _decimal(target.value), _text(target.unit)
        row = existing.get(target.text)
        if row is None:
            row = Target.objects.create(
                plan=plan, order=order, text=target.text, goal=goal, unit=unit
            )
        elif (row.order, row.goal, row.unit) != (order, goal, unit):
            row.order, row.goal, row.unit = order, goal, unit
            row.save(update_fields=["order", "goal", "unit"])
        keep.add(row.pk)
    # A target that disappeared but already has values is kept with its history.
    for row in existing.values():
        if row.pk not in keep and not row.values.exists() and not row.reports.exists():
            row.delete()


# -- import and publish -----------------------------------------------------------------


@transaction.atomic
def import_plan(plan_json: dict[str, Any], *, files: Iterable[File] = (), user: Any) -> Plan:
    """A new draft plan holding every task and target of `plan_json`, and its source files."""
    access.ensure_coordinator(user)
    doc = _parse(plan_json)
    plan = Plan.objects.create(**_plan_fields(doc), plan_json=plan_json, created_by=user)
    _write_files(plan, files, user)
    codes = _unique_codes(doc.tasks)
    sections = _Sections(plan, {c: _text(d.name) for c, d in zip(codes, doc.tasks, strict=True)})
    Task.objects.bulk_create([
        _new_task(plan, code, order, task_doc, sections)
        for order, (code, task_doc) in enumerate(zip(codes, doc.tasks, strict=True))
    ])
    _write_targets(plan, doc)
    return plan


def _new_task(plan: Plan, code: str, order: int, doc: TaskDoc, sections: _Sections) -> Task:
    task = Task(plan=plan, code=code, order=order, section=sections.get(section_code(code)),
                **task_fields(doc))
    task.search = task.folded_text()  # bulk_create does not call save()
    return task


class _Resolver:
    """Printed names to the agencies that answer for them, remembered for the whole plan."""

    def __init__(self, registry: Registry, plan: Plan, on: date):
        self.registry = registry
        self.plan_date = plan.reference_date()
        self.on = on
        self.mirror = AgencyMirror(registry)
        self.names: dict[str, tuple[list[Agency], str]] = {}
        issuer = registry.resolve(plan.issuer, on=self.plan_date) if plan.issuer else None
        self.context = None if issuer is None or issuer.is_group else str(issuer.entity.id)

    def agencies_for(self, printed: str) -> tuple[list[Agency], str]:
        """The agencies answering for `printed` today, or none and the flag saying why."""
        if printed not in self.names:
            self.names[printed] = self._lookup(printed)
        return self.names[printed]

    def _lookup(self, printed: str) -> tuple[list[Agency], str]:
        resolution = self.registry.resolve(printed, on=self.plan_date, context=self.context)
        if resolution is None:
            return [], Assignment.Flag.UNKNOWN
        # Groups are expanded as the plan meant them (on its date), then each member is
        # followed through mergers and renames to the agency that answers for it on `on`.
        out: list[Agency] = []
        for member in self.registry.expand(resolution, on=self.plan_date):
            for current in self.registry.expand(member, on=self.on) or [member]:
                agency = self.mirror(current)
                if agency not in out:
                    out.append(agency)
        return out, ("" if out else Assignment.Flag.NO_AGENCY)


Wanted = dict[Any, tuple[str, str, Agency | None, str]]


def _wanted_assignments(task: Task, resolver: _Resolver) -> Wanted:
    """(role, printed name, agency, flag) per agency id, or per printed name that gives no
    agency; a lead wins over a partner, the first printed name over later ones. Agencies a
    coordinator chose for a printed name stand instead of the registry's answer."""
    chosen: dict[str, list[Agency]] = {}
    for row in task.assignments.all():
        if row.flag == Assignment.Flag.CHOSEN and row.agency is not None:
            chosen.setdefault(row.printed_name, []).append(row.agency)
    wanted: Wanted = {}
    for role, names in ((Assignment.LEAD, task.lead), (Assignment.PARTNER, task.partners)):
        for printed in names:
            if printed[:500] in chosen:
                agencies, flag = chosen[printed[:500]], Assignment.Flag.CHOSEN
            else:
                agencies, flag = resolver.agencies_for(printed)
            if not agencies:
                wanted.setdefault(("?", printed[:500]), (role, printed[:500], None, flag))
            for agency in agencies:
                wanted.setdefault(agency.pk, (role, printed[:500], agency, flag))
    return wanted


def _sync_assignments(plan: Plan, registry: Registry, on: date) -> None:
    """Make the active assignments of `plan`'s current tasks match their lead and partners."""
    resolver = _Resolver(registry, plan, on)
    tasks = list(plan.tasks.prefetch_related("assignments__agency"))
    create: list[Assignment] = []
    update: list[Assignment] = []
    fields = ("role", "printed_name", "flag", "is_active")
    for task in tasks:
        existing = {
            (a.agency_id if a.agency_id is not None else ("?", a.printed_name)): a
            for a in task.assignments.all()
        }
        wanted = {} if task.is_removed else _wanted_assignments(task, resolver)
        for key, (role, printed, agency, flag) in wanted.items():
            row = existing.get(key)
            if row is None:
                create.append(Assignment(
                    task=task, agency=agency, role=role, printed_name=printed, flag=flag
                ))
            elif tuple(getattr(row, f) for f in fields) != (role, printed, flag, True):
                row.role, row.printed_name, row.flag, row.is_active = role, printed, flag, True
                update.append(row)
        for key, row in existing.items():
            if key not in wanted and row.is_active:
                row.is_active = False
                update.append(row)
    Assignment.objects.bulk_create(create, batch_size=500)
    Assignment.objects.bulk_update(update, fields, batch_size=500)


@transaction.atomic
def publish_plan(
    plan: Plan, *, user: Any, on: date | None = None, registry: Registry | None = None
) -> Plan:
    """Publish a draft plan: one assignment per task per lead or partner agency.

    Group names ("Các bộ, ngành, địa phương") are expanded on the plan's date and every
    agency is re-mapped to its successor on `on` (today by default); the printed name is
    kept on each assignment, and a name the registry does not know becomes an assignment
    without an agency, flagged for a coordinator instead of being dropped.
    """
    access.ensure_coordinator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise ValidationError("this plan is already published")
    _sync_assignments(plan, registry or default_registry(), on or timezone.localdate())
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["status", "published_at", "published_by"])
    return plan


@transaction.atomic
def resolve_assignment(
    assignment: Assignment, agencies: Sequence[Agency], *, user: Any
) -> list[Assignment]:
    """Give a printed name that had no agency (unknown to the registry, or a group with
    nobody to assign) the agencies a coordinator chose; returns their assignments."""
    access.ensure_coordinator(user)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.agency_id is not None:
        raise ValidationError("this assignment already has an agency")
    if not agencies:
        raise ValidationError("choose at least one agency")
    task = assignment.task
    taken = {a.agency_id: a for a in task.assignments.filter(agency__in=agencies)}
    out: list[Assignment] = []
    first = True
    for agency in agencies:
        if agency.pk in taken:
            out.append(taken[agency.pk])  # it already answers for the task
            continue
        if first and not assignment.reports.exists():
            assignment.agency, assignment.flag = agency, Assignment.Flag.CHOSEN
            assignment.save(update_fields=["agency", "flag"])
            out.append(assignment)
        else:
            out.append(Assignment.objects.create(
                task=task, agency=agency, role=assignment.role,
                printed_name=assignment.printed_name, flag=Assignment.Flag.CHOSEN,
            ))
        first = False
    if assignment.agency_id is None:
        # The name is settled: keep the row (and any report on it) out of the way.
        assignment.is_active = False
        assignment.save(update_fields=["is_active"])
    return out


@transaction.atomic
def resolve_printed_name(
    plan: Plan, printed_name: str, agencies: Sequence[Agency], *, user: Any
) -> list[Assignment]:
    """`resolve_assignment` for every task of `plan` where `printed_name` gave no agency."""
    access.ensure_coordinator(user)
    rows = Assignment.objects.unresolved().filter(task__plan=plan, printed_name=printed_name)
    out: list[Assignment] = []
    for row in rows:
        out.extend(resolve_assignment(row, agencies, user=user))
    return out


# -- reports and reviews ------------------------------------------------------------------

PERIOD_PATTERNS = {
    "week": re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}-Q[1-4]$"),
    "half": re.compile(r"^\d{4}-H[12]$"),
    "year": re.compile(r"^\d{4}$"),
}


def _check_period(assignment: Assignment, period: str | None) -> str:
    every = assignment.task.deadline_rule().period
    if every is None:
        if period:
            raise ValidationError("this task does not recur: a report has no period")
        return ""
    if not period:
        return assignment.current_period()
    if not PERIOD_PATTERNS[every].match(period):
        example = engine.period_key(timezone.localdate(), every)
        raise ValidationError(f"period {period!r} is not a {every} (such as {example})")
    return period


@transaction.atomic
def submit_report(
    assignment: Assignment,
    user: Any,
    *,
    status: str,
    percent: int | str | None = None,
    text: str = "",
    links: Sequence[str] = (),
    files: Iterable[File] = (),
    period: str | None = None,
    target: Target | None = None,
    target_value: Decimal | int | float | str | None = None,
    corrects: ProgressReport | None = None,
) -> ProgressReport:
    """A new progress report on `assignment`, with its evidence and target value, pending review.

    Recurring and ongoing tasks take the report for `period` (default: the current one).
    """
    assignment = Assignment.objects.select_related("task", "task__plan", "agency").get(
        pk=assignment.pk
    )
    access.ensure_can_report_on(user, assignment)
    if status not in ProgressReport.Status.values:
        raise ValidationError(f"unknown report status: {status!r}")
    if percent is not None:
        try:
            percent = int(percent)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"not a percent: {percent!r}") from exc
        if not 0 <= percent <= 100:
            raise ValidationError("percent must be between 0 and 100")
    value = _decimal(target_value)
    if target_value not in (None, "") and value is None:
        raise ValidationError(f"not a number: {target_value!r}")
    if value is not None and target is None:
        raise ValidationError("a target value needs its target")
    if target is not None and target.plan_id != assignment.task.plan_id:
        raise ValidationError("this target belongs to another plan")
    if corrects is not None and corrects.assignment_id != assignment.pk:
        raise ValidationError("a correction answers a report of the same assignment")
    clean_links = [str(link).strip() for link in links if str(link).strip()]
    for link in clean_links:
        if not re.match(r"^https?://", link):
            raise ValidationError(f"an evidence link starts with http:// or https://: {link}")
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=_check_period(assignment, period),
        status=status,
        percent=percent,
        text=text,
        links=clean_links,
        target=target,
        target_value=value,
        corrects=corrects,
        author=user,
    )
    for upload in files:
        name = PurePath(upload.name or "evidence").name
        EvidenceFile.objects.create(report=report, file=upload, name=name)
    if value is not None and target is not None:
        TargetValue.objects.create(
            target=target, agency=assignment.agency, value=value, report=report, author=user
        )
    return report


@transaction.atomic
def review_report(
    report: ProgressReport, user: Any, accept: bool, reason: str = ""
) -> ProgressReport:
    """Accept a pending report, or return it to the agency with the reason it must see."""
    access.ensure_coordinator(user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_pending:
        raise ValidationError("this report was already reviewed")
    if not accept and not reason.strip():
        raise ValidationError("returning a report needs a reason")
    report.review_state = (
        ProgressReport.Review.ACCEPTED if accept else ProgressReport.Review.RETURNED
    )
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_reason = reason.strip()
    report.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_reason"])
    return report


# -- deadlines ----------------------------------------------------------------------------


@transaction.atomic
def set_task_date(task: Task, on: date | None, user: Any, reason: str = "") -> DeadlineChange:
    """Set (or clear, with None) the date a coordinator gives a task, and record the change.

    Per-plan and conditional deadlines wait for this date; for a dated task it is an
    extension. Recurring and ongoing tasks have no single date.
    """
    access.ensure_coordinator(user)
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    if task.due_kind in engine.PERIODIC_KINDS:
        raise ValidationError("a recurring or ongoing task has no single date to set")
    if on == task.set_on:
        raise ValidationError("the task already has this date")
    old = task.effective_due()
    task.set_on = on
    task.save(update_fields=["set_on"])
    return DeadlineChange.objects.create(
        task=task,
        source=DeadlineChange.Source.COORDINATOR,
        old_on=old,
        new_on=task.effective_due(),
        old_text=task.deadline,
        new_text=task.deadline,
        reason=reason,
        changed_by=user,
    )


# -- re-import --------------------------------------------------------------------------

COMPARED_FIELDS = ("name", "detail", "result", "deadline", "due", "lead", "partners")


@dataclass
class PlanDiff:
    """What a corrected plan changes: task codes added, removed, and changed (with fields)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.header)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {code: list(fields) for code, fields in self.changed.items()},
            "header": list(self.header),
        }


def diff_plan(plan: Plan, new_plan_json: dict[str, Any]) -> PlanDiff:
    """What importing `new_plan_json` over `plan` would change (nothing is written)."""
    doc = _parse(new_plan_json)
    old = {t.code: t for t in plan.tasks.all() if not t.is_removed}
    codes = _unique_codes(doc.tasks)
    new = dict(zip(codes, doc.tasks, strict=True))
    diff = PlanDiff()
    for code, task_doc in new.items():
        if code not in old:
            diff.added.append(code)
            continue
        before = task_to_plan_json(old[code])
        after = TaskDoc.from_json({**task_doc.to_json(), "code": code}).to_json()
        fields = [f for f in COMPARED_FIELDS if before[f] != after[f]]
        if fields:
            diff.changed[code] = fields
    diff.removed = [code for code in old if code not in new]
    fields = _plan_fields(doc)
    diff.header = [name for name, value in fields.items() if getattr(plan, name) != value]
    return diff


@transaction.atomic
def reimport_plan(
    plan: Plan,
    new_plan_json: dict[str, Any],
    user: Any,
    *,
    files: Iterable[File] = (),
    registry: Registry | None = None,
    on: date | None = None,
) -> PlanDiff:
    """Bring a plan up to a corrected version, keeping every report; returns what changed.

    Tasks are matched by code: changed cells are updated (a changed deadline is recorded in
    the task's deadline history), new tasks are added, and tasks gone from the corrected
    version are marked removed (never deleted, so their reports stay). On a published plan
    the assignments follow the new lead and partner cells.
    """
    access.ensure_coordinator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    diff = diff_plan(plan, new_plan_json)
    doc = _parse(new_plan_json)
    now = timezone.now()
    for name, value in _plan_fields(doc).items():
        setattr(plan, name, value)
    plan.plan_json = new_plan_json
    plan.save(update_fields=[*_plan_fields(doc), "plan_json"])
    _write_files(plan, files, user)

    codes = _unique_codes(doc.tasks)
    sections = _Sections(plan, {c: _text(d.name) for c, d in zip(codes, doc.tasks, strict=True)})
    stored = {t.code: t for t in plan.tasks.all()}
    for order, (code, task_doc) in enumerate(zip(codes, doc.tasks, strict=True)):
        task = stored.get(code)
        if task is None:
            task = _new_task(plan, code, order, task_doc, sections)
            task.save()
            continue
        fields = task_fields(task_doc)
        old_due, old_text = task.effective_due(), task.deadline
        due_changed = code in diff.changed and {"due", "deadline"} & set(diff.changed[code])
        for name, value in fields.items():
            setattr(task, name, value)
        task.order = order
        task.section = sections.get(section_code(code))
        task.removed_at = None
        task.save(update_fields=[*fields, "order", "section", "removed_at"])
        if due_changed:
            DeadlineChange.objects.create(
                task=task, source=DeadlineChange.Source.REIMPORT, old_on=old_due,
                new_on=task.effective_due(), old_text=old_text, new_text=task.deadline,
                reason="", changed_by=user,
            )
    gone = [stored[code] for code in diff.removed]
    for task in gone:
        task.removed_at = now
        task.save(update_fields=["removed_at"])
    _write_targets(plan, doc)
    if plan.is_published:
        _sync_assignments(plan, registry or default_registry(), on or timezone.localdate())
    return diff
