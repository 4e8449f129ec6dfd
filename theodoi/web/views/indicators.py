"""Indicators from national systems (coordinators): upload an export -> preview (rows
understood, rows not) -> confirm; the indicators held and the targets they measure."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from theodoi.tracking import access
from theodoi.tracking.models import Indicator, IndicatorImport, Plan, Target
from theodoi.tracking.services import indicators as service
from theodoi.web.views.common import role_required

MAX_UPLOAD = service.MAX_BYTES
PREVIEW_ROWS = 200
SUGGESTION_POOL = 500


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp số liệu (CSV hoặc Excel .xlsx)"),
                           allow_empty_file=True)
    system = forms.CharField(label=gettext_lazy("Hệ thống nguồn"), required=False,
                             max_length=100,
                             help_text=gettext_lazy("Để trống: hệ thống tự nhận (DTI, EMC)."))
    period = forms.CharField(label=gettext_lazy("Kỳ số liệu"), required=False, max_length=30,
                             help_text=gettext_lazy(
                                 "Khi tệp không ghi năm, ví dụ 2024, Quý III/2024, 30/06/2024."))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        return upload


@role_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload an export of a national system (coordinators); nothing is written yet."""
    access.ensure_coordinator(request.user)
    posted = request.method == "POST"
    form = IndicatorUploadForm(request.POST if posted else None,
                               request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        record, _preview = service.start_import(
            request.user, data["file"].read(), data["file"].name or "",
            system=data["system"], period=data["period"])
        return redirect("web:indicator-import", record.pk)
    recent = IndicatorImport.objects.select_related("created_by")[:10]
    return render(request, "web/indicator_upload.html", {"form": form, "recent": recent},
                  status=400 if form.errors else 200)


@role_required
def preview(request: HttpRequest, import_id: int) -> HttpResponse:
    """What the file holds (rows understood, rows not); POST confirms and writes it."""
    access.ensure_coordinator(request.user)
    record = get_object_or_404(IndicatorImport, pk=import_id)
    if request.method == "POST" and record.confirmed_at is None:
        try:
            done = service.confirm_import(request.user, record)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("web:indicator-import", record.pk)
        messages.success(request, _(
            "Đã nhập %(written)d giá trị từ %(file)s; %(skipped)d giá trị đã có từ trước.") % {
            "written": done.written, "file": done.file_name, "skipped": done.skipped})
        return redirect("web:indicators")
    shown = service.preview_of(record)
    return render(request, "web/indicator_preview.html", {
        "record": record, "preview": shown, "rows": shown.rows[:PREVIEW_ROWS],
        "more": max(0, len(shown.rows) - PREVIEW_ROWS),
    })


@role_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The indicators held, their latest period, the targets they measure, suggestions."""
    access.ensure_coordinator(request.user)
    held = list(Indicator.objects.annotate(count=Count("values"), last=Max("values__on"))
                .prefetch_related("mappings__target__plan").order_by("system", "name"))
    # Suggestions come from the targets of the most recent published plans only.
    pool = list(Target.objects.filter(plan__status=Plan.Status.PUBLISHED)
                .select_related("plan").order_by("-plan__date", "-plan_id", "order")
                [:SUGGESTION_POOL])
    suggester = service.TargetSuggester(pool)
    rows = []
    for indicator in held:
        mapped = {m.target_id for m in indicator.mappings.all()}
        suggested = [t for t, _score in suggester.best(indicator, limit=5)
                     if t.pk not in mapped]
        rows.append({"indicator": indicator, "mappings": list(indicator.mappings.all()),
                     "suggested": suggested})
    return render(request, "web/indicators.html", {"rows": rows})


def _back(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return None


@role_required
@require_POST
def map_target(request: HttpRequest) -> HttpResponse:
    """Map an indicator to a target (or undo it, `remove`), then go back."""
    access.ensure_coordinator(request.user)
    try:
        indicator = Indicator.objects.get(pk=int(request.POST.get("indicator", "")))
        target = Target.objects.select_related("plan").get(pk=int(request.POST.get("target", "")))
    except (ValueError, Indicator.DoesNotExist, Target.DoesNotExist):
        messages.error(request, _("Hãy chọn chỉ số và chỉ tiêu."))
        return redirect(_back(request) or "web:indicators")
    access.access_plan_for_edit(request.user, target.plan_id)
    if request.POST.get("remove") == "1":
        service.unmap_indicator(request.user, indicator, target)
        messages.success(request, _("Đã bỏ gắn chỉ số “%(indicator)s” khỏi chỉ tiêu.") % {
            "indicator": indicator.name})
    else:
        service.map_indicator(request.user, indicator, target)
        messages.success(request, _("Đã gắn chỉ số “%(indicator)s” với chỉ tiêu “%(target)s”.")
                         % {"indicator": indicator.name, "target": str(target)})
    return redirect(_back(request) or "web:indicators")
