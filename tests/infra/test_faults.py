"""The database restarts under load: gunicorn (theodoi/gunicorn_conf.py) with persistent
connections on a private PostgreSQL cluster this test starts, stops and starts again while
threads send reports and read pages through the API.

The cluster is a throwaway one (initdb in a temporary folder, its own port and socket), so
that stopping it disturbs nobody else's database.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_concurrency import SETUP as CONCURRENCY_SETUP
from tests.infra.conftest import ROOT, bin_path, free_port, need, stop, wait_for_port

pytestmark = [pytest.mark.services, pytest.mark.slow]

# The concurrency test's database (a published plan, a reporter, tokens), without its
# reports waiting for review.
SETUP = CONCURRENCY_SETUP.split("from theodoi.tracking.services import submit_report")[0] + (
    'print(json.dumps({"assignment": row.pk, "task": row.task_id,'
    ' "reporter": ApiToken.objects.issue(reporter)[1],'
    ' "coordinator": ApiToken.objects.issue(coordinator)[1]}))\n')
TIMEOUT = 15  # seconds a request may take before it counts as hung
LOADERS = 6


def postgres_bin() -> Path | None:
    """The folder of initdb/pg_ctl/postgres of the installed PostgreSQL, or None."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


class Cluster:
    """A private PostgreSQL cluster: initdb'd in a temporary folder, on its own port."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="theodoi-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres")

    def run(self, *args: str) -> None:
        out = subprocess.run([*self.as_user, *args], capture_output=True, text=True,
                             timeout=120, check=False)
        assert out.returncode == 0, (args, out.stdout[-1500:], out.stderr[-1500:])

    def init(self) -> None:
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                 "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=50")
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                 str(self.root / "log"), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` aborts every session and transaction, as a crash."""
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                 "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("fast")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bindir = postgres_bin()
    need(bindir is not None, "PostgreSQL is not installed (no initdb/pg_ctl): the restart "
                             "tests need a private cluster of their own")
    assert bindir is not None
    made = Cluster(bindir)
    try:
        made.init()
        made.start()
        yield made
    finally:
        made.remove()


def environment(tmp: Path, database_url: str, port: int) -> dict[str, str]:
    """The production shape's variables: persistent, health-checked connections."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "CELERY_", "REDIS_", "STORAGE_", "WEB_", "DB_"))}
    env.pop("PRODUCTION", None)
    env.update(DJANGO_SETTINGS_MODULE="theodoi.settings", VAR_DIR=str(tmp),
               MEDIA_ROOT=str(tmp / "media"), DATABASE_URL=database_url,
               ALLOWED_HOSTS="127.0.0.1,localhost", PYTHONPATH=str(ROOT),
               WEB_BIND=f"127.0.0.1:{port}", WEB_WORKERS="2", WEB_THREADS="4",
               WEB_ACCESS_LOG=str(tmp / "access.log"), WEB_TIMEOUT="60",
               DB_CONN_MAX_AGE="300", DB_CONN_HEALTH_CHECKS="1")
    return env


@dataclass
class Outcome:
    kind: str
    started: float
    elapsed: float
    status: int | None  # None: no HTTP answer at all
    body: str
    content_type: str
    text: str = ""


def signed_in(base: str, username: str) -> urllib.request.OpenerDirector:
    """An opener holding the session cookie of `username` signed in on the login page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/login/", timeout=TIMEOUT).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    fields = {"username": username, "password": "pw-for-tests", "csrfmiddlewaretoken": csrf}
    opener.open(f"{base}/login/", urllib.parse.urlencode(fields).encode(),
                timeout=TIMEOUT).read()
    assert any(c.name == "sessionid" for c in jar), "not signed in"
    return opener


