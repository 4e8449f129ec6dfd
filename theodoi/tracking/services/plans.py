"""Plans: plan-json to rows, import (warning of a decision already imported), publish (with
what it will assign, shown first), compare, correct, and delete a draft."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from theodoi.extract.model import Plan as PlanDoc
from theodoi.extract.model import Task as TaskDoc
from theodoi.extract.references import number_key, references
from theodoi.notices import services as notices
from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Assignment,
    DeadlineChange,
    Plan,
    PlanFile,
    PlanReference,
    Section,
    Target,
    Task,
    section_code,
)
from theodoi.tracking.services import statuses
from theodoi.tracking.services.assignments import planned_assignments, sync_assignments
from theodoi.tracking.services.registry import Registry, default_registry


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
        "source": doc.source.to_json() if doc.source is not None else {},
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


def _section_titles(doc: PlanDoc, codes: Sequence[str]) -> dict[str, str]:
    """Each section's title as printed: plan-json's `sections`, else the name of a heading
    row with the section's code."""
    titles = {c: _text(d.name) for c, d in zip(codes, doc.tasks, strict=True)}
    for section in getattr(doc, "sections", []) or []:
        if section.title:
            titles[section.code] = _text(section.title)
    return titles


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


def _files_by_name(plan: Plan) -> dict[str, PlanFile]:
    """The plan's stored files by name, the newest of a name (a corrected version's) winning:
    the file a task's source names, to show its page from."""
    files = plan.files.order_by("uploaded_at", "pk")
    return {f.name: f for f in files}


def _source_file(doc: TaskDoc, files: dict[str, PlanFile]) -> PlanFile | None:
    name = doc.source.file if doc.source is not None else None
    return files.get(PurePath(name).name) if name else None


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
    plan = Plan.objects.create(**_plan_fields(doc), created_by=user)
    plan.set_plan_json(plan_json)
    record_references(plan)
    _write_files(plan, files, user)
    codes = _unique_codes(doc.tasks)
    sections = _Sections(plan, _section_titles(doc, codes))
    stored = _files_by_name(plan)
    Task.objects.bulk_create([
        _new_task(plan, code, order, task_doc, sections, stored)
        for order, (code, task_doc) in enumerate(zip(codes, doc.tasks, strict=True))
    ])
    _write_targets(plan, doc)
    mark_headings(plan)
    return plan


