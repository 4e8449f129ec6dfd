"""`theodoi report|letter|export|import|calendar|remind`: the documents from the shell."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from theodoi.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report", help="báo cáo định kỳ của một kế hoạch (DOCX, PDF)",
        description="Báo cáo tình hình thực hiện một kế hoạch tính đến một ngày.",
    )
    report.add_argument("plan", metavar="PLAN_ID", help="số hiệu kế hoạch trong hệ thống")
    report.add_argument("--as-of", metavar="NGÀY", help="tính đến ngày (mặc định: hôm nay)")
    report.add_argument("--format", metavar="ĐỊNH_DẠNG",
                        help="docx, pdf, html... (mặc định: theo đuôi tệp --out)")
    report.add_argument("--out", required=True, metavar="TỆP")
    report.set_defaults(handler=run_report)

    letter = subparsers.add_parser(
        "letter", help="văn bản đôn đốc một cơ quan (DOCX)",
        description="Văn bản đôn đốc các nhiệm vụ quá hạn, sắp đến hạn của một cơ quan.",
    )
    letter.add_argument("agency", nargs="?", metavar="AGENCY",
                        help="mã cơ quan (ví dụ bo-khcn) hoặc tên đầy đủ")
    letter.add_argument("--all", action="store_true",
                        help="mọi cơ quan có nhiệm vụ quá hạn, sắp đến hạn; --out là thư mục")
    letter.add_argument("--as-of", metavar="NGÀY", help="tính đến ngày (mặc định: hôm nay)")
    letter.add_argument("--out", required=True, metavar="TỆP")
    letter.set_defaults(handler=run_letter)

    export = subparsers.add_parser(
        "export", help="xuất nhiệm vụ, phân công, tình trạng ra Excel",
        description="Xuất nhiệm vụ của một kế hoạch ra Excel (mỗi mục một trang) để các cơ "
                    "quan điền tiến độ.",
    )
    export.add_argument("plan", metavar="PLAN_ID")
    export.add_argument("--agency", metavar="AGENCY", help="chỉ các dòng của cơ quan này")
    export.add_argument("--as-of", metavar="NGÀY", help="tình trạng tính đến ngày")
    export.add_argument("--out", required=True, metavar="TỆP.xlsx")
    export.set_defaults(handler=run_export)

    imported = subparsers.add_parser(
        "import", help="nhận tiến độ một cơ quan điền trong tệp Excel đã xuất",
        description="Đọc tệp Excel đã điền tiến độ; chỉ ghi nhận khi toàn bộ tệp hợp lệ.",
    )
    imported.add_argument("file", metavar="TỆP.xlsx")
    imported.add_argument("--user", required=True, metavar="USERNAME",
                          help="người báo cáo (tài khoản trong hệ thống)")
    imported.set_defaults(handler=run_import)

    calendar = subparsers.add_parser(
        "calendar", help="lịch thời hạn (iCalendar) của một cơ quan hoặc kế hoạch",
        description="Lịch thời hạn nhiệm vụ (.ics) để nhập hoặc đăng ký trong Outlook, "
                    "Google Calendar.",
    )
    which = calendar.add_mutually_exclusive_group(required=True)
    which.add_argument("--agency", metavar="AGENCY")
    which.add_argument("--plan", metavar="PLAN_ID")
    calendar.add_argument("--out", metavar="TỆP.ics", help="ghi lịch ra tệp")
    calendar.add_argument("--url", action="store_true",
                          help="in đường dẫn bí mật để đăng ký lịch (tạo khi chưa có)")
    calendar.add_argument("--rotate", action="store_true",
                          help="đổi đường dẫn bí mật (các đăng ký cũ ngừng hoạt động)")
    calendar.set_defaults(handler=run_calendar)

    remind = subparsers.add_parser(
        "remind", help="gửi thư nhắc việc cho các cơ quan (chạy theo lịch)",
        description="Gửi mỗi cơ quan thư tổng hợp nhiệm vụ quá hạn, sắp đến hạn; mỗi kỳ "
                    "(REMINDER_EVERY) chỉ gửi một lần.",
    )
    remind.add_argument("--dry-run", action="store_true", help="chỉ in, không gửi")
    remind.add_argument("--as-of", metavar="NGÀY", help="tính đến ngày (mặc định: hôm nay)")
    remind.add_argument("--agency", metavar="AGENCY", help="chỉ cơ quan này")
    remind.add_argument("--loop", type=int, metavar="GIÂY",
                        help="chạy lặp lại, nghỉ GIÂY giây giữa hai lần")
    remind.set_defaults(handler=run_remind)


# -- shared -----------------------------------------------------------------------------------


def setup_django() -> None:
    """Configure Django for a command (settings from theodoi.settings unless told otherwise)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    django.setup()


def parse_date(text: str | None) -> date:
    """A date given as 2024-06-30 or 30/06/2024 (today when None)."""
    if not text:
        from django.utils import timezone

        return timezone.localdate()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 — a date only
        except ValueError:
            continue
    raise UserError(f"ngày không hợp lệ «{text}»: dùng dạng 2024-06-30 hoặc 30/06/2024")


def get_plan(text: str) -> Any:
    from theodoi.tracking.models import Plan

    try:
        return Plan.objects.get(pk=int(text))
    except (ValueError, Plan.DoesNotExist):
        raise UserError(f"không có kế hoạch số {text}") from None


