"""The coordinator's review queue: every report awaiting review, oldest first, filtered and
paged in SQL; accepted or returned in place, one or several at once, through
`services.review_reports` (the rules are `review_report`'s)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.tracking import access, services
from theodoi.tracking.models import Plan, ProgressReport, today
from theodoi.web.agency_picker import AgencyField
from theodoi.web.views.common import role_required
from theodoi.web.views.pages import PAGE_SIZE

AGES = (1, 3, 7, 14, 30)


class QueueFilter(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False,
                                  label=gettext_lazy("Kế hoạch"))
    # Typed (agency_picker): the agencies with a report waiting were most of the country's
    # (3,534 options at the 20k-task benchmark).
    agency = AgencyField(label=gettext_lazy("Cơ quan"))
    age = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=0, label=gettext_lazy("Chờ duyệt"),
        choices=[("", gettext_lazy("bao lâu cũng được"))]
        + [(n, gettext_lazy("từ %(n)s ngày trở lên") % {"n": n}) for n in AGES])

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = access.visible_plans(user).filter(
            status=Plan.Status.PUBLISHED).order_by("-date", "-id")


class QueueAction(forms.Form):
    """One decision for the reports ticked (`report`), or for one row's own button (`one`:
    "accept:12", "return:12", with that row's reason)."""

    decision = forms.ChoiceField(choices=[("accept", gettext_lazy("Chấp nhận")),
                                          ("return", gettext_lazy("Trả lại"))])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label=gettext_lazy("Lý do trả lại"))

    def __init__(self, data: Any, **kwargs: Any):
        data = data.copy()
        one = data.get("one", "")
        if ":" in one:
            decision, _sep, report_id = one.partition(":")
            data.setlist("report", [report_id])
            data["decision"] = decision
            data["reason"] = data.get(f"reason-{report_id}", "") or data.get("reason", "")
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Any id: the service refuses what the user may not review, one result each.
        data["report"] = [int(v) for v in self.data.getlist("report") if str(v).isdigit()]
        if not data["report"]:
            raise forms.ValidationError(_("Chưa chọn báo cáo nào."))
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("Hãy ghi lý do để đơn vị biết cần sửa gì."))
        return data


def pending(user: Any) -> QuerySet[ProgressReport]:
    """The reports awaiting review that `user` may review (nothing for other roles)."""
    if not access.is_coordinator(user):
        return ProgressReport.objects.none()
    # A coordinator reviews every plan's reports (access.py): no join, the index alone.
    return ProgressReport.objects.filter(review_state=ProgressReport.Review.PENDING)


BADGE_MAX = 99  # the navigation's badge reads "99+" above this


def pending_count(user: Any) -> int:
    """The navigation's count, at most BADGE_MAX + 1: one COUNT over a LIMIT (every page of
    a coordinator shows it; the whole count scanned every pending report: 0.2 s at 20k
    tasks, growing with the reports stored; the queue page counts them all)."""
    return pending(user).order_by()[:BADGE_MAX + 1].count()


ERRORS = {
    "this report was already reviewed": gettext_lazy("đã được duyệt trước đó"),
    "returning a report needs a reason": gettext_lazy("trả lại cần có lý do"),
}


def _label(report: ProgressReport | None, report_id: int) -> str:
    if report is None:
        return _("Báo cáo số %(id)s") % {"id": report_id}
    task = report.assignment.task
    agency = report.assignment.agency.name if report.assignment.agency_id else (
        report.assignment.printed_name)
    return f"{task.code} · {agency}"


def _act(request: HttpRequest) -> None:
    form = QueueAction(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return
    data = form.cleaned_data
    accept = data["decision"] == "accept"
    results = services.review_reports(data["report"], request.user, accept, data["reason"])
    done = [r for r in results if r.ok]
    if done:
        verb = _("đã chấp nhận") if accept else _("đã trả lại")
        messages.success(request, _("%(n)s báo cáo %(verb)s: %(which)s") % {
            "n": len(done), "verb": verb,
            "which": "; ".join(_label(r.report, r.report_id) for r in done)})
    for r in results:
        if not r.ok:
            found = ProgressReport.objects.select_related(
                "assignment__task", "assignment__agency").filter(pk=r.report_id).first()
            messages.error(request, _("%(which)s: không duyệt được (%(why)s)") % {
                "which": _label(found, r.report_id), "why": ERRORS.get(r.error, r.error)})


@role_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Reports awaiting review, oldest first; POST accepts or returns the ones chosen."""
    access.ensure_coordinator(request.user)
    if request.method == "POST":
        _act(request)
        # Back to the same filters and page (what was reviewed has left the list).
        return HttpResponseRedirect(request.get_full_path())
    form = QueueFilter(request.GET or None, user=request.user)
    qs = pending(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("plan"):
            qs = qs.filter(assignment__task__plan=data["plan"])
        if data.get("agency"):
            qs = qs.filter(assignment__agency=data["agency"])
        if data.get("age"):
            # Waiting N days: written on day D or before, D = today - N (local days).
            start = timezone.make_aware(
                datetime.combine(today() - timedelta(days=data["age"] - 1), time.min))
            qs = qs.filter(created_at__lt=start)
    qs = (qs.select_related("assignment", "assignment__task", "assignment__task__plan",
                            "assignment__agency", "author")
          .annotate(n_files=Count("files"))
          .order_by("created_at", "id"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    day = today()
    rows = [{"report": r, "days": (day - timezone.localdate(r.created_at)).days,
             "evidence": r.n_files + len(r.links or [])} for r in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/queue.html", {
        "form": form, "page": page, "rows": rows, "params": params.urlencode(),
        "count": page.paginator.count,
    })
