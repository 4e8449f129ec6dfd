"""Extraction speed: CPU per decision over the sample decisions and the reader fixtures.

    python -m bench.extract_speed [--repeat N]

Prints the Markdown tables kept in BENCHMARKS.md. Each figure is one whole `read_plan`
(reading, plan building, deadlines, targets) in a fresh process, the modules already
imported: the first read of a decision, as `theodoi extract` does it, with no cache warmed
by an earlier read. The best of N such processes is kept (CPU seconds of the process, so
that other work on a shared machine counts less). `ratio vs DOCX` is the input's CPU over
the CPU of the DOCX fixture of the same plan (same three-digit prefix). Tesseract's
CPU (a child process) is counted in the OCR row.

Text seeds count pages as the extractor marked them (a PDF text's page starts) or, for
DOCX text, one page per 3,000 characters; PDF and DOCX fixtures count their real pages.
pdfplumber's own `extract_tables()` runs on the same PDFs for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
FIXTURES = ROOT / "tests" / "data" / "fixtures"
# The decision fixtures (the folder also holds deliberately broken files).
PLAN_FIXTURE = "[0-9][0-9][0-9]_*"


def _measure_one(path: Path, what: str) -> dict[str, float]:
    """CPU (with child processes') and wall seconds of one first read of `path`."""
    from theodoi.extract.commands import read_plan
    from theodoi.extract.readers import docx, ocr, pdf, text  # noqa: F401  (import cost out)

    if what == "pdfplumber":
        import pdfplumber

        def run() -> None:
            with pdfplumber.open(path) as document:
                for page in document.pages:
                    page.extract_tables()
    else:
        def run() -> None:
            read_plan(path)

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    cpu = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Tesseract and LibreOffice run as child processes: their CPU is the reader's too.
    cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return {"cpu": cpu, "wall": time.perf_counter() - wall}


def _first_read(path: Path, what: str, repeat: int) -> dict[str, float]:
    """The best CPU (and its wall time) over `repeat` fresh processes."""
    best: dict[str, float] = {"cpu": math.inf, "wall": math.inf}
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-m", "bench.extract_speed", "--one", str(path), "--what", what],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        found = json.loads(out.stdout.strip().splitlines()[-1])
        if found["cpu"] < best["cpu"]:
            best = found
    return best


def _text_pages(path: Path) -> int:
    from theodoi.extract.readers.text import read_text

    doc = read_text(path)
    if doc.cell_fidelity == 1:
        return doc.pages
    return max(1, math.ceil(len(path.read_text(encoding="utf-8")) / 3000))


def _text_kind(path: Path) -> str:
    from theodoi.extract.readers.text import read_text

    doc = read_text(path)
    if not doc.tables():
        return "narrative text"
    return "PDF text, reflowed" if doc.cell_fidelity == 1 else "DOCX text, tab cells"


def inputs() -> list[tuple[str, str, Path, int]]:
    """(label, plan prefix, path, pages) of every benchmarked input."""
    from theodoi.extract.readers import read_document

    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        label = f"text {path.name[:3]} ({_text_kind(path)})"
        rows.append((label, path.name[:3], path, _text_pages(path)))
    for path in sorted(FIXTURES.glob(PLAN_FIXTURE)):
        if path.suffix not in {".docx", ".pdf"}:
            continue
        label = f"{path.suffix[1:]} {path.name}"
        if "scanned" in path.name:
            label += " (OCR, Tesseract vie)"
        rows.append((label, path.name[:3], path, read_document(path).pages or 1))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N processes (default 3)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--what", default="theodoi", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure_one(args.one, args.what)))
        return

    measured = []
    for label, plan, path, pages in inputs():
        runs = 1 if "scanned" in path.name else args.repeat
        measured.append((label, plan, path, pages, _first_read(path, "theodoi", runs)))
    docx_cpu = {
        plan: found["cpu"] for _, plan, path, _, found in measured if path.suffix == ".docx"
    }

    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"best of {args.repeat} fresh processes\n")
    print("| input | pages | CPU s | wall s | pages/s (CPU) | ratio vs DOCX |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, plan, path, pages, found in measured:
        ratio = "—"
        if path.suffix != ".docx" and plan in docx_cpu:
            ratio = f"{found['cpu'] / docx_cpu[plan]:.1f}×"
        print(f"| {label} | {pages} | {found['cpu']:.3f} | {found['wall']:.3f} "
              f"| {pages / found['cpu']:.1f} | {ratio} |")

    print("\n| PDF | theodoi pages/s | pdfplumber extract_tables pages/s | ratio |")
    print("|---|---:|---:|---:|")
    for _, _, path, pages, found in measured:
        if path.suffix != ".pdf" or "scanned" in path.name:
            continue
        theirs = _first_read(path, "pdfplumber", args.repeat)
        ours_rate, theirs_rate = pages / found["cpu"], pages / theirs["cpu"]
        print(f"| {path.name} | {ours_rate:.1f} | {theirs_rate:.1f} "
              f"| {ours_rate / theirs_rate:.2f} |")

    text = [(pages, found["cpu"]) for label, _, _, pages, found in measured
            if label.startswith("text")]
    print(f"\nText seeds overall: {sum(p for p, _ in text) / sum(s for _, s in text):.1f} "
          "pages/s (CPU)")


if __name__ == "__main__":
    main()
