"""Import and publish: upload -> reading (with progress; a decision already imported is
shown first) -> review -> publish (confirmed) or delete the draft; corrections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from theodoi.tracking import access, services
from theodoi.tracking.models import today
from theodoi.web import actions, imports, preview, sources
from theodoi.web.forms import AddUnitForm, CellsForm, ChooseAgenciesForm, UploadForm
from theodoi.web.labels import DUE_KIND_LABELS
from theodoi.web.models import PlanImport
from theodoi.web.views.common import role_required


def _upload(request: HttpRequest, plan: services.Plan | None) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = imports.start(request.user, form.cleaned_data["files"], plan)
        return redirect("web:import-job", job.id)
    return render(request, "web/import_upload.html", {"form": form, "plan": plan})


@role_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload the files of a new decision (coordinators)."""
    access.ensure_coordinator(request.user)
    return _upload(request, None)


@role_required
def upload_correction(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload a corrected version of a plan (coordinators)."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    return _upload(request, plan)


@role_required
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    """Where the reading stands; htmx polls the progress part until it is done. A decision
    already imported (same number, or same title and issuer) is shown with its plans before
    a second draft is made: the coordinator goes on only by saying so (POST `again`)."""
    try:
        current = imports.get_job(request.user, job_id)
    except KeyError as exc:
        raise Http404("no such import") from exc
    again = request.method == "POST" and request.POST.get("again") == "1"
    if (current.state == imports.DONE and current.import_id is None
            and current.plan_id is None and not again):
        same = services.same_decision(current.result or {})
        if same:
            if request.htmx:
                return HttpResponseClientRedirect(request.path)
            return render(request, "web/import_duplicate.html", {
                "job": current, "same": same, "meta": (current.result or {}).get("plan") or {}})
    try:
        record = imports.finish(request.user, current)
    except PlanImport.DoesNotExist as exc:  # its draft was deleted since
        raise Http404("this import's draft was deleted") from exc
    if record is not None:
        if record.kind == PlanImport.Kind.NEW:
            target = reverse("web:plan-review", args=[record.plan_id])
        else:
            target = reverse("web:correction", args=[record.pk])
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    template = "web/_import_progress.html" if request.htmx else "web/import_job.html"
    return render(request, template, {"job": current})


def _review_record(plan: services.Plan) -> PlanImport | None:
    return plan.web_imports.filter(kind=PlanImport.Kind.NEW).first()


@role_required
def review(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A draft plan before publishing: every task with its cells, its deadline as understood,
    each printed name as the registry reads it; uncertain cells marked."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    if plan.is_published:
        return redirect("web:plan", plan.pk)
    record = _review_record(plan)
    tasks = list(plan.tasks.current().select_related("section", "source_file").order_by("order"))
    reg = preview.registry()
    names = [n for t in tasks for n in [*t.lead, *t.partners]]
    readings = preview.read_names(plan, names, reg, today())
    choices = record.choices if record else {}
    uncertain = set(record.uncertain) if record else set()
    rows = [
        {"task": t, "uncertain": t.code in uncertain, "kind": DUE_KIND_LABELS.get(t.due_kind),
         # An uncertain reading is shown beside its source, to be checked at a glance.
         "source": sources.source_view(t) if t.code in uncertain else None,
         "lead": [readings[n] for n in t.lead], "partners": [readings[n] for n in t.partners]}
        for t in tasks
    ]
    unplaced = sorted({r.printed for r in readings.values() if r.flag})
    return render(request, "web/plan_review.html", {
        "plan": plan, "record": record, "rows": rows, "uncertain_count": len(uncertain),
        "unplaced": [(name, readings[name], choices.get(name)) for name in unplaced],
        "choose_form": ChooseAgenciesForm(),
        "agency_names": preview.agency_names(reg, today()),
        "warnings": record.warnings if record else [],
    })


@role_required
def edit_task(request: HttpRequest, plan_id: int, task_id: int) -> HttpResponse:
    """Correct one task's cells on a draft plan."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    task = access.access_task_for_edit(request.user, task_id)
    if task.plan_id != plan.pk or plan.is_published:
        raise Http404("no such draft task")
    initial = {"name": task.name, "detail": task.detail, "result": task.result,
               "deadline": task.deadline, "lead": "\n".join(task.lead),
               "partners": "\n".join(task.partners)}
    form = CellsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_task(task, form.cleaned_data, request.user)
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, _("Đã sửa nhiệm vụ %(code)s.") % {"code": task.code})
            return redirect(reverse("web:plan-review", args=[plan.pk]) + f"#task-{task.pk}")
    return render(request, "web/task_edit.html", {"plan": plan, "task": task, "form": form})


@role_required
@require_POST
def choose_agencies(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Give a printed name the registry could not place the agencies a coordinator typed."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    form = ChooseAgenciesForm(request.POST)
    back = "web:plan" if plan.is_published else "web:plan-review"
    if not form.is_valid():
        messages.error(request, _("Hãy nhập tên cơ quan."))
        return redirect(back, plan.pk)
    reg = preview.registry()
    try:
        entities = preview.agencies_for_text(form.cleaned_data["agencies"], reg, today())
        if not entities:
            raise preview.UnknownAgency(form.cleaned_data["agencies"])
        actions.choose_agencies(plan, form.cleaned_data["printed_name"],
                                [str(e.id) for e in entities], request.user, reg)
    except preview.UnknownAgency as exc:
        messages.error(request, _("Danh mục không có cơ quan: %(name)s") % {"name": exc})
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã giao “%(name)s” cho: %(agencies)s") % {
            "name": form.cleaned_data["printed_name"],
            "agencies": ", ".join(e.name for e in entities)})
    return redirect(back, plan.pk)


@role_required
@require_POST
def add_unit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Add a unit the registry lacks under its parent, and give it the printed name."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    form = AddUnitForm(request.POST)
    back = "web:plan" if plan.is_published else "web:plan-review"
    if not form.is_valid():
        messages.error(request, _("Hãy điền tên đơn vị, cơ quan cấp trên và lý do."))
        return redirect(back, plan.pk)
    data = form.cleaned_data
    try:
        parents = preview.agencies_for_text(data["parent"], preview.registry(), today())
        if len(parents) != 1:
            raise preview.UnknownAgency(data["parent"])
        agency = services.add_unit(
            user=request.user, name=data["name"], parent=str(parents[0].id), kind=data["kind"],
            aliases=[data["printed_name"]], source=data["source"], reason=data["reason"])
        actions.choose_agencies(plan, data["printed_name"], [agency.registry_id],
                                request.user, preview.registry())
    except preview.UnknownAgency as exc:
        messages.error(request, _("Danh mục không có cơ quan: %(name)s") % {"name": exc})
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã thêm “%(name)s” vào danh mục và giao “%(printed)s”.")
                         % {"name": agency.name, "printed": data["printed_name"]})
    return redirect(back, plan.pk)


def _chosen_names(plan: services.Plan, reg: Any) -> dict[str, list[str]]:
    """The agency names a coordinator chose for printed names of a draft (given at publish)."""
    record = _review_record(plan)
    out: dict[str, list[str]] = {}
    for printed, ids in (record.choices if record else {}).items():
        names = []
        for registry_id in ids:
            try:
                names.append(str(reg.get(registry_id).name))
            except KeyError:
                names.append(registry_id)
        out[printed] = names
    return out


@role_required
def publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Publishing, in two steps: what will be assigned to whom (per agency, the tasks it
    leads and those it contributes to), then, confirmed, the publication."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    if plan.is_published and request.method != "POST":
        return redirect("web:plan", plan.pk)
    if request.method != "POST":
        reg = preview.registry()
        shown = services.publish_preview(plan, registry=reg, chosen=_chosen_names(plan, reg))
        return render(request, "web/publish_confirm.html", {
            "plan": plan, "preview": shown,
            "leads": sum(len(a.leads) for a in shown.agencies),
            "partners": sum(len(a.partners) for a in shown.agencies),
        })
    try:
        actions.publish(plan, request.user, preview.registry())
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("web:plan-review", plan.pk)
    messages.success(request, _("Đã ban hành kế hoạch; các cơ quan đã được giao nhiệm vụ."))
    return redirect("web:plan", plan.pk)


@role_required
def delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Delete a draft plan (coordinators), after a confirmation page; published plans stay."""
    plan = access.access_plan_for_edit(request.user, plan_id)
    if plan.is_published:
        messages.error(request, _("Kế hoạch đã ban hành không thể xóa; hãy tải lên bản sửa đổi."))
        return redirect("web:plan", plan.pk)
    if request.method == "POST":
        try:
            services.delete_draft(plan, user=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("web:plans")
        messages.success(request, _("Đã xóa bản nháp “%(name)s”.") % {"name": str(plan)})
        return redirect("web:plans")
    return render(request, "web/delete_confirm.html", {
        "plan": plan, "tasks": plan.tasks.count(), "files": list(plan.files.all()),
    })


@role_required
def correction(request: HttpRequest, import_id: int) -> HttpResponse:
    """What a corrected version changes (tasks added, removed, changed), and applying it."""
    record = get_object_or_404(PlanImport, pk=import_id, kind=PlanImport.Kind.CORRECTION)
    plan = access.access_plan_for_edit(request.user, record.plan_id)
    if request.method == "POST":
        if record.applied_at is not None:
            raise PermissionDenied("already applied")
        try:
            diff = actions.apply_correction(record, request.user, preview.registry())
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _(
                "Đã cập nhật kế hoạch: %(added)d nhiệm vụ mới, %(changed)d nhiệm vụ sửa, "
                "%(removed)d nhiệm vụ bỏ; các báo cáo được giữ nguyên.") % {
                "added": len(diff.added), "changed": len(diff.changed),
                "removed": len(diff.removed)})
            return redirect("web:plan", plan.pk)
    diff = services.diff_plan(plan, record.plan_json)
    new_tasks = {t["code"]: t for t in record.plan_json.get("tasks", [])}
    old_tasks = {t.code: t for t in plan.tasks.current()}
    changed = [
        {"code": code, "fields": fields, "old": old_tasks.get(code),
         "new": new_tasks.get(code, {})}
        for code, fields in diff.changed.items()
    ]
    return render(request, "web/correction.html", {
        "plan": plan, "record": record, "diff": diff, "changed": changed,
        "added": [new_tasks.get(c, {"code": c}) for c in diff.added],
        "removed": [old_tasks[c] for c in diff.removed if c in old_tasks],
    })
