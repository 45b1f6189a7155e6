"""Settings come from the environment; the embedded default is SQLite under var/."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-that-is-long-and-random-enough-0123456789"


def _settings(env_overrides, expression):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(env_overrides)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_nothing_configured_runs_on_sqlite_under_var():
    result = _settings(
        {}, "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']"
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert str(ROOT / "var" / "portal.sqlite3") in result.stdout


def test_database_url_selects_postgresql():
    result = _settings(
        {"DATABASE_URL": "postgres://someone@db.example:5433/univ"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "settings.DATABASES['default']['PORT'], settings.DATABASES['default']['NAME']",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert "db.example" in result.stdout and "5433" in result.stdout and "univ" in result.stdout


def test_debug_off_without_secret_key_is_a_clear_startup_error():
    result = _settings({"DJANGO_DEBUG": "0"}, "settings.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def _example_secret_key():
    example = (ROOT / "deploy" / "portal.env.example").read_text()
    [line] = [line for line in example.splitlines() if line.startswith("DJANGO_SECRET_KEY=")]
    return line.partition("=")[2]


@pytest.mark.parametrize(
    "key, reason",
    [
        (_example_secret_key(), "it is a placeholder"),
        ("insecure-development-key-do-not-use-in-production", "it is a placeholder"),
        ("change-me-" + "q" * 50, "it is a placeholder"),
        ("django-insecure-" + "k3J9x-Qz7wLp2Rv8" * 3, "development key made by startproject"),
        ("Zq8-kW3pL9xR2vT7mN4b", "shorter than 50 characters"),  # 20 random characters
        ("x" * 50, "fewer than 5 different characters"),
        ("abab" * 20, "fewer than 5 different characters"),
    ],
    ids=["example file", "development key", "change-me", "startproject", "short", "one", "two"],
)
def test_debug_off_with_a_placeholder_or_weak_secret_key_is_a_clear_startup_error(key, reason):
    result = _settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": key}, "settings.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not a secret" in result.stderr and reason in result.stderr
    assert "set DJANGO_SECRET_KEY to a long random string" in result.stderr
    assert key not in result.stderr.replace("DJANGO_SECRET_KEY=", "")  # the key itself unsaid


def test_debug_on_keeps_working_with_the_example_files_key():
    result = _settings({"DJANGO_SECRET_KEY": _example_secret_key()}, "settings.DEBUG")
    assert result.returncode == 0, result.stderr


def test_debug_off_with_secret_key_and_hosts():
    result = _settings(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "portal.oshtu.kg,10.0.0.5",
        },
        "settings.DEBUG, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['portal.oshtu.kg', '10.0.0.5']"
