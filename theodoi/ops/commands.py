"""`theodoi backup DEST`, `theodoi restore SRC` (docs/operations.md)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser("backup", help="sao lưu cơ sở dữ liệu và các tệp tải lên")
    backup.add_argument("dest", type=Path, help="thư mục mới để ghi bản sao lưu")
    backup.set_defaults(handler=run_backup)
    restore = subparsers.add_parser("restore", help="phục hồi từ một bản sao lưu")
    restore.add_argument("src", type=Path, help="thư mục bản sao lưu")
    restore.add_argument("--yes", action="store_true",
                         help="không hỏi lại (dữ liệu hiện có bị thay thế)")
    restore.set_defaults(handler=run_restore)


def _setup() -> None:
    from theodoi.web.commands import setup_django

    setup_django()


def run_backup(args: argparse.Namespace) -> int:
    _setup()
    from theodoi.ops.backup import backup

    done = backup(args.dest)
    print(f"Đã sao lưu vào {args.dest}: cơ sở dữ liệu ({done.database}), {done.files} tệp.")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from theodoi.cli import UserError

    if not args.yes:
        raise UserError("Phục hồi thay thế toàn bộ dữ liệu hiện có: chạy lại với --yes.")
    _setup()
    from theodoi.web.commands import migrate

    migrate()
    from theodoi.ops.backup import restore

    done = restore(args.src)
    print(f"Đã phục hồi từ {args.src}: cơ sở dữ liệu ({done.database}), {done.files} tệp.")
    if done.left:
        print(f"{len(done.left)} tệp tải lên sau bản sao lưu vẫn còn trong thư mục tệp.")
    return 0
