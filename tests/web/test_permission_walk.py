"""The permission walk: every URL pattern (from the resolver) and every API operation (from
the OpenAPI document), for every role, with object-level probes on other agencies' ids.

One table, EXPECTED, says who may use each route; the walk asserts the allowed set
exactly. A route that appears without a row fails `test_every_route_has_an_expectation`,
so a new page or endpoint cannot be forgotten.

A probe is "allowed" when the answer is neither a refusal (401, 403, 404) nor a redirect
to a sign-in page (`?next=`): 2xx, 3xx elsewhere, and 400/422 (the input was judged, so
access was granted) count as allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "outsider", "reporter_a", "reporter_b", "leader", "coordinator")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
READERS = frozenset({"reporter_a", "reporter_b", "leader", "coordinator"})
REPORTERS = frozenset({"reporter_a", "reporter_b", "coordinator"})
COORDINATOR = frozenset({"coordinator"})
NOBODY: frozenset[str] = frozenset()

# ---------------------------------------------------------------------------------------
# Who may read agency A's progress reports and evidence files (the evidence download, the
# API's report) on a task where tỉnh B has no part: an agency's evidence may hold internal
# documents. Decided (docs/tracking.md, "Who may do what"): reports and evidence of a task
# are for the agencies working on it, the leaders and the coordinators.
CROSS_AGENCY_READ = frozenset({"reporter_a", "leader", "coordinator"})
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request and who may have it."""

    method: str
    url: str
    allowed: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)
    json_body: bool = False
    note: str = ""
    rows: bool = False  # a list: allowed means it holds rows (an empty page hides nothing)


Builder = Callable[["World"], list[Probe]]


@dataclass
class World:
    """The objects the probes point at: agency A's and B's rows, a draft, files."""

    plan: Any
    draft: Any
    task: Any
    draft_task: Any
    assignment_a: Any
    assignment_b: Any
    report_a: Any
    report_b: Any
    evidence_a: Any
    plan_file: Any
    draft_file: Any
    plan_import: Any
    agency_a: Any
    target: Any
    feed_token: str
    link: Any
    notice: Any
    indicator_import: Any = None


def get(url: str, allowed: frozenset[str], note: str = "") -> Probe:
    return Probe("GET", url, allowed, note=note)


def rows(url: str, allowed: frozenset[str], note: str = "") -> Probe:
    """An API list: allowed when it shows at least one row."""
    return Probe("GET", url, allowed, note=note, rows=True)


def post(url: str, allowed: frozenset[str], data: dict | None = None, note: str = "") -> Probe:
    return Probe("POST", url, allowed, data or {}, note=note)


