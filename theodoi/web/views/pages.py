"""Reading pages: overview, plans, tasks, agencies, timeline, search, files."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.db.models.functions import TruncMonth, TruncQuarter
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from theodoi.tracking import access, queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import (
    Agency,
    Assignment,
    EvidenceFile,
    Indicator,
    Plan,
    PlanFile,
    ProgressReport,
    Section,
    Task,
    today,
)
from theodoi.tracking.services import links as link_services
from theodoi.tracking.services import plans as plan_services
from theodoi.web import (
    agency_picker,
    asof,
    exports,
    lists,
    preview,
    province_grid,
    snapshot,
    sources,
)
from theodoi.web.forms import ChooseAgenciesForm, ReviewForm, SearchForm, TaskDateForm
from theodoi.web.labels import STATUS_LABELS, STATUS_ORDER
from theodoi.web.templatetags.web_tags import clip, period_label
from theodoi.web.views.common import redirect_keeping_date, role_required


def _plan_filter(request: HttpRequest) -> Plan | None:
    plan_id = request.GET.get("plan", "")
    return access.access_plan(request.user, plan_id) if plan_id else None


PAGE_SIZE = 50
RANKING_ROWS = 10  # of ministries and of provinces on the overview; the rest on /agencies/
SECTION_CHART_ROWS = 24  # sections drawn as a chart (the table lists every one)
PARTS_INLINE = 8  # a group's parts whose report histories the task page writes out
REMOVED_ROWS = 50  # removed tasks the plan page lists (the count says how many in all)


@role_required
def overview(request: HttpRequest) -> HttpResponse:
    """The national overview: statuses, progress, sections, agencies, targets, completions."""
    plan = _plan_filter(request)
    view = snapshot.overview(request.user, asof.as_of(request), plan)
    months = [period_label(m) for m, *_counts in view.months]
    chart = {
        "labels": months,
        "due": [due for _m, due, _done, _due_total, _done_total in view.months],
        "done": [done for _m, _due, done, _due_total, _done_total in view.months],
        "due_total": [total for _m, _due, _done, total, _done_total in view.months],
        "done_total": [total for _m, _due, _done, _due_total, total in view.months],
        "current": period_label(view.as_of.strftime("%Y-%m")),
    }
    shown = [s for s in STATUS_ORDER if view.counts[s]]
    status_chart = {
        "labels": [str(STATUS_LABELS[s]) for s in shown],
        "keys": shown,
        "values": [view.counts[s] for s in shown],
    }
    sections = view.sections if len(view.sections) <= SECTION_CHART_ROWS else []
    section_chart = {
        "labels": [_section_label(s, with_plan=plan is None) for s in sections],
        "keys": list(STATUS_ORDER),
        "names": [str(STATUS_LABELS[s]) for s in STATUS_ORDER],
        "values": [[s.counts[k] for s in sections] for k in STATUS_ORDER],
    }
    ministries = view.levels.get(snapshot.CENTRAL_LEVEL, [])
    provinces = view.levels.get(snapshot.PROVINCE_LEVEL, [])
    return render(request, "web/overview.html", {
        "view": view, "plan": plan, "chart": chart, "status_chart": status_chart,
        "section_chart": section_chart,
        "ranking_levels": [(_("Xếp hạng bộ, ngành"), ministries[:RANKING_ROWS]),
                           (_("Xếp hạng tỉnh, thành phố"), provinces[:RANKING_ROWS])],
        "ranking_more": max(0, len(ministries) + len(provinces) - 2 * RANKING_ROWS),
        "tiles": province_grid.tiles(provinces), "bands": province_grid.BANDS,
    })


def _section_label(row: snapshot.SectionRow, with_plan: bool) -> str:
    """"I. Công tác chỉ đạo", after its plan's number on the national overview."""
    label = row.label or _("(ngoài các mục)")
    if not with_plan:
        return label
    plan = row.plan.number or (row.plan.title[:28] + "…" if len(row.plan.title) > 28
                               else row.plan.title)
    return f"{plan} · {label}"


