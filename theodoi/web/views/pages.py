"""Reading pages: overview, plans, tasks, agencies, timeline, search, files."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    Assignment,
    EvidenceFile,
    Plan,
    PlanFile,
    ProgressReport,
    Section,
    Task,
    today,
)
from theodoi.web import asof, preview, snapshot
from theodoi.web.forms import ChooseAgenciesForm, ReviewForm, SearchForm, TaskDateForm
from theodoi.web.labels import STATUS_LABELS, STATUS_ORDER
from theodoi.web.views.common import redirect_keeping_date, role_required


def _plan_filter(request: HttpRequest) -> Plan | None:
    plan_id = request.GET.get("plan", "")
    return access.access_plan(request.user, plan_id) if plan_id else None


@role_required
def overview(request: HttpRequest) -> HttpResponse:
    """The national overview: statuses, sections, agencies, targets, completions."""
    plan = _plan_filter(request)
    view = snapshot.overview(request.user, asof.as_of(request), plan)
    chart = {
        "labels": [m for m, _n, _total in view.completions],
        "monthly": [n for _m, n, _total in view.completions],
        "cumulative": [total for _m, _n, total in view.completions],
    }
    status_chart = {
        "labels": [str(STATUS_LABELS[s]) for s in STATUS_ORDER],
        "keys": list(STATUS_ORDER),
        "values": [view.counts[s] for s in STATUS_ORDER],
    }
    return render(request, "web/overview.html", {
        "view": view, "plan": plan, "chart": chart, "status_chart": status_chart,
        "ranking": view.ranking[:15], "ranking_more": max(0, len(view.ranking) - 15),
    })


@role_required
def plan_list(request: HttpRequest) -> HttpResponse:
    as_of = asof.as_of(request)
    plans = list(access.visible_plans(request.user).order_by("-date", "-id"))
    rows = snapshot.task_rows(snapshot.tracked_tasks(request.user), as_of)
    by_plan: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        by_plan[row.task.plan_id].append(row.status)
    counts = {p.pk: snapshot.status_counts(by_plan.get(p.pk, [])) for p in plans}
    items = [
        {"plan": p, "counts": counts[p.pk], "total": len(by_plan.get(p.pk, [])),
         "done": snapshot.share(counts[p.pk][engine.DONE] + counts[p.pk][engine.DONE_LATE],
                                len(by_plan.get(p.pk, [])))}
        for p in plans
    ]
    return render(request, "web/plan_list.html", {"items": items})


@role_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    if not plan.is_published:
        return redirect_keeping_date(request, "web:plan-review", plan.pk)
    as_of = asof.as_of(request)
    rows = snapshot.task_rows(snapshot.tracked_tasks(request.user, plan), as_of)
    sections: dict[str, list[snapshot.TaskRow]] = defaultdict(list)
    for row in rows:
        sections[row.task.section.code if row.task.section_id else ""].append(row)
    titles = {s.code: s.title for s in plan.sections.all()}
    unresolved = sorted({
        a.printed_name for row in rows for a in row.task.active_assignments()
        if a.agency_id is None
    })
    counts = snapshot.status_counts(r.status for r in rows)
    targets = snapshot.target_rows(
        snapshot.targets_with_values(Plan.objects.filter(pk=plan.pk)), as_of)
    corrections = plan.web_imports.filter(kind="correction", applied_at__isnull=True)
    coordinator = access.is_coordinator(request.user)
    suggestions = preview.agency_names(preview.registry(), today()) if (
        unresolved and coordinator) else []
    return render(request, "web/plan_detail.html", {
        "plan": plan,
        "sections": [(code, titles.get(code, ""), group) for code, group in sections.items()],
        "counts": counts,
        "total": len(rows),
        "targets": targets,
        "files": plan.files.all(),
        "unresolved": unresolved,
        "choose_form": ChooseAgenciesForm(),
        "removed": plan.tasks.filter(removed_at__isnull=False),
        "corrections": corrections if coordinator else [],
        "agency_names": suggestions,
    })


def _task_with_history(task: Task) -> Task:
    from django.db.models import prefetch_related_objects

    reports = ProgressReport.objects.select_related(
        "author", "reviewed_by", "target").prefetch_related("files")
    prefetch_related_objects([task], Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("agency").prefetch_related(
            Prefetch("reports", queryset=reports)),
    ))
    return task


@role_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_with_history(access.access_task(request.user, task_id))
    as_of = asof.as_of(request)
    user = request.user
    assignments = []
    hidden = 0
    for a in sorted(task.assignments.all(), key=lambda a: (a.role != Assignment.LEAD, a.pk)):
        reports = a.report_list()
        shown = [r for r in reports if timezone.localdate(r.created_at) <= as_of]
        hidden += len(reports) - len(shown)
        if not a.is_active and not shown:
            continue
        assignments.append({
            "assignment": a,
            "status": a.get_status(as_of) if a.is_active else None,
            "reports": shown[::-1],
            "can_report": access.can_report_on(user, a),
        })
    is_coordinator = access.is_coordinator(user)
    changes = [c for c in task.deadline_changes.select_related("changed_by")
               if timezone.localdate(c.changed_at) <= as_of]
    return render(request, "web/task_detail.html", {
        "task": task,
        "plan": task.plan,
        "status": task.get_status(as_of) if task.plan.is_published else None,
        "assignments": assignments,
        "hidden_reports": hidden,
        "changes": changes,
        "review_form": ReviewForm() if is_coordinator else None,
        "date_form": TaskDateForm(initial={"on": task.set_on})
        if is_coordinator and task.due_kind not in engine.PERIODIC_KINDS else None,
    })


@role_required
def agency_list(request: HttpRequest) -> HttpResponse:
    as_of = asof.as_of(request)
    rows = snapshot.task_rows(snapshot.tracked_tasks(request.user), as_of)
    return render(request, "web/agency_list.html", {
        "ranking": snapshot.agency_ranking(rows, as_of)})


@role_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), pk=agency_id)
    as_of = asof.as_of(request)
    rows = snapshot.assignment_rows(snapshot.agency_assignments(request.user, agency), as_of)
    lead_statuses = [r.status for r in rows if r.assignment.role == Assignment.LEAD]
    rate = engine.on_time_rate(lead_statuses)
    return render(request, "web/agency_detail.html", {
        "agency": agency,
        "rows": rows,
        "must_report": [r for r in rows if r.must_report],
        "returned": [r for r in rows if r.returned is not None],
        "counts": snapshot.status_counts(r.status for r in rows),
        "rate_percent": None if rate is None else round(100 * rate),
        "lead_count": len(lead_statuses),
        "is_mine": getattr(getattr(request.user, "profile", None), "agency_id", None)
        == agency.pk,
    })


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@role_required
def timeline(request: HttpRequest) -> HttpResponse:
    """Tasks by month or quarter of their due date, one row per plan section."""
    plan = _plan_filter(request)
    by = "month" if request.GET.get("by") == "month" else "quarter"
    as_of = asof.as_of(request)
    rows = snapshot.task_rows(snapshot.tracked_tasks(request.user, plan), as_of)
    extra = {"periodic": [], "waiting": [], "none": []}
    grid: dict[tuple[int, str], dict[str, list[snapshot.TaskRow]]] = defaultdict(
        lambda: defaultdict(list))
    sections: dict[tuple[int, str], Any] = {}
    columns: set[str] = set()
    for row in rows:
        task = row.task
        key = (task.plan_id, snapshot.root_code(task.section.code if task.section_id else ""))
        sections.setdefault(key, task)
        if task.due_kind in engine.PERIODIC_KINDS:
            column = "periodic"
        elif row.due is None:
            column = "waiting" if task.due_kind in engine.WAITING_KINDS else "none"
        else:
            column = row.due.strftime("%Y-%m") if by == "month" else _quarter(row.due)
            columns.add(column)
        grid[key][column].append(row)
    ordered = sorted(columns)
    titles = {(s.plan_id, s.code): s.title for s in Section.objects.filter(
        plan__in={k[0] for k in sections}, parent__isnull=True)}
    table = [
        {"plan": sections[key].plan, "code": key[1], "title": titles.get(key, ""),
         "cells": [grid[key].get(c, []) for c in ordered],
         "extra": [grid[key].get(c, []) for c in extra]}
        for key in sorted(sections, key=lambda k: (sections[k].plan.date or date.min, k))
    ]
    current = as_of.strftime("%Y-%m") if by == "month" else _quarter(as_of)
    return render(request, "web/timeline.html", {
        "plan": plan, "by": by, "columns": ordered, "table": table, "current": current,
        "plans": access.visible_plans(request.user).filter(status=Plan.Status.PUBLISHED),
    })


@role_required
def search(request: HttpRequest) -> HttpResponse:
    """Tasks by words (without diacritics too), plan, agency, section, status, due dates."""
    form = SearchForm(request.GET or None, user=request.user)
    as_of = asof.as_of(request)
    results: list[snapshot.TaskRow] = []
    searched = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        searched = True
        qs = snapshot.tracked_tasks(request.user, data.get("plan"))
        if data.get("q"):
            qs = qs.search(data["q"])
        if data.get("agency"):
            qs = qs.filter(assignments__agency=data["agency"], assignments__is_active=True)
        if data.get("section"):
            code = data["section"].strip().strip(".")
            qs = qs.filter(Q(section__code__iexact=code) | Q(section__code__istartswith=f"{code}."))
        results = snapshot.task_rows(qs.distinct(), as_of)
        if data.get("status"):
            results = [r for r in results if r.status == data["status"]]
        if data.get("due_from"):
            results = [r for r in results if r.due and r.due >= data["due_from"]]
        if data.get("due_to"):
            results = [r for r in results if r.due and r.due <= data["due_to"]]
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/search.html", {
        "form": form, "page": page, "searched": searched, "count": len(results),
        "params": params.urlencode(),
    })


@role_required
def evidence_file(request: HttpRequest, file_id: int) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, pk=file_id)
    access.access_report(request.user, evidence.report_id)
    return _send(evidence.file, evidence.name)


@role_required
def plan_file(request: HttpRequest, file_id: int) -> FileResponse:
    stored = get_object_or_404(PlanFile, pk=file_id)
    access.access_plan(request.user, stored.plan_id)
    return _send(stored.file, stored.name)


def _send(field: Any, name: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("the file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=name)
