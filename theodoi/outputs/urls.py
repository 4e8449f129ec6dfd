"""Routes of the documents; the project includes them under /documents/ (namespace outputs)."""

from __future__ import annotations

from django.urls import path

from theodoi.outputs import views

app_name = "outputs"

urlpatterns = [
    path("letter/<slug:agency>.docx", views.letter, name="letter"),
    path("plans/<int:plan_id>/report.<str:format>", views.report, name="report"),
    path("plans/<int:plan_id>/tasks.xlsx", views.export, name="export"),
    path("import/", views.upload, name="import"),
    path("calendar/agency/<slug:agency>.ics", views.agency_calendar_file, name="calendar-agency"),
    path("calendar/plan/<int:plan_id>.ics", views.plan_calendar_file, name="calendar-plan"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
