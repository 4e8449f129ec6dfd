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
    print(json.dumps({"assignment": row.pk, "reporter": ApiToken.objects.issue(reporter)[1],
                      "coordinator": ApiToken.objects.issue(coordinator)[1]}))
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


@pytest.fixture
def live_sqlite(tmp_path: Path):
    """A server process on a fresh SQLite file: (base url, environment, setup answers)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "theodoi.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'theodoi.sqlite3'}",
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
                urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
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


def test_twenty_concurrent_api_report_writers_on_sqlite_get_no_database_is_locked(live_sqlite):
    base, env, answers = live_sqlite
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
