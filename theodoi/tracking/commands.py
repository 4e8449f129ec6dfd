"""`theodoi statuses`: the stored states' daily refresh, a full rebuild, and a check."""

from __future__ import annotations

import argparse
import time
from datetime import date


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "statuses", help="trạng thái lưu sẵn: cập nhật hằng ngày, tính lại, kiểm tra",
        description="Trạng thái của nhiệm vụ được lưu cùng mỗi báo cáo; lệnh này cập nhật "
        "những nhiệm vụ đến hạn đổi trạng thái (chạy hằng ngày), tính lại toàn bộ từ báo "
        "cáo, hoặc kiểm tra số liệu đã lưu.",
    )
    parser.add_argument("action", choices=["refresh", "rebuild", "check"])
    parser.add_argument("--on", type=date.fromisoformat, default=None,
                        help="ngày tính (mặc định hôm nay)")
    parser.add_argument("--loop", type=int, metavar="GIÂY", default=0,
                        help="với refresh: chạy lại sau mỗi GIÂY giây")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from theodoi.web.commands import migrate, setup_django

    setup_django()
    migrate()
    from theodoi.tracking.models import today
    from theodoi.tracking.services import past_counts, statuses

    if args.action == "check":
        problems = statuses.check(args.on)
        for line in problems:
            print(line)
        print(f"{len(problems)} chỗ khác biệt" if problems else "trạng thái khớp với báo cáo")
        return 1 if problems else 0
    while True:
        started = time.monotonic()
        if args.action == "rebuild":
            n = statuses.rebuild(args.on)
            print(f"đã tính lại {n} kế hoạch trong {time.monotonic() - started:.1f} giây")
            return 0
        n = statuses.refresh_due(args.on)
        past_counts.store_yesterday(args.on or today())
        print(f"đã cập nhật {n} dòng trong {time.monotonic() - started:.1f} giây", flush=True)
        if not args.loop:
            return 0
        time.sleep(args.loop)
