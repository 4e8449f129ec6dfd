"""schemathesis against the OpenAPI description, in process (no network): no 500 on any
input the description allows, for a coordinator's token and a reporter's.

The operations are driven with hypothesis directly (schemathesis' pytest plugin does not
run under pytest 9); `FUZZ_EXAMPLES` scales the examples per operation.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
EXAMPLES = max(1, int(10 * float(os.getenv("FUZZ_EXAMPLES", "1"))))


def test_schemathesis_finds_no_server_error(
        published_plan: Any, coordinator: Any, reporter_b: Any) -> None:
    from django.core.wsgi import get_wsgi_application

    from theodoi.web.api.models import ApiToken

    bearers = [{"Authorization": f"Bearer {ApiToken.objects.issue(user)[1]}"}
               for user in (coordinator, reporter_b)]
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # Called as a WSGI app, each request would close the test's connection at its end
    # (autocommit is off inside the test's transaction); Django's test client does this too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run(get_wsgi_application(), bearers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(app: Any, bearers: list[dict[str, str]]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    calls = {"n": 0}
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def run(case: Any) -> None:
            for headers in bearers:
                response = case.call(headers=headers)
                calls["n"] += 1
                case.validate_response(response, checks=[not_a_server_error])

        run()
    print(f"schemathesis: {len(operations)} operations, {calls['n']} requests")
