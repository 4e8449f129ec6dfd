"""The admin: a plain view of the tracking rows; append-only histories are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from theodoi.tracking.models import (
    Agency,
    Assignment,
    DeadlineChange,
    EvidenceFile,
    Indicator,
    IndicatorImport,
    IndicatorMapping,
    IndicatorValue,
    Plan,
    PlanFile,
    ProgressReport,
    Section,
    Target,
    TargetValue,
    Task,
    UserProfile,
)
from theodoi.tracking.services import statuses


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows nobody edits or deletes: they are written by the services only."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "registry_id", "kind")
    search_fields = ("name", "registry_id")

    def save_model(self, request: Any, obj: Agency, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"kind", "parent"} & set(form.changed_data):
            # Its parts (and its units') may count in another ministry or province now
            # (the admin saves in a transaction: the roots' counts move with it).
            statuses.recount_roots()


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role",)
    autocomplete_fields = ("agency",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title", "year", "status", "published_at")
    list_filter = ("status", "year")
    search_fields = ("number", "title")
    readonly_fields = ("plan_json", "created_at", "created_by", "published_at", "published_by")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "deadline", "due_kind", "due_on", "set_on", "plan")
    list_filter = ("due_kind", "plan")
    search_fields = ("code", "search")
    readonly_fields = ("search", "removed_at")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "role", "agency", "printed_name", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("printed_name", "agency__name", "task__code")
    raw_id_fields = ("task",)


admin.site.register(Section)
admin.site.register(Target)
admin.site.register(PlanFile)
admin.site.register(Indicator)
admin.site.register(IndicatorMapping)
for model in (ProgressReport, EvidenceFile, TargetValue, DeadlineChange, IndicatorImport,
              IndicatorValue):
    admin.site.register(model, ReadOnlyAdmin)
