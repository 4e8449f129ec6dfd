"""The admin pages of the outputs application: reminder contacts, what was sent, feeds."""

from __future__ import annotations

from django.contrib import admin

from theodoi.outputs.models import AgencyContact, CalendarFeed, ReminderLog


@admin.register(AgencyContact)
class AgencyContactAdmin(admin.ModelAdmin):
    list_display = ("agency", "email", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("email", "name", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("agency", "email", "period", "overdue", "due_soon", "sent_at")
    list_filter = ("period",)
    search_fields = ("email", "agency__name")
    readonly_fields = tuple(f.name for f in ReminderLog._meta.fields)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("agency", "plan", "created_at")
    readonly_fields = ("token", "created_at")
