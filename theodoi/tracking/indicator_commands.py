"""`theodoi indicators`: import an export of a national system (DTI, EMC), list what is
held, map an indicator to a target."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from theodoi.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "indicators", help="số liệu chỉ số từ hệ thống quốc gia (DTI, EMC): nhập, xem, gắn",
        description="Nhập tệp CSV/Excel xuất từ hệ thống đánh giá quốc gia (bảng xếp hạng "
        "DTI, số liệu EMC); các dòng chưa hiểu được được liệt kê; cùng một tệp không được "
        "ghi hai lần (docs/indicators.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    imported = actions.add_parser("import", help="nhập một tệp")
    imported.add_argument("file", metavar="TỆP")
    imported.add_argument("--user", required=True, metavar="USERNAME",
                          help="điều phối viên nhập số liệu (tài khoản trong hệ thống)")
    imported.add_argument("--system", default="", help="hệ thống nguồn (mặc định: tự nhận)")
    imported.add_argument("--period", default="",
                          help="kỳ số liệu khi tệp không ghi (2024, Quý III/2024, 30/06/2024)")
    imported.add_argument("--dry-run", action="store_true",
                          help="chỉ xem trước, không ghi gì")
    imported.set_defaults(handler=run_import)
    listed = actions.add_parser("list", help="các chỉ số đã có và chỉ tiêu được gắn")
    listed.set_defaults(handler=run_list)
    mapped = actions.add_parser("map", help="gắn một chỉ số với một chỉ tiêu")
    mapped.add_argument("indicator", help="mã chỉ số (hệ thống:mã, ví dụ DTI:dti) hoặc số")
    mapped.add_argument("target", type=int, help="số của chỉ tiêu")
    mapped.add_argument("--user", required=True, metavar="USERNAME")
    mapped.set_defaults(handler=run_map)


def _setup() -> None:
    from theodoi.web.commands import migrate, setup_django

    setup_django()
    migrate()


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    from theodoi.tracking.access import is_coordinator

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise UserError(f"không có tài khoản «{name}»")
    if not is_coordinator(user):
        raise UserError(f"tài khoản «{name}» không phải điều phối viên")
    return user


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"không có tệp {path}")
    _setup()
    from theodoi.tracking.services import indicators

    user = _user(args.user)
    data = path.read_bytes()
    if args.dry_run:
        preview = indicators.read_indicator_file(data, path.name, system=args.system or None,
                                                 period=args.period or None)
    else:
        record, preview = indicators.start_import(user, data, path.name, system=args.system,
                                                  period=args.period)
    for problem in preview.problems:
        print(f"chưa hiểu: {problem}", file=sys.stderr)
    summary = (f"{path.name}: {preview.system or 'không rõ hệ thống'}, "
               f"{len(preview.rows)} giá trị hiểu được ({len(preview.indicators)} chỉ số, "
               f"{preview.agencies} cơ quan), {len(preview.problems)} dòng chưa hiểu được")
    print(summary)
    if not preview.rows:
        raise UserError(f"{path.name}: không có giá trị nào hiểu được; chưa ghi gì")
    if args.dry_run:
        print("xem trước: chưa ghi gì")
        return 0
    if record.confirmed_at is not None:
        print(f"tệp này đã được nhập ngày {record.confirmed_at:%d/%m/%Y}; không ghi thêm")
        return 0
    done = indicators.confirm_import(user, record)
    print(f"đã ghi {done.written} giá trị; {done.skipped} giá trị đã có từ trước")
    return 0


def run_list(args: argparse.Namespace) -> int:
    _setup()
    from django.db.models import Count, Max

    from theodoi.tracking.models import Indicator

    held = (Indicator.objects.annotate(count=Count("values"), last=Max("values__on"))
            .prefetch_related("mappings").order_by("system", "name"))
    for indicator in held:
        targets = ", ".join(str(m.target_id) for m in indicator.mappings.all()) or "-"
        last = f"{indicator.last:%d/%m/%Y}" if indicator.last else "-"
        print(f"{indicator.pk}\t{indicator.system}:{indicator.code}\t{indicator.name}\t"
              f"{indicator.count} giá trị\tđến {last}\tchỉ tiêu {targets}")
    return 0


def run_map(args: argparse.Namespace) -> int:
    _setup()
    from theodoi.tracking.models import Indicator, Target
    from theodoi.tracking.services import indicators

    user = _user(args.user)
    if args.indicator.isdigit():
        indicator = Indicator.objects.filter(pk=int(args.indicator)).first()
    else:
        system, _sep, code = args.indicator.partition(":")
        indicator = Indicator.objects.filter(system=system, code=code).first()
    if indicator is None:
        raise UserError(f"không có chỉ số «{args.indicator}»")
    target = Target.objects.filter(pk=args.target).first()
    if target is None:
        raise UserError(f"không có chỉ tiêu số {args.target}")
    indicators.map_indicator(user, indicator, target)
    print(f"đã gắn {indicator} với chỉ tiêu {target.pk}: {target}")
    return 0
