"""The periodic report as a Word document, from the template `templates/periodic_report.docx`."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from theodoi.outputs.letter import DOCX
from theodoi.outputs.registry import renderer
from theodoi.outputs.report import PlanReport, report_charts, report_context

TEMPLATE = Path(__file__).resolve().parent / "templates" / "periodic_report.docx"
CHART_WIDTH_MM = 160


@renderer("report", "docx", DOCX, "Báo cáo định kỳ (Word)")
def report_docx(report: PlanReport) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    # InlineImage needs the template object it goes into, so the template is opened here.
    document = DocxTemplate(str(TEMPLATE))
    context = report_context(report)
    charts = report_charts(report)
    for name in ("sections", "agencies", "targets"):
        png = getattr(charts, name)
        context[f"chart_{name}"] = (
            InlineImage(document, BytesIO(png), width=Mm(CHART_WIDTH_MM)) if png else ""
        )
    for row in context["targets"]:
        if row.get("measured"):  # the Word table has no column for it: under the text
            row["text"] = f"{row['text']} ({row['measured']})"
    if not context["targets"]:
        context["targets"] = [{"text": "Kế hoạch không có chỉ tiêu định lượng.", "goal": "",
                               "unit": "", "current": "", "percent": "",
                               "measured": ""}]
    document.render(context, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()