def get_agency(text: str) -> Any:
    from theodoi.outputs.digest import find_agency

    try:
        return find_agency(text)
    except LookupError as exc:
        raise UserError(str(exc)) from None


def write(path: str | Path, content: bytes) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise UserError(f"không ghi được {path}: {exc.strerror}") from None
    print(f"đã ghi {path}")


# -- handlers -----------------------------------------------------------------------------------


def run_report(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.outputs.registry import formats, render
    from theodoi.outputs.report import build_report

    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in formats("report"):
        raise UserError(f"định dạng «{fmt}» không có; chọn --format "
                        f"{'|'.join(formats('report'))}")
    plan = get_plan(args.plan)
    write(args.out, render("report", fmt, build_report(plan, parse_date(args.as_of))).content)
    return 0


def run_letter(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.outputs.letter import NothingToUrge, build_letter
    from theodoi.outputs.registry import render

    as_of = parse_date(args.as_of)
    if args.all == bool(args.agency):
        raise UserError("cho một cơ quan (AGENCY) hoặc --all")
    if args.agency:
        try:
            letter = build_letter(get_agency(args.agency), as_of)
        except NothingToUrge as exc:
            raise UserError(str(exc)) from None
        write(args.out, render("letter", "docx", letter).content)
        return 0
    from theodoi.tracking.models import Agency

    folder = Path(args.out)
    written = 0
    for agency in Agency.objects.filter(assignments__is_active=True).distinct():
        try:
            letter = build_letter(agency, as_of)
        except NothingToUrge:
            continue
        rendered = render("letter", "docx", letter)
        write(folder / rendered.filename, rendered.content)
        written += 1
    print(f"{written} văn bản đôn đốc")
    return 0


def run_export(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.outputs.excel import build_sheet
    from theodoi.outputs.registry import render

    plan = get_plan(args.plan)
    agency = get_agency(args.agency) if args.agency else None
    sheet = build_sheet(plan, parse_date(args.as_of), agency)
    if not sheet.row_count:
        raise UserError("không có phân công nào để xuất"
                        + (f" cho {agency.name}" if agency else ""))
    write(args.out, render("tasks", "xlsx", sheet).content)
    return 0


def run_import(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from theodoi.outputs.excel import import_progress

    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        raise UserError(f"không có tài khoản «{args.user}»")
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"không có tệp {path}")
    result = import_progress(path, user)
    if not result.ok:
        for error in result.errors:
            print(f"lỗi: {error}", file=sys.stderr)
        raise UserError(f"{path.name}: {len(result.errors)} lỗi; chưa ghi nhận dòng nào")
    print(f"đã ghi nhận {len(result.reports)} báo cáo tiến độ (chờ duyệt)")
    return 0


def run_calendar(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.outputs.ical import agency_calendar, feed_for, plan_calendar
    from theodoi.outputs.registry import render

    if not (args.out or args.url or args.rotate):
        raise UserError("cho --out TỆP.ics và/hoặc --url")
    agency = get_agency(args.agency) if args.agency else None
    plan = get_plan(args.plan) if args.plan else None
    if args.out:
        calendar = agency_calendar(agency) if agency else plan_calendar(plan)
        write(args.out, render("calendar", "ics", calendar).content)
    if args.url or args.rotate:
        from django.conf import settings
        from django.urls import NoReverseMatch, reverse

        feed = feed_for(agency=agency, plan=plan, rotate=args.rotate)
        try:
            path = reverse("outputs:calendar-feed", args=[feed.token])
        except NoReverseMatch:
            path = f"/documents/calendar/{feed.token}.ics"
        print(f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}")
    return 0


def run_remind(args: argparse.Namespace) -> int:
    setup_django()
    agencies = [get_agency(args.agency)] if args.agency else None
    fixed = parse_date(args.as_of) if args.as_of else None
    if args.loop is not None and args.loop <= 0:
        raise UserError("--loop cần số giây lớn hơn 0")

    def once() -> int:
        from theodoi.outputs.reminders import send_reminders

        outcome = send_reminders(fixed or parse_date(None), dry_run=args.dry_run,
                                 agencies=agencies, report=print)
        done = len(outcome.would_send) if args.dry_run else len(outcome.sent)
        verb = "sẽ gửi" if args.dry_run else "đã gửi"
        print(f"{verb} {done} thư; {len(outcome.already_sent)} thư đã gửi trong kỳ; "
              f"{len(outcome.failed)} lỗi")
        return 1 if outcome.failed else 0

    if args.loop is None:
        return once()
    return loop(once, args.loop)


def loop(job: Callable[[], int], seconds: int, sleep: Callable[[float], None] = time.sleep,
         times: int | None = None) -> int:
    """Run `job` every `seconds` (forever, or `times` times); the last exit code."""
    from django.db import close_old_connections

    code = 0
    count = 0
    while times is None or count < times:
        close_old_connections()  # a long-running loop must not keep a dead connection
        try:
            code = job()
        except Exception as exc:  # one failed run (database away, SMTP down) is not the last
            print(f"theodoi remind: {exc}", file=sys.stderr)
            code = 1
        count += 1
        if times is None or count < times:
            sleep(seconds)
    return code
