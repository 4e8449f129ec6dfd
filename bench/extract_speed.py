"""Extraction speed: pages per second over the sample decisions and the reader fixtures.

    python -m bench.extract_speed [--repeat N]

Prints a Markdown table (the one kept in BENCHMARKS.md). Text seeds count pages as the
extractor marked them (a PDF text's page starts) or, for DOCX text, one page per 3,000
characters; PDF and DOCX fixtures count their real pages. pdfplumber's own
`extract_tables()` runs on the same PDFs in the same process for comparison.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
FIXTURES = ROOT / "tests" / "data" / "fixtures"
# The decision fixtures (the folder also holds deliberately broken files).
PLAN_FIXTURE = "[0-9][0-9][0-9]_*"


def _timed(func: Callable[[], object], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _text_pages(path: Path) -> int:
    from theodoi.extract.readers.text import read_text

    doc = read_text(path)
    if doc.cell_fidelity == 1:
        return doc.pages
    return max(1, math.ceil(len(path.read_text(encoding="utf-8")) / 3000))


def bench_text(repeat: int) -> list[tuple[str, int, float]]:
    from theodoi.extract.commands import read_plan

    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        pages = _text_pages(path)
        seconds = _timed(lambda p=path: read_plan(p), repeat)
        rows.append((f"text {path.name[:3]}", pages, seconds))
    return rows


def bench_files(repeat: int) -> list[tuple[str, int, float]]:
    from theodoi.extract.commands import read_plan
    from theodoi.extract.readers import read_document

    rows = []
    for path in sorted(FIXTURES.glob(PLAN_FIXTURE)):
        if path.suffix not in {".docx", ".pdf"}:
            continue
        pages = read_document(path).pages or 1
        runs = 1 if "scanned" in path.name else repeat
        seconds = _timed(lambda p=path: read_plan(p), runs)
        rows.append((f"{path.suffix[1:]} {path.name}", pages, seconds))
    return rows


def bench_pdfplumber(repeat: int) -> list[tuple[str, int, float]]:
    import pdfplumber

    rows = []
    for path in sorted(FIXTURES.glob(PLAN_FIXTURE + ".pdf")):
        if "scanned" in path.name:
            continue

        def run(p: Path = path) -> None:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_tables()

        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        rows.append((f"pdfplumber extract_tables {path.name}", pages, _timed(run, repeat)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    rows = bench_text(args.repeat) + bench_files(args.repeat)
    plumber = bench_pdfplumber(args.repeat)
    print(f"Python {platform.python_version()} on {platform.machine()}, best of {args.repeat}\n")
    print("| input | pages | seconds | pages/s |")
    print("|---|---:|---:|---:|")
    for name, pages, seconds in rows + plumber:
        print(f"| {name} | {pages} | {seconds:.3f} | {pages / seconds:.1f} |")
    ours = {name.split(" ", 1)[1]: pages / s for name, pages, s in rows if name.startswith("pdf")}
    print("\n| PDF | theodoi pages/s | pdfplumber extract_tables pages/s | ratio |")
    print("|---|---:|---:|---:|")
    for name, pages, seconds in plumber:
        file = name.rsplit(" ", 1)[1]
        if file in ours:
            theirs = pages / seconds
            print(f"| {file} | {ours[file]:.1f} | {theirs:.1f} | {ours[file] / theirs:.2f} |")
    total_pages = sum(p for n, p, _ in rows if n.startswith("text"))
    total_seconds = sum(s for n, _, s in rows if n.startswith("text"))
    print(f"\nText seeds overall: {total_pages / total_seconds:.1f} pages/s")


if __name__ == "__main__":
    main()