# Route key (namespace:name, or the route for an unnamed one) -> the probes.
EXPECTED: dict[str, Builder] = {
    # -- pages ----------------------------------------------------------------------------
    "web:overview": lambda w: [get("/", READERS)],
    "web:login": lambda w: [get("/login/", EVERYONE)],
    "web:logout": lambda w: [post("/logout/", EVERYONE)],
    "web:plans": lambda w: [get("/plans/", READERS)],
    "web:import": lambda w: [get("/plans/import/", COORDINATOR)],
    "web:plan": lambda w: [get(f"/plans/{w.plan.pk}/", READERS),
                           get(f"/plans/{w.draft.pk}/", COORDINATOR, "a draft")],
    "web:plan-review": lambda w: [get(f"/plans/{w.draft.pk}/review/", COORDINATOR)],
    "web:task-edit": lambda w: [
        get(f"/plans/{w.draft.pk}/tasks/{w.draft_task.pk}/edit/", COORDINATOR)],
    "web:choose-agencies": lambda w: [
        post(f"/plans/{w.draft.pk}/agencies/", COORDINATOR)],
    "web:add-unit": lambda w: [post(f"/plans/{w.draft.pk}/units/", COORDINATOR)],
    "web:publish": lambda w: [get(f"/plans/{w.draft.pk}/publish/", COORDINATOR,
                                  "the confirmation"),
                              post(f"/plans/{w.draft.pk}/publish/", COORDINATOR)],
    # The confirmation page only: a POST would delete the draft the other probes use.
    "web:plan-delete": lambda w: [get(f"/plans/{w.draft.pk}/delete/", COORDINATOR)],
    "web:import-correction": lambda w: [get(f"/plans/{w.plan.pk}/correct/", COORDINATOR)],
    # No job exists: every caller with a role gets 404 (a job id is not guessable).
    "web:import-job": lambda w: [get("/imports/no-such-job/", NOBODY)],
    "web:correction": lambda w: [get(f"/corrections/{w.plan_import.pk}/", COORDINATOR)],
    "web:task": lambda w: [get(f"/tasks/{w.task.pk}/", READERS),
                           get(f"/tasks/{w.draft_task.pk}/", COORDINATOR, "a draft's task")],
    "web:task-date": lambda w: [post(f"/tasks/{w.task.pk}/date/", COORDINATOR)],
    "web:report": lambda w: [
        get(f"/assignments/{w.assignment_a.pk}/report/", frozenset({"reporter_a", "coordinator"}),
            "A's assignment"),
        get(f"/assignments/{w.assignment_b.pk}/report/", frozenset({"reporter_b", "coordinator"}),
            "B's assignment")],
    "web:review": lambda w: [post(f"/reports/{w.report_b.pk}/review/", COORDINATOR,
                                  {"decision": "accept"})],
    "web:withdraw": lambda w: [post(f"/reports/{w.report_a.pk}/withdraw/",
                                    frozenset({"reporter_a"}), note="A's pending report")],
    "web:indicators": lambda w: [get("/indicators/", COORDINATOR)],
    "web:indicator-upload": lambda w: [get("/indicators/import/", COORDINATOR),
                                       post("/indicators/import/", COORDINATOR,
                                            note="no file: the form says so (400)")],
    "web:indicator-import": lambda w: [
        get(f"/indicators/import/{w.indicator_import.pk}/", COORDINATOR)],
    "web:indicator-map": lambda w: [post("/indicators/map/", COORDINATOR,
                                         note="nothing chosen: back with a message")],
    "web:agencies": lambda w: [get("/agencies/", READERS)],
    "web:agency": lambda w: [get(f"/agencies/{w.agency_a.pk}/", READERS)],
    "web:agency-names": lambda w: [get("/agencies/names/?q=bo", READERS)],
    "web:timeline": lambda w: [get("/timeline/", READERS)],
    "web:search": lambda w: [get("/search/?q=ke+hoach", READERS)],
    "web:ask": lambda w: [get("/ask/?q=nhiem+vu+qua+han", READERS)],
    "web:plan-public": lambda w: [post(f"/plans/{w.plan.pk}/public/", COORDINATOR,
                                       {"public": "0"})],
    # Open to everyone, anonymous visitors too, once a coordinator opens it (test_public.py);
    # the walk's plan is not open.
    "web:national": lambda w: [get("/overview/", READERS)],
    "web:queue": lambda w: [get("/queue/", COORDINATOR)],
    "web:notices": lambda w: [get("/notices/", READERS)],
    "web:notices-read": lambda w: [post("/notices/read/", READERS, {"all": "1"})],
    # Agency A's notice: its reporters open it, nobody else (a 404 for them).
    "web:notice": lambda w: [get(f"/notices/{w.notice.pk}/", frozenset({"reporter_a"}),
                                 "agency A's notice")],
    "web:plan-links": lambda w: [get(f"/plans/{w.plan.pk}/links/", COORDINATOR)],
    "web:propose-links": lambda w: [post(f"/plans/{w.plan.pk}/links/propose/", COORDINATOR)],
    "web:plan-duplicates": lambda w: [get(f"/plans/{w.plan.pk}/duplicates/", COORDINATOR)],
    "web:propose-duplicates": lambda w: [post(f"/plans/{w.plan.pk}/duplicates/propose/",
                                              COORDINATOR)],
    "web:decide-link": lambda w: [post(f"/links/{w.link.pk}/decide/", COORDINATOR,
                                       {"decision": "reject"})],
    "web:public-plan": lambda w: [get(f"/cong-khai/{w.plan.pk}/", NOBODY, "not opened")],
    "web:evidence-file": lambda w: [get(f"/files/evidence/{w.evidence_a.pk}/", CROSS_AGENCY_READ,
                                        "agency A's evidence")],
    # The crop of the page a task was read from: whoever may read the task.
    "web:task-source": lambda w: [get(f"/tasks/{w.task.pk}/source.png", READERS),
                                  get(f"/tasks/{w.draft_task.pk}/source.png", COORDINATOR,
                                      "a draft's task")],
    "web:plan-file": lambda w: [get(f"/files/plan/{w.plan_file.pk}/", READERS),
                                get(f"/files/plan/{w.draft_file.pk}/", COORDINATOR, "a draft's")],
    # -- documents ------------------------------------------------------------------------
    "outputs:letter": lambda w: [get("/documents/letter/bo-a.docx",
                                     frozenset({"leader", "coordinator"}))],
    "outputs:report": lambda w: [get(f"/documents/plans/{w.plan.pk}/report.html", READERS),
                                 get(f"/documents/plans/{w.draft.pk}/report.html", COORDINATOR)],
    "outputs:export": lambda w: [get(f"/documents/plans/{w.plan.pk}/tasks.xlsx", READERS),
                                 get(f"/documents/plans/{w.draft.pk}/tasks.xlsx", COORDINATOR)],
    "outputs:import": lambda w: [get("/documents/import/", REPORTERS)],
    "outputs:calendar-agency": lambda w: [get("/documents/calendar/agency/bo-a.ics", READERS)],
    "outputs:calendar-plan": lambda w: [get(f"/documents/calendar/plan/{w.plan.pk}.ics", READERS),
                                        get(f"/documents/calendar/plan/{w.draft.pk}.ics",
                                            COORDINATOR)],
    # The secret address is the key: anyone who has it, no one who guesses.
    "outputs:calendar-feed": lambda w: [get(f"/documents/calendar/{w.feed_token}.ics", EVERYONE),
                                        get("/documents/calendar/doan-bua.ics", NOBODY)],
    # -- the user's own account -----------------------------------------------------------
    "accounts:password-reset": lambda w: [get("/account/password/reset/", EVERYONE)],
    "accounts:password-reset-done": lambda w: [get("/account/password/reset/sent/", EVERYONE)],
    "accounts:password-reset-confirm": lambda w: [
        get("/account/password/reset/MQ/sai-ma/", EVERYONE, "an invalid link: the page says so")],
    "accounts:password-reset-complete": lambda w: [get("/account/password/reset/done/",
                                                       EVERYONE)],
    "accounts:password-change": lambda w: [get("/account/password/change/", SIGNED_IN)],
    "accounts:password-change-done": lambda w: [get("/account/password/change/done/", SIGNED_IN)],
    # -- framework ------------------------------------------------------------------------
    "set_language": lambda w: [post("/i18n/setlang/", EVERYONE, {"language": "vi"})],
    "api:openapi-json": lambda w: [get("/api/openapi.json", EVERYONE)],
    "api:openapi-view": lambda w: [get("/api/docs", EVERYONE)],
    # The admin is for staff (none of the roles is): only its sign-in page answers them.
    "admin/login/": lambda w: [get("/admin/login/", EVERYONE)],
    "admin:login": lambda w: [get("/admin/login/", EVERYONE)],
    "admin:logout": lambda w: [post("/admin/logout/", EVERYONE)],
}

