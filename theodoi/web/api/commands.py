"""`theodoi api-token create|list|revoke`: keys to the HTTP API, shown once when created."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _user_error(message: str) -> Exception:
    from theodoi.cli import UserError

    return UserError(message)


def setup_django() -> None:
    """Configure Django with theodoi's settings unless it already is (as under pytest)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def register(subparsers: argparse._SubParsersAction) -> None:
    tokens = subparsers.add_parser(
        "api-token",
        help="mã truy cập API (tạo, liệt kê, thu hồi)",
        description="Mã truy cập API: gửi kèm tiêu đề 'Authorization: Bearer <mã>'.",
    )
    actions = tokens.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    create = actions.add_parser(
        "create", help="tạo mã cho một người dùng (mã chỉ hiện một lần)"
    )
    create.add_argument("username", metavar="USERNAME")
    create.add_argument("--name", default="", help="ghi chú, ví dụ tên phần mềm dùng mã")
    create.set_defaults(handler=run_create)

    listing = actions.add_parser("list", help="liệt kê các mã (không hiện mã)")
    listing.add_argument("username", nargs="?", metavar="USERNAME")
    listing.set_defaults(handler=run_list)

    revoke = actions.add_parser("revoke", help="thu hồi mã theo tiền tố (td_xxxxxxxx)")
    revoke.add_argument("prefix", metavar="PREFIX")
    revoke.set_defaults(handler=run_revoke)


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    try:
        return model.objects.get(**{model.USERNAME_FIELD: username})
    except model.DoesNotExist:
        raise _user_error(f"không có người dùng {username!r}") from None


def run_create(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.web.api.models import ApiToken

    user = _user(args.username)
    if not user.is_active:
        raise _user_error(f"người dùng {args.username!r} đã bị khóa")
    token, key = ApiToken.objects.issue(user, name=args.name)
    print(f"Mã truy cập API của {user.get_username()} ({token.prefix}…), chỉ hiện một lần:",
          file=sys.stderr)
    print(key)
    return 0


def run_list(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from theodoi.web.api.models import ApiToken

    tokens = ApiToken.objects.select_related("user")
    if args.username:
        tokens = tokens.filter(user=_user(args.username))
    for token in tokens:
        used = timezone.localtime(token.last_used_at).strftime("%d/%m/%Y %H:%M") \
            if token.last_used_at else "chưa dùng"
        state = "đã thu hồi" if token.is_revoked else "còn hiệu lực"
        print(f"{token.prefix}…\t{token.user.get_username()}\t{token.name or '-'}\t"
              f"{state}\t{used}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from theodoi.web.api.models import ApiToken

    prefix = args.prefix.rstrip("…").strip()
    matches = list(ApiToken.objects.active().filter(prefix__startswith=prefix)) if prefix else []
    if len(matches) != 1:
        found = "không có" if not matches else f"có {len(matches)}"
        raise _user_error(f"{found} mã còn hiệu lực bắt đầu bằng {prefix!r}")
    matches[0].revoke()
    print(f"Đã thu hồi {matches[0].prefix}… của {matches[0].user.get_username()}.",
          file=sys.stderr)
    return 0
