"""Read replicas: dashboards read from the `replica` alias, writes and the pages after a
write from the primary. The replica is a second connection to the same test database
(Django's TEST MIRROR), so each query's alias can be asserted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from theodoi import dbrouter
from theodoi.tracking.models import Assignment, Plan

# Two connections to one database: each sees the other's committed rows.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The router and the middleware on (tests/infra/conftest.py defines the alias)."""
    assert connections[dbrouter.REPLICA] is not connections["default"]
    assert (connections[dbrouter.REPLICA].settings_dict["NAME"]
            == connections["default"].settings_dict["NAME"])
    monkeypatch.setattr(router, "routers", [dbrouter.ReplicaRouter()])
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "theodoi.dbrouter.ReplicaMiddleware"]
    yield


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self) -> Queries:
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[dbrouter.REPLICA])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def tables(self, which: str) -> set[str]:
        """The tables named in the FROM clauses of `which` ("primary" or "replica")."""
        context = getattr(self, which)
        found = set()
        for query in context.captured_queries:
            sql = query["sql"]
            if " FROM " in sql:
                found.add(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
        return found


def test_the_overview_reads_from_the_replica_and_who_is_logged_in_from_the_primary(
        replica: None, client: Any, published_plan: Any, leader: Any) -> None:
    client.force_login(leader)
    with Queries() as queries:
        assert client.get(reverse("web:overview")).status_code == 200
    assert any(t.startswith("tracking_") for t in queries.tables("replica"))
    assert not any(t.startswith("tracking_") for t in queries.tables("primary"))
    assert queries.tables("primary") & {"django_session", "auth_user"}


def test_a_write_goes_to_the_primary_and_the_writer_reads_from_it_for_a_while(
        replica: None, client: Any, published_plan: Any, reporter_a: Any) -> None:
    assignment = Assignment.objects.filter(task__plan=published_plan,
                                           agency=reporter_a.profile.agency).first()
    client.force_login(reporter_a)
    with Queries() as queries:
        response = client.post(reverse("web:report", args=[assignment.pk]),
                               {"status": "in_progress", "percent": "30", "text": "Đang làm"})
    assert response.status_code in (200, 302)
    assert not queries.replica.captured_queries
    assert dbrouter.STICKY_COOKIE in response.cookies
    with Queries() as queries:
        assert client.get(reverse("web:overview")).status_code == 200
    assert not queries.replica.captured_queries  # its own write is visible at once
    client.cookies.pop(dbrouter.STICKY_COOKIE)
    with Queries() as queries:
        client.get(reverse("web:overview"))
    assert queries.replica.captured_queries


def test_pages_not_listed_and_transactions_read_from_the_primary(
        replica: None, client: Any, published_plan: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    with Queries() as queries:
        client.get(reverse("web:import"))
    assert not queries.replica.captured_queries
    with Queries() as queries, dbrouter.replica_reads():
        assert Plan.objects.count() == 1
        with transaction.atomic():
            assert Plan.objects.filter(pk=published_plan.pk).exists()
    assert len(queries.replica.captured_queries) == 1
    assert "COUNT" in queries.replica.captured_queries[0]["sql"].upper()


def test_without_a_replica_everything_reads_from_the_primary(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(connections.settings, dbrouter.REPLICA)
    with dbrouter.replica_reads():
        assert dbrouter.ReplicaRouter().db_for_read(Plan) == "default"
