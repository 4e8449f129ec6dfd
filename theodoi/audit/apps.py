"""The models the audit trail watches, registered without touching their modules."""

from __future__ import annotations

from django.apps import AppConfig

# Fields never copied into the trail: secrets, and what changes on every sign-in.
SECRET_FIELDS = ["key_hash", "last_used_at"]
# A new report's withdrawal (the reverse one-to-one): auditlog looked it up (a query per
# report) to write nothing, as a new report has none. Entries stay the same: a create's
# or a delete's diff leaves out a relation that is None on both sides, and a report with a
# withdrawal is never deleted (PROTECT); an update's diff reads the row's own fields only.
UNSEEN_FIELDS = ["withdrawal"]


class AuditConfig(AppConfig):
    name = "theodoi.audit"
    label = "theodoi_audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        # Publishing (Plan.status, published_at/by), deadlines set by the coordinator
        # (Task.set_on and every DeadlineChange), corrections (tasks removed or changed),
        # reviews (ProgressReport.review_*), withdrawals of reports by their agency
        # (ReportWithdrawal), who works for whom (Assignment), accounts; a draft plan
        # deleted is the Plan's delete entry; which indicator measures which target
        # (IndicatorMapping: mapped and unmapped by coordinators).
        for label in ("tracking.Plan", "tracking.Task", "tracking.DeadlineChange",
                      "tracking.ProgressReport", "tracking.ReportWithdrawal",
                      "tracking.Assignment", "tracking.IndicatorMapping",
                      "tracking.UserProfile", "tracking.Agency"):
            auditlog.register(apps.get_model(label),
                              exclude_fields=["search", "folded_name", "plan_json",
                                              *UNSEEN_FIELDS])
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
        auditlog.register(Group)
        try:
            token = apps.get_model("api", "ApiToken")
        except LookupError:
            return
        secret = [f.name for f in token._meta.get_fields() if f.name in SECRET_FIELDS]
        auditlog.register(token, exclude_fields=secret)
