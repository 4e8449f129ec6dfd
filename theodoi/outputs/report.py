"""The periodic report of a plan on a date (báo cáo định kỳ): the numbers every format shows.

`build_report(plan, as_of)` reads the database once and returns a `PlanReport`;
`report_docx` and `report_pdf` only lay it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce

from theodoi import glossary
from theodoi.outputs.labels import (
    REPORT_STATUS_LABELS,
    STATUS_ORDER,
    Issuer,
    number,
    percent,
    place_and_date,
    status_label,
    vn_date,
)
from theodoi.registry.text import fold
from theodoi.registry.titles import heading_name
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Assignment, Plan, ProgressReport, Task
from theodoi.tracking.services.indicators import IndicatorReading, readings_for


@dataclass
class ReportCounts:
    """How many tasks (or assignments) are in each status."""

    by_status: Counter = field(default_factory=Counter)

    def add(self, status: str) -> None:
        self.by_status[status] += 1

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def done(self) -> int:
        return self.by_status[engine.DONE] + self.by_status[engine.DONE_LATE]

    @property
    def overdue(self) -> int:
        return self.by_status[engine.OVERDUE]

    @property
    def due_soon(self) -> int:
        return self.by_status[engine.DUE_SOON]

    @property
    def in_progress(self) -> int:
        return self.by_status[engine.IN_PROGRESS]

    @property
    def not_started(self) -> int:
        return self.by_status[engine.NOT_STARTED]

    @property
    def awaiting_date(self) -> int:
        return self.by_status[engine.AWAITING_DATE]

    @property
    def done_rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        return engine.on_time_rate(self.by_status.elements())

    @property
    def percent(self) -> str:
        return percent(self.done_rate)

    def ordered(self) -> list[tuple[str, int]]:
        """(status, count) for every status present, most urgent first."""
        return [(s, self.by_status[s]) for s in STATUS_ORDER if self.by_status[s]]


@dataclass
class ReportSectionRow(ReportCounts):
    code: str = ""
    title: str = ""

    @property
    def label(self) -> str:
        if not self.code:
            return self.title or "Toàn bộ kế hoạch"
        return f"{self.code}. {self.title}" if self.title else f"{glossary.SECTION} {self.code}"


@dataclass
class ReportAgencyRow(ReportCounts):
    name: str = ""
    partner: int = 0


@dataclass(frozen=True)
class LatestReport:
    """The newest report (not returned) on a task's lead assignments, as of the report date."""

    agency: str
    on: date
    status: str
    percent: int | None
    text: str
    review: str

    def summary(self) -> str:
        parts = [f"{vn_date(self.on)}, {heading_name(self.agency)}: "
                 f"{REPORT_STATUS_LABELS.get(self.status, '')}"]
        if self.percent is not None:
            parts[0] += f" ({self.percent}%)"
        if self.text:
            parts.append(self.text if len(self.text) <= 300 else self.text[:297] + "...")
        return ". ".join(parts)


@dataclass
class TaskRow:
    code: str
    name: str
    lead: str
    deadline: str
    due: date | None
    status: str
    latest: LatestReport | None
    is_heading: bool = False
    depth: int = 0

    @property
    def status_label(self) -> str:
        return "" if self.is_heading else status_label(self.status)

    @property
    def due_label(self) -> str:
        when = vn_date(self.due)
        printed = self.deadline.strip()
        if when and printed and printed != when:
            return f"{printed} ({when})"
        return printed or when


@dataclass
class TargetRow:
    text: str
    goal: Decimal | None
    unit: str
    current: Decimal | None
    progress: float | None
    # What national systems measured for it (docs/indicators.md), one line per indicator.
    measured: list[str] = field(default_factory=list)

    @property
    def percent(self) -> str:
        return percent(self.progress)


