"""What the API reads and writes, as pydantic schemas (they make its OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from theodoi.tracking import status as engine

# Literal[tuple] spells out each value, so the OpenAPI description lists them.
TaskStatus = Literal[engine.STATUSES]  # type: ignore[valid-type]
Progress = Literal[engine.PROGRESSES]  # type: ignore[valid-type]
ReportStatus = Literal[
    engine.REPORT_NOT_STARTED, engine.REPORT_IN_PROGRESS, engine.REPORT_DONE,
    engine.REPORT_CANNOT_DO,
]
ReviewState = Literal[
    engine.REVIEW_PENDING, engine.REVIEW_ACCEPTED, engine.REVIEW_RETURNED,
    engine.REVIEW_NOT_REQUIRED, engine.REVIEW_WITHDRAWN,
]


# -- query parameters ---------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int | None = Field(
        None, ge=1, description="Rows per page (default API_PAGE_SIZE, at most API_MAX_PAGE_SIZE)."
    )


class AsOfQuery(Schema):
    as_of: date | None = Field(
        None, description="Judge statuses as of this date (YYYY-MM-DD); default today. "
        "From 2000-01-01 to five years after today, else 422.",
    )

    @field_validator("as_of")
    @classmethod
    def within_bounds(cls, value: date | None) -> date | None:
        """Refuse a date whose statuses would overflow or cost seconds to compute."""
        from theodoi.web.asof import as_of_problem

        problem = as_of_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


class TaskFilters(AsOfQuery):
    plan: int | None = Field(None, description="Only tasks of this plan (its id).")
    agency: str | None = Field(
        None, description="Only tasks this agency works on, as lead or partner: its id or "
        "its registry id (such as bo-tai-chinh).",
    )
    section: str | None = Field(
        None, description='Only tasks of this section and its sub-sections (code: "II", "III.A").'
    )
    status: TaskStatus | None = Field(None, description="Only tasks with this status on as_of.")
    search: str | None = Field(
        None, description='Words every task cell must hold, ignoring case and diacritics '
        '("chuyen doi so" finds "chuyển đổi số"); at most 12 words and 200 characters.',
    )

    @field_validator("search")
    @classmethod
    def short_enough(cls, value: str | None) -> str | None:
        """Refuse a search of more words than a query should hold."""
        from theodoi.web.forms import search_problem

        problem = search_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value


class AssignmentFilters(AsOfQuery):
    agency: str | None = Field(
        None, description="Only this agency's assignments: its id or its registry id."
    )
    plan: int | None = Field(None, description="Only assignments of this plan's tasks.")
    task: int | None = Field(None, description="Only assignments of this task.")
    role: Literal["lead", "partner"] | None = Field(None, description="Only leads or partners.")
    status: TaskStatus | None = Field(None, description="Only assignments with this status.")


class StatusFilters(AsOfQuery):
    plan: int | None = Field(None, description="Only tasks of this plan.")
    agency: str | None = Field(
        None, description="Only this agency's tasks, each judged by the agency's own assignment.",
    )
    section: str | None = Field(None, description="Only this section and its sub-sections.")


class TargetFilters(AsOfQuery):
    plan: int | None = Field(None, description="Only targets of this plan.")


# -- small parts -----------------------------------------------------------------------------


class AgencyOut(Schema):
    id: int
    registry_id: str = Field(description="The agency's id in the registry (theodoi agencies).")
    name: str
    kind: str


class SectionOut(Schema):
    code: str
    title: str
    parent: str | None = Field(description="The parent section's code.")


class DueOut(Schema):
    kind: str = Field(description="date, month, quarter, half, year, range, per_plan, "
                      "conditional, recurring, ongoing or none.")
    on: date | None = Field(description="The last day as printed (for a dated deadline).")
    start: date | None = Field(description='First day (range, recurring): plan-json "from".')
    every: str | None = Field(description="week, month, quarter, half or year (recurring).")
    text: str = Field(description="Condition or plan the deadline depends on, as printed.")


class EvidenceFileOut(Schema):
    name: str
    url: str


class ReportSummary(Schema):
    id: int
    period: str
    status: ReportStatus
    percent: int | None
    created_at: datetime
    review_state: ReviewState


class ReportOut(Schema):
    id: int
    assignment: int
    period: str = Field(description='The period answered ("2024-05", "2024-Q2"), or "".')
    status: ReportStatus
    percent: int | None
    text: str
    links: list[str]
    files: list[EvidenceFileOut]
    target: int | None
    target_value: float | None
    corrects: int | None = Field(description="The report this one corrects.")
    author: str
    created_at: datetime
    review_state: ReviewState
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_reason: str = Field(
        description="Why a coordinator returned the report (or its agency withdrew it).")


class DeadlineChangeOut(Schema):
    source: Literal["coordinator", "reimport"]
    old_on: date | None
    new_on: date | None
    old_text: str
    new_text: str
    reason: str
    changed_at: datetime


# -- plans ------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    number: str
    date: date | None
    issuer: str
    title: str
    year: int | None
    signer: str
    status: Literal["draft", "published"]
    published_at: datetime | None
    tasks: int = Field(description="Number of current tasks.")


class PlanTargetOut(Schema):
    id: int
    text: str
    goal: float | None
    unit: str


class PlanDetailOut(PlanOut):
    source: str
    sections: list[SectionOut]
    targets: list[PlanTargetOut]
    files: list[str] = Field(description="Names of the files the plan was read from.")


class PlanPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PlanOut]


# -- tasks and assignments --------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    plan: int
    code: str
    section: str | None = Field(description="The section's code.")
    name: str
    detail: str
    result: str
    deadline: str = Field(description="The deadline cell as printed.")
    due: DueOut
    due_on: date | None = Field(description="The date it must be done by (a coordinator's "
                                "date first); none for recurring, ongoing and open tasks.")
    set_on: date | None = Field(description="A date a coordinator set.")
    lead: list[str] = Field(description="Lead agencies as printed.")
    partners: list[str] = Field(description="Partner agencies as printed.")
    removed: bool = Field(description="Dropped by a corrected version of the plan.")
    heading: bool = Field(description="A row with rows under it: not counted, its state "
                          "rolled up from them.")
    status: TaskStatus | None = Field(description="None for a heading on a past date.")
    progress: Progress | None = Field(description="How far the work has gone, whatever the "
                                      "date: overdue at 60% is not overdue and not started.")
    percent: int | None = Field(description="The last percent reported (mean of the parts).")
    lead_parts: int = Field(description="Parts answering for it (a group lead: one per "
                            "member).")
    lead_parts_done: int


class AssignmentOut(Schema):
    id: int
    task: int
    task_code: str
    plan: int
    agency: AgencyOut | None = Field(description="None when the printed name gave no agency.")
    printed_name: str
    role: Literal["lead", "partner"]
    group: str = Field(description="The printed group this part comes from (a member's part "
                       "of a group lead, or a named member of a group of partners), or \"\".")
    flag: str = Field(description='Why there is no agency ("unknown", "no_agency"; "group": '
                      'a group of partners listed once), "chosen" by a coordinator, or "".')
    active: bool
    status: TaskStatus | None = Field(description="None when nobody owes anything on the row.")
    progress: Progress | None
    percent: int | None
    current_period: str = Field(description="The period a report written today answers.")
    last_report_at: datetime | None
    pending_reports: int


class AssignmentDetailOut(AssignmentOut):
    task_name: str
    reports: int = Field(description="Number of reports.")
    last_report: ReportSummary | None
    history: list[ReportOut] = Field(description="Every report, oldest first.")


class TaskAssignmentOut(AssignmentOut):
    reports: int = Field(description="Number of reports.")
    last_report: ReportSummary | None
    history: list[ReportOut] = Field(description="Every report, oldest first.")


class TaskDetailOut(TaskOut):
    plan_number: str
    assignments: list[TaskAssignmentOut]
    deadline_changes: list[DeadlineChangeOut]


class TaskPage(Schema):
    as_of: date
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


class AssignmentPage(Schema):
    as_of: date
    count: int
    page: int
    page_size: int
    items: list[AssignmentOut]


# -- statuses ---------------------------------------------------------------------------------


class StatusItem(Schema):
    task: int
    plan: int
    code: str
    assignment: int | None = Field(description="The agency's assignment, with an agency filter.")
    due_on: date | None
    status: TaskStatus
    progress: Progress | None


class StatusPage(Schema):
    as_of: date
    counts: dict[str, int] = Field(description="Number of tasks in each status.")
    progress: dict[str, int] = Field(description="Number of tasks at each step of progress.")
    on_time_rate: float | None = Field(
        description="done / (done + done late + overdue); none when nothing was due yet."
    )
    count: int
    page: int
    page_size: int
    items: list[StatusItem]


# -- targets ----------------------------------------------------------------------------------


class TargetValueOut(Schema):
    agency: AgencyOut | None
    value: float
    report: int | None
    created_at: datetime


class TargetOut(Schema):
    id: int
    plan: int
    text: str
    goal: float | None
    unit: str
    current: float | None = Field(
        description="The national value on as_of: the sum of each agency's latest value "
        "(their mean for a percentage); values of returned reports left out."
    )
    progress: float | None = Field(description="current / goal.")
    agencies: int = Field(description="Number of agencies with a value.")


class TargetDetailOut(TargetOut):
    latest: list[TargetValueOut] = Field(description="Each agency's latest value on as_of.")
    history: list[TargetValueOut] = Field(description="Every value reported, oldest first.")


class TargetPage(Schema):
    as_of: date
    count: int
    page: int
    page_size: int
    items: list[TargetOut]


# -- the cascade: tasks implementing tasks, plans implementing plans -------------------------


class LinkedTaskOut(Schema):
    id: int
    code: str
    name: str
    plan: int
    plan_number: str
    plan_issuer: str = Field(description="The plan's issuer, as printed.")
    status: TaskStatus | None = Field(description="The task's status on as_of.")
    progress: Progress | None
    percent: int | None = Field(description="How far it is, 0-100 (done counts 100).")
    link: int | None = Field(description="The link's id.")
    decided_at: datetime | None = Field(description="When a coordinator confirmed the link.")


class StatusCountOut(Schema):
    status: TaskStatus
    count: int


class RollupGroupOut(Schema):
    kind: Literal["ministry", "province"] = Field(
        description="province: the child plans issued in one province (its name today); "
        "ministry: the children of central plans, by the ministry leading them.")
    name: str = Field(description="The province or ministry, as a heading starts with it.")
    count: int
    done: int
    percent: int = Field(description="The children's mean progress, 0-100.")


class RollupOut(Schema):
    count: int = Field(description="Confirmed children.")
    done: int = Field(description="Children done (or done late).")
    percent: int = Field(description="Their mean progress: done counts 100, no report 0.")
    by_status: list[StatusCountOut]
    groups: list[RollupGroupOut]


class NotCarriedOut(AgencyOut):
    heading_name: str = Field(
        description='The name as a list item starts with it ("Tỉnh Nghệ An").')


class CascadeOut(Schema):
    task: int
    as_of: date
    implements: list[LinkedTaskOut] = Field(
        description="The tasks of parent plans this task implements (confirmed links).")
    children: list[LinkedTaskOut] = Field(
        description="The confirmed tasks of lower plans implementing it, most recent plan "
        "first, with their state on as_of.")
    rollup: RollupOut | None = Field(description="Its progress read from its children "
                                     "(null when no confirmed child).")
    not_carried: list[NotCarriedOut] = Field(
        description="The provinces given a part of it whose plans carry it in no confirmed "
        "task (chưa cụ thể hóa); empty when no plan implements its plan.")


class PlanReferenceOut(Schema):
    kind: str = Field(description='The document kind as printed ("Quyết định").')
    number: str = Field(description='Its number as printed ("57-NQ/TW").')
    implements: bool = Field(description="Whether the title says the plan implements it "
                             "(after thực hiện, triển khai), not only cites it.")
    plan: PlanOut | None = Field(description="That document in theodoi, when imported and "
                                 "readable by the caller.")


class PlanReferencesOut(Schema):
    plan: int
    references: list[PlanReferenceOut] = Field(
        description="The documents the plan's title names, in order.")
    count: int = Field(description="Plans implementing this one (paged below).")
    page: int
    page_size: int
    implemented_by: list[PlanOut] = Field(
        description="The readable plans whose titles say they implement this one, newest "
        "first.")


# -- indicators from national systems ------------------------------------------------------


class IndicatorFilters(Schema):
    indicator: str | None = Field(None, description='Only this indicator code (as the system '
                                  'names it, such as "dti-tong").')
    system: str | None = Field(None, description='Only values of this system ("DTI", "EMC").')
    agency: str | None = Field(
        None, description='Only this agency\'s values: its id or its registry id (such as '
        'tinh-nghe-an); "national" for the whole country\'s.')
    period: str | None = Field(None, description='Only this period key ("2024", "2024-Q3", '
                               '"2024-06", "2024-06-30").')


class IndicatorOut(Schema):
    id: int
    system: str
    code: str
    name: str
    unit: str


class IndicatorSourceOut(Schema):
    system: str = Field(description="The national system the value came from.")
    file: str = Field(description="The exported file it was read from.")
    row: int = Field(description="Its row in that file.")
    imported_on: date = Field(description="The day it was imported.")


class IndicatorValueOut(Schema):
    id: int
    indicator: IndicatorOut
    agency: AgencyOut | None = Field(description="null: the whole country.")
    agency_name: str = Field(description="The agency as the file printed it.")
    period: str = Field(description='The period key ("2024-Q3").')
    period_label: str = Field(description='The period as people write it ("Quý III/2024").')
    on: date = Field(description="The period's last day.")
    value: float
    rank: int | None
    unit: str
    source: IndicatorSourceOut
    imported_at: datetime


class IndicatorPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[IndicatorValueOut] = Field(
        description="By indicator, period and agency; a corrected figure is a later row.")


class TargetIndicatorOut(Schema):
    indicator: IndicatorOut
    period: str | None = Field(description="Its latest period on as_of (null: no value yet).")
    period_label: str | None = Field(description="The same, as people write it.")
    on: date | None
    value: float | None = Field(description="The country's value when the file gave one, "
                                "else the mean of the agencies'.")
    values: list[IndicatorValueOut] = Field(
        description="That period's values, the latest import of each agency, the country's "
        "first.")


class TargetIndicatorsOut(Schema):
    target: int
    as_of: date
    items: list[TargetIndicatorOut] = Field(
        description="The indicators a coordinator mapped to the target, by name.")


# -- writes -----------------------------------------------------------------------------------


class ReportIn(Schema):
    status: ReportStatus
    percent: int | None = Field(None, ge=0, le=100)
    text: str = ""
    links: list[str] = Field(default_factory=list, description="Evidence links (http, https).")
    period: str = Field(
        "", description='For a recurring or ongoing task: "2024-05", "2024-Q2", "2024-H1", '
        '"2024", "2024-W05"; default the current period.',
    )
    target: int | None = Field(None, description="The plan's target the value is for.")
    target_value: Decimal | None = Field(None, description="The agency's value of the target.")
    corrects: int | None = Field(None, description="The report this one corrects.")

    @field_validator("percent", "target", "target_value", "corrects", mode="before")
    @classmethod
    def blank_is_none(cls, value: object) -> object:
        """An empty form field means no value."""
        return None if value == "" else value


class ReviewIn(Schema):
    decision: Literal["accept", "return"]
    reason: str = Field("", description="Required to return a report: the agency sees it.")


class WithdrawIn(Schema):
    reason: str = Field("", description="Why the agency takes the report back (optional).")


class ErrorOut(Schema):
    detail: str
