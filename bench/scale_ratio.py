"""`python -m bench.scale_ratio SMALL_URL LARGE_URL`: each page at two sizes, interleaved.

    python -m bench.scale_ratio postgres://postgres@127.0.0.1:5432/theodoi_bench_20000 \\
        postgres://postgres@127.0.0.1:5432/theodoi_bench_200000 [--rounds 2] [--json f]

The goal "the 200k figures within 1.5x of the 20k ones" compares two measurements, and on a
shared machine whose speed drifts by a third from one quarter of an hour to the next (a
fixed pure-Python loop took 0.74 s and 1.23 s a minute apart on 2026-12-02), two countries
measured one after the other (`make bench-scale`: a 10-minute block each) compare the
machine's hours as much as the code. Here each operation is measured on the small country
and then at once on the large one (`bench.scale measure --no-http --no-prewarm --only OP`,
a fresh process each), operation after operation, `--rounds` times; the table keeps each
size's median p50 and p95 over the rounds, and their ratios. The countries are taken as
generated and warm (run `bench.scale measure` once first, or prewarm them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The documents are left out: a province's plan has ten times the rows at 200k (what the
# export writes follows the rows shown), so their ratio is not the goal's.
LEFT_OUT = ("province report.pdf", "province tasks.xlsx")


def operation_names() -> list[str]:
    """The operations `bench.scale measure` times, documents left out (their URLs are made
    from a country's ids: none is needed for the names)."""
    from bench.scale import setup_django

    setup_django()  # `operations` reads today's date in the project's zone
    from bench.scale_measure import operations

    return [n for n in operations(defaultdict(int)) if n not in LEFT_OUT]


def measure_one(url: str, name: str, repeat: int) -> dict[str, Any]:
    """One operation on the country at `url`, as `bench.scale measure --only` times it."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "m.json"
        done = subprocess.run(
            [sys.executable, "-m", "bench.scale", "measure", "--no-http", "--no-prewarm",
             "--only", name, "--repeat", str(repeat), "--json", str(out)],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True,
            text=True, check=False)
        if not out.exists():
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return {"error": tail[:160]}
        return json.loads(out.read_text(encoding="utf-8"))["operations"][name]


def run(small: str, large: str, names: list[str], rounds: int, repeat: int,
        say: Any = print) -> dict[str, dict[str, Any]]:
    """name -> {"small": {p50, p95}, "large": {...}, "ratio_p50", "ratio_p95"}: medians
    over the rounds, each round measuring every operation on both sizes back to back."""
    seen: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for round_no in range(1, rounds + 1):
        for name in names:
            for size, url in (("small", small), ("large", large)):
                found = measure_one(url, name, repeat)
                seen[name][size].append(found)
            a, b = seen[name]["small"][-1], seen[name]["large"][-1]
            say(f"round {round_no} {name}: {ms(a.get('p95'))} / {ms(b.get('p95'))} p95"
                + (f" ({a.get('error') or b.get('error')})" if "error" in a or "error" in b
                   else ""))
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        row: dict[str, Any] = {}
        for size in ("small", "large"):
            good = [r for r in seen[name][size] if "p95" in r]
            row[size] = ({k: statistics.median(r[k] for r in good) for k in ("p50", "p95")}
                         | {"queries": good[-1]["queries"]} if good else {})
        if row["small"] and row["large"]:
            for k in ("p50", "p95"):
                row[f"ratio_{k}"] = row["large"][k] / row["small"][k]
        out[name] = row
    return out


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = ["| operation | small p50 / p95 | large p50 / p95 | ratio p50 | ratio p95 | "
             "queries |", "|---|---|---|---|---|---|"]
    for name, row in results.items():
        a, b = row["small"], row["large"]
        ratio = (f"{row['ratio_p50']:.2f} | {row['ratio_p95']:.2f}" if "ratio_p95" in row
                 else "- | -")
        lines.append(f"| {name} | {ms(a.get('p50'))} / {ms(a.get('p95'))} | "
                     f"{ms(b.get('p50'))} / {ms(b.get('p95'))} | {ratio} | "
                     f"{a.get('queries', '-')} / {b.get('queries', '-')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_ratio",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("small", help="DATABASE_URL of the small country (20k)")
    parser.add_argument("large", help="DATABASE_URL of the large country (200k)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=30, help="warm requests per operation")
    parser.add_argument("--only", help="comma-separated operation names (default: the pages "
                                       "and API operations, not the documents)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.small
    names = ([n.strip() for n in args.only.split(",") if n.strip()] if args.only
             else operation_names())
    results = run(args.small, args.large, names, args.rounds, args.repeat)
    print()
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
