"""`theodoi extract` and `theodoi demo`: read decisions into plan-json and show them."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from theodoi.cli import UserError
from theodoi.extract.merge import merge_plans
from theodoi.extract.model import Plan
from theodoi.extract.plan import NoPlanFound, build_plan

SAMPLES = Path(__file__).resolve().parent.parent.parent / "tests" / "data" / "seeds"


def register(subparsers: argparse._SubParsersAction) -> None:
    extract = subparsers.add_parser(
        "extract",
        help="đọc quyết định (PDF, DOCX, văn bản) thành plan-json",
        description="Đọc một quyết định (hoặc nhiều bản của cùng một quyết định) thành plan-json.",
    )
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--out", metavar="OUT.json", help="ghi ra tệp thay vì stdout")
    extract.add_argument("--quiet", action="store_true", help="không in cảnh báo")
    extract.set_defaults(handler=run_extract)

    demo = subparsers.add_parser("demo", help="đọc các kế hoạch mẫu và in tóm tắt")
    demo.add_argument("files", nargs="*", metavar="FILE")
    demo.set_defaults(handler=run_demo)


def read_plan(path: str | Path) -> Plan:
    """The plan in one file; UserError (one Vietnamese line) when it cannot be read."""
    from theodoi.extract.readers import read_document

    path = Path(path)
    document = read_document(path)
    try:
        return build_plan(document)
    except NoPlanFound:
        raise UserError(
            f"{path.name}: không tìm thấy bảng nhiệm vụ hay nhiệm vụ đánh số nào"
        ) from None


def extract_plan(paths: list[str | Path], *, report=None) -> Plan:
    """One plan from one or more files of the same decision, disagreements reported."""
    plans = [read_plan(p) for p in paths]
    plan, disagreements = merge_plans(plans)
    if report is not None:
        for item in disagreements:
            print(f"khác nhau: {item}", file=report)
    return plan


def run_extract(args: argparse.Namespace) -> int:
    plan = extract_plan(args.files, report=None if args.quiet else sys.stderr)
    if not args.quiet:
        for warning in plan.warnings:
            print(f"cảnh báo: {warning}", file=sys.stderr)
    text = json.dumps(plan.to_json(), ensure_ascii=False, indent=2) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"không ghi được {args.out}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0


def summarize(plan: Plan) -> str:
    """A readable summary: sections, task counts, deadlines by month, lead agencies."""
    meta = plan.meta
    lines = [
        f"== {plan.source}",
        f"   {meta.title or '(không rõ tên kế hoạch)'}",
        f"   Số: {meta.number or '—'}  Ngày: {meta.date or '—'}  Cơ quan: {meta.issuer or '—'}"
        f"  Năm: {meta.year or '—'}  Người ký: {meta.signer or '—'}",
        f"   {len(plan.tasks)} nhiệm vụ, {len(plan.targets)} chỉ tiêu",
    ]
    sections = Counter(t.code.split(".")[0] for t in plan.tasks)
    lines.append("   Theo mục: " + ", ".join(f"{k}: {v}" for k, v in sections.items()))
    kinds = Counter(t.due.kind for t in plan.tasks)
    lines.append("   Loại thời hạn: " + ", ".join(f"{k}: {v}" for k, v in kinds.most_common()))
    months = Counter(t.due.on[:7] for t in plan.tasks if t.due.on)
    if months:
        lines.append("   Hạn theo tháng:")
        peak = max(months.values())
        for month in sorted(months):
            bar = "█" * max(1, round(20 * months[month] / peak))
            lines.append(f"     {month} {bar} {months[month]}")
    leads = Counter(name for t in plan.tasks for name in t.lead)
    lines.append("   Chủ trì nhiều nhất:")
    for name, count in leads.most_common(5):
        lines.append(f"     {count:3d}  {name}")
    for target in plan.targets:
        lines.append(f"   Chỉ tiêu: {target.value} {target.unit} — {target.text[:70]}")
    return "\n".join(lines)


def run_demo(args: argparse.Namespace) -> int:
    files = args.files or sorted(str(p) for p in SAMPLES.glob("*.txt"))
    if not files:
        raise UserError("không có tệp mẫu nào để đọc")
    for path in files:
        print(summarize(read_plan(path)))
        print()
    return 0
