"""The question box: a question in Vietnamese read into the filters of the lists."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from theodoi.tracking import access
from theodoi.tracking import status as engine
from theodoi.web import asof, preview, questions
from theodoi.web.views.common import role_required

EXAMPLES = (
    "Nhiệm vụ nào của Bộ Công an quá hạn?",
    "Tỉnh nào chưa báo cáo quý III?",
    "Tiến độ Đề án 06 ở Cần Thơ",
    "Nhiệm vụ chủ trì của Bộ Tài chính sắp đến hạn",
    "Nhiệm vụ về cơ sở dữ liệu hoàn thành muộn",
)


@role_required
def ask(request: HttpRequest) -> HttpResponse:
    """Read the question: a list of tasks goes to the search page with its filters set
    (shown and editable there); "which agencies have not reported" is answered here."""
    question = request.GET.get("q", "").strip()[:300]
    if not question:
        return render(request, "web/ask.html", {"examples": EXAMPLES})
    on = asof.as_of(request)
    reading = questions.read_question(question, user=request.user,
                                      registry=preview.registry(), on=on)
    context = {"question": question, "reading": reading, "examples": EXAMPLES}
    if not reading.understood_anything or reading.unassigned:
        return render(request, "web/ask.html", context)
    if reading.intent == questions.UNREPORTED:
        plans = access.visible_plans(request.user)
        context["rows"] = questions.unreported(reading, plans, on)
        context["period"] = reading.period or engine.period_bounds(on, "quarter")
        return render(request, "web/ask.html", context)
    understood = " · ".join(f"{what}: {value}" for what, value in reading.understood)
    messages.info(request, _("Câu hỏi «%(q)s» được hiểu là: %(u)s. Có thể sửa bộ lọc bên "
                             "dưới.") % {"q": question, "u": understood})
    if reading.unknown:
        messages.warning(request, _("Chưa hiểu: %(w)s") % {"w": ", ".join(reading.unknown)})
    params = dict(reading.filters)
    query = asof.query(request)
    url = f"{reverse('web:search')}?{urlencode(params)}"
    return redirect(f"{url}&{query}" if query else url)
