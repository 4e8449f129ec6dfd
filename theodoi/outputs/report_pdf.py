"""The periodic report as PDF: the HTML template `templates/outputs/report.html` printed by
WeasyPrint, with its fonts embedded."""

from __future__ import annotations

import base64
from pathlib import Path

from django.template.loader import render_to_string

from theodoi.outputs.registry import renderer
from theodoi.outputs.report import PlanReport, report_charts, report_context

CSS = Path(__file__).resolve().parent / "templates" / "outputs" / "report.css"


def _data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


def report_html(report: PlanReport) -> str:
    """The report as one self-contained HTML page (styles and charts inside)."""
    context = report_context(report)
    charts = report_charts(report)
    context.update(
        # The Word template's task table ends with the annex note; the page prints it apart.
        detail=[row for row in context["tasks"] if not row.get("is_note")],
        urgent=[
            ("V. NHIỆM VỤ QUÁ HẠN", context["overdue"], context["overdue_left"],
             "Không có nhiệm vụ quá hạn."),
            ("VI. NHIỆM VỤ SẮP ĐẾN HẠN", context["due_soon"], context["due_soon_left"],
             "Không có nhiệm vụ sắp đến hạn."),
        ],
        css=CSS.read_text(encoding="utf-8"),
        chart_sections=_data_uri(charts.sections),
        chart_agencies=_data_uri(charts.agencies),
        chart_targets=_data_uri(charts.targets),
    )
    return render_to_string("outputs/report.html", context)


@renderer("report", "pdf", "application/pdf", "Báo cáo định kỳ (PDF)")
def report_pdf(report: PlanReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report), base_url=str(CSS.parent)).write_pdf()


@renderer("report", "html", "text/html; charset=utf-8", "Báo cáo định kỳ (trang web)")
def report_page(report: PlanReport) -> bytes:
    return report_html(report).encode("utf-8")
