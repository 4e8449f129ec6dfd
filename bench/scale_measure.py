"""`python -m bench.scale measure`: what each page and API operation costs on the loaded
country, and what a production server (gunicorn) sustains under wrk.

Each operation runs in a fresh process (so that its peak memory is its own, and a page that
runs out of memory or time fails alone) with Django's test client: the first, cold request
(templates compiled, a new connection, empty caches) counts the SQL queries and is reported
in its own column; WARMUP more requests are not timed; then the request is repeated up to
--repeat times or until --budget seconds have gone, and p50/p95/p99 (and the median CPU
time of the measuring process, which the machine's load moves far less) are taken over
those warm requests only. (Before 2026-12-01 evening the percentiles included the cold request
and --repeat was 20, so p95 = p99 = the cold request: the old tables' p95 is today's
"cold" column, roughly.) Peak memory is the growth of the process's maximum resident set
(ru_maxrss) over the requests. The HTTP part starts gunicorn on 127.0.0.1 and runs wrk
(Debian's package) with Lua scripts for the bearer token and the session cookie, for a
bounded time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOSTS = "127.0.0.1,localhost,testserver"


# -- the fixtures an operation needs ---------------------------------------------------


def submitters(token_name: str) -> list[dict[str, Any]]:
    """Reporters of the 16 agencies with the most assignments, each with a new API token
    (`token_name`) and its 200 latest active lead rows: who posts reports under load."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from theodoi.tracking.models import Agency, Assignment
    from theodoi.web.api.models import ApiToken

    users = get_user_model()
    out = []
    for agency in Agency.objects.annotate(n=Count("assignments")).order_by("-n", "id")[:16]:
        user = users.objects.filter(profile__agency=agency).order_by("id").first()
        if user is None:
            continue
        _, key = ApiToken.objects.issue(user, name=token_name)
        ids = list(Assignment.objects.filter(
            agency=agency, is_active=True, role="lead", task__removed_at__isnull=True,
        ).order_by("-id").values_list("id", flat=True)[:200])
        if ids:
            out.append({"key": key, "assignments": ids})
    return out


