"""The national benchmark: a synthetic country on PostgreSQL, and what its pages cost.

    python -m bench.scale generate --tasks 200000 [--seed 1] [--workers 2]
    python -m bench.scale measure [--json out.json] [--repeat 60] [--budget 60]

`generate` empties the tracking tables of the database DATABASE_URL names (only a database
whose name holds "bench" or starts with "test", unless --force), loads the country with
COPY (bench/scale_data.py), then judges it with `theodoi.tracking.services.statuses`.
`measure` times each page and API operation in a fresh process (bench/scale_measure.py),
then loads a production server (gunicorn) with wrk. BENCHMARKS.md, "National scale",
keeps the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def ensure_database(url: str) -> None:
    """Create the database `url` names when it is missing (never one named "test")."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name == "test":
        print("bench.scale không dùng cơ sở dữ liệu 'test' (của bộ kiểm thử).", file=sys.stderr)
        raise SystemExit(2)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name}: created")


def setup_django() -> None:
    """Django set up on DATABASE_URL; exits 2 unless it names a PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench.scale cần PostgreSQL: đặt DATABASE_URL=postgres://... (không dùng SQLite).",
              file=sys.stderr)
        raise SystemExit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    import django

    django.setup()


def local_today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def database_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(tasks: int, seed: int, today: date, say: Any = print) -> dict[str, Any]:
    """Load a country of about `tasks` tasks; returns the counts and timings."""
    from bench.scale_data import Generator

    start = time.perf_counter()
    counts = Generator(tasks, seed, today, say).run()
    out = {k: v for k, v in vars(counts).items() if k != "timings"}
    out["timings"] = dict(counts.timings)
    out["timings"]["load total"] = time.perf_counter() - start
    return out


def _worker_setup() -> None:
    """A rebuild worker process: Django set up once, on a connection of its own."""
    import django
    from django.db import connection

    django.setup()
    connection.close()


def _server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (0 when the server is not
    on this machine): with the Python process's own, a figure the machine's load hardly
    changes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rebuild_plan(job: tuple[int, str, float]) -> tuple[int, float, str, float, float]:
    """One plan judged by a worker unless the budget is spent (`deadline`, time.time()):
    (plan, seconds, "" when judged else why not, Python CPU seconds, PostgreSQL CPU
    seconds)."""
    from django.db import IntegrityError, OperationalError

    from theodoi.tracking.services import statuses

    plan_id, on, deadline = job
    if time.time() > deadline:
        return plan_id, 0.0, "budget", 0.0, 0.0
    start, cpu, server = time.perf_counter(), time.process_time(), _server_cpu()
    why = ""
    for attempt in range(5):
        try:
            # The agencies are counted once after every worker is done.
            statuses.rebuild(on=date.fromisoformat(on), plan_ids=[plan_id], agencies=False)
            why = ""
            break
        except (IntegrityError, OperationalError) as exc:
            why = str(exc)
            time.sleep(0.2 * (attempt + 1))
    return (plan_id, time.perf_counter() - start, why, time.process_time() - cpu,
            _server_cpu() - server)


def rebuild(workers: int, today: date, budget: float = 0, say: Any = print, *,
            resume: bool = False) -> dict[str, Any]:
    """`statuses.rebuild()` over every plan: in this process, or per plan in `workers`
    processes taking the next plan as each finishes, biggest plans first (the last ones
    to finish are then small, so both workers stay busy to the end); with a `budget`
    (seconds), the plans judged by then, and the whole rebuild's time estimated from their
    share of the assignments. `resume`: only the plans with a task not yet judged on
    `today` (what a run stopped by its budget left)."""
    import multiprocessing

    from django.db import connection, transaction
    from django.db.models import Count, Q

    from theodoi.tracking.models import Agency, Assignment, Plan, Task
    from theodoi.tracking.services import statuses

    start = time.perf_counter()
    published = Plan.objects.filter(status="published")
    if resume:
        published = published.filter(pk__in=Task.objects.filter(
            Q(judged_on__isnull=True) | ~Q(judged_on=today)).values("plan_id"))
    sizes = dict(published.annotate(n=Count("assignments")).values_list("id", "n"))
    plans = sorted(sizes, key=lambda pid: (-sizes[pid], pid))
    if workers <= 1 and not budget and not resume:
        statuses.rebuild(on=today)
        seconds = time.perf_counter() - start
        say(f"  statuses.rebuild(): {seconds:.1f} s")
        analyze(say)
        return {"rebuild": seconds, "workers": 1, "plans judged": len(plans),
                "plans": len(plans)}
    workers = max(1, workers)
    deadline = time.time() + budget if budget else float("inf")
    connection.close()
    done: list[int] = []
    failed: list[str] = []
    busy = [0.0, 0.0, 0.0]  # wall, Python CPU, PostgreSQL CPU seconds inside plans
    # A plan still being judged a minute after the budget is given up (rolled back).
    grace = 60.0
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_worker_setup)
    try:
        results = pool.imap_unordered(
            _rebuild_plan, [(pid, today.isoformat(), deadline) for pid in plans], chunksize=1)
        for _ in plans:
            try:
                plan_id, seconds, why, cpu, server = results.next(
                    timeout=None if not budget else max(1.0, deadline + grace - time.time()))
            except multiprocessing.TimeoutError:
                say("  a worker stopped inside a plan after the budget (rolled back)")
                break
            busy[0] += seconds
            busy[1] += cpu
            busy[2] += server
            if not why:
                done.append(plan_id)
            elif why != "budget":
                failed.append(f"{plan_id}: {why}")
            if len(done) % 25 == 0 and not why:
                say(f"  ... {len(done)}/{len(plans)} plans, "
                    f"{time.perf_counter() - start:.0f} s")
    finally:
        pool.terminate()
        pool.join()
    judged = time.perf_counter() - start
    recount = time.perf_counter()
    with transaction.atomic():  # recount_agencies locks the agencies' rows
        statuses.recount_agencies(Agency.objects.values_list("id", flat=True))
    recount = time.perf_counter() - recount
    analyze(say)
    seconds = time.perf_counter() - start
    total = Assignment.objects.count()
    judged_rows = sum(sizes[pid] for pid in done)
    share = judged_rows / total if total else 1.0
    out = {"rebuild": seconds, "workers": workers, "plans judged": len(done),
           "plans": len(plans), "assignments judged share": share, "recount agencies": recount,
           "judging": judged, "worker busy seconds": busy[0],
           "python cpu seconds": busy[1], "postgresql cpu seconds": busy[2],
           "assignments per second": judged_rows / judged if judged else 0.0,
           "failed": failed}
    say(f"  statuses.rebuild per plan ({workers} worker(s)): {len(done)}/{len(plans)} plans, "
        f"{share:.1%} of the assignments, in {judged:.1f} s "
        f"({out['assignments per second']:.0f} assignments/s; workers busy "
        f"{busy[0] / (workers * judged):.0%}; CPU {busy[1]:.0f} s Python + {busy[2]:.0f} s "
        f"PostgreSQL) (+ {recount:.1f} s recount)")
    if share < 1.0 and share > 0:
        out["rebuild estimated"] = judged / share + recount
        say(f"  whole rebuild estimated at {out['rebuild estimated']:.0f} s")
    for line in failed:
        say(f"  failed: {line}")
    return out


def analyze(say: Any = print) -> None:
    """VACUUM ANALYZE the tracking tables: the rebuild rewrote every state, and plans made on
    the load's statistics (every state empty) misjudge the pages' filters by 1000x."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("tracking_task", "tracking_assignment", "tracking_taskhistory",
                      "tracking_assignmenthistory", "tracking_planstatuscount",
                      "tracking_agencystatuscount", "tracking_agencysummary"):
            # VACUUM too: the rebuild rewrote every row, and until autovacuum comes by the
            # visibility map is empty, so no count can be answered from an index alone.
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    say(f"  VACUUM ANALYZE after the rebuild: {time.perf_counter() - start:.1f} s")


