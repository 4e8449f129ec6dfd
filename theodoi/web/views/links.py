"""The cascade: proposing and deciding which parent task each task of a plan implements, and
which tasks are the same work given twice to one agency."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.tracking import access
from theodoi.tracking.models import TaskLink
from theodoi.tracking.services import links as link_services
from theodoi.tracking.services.plans import parent_plans
from theodoi.web import preview
from theodoi.web.views.common import role_required

PAGE_SIZE = 50


@role_required
def plan_links(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan's proposed and decided links to the tasks of the plans it implements."""
    plan = access.access_plan(request.user, plan_id)
    access.ensure_coordinator(request.user)
    state = request.GET.get("state", TaskLink.State.PROPOSED)
    if state not in TaskLink.State.values:
        state = TaskLink.State.PROPOSED
    mine = TaskLink.objects.filter(task__plan=plan, kind=TaskLink.Kind.IMPLEMENTS)
    links = (mine.filter(state=state)
             .select_related("task", "parent__plan").order_by("task__order", "-score"))
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(mine.values_list("state").annotate(n=Count("id")))
    return render(request, "web/plan_links.html", {
        "plan": plan, "page": page, "state": state, "params": f"state={state}",
        "states": [(code, label, counts.get(code, 0)) for code, label in TaskLink.State.choices],
        "parents": parent_plans(plan),
    })


@role_required
@require_POST
def propose(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    made = link_services.propose_links(plan, user=request.user)
    if made:
        messages.success(request, _("Đã đề xuất %(n)s liên kết mới để xác nhận.") % {"n": made})
    else:
        messages.info(request, _("Không có đề xuất mới: kế hoạch cấp trên chưa có trong hệ "
                                 "thống, hoặc không có nhiệm vụ nào đủ giống."))
    return redirect("web:plan-links", plan.pk)


@role_required
def plan_duplicates(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan's tasks proposed as the same work as another task of one of its agencies (in
    this plan or another plan of its issuer), for the coordinator to confirm or reject."""
    plan = access.access_plan(request.user, plan_id)
    access.ensure_coordinator(request.user)
    state = request.GET.get("state", TaskLink.State.PROPOSED)
    if state not in TaskLink.State.values:
        state = TaskLink.State.PROPOSED
    mine = TaskLink.objects.filter(Q(task__plan=plan) | Q(parent__plan=plan),
                                   kind=TaskLink.Kind.DUPLICATE)
    links = (mine.filter(state=state).select_related("task__plan", "parent__plan", "decided_by")
             .order_by("task__plan_id", "task__order", "-score"))
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(mine.values_list("state").annotate(n=Count("id")))
    return render(request, "web/plan_duplicates.html", {
        "plan": plan, "page": page, "state": state, "params": f"state={state}",
        "states": [(code, label, counts.get(code, 0)) for code, label in TaskLink.State.choices],
    })


@role_required
@require_POST
def propose_duplicates(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    made = link_services.propose_duplicates(plan, user=request.user,
                                             registry=preview.registry())
    if made:
        messages.success(request, _("Đã đề xuất %(n)s cặp nhiệm vụ trùng lặp để xác nhận.")
                         % {"n": made})
    else:
        messages.info(request, _("Không có đề xuất mới: không có hai nhiệm vụ nào của cùng một "
                                 "cơ quan chủ trì đủ giống nhau."))
    return redirect("web:plan-duplicates", plan.pk)


@role_required
@require_POST
def decide(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(TaskLink.objects.select_related("task"), pk=link_id)
    access.access_plan(request.user, link.task.plan_id)
    link_services.decide_link(link, user=request.user,
                              confirm=request.POST.get("decision") == "confirm")
    if link.kind == TaskLink.Kind.DUPLICATE:
        back = request.POST.get("plan")
        return redirect("web:plan-duplicates", int(back) if str(back).isdigit()
                        else link.task.plan_id)
    return redirect("web:plan-links", link.task.plan_id)
