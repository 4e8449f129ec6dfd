"""`theodoi serve` and `theodoi demo-web`: the pages on http://127.0.0.1:8000."""

from __future__ import annotations

import argparse
import os

from theodoi.cli import UserError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="chạy trang web theo dõi (waitress)",
        description="Cập nhật cơ sở dữ liệu rồi phục vụ trang web theo dõi.",
    )
    _server_options(serve)
    serve.set_defaults(handler=run_serve)

    demo = subparsers.add_parser(
        "demo-web", help="nạp các kế hoạch mẫu, tạo tài khoản demo và chạy trang web",
        description="Nạp bốn kế hoạch mẫu (đã ban hành), tạo một tài khoản cho mỗi vai trò, "
        "thêm vài báo cáo rồi phục vụ trang web.",
    )
    _server_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="chỉ nạp dữ liệu, không chạy web")
    demo.set_defaults(handler=run_demo_web)


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"địa chỉ (mặc định {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"cổng (mặc định {DEFAULT_PORT})")
    parser.add_argument("--threads", type=int, default=8, help="số luồng phục vụ (mặc định 8)")


def setup_django() -> None:
    """Configure Django from theodoi.settings (or DJANGO_SETTINGS_MODULE)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def wsgi_app() -> object:
    """The Django application with its static files served by WhiteNoise (collected first)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    call_command("collectstatic", interactive=False, verbosity=0)
    return WhiteNoise(get_wsgi_application(), root=str(settings.STATIC_ROOT),
                      prefix=settings.STATIC_URL, max_age=3600)


def serve(host: str, port: int, threads: int) -> int:
    """Serve the pages with waitress until interrupted."""
    from waitress import create_server

    try:
        server = create_server(wsgi_app(), host=host, port=port, threads=threads,
                               channel_timeout=300)
    except OSError as exc:
        raise UserError(f"không mở được cổng {host}:{port}: {exc.strerror}") from None
    refresh_statuses()
    print(f"Trang web: http://{host}:{port}/  (Ctrl+C để dừng)", flush=True)
    try:
        server.run()
    finally:
        server.close()
    return 0


def run_serve(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    return serve(args.host, args.port, args.threads)


def refresh_statuses() -> None:
    """Bring stored states up to today (the daily job, run once when serving starts)."""
    from theodoi.tracking.services import statuses

    statuses.refresh_due()


def run_demo_web(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from theodoi.web import demo

    result = demo.load(log=print)
    refresh_statuses()
    print()
    print(demo.credentials_text(result))
    if args.no_serve:
        return 0
    print()
    return serve(args.host, args.port, args.threads)