@dataclass
class PlanReport:
    """Everything the periodic report of `plan` shows on `as_of`."""

    plan: Plan
    as_of: date
    totals: ReportCounts
    sections: list[ReportSectionRow]
    agencies: list[ReportAgencyRow]
    tasks: list[TaskRow]
    targets: list[TargetRow]
    issuer: Issuer = field(default_factory=Issuer)
    # The most urgent first (oldest due date), at most LIST_ROWS each; the totals count all.
    overdue: list[TaskRow] = field(default_factory=list)
    due_soon: list[TaskRow] = field(default_factory=list)

    @property
    def tasks_shown(self) -> int:
        """How many counted tasks the detail list prints (`tasks` holds headings too)."""
        return sum(1 for t in self.tasks if not t.is_heading)

    @property
    def tasks_left(self) -> int:
        """Counted tasks the detail list leaves to the Excel annex."""
        return self.totals.total - self.tasks_shown

    @property
    def agencies_shown(self) -> list[ReportAgencyRow]:
        """The agencies the by-agency table prints: the first `AGENCY_ROWS`, in its order."""
        return self.agencies[:AGENCY_ROWS]

    @property
    def agencies_left(self) -> int:
        """Agencies the by-agency table leaves to the Excel annex."""
        return len(self.agencies) - len(self.agencies_shown)

    @property
    def agency_totals(self) -> ReportAgencyRow:
        """The by-agency table's totals row: the sums over every agency, printed or not."""
        row = ReportAgencyRow(name="Tổng cộng")
        for agency in self.agencies:
            row.by_status.update(agency.by_status)
            row.partner += agency.partner
        return row

    @property
    def filename_stem(self) -> str:
        return f"bao-cao-ke-hoach-{self.plan.pk}-{self.as_of.isoformat()}"

    def summary_text(self) -> str:
        """ "3 nhiệm vụ hoàn thành, 2 quá hạn, ..." in the order of urgency."""
        parts = [f"{count} nhiệm vụ {status_label(s).lower()}" for s, count in
                 self.totals.ordered()]
        return "; ".join(parts) if parts else "chưa có nhiệm vụ nào"


def heading_codes(tasks: list[Task]) -> set[str]:
    """Codes of heading rows (a row with rows under it): shown as headings, not counted, by
    the one counting rule every page, the API and the Excel sheets use."""
    return {t.code for t in tasks if t.has_children}


def latest_report(task: Task, as_of: date) -> LatestReport | None:
    """The newest report on the task's lead assignments written by `as_of` and still standing
    (not returned, not withdrawn)."""
    best: tuple[ProgressReport, str] | None = None
    for assignment in task.lead_assignments():
        for report in assignment.report_list():
            fact = report.as_fact()
            if not fact.visible(as_of) or fact.set_aside(as_of):
                continue
            if best is None or (report.created_at, report.pk) > (best[0].created_at, best[0].pk):
                agency = assignment.agency.name if assignment.agency else assignment.printed_name
                best = (report, agency)
    if best is None:
        return None
    report, agency = best
    fact = report.as_fact()
    review = report.review_state if fact.accepted(as_of) else engine.REVIEW_PENDING
    return LatestReport(agency, fact.on, report.status, report.percent, report.text, review)


# What a periodic report prints of the task list: the overdue and due-soon tasks (most
# urgent first) and the plan's first rows in their printed order, each list capped; the
# whole list is the Excel annex (`tasks.xlsx`), and the report says so. The layout of the
# PDF costs in proportion to the rows printed (a 5,000-task plan was 26 s of WeasyPrint).
LIST_ROWS = 20
DETAIL_ROWS = 40
# The by-agency table likewise prints the agencies leading the most tasks, at most this
# many (a province plan has ~150: two thirds of the PDF's cells), then a note and a totals
# row over every agency; each agency's rows are in the Excel annex.
AGENCY_ROWS = 30


def _report_tasks(plan: Plan, as_of: date) -> QuerySet[Task]:
    """The plan's current rows with `report_status`: their state on `as_of`, else their
    stored status."""
    return queries.with_state(Task.objects.filter(plan=plan).current().defer("search"),
                              as_of).annotate(report_status=Coalesce("state_status", "status"))


