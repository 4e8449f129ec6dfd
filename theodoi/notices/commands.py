"""`theodoi notices send [--loop N]`: mail the notices not mailed yet (cron or beat)."""

from __future__ import annotations

import argparse

from theodoi.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    notices = subparsers.add_parser(
        "notices", help="thông báo trong ứng dụng: gửi thư cho các thông báo mới",
        description="Gửi thư điện tử cho mọi thông báo chưa gửi (báo cáo bị trả lại, "
        "nhiệm vụ mới được giao, thời hạn thay đổi).",
    )
    actions = notices.add_subparsers(dest="notices_command", metavar="LỆNH")
    actions.required = True
    send = actions.add_parser("send", help="gửi thư cho các thông báo chưa gửi")
    send.add_argument("--loop", type=int, metavar="GIÂY",
                      help="chạy lại sau mỗi bấy nhiêu giây (không dừng)")
    send.set_defaults(handler=run_send)


def run_send(args: argparse.Namespace) -> int:
    from theodoi.outputs.commands import loop
    from theodoi.web.commands import setup_django

    setup_django()
    if args.loop is not None and args.loop <= 0:
        raise UserError("--loop cần số giây lớn hơn 0")

    def once() -> int:
        from theodoi.notices.mail import send_notices

        outcome = send_notices(report=print)
        print(f"đã gửi {len(outcome.sent)} thông báo; {len(outcome.no_address)} không có "
              f"địa chỉ; {len(outcome.failed)} lỗi")
        return 1 if outcome.failed else 0

    if args.loop is None:
        return once()
    return loop(once, args.loop)