@role_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plans newest first, by year, issuer and state; paged, or exported as filtered."""
    as_of = asof.as_of(request)
    queries.fresh()
    form = lists.PlanListFilter(request.GET or None, user=request.user)
    qs = lists.plans(request.user, lists.filtered(form))
    fmt = exports.requested(request)
    if fmt:
        return exports.respond(exports.Export(
            "ke-hoach", str(_("Kế hoạch")), exports.PLAN_COLUMNS, _plan_items(qs, as_of)), fmt)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/plan_list.html", {
        "items": _plan_items(page.object_list, as_of), "page": page, "form": form,
        "params": lists.query_without(request, "page", "export"),
        "exports": exports.links(request)})


def _plan_items(plans: Any, as_of: date) -> list[dict[str, Any]]:
    """Each plan with its counted tasks by status (one query for all of them)."""
    plans = list(plans)
    counts = queries.task_counts([p.pk for p in plans if p.is_published], as_of)
    items = []
    for p in plans:
        found = counts.get(p.pk, queries.Counts())
        items.append({"plan": p, "counts": snapshot.status_counts(found), "total": found.total,
                      "done": snapshot.share(found.done, found.total) if p.is_published
                      else None})
    return items


@role_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    if not plan.is_published:
        return redirect_keeping_date(request, "web:plan-review", plan.pk)
    as_of = asof.as_of(request)
    queries.fresh()
    form = lists.PlanTaskFilter(request.GET or None, plan=plan)
    data = lists.filtered(form)
    tasks = lists.plan_tasks(plan, data, as_of)
    fmt = exports.requested(request)
    if fmt:
        return exports.respond(exports.Export(
            f"nhiem-vu-ke-hoach-{plan.pk}", str(_("Nhiệm vụ")), exports.TASK_COLUMNS, tasks),
            fmt)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's tasks under their section headings, in the printed order.
    # Their titles from the rows' own sections (read with them): not every section of the
    # plan.
    sections: dict[str, list[snapshot.TaskRow]] = defaultdict(list)
    titles: dict[str, str] = {}
    for task in page.object_list:
        code = task.section.code if task.section_id else ""
        sections[code].append(snapshot.task_row(task))
        if task.section_id:
            titles[code] = task.section.title
    # The distinct names, deduplicated in the database (a handful of names printed on
    # hundreds of rows of the biggest plan), the removed tasks' rows left out by the plan's
    # few removed tasks instead of a join probing each row's task (200k tasks: 2,300
    # buffers instead of 4,500, and no parallel workers); both from their partial indexes
    # (`tracking_asg_unresolved`, `tracking_task_removed_plan`: 15 buffers at 200k).
    removed = plan.tasks.filter(removed_at__isnull=False)
    # The first REMOVED_ROWS removed tasks, in the plan's order (a correction may remove
    # thousands), read by their own index; counted only when there are more.
    removed_rows = list(removed.defer("search").order_by("order")[:REMOVED_ROWS + 1])
    removed_total = (removed.count() if len(removed_rows) > REMOVED_ROWS
                     else len(removed_rows))
    unresolved = sorted(
        Assignment.objects.unresolved().filter(plan=plan)
        .exclude(task__in=removed.values("pk"))
        .values_list("printed_name", flat=True).order_by("printed_name").distinct())
    totals = queries.total_counts([plan.pk], as_of)
    targets = snapshot.target_rows(
        snapshot.targets_with_values(Plan.objects.filter(pk=plan.pk)), as_of, readings=True)
    corrections = plan.web_imports.filter(kind="correction", applied_at__isnull=True)
    coordinator = access.is_coordinator(request.user)
    suggestions = preview.agency_names(preview.registry(), today()) if (
        unresolved and coordinator) else []
    visible = access.visible_plans(request.user)
    parents = [(ref, found if found is not None and visible.filter(pk=found.pk).exists()
                else None) for ref, found in plan_services.parent_plans(plan)]
    children = plan_services.child_plans(plan).filter(pk__in=visible.values("pk"))[:50]
    return render(request, "web/plan_detail.html", {
        "parents": parents, "children": children,
        "plan": plan,
        "sections": [(code, titles.get(code, ""), group) for code, group in sections.items()],
        "counts": snapshot.status_counts(totals),
        "progress": snapshot.progress_counts(totals),
        "total": totals.total,
        "targets": targets,
        # The indicators a coordinator may map to a target (a national system has a few
        # dozen; the list page holds the rest).
        "indicator_choices": (list(Indicator.objects.order_by("system", "name")[:300])
                              if coordinator and targets else []),
        "files": plan.files.all(),
        "unresolved": unresolved,
        "choose_form": ChooseAgenciesForm(),
        "removed": removed_rows[:REMOVED_ROWS], "removed_total": removed_total,
        "corrections": corrections if coordinator else [],
        "agency_names": suggestions,
        "form": form, "page": page, "filtering": bool(data),
        "params": lists.query_without(request, "page", "export"),
        "exports": exports.links(request),
    })


def _parts_written_out(parts: list[Assignment], chosen: str, own: int | None) -> set[int]:
    """The ids of a group lead's parts whose report histories the task page writes out:
    every one of a small group; of a large one, the part asked for (`?part=`) and the
    user's agency's own (181 parts with 440 reports were most of the busiest task's page
    at 200k, in a closed box)."""
    if len(parts) <= PARTS_INLINE:
        return {a.pk for a in parts}
    return {a.pk for a in parts if str(a.pk) == chosen or (own is not None
                                                            and a.agency_id == own)}


def _task_with_history(task: Task, chosen: str, own: int | None) -> tuple[Task, set[int]]:
    """`task` with its assignments and their reports (with authors, evidence and citations
    only where written out: of the parts not written out the page shows the latest
    report's status), and the ids of the parts written out."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([task], Prefetch(
        "assignments", queryset=Assignment.objects.select_related("agency")))
    assignments = list(task.assignments.all())
    written = _parts_written_out([a for a in assignments if a.is_part], chosen, own)
    full = [a for a in assignments if not a.is_part or a.pk in written]
    light = [a for a in assignments if a.is_part and a.pk not in written]
    prefetch_related_objects(full, Prefetch("reports", queryset=ProgressReport.objects
                                            .select_related("author", "reviewed_by", "target")
                                            .prefetch_related("files", "cites")))
    prefetch_related_objects(light, "reports")
    return task, written