def context() -> dict[str, Any]:
    """Ids of the rows the operations read: the biggest plan, a province and a ministry
    with the most assignments, the reporter of the busiest agency, API tokens."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from theodoi.tracking.models import Agency, Plan, Task
    from theodoi.web.api.models import ApiToken

    def busiest(kind: str) -> Agency:
        return (Agency.objects.filter(kind=kind).annotate(n=Count("assignments"))
                .order_by("-n", "id").first())

    national = (Plan.objects.filter(status="published").annotate(n=Count("tasks"))
                .order_by("-n", "id").first())
    province = busiest("province")
    ministry = busiest("ministry")
    own = Agency.objects.annotate(n=Count("assignments")).order_by("-n", "id").first()
    province_plan = (Plan.objects.filter(issuer__icontains=province.name.split(" ", 1)[1],
                                         status="published").order_by("-year", "id").first()
                     or national)
    task = (Task.objects.filter(plan=national, has_children=False)
            .annotate(n=Count("assignments")).order_by("-n", "id").first())
    users = get_user_model()
    coordinator = users.objects.get(username="bench-coordinator")
    reporter = users.objects.filter(profile__agency=own).order_by("id").first()
    _, coordinator_key = ApiToken.objects.issue(coordinator, name="bench")
    # Reporters of the agencies with the most lead rows submit reports under load.
    submitting = submitters("bench-submit")
    return {
        "national_plan": national.pk, "province": province.pk, "ministry": ministry.pk,
        "own": own.pk, "own_registry_id": own.registry_id, "own_assignments": own.n,
        "province_registry_id": province.registry_id, "province_plan": province_plan.pk,
        "task": task.pk, "coordinator": coordinator.pk,
        "reporter": reporter.pk if reporter else coordinator.pk,
        "coordinator_key": coordinator_key, "submitters": submitting,
    }


PAST_DAYS = 100  # how far back "overview / a past date" looks


def operations(ctx: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """name -> (URL, who: coordinator | reporter | bearer)."""
    from theodoi.tracking.models import today

    # A past date about 100 days back: the overview is counted from the status history
    # (the spans holding on that day) instead of the stored counts.
    past = (today() - timedelta(days=PAST_DAYS)).isoformat()
    return {
        "overview /": ("/", "coordinator"),
        "overview / a past date": (f"/?as_of={past}", "coordinator"),
        "/plans/": ("/plans/", "coordinator"),
        "plan page": (f"/plans/{ctx['national_plan']}/", "coordinator"),
        "province agency page": (f"/agencies/{ctx['province']}/", "coordinator"),
        "ministry agency page": (f"/agencies/{ctx['ministry']}/", "coordinator"),
        "reporter's own agency page": (f"/agencies/{ctx['own']}/", "reporter"),
        "/agencies/": ("/agencies/", "coordinator"),
        "search giam sat": ("/search/?q=giam+sat", "coordinator"),
        # A short (numeric) word has no trigram of its own for the index to narrow by.
        "search nghi dinh 13": ("/search/?q=nghi+dinh+13", "coordinator"),
        "/timeline/": ("/timeline/", "coordinator"),
        "task page": (f"/tasks/{ctx['task']}/", "coordinator"),
        "api tasks page 1": ("/api/tasks?page=1", "bearer"),
        "api tasks overdue": ("/api/tasks?status=overdue", "bearer"),
        "api assignments of an agency": (
            f"/api/assignments?agency={ctx['province_registry_id']}", "bearer"),
        "api statuses": ("/api/statuses", "bearer"),
        "province report.pdf": (f"/documents/plans/{ctx['province_plan']}/report.pdf",
                                "coordinator"),
        "province tasks.xlsx": (f"/documents/plans/{ctx['province_plan']}/tasks.xlsx",
                                "coordinator"),
    }


# -- one operation, in its own process ---------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile of `values` (nearest rank: the ceil(share * n)-th smallest;
    it was round(share * n + 0.5), one rank too high when share * n is whole: with 20
    requests p95 was the slowest)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered) - 1e-9) - 1))
    return ordered[rank]


WARMUP = 2  # untimed requests after the cold one
MIN_WARM = 5  # warm requests timed even past the budget (a cold request can be one-off work)


def run_one(name: str, ctx: dict[str, Any], repeat: int, budget: float,
            slowest: int = 0) -> dict[str, Any]:
    """Time one operation with the test client: the cold first request apart, then up to
    `repeat` warm ones within `budget` seconds; returns its figures (with the `slowest`
    queries of the last warm-up request, their SQL and milliseconds, when asked)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    url, who = operations(ctx)[name]
    client = Client()
    headers: dict[str, str] = {}
    users = get_user_model()
    if who == "bearer":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {ctx['coordinator_key']}"
    else:
        client.force_login(users.objects.get(pk=ctx[who]))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def fetch() -> tuple[int, int]:
        response = client.get(url, **headers)
        if getattr(response, "streaming", False):
            size = sum(len(part) for part in response.streaming_content)
        else:
            size = len(response.content)
        return response.status_code, size

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        status, size = fetch()
    cold = time.perf_counter() - start
    # Read now: the log is emptied by the next request.
    query_count = len(queries.captured_queries)
    spent = cold
    with CaptureQueriesContext(connection) as warm_queries:
        for _ in range(WARMUP):
            warm_queries.initial_queries = len(connection.queries_log)  # the last one's only
            start = time.perf_counter()
            fetch()
            spent += time.perf_counter() - start
    slow_sql = sorted(({"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]}
                       for q in warm_queries.captured_queries),
                      key=lambda q: -q["ms"])[:slowest]
    times: list[float] = []
    # The web process's own CPU per request (its Python; SQL runs in PostgreSQL): on a
    # shared machine it moves far less with the load than the wall time does.
    cpu: list[float] = []
    while len(times) < repeat and (len(times) < MIN_WARM or spent + times[-1] < budget):
        start, busy = time.perf_counter(), time.process_time()
        fetch()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - busy)
        spent += times[-1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "url": url, "status": status, "bytes": size, "queries": query_count,
        "n": len(times), "p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99), "cold": cold, "first": cold,
        "cpu_p50": percentile(cpu, 0.5) if cpu else None,
        "peak_mib": (peak - base) / 1024,
        **({"slowest_sql": slow_sql} if slowest else {}),
    }


