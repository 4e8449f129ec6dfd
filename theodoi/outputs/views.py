"""Download and upload pages of the documents. Each view checks access, reads its input and
asks the renderer registry for the document; no document logic lives here."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import render as render_page
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from theodoi.outputs import registry
from theodoi.outputs.access import access_agency, access_agency_for_letter, agency_for_export
from theodoi.outputs.excel import build_sheet, import_progress
from theodoi.outputs.ical import agency_calendar, plan_calendar
from theodoi.outputs.letter import NothingToUrge, build_letter
from theodoi.outputs.models import CalendarFeed
from theodoi.outputs.report import build_report
from theodoi.tracking.access import access_plan
from theodoi.tracking.models import Agency, Plan, Role, role_of
from theodoi.web.asof import as_of_problem

MAX_UPLOAD = 10 * 1024 * 1024


class BadDate(ValueError):
    pass


def as_of_from(request: HttpRequest) -> date:
    """The `as_of` query parameter (2024-06-30) within the bounds of `web.asof`, today when
    absent."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return timezone.localdate()
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise BadDate(f"ngày không hợp lệ: {text} (dạng 2024-06-30)") from exc
    problem = as_of_problem(day)
    if problem:
        raise BadDate(problem)
    return day


def download(rendered: registry.Rendered, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.media_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    return response


def _bad(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def letter(request: HttpRequest, agency: str) -> HttpResponse:
    """The urging letter to an agency (DOCX), as of `?as_of=`."""
    target = access_agency_for_letter(request.user, agency)
    try:
        built = build_letter(target, as_of_from(request))
    except BadDate as exc:
        return _bad(str(exc))
    except NothingToUrge as exc:
        raise Http404(str(exc)) from exc
    return download(registry.render("letter", "docx", built))


@login_required
@require_GET
def report(request: HttpRequest, plan_id: int, format: str) -> HttpResponse:
    """The periodic report of a plan in `format` (docx, pdf, html), as of `?as_of=`."""
    plan = access_plan(request.user, plan_id)
    if format not in registry.formats("report"):
        raise Http404(f"no report format {format!r}")
    try:
        built = build_report(plan, as_of_from(request))
    except BadDate as exc:
        return _bad(str(exc))
    response = download(registry.render("report", format, built), inline=format in ("pdf", "html"))
    if format == "html":
        # The report is a standalone document with its stylesheet inside; scripts stay
        # refused. (What csp.decorators.csp_update sets, for this format only.)
        response._csp_update = {"style-src": ["'self'", "'unsafe-inline'"]}
    return response


@login_required
@require_GET
def export(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's tasks and assignments in Excel (a reporter gets its own agency's rows)."""
    plan = access_plan(request.user, plan_id)
    wanted = None
    if request.GET.get("agency"):
        wanted = Agency.objects.filter(registry_id=request.GET["agency"]).first()
        if wanted is None:
            raise Http404("no such agency")
    try:
        as_of = as_of_from(request)
    except BadDate as exc:
        return _bad(str(exc))
    sheet = build_sheet(plan, as_of, agency_for_export(request.user, wanted))
    return download(registry.render("tasks", "xlsx", sheet))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """A form to upload a filled-in task sheet; the errors by row and column, or the count."""
    # Who may write reports at all is known before a byte of the workbook is read: a
    # leader or a user without a role never costs the server a parse.
    if role_of(request.user) not in (Role.COORDINATOR, Role.REPORTER):
        raise PermissionDenied("only a coordinator or an agency reporter imports progress")
    context: dict = {"errors": [], "reports": None}
    status = 200
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            context["errors"] = [_("Chưa chọn tệp Excel (.xlsx).")]
            status = 400
        elif upload_file.size > MAX_UPLOAD:
            context["errors"] = [_("Tệp lớn hơn 10 MB.")]
            status = 400
        else:
            result = import_progress(upload_file.read(), request.user)
            if result.ok:
                context["reports"] = result.reports
            else:
                context["errors"] = [str(e) for e in result.errors]
                status = 400
    return render_page(request, "outputs/upload.html", context, status=status)


@login_required
@require_GET
def agency_calendar_file(request: HttpRequest, agency: str) -> HttpResponse:
    target = access_agency(request.user, agency)
    return download(registry.render("calendar", "ics", agency_calendar(target)))


@login_required
@require_GET
def plan_calendar_file(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    return download(registry.render("calendar", "ics", plan_calendar(plan)))


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A subscribed calendar: no sign-in, the secret address is the key (published plans only)."""
    feed = CalendarFeed.objects.select_related("agency", "plan").filter(token=token).first()
    if feed is None:
        raise Http404("no such calendar")
    if feed.agency is not None:
        calendar = agency_calendar(feed.agency)
    elif feed.plan is not None and feed.plan.status == Plan.Status.PUBLISHED:
        calendar = plan_calendar(feed.plan)
    else:
        raise Http404("no such calendar")
    return download(registry.render("calendar", "ics", calendar), inline=True)
