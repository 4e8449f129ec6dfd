"""`theodoi jobs worker|beat|cleanup`: the task queue from the shell."""

from __future__ import annotations

import argparse
import sys

from theodoi.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    jobs = subparsers.add_parser(
        "jobs", help="hàng đợi công việc: tiến trình xử lý, lịch chạy, dọn dẹp",
        description="Chạy tiến trình xử lý công việc (Celery), bộ lập lịch, hoặc dọn dẹp "
        "các công việc cũ và tệp tải lên không còn cần.",
    )
    actions = jobs.add_subparsers(dest="jobs_command", metavar="LỆNH")
    actions.required = True
    worker = actions.add_parser("worker", help="chạy một tiến trình xử lý công việc")
    worker.add_argument("--concurrency", type=int, default=None,
                        help="số công việc chạy cùng lúc (mặc định: số lõi)")
    worker.add_argument("--name", default=None, help="tên tiến trình (duy nhất mỗi máy)")
    worker.set_defaults(handler=run_worker)
    beat = actions.add_parser("beat", help="chạy bộ lập lịch (nhắc việc, cập nhật trạng thái)")
    beat.add_argument("--schedule", default=None, help="tệp lưu lịch (mặc định VAR_DIR)")
    beat.set_defaults(handler=run_beat)
    clean = actions.add_parser("cleanup", help="dọn công việc cũ và tệp tải lên không còn cần")
    clean.add_argument("--days", type=int, default=None,
                       help="giữ công việc đã xong bấy nhiêu ngày (mặc định JOBS_KEEP_DAYS)")
    clean.set_defaults(handler=run_cleanup)


def _setup(broker_required: bool = False) -> None:
    """Django configured; refuses the embedded broker when `broker_required`. No migration
    here: several workers starting at once must not race to migrate (DEPLOY.md: releases)."""
    from theodoi.web.commands import setup_django

    setup_django()
    if broker_required:
        _broker_required()


def _broker_required() -> None:
    from django.conf import settings

    if settings.JOBS_EMBEDDED:
        raise UserError("chưa đặt CELERY_BROKER_URL (redis:// hoặc amqp://): ở chế độ nhúng, "
                        "công việc chạy ngay trong tiến trình web")


def run_worker(args: argparse.Namespace) -> int:
    _setup(broker_required=True)
    from theodoi.jobs.celery import app

    argv = ["worker", "--loglevel=INFO"]
    if args.concurrency:
        argv.append(f"--concurrency={args.concurrency}")
    if args.name:
        argv.append(f"--hostname={args.name}")
    app.worker_main(argv)
    return 0


def run_beat(args: argparse.Namespace) -> int:
    _setup(broker_required=True)
    from django.conf import settings

    from theodoi.jobs.celery import app

    schedule = args.schedule or str(settings.VAR_DIR / "celerybeat-schedule")
    app.start(["beat", "--loglevel=INFO", f"--schedule={schedule}"])
    return 0


def run_cleanup(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 0:
        raise UserError("--days cần số ngày không âm")
    _setup()
    from theodoi.jobs.housekeeping import cleanup

    outcome = cleanup(days=args.days)
    print(f"đã dừng {outcome.stale} công việc treo; xóa {outcome.files_removed} tệp và "
          f"{outcome.jobs_deleted} công việc cũ", file=sys.stdout)
    return 0