def child(name: str, args: argparse.Namespace, ctx: dict[str, Any]) -> dict[str, Any]:
    """Run one operation in a fresh process capped at --memory MiB and --timeout seconds."""
    env = {**os.environ, "ALLOWED_HOSTS": HOSTS, "BENCH_CONTEXT": json.dumps(ctx)}
    limit = args.memory * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    command = [sys.executable, "-m", "bench.scale", "measure", "--op", name,
               "--repeat", str(args.repeat), "--budget", str(args.budget),
               "--queries", str(args.queries)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=args.timeout, preexec_fn=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout > {args.timeout:.0f} s"}
    for row in reversed(done.stdout.splitlines()):
        if row.startswith("{"):
            return json.loads(row)
    tail = (done.stderr.strip().splitlines() or ["?"])[-1]
    if "MemoryError" in done.stderr:
        tail = f"MemoryError at {args.memory} MiB"
    return {"error": f"{tail[:120]} (after {time.perf_counter() - start:.0f} s)"}


# -- the production server and wrk --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lua_get(token: str | None, cookie: str | None) -> str:
    headers = []
    if token:
        headers.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if cookie:
        headers.append(f'wrk.headers["Cookie"] = "{cookie}"')
    return "\n".join(headers) + "\n"


def lua_submit(submitters: list[dict[str, Any]]) -> str:
    """A wrk script POSTing reports, each request a random reporter and assignment of its."""
    pairs = ",\n".join(
        f'{{"{s["key"]}", {{{", ".join(str(i) for i in s["assignments"])}}}}}'
        for s in submitters
    )
    return f"""
local pairs = {{
{pairs}
}}
local texts = {{"bench", "Đang triển khai", "Đã hoàn thành một phần"}}
request = function()
  local p = pairs[math.random(#pairs)]
  local id = p[2][math.random(#p[2])]
  local body = "status=in_progress&percent=" .. math.random(1, 99) .. "&text=bench"
  return wrk.format("POST", "/api/assignments/" .. id .. "/reports", {{
    ["Authorization"] = "Bearer " .. p[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, body)
end
"""


def parse_wrk(text: str) -> dict[str, Any]:
    """Requests/s, latency percentiles and errors from wrk's --latency output."""
    out: dict[str, Any] = {}
    found = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(found.group(1)) if found else 0.0
    found = re.search(r"(\d+) requests in", text)
    out["requests"] = int(found.group(1)) if found else 0
    for pct in ("50", "90", "99"):
        found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", text, re.M)
        if found:
            scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[found.group(2)]
            out[f"p{pct}"] = float(found.group(1)) * scale
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(found.group(1)) if found else 0
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      text)
    out["socket_errors"] = sum(int(x) for x in found.groups()) if found else 0
    return out


def worker_memory(master: int) -> list[float]:
    """The peak resident memory (VmHWM, MiB) of each of gunicorn's workers."""
    out = []
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return out
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            out.append(int(found.group(1)) / 1024)
    return out


def session_cookie(user_id: int) -> str:
    """A signed-in session for `user_id`, as the browser would send it."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def ready(port: int, workers: int, token: str, wait: float = 120.0) -> None:
    """Wait until the server answers HTTP (its workers import Django after the socket is
    bound: on a loaded machine the first run of wrk measured their start), then send each
    worker a few requests, with the bench's token (without one each request logged a
    401 warning)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/tasks",
                                     headers={"Authorization": f"Bearer {token}"})

    def answer() -> bool:
        try:
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310 (http, built above)
                pass
        except urllib.error.HTTPError:
            return True  # an error page: the application answered
        except OSError:
            return False
        return True

    deadline = time.monotonic() + wait
    while not answer() and time.monotonic() < deadline:
        time.sleep(0.5)
    for _ in range(3 * workers):
        answer()


