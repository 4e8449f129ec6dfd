"""The OpenAPI description lists and documents every endpoint; answers are UTF-8 JSON."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from theodoi.web.api.views import ROUTERS

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"

ENDPOINTS = {
    ("get", "/api/plans"),
    ("get", "/api/plans/{plan_id}"),
    ("get", "/api/tasks"),
    ("get", "/api/tasks/{task_id}"),
    ("get", "/api/assignments"),
    ("get", "/api/assignments/{assignment_id}"),
    ("post", "/api/assignments/{assignment_id}/reports"),
    ("get", "/api/statuses"),
    ("get", "/api/targets"),
    ("get", "/api/targets/{target_id}"),
    ("get", "/api/reports/{report_id}"),
    ("get", "/api/plans/{plan_id}/references"),
    ("get", "/api/tasks/{task_id}/cascade"),
    ("get", "/api/targets/{target_id}/indicators"),
    ("get", "/api/indicators"),
    ("post", "/api/reports/{report_id}/review"),
    ("post", "/api/reports/{report_id}/withdraw"),
}


def defined_operations() -> set[tuple[str, str]]:
    """(method, path) of every operation the routers define."""
    return {
        (method.lower(), f"/api/{prefix}{path}")
        for prefix, router in ROUTERS.items()
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    }


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_the_openapi_description_lists_every_endpoint(schema):
    assert set(operations(schema)) == defined_operations() == ENDPOINTS


def test_every_endpoint_has_a_summary_a_description_and_its_error_answers(schema):
    for key, operation in operations(schema).items():
        assert operation.get("summary"), key
        assert len(operation.get("description", "")) > 30, key
        assert operation["operationId"] == re.sub(r"\W", "", operation["operationId"]), key
        assert "401" in operation["responses"], key
        if "{" in key[1]:
            assert {"403", "404"} <= set(operation["responses"]), key


def test_every_parameter_and_form_field_is_described(schema):
    for key, operation in operations(schema).items():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                assert parameter.get("description"), (key, parameter["name"])
    form = schema["paths"]["/api/assignments/{assignment_id}/reports"]["post"]["requestBody"]
    fields = form["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"status", "percent", "text", "links", "period", "target", "target_value",
            "corrects", "files"} <= set(fields)


def test_both_ways_of_authenticating_are_described(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    for key, operation in operations(schema).items():
        assert {next(iter(s)) for s in operation["security"]} == {"TokenAuth", "SessionAuth"}, key


def test_every_endpoint_is_in_docs_api_md():
    text = DOCS.read_text(encoding="utf-8")
    for method, path in ENDPOINTS:
        assert f"{method.upper()} {path}" in text, (method, path)


def test_the_documentation_page_uses_our_own_static_files():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


# -- UTF-8 --------------------------------------------------------------------------------


def test_answers_are_utf8_json_with_vietnamese_unescaped(api, published_plan):
    response = api("leader").get(f"/api/plans/{published_plan.pk}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.content
    assert "Kế hoạch thử nghiệm năm 2024".encode() in body
    assert "Ủy ban Quốc gia về chuyển đổi số".encode() in body
    assert b"\\u" not in body
    assert response.json()["title"] == "Kế hoạch thử nghiệm năm 2024"


def test_lists_and_errors_are_utf8_too(api, published_plan):
    tasks = api("leader").get("/api/tasks", {"search": "phiên họp"})
    assert "Tổ chức các phiên họp".encode() in tasks.content
    assert b"\\u" not in tasks.content
    error = api("anonymous").get("/api/plans")
    assert error["Content-Type"] == "application/json; charset=utf-8"


def test_vietnamese_sent_in_a_report_comes_back_as_it_was_written(api, published_plan):
    from theodoi.tracking.models import Assignment

    row = Assignment.objects.get(task__plan=published_plan, task__code="I.2",
                                 agency__registry_id="bo-a")
    text = "Đã hoàn thành; ước tính 95% — Sở Thông tin và Truyền thông"
    response = api("reporter_a").post(f"/api/assignments/{row.pk}/reports",
                                      {"status": "done", "text": text})
    assert text.encode() in response.content
    assert api("leader").get(f"/api/reports/{response.json()['id']}").json()["text"] == text
