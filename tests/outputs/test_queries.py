"""Documents read the database in a fixed number of queries, however many tasks a plan has."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.outputs.conftest import AS_OF
from theodoi.outputs.digest import agency_digest
from theodoi.outputs.excel import build_sheet
from theodoi.outputs.ical import agency_calendar, plan_calendar
from theodoi.outputs.report import build_report
from theodoi.tracking.services import import_plan, publish_plan

pytestmark = pytest.mark.django_db


def publish(plan_json, coordinator, fake_registry, copies: int):
    """The small plan with its tasks repeated `copies` times (codes I.1, I.1001, ...)."""
    doc = copy.deepcopy(plan_json)
    tasks = []
    for n in range(copies):
        for task in plan_json["tasks"]:
            section, _, number = task["code"].rpartition(".")
            tasks.append({**task, "code": f"{section}.{int(number) + 1000 * n}"})
    doc["tasks"] = tasks
    plan = import_plan(doc, user=coordinator)
    return publish_plan(plan, user=coordinator, on=date(2024, 5, 1), registry=fake_registry)


def count(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_no_document_makes_a_query_per_task(small_plan_json, coordinator, fake_registry,
                                           agency_b):
    small = publish(small_plan_json, coordinator, fake_registry, 1)
    jobs = {
        "report": lambda plan: build_report(plan, AS_OF),
        "sheet": lambda plan: build_sheet(plan, AS_OF),
        "plan calendar": lambda plan: plan_calendar(plan),
    }
    before = {name: count(lambda job=job: job(small)) for name, job in jobs.items()}
    before["digest"] = count(lambda: agency_digest(agency_b, AS_OF))
    before["agency calendar"] = count(lambda: agency_calendar(agency_b))
    large = publish(small_plan_json, coordinator, fake_registry, 6)
    after = {name: count(lambda job=job: job(large)) for name, job in jobs.items()}
    after["digest"] = count(lambda: agency_digest(agency_b, AS_OF))
    after["agency calendar"] = count(lambda: agency_calendar(agency_b))
    assert after == before
