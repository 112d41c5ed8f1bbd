"""Issue 11, item 9: failures logged to stderr without ID numbers; a dev .env cannot turn DEBUG on for a real key."""

import io
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from hungbinh.log import JsonFormatter, MaskIdNumbers, logging_config, mask_id_numbers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
NUMBER = "040190001234"


def test_twelve_digit_runs_are_masked_and_nothing_else():
    assert mask_id_numbers(f"id={NUMBER}, again:{NUMBER}.") == "id=********1234, again:********1234."
    assert mask_id_numbers("phone 0912345678, order 1234567890123, year 2025") == (
        "phone 0912345678, order 1234567890123, year 2025"
    )


def record(message, *args, exc=None):
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except type(exc):
            exc_info = sys.exc_info()
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, args, exc_info)


def test_the_filter_masks_the_message_its_arguments_and_the_traceback():
    entry = record("Internal Server Error: /households/?q=%s", NUMBER, exc=ValueError(f"duplicate {NUMBER}"))
    assert MaskIdNumbers().filter(entry)
    text = logging.Formatter("%(message)s").format(entry)
    assert NUMBER not in text
    assert "********1234" in text and "ValueError" in text


def test_json_lines_carry_level_logger_message_and_traceback():
    entry = record("boom %s", NUMBER, exc=RuntimeError(f"x {NUMBER}"))
    MaskIdNumbers().filter(entry)
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "django.request"
    assert data["message"] == "boom ********1234"
    assert "RuntimeError" in data["traceback"] and NUMBER not in line


def test_the_configuration_sends_errors_to_stderr_through_the_mask():
    config = logging_config(log_format="json")
    assert config["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    assert config["handlers"]["stderr"]["filters"] == ["mask_id_numbers"]
    assert config["loggers"]["django.request"]["level"] == "ERROR"


@pytest.mark.django_db
@pytest.mark.urls("tests.security.error_urls")
def test_a_failing_request_is_logged_to_stderr_masked(client, world, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(world.users["ward_officer_hb"])
    # The handler LOGGING set up on the root logger, writing to the process's stderr.
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.get("/fails/")
    finally:
        handler.setStream(previous)
    assert response.status_code == 500
    assert NUMBER not in response.content.decode()
    err = stream.getvalue()
    assert "Internal Server Error: /fails/" in err
    assert "RuntimeError: member ********1234 broke the page" in err
    assert NUMBER not in err


def run_settings(**env):
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "hungbinh.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def dev_env_turns_debug_on() -> bool:
    path = BASE_DIR / ".env"
    return path.is_file() and any(line.strip() in ("DEBUG=1", "DEBUG=True", "DEBUG=on") for line in path.open())


@pytest.mark.skipif(not dev_env_turns_debug_on(), reason="this checkout has no development .env (make venv writes it)")
def test_a_real_key_with_debug_from_the_dev_env_file_refuses_to_start():
    result = run_settings(SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and ".env" in result.stderr
    # Said in the environment itself, it is a deliberate choice, and starts; so does the dev key with the file.
    assert run_settings(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="1").returncode == 0
    assert run_settings().returncode == 0


@pytest.mark.django_db
@pytest.mark.urls("tests.security.error_urls")
def test_a_locked_sqlite_database_is_a_503_that_says_to_retry(client, world, settings):
    # Issue 11, item 4: a write lock held past the timeout is never a 500.
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/locked/")
    assert response.status_code == 503
    assert response["Retry-After"]