def http_load(args: argparse.Namespace, ctx: dict[str, Any], say: Any,
              kinds: frozenset[str] = frozenset({"get", "post"})) -> dict[str, Any]:
    """gunicorn (--gunicorn-workers, persistent connections) under wrk: two reads and the
    report submissions at 8 and 16 connections (`kinds`: the reads, the POSTs or both)."""
    wrk = shutil.which("wrk")
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    if wrk is None or not Path(gunicorn).exists():
        return {"error": "wrk or gunicorn missing (apt-get install wrk; pip install gunicorn)"}
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": HOSTS, "DB_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(
        [gunicorn, "theodoi.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.gunicorn_workers), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    out: dict[str, Any] = {"workers": args.gunicorn_workers, "seconds": args.http_seconds}
    try:
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        ready(port, args.gunicorn_workers, ctx["coordinator_key"])
        cookie = session_cookie(ctx["coordinator"])
        runs = [
            ("GET api tasks page 1", "/api/tasks?page=1", lua_get(ctx["coordinator_key"], None),
             4),
            ("GET task page", f"/tasks/{ctx['task']}/", lua_get(None, cookie), 4),
            ("POST reports, 8 clients", "/", lua_submit(ctx["submitters"]), 8),
            ("POST reports, 16 clients", "/", lua_submit(ctx["submitters"]), 16),
        ]
        runs = [run for run in runs if run[0].split(" ", 1)[0].lower() in kinds]
        with tempfile.TemporaryDirectory() as folder:
            for label, path, script, connections in runs:
                lua = Path(folder) / "script.lua"
                lua.write_text(script, encoding="utf-8")
                done = subprocess.run(
                    [wrk, "-t", "2", "-c", str(connections), "-d", f"{args.http_seconds}s",
                     "--timeout", "30s", "--latency", "-s", str(lua),
                     f"http://127.0.0.1:{port}{path}"],
                    capture_output=True, text=True, timeout=args.http_seconds + 60, check=False,
                )
                out[label] = {**parse_wrk(done.stdout), "connections": connections}
                say(f"  {label}: {out[label]}")
        out["worker_peak_mib"] = worker_memory(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return out


# -- the whole measure --------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def table(results: dict[str, dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    rows = ["| operation | cold | p50 | p95 | p99 | n (warm) | CPU p50 | queries | peak MiB "
            "| size |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if "error" in r:
            rows.append(f"| {name} | fails: {r['error']} | | | | | | | | |")
            continue
        size = r["bytes"] / 1024
        shown = f"{size:,.0f} KB" if size < 10240 else f"{size / 1024:,.1f} MB"
        cold = ms(r.get("cold", r.get("first")))
        rows.append(f"| {name} | {cold} | {ms(r['p50'])} | {ms(r['p95'])} | {ms(r['p99'])} "
                    f"| {r['n']} | {ms(r.get('cpu_p50'))} | {r['queries']} | {r['peak_mib']:,.0f} "
                    f"| {shown} (HTTP {r['status']}) |")
    return "\n".join(rows)


def http_table(http: dict[str, Any]) -> str:
    if "error" in http:
        return f"HTTP load: {http['error']}"
    rows = ["| wrk run | connections | req/s | p50 | p90 | p99 | non-2xx | socket errors |",
            "|---|---|---|---|---|---|---|---|"]
    for label, r in http.items():
        if not isinstance(r, dict):
            continue
        rows.append(f"| {label} | {r['connections']} | {r['rps']:,.1f} | {ms(r.get('p50'))} | "
                    f"{ms(r.get('p90'))} | {ms(r.get('p99'))} | {r['non_2xx']} | "
                    f"{r['socket_errors']} |")
    peaks = ", ".join(f"{m:,.0f}" for m in http.get("worker_peak_mib", []))
    rows.append(f"\ngunicorn: {http['workers']} sync workers, {http['seconds']} s per run, "
                f"peak worker memory (MiB): {peaks or '?'}")
    return "\n".join(rows)


SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "synchronous_commit",
            "max_wal_size", "random_page_cost")


def database_settings() -> dict[str, str]:
    """The PostgreSQL settings the figures depend on most (DEPLOY.md, PostgreSQL settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings "
                       "WHERE name = ANY(%s) ORDER BY name", [list(SETTINGS)])
        return dict(cursor.fetchall())


def buffers_warning() -> str | None:
    """A warning when the database is larger than PostgreSQL's shared buffers: its pages are
    then read through the kernel's cache, and the figures follow what it kept (DEPLOY.md,
    PostgreSQL settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), "
                       "pg_size_bytes(current_setting('shared_buffers'))")
        size, buffers = cursor.fetchone()
    return too_big_for_buffers(size, buffers)