def table_counts() -> dict[str, int]:
    """Rows per table that the benchmark cares about."""
    from django.db import connection

    tables = {
        "agencies": "tracking_agency", "plans": "tracking_plan", "tasks": "tracking_task",
        "assignments": "tracking_assignment", "reports": "tracking_progressreport",
        "task history": "tracking_taskhistory", "assignment history": "tracking_assignmenthistory",
        "plan counts": "tracking_planstatuscount", "agency counts": "tracking_agencystatuscount",
    }
    out = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            out[label] = cursor.fetchone()[0]
    return out


def cmd_rebuild(args: argparse.Namespace) -> int:
    setup_django()
    today = date.fromisoformat(args.today) if args.today else local_today()
    out = rebuild(args.workers, today, args.rebuild_budget, resume=args.resume)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    if args.create_database and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    name = database_name()
    if not args.force and "bench" not in name and not name.startswith("test"):
        print(f"bench.scale generate xóa dữ liệu theo dõi: cơ sở dữ liệu {name!r} không phải "
              "cơ sở dữ liệu thử (dùng --force nếu chắc chắn).", file=sys.stderr)
        return 2
    today = date.fromisoformat(args.today) if args.today else local_today()
    print(f"database {name}: migrate")
    t0 = time.perf_counter()
    migrate()
    print(f"  migrate: {time.perf_counter() - t0:.1f} s")
    print(f"generate --tasks {args.tasks} --seed {args.seed} (today {today})")
    result = generate(args.tasks, args.seed, today)
    if not args.no_rebuild:
        result["rebuild"] = rebuild(args.workers, today, args.rebuild_budget)
    result["rows"] = table_counts()
    for label, n in result["rows"].items():
        print(f"  {label:>20}: {n:>10,}")
    for label in ("lead_parts", "group_partners", "unresolved", "headings", "targets",
                  "target_values", "users"):
        print(f"  {label:>20}: {result[label]:>10,}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


def cmd_measure(args: argparse.Namespace) -> int:
    setup_django()
    from bench.scale_measure import measure

    return measure(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="load a synthetic country")
    gen.add_argument("--tasks", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--today", help="the day reports run up to (YYYY-MM-DD; default today)")
    gen.add_argument("--workers", type=int, default=1,
                     help="rebuild per plan in this many processes (default: one rebuild())")
    gen.add_argument("--rebuild-budget", type=float, default=0,
                     help="stop judging plans after this many seconds and estimate the rest")
    gen.add_argument("--no-rebuild", action="store_true")
    gen.add_argument("--create-database", action="store_true",
                     help="create the database DATABASE_URL names when it is missing")
    gen.add_argument("--force", action="store_true",
                     help="allow a database whose name is not a test or bench one")
    gen.add_argument("--json", help="write the counts and timings here")
    gen.set_defaults(func=cmd_generate)
    reb = sub.add_parser("rebuild", help="judge the loaded country again (statuses.rebuild)")
    reb.add_argument("--workers", type=int, default=2)
    reb.add_argument("--rebuild-budget", type=float, default=0)
    reb.add_argument("--resume", action="store_true",
                     help="only the plans with tasks not judged on --today yet")
    reb.add_argument("--today")
    reb.add_argument("--json")
    reb.set_defaults(func=cmd_rebuild)
    mea = sub.add_parser("measure", help="time the pages, the API and a production server")
    mea.add_argument("--json", help="write the figures here")
    mea.add_argument("--repeat", type=int, default=60,
                     help="warm requests per operation (at most; the cold first one apart)")
    mea.add_argument("--budget", type=float, default=30.0,
                     help="seconds per operation before fewer repeats are kept")
    mea.add_argument("--timeout", type=float, default=120.0,
                     help="seconds before one operation is given up")
    mea.add_argument("--memory", type=int, default=6144,
                     help="MiB of address space one measuring process may use")
    mea.add_argument("--only", help="comma-separated operation names; http-get, http-post: "
                     "only those runs of the HTTP load")
    mea.add_argument("--no-http", action="store_true", help="skip gunicorn and wrk")
    mea.add_argument("--no-prewarm", action="store_true",
                     help="measure without first reading the tables into shared buffers")
    mea.add_argument("--http-seconds", type=int, default=15)
    mea.add_argument("--gunicorn-workers", type=int, default=4)
    mea.add_argument("--queries", type=int, default=0, metavar="N",
                     help="also keep each operation's N slowest SQL queries (SQL and ms, of "
                     "a warm request): the per-query figures BENCHMARKS.md quotes")
    mea.add_argument("--op", help=argparse.SUPPRESS)  # one operation, in a child process
    mea.set_defaults(func=cmd_measure)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