# API operations (operationId) -> the probes; paths as the OpenAPI document writes them.
API_EXPECTED: dict[str, Builder] = {
    "list_plans": lambda w: [rows("/api/plans", READERS)],
    "get_plan": lambda w: [get(f"/api/plans/{w.plan.pk}", READERS),
                           get(f"/api/plans/{w.draft.pk}", COORDINATOR, "a draft")],
    "list_tasks": lambda w: [rows("/api/tasks", READERS)],
    "get_task": lambda w: [get(f"/api/tasks/{w.task.pk}", READERS),
                           get(f"/api/tasks/{w.draft_task.pk}", COORDINATOR, "a draft's task")],
    "list_assignments": lambda w: [rows("/api/assignments", READERS)],
    "get_assignment": lambda w: [get(f"/api/assignments/{w.assignment_a.pk}", READERS)],
    "create_report": lambda w: [
        post(f"/api/assignments/{w.assignment_a.pk}/reports",
             frozenset({"reporter_a", "coordinator"}), {"status": "in_progress"},
             "A's assignment"),
        post(f"/api/assignments/{w.assignment_b.pk}/reports",
             frozenset({"reporter_b", "coordinator"}), {"status": "in_progress"},
             "B's assignment")],
    "list_statuses": lambda w: [rows("/api/statuses", READERS)],
    "list_targets": lambda w: [rows("/api/targets", READERS)],
    "get_target": lambda w: [get(f"/api/targets/{w.target.pk}", READERS)],
    "get_report": lambda w: [get(f"/api/reports/{w.report_a.pk}", CROSS_AGENCY_READ,
                                 "agency A's report")],
    "review_report": lambda w: [Probe("POST", f"/api/reports/{w.report_b.pk}/review",
                                      COORDINATOR, {"decision": "accept"}, json_body=True)],
    "withdraw_report": lambda w: [Probe("POST", f"/api/reports/{w.report_a.pk}/withdraw",
                                        frozenset({"reporter_a"}), {}, json_body=True)],
    # The cascade and the references follow the plan's own rule (a draft: coordinators).
    "get_task_cascade": lambda w: [get(f"/api/tasks/{w.task.pk}/cascade", READERS),
                                   get(f"/api/tasks/{w.draft_task.pk}/cascade", COORDINATOR,
                                       "a draft's task")],
    "get_plan_references": lambda w: [get(f"/api/plans/{w.plan.pk}/references", READERS),
                                      get(f"/api/plans/{w.draft.pk}/references", COORDINATOR,
                                          "a draft")],
    # Indicator values are the national systems' published figures: every reading role.
    "list_indicator_values": lambda w: [rows("/api/indicators", READERS)],
    "get_target_indicators": lambda w: [get(f"/api/targets/{w.target.pk}/indicators",
                                            READERS)],
}