def same_decision(plan_json: dict[str, Any]) -> list[Plan]:
    """The plans already imported from the decision `plan_json` reads: the same number, or
    the same title and issuer (a decision printed without its number), newest first."""
    meta = plan_json.get("plan") if isinstance(plan_json, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    number, title, issuer = (" ".join(_text(meta.get(k)).split())
                             for k in ("number", "title", "issuer"))
    match = Q(pk__in=[])
    if number:
        match |= Q(number__iexact=number)
    if title and issuer:
        match |= Q(title__iexact=title, issuer__iexact=issuer)
    return list(Plan.objects.filter(match).order_by("-created_at", "-pk"))


@transaction.atomic
def delete_draft(plan: Plan, *, user: Any) -> None:
    """Delete a draft plan and everything read into it (tasks, targets, files); a published
    plan is never deleted (it has assignments and reports: correct it instead). The audit
    log keeps the deletion (the plan's and its tasks' delete entries)."""
    access.ensure_coordinator(user)
    plan = Plan.objects.select_for_update().filter(pk=plan.pk).first()
    if plan is None:
        raise ValidationError("Kế hoạch này đã bị xóa.")
    if plan.is_published:
        raise ValidationError("Kế hoạch đã ban hành không thể xóa; hãy tải lên bản sửa đổi.")
    names = [f.file.name for f in plan.files.all() if f.file]
    plan.delete()

    def remove_files() -> None:  # only once the rows are surely gone
        for name in names:
            PlanFile.file.field.storage.delete(name)

    transaction.on_commit(remove_files)


@dataclass
class AgencyShare:
    """What publishing gives one agency: the codes of the tasks it leads (or does its part
    of) and of those it contributes to as a partner."""

    name: str
    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass
class PublishPreview:
    agencies: list[AgencyShare]
    # Printed names no agency answers for yet (flag), with the codes of their tasks.
    unassigned: list[tuple[str, str, list[str]]]
    tasks: int


def publish_preview(
    plan: Plan, *, registry: Registry | None = None, on: date | None = None,
    chosen: dict[str, list[str]] | None = None,
) -> PublishPreview:
    """What `publish_plan` would assign, per agency, without writing anything. `chosen`:
    the agency names a coordinator picked for printed names, given when publishing."""
    chosen = chosen or {}
    with transaction.atomic():
        rows = planned_assignments(plan, registry or default_registry(),
                                   on or timezone.localdate())
        # Reading names mirrors agencies: undone here, publishing does it for real.
        transaction.set_rollback(True)
    shares: dict[str, AgencyShare] = {}
    unassigned: dict[tuple[str, str], list[str]] = {}
    tasks: set[int] = set()
    for task, want in rows:
        tasks.add(task.pk)
        names = [want.agency.name] if want.agency is not None else chosen.get(want.printed, [])
        if not names:
            if want.flag != "group":  # a group of partners owes nothing until named
                unassigned.setdefault((want.printed, want.flag), []).append(task.code)
            continue
        for name in names:
            share = shares.setdefault(name, AgencyShare(name))
            codes = share.leads if want.role == "lead" else share.partners
            if task.code not in codes:
                codes.append(task.code)
    agencies = sorted(shares.values(),
                      key=lambda a: (-len(a.leads), -len(a.partners), a.name))
    return PublishPreview(
        agencies, [(printed, flag, codes) for (printed, flag), codes in unassigned.items()],
        len(tasks))


def mark_headings(plan: Plan) -> None:
    """Mark the plan's current rows that have rows under them ("2" above "2.1") as headings:
    not counted, owing nothing, their state rolled up from the rows under them."""
    rows = list(plan.tasks.filter(removed_at__isnull=True).values_list("pk", "code",
                                                                      "has_children"))
    codes = {code.split(" (")[0] for _, code, _ in rows}
    prefixes = {c.rsplit(".", i)[0] for c in codes for i in range(1, c.count(".") + 1)}
    heads = [pk for pk, code, has in rows if (code.split(" (")[0] in prefixes) != has]
    for pk, code, _has in rows:
        if pk in heads:
            Task.objects.filter(pk=pk).update(has_children=code.split(" (")[0] in prefixes)


def _new_task(plan: Plan, code: str, order: int, doc: TaskDoc, sections: _Sections,
              files: dict[str, PlanFile]) -> Task:
    task = Task(plan=plan, code=code, order=order, section=sections.get(section_code(code)),
                source_file=_source_file(doc, files), **task_fields(doc))
    task.search = task.folded_text()  # bulk_create does not call save()
    return task



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
    sync_assignments(plan, registry or default_registry(), on or timezone.localdate())
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["status", "published_at", "published_by"])
    statuses.refresh_plan(plan.pk)
    notices.notify_assigned(plan)
    return plan



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
    plan.save(update_fields=[*_plan_fields(doc)])
    record_references(plan)
    plan.set_plan_json(new_plan_json)
    _write_files(plan, files, user)

    codes = _unique_codes(doc.tasks)
    sections = _Sections(plan, _section_titles(doc, codes))
    stored = {t.code: t for t in plan.tasks.all()}
    stored_files = _files_by_name(plan)
    changes: list[DeadlineChange] = []
    for order, (code, task_doc) in enumerate(zip(codes, doc.tasks, strict=True)):
        task = stored.get(code)
        if task is None:
            task = _new_task(plan, code, order, task_doc, sections, stored_files)
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
        task.source_file = _source_file(task_doc, stored_files)
        task.save(update_fields=[*fields, "order", "section", "removed_at", "source_file"])
        if due_changed:
            changes.append(DeadlineChange.objects.create(
                task=task, source=DeadlineChange.Source.REIMPORT, old_on=old_due,
                new_on=task.effective_due(), old_text=old_text, new_text=task.deadline,
                reason="", changed_by=user,
            ))
    gone = [stored[code] for code in diff.removed]
    for task in gone:
        task.removed_at = now
        task.save(update_fields=["removed_at"])
    _write_targets(plan, doc)
    mark_headings(plan)
    if plan.is_published:
        sync_assignments(plan, registry or default_registry(), on or timezone.localdate())
        # Corrected from today on: what the pages said of past days stays as it was.
        statuses.refresh_plan(plan.pk, since=timezone.localdate())
        # After the assignments follow the new cells: the agencies that work on it now.
        notices.notify_deadline_changes(changes)
        notices.notify_assigned(plan, Assignment.objects.filter(plan=plan, created_at__gte=now))
    return diff



def set_public(plan: Plan, *, user: Any, public: bool) -> Plan:
    """Open a published plan's progress page to the public (no login), or close it again.
    The page shows tasks, their agencies and statuses, never reports or evidence."""
    access.ensure_coordinator(user)
    if public and not plan.is_published:
        raise ValidationError("Chỉ công khai được kế hoạch đã ban hành.")
    plan.public_since = timezone.now() if public else None
    plan.public_by = user if public else None
    plan.save(update_fields=["public_since", "public_by"])
    return plan


def record_references(plan: Plan) -> None:
    """What the plan's title says it implements or cites, read again from the title."""
    plan.references.all().delete()
    PlanReference.objects.bulk_create([
        PlanReference(plan=plan, order=order, kind=ref.kind, number=ref.number, key=ref.key,
                      implements=ref.implements)
        for order, ref in enumerate(references(plan.title, plan.number))
    ])


def parent_plans(plan: Plan) -> list[tuple[PlanReference, Plan | None]]:
    """Each document `plan` names, with the plan in theodoi that has its number (None when
    that document has not been imported)."""
    refs = list(plan.references.all())
    found = {number_key(p.number): p for p in Plan.objects.filter(
        number__in=[r.number for r in refs]).order_by("-date", "-id")}
    return [(ref, found.get(ref.key)) for ref in refs]


def child_plans(plan: Plan) -> Any:
    """The plans whose titles say they implement `plan` (by its number)."""
    if not plan.number:
        return Plan.objects.none()
    return Plan.objects.filter(references__key=number_key(plan.number),
                               references__implements=True).distinct().order_by("-date", "-id")
