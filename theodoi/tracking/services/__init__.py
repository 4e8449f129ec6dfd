"""Every write of the tracking application, one function per action, by concept:

- `plans`: `import_plan` (`same_decision` warns first), `publish_plan` (`publish_preview`
  shows it first), `diff_plan`, `reimport_plan`, `delete_draft`;
- `assignments`: who answers for what (`resolve_assignment`, `resolve_printed_name`,
  `name_group_members`);
- `reports`: `submit_report` (a lead's report or a partner's contribution),
  `review_report`, `withdraw_report`;
- `reviews`: `review_reports` (several at once from the queue: one result per report);
- `deadlines`: `set_task_date`;
- `statuses`: the stored states, history and counts every write above keeps (and the daily
  refresh).

Each function runs in one transaction, checks who may act through `access.py`, and leaves
the database consistent: views and the API only validate input and call one of these.
"""

from theodoi.tracking.services.assignments import (
    name_group_members,
    resolve_assignment,
    resolve_printed_name,
)
from theodoi.tracking.services.deadlines import set_task_date
from theodoi.tracking.services.plans import (
    COMPARED_FIELDS,
    AgencyShare,
    PlanDiff,
    PublishPreview,
    delete_draft,
    diff_plan,
    import_plan,
    publish_plan,
    publish_preview,
    reimport_plan,
    same_decision,
    set_public,
    task_fields,
    task_to_plan_json,
)
from theodoi.tracking.services.registry import (
    AgencyMirror,
    Registry,
    add_unit,
    agency_for,
    default_registry,
)
from theodoi.tracking.services.reports import (
    PERIOD_PATTERNS,
    review_report,
    submit_report,
    withdraw_report,
)
from theodoi.tracking.services.reviews import ReviewResult, review_reports

__all__ = [
    "COMPARED_FIELDS",
    "PERIOD_PATTERNS",
    "AgencyMirror",
    "AgencyShare",
    "PlanDiff",
    "PublishPreview",
    "Registry",
    "ReviewResult",
    "add_unit",
    "agency_for",
    "default_registry",
    "delete_draft",
    "diff_plan",
    "import_plan",
    "name_group_members",
    "publish_plan",
    "publish_preview",
    "reimport_plan",
    "resolve_assignment",
    "resolve_printed_name",
    "review_report",
    "review_reports",
    "same_decision",
    "set_public",
    "set_task_date",
    "submit_report",
    "task_fields",
    "task_to_plan_json",
    "withdraw_report",
]
