"""`python -m bench.submit_profile`: what one report submission costs, in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_submit \\
        python -m bench.submit_profile [-n 200] [--seed 1] [--sort tottime] [--top 20]

POSTs `-n` reports to `/api/assignments/<id>/reports` through Django's test client (the
whole middleware stack, the API's bearer authentication, the service, the audit log), as
the wrk script of `bench.scale measure` does: each request a random reporter's token of the
16 agencies with the most assignments and one of its 200 latest lead rows, status
in_progress, a random percent (so the state moves), text "bench". The reports are
committed, as under wrk. Prints per submission: the Python process's CPU time
(time.process_time), the CPU time of the PostgreSQL backend serving it (/proc, same
machine), wall time and SQL queries; then a second pass of the same requests under cProfile,
its top functions by CPU time. Needs a country from `python -m bench.scale generate`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import time
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def submitters() -> list[dict[str, Any]]:
    """The reporters, tokens and lead rows the wrk load of `bench.scale_measure` posts with."""
    from bench.scale_measure import submitters as load_submitters

    return load_submitters("bench-submit-profile")


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend `pid` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Counter:
    """Counts the SQL statements sent (a cheap execute wrapper, not the debug log)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def requests(people: list[dict[str, Any]], n: int, seed: int) -> list[tuple[str, int, int]]:
    """(token, assignment id, percent) for `n` submissions, the same for a seed."""
    rng = random.Random(seed)  # noqa: S311 (a benchmark's draw, not a secret)
    out = []
    for _ in range(n):
        who = rng.choice(people)
        out.append((who["key"], rng.choice(who["assignments"]), rng.randint(1, 99)))
    return out


def post(client: Any, key: str, assignment: int, percent: int) -> int:
    response = client.post(
        f"/api/assignments/{assignment}/reports",
        data=f"status=in_progress&percent={percent}&text=bench",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    return response.status_code


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client

    people = submitters()
    if not people:
        print("no reporter with lead rows: generate a country first (python -m bench.scale "
              "generate --tasks 2000)")
        return 2
    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # Warm-up: first-of-process costs (URL resolver, content types, templates) excluded.
    for key, aid, percent in requests(people, args.warmup, args.seed + 1000):
        post(client, key, aid, percent)
    plan = requests(people, args.n, args.seed)
    counter = Counter()
    cpu, pg, wall, nq, codes = [], [], [], [], {}
    with connection.execute_wrapper(counter):
        for key, aid, percent in plan:
            before_q, before_pg = counter.n, backend_cpu(backend)
            start_cpu, start = time.process_time(), time.perf_counter()
            code = post(client, key, aid, percent)
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start)
            pg.append(backend_cpu(backend) - before_pg)
            nq.append(counter.n - before_q)
            codes[code] = codes.get(code, 0) + 1
    ms = 1000
    print(f"{args.n} submissions (after {args.warmup} to warm up), HTTP status: {codes}")
    print(f"python CPU ms per submission: mean {statistics.mean(cpu) * ms:.1f}, "
          f"p50 {pct(cpu, 0.5) * ms:.1f}, p95 {pct(cpu, 0.95) * ms:.1f}")
    print(f"postgres backend CPU ms per submission: mean {statistics.mean(pg) * ms:.1f} "
          f"(clock ticks of {ms / CLOCK_TICKS:.0f} ms: a mean over many)")
    print(f"wall ms per submission: mean {statistics.mean(wall) * ms:.1f}, "
          f"p50 {pct(wall, 0.5) * ms:.1f}, p95 {pct(wall, 0.95) * ms:.1f}")
    print(f"queries per submission: mean {statistics.mean(nq):.1f}, min {min(nq)}, "
          f"max {max(nq)}")
    if args.sort == "none" and not args.dump:
        return 0
    # A second pass, the same kind of requests under the profiler (which slows them),
    # timed in CPU time: waiting for PostgreSQL is not the Python process's cost.
    profile = cProfile.Profile(time.process_time)
    for key, aid, percent in requests(people, args.n, args.seed + 1):
        profile.enable()
        post(client, key, aid, percent)
        profile.disable()
    if args.dump:
        profile.dump_stats(args.dump)
    for order in [] if args.sort == "none" else args.sort.split(","):
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text)
        stats.strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\ncProfile, {args.n} submissions, top {args.top} by {order}:")
        print("\n".join(line for line in text.getvalue().splitlines()
                        if (line.strip() and not line.startswith(("   Ordered", "         ")))
                        or "function calls" in line))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.submit_profile",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="submissions measured")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sort", default="tottime,cumulative",
                        help="cProfile orders, comma-separated ('none': no profile)")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--dump", help="write the cProfile statistics to this file")
    args = parser.parse_args(argv)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    from bench.scale import setup_django

    setup_django()
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