def too_big_for_buffers(size: int, buffers: int) -> str | None:
    """`buffers_warning` for a database of `size` bytes and `buffers` bytes of buffers."""
    if size <= buffers:
        return None
    return (f"warning: the database ({size / 2**30:.1f} GiB) is larger than shared_buffers "
            f"({buffers / 2**30:.1f} GiB): pages come through the kernel's cache, and the "
            "figures with them (DEPLOY.md, PostgreSQL settings)")


def prewarm() -> str:
    """Read the tables and indexes into PostgreSQL's shared buffers (pg_prewarm), as on a
    server that has been serving for a while: a freshly generated country is otherwise
    measured partly from disk, and by how much of it the kernel happened to keep cached.
    What fits of the database in `shared_buffers` is read; the rest stays cold."""
    from django.db import connection
    from django.db.utils import DatabaseError

    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')")
            blocks = cursor.fetchone()[0]
    except DatabaseError as exc:  # not a superuser, or no contrib package: measured cold
        return f"prewarm skipped ({str(exc).strip().splitlines()[0]})"
    return f"prewarm: {blocks * 8 / 1024:,.0f} MiB read in {time.perf_counter() - started:.0f} s"


def measure(args: argparse.Namespace) -> int:
    if args.op:
        ctx = json.loads(os.environ["BENCH_CONTEXT"])
        print(json.dumps(run_one(args.op, ctx, args.repeat, args.budget, args.queries)))
        return 0
    from bench.scale import table_counts

    def say(text: str) -> None:
        print(text, flush=True)

    ctx = context()
    rows = table_counts()
    say("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    say(f"reporter's agency: {ctx['own_registry_id']} ({ctx['own_assignments']:,} assignments)")
    settings = database_settings()
    say("postgresql: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
    warning = buffers_warning()
    if warning:
        say(warning)
    if not args.no_prewarm:
        say(prewarm())
    # --only "" runs no operation (the HTTP load alone); "http-get" / "http-post" in it run
    # only those wrk runs of the HTTP load (and no operation unless named).
    wanted = ([n.strip() for n in args.only.split(",") if n.strip()] if args.only is not None
              else list(operations(ctx)))
    kinds = frozenset(n.removeprefix("http-") for n in wanted if n.startswith("http-"))
    wanted = [n for n in wanted if not n.startswith("http-")]
    results: dict[str, dict[str, Any]] = {}
    for name in wanted:
        results[name] = child(name, args, ctx)
        say(f"  {name}: {results[name]}")
    http = {} if args.no_http else http_load(args, ctx, say, kinds or frozenset({"get", "post"}))
    say("")
    say(table(results))
    if http:
        say("")
        say(http_table(http))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"rows": rows, "postgresql": settings, "context": {k: v for k, v in ctx.items()
                                       if "key" not in k and k != "submitters"},
             "operations": results, "http": http}, indent=2, default=str), encoding="utf-8")
    return 0
