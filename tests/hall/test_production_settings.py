"""Production settings: `check --deploy` clean with the documented environment, a real
secret required, and a Content-Security-Policy that allows only the hall's own files."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
EXAMPLE = ROOT / ".env.production.example"


def production_env(**overrides) -> dict[str, str]:
    """The environment of .env.production.example, with a random secret and the
    database left to the test run (check --deploy does not connect)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALL_"))}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = "sqlite:////tmp/hall-deploy-check.sqlite3"
    env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_MEDIA_ROOT"] = "/tmp/hall-deploy-check-media"
    env.update(overrides)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_production_example_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_check_deploy_would_catch_a_production_hall_without_https():
    """The test above can fail: the same check complains once HTTPS is switched off."""
    env = production_env(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "secret",
    ["", "short-secret", "django-insecure-" + "x" * 60, "a" * 60],
    ids=["missing", "short", "django-insecure", "one-character"],
)
def test_production_refuses_a_weak_or_missing_secret(secret):
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=secret))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_typo_in_debug_stops_the_process():
    result = manage("check", env=production_env(DJANGO_DEBUG="ture"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG='ture' is not a boolean" in result.stderr


def test_the_compose_file_runs_gunicorn_with_the_two_core_settings():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn config.wsgi:application -c config/gunicorn.py" in compose
    namespace: dict = {}
    exec((ROOT / "config" / "gunicorn.py").read_text(), namespace)  # noqa: S102
    # 2 × cores + 1 on the hall's 2-core servers, unless the environment says otherwise.
    if "GUNICORN_WORKERS" not in os.environ:
        assert namespace["workers"] == os.cpu_count() * 2 + 1
    assert namespace["threads"] >= 1 and namespace["timeout"] >= 30


# --- Content-Security-Policy -------------------------------------------------------


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_carry_a_policy_of_the_halls_own_files_only(client, clerk):
    pages = [(None, "/accounts/login/"), (None, "/guide/"), (clerk, "/cases/")]
    for user, url in pages:
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        policy = csp_of(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_only_the_admin_keeps_inline_styles_and_never_inline_script(client, admin_user):
    client.force_login(admin_user)
    policy = csp_of(client.get("/admin/"))
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


TEMPLATES = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def page_templates():
    """Templates a browser sees: not the PDFs' (WeasyPrint has no CSP) nor the admin's."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if "pdf" in relative or relative.startswith("admin/"):
            continue
        yield relative, path.read_text()


def test_no_page_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for name, text in page_templates():
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (STYLE_ATTRIBUTE, "style attribute"),
            (re.compile(r"<style", re.I), "<style> element"),
            (EVENT_HANDLER, "on… event handler"),
            (re.compile(r"hx-on|hx-vals=[\"']js:|javascript:", re.I), "script in an attribute"),
        ):
            if pattern.search(text):
                offenders.append(f"{name}: {what}")
    assert offenders == []


def test_the_lint_above_can_find_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert STYLE_ATTRIBUTE.search('<p style="color:red">')
    assert EVENT_HANDLER.search('<a onclick="x()">')


# --- Requests no person types ----------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_in_a_form_or_query_is_refused_before_any_view(client, inspector, hall):
    """PostgreSQL refuses NUL in text; no form should meet one (a 400, nothing saved)."""
    from complaints.models import Complaint

    before = Complaint.objects.count()
    response = client.post(
        "/complain/", {"content": "窗口态度\x00恶劣", "name": "张三", "phone": "13812345678"}
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert Complaint.objects.count() == before
    client.force_login(inspector)
    assert client.get("/cases/?q=%00").status_code == 400
    assert client.get("/cases/?q=x").status_code == 200


@pytest.mark.django_db
def test_error_pages_speak_chinese(client, clerk, hall):
    client.force_login(clerk)
    page = client.get("/cases/NO-SUCH-CASE/")
    assert page.status_code == 404
    assert "未找到" in page.content.decode() or "不存在" in page.content.decode()
    forbidden = client.get("/staff/visits/")
    assert forbidden.status_code == 403
    assert "无权" in forbidden.content.decode()
