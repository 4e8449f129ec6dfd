"""Labels for the codes pages show: the glossary's words (theodoi/glossary.py), translated
to English by theodoi/locale; the labels only the pages use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from theodoi import glossary
from theodoi.tracking import status as engine


def _lazy(labels: dict[str, str]) -> dict[str, Any]:
    """The glossary's labels translated when shown (the English pages)."""
    return {code: _(text) for code, text in labels.items()}


STATUS_LABELS = _lazy(glossary.STATUS)
# The order statuses are shown in: most urgent first.
STATUS_ORDER = glossary.STATUS_ORDER

# Progress, a second dimension beside the status ("Quá hạn · 60%").
PROGRESS_LABELS = _lazy(glossary.PROGRESS)
PROGRESS_ORDER = (
    engine.PROGRESS_NOT_STARTED,
    engine.PROGRESS_IN_PROGRESS,
    engine.PROGRESS_AWAITING_REVIEW,
    engine.PROGRESS_DONE,
)

REPORT_STATUS_LABELS = _lazy(glossary.REPORT_STATUS)
REVIEW_LABELS = _lazy(glossary.REVIEW)
ROLE_LABELS = _lazy(glossary.USER_ROLE)

DUE_KIND_LABELS = {
    "date": _("Ngày cụ thể"),
    "month": _("Trong tháng"),
    "quarter": _("Trong quý"),
    "half": _("Nửa năm"),
    "year": _("Trong năm"),
    "range": _("Khoảng thời gian"),
    "recurring": _("Định kỳ"),
    "ongoing": _("Thường xuyên"),
    "per_plan": _("Theo kế hoạch được duyệt"),
    "conditional": _("Có điều kiện"),
    "none": _("Không ghi thời hạn"),
}

EVERY_LABELS = {
    "week": _("hằng tuần"),
    "month": _("hằng tháng"),
    "quarter": _("hằng quý"),
    "half": _("6 tháng một lần"),
    "year": _("hằng năm"),
}

FLAG_LABELS = {
    "": _("Theo danh mục cơ quan"),
    "unknown": _("Tên không có trong danh mục cơ quan"),
    "no_agency": _("Không có cơ quan cụ thể để giao"),
    "chosen": _("Do điều phối viên chọn"),
    "group": _("Nhóm phối hợp: cơ quan liên quan"),
}

ROLE_IN_TASK_LABELS = _lazy(glossary.ROLE_IN_TASK)

PLAN_STATUS_LABELS = {"draft": _("Bản nháp"), "published": _("Đã ban hành")}
