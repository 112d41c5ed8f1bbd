"""hungbinh/settings.py, loaded in a fresh interpreter with a controlled environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run(args, **env):
    """Run `python <args>` in the project with only the given settings variables."""
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "hungbinh.settings"}
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


SETUP = ["-c", "import django; django.setup()"]


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "django-insecure-+3x$e@placeholder-from-startproject",
        "dev-only-insecure-key-do-not-use-in-production-hungbinh",
    ],
    ids=["missing", "empty", "django-placeholder", "development-key"],
)
def test_debug_off_refuses_to_start_without_a_real_secret_key(secret):
    env = {"DEBUG": "0"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run(SETUP, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_starts_with_a_real_secret_key():
    result = run(SETUP, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_debug_on_starts_without_secret_key():
    result = run(SETUP, DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_with_production_values_has_no_warning():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_check_deploy_notices_an_insecure_setting():
    # The test above must be able to fail: turning HTTPS off makes check --deploy warn.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        SECURE_SSL_REDIRECT="0",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_sqlite_database_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    # The test database is in memory (no WAL there), so open a real file the
    # way the default configuration does.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(c.fetchone()[0])\n"
        "print(settings.DATABASES['default']['OPTIONS']['transaction_mode'])\n"
    )
    result = run(["-c", script], DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_database_url_selects_postgresql():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['ENGINE'])\n"
    )
    result = run(["-c", script], DEBUG="1", DATABASE_URL="postgres://someone@db.example:5432/hungbinh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_localisation_defaults(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
