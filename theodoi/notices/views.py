"""The notices page: a user's (and its agency's) notices, newest first, marked read one by
one, on opening, or all at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.notices import services
from theodoi.web.views.common import role_required
from theodoi.web.views.pages import PAGE_SIZE


@role_required
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.notices_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "web/notices.html", {"page": page, "params": ""})


@role_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the notice `notice` read, or every notice when `all` is sent."""
    if request.POST.get("all"):
        n = services.mark_read(request.user)
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": n})
    else:
        ids = [int(v) for v in request.POST.getlist("notice") if v.isdigit()]
        services.mark_read(request.user, ids)
    return redirect("web:notices")


@role_required
def open_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark a notice read and go where it points (only within this site)."""
    notice = services.notices_for(request.user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("no such notice")
    services.mark_read(request.user, [notice.pk])
    link = notice.link if notice.link.startswith("/") and not notice.link.startswith(
        "//") else ""
    return HttpResponseRedirect(link or "/")
