"""The tracking application's rows, one module per concept.

- `base`: append-only rows, the stored state every task and assignment carries, the clock;
- `people`: agencies, roles, who reports for whom;
- `plans`: plans, their plan-json, files, sections, tasks and deadline history;
- `assignments`: who answers for a task (leads, group parts, partners) and their reports;
- `targets`: targets and the values agencies reported;
- `indicators`: indicators of national systems (DTI, EMC), their imported values, the
  targets they measure;
- `states`: status history (for past dates) and the summaries the pages count from.

Logic lives in small methods here; every write with side effects lives in
`theodoi.tracking.services`. Reports, evidence, target values and deadline changes are
append-only: a correction is a new row.
"""

from theodoi.tracking.models.assignments import (
    Assignment,
    AssignmentQuerySet,
    EvidenceFile,
    ProgressReport,
    ReportWithdrawal,
)
from theodoi.tracking.models.base import (
    AppendOnlyError,
    AppendOnlyModel,
    AppendOnlyQuerySet,
    StoredState,
    due_soon_days,
    today,
)
from theodoi.tracking.models.indicators import (
    Indicator,
    IndicatorImport,
    IndicatorMapping,
    IndicatorValue,
)
from theodoi.tracking.models.links import TaskLink
from theodoi.tracking.models.people import (
    AddedUnit,
    Agency,
    Role,
    UserProfile,
    agency_id_of,
    role_of,
)
from theodoi.tracking.models.plans import (
    DUE_KIND_CHOICES,
    TEXT_FIELDS,
    DeadlineChange,
    Plan,
    PlanDocument,
    PlanFile,
    PlanReference,
    Section,
    Task,
    TaskQuerySet,
    section_code,
)
from theodoi.tracking.models.states import (
    AgencyStatusCount,
    AgencySummary,
    AssignmentHistory,
    PastAgencyCount,
    PastCountDay,
    PastDoneCount,
    PastPlanCount,
    PastRootCount,
    PlanLeadCount,
    PlanStatusCount,
    RootStatusCount,
    TaskHistory,
)
from theodoi.tracking.models.targets import Target, TargetValue, aggregate_target_values

__all__ = [
    "DUE_KIND_CHOICES",
    "TEXT_FIELDS",
    "AddedUnit",
    "Agency",
    "AgencyStatusCount",
    "AgencySummary",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "Assignment",
    "AssignmentHistory",
    "AssignmentQuerySet",
    "DeadlineChange",
    "EvidenceFile",
    "Indicator",
    "IndicatorImport",
    "IndicatorMapping",
    "IndicatorValue",
    "PastAgencyCount",
    "PastCountDay",
    "PastDoneCount",
    "PastPlanCount",
    "PastRootCount",
    "Plan",
    "PlanDocument",
    "PlanFile",
    "PlanLeadCount",
    "PlanReference",
    "PlanStatusCount",
    "ProgressReport",
    "ReportWithdrawal",
    "Role",
    "RootStatusCount",
    "Section",
    "StoredState",
    "Target",
    "TargetValue",
    "Task",
    "TaskHistory",
    "TaskLink",
    "TaskQuerySet",
    "UserProfile",
    "agency_id_of",
    "aggregate_target_values",
    "due_soon_days",
    "role_of",
    "section_code",
    "today",
]
