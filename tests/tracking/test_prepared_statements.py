"""Statements prepared on a kept PostgreSQL connection (settings.DB_PREPARE): psycopg
prepares a statement after its fifth run there, so the server plans it once, not at every
report's write."""

from __future__ import annotations

import pytest
from django.db import connection

from theodoi.tracking.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL's")


def prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_is_prepared_once(postgresql: None) -> None:
    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    Agency.objects.create(registry_id="bo-a", name="Bộ A", kind="ministry")
    for _ in range(7):
        assert Agency.objects.filter(registry_id="bo-a").count() == 1
    mine = [t for t in prepared_texts() if '"tracking_agency"' in t and "COUNT(*)" in t]
    assert len(mine) == 1  # prepared once, then executed by name
    assert "$1" in mine[0]  # the value bound by the server, not written into the text


def test_values_still_bound_correctly_once_prepared(postgresql: None) -> None:
    for i in range(8):
        Agency.objects.create(registry_id=f"so-{i}", name=f"Sở {i}", kind="department")
    got = [Agency.objects.get(registry_id=f"so-{i}").name for i in range(8)]
    assert got == [f"Sở {i}" for i in range(8)]