@role_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    chosen = request.GET.get("part", "")
    own = getattr(getattr(user, "profile", None), "agency_id", None)
    task, written = _task_with_history(access.access_task(user, task_id), chosen, own)
    as_of = asof.as_of(request)
    queries.fresh()
    rows = sorted(task.assignments.all(), key=lambda a: (a.role != Assignment.LEAD,
                                                         bool(a.group_name), a.pk))
    queries.put_state(rows, as_of)
    queries.put_state([task], as_of)
    states = {a.pk: (a.state_status, a.state_progress, a.state_percent) for a in rows}
    task_state = (task.state_status, task.state_progress, task.state_percent)
    leads, parts, partners, groups = [], [], [], []
    hidden = 0
    for a in rows:
        reports = a.report_list()
        shown = [r for r in reports if timezone.localdate(r.created_at) <= as_of]
        hidden += len(reports) - len(shown)
        if not a.is_active and not shown:
            continue
        status, progress, percent = states.get(a.pk, (None, None, None))
        item = {
            "assignment": a,
            "status": status if a.is_active and a.owes_report else None,
            "progress": progress, "percent": percent,
            "reports": shown[::-1],
            "can_report": access.can_report_on(user, a),
        }
        if a.is_group_partner:
            groups.append(item)
        elif a.is_part:
            parts.append(item)
        elif a.is_lead:
            leads.append(item)
        else:
            partners.append(item)
    for item in parts:
        item["inline"] = item["assignment"].pk in written
    is_coordinator = access.is_coordinator(user)
    changes = [c for c in task.deadline_changes.select_related("changed_by")
               if timezone.localdate(c.changed_at) <= as_of]
    parts_done = sum(1 for p in parts if p["status"] in engine.CLOSED)
    show_reports = access.can_read_reports(user, task)
    if not show_reports:  # an agency's reports and evidence: for those working on the task
        for item in leads + parts + partners + groups:
            item["hidden"] = len(item["reports"])
            item["reports"] = []
    contributions = [r for p in partners for r in p["reports"]]
    cascade = link_services.cascade_of(task, user, as_of, preview.registry())
    duplicates = link_services.duplicates_of(task)
    withdrawable = access.withdrawable(user, [
        r for item in leads + parts for r in item["reports"]
        if item["can_report"] and r.is_pending])
    return render(request, "web/task_detail.html", {
        "carried": cascade.carried, "implements": cascade.implements,
        "not_carried": cascade.not_carried, "rollup": cascade.rollup, "duplicates": duplicates,
        "task": task,
        "source": sources.source_view(task),
        "plan": task.plan,
        "status": task_state[0] if task.plan.is_published else None,
        "progress": task_state[1], "percent": task_state[2],
        "assignments": leads + parts + partners + groups,
        "leads": leads, "parts": parts, "partners": partners, "groups": groups,
        "parts_done": parts_done, "contributions": contributions if show_reports else [],
        "parts_inline": len(parts) <= PARTS_INLINE, "part_chosen": chosen,
        "show_reports": show_reports,
        "hidden_reports": hidden,
        "changes": changes,
        "review_form": ReviewForm() if is_coordinator else None,
        "withdrawable": withdrawable,
        "date_form": TaskDateForm(initial={"on": task.set_on})
        if is_coordinator and task.due_kind not in engine.PERIODIC_KINDS else None,
    })