def _with_reports(tasks: Iterable[Task]) -> None:
    """Fetch the active assignments and reports of the printed tasks only (three queries)."""
    prefetch_related_objects(list(tasks), Prefetch(
        "assignments", queryset=Assignment.objects.filter(is_active=True)
        .select_related("agency").prefetch_related("reports")))


def _task_row(task: Task, as_of: date) -> TaskRow:
    depth = task.code.count(".")
    if task.has_children:
        return TaskRow(task.code, task.name, "", "", None, "", None, True, depth)
    return TaskRow(
        code=task.code,
        name=task.name,
        lead="; ".join(heading_name(name) for name in task.lead),
        deadline=task.deadline,
        due=task.deciding_due or task.effective_due(),
        status=task.report_status,
        latest=latest_report(task, as_of),
        depth=depth,
    )


def build_report(plan: Plan, as_of: date, *, issuer: Issuer | None = None) -> PlanReport:
    """The periodic report of `plan` on `as_of` (reports written after it are ignored):
    counts of every task, lists of the tasks printed (capped: `LIST_ROWS`, `DETAIL_ROWS`)."""
    queries.fresh()
    rows = _report_tasks(plan, as_of)
    counted = rows.filter(has_children=False)
    totals = ReportCounts()
    sections: dict[int | None, ReportSectionRow] = {}
    for section in plan.sections.all():
        sections[section.pk] = ReportSectionRow(code=section.code, title=section.title)
    for found in counted.values("section_id", "report_status").annotate(n=Count("id")):
        totals.by_status[found["report_status"]] += found["n"]
        sections.setdefault(found["section_id"], ReportSectionRow()).by_status[
            found["report_status"]] += found["n"]
    # The detail: every row up to the DETAIL_ROWS-th counted task, headings included.
    last = list(counted.order_by("order").values_list("order", flat=True)
                [DETAIL_ROWS - 1:DETAIL_ROWS])
    detail = list((rows.filter(order__lte=last[0]) if last else rows).order_by("order"))
    urgent = {
        status: list(counted.filter(report_status=status)
                     .order_by(F("deciding_due").asc(nulls_last=True), "order")[:LIST_ROWS])
        for status in (engine.OVERDUE, engine.DUE_SOON)
    }
    printed = {t.pk: t for t in [*detail, *urgent[engine.OVERDUE], *urgent[engine.DUE_SOON]]}
    _with_reports(t for t in printed.values() if not t.has_children)
    made = {pk: _task_row(t, as_of) for pk, t in printed.items()}
    agencies: dict[int, ReportAgencyRow] = {}
    parts = queries.part_counts(as_of, plans=[plan.pk])
    names = dict(Agency.objects.filter(pk__in={aid for aid, _role in parts})
                 .values_list("pk", "name"))
    for (agency_id, role), counts in parts.items():
        row = agencies.setdefault(agency_id,
                                  ReportAgencyRow(name=heading_name(names.get(agency_id, ""))))
        if role == "lead":
            for (status, _progress), n in counts.pairs.items():
                row.by_status[status] += n
        else:
            row.partner += counts.total
    plan_targets = list(plan.targets.prefetch_related("values__report"))
    readings = readings_for(plan_targets, as_of)
    targets = [
        TargetRow(t.text, t.goal, t.unit, t.current_value(as_of), t.progress(as_of),
                  [measured_line(r) for r in readings.get(t.pk, [])])
        for t in plan_targets
    ]
    agency_rows = sorted(agencies.values(), key=lambda r: (-r.total, -r.overdue, fold(r.name)))
    return PlanReport(
        plan=plan,
        as_of=as_of,
        totals=totals,
        sections=[s for s in sections.values() if s.total],
        agencies=[r for r in agency_rows if r.total],
        tasks=[made[t.pk] for t in detail],
        targets=targets,
        issuer=issuer or Issuer(),
        overdue=[made[t.pk] for t in urgent[engine.OVERDUE]],
        due_soon=[made[t.pk] for t in urgent[engine.DUE_SOON]],
    )


