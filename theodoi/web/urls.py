"""Routes of the pages (the API lives under /api/, see theodoi/web/api)."""

from __future__ import annotations

from django.urls import path

from theodoi.notices import views as notices
from theodoi.web.views import (
    ask,
    auth,
    imports,
    indicators,
    links,
    pages,
    public,
    queue,
    reports,
    work,
)

app_name = "web"

urlpatterns = [
    # A reporter lands on its agency's work; everyone else (and `?plan=`) on the overview.
    path("", work.home, name="overview"),
    path("overview/", pages.overview, name="national"),
    path("queue/", queue.review_queue, name="queue"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.mark_read, name="notices-read"),
    path("notices/<int:notice_id>/", notices.open_notice, name="notice"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("plans/", pages.plan_list, name="plans"),
    path("plans/import/", imports.upload, name="import"),
    path("plans/<int:plan_id>/", pages.plan_detail, name="plan"),
    path("plans/<int:plan_id>/review/", imports.review, name="plan-review"),
    path("plans/<int:plan_id>/tasks/<int:task_id>/edit/", imports.edit_task, name="task-edit"),
    path("plans/<int:plan_id>/agencies/", imports.choose_agencies, name="choose-agencies"),
    path("plans/<int:plan_id>/units/", imports.add_unit, name="add-unit"),
    path("plans/<int:plan_id>/publish/", imports.publish, name="publish"),
    path("plans/<int:plan_id>/public/", public.set_public, name="plan-public"),
    path("cong-khai/<int:plan_id>/", public.public_plan, name="public-plan"),
    path("plans/<int:plan_id>/links/", links.plan_links, name="plan-links"),
    path("plans/<int:plan_id>/links/propose/", links.propose, name="propose-links"),
    path("plans/<int:plan_id>/duplicates/", links.plan_duplicates, name="plan-duplicates"),
    path("plans/<int:plan_id>/duplicates/propose/", links.propose_duplicates,
         name="propose-duplicates"),
    path("links/<int:link_id>/decide/", links.decide, name="decide-link"),
    path("plans/<int:plan_id>/delete/", imports.delete, name="plan-delete"),
    path("plans/<int:plan_id>/correct/", imports.upload_correction, name="import-correction"),
    path("imports/<str:job_id>/", imports.job, name="import-job"),
    path("corrections/<int:import_id>/", imports.correction, name="correction"),
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("indicators/import/", indicators.upload, name="indicator-upload"),
    path("indicators/import/<int:import_id>/", indicators.preview, name="indicator-import"),
    path("indicators/map/", indicators.map_target, name="indicator-map"),
    path("tasks/<int:task_id>/", pages.task_detail, name="task"),
    path("tasks/<int:task_id>/source.png", pages.task_source, name="task-source"),
    path("tasks/<int:task_id>/date/", reports.set_date, name="task-date"),
    path("assignments/<int:assignment_id>/report/", reports.report, name="report"),
    path("reports/<int:report_id>/review/", reports.review, name="review"),
    path("reports/<int:report_id>/withdraw/", reports.withdraw, name="withdraw"),
    path("agencies/", pages.agency_list, name="agencies"),
    path("agencies/<int:agency_id>/", pages.agency_detail, name="agency"),
    path("agencies/names/", pages.agency_names, name="agency-names"),
    path("timeline/", pages.timeline, name="timeline"),
    path("search/", pages.search, name="search"),
    path("ask/", ask.ask, name="ask"),
    path("files/evidence/<int:file_id>/", pages.evidence_file, name="evidence-file"),
    path("files/plan/<int:file_id>/", pages.plan_file, name="plan-file"),
]