def call(url: str, token: str, kind: str, fields: dict[str, str] | None = None,
         opener: urllib.request.OpenerDirector | None = None) -> Outcome:
    """One request (a POST of `fields`, else a GET; with the API token, or through the
    signed-in `opener`) and what came of it."""
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, headers={  # noqa: S310
        **({} if opener else {"Authorization": f"Bearer {token}"}),
        **({"Content-Type": "application/x-www-form-urlencoded"} if data else {})})
    started = time.monotonic()
    send = opener.open if opener else urllib.request.urlopen
    try:
        with send(request, timeout=TIMEOUT) as response:
            status, body, kind_of = (response.status, response.read().decode(),
                                     response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        status, body, kind_of = exc.code, exc.read().decode(), exc.headers.get(
            "Content-Type", "")
    except OSError as exc:  # refused, reset or timed out: no answer
        status, body, kind_of = None, repr(exc), ""
    return Outcome(kind, started, time.monotonic() - started, status, body, kind_of,
                   (fields or {}).get("text", ""))


COUNT = """
import json, sys, django
django.setup()
from theodoi.tracking.models import ProgressReport
print(json.dumps(list(ProgressReport.objects.filter(assignment_id=int(sys.argv[1]))
                      .values_list("text", flat=True))))
"""


@pytest.fixture(scope="module")
def served(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[tuple[subprocess.Popen, str, dict[str, str], dict[str, Any], Path]]:
    """gunicorn on a new database of the cluster, set up as the concurrency test's: (the
    process, its base URL, its environment, the setup's answers, its folder)."""
    import psycopg

    tmp_path = tmp_path_factory.mktemp("faults")
    database = "theodoi_faults"

    with psycopg.connect(cluster.url + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    port = free_port()
    env = environment(tmp_path, f"{cluster.url}/{database}", port)
    setup = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=False)
    assert setup.returncode == 0, setup.stderr[-2000:]
    answers = json.loads(setup.stdout.strip().splitlines()[-1])
    server = subprocess.Popen([bin_path("gunicorn"), "-c", "python:theodoi.gunicorn_conf"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(tmp_path / "gunicorn.log", "wb"))  # noqa: SIM115
    try:
        wait_for_port(port, server, seconds=60)
        yield server, f"http://127.0.0.1:{port}", env, answers, tmp_path
    finally:
        stop(server)


def test_connections_idle_through_a_database_restart_are_replaced_not_failed(
        cluster: Cluster, served: Any) -> None:
    server, base, _env, answers, _tmp = served
    url = f"{base}/api/assignments/{answers['assignment']}"
    # Enough concurrent reads that every one of the 2 x 4 worker threads holds a
    # connection, then the database restarts while nobody asks anything.
    with ThreadPoolExecutor(16) as pool:
        warm = list(pool.map(lambda _: call(url, answers["coordinator"], "read").status,
                             range(64)))
    assert warm == [200] * 64
    cluster.stop("fast")
    cluster.start()
    with ThreadPoolExecutor(16) as pool:
        after = list(pool.map(lambda _: call(url, answers["coordinator"], "read"),
                              range(64)))
    assert server.poll() is None
    # CONN_HEALTH_CHECKS: each kept connection is checked before its first use and
    # replaced; without it the first request of each thread that kept one failed (503).
    failed = [o for o in after if o.status != 200]
    assert not failed, (f"{len(failed)} of 64 failed", failed[0].status, failed[0].body[-300:])


def test_the_database_restarting_under_load_fails_cleanly_and_recovers_without_a_restart(
        cluster: Cluster, served: Any) -> None:
    server, base, env, answers, tmp_path = served
    write_url = f"{base}/api/assignments/{answers['assignment']}/reports"
    read_url = f"{base}/api/assignments/{answers['assignment']}"
    outcomes: list[Outcome] = []
    done = threading.Event()
    counter = iter(range(10**6))
    lock = threading.Lock()

    page_url = f"{base}/tasks/{answers['task']}/"

    def load(browser: urllib.request.OpenerDirector) -> None:
        while not done.is_set():
            with lock:
                n = next(counter)
            token = answers["reporter"] if n % 2 else answers["coordinator"]
            if n % 6 == 2:
                outcome = call(read_url, token, "read")
            elif n % 6 == 5:
                outcome = call(page_url, token, "page", opener=browser)
            else:
                outcome = call(write_url, token, "write", {
                    "status": "in_progress", "percent": str(n % 100),
                    "text": f"báo cáo tải {n}"})
            with lock:
                outcomes.append(outcome)

    assert call(read_url, answers["coordinator"], "read").status == 200
    with ThreadPoolExecutor(LOADERS) as pool:
        browsers = list(pool.map(lambda _: signed_in(base, "coordinator"), range(LOADERS)))
        loaders = [pool.submit(load, browser) for browser in browsers]
        try:
            time.sleep(4)  # connections opened and kept by every worker thread
            down_at = time.monotonic()
            cluster.stop("immediate")
            time.sleep(3)
            cluster.start()
            up_at = time.monotonic()
            time.sleep(6)
        finally:
            done.set()  # else the pool would wait for the loaders forever
    for loader in loaders:
        loader.result()  # a loader that broke (its sign-in) fails the test here
    # The same server process (no restart) answers after the outage.
    assert server.poll() is None
    after = [call(read_url, answers["coordinator"], "read") for _ in range(10)]
    assert [o.status for o in after] == [200] * 10, after[0].body[-500:]

    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    before = [o for o in outcomes if o.started + o.elapsed < down_at]
    during = [o for o in outcomes if down_at <= o.started < up_at]
    late = [o for o in outcomes if o.started >= up_at + 1]  # a second to reconnect
    summary = (f"{len(outcomes)} requests: {len(before)} before, {len(during)} during, "
               f"{len(late)} a second after; {sum(o.kind == 'page' for o in outcomes)} "
               f"pages; statuses "
               f"{sorted({str(o.status) for o in outcomes})}")
    assert before and during and late, summary
    assert all(o.status in (200, 201) for o in before), summary
    # Nothing hung, every request had an HTTP answer; a failure is a 5xx with a body.
    assert max(o.elapsed for o in outcomes) < TIMEOUT, summary
    unanswered = [o for o in outcomes if o.status is None]
    assert not unanswered, (summary, unanswered[0].body)
    failed = [o for o in outcomes if o.status not in (200, 201)]
    assert failed, f"the outage was never seen: {summary}"
    # A 503 with the reason (theodoi.web.middleware), not a bare 500: JSON on the API, a
    # page for the browser.
    reason = "Cơ sở dữ liệu tạm thời không sẵn sàng"
    assert all(o.status == 503 for o in failed), (
        summary, [(o.status, o.body[-300:]) for o in failed if o.status != 503][:2])
    assert all(o.content_type == "application/json" and reason in json.loads(o.body)["detail"]
               for o in failed if o.kind != "page")
    assert all(o.content_type.startswith("text/html") and reason in o.body
               for o in failed if o.kind == "page")
    assert {o.kind for o in failed} == {"write", "read", "page"}, summary
    # Recovered on its own: every request a second after the database is back succeeds.
    assert all(o.status in (200, 201) for o in late), (
        summary, [o.body[-300:] for o in late if o.status not in (200, 201)][:2], log[-2000:])

    # Nothing half-written: each accepted report stored exactly once, a refused one at most
    # once (it may have committed before the connection broke), states consistent.
    stored = subprocess.run([sys.executable, "-c", COUNT, str(answers["assignment"])],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    texts = json.loads(stored.stdout)
    accepted = [o.text for o in outcomes if o.kind == "write" and o.status == 201]
    assert all(texts.count(t) == 1 for t in accepted)
    refused = [o.text for o in outcomes if o.kind == "write" and o.status != 201]
    assert all(texts.count(t) <= 1 for t in refused)
    assert len(texts) == len(set(texts))
    check = subprocess.run([sys.executable, "-m", "theodoi.cli", "statuses", "check"],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           check=False)
    assert check.returncode == 0, check.stdout[-2000:]
    print(summary, f"; {len(accepted)} accepted reports stored once, "
          f"{sum(texts.count(t) for t in refused)} of {len(refused)} refused ones stored")
