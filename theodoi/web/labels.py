"""Vietnamese labels (translated to English by theodoi/locale) for the codes pages show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from theodoi.tracking import status as engine

STATUS_LABELS = {
    engine.NOT_STARTED: _("Chưa bắt đầu"),
    engine.IN_PROGRESS: _("Đang thực hiện"),
    engine.DUE_SOON: _("Sắp đến hạn"),
    engine.OVERDUE: _("Quá hạn"),
    engine.DONE: _("Hoàn thành"),
    engine.DONE_LATE: _("Hoàn thành muộn"),
    engine.AWAITING_DATE: _("Chờ xác định hạn"),
}

# The order statuses are shown in: most urgent first.
STATUS_ORDER = (
    engine.OVERDUE,
    engine.DUE_SOON,
    engine.AWAITING_DATE,
    engine.IN_PROGRESS,
    engine.NOT_STARTED,
    engine.DONE_LATE,
    engine.DONE,
)

# Progress, a second dimension beside the status ("Quá hạn · 60%").
PROGRESS_LABELS = {
    engine.PROGRESS_NOT_STARTED: _("Chưa bắt đầu"),
    engine.PROGRESS_IN_PROGRESS: _("Đang thực hiện"),
    engine.PROGRESS_AWAITING_REVIEW: _("Chờ duyệt hoàn thành"),
    engine.PROGRESS_DONE: _("Đã hoàn thành"),
}
PROGRESS_ORDER = (
    engine.PROGRESS_NOT_STARTED,
    engine.PROGRESS_IN_PROGRESS,
    engine.PROGRESS_AWAITING_REVIEW,
    engine.PROGRESS_DONE,
)

REPORT_STATUS_LABELS = {
    engine.REPORT_NOT_STARTED: _("Chưa bắt đầu"),
    engine.REPORT_IN_PROGRESS: _("Đang thực hiện"),
    engine.REPORT_DONE: _("Đã hoàn thành"),
    engine.REPORT_CANNOT_DO: _("Không thể thực hiện"),
}

REVIEW_LABELS = {
    engine.REVIEW_PENDING: _("Chờ duyệt"),
    engine.REVIEW_ACCEPTED: _("Đã chấp nhận"),
    engine.REVIEW_RETURNED: _("Bị trả lại"),
    engine.REVIEW_NOT_REQUIRED: _("Đóng góp cho cơ quan chủ trì"),
    engine.REVIEW_WITHDRAWN: _("Đã rút"),
}

ROLE_LABELS = {
    "coordinator": _("Điều phối"),
    "reporter": _("Báo cáo viên"),
    "leader": _("Lãnh đạo"),
}

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

ROLE_IN_TASK_LABELS = {"lead": _("Chủ trì"), "partner": _("Phối hợp")}

PLAN_STATUS_LABELS = {"draft": _("Bản nháp"), "published": _("Đã ban hành")}
