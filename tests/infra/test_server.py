"""The production shape for real: gunicorn with several worker processes from
theodoi/gunicorn_conf.py, behind nginx running deploy/nginx.conf on loopback ports, a
Celery worker process reading imports queued through Redis."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.infra.conftest import (
    REDIS_URL,
    ROOT,
    bin_path,
    free_port,
    need,
    reachable,
    stop,
    wait_for_port,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

DEPLOY = ROOT / "deploy"


def environment(tmp: Path, **extra: str) -> dict[str, str]:
    """A production-like environment on a fresh SQLite file (no variable of the caller's)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "CELERY_", "REDIS_", "STORAGE_", "WEB_"))}
    env.update(DJANGO_SETTINGS_MODULE="theodoi.settings", VAR_DIR=str(tmp / "var"),
               STATIC_ROOT=str(tmp / "static"), DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
               ALLOWED_HOSTS="127.0.0.1,localhost", **extra)
    return env


def django_admin(env: dict[str, str], *args: str) -> None:
    out = subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]


CREATE_COORDINATOR = """
import django; django.setup()
from django.contrib.auth import get_user_model
from theodoi.tracking.models import UserProfile
user = get_user_model().objects.create_user("dieu-phoi", password="mat-khau-thu-nghiem-9")
UserProfile.objects.create(user=user, role="coordinator")
"""


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The production shape on loopback: gunicorn with two workers, a job worker process,
    Redis as cache and broker (a queue of this test's own), a SQLite file as database
    (migrated, with a coordinator) and the static files collected."""
    need(reachable(REDIS_URL, 6379), f"Redis is not running at {REDIS_URL}")
    tmp = tmp_path_factory.mktemp("server")
    port = free_port()
    env = environment(tmp, WEB_BIND=f"127.0.0.1:{port}", WEB_WORKERS="2",
                      WEB_ACCESS_LOG=str(tmp / "access.log"), REDIS_URL=REDIS_URL,
                      CACHE_KEY_PREFIX=f"server-test-{os.getpid()}",
                      CELERY_BROKER_URL=REDIS_URL, CELERY_QUEUE=f"server-test-{os.getpid()}")
    django_admin(env, "migrate", "--noinput", "-v", "0")
    django_admin(env, "collectstatic", "--noinput", "-v", "0")
    made = subprocess.run([sys.executable, "-c", CREATE_COORDINATOR], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr[-2000:]
    server = subprocess.Popen([bin_path("gunicorn"), "-c", "python:theodoi.gunicorn_conf"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(tmp / "gunicorn.log", "wb"))  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "theodoi.cli", "jobs", "worker", "--concurrency", "1",
         "--name", f"server-test-{os.getpid()}@localhost"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=open(tmp / "worker.log", "wb"))  # noqa: SIM115
    try:
        wait_for_port(port, server, seconds=60)
        yield {"port": port, "pid": server.pid, "tmp": tmp}
    finally:
        stop(worker)
        stop(server)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, redirects not followed, TLS not verified."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                         NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def eventually(check: Any, seconds: float = 30) -> Any:
    """The first true value `check()` returns within `seconds` (else the last one)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def access_log(gunicorn: dict[str, Any]) -> str:
    path = gunicorn["tmp"] / "access.log"
    return path.read_text() if path.exists() else ""


def test_gunicorn_runs_several_workers_and_serves_the_pages(gunicorn: dict[str, Any]) -> None:
    assert eventually(lambda: len(children(gunicorn["pid"])) == 2)  # WEB_WORKERS
    status, _, body = fetch(f"http://127.0.0.1:{gunicorn['port']}/login/")
    assert status == 200
    assert "Đăng nhập" in body.decode()


@pytest.fixture(scope="module")
def nginx(gunicorn: dict[str, Any]) -> Iterator[dict[str, int]]:
    """nginx with deploy/nginx.conf and deploy/theodoi-app.conf, rewritten only for loopback
    ports, a throwaway certificate and the test's folders."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    need(Path(binary).exists(), "nginx is not installed (apt-get install nginx-light)")
    tmp = gunicorn["tmp"] / "nginx"
    (tmp / "logs").mkdir(parents=True)
    http, https = free_port(), free_port()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True, timeout=60)
    app = (DEPLOY / "theodoi-app.conf").read_text()
    app = app.replace("/srv/theodoi/var/static/", f"{gunicorn['tmp'] / 'static'}/")
    (tmp / "theodoi-app.conf").write_text(app)
    site = (DEPLOY / "nginx.conf").read_text()
    for old, new in [("server 127.0.0.1:8001", f"server 127.0.0.1:{gunicorn['port']}"),
                     ("listen 80;", f"listen 127.0.0.1:{http};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
                     ("/etc/ssl/theodoi/fullchain.pem", str(tmp / "cert.pem")),
                     ("/etc/ssl/theodoi/privkey.pem", str(tmp / "key.pem")),
                     ("/etc/nginx/theodoi-app.conf", str(tmp / "theodoi-app.conf"))]:
        assert old in site or old in app, old
        site = site.replace(old, new)
    site = re.sub(r"^\s*listen \[::\]:\d+.*$", "", site, flags=re.MULTILINE)
    (tmp / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the test's folders
    (tmp / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'logs' / 'error.log'};
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / 'logs' / 'access.log'};
    client_body_temp_path {tmp / 'body'};
    proxy_temp_path {tmp / 'proxy'};
    fastcgi_temp_path {tmp / 'fastcgi'};
    uwsgi_temp_path {tmp / 'uwsgi'};
    scgi_temp_path {tmp / 'scgi'};
    include {tmp / 'site.conf'};
}}
""")
    check = subprocess.run([binary, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                           capture_output=True, text=True, timeout=30, check=False)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                               "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for_port(https, server)
        yield {"http": http, "https": https}
    finally:
        stop(server)


def test_nginx_sends_plain_http_to_https(nginx: dict[str, int]) -> None:
    status, headers, _ = fetch(f"http://127.0.0.1:{nginx['http']}/login/")
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_a_page_through_nginx_comes_from_gunicorn(
        nginx: dict[str, int], gunicorn: dict[str, Any]) -> None:
    before = access_log(gunicorn).count("/login/?via=nginx")
    status, _, body = fetch(f"https://127.0.0.1:{nginx['https']}/login/?via=nginx")
    assert status == 200
    assert "Đăng nhập" in body.decode()
    # gunicorn answered it
    assert eventually(lambda: access_log(gunicorn).count("/login/?via=nginx") == before + 1)


def test_nginx_serves_the_static_files_itself_and_never_the_uploads(
        nginx: dict[str, int], gunicorn: dict[str, Any]) -> None:
    static = gunicorn["tmp"] / "static"
    css = next(p for p in static.rglob("*.css") if "admin" not in p.parts)
    url = "/static/" + css.relative_to(static).as_posix()
    before = access_log(gunicorn).count(url)
    status, headers, body = fetch(f"https://127.0.0.1:{nginx['https']}{url}")
    assert status == 200
    assert body == css.read_bytes()
    assert "max-age=3600" in headers.get("Cache-Control", "")
    assert access_log(gunicorn).count(url) == before  # nginx answered, not gunicorn
    status, _, _ = fetch(f"https://127.0.0.1:{nginx['https']}/media/evidence/x.pdf")
    assert status == 404


class Browser:
    """Cookies and CSRF tokens across requests, as a browser keeps them (no redirects)."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def token(self, path: str) -> str:
        """The CSRF token of the form on page `path`."""
        _, _, body = self.open(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, body[:500]
        return match.group(1).decode()

    def open(self, path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.base + path, data=data, headers={  # noqa: S310
            "Referer": self.base + path, **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import urlencode

        fields = {"csrfmiddlewaretoken": self.token(path), **fields}
        return self.open(path, urlencode(fields).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path: str, field: str, name: str,
                  content: bytes) -> tuple[int, dict[str, str], bytes]:
        boundary = "theodoi-test-boundary"
        token = self.token(path)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n').encode()
        body += content + f"\r\n--{boundary}--\r\n".encode()
        return self.open(path, body,
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_an_upload_through_nginx_is_read_by_the_worker_process(
        nginx: dict[str, int], gunicorn: dict[str, Any]) -> None:
    from tests.conftest import seed_path

    browser = Browser(f"https://127.0.0.1:{nginx['https']}")
    status, headers, body = browser.post_form(
        "/login/", {"username": "dieu-phoi", "password": "mat-khau-thu-nghiem-9"})
    assert status == 302, body.decode()[:500]
    source = seed_path("004")
    status, headers, _ = browser.post_file("/plans/import/", "files", source.name,
                                           source.read_bytes())
    assert status == 302
    job_page = urllib.parse.urlsplit(headers["Location"]).path
    assert job_page.startswith("/imports/")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # as htmx polls, on whichever gunicorn worker
        status, headers, body = browser.open(job_page, headers={"HX-Request": "true"})
        assert status == 200, body[:300]
        if "HX-Redirect" in headers or b"hx-trigger" not in body:
            break
        time.sleep(0.5)
    logs = {name: (gunicorn["tmp"] / name).read_text(errors="replace")[-3000:]
            for name in ("gunicorn.log", "worker.log")}
    assert headers.get("HX-Redirect", "").endswith("/review/"), (body.decode()[:800], logs)
    status, _, body = browser.open(headers["HX-Redirect"])
    assert status == 200
    assert "Kiểm tra trước khi ban hành" in body.decode()