@role_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """Agencies by on-time rate, of one level of government or by name; paged, or exported
    as filtered."""
    as_of = asof.as_of(request)
    queries.fresh()
    form = lists.AgencyListFilter(request.GET or None)
    ranking = lists.AgencyRanking(lists.filtered(form), as_of)
    fmt = exports.requested(request)
    if fmt:
        return exports.respond(exports.Export(
            "co-quan", str(_("Cơ quan")), exports.AGENCY_COLUMNS, ranking), fmt)
    page = Paginator(ranking, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/agency_list.html", {
        "page": page, "form": form, "count": page.paginator.count,
        "params": lists.query_without(request, "page", "export"),
        "exports": exports.links(request),
    })


@role_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), pk=agency_id)
    as_of = asof.as_of(request)
    queries.fresh()
    user = request.user
    form = lists.AgencyPartFilter(request.GET or None, user=user, agency=agency)
    data = lists.filtered(form)
    fmt = exports.requested(request)
    if fmt:
        return exports.respond(exports.Export(
            f"nhiem-vu-co-quan-{agency.pk}", str(_("Nhiệm vụ")), exports.PART_COLUMNS,
            lists.agency_parts(user, agency, data, as_of)), fmt)
    counts = queries.part_counts(as_of, agencies=[agency.pk])
    lead = counts.get((agency.pk, Assignment.LEAD), queries.Counts())
    partner = counts.get((agency.pk, Assignment.PARTNER), queries.Counts())
    owing = snapshot.agency_parts(user, agency, as_of, Assignment.LEAD).filter(
        snapshot.must_report_filter())
    # Unfiltered, or by role and status alone, each list's length is already counted (the
    # count tables today, the history's counts of an earlier day): no COUNT(*).
    narrowed = any(k not in ("role", "status") for k in data)
    shown = {role: data.get("role") in (None, role)
             for role in (Assignment.LEAD, Assignment.PARTNER)}
    pages = {}
    for role, counted, number in ((Assignment.LEAD, lead, "page"),
                                  (Assignment.PARTNER, partner, "ppage")):
        rows = lists.agency_parts(user, agency, data, as_of, role)
        if not shown[role]:
            pages[role] = None
        elif narrowed:
            pages[role] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(number))
        else:
            known = counted.status(data["status"]) if data.get("status") else counted.total
            pages[role] = _page(rows, known, request.GET.get(number))
    lead_page, partner_page = pages[Assignment.LEAD], pages[Assignment.PARTNER]
    # The three lists' returned reports in one query (a returned part is often in two).
    must_report, lead_rows, partner_rows = snapshot.assignment_row_lists(
        [owing[:PAGE_SIZE], lead_page.object_list if lead_page else [],
         partner_page.object_list if partner_page else []], as_of)
    if len(must_report) < PAGE_SIZE:
        must_report_count = len(must_report)
    elif queries.is_today(as_of):  # stored with the counts (returned parts apart)
        must_report_count = queries.must_report_count(agency.pk, Assignment.LEAD)
    else:
        must_report_count = owing.count()
    rate = lead.on_time_rate
    return render(request, "web/agency_detail.html", {
        "agency": agency,
        "rows": lead_rows,
        "page": lead_page,
        "partner_rows": partner_rows,
        "partner_page": partner_page,
        "form": form, "filtering": bool(data), "exports": exports.links(request),
        "must_report": must_report,
        "must_report_count": must_report_count,
        "returned": [r for r in must_report if r.returned is not None],
        "counts": snapshot.status_counts(lead),
        "progress": snapshot.progress_counts(lead),
        "partner_counts": snapshot.status_counts(partner),
        "rate_percent": None if rate is None else round(100 * rate),
        "lead_count": lead.total,
        "partner_count": partner.total,
        "params": lists.query_without(request, "page", "ppage", "export"),
        "is_mine": getattr(getattr(request.user, "profile", None), "agency_id", None)
        == agency.pk,
    })


