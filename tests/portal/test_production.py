"""Production settings from the environment: `check --deploy` is clean, HTTPS is on by default
with DEBUG off, static files are collected and served by WhiteNoise, gunicorn reads its config."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-that-is-long-and-random-enough-0123456789"


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "portal.example.kg,testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "PORTAL_SECURITY_LOG": str(tmp_path / "log" / "security.log"),
            "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    env.update(extra)
    return env


def _run(args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _python(code, env):
    return _run([sys.executable, "-c", "import django; django.setup()\n" + code], env)


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_turned_off(tmp_path):
    # The same command notices a weaker setting: the check above is not a formality.
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path, DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_COOKIES="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_check_deploy_warns_behind_a_proxy_that_is_not_trusted(tmp_path):
    # Every client would be nginx's 127.0.0.1: one survey flood would hold back every respondent.
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path, PORTAL_TRUSTED_PROXIES=""),
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stderr and "PORTAL_TRUSTED_PROXIES" in result.stderr


_CLIENT_IP = (
    "from django.test import RequestFactory; from portal.security import client_ip\n"
    "for peer in ('198.51.100.7', '127.0.0.1'):\n"
    "    r = RequestFactory().get('/', REMOTE_ADDR=peer, HTTP_X_REAL_IP='203.0.113.9')\n"
    "    print(client_ip(r))"
)


def test_with_debug_off_forwarded_addresses_are_trusted_only_from_the_configured_proxies(
    tmp_path,
):
    nothing_configured = _production_env(tmp_path)
    del nothing_configured["PORTAL_TRUSTED_PROXIES"]
    result = _python(_CLIENT_IP, nothing_configured)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["198.51.100.7", "127.0.0.1"]
    result = _python(_CLIENT_IP, _production_env(tmp_path, PORTAL_TRUSTED_PROXIES="127.0.0.1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["198.51.100.7", "203.0.113.9"]


def test_a_trusted_proxy_that_is_not_an_address_is_a_clear_startup_error(tmp_path):
    result = _python("", _production_env(tmp_path, PORTAL_TRUSTED_PROXIES="127.0.0.1,nginx"))
    assert result.returncode != 0
    assert "PORTAL_TRUSTED_PROXIES: 'nginx' is not an address or a network" in result.stderr


def test_https_settings_are_on_by_default_with_debug_off(tmp_path):
    env = _production_env(tmp_path, DJANGO_CSRF_TRUSTED_ORIGINS="https://lms.example.kg")
    result = _python(
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, "
        "s.STORAGES['staticfiles']['BACKEND'], s.DATABASES['default']['ENGINE']]))",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        True,
        31536000,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        ["https://lms.example.kg"],
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.db.backends.sqlite3",
    ]


def test_hsts_seconds_and_proxy_come_from_the_environment(tmp_path):
    env = _production_env(tmp_path, DJANGO_SECURE_HSTS_SECONDS="3600", PORTAL_BEHIND_PROXY="0")
    result = _python(
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3600", "None"]


def test_the_embedded_default_keeps_debug_sqlite_and_plain_http():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = _python(
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.DATABASES['default']['ENGINE'], "
        "s.STORAGES['staticfiles']['BACKEND'])",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "False",
        "0",
        "False",
        "None",
        "django.db.backends.sqlite3",
        "django.contrib.staticfiles.storage.StaticFilesStorage",
    ]


def test_collectstatic_then_whitenoise_serves_hashed_files_with_a_long_cache(tmp_path):
    static_root = tmp_path / "static"
    env = _production_env(tmp_path, DJANGO_STATIC_ROOT=str(static_root))
    result = _run([sys.executable, "manage.py", "collectstatic", "--noinput"], env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in (
        "css/portal.css",
        "js/dashboard.js",
        "vendor/chartjs/chart.umd.min.js",
        "admin/css/base.css",
        "js/admin_export.js",
    ):
        assert name in manifest, name
    hashed = manifest["js/dashboard.js"]
    assert (static_root / (hashed + ".gz")).exists() and (static_root / (hashed + ".br")).exists()

    # The production WSGI stack (gunicorn loads the same) answers the hashed file itself, with a
    # year's cache, behind HTTPS; and the pages name the hashed files.
    result = _python(
        "from django.test import Client; import json\n"
        "c = Client()\n"
        f"r = c.get('/static/{hashed}', secure=True)\n"
        "page = c.get('/accounts/login/', secure=True)\n"
        "plain = c.get('/accounts/login/')\n"
        "print(json.dumps([r.status_code, r.headers.get('Cache-Control'), page.status_code,"
        " page.content.decode(), page.headers.get('Strict-Transport-Security'),"
        " plain.status_code, plain.headers.get('Location')]))",
        env,
    )
    assert result.returncode == 0, result.stderr
    status, cache, page_status, html, hsts, plain_status, location = json.loads(
        result.stdout.splitlines()[-1]
    )
    assert status == 200 and "max-age=315360000" in cache and "immutable" in cache
    assert page_status == 200
    assert f"/static/{manifest['css/portal.css']}" in html
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert plain_status == 301 and location == "https://testserver/accounts/login/"


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8123"
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert config["wsgi_app"] == "portal.wsgi:application"
    assert config["accesslog"] == "-" and config["timeout"] >= 30
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3


@pytest.mark.parametrize(
    "name",
    ["portal-web.service", "portal-worker.service", "nginx-portal.conf", "portal.env.example"],
)
def test_the_deploy_files_are_there(name):
    text = (ROOT / "deploy" / name).read_text()
    expected = {
        "portal-web.service": "gunicorn -c gunicorn.conf.py",
        "portal-worker.service": "manage.py rqworker default",
        "nginx-portal.conf": "proxy_set_header X-Forwarded-Proto $scheme;",
        "portal.env.example": "DJANGO_SECRET_KEY=",
    }[name]
    assert expected in text


def test_nginx_lets_an_upload_at_the_portals_cap_through(settings):
    import re

    text = (ROOT / "deploy" / "nginx-portal.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    cap = settings.PORTAL_UPLOAD_MAX_BYTES
    # Room for the multipart envelope around a file at the cap, not much more.
    assert cap < megabytes * 1024 * 1024 <= cap + 2 * 1024 * 1024
