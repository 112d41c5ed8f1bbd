"""Debian's Chromium driven by Playwright, shared by the browser tests (never a downloaded browser)."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from .chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def chromium_args():
    """Chromium's command line; a module overrides this fixture (module scope) to start it otherwise
    (e.g. --lang=en-US)."""
    return CHROMIUM_ARGS


@pytest.fixture(scope="module")
def chromium(chromium_args):
    """The system Chromium, launched once per module (a launch took about a second of each test); skipped where
    it is missing, except in CI, where that fails. Tests take it through `browser`."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs an event loop in this thread; Django would take
        # the test's own database calls for async code without this.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=chromium_args)
            try:
                yield launched
            finally:
                launched.close()
                # While Playwright's event loop counts as running in this thread, Django's connections of the
                # thread are another set (asgiref's Local keeps an async context's apart), which nothing would
                # close afterwards: PostgreSQL then could not drop the test database at the end of the run.
                connections.close_all()


@pytest.fixture
def browser(chromium):
    """The module's Chromium for one test. A test opens its own contexts (their own cookies, storage and
    login), so it shares no state with the tests before it; any it leaves open are closed after it."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture(scope="session")
def demo_copy():
    """The database as the demo's seeding left it, copied the first time a browser test seeds the demo in a
    run on SQLite in memory (CI's browser pass): seeding took 3 s of CPU (10-30 s on the loaded machine) of each
    test that reads the demo, and each transactional test empties the database after it. Later tests get the
    copy written back into their emptied database, page for page what seeding wrote (the same rows and ids).
    Seeded again on another day (the demo's dates are the day's) and on PostgreSQL, which seeds every time."""
    copy = {}
    yield copy
    if copy:
        copy["database"].close()


def seed_demo(demo_copy) -> None:
    """The migration's standards, then the demo (households/demo.py), into a transactional test's database."""
    import importlib
    import sqlite3

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    connection = connections["default"]
    copyable = connection.vendor == "sqlite" and connection.is_in_memory_db()
    today = timezone.localdate()
    connection.ensure_connection()
    if copyable and demo_copy.get("day") == today:
        demo_copy["database"].backup(connection.connection)
        # The emptying of the database before made content types anew, with other ids than the copy's.
        ContentType.objects.clear_cache()
        return
    # A transactional test starts from an emptied database: the standards as the migration loads them, then the demo.
    importlib.import_module("reviews.migrations.0002_standards").load(apps, None)
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    if copyable:
        if demo_copy:
            demo_copy["database"].close()
        demo_copy["database"] = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(demo_copy["database"])
        demo_copy["day"] = today


@pytest.fixture
def demo_data(demo_copy):
    seed_demo(demo_copy)


@pytest.fixture
def campaign(demo_copy):
    """The demo's periodic review of autumn 2025 in Hưng Bình, half-way (reviews/demo.py)."""
    from reviews.models import Campaign

    seed_demo(demo_copy)
    return Campaign.objects.get(ward__name="Hưng Bình", kind="periodic", year=2025)
