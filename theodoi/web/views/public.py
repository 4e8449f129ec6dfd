"""A plan's public progress page (no login), opened by a coordinator: which tasks are
done, on time, late, by agency; never report texts, evidence or who wrote them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.tracking import access, queries, services
from theodoi.tracking.models import Assignment, Plan, today
from theodoi.web import snapshot
from theodoi.web.views.common import role_required


def public_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Today's progress of a plan its coordinators made public (404 otherwise: a closed
    page and a plan that does not exist look the same)."""
    plan = get_object_or_404(Plan, pk=plan_id)
    if not plan.is_public:
        raise Http404("not public")
    queries.fresh()
    day = today()
    tasks = queries.with_state(queries.counted_tasks([plan.pk]).select_related("section")
                               .defer("search"), day).order_by("order")
    titles = {s.code: s.title for s in plan.sections.filter(parent__isnull=True)}
    totals = queries.total_counts([plan.pk], day)
    parts = queries.part_counts(day, plans=[plan.pk])
    ranking = snapshot.agency_ranking(day, counts={
        key: counts for key, counts in parts.items() if key[1] == Assignment.LEAD})
    return render(request, "web/public_plan.html", {
        "plan": plan, "rows": [snapshot.task_row(t) for t in tasks], "titles": titles,
        "counts": snapshot.status_counts(totals), "total": totals.total,
        "done_percent": snapshot.share(totals.done, totals.total),
        "rate": totals.on_time_rate, "ranking": ranking, "day": day,
    })


@role_required
@require_POST
def set_public(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    public = request.POST.get("public") == "1"
    try:
        services.set_public(plan, user=request.user, public=public)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã công khai tiến độ kế hoạch: ai có đường dẫn đều xem "
                                    "được, không cần đăng nhập.") if public else
                         _("Đã thôi công khai tiến độ kế hoạch."))
    return redirect("web:plan", plan.pk)