# The agency chart shows this many agencies (the ones leading the most tasks).
CHART_AGENCIES = 15


@dataclass(frozen=True)
class ReportCharts:
    """The report's charts as PNG bytes (None when there is nothing to draw)."""

    sections: bytes | None
    agencies: bytes | None
    targets: bytes | None


def report_charts(report: PlanReport) -> ReportCharts:
    """Draw the report's three charts."""
    from theodoi.outputs import charts

    sections = agencies = targets = None
    if report.sections:
        sections = charts.status_bars(
            f"Tình trạng nhiệm vụ theo {glossary.SECTION.lower()} của kế hoạch",
            [(s.label, dict(s.by_status)) for s in report.sections],
        )
    if report.agencies:
        shown = report.agencies[:CHART_AGENCIES]
        lead = glossary.LEAD_AGENCY.lower()
        title = f"Tình trạng nhiệm vụ theo {lead}"
        if len(report.agencies) > len(shown):
            title += f" ({len(shown)} {lead} nhiều nhiệm vụ nhất)"
        agencies = charts.status_bars(title, [(a.name, dict(a.by_status)) for a in shown])
    if any(t.progress is not None for t in report.targets):
        targets = charts.progress_bars(
            "Mức độ đạt chỉ tiêu so với mục tiêu",
            [(t.text, t.progress) for t in report.targets],
        )
    return ReportCharts(sections, agencies, targets)


def measured_line(reading: IndicatorReading) -> str:
    """ "Theo DTI (Nhận thức số), năm 2022: 0,9 (trung bình 5 cơ quan); nguồn: tệp
    dti.csv, nhập ngày 01/12/2026" """
    try:
        period = vn_date(date.fromisoformat(reading.period))
    except ValueError:
        period = glossary.period_label(reading.period).lower()
    text = (f"Theo {reading.indicator.system} ({reading.indicator.name}), {period}: "
            f"{number(reading.value)}{' ' + reading.unit if reading.unit else ''}")
    if reading.national is None and len(reading.values) > 1:
        text += f" (trung bình {len(reading.values)} cơ quan)"
    sources = "; ".join(f"tệp {name}, nhập ngày {vn_date(day)}"
                        for _system, name, day in reading.sources)
    return f"{text}; nguồn: {sources}" if sources else text


def target_cells(row: TargetRow) -> dict[str, Any]:
    """A target's cells as printed: goal, unit, current value, share, what national
    systems measured."""
    return {
        "text": row.text,
        "goal": number(row.goal),
        "unit": row.unit,
        "current": number(row.current) or "chưa có số liệu",
        "percent": row.percent,
        "measured": "; ".join(row.measured),
        "measured_lines": row.measured,
    }


def plan_reference(plan: Plan) -> str:
    """ "Kế hoạch ban hành kèm theo Quyết định số 58/QĐ-... ngày 19/04/2024 của ..." """
    if not plan.number:
        return f"Kế hoạch năm {plan.year}" if plan.year else "Kế hoạch"
    text = f"Kế hoạch ban hành kèm theo Quyết định số {plan.number}"
    if plan.date:
        text += f" ngày {vn_date(plan.date)}"
    if plan.issuer:
        text += f" của {plan.issuer}"
    return text


def _task_cells(row: TaskRow) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "lead": row.lead,
        "due": row.due_label,
        "status": row.status,
        "status_label": row.status_label,
        "latest": row.latest.summary() if row.latest else "",
        "is_heading": row.is_heading,
    }


