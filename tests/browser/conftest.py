"""Debian's Chromium driven by Playwright, shared by the browser tests (never a downloaded browser)."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from .chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def chromium_args():
    """Chromium's command line; a module overrides this fixture to start it otherwise (e.g. --lang=en-US)."""
    return CHROMIUM_ARGS


@pytest.fixture
def browser(monkeypatch, chromium_args):
    """The system Chromium; skipped where it is missing, except in CI, where that fails."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would take
    # the test's own database calls for async code without this.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=chromium_args)
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright's event loop counts as running in this thread, Django's connections of the
            # thread are another set (asgiref's Local keeps an async context's apart), which nothing would
            # close afterwards: PostgreSQL then could not drop the test database at the end of the run.
            connections.close_all()


@pytest.fixture
def demo_data():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def campaign():
    """The demo's periodic review of autumn 2025 in Hưng Bình, half-way (reviews/demo.py)."""
    import importlib

    from django.apps import apps

    from reviews.models import Campaign

    # A transactional test starts from an emptied database: the standards as the migration loads them, then the demo.
    importlib.import_module("reviews.migrations.0002_standards").load(apps, None)
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    return Campaign.objects.get(ward__name="Hưng Bình", kind="periodic", year=2025)