def _page(rows: Any, count: int, number: Any) -> Any:
    """A page of `rows` whose count is already known (from the count tables): no COUNT(*)."""
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(number)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


TIMELINE_PLANS = 25  # plans per page of the national timeline (one row each)


@role_required
def timeline(request: HttpRequest) -> HttpResponse:
    """Counted tasks by month or quarter of their due date: nationally one row per plan, a
    page of plans at a time; for one plan, one row per section."""
    plan = _plan_filter(request)
    by = "month" if request.GET.get("by") == "month" else "quarter"
    as_of = asof.as_of(request)
    queries.fresh()
    plans = snapshot.published_plans(request.user, plan)
    page = None
    if plan is None:
        # Thousands of plans x sections x periods are not read on one page: the national
        # grid sums each plan, a page of plans at a time; its plan link opens its sections.
        page = Paginator(plans.order_by(F("date").asc(nulls_first=True), "pk"),
                         TIMELINE_PLANS).get_page(request.GET.get("page"))
        # The page's plans are published ones the user reads (just read): their counted
        # tasks by id, without joining the plans again, so that PostgreSQL reads them from
        # the index `tracking_task_timeline` alone.
        counted = Task.objects.counted().filter(plan_id__in=[p.pk for p in page.object_list])
    else:
        counted = queries.counted_tasks(plans)
    qs = queries.with_state(counted, as_of).filter(state_status__isnull=False)
    trunc = TruncMonth("deciding_due") if by == "month" else TruncQuarter("deciding_due")
    fields = ["plan_id", "due_kind", "period", "state_status"]
    if plan is not None:
        fields.append("section__code")
    rows = qs.annotate(period=trunc).values(*fields).annotate(n=Count("*"))  # no id: index-only
    grid: dict[tuple[int, str], dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    columns: set[str] = set()
    for row in rows:
        key = (row["plan_id"], snapshot.root_code(row.get("section__code") or ""))
        if row["due_kind"] in engine.PERIODIC_KINDS:
            column = "periodic"
        elif row["period"] is None:
            column = "waiting" if row["due_kind"] in engine.WAITING_KINDS else "none"
        else:
            day = row["period"]
            column = day.strftime("%Y-%m") if by == "month" else _quarter(day)
            columns.add(column)
        grid[key][column][row["state_status"]] += row["n"]
    if page is not None:  # every plan of the page has its row, counted or not
        for shown in page.object_list:
            grid[(shown.pk, "")]  # the defaultdict makes the empty row
    ordered = _every_period(sorted(columns), by)
    plans_by_id = (Plan.objects.in_bulk({k[0] for k in grid}) if page is None
                   else {p.pk: p for p in page.object_list})
    titles = {(s.plan_id, s.code): s.title for s in Section.objects.filter(
        plan__in=plans_by_id, parent__isnull=True)} if page is None else {}
    extra = ("periodic", "waiting", "none")
    # One URL built for the whole grid: a timeline has hundreds of chips.
    links = (reverse("web:search"), asof.query(request))
    labels = _status_labels()
    table = [
        {"plan": plans_by_id[key[0]], "code": key[1], "title": titles.get(key, ""),
         "cells": [_cell(grid[key].get(c), links, key, c, by, labels=labels) for c in ordered],
         "extra": [_cell(grid[key].get(c), links, key, c, labels=labels) for c in extra]}
        for key in sorted(grid, key=lambda k: (plans_by_id[k[0]].date or date.min, k))
    ]
    current = as_of.strftime("%Y-%m") if by == "month" else _quarter(as_of)
    return render(request, "web/timeline.html", {
        "plan": plan, "by": by, "columns": ordered, "table": table, "current": current,
        "plan_options": plan_options(request.user, plan),
        "page": page, "params": lists.query_without(request, "page"),
    })


def plan_options(user: Any, chosen: Plan | None) -> str:
    """The timeline's plan chooser: an <option> per published plan `user` reads (its number,
    else its title, clipped), made in one pass here: the template's loop cost ~15 us an
    option (a filter and a comparison each), and the list grows with the plans (245 in both
    bench countries: the 200k one has bigger plans, not more); number and title only read."""
    rows = (access.visible_plans(user).filter(status=Plan.Status.PUBLISHED)
            .values_list("pk", "number", "title"))
    picked = chosen.pk if chosen is not None else None
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (pk, mark_safe(" selected") if pk == picked else "", clip(number or title, 70))
        for pk, number, title in rows))