def annex_note(report: PlanReport) -> str:
    """What the detail list leaves out and where it is ("" when it prints every task)."""
    if report.tasks_left <= 0:
        return ""
    return (f"Danh sách trên gồm {report.tasks_shown} nhiệm vụ đầu tiên theo thứ tự của kế "
            f"hoạch; {report.tasks_left} nhiệm vụ còn lại (trong tổng số "
            f"{report.totals.total}) có trong Phụ lục kèm theo báo cáo: tệp Excel danh sách "
            f"nhiệm vụ và phân công của kế hoạch.")


def agencies_note(report: PlanReport) -> str:
    """What the by-agency table leaves out and where it is ("" when it prints every agency)."""
    if report.agencies_left <= 0:
        return ""
    return (f"Bảng trên gồm {len(report.agencies_shown)} cơ quan chủ trì nhiều nhiệm vụ nhất; "
            f"dòng Tổng cộng tính trên tất cả {len(report.agencies)} cơ quan. Nhiệm vụ của "
            f"{report.agencies_left} cơ quan còn lại có trong Phụ lục kèm theo báo cáo: tệp "
            f"Excel danh sách nhiệm vụ và phân công của kế hoạch (cột Cơ quan).")


def _agency_cells(row: ReportAgencyRow, **flags: bool) -> dict[str, object]:
    return {"name": row.name, "total": row.total, "done": row.done, "overdue": row.overdue,
            "due_soon": row.due_soon, "partner": row.partner, "percent": row.percent,
            "is_total": False, "is_note": False, **flags}


def report_context(report: PlanReport) -> dict:
    """The fields both the Word template and the HTML template of the report use."""
    plan = report.plan
    return {
        "terms": glossary.HEADERS,
        "statuses": glossary.STATUS,
        "roles": glossary.ROLE_IN_TASK,
        "issuer": report.issuer.name,
        "issuer_parent": report.issuer.parent,
        "place_date": place_and_date(report.as_of, report.issuer.place),
        "plan_title": plan.title or str(plan),
        "plan_number": plan.number,
        "plan_reference": plan_reference(plan),
        "as_of": vn_date(report.as_of),
        "total": report.totals.total,
        "summary_text": report.summary_text(),
        "done_rate": percent(report.totals.done_rate, 1) or "chưa có",
        "on_time_rate": percent(report.totals.on_time_rate, 1) or "chưa có nhiệm vụ đến hạn",
        "totals": [(status_label(s), n) for s, n in report.totals.ordered()],
        "sections": report.sections,
        "agency_rows": [_agency_cells(a) for a in report.agencies_shown],
        "agency_total": _agency_cells(report.agency_totals, is_total=True),
        "agencies_left": report.agencies_left,
        "agencies_note": agencies_note(report),
        # The Word template has one agency table: the totals row, then the note, close it.
        "agencies": [_agency_cells(a) for a in report.agencies_shown] + (
            [_agency_cells(report.agency_totals, is_total=True)] if report.agencies else [])
        + ([{"name": agencies_note(report), "total": "", "done": "", "overdue": "",
             "due_soon": "", "partner": "", "percent": "", "is_total": False,
             "is_note": True}] if report.agencies_left > 0 else []),
        "targets": [target_cells(t) for t in report.targets],
        "recipients": [],
        "signer_lines": report.issuer.signer_lines(),
        "signer_name": report.issuer.signer_name,
        "overdue": [_task_cells(k) for k in report.overdue],
        "overdue_left": report.totals.overdue - len(report.overdue),
        "due_soon": [_task_cells(k) for k in report.due_soon],
        "due_soon_left": report.totals.due_soon - len(report.due_soon),
        "tasks_shown": report.tasks_shown,
        "tasks_left": report.tasks_left,
        "annex_note": annex_note(report),
        "tasks": [_task_cells(k) for k in report.tasks] + (
            # The Word template has one task table: the note closes it as a heading row.
            [{"code": "", "name": annex_note(report), "lead": "", "due": "", "status": "",
              "status_label": "", "latest": "", "is_heading": True, "is_note": True}]
            if report.tasks_left > 0 else []),
    }
