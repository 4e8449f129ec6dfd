"""Concurrent writers against a real server on a file SQLite database (the embedded default).

The server runs as `theodoi serve` runs it (waitress, threads), in its own process, on a
database file of its own; the writers are threads with real HTTP connections.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 20

pytestmark = pytest.mark.slow

SETUP = textwrap.dedent("""
    import json, django
    from datetime import date
    django.setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from tests.conftest_django import (AGENCY_B, SMALL_PLAN, FakeRegistry, AGENCY_A,
                                       OLD_MINISTRY, GROUP, ENTERPRISES, make_user)
    from theodoi.tracking.models import Agency, Assignment
    from theodoi.tracking.services import import_plan, publish_plan
    from theodoi.web.api.models import ApiToken
    registry = FakeRegistry(
        names={"Bộ A": AGENCY_A, "UBND tỉnh B": AGENCY_B, "Ủy ban nhân dân tỉnh B": AGENCY_B,
               "Bộ Cũ": OLD_MINISTRY, "Các bộ, ngành, địa phương": GROUP,
               "Các doanh nghiệp công nghệ số": ENTERPRISES},
        groups={GROUP.id: [AGENCY_A, AGENCY_B, OLD_MINISTRY]},
        successions={OLD_MINISTRY.id: (date(2025, 3, 1), AGENCY_A)})
    coordinator = make_user("coordinator", "coordinator")
    plan = publish_plan(import_plan(SMALL_PLAN, user=coordinator), user=coordinator,
                        on=date(2024, 5, 1), registry=registry)
    agency_b = Agency.objects.get(registry_id=AGENCY_B.id)
    reporter = make_user("reporter-b", "reporter", agency_b)
    row = Assignment.objects.get(task__plan=plan, task__code="III.A.1", agency=agency_b)
    from theodoi.tracking.services import submit_report
    other = Assignment.objects.get(task__plan=plan, task__code="I.2", agency=agency_b)
    pending = [submit_report(other, reporter, status="in_progress", text=f"chờ duyệt {n}").pk
               for n in range(21)]
    print(json.dumps({"assignment": row.pk, "reporter": ApiToken.objects.issue(reporter)[1],
                      "coordinator": ApiToken.objects.issue(coordinator)[1],
                      "pending": pending}))
""")

COUNT = textwrap.dedent("""
    import json, sys, django
    django.setup()
    from theodoi.tracking.models import ProgressReport
    texts = list(ProgressReport.objects.filter(assignment_id=int(sys.argv[1]))
                 .values_list("text", flat=True))
    print(json.dumps(texts))
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_server_url() -> str | None:
    """The PostgreSQL server the tests may create a database on, or None."""
    url = os.getenv("THEODOI_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return url.rsplit("/", 1)[0]
    except Exception:
        return None


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: Any, tmp_path: Path):
    """A fresh, empty database of each engine: a SQLite file, a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'theodoi.sqlite3'}"
        return
    import secrets

    import psycopg

    server = postgres_server_url()
    if server is None:
        pytest.skip("no PostgreSQL server reachable (THEODOI_TEST_DATABASE_URL)")
    name = f"theodoi_concurrency_{secrets.token_hex(4)}"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def live_server_process(tmp_path: Path, database_url: str):
    """A server process on a fresh database: (base url, environment, setup answers)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "theodoi.settings",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PRODUCTION", None)
    setup = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=True)
    answers = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    entry = "import sys; from theodoi.cli import main; sys.exit(main())"
    server = subprocess.Popen(
        [sys.executable, "-c", entry, "serve", "--port", str(port), "--threads", str(WRITERS)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                # The first request builds the API schema: seconds on a loaded machine.
                urllib.request.urlopen(f"{base}/api/openapi.json", timeout=60)  # noqa: S310
                break
            except OSError:  # refused while starting, or a read timed out (URLError, TimeoutError)
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()[-3000:]) from None
                time.sleep(0.3)
        yield base, env, answers
    finally:
        server.terminate()
        server.wait(timeout=30)


def post_form(url: str, token: str, fields: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_twenty_concurrent_api_report_writers_are_all_stored_once(live_server_process):
    base, env, answers = live_server_process
    url = f"{base}/api/assignments/{answers['assignment']}/reports"

    def write(n: int) -> tuple[int, str]:
        token = answers["reporter"] if n % 2 else answers["coordinator"]
        return post_form(url, token, {"status": "in_progress", "percent": str(n),
                                      "text": f"báo cáo số {n}"})

    rounds = 3  # 60 writes in bursts of 20
    results: list[tuple[int, str]] = []
    for burst in range(rounds):
        with ThreadPoolExecutor(WRITERS) as pool:
            results += list(pool.map(write, range(burst * WRITERS, (burst + 1) * WRITERS)))
    refused = [r for r in results if r[0] != 201]
    assert not refused, (f"{len(refused)} of {len(results)} refused", refused[0][1][-300:])
    stored = subprocess.run([sys.executable, "-c", COUNT, str(answers["assignment"])], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    texts = json.loads(stored.stdout)
    # Every accepted write stored exactly once.
    assert sorted(texts) == sorted(f"báo cáo số {n}" for n in range(rounds * WRITERS))


def post_json(url: str, token: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_twenty_coordinators_reviewing_one_report_at_once_one_wins_the_rest_are_told(
        live_server_process):
    base, _env, answers = live_server_process
    one = answers["pending"][0]

    def review(n: int) -> tuple[int, str]:
        return post_json(f"{base}/api/reports/{one}/review", answers["coordinator"],
                         {"decision": "accept" if n % 2 else "return", "reason": f"lần {n}"})

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(review, range(WRITERS)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [400] * (WRITERS - 1), results[:3]
    assert all("already reviewed" in body for status, body in results if status == 400)

    def review_each(report_id: int) -> int:
        return post_json(f"{base}/api/reports/{report_id}/review", answers["coordinator"],
                         {"decision": "accept"})[0]

    with ThreadPoolExecutor(WRITERS) as pool:
        assert list(pool.map(review_each, answers["pending"][1:])) == [200] * WRITERS