def _cell(counts: dict[str, int] | None, links: tuple[str, str], key: tuple[int, str],
          column: str = "", by: str = "", *, labels: dict[str, str]) -> dict[str, Any]:
    """A timeline cell: counts by status, each with the link to exactly the tasks it counts
    (plan, section, status, and the due dates of the column)."""
    counts = counts or {}
    first = last = None
    if column and by:
        year = int(column[:4])
        if by == "month":
            first = date(year, int(column[5:7]), 1)
            last = engine.period_bounds(first, "month")[1]
        else:
            q = int(column[-1])
            first, last = engine.period_bounds(date(year, 3 * q - 2, 1), "quarter")
    base, as_of_query = links
    params = [f"plan={key[0]}", f"section={key[1]}"] if key[1] else [f"plan={key[0]}"]
    if first is not None and last is not None:
        params += [f"due_from={first.isoformat()}", f"due_to={last.isoformat()}"]
    if as_of_query:
        params.append(as_of_query)
    params.append(f"kind={'dated' if first is not None else column}")
    query = "&".join(params)
    # The chip's title made here, not by a filter per chip in the template: a page of the
    # grid has up to 25 plans x 15 columns x 7 statuses of them.
    chips = [(s, counts[s], f"{base}?status={s}&{query}", f"{labels[s]}: {counts[s]}")
             for s in STATUS_ORDER if counts.get(s)]
    return {"total": sum(counts.values()), "first": first, "last": last, "chips": chips}


def _status_labels() -> dict[str, str]:
    """Each status's label in the request's language."""
    return {s: str(STATUS_LABELS[s]) for s in STATUS_ORDER}


def _every_period(columns: list[str], by: str) -> list[str]:
    """Every month or quarter from the first column to the last, empty ones included."""
    if not columns:
        return []
    if by == "month":
        return queries.month_range(columns[0], columns[-1])
    first_year, first_q = int(columns[0][:4]), int(columns[0][-1])
    last_year, last_q = int(columns[-1][:4]), int(columns[-1][-1])
    out = []
    year, q = first_year, first_q
    while (year, q) <= (last_year, last_q) and len(out) < 80:
        out.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


@role_required
def search(request: HttpRequest) -> HttpResponse:
    """Tasks by words (without diacritics too), plan, agency, role, section, status,
    progress, due dates; filtered, counted and paged in the database."""
    form = SearchForm(request.GET or None, user=request.user)
    as_of = asof.as_of(request)
    searched = False
    rows = lists.SearchRows.nothing()
    if form.is_bound and form.is_valid():
        queries.fresh()
        searched = True
        rows = lists.search_rows(request.user, form.cleaned_data, as_of)
    fmt = exports.requested(request)
    if fmt:
        return exports.respond(exports.Export(
            "tim-kiem-nhiem-vu", str(_("Nhiệm vụ")), exports.SEARCH_COLUMNS, rows.tasks), fmt)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = snapshot.task_rows(page.object_list)
    return render(request, "web/search.html", {
        "form": form, "page": page, "searched": searched,
        "count": paginator.count if searched else 0, "capped": rows.capped,
        "params": lists.query_without(request, "page", "export"),
        "exports": exports.links(request),
    })


@role_required
def agency_names(request: HttpRequest) -> JsonResponse:
    """The few agencies whose name holds the words typed (`?q=`), for the agency boxes'
    suggestions: at most `agency_picker.SUGGESTIONS`, never the whole registry."""
    text = request.GET.get("q", "")[:200]
    found = agency_picker.matches(text) if len(text.strip()) >= 2 else []
    return JsonResponse({"results": [{"id": e.pk, "label": e.label} for e in found]})


@role_required
def evidence_file(request: HttpRequest, file_id: int) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, pk=file_id)
    access.access_report(request.user, evidence.report_id)
    return _send(evidence.file, evidence.name)


@role_required
def task_source(request: HttpRequest, task_id: int) -> HttpResponse:
    """The crop of the page the task was read from (PNG), for whoever may read the task."""
    task = access.access_task(request.user, task_id)
    png = sources.crop_png(task)
    if png is None:
        raise Http404("the task has no page region to show")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


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