# -- the routes ---------------------------------------------------------------------------


def route_keys() -> dict[str, str]:
    """Every URL pattern of the site: its key -> its route, from the resolver."""
    found: dict[str, str] = {}

    def walk(patterns: list, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                else:
                    key = route
                found.setdefault(key, route)

    walk(get_resolver().url_patterns, "", None)
    return found


def is_admin_model_page(key: str) -> bool:
    """The admin's own pages beyond sign-in: each model's list, add, change, delete,
    history, and the index; all for staff only."""
    return key.startswith(("admin:", "admin/")) and key not in EXPECTED


def openapi() -> dict:
    from theodoi.web.api.api import api

    return api.get_openapi_schema()


def api_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (method, path) of every operation in the OpenAPI document."""
    return {
        op["operationId"]: (method.upper(), path)
        for path, methods in openapi()["paths"].items()
        for method, op in methods.items()
    }


def test_every_route_has_an_expectation() -> None:
    keys = route_keys()
    api_routes = {k for k in keys if k.startswith("api:")} - set(EXPECTED)
    missing = sorted(k for k in keys
                     if k not in EXPECTED and not is_admin_model_page(k) and k not in api_routes)
    assert not missing, f"routes without a row in EXPECTED: {missing}"
    # Every API route the resolver has is an operation of the OpenAPI document.
    paths = {path.strip("/") for _, path in api_operations().values()}
    for key in api_routes:
        route = keys[key].replace("<int:", "{").replace(">", "}").replace("<", "{").strip("/")
        assert any(route.split("{")[0].rstrip("/") in p for p in paths), key
    missing_ops = sorted(set(api_operations()) - set(API_EXPECTED))
    assert not missing_ops, f"API operations without a row in API_EXPECTED: {missing_ops}"
    stale = sorted((set(EXPECTED) - set(keys)) | (set(API_EXPECTED) - set(api_operations())))
    assert not stale, f"rows for routes that no longer exist: {stale}"


# -- the walk -----------------------------------------------------------------------------


@pytest.fixture
def world(published_plan: Any, draft_plan: Any, agency_a: Any, agency_b: Any, reporter_a: Any,
          reporter_b: Any, coordinator: Any, small_plan_json: Any) -> World:
    from tests.readers.conftest import fixture
    from tests.web.conftest import assignment_of
    from theodoi.notices.models import Notice
    from theodoi.outputs.ical import feed_for
    from theodoi.tracking.models import EvidenceFile, PlanFile, TaskLink
    from theodoi.tracking.services import submit_report
    from theodoi.tracking.services.indicators import confirm_import, start_import
    from theodoi.web.models import PlanImport

    a = assignment_of(published_plan, agency_a, "II.2")
    b = assignment_of(published_plan, agency_b, "III.A.1")
    report_a = submit_report(a, reporter_a, status="in_progress", text="Nội bộ của Bộ A")
    report_b = submit_report(b, reporter_b, status="in_progress", text="Của tỉnh B")
    evidence = EvidenceFile(report=report_a, name="noi-bo.pdf")
    evidence.file.save("noi-bo.pdf", ContentFile(b"%PDF-1.4 noi bo"), save=False)
    evidence.save()
    files = []
    for plan in (published_plan, draft_plan):
        stored = PlanFile(plan=plan, name="qd.txt")
        stored.file.save("qd.txt", ContentFile("Quyết định".encode()), save=False)
        stored.save()
        files.append(stored)
        # Its first task read from page 3 of a PDF the plan keeps: a crop to ask for.
        pdf = PlanFile(plan=plan, name="000_ruled.pdf")
        pdf.file.save("000_ruled.pdf", ContentFile(fixture("000_ruled.pdf").read_bytes()),
                      save=False)
        pdf.save()
        plan.tasks.filter(order=0).update(source_file=pdf, source={
            "file": pdf.name, "page": 3, "bbox": [42.5, 247.4, 799.4, 454.9]})
    # Values held (another file, confirmed): what the API's list of them shows.
    confirm_import(coordinator, start_import(coordinator, "Đơn vị,Năm,Chỉ số,Giá trị\n"
                                             "Cả nước,2025,DTI,0.75\n".encode(), "dti25.csv")[0])
    return World(
        plan=published_plan, draft=draft_plan,
        task=published_plan.tasks.order_by("order").first(),
        draft_task=draft_plan.tasks.order_by("order").first(),
        assignment_a=a, assignment_b=b, report_a=report_a, report_b=report_b,
        evidence_a=evidence, plan_file=files[0], draft_file=files[1],
        plan_import=PlanImport.objects.create(plan=published_plan, kind="correction",
                                              plan_json=small_plan_json, created_by=coordinator),
        agency_a=agency_a,
        target=published_plan.targets.order_by("order").first(),
        feed_token=feed_for(plan=published_plan).token,
        notice=Notice.objects.create(recipient_agency=agency_a, kind="assigned",
                                     text="Bộ A được giao nhiệm vụ", link="/"),
        link=TaskLink.objects.create(task=published_plan.tasks.order_by("order").last(),
                                     parent=published_plan.tasks.order_by("order").first()),
        indicator_import=start_import(coordinator, "Đơn vị,Năm,Chỉ số,Giá trị\n"
                                      "Cả nước,2024,DTI,0.7\n".encode(), "dti.csv")[0],
    )


def client_for(role: str, request: Any) -> tuple[Client, dict[str, str]]:
    """A page client signed in as `role`, and the API headers (a bearer token) for it."""
    from theodoi.web.api.models import ApiToken

    client = Client()
    if role == "anonymous":
        return client, {}
    user = request.getfixturevalue(role)
    client.force_login(user)
    return client, {"Authorization": f"Bearer {ApiToken.objects.issue(user)[1]}"}


def allowed(response: Any, probe: Probe) -> bool:
    """Whether the answer granted access (see the module's docstring)."""
    if response.status_code in (401, 403, 404, 405):
        return False
    if probe.rows:
        return response.status_code == 200 and response.json()["count"] > 0
    location = response.get("Location", "")
    return not (response.status_code in (301, 302) and "login" in location and "next=" in location)


def run(client: Client, probe: Probe, headers: dict[str, str] | None = None) -> Any:
    if probe.method == "GET":
        return client.get(probe.url, headers=headers or {})
    if probe.json_body:
        return client.post(probe.url, json.dumps(probe.data), content_type="application/json",
                           headers=headers or {})
    return client.post(probe.url, probe.data, headers=headers or {})


def ordered(probes: list[Probe]) -> list[Probe]:
    """Reads first, then writes (a publish or a review changes what later probes see), the
    sign-outs last."""
    return sorted(probes, key=lambda p: (p.method != "GET", "logout" in p.url))


@pytest.mark.parametrize("role", ROLES)
def test_permission_walk_pages(role: str, world: World, request: Any) -> None:
    client, _ = client_for(role, request)
    keys = route_keys()
    probes = [p for key in keys if key in EXPECTED for p in EXPECTED[key](world)]
    # The admin's model pages: none of the roles is staff.
    admin_pages = [k for k in keys if is_admin_model_page(k) and "(?P" not in keys[k]]
    probes += [get("/" + re.sub(r"<[^>]+>", "1", keys[k]).replace("<app_label>", "tracking"),
                   NOBODY, k) for k in admin_pages]
    wrong = []
    for probe in ordered(probes):
        response = run(client, probe)
        if allowed(response, probe) != (role in probe.allowed):
            wrong.append((probe.method, probe.url, probe.note, response.status_code))
    assert not wrong, f"{role}: answers not as EXPECTED says: {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_permission_walk_api(role: str, world: World, request: Any) -> None:
    client, headers = client_for(role, request)
    # The API authenticates by token only (a session without CSRF must not write).
    client = Client()
    operations = api_operations()
    wrong = []
    probes = [p for op in operations for p in API_EXPECTED[op](world)]
    for probe in ordered(probes):
        response = run(client, probe, headers)
        if allowed(response, probe) != (role in probe.allowed):
            wrong.append((probe.method, probe.url, probe.note, response.status_code))
    assert not wrong, f"{role}: API answers not as API_EXPECTED says: {wrong}"
