"""Production settings from the environment: HTTPS, cookies, HSTS, proxy header, CSP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PRODUCTION": "1",
    "SECRET_KEY": "k" * 10 + "-Zq8#v2@Lm4!tR7$wX1^bN6&cJ9*hF3(pD5)sG0_yU-iO2+eA",
    "ALLOWED_HOSTS": "theodoi.example.gov.vn",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def manage(
    args: list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PRODUCTION", "SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT")}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "theodoi.settings",
                **extra_env})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_production_variables(tmp_path: Path) -> None:
    done = manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.slow
def test_check_deploy_warns_without_them(tmp_path: Path) -> None:
    done = manage(["check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012",
                    "security.W016"):
        assert warning in done.stdout + done.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    done = manage(["check"], env, tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured: PRODUCTION=1 cần biến môi trường SECRET_KEY" in done.stderr
    assert "requires the SECRET_KEY environment variable" in done.stderr


@pytest.mark.slow
def test_each_secure_setting_is_read_from_the_environment(tmp_path: Path) -> None:
    code = ("import sys; from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER, "
            "file=sys.stderr)")
    on = manage(["shell", "-c", code], PRODUCTION_ENV, tmp_path)
    assert on.stderr.split("\n")[0] == (
        "True True True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"), on.stdout
    off = manage(["shell", "-c", code], {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "0",
                                        "SECURE_HSTS_SECONDS": "60"}, tmp_path)
    assert off.stderr.split("\n")[0] == (
        "True True False 60 True True ('HTTP_X_FORWARDED_PROTO', 'https')"), off.stdout
    dev = manage(["shell", "-c", code], {}, tmp_path)
    assert dev.stderr.split("\n")[0] == "False False False 0 False False None", dev.stdout


def test_pages_send_a_content_security_policy_of_own_files_only(
        as_leader: Any, published_plan: Any) -> None:
    policy = as_leader.get(reverse("web:overview"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


TEMPLATES = [*(ROOT / "theodoi" / "templates").rglob("*.html"),
             *(ROOT / "theodoi").glob("*/templates/**/*.html")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# Documents that are not pages of the site: e-mails, and the report served as a standalone
# document (its view widens style-src for itself).
NOT_PAGES = {"reminder_body.html", "report.html"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_no_inline_script_or_style_element(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not HANDLER.search(text), "inline event handler: use a static script"
    if path.name not in NOT_PAGES:
        assert not STYLE_ELEMENT.search(text), "<style> element: move it to app.css"


def test_the_html_report_may_use_its_own_stylesheet_but_no_script(
        as_leader: Any, published_plan: Any) -> None:
    response = as_leader.get(reverse("outputs:report", args=[published_plan.pk, "html"]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self'" in policy
