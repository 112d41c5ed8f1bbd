"""A khối member on a phone sees only their khối (Debian's Chromium, driven by Playwright)."""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOT = Path("/tmp/khoi1-phone.png")


@pytest.fixture
def phone(monkeypatch):
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
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def demo_data():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


def test_khoi1_on_a_phone_sees_only_khoi_1(demo_data, live_server, phone):
    page = phone
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/"
    assert page.locator("h1").inner_text() == "Đăng nhập"

    page.fill("input[name=username]", "khoi1")
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.get_by_test_id("ward").count() == 1
    khois = page.get_by_test_id("khoi").all_inner_texts()
    assert len(khois) == 1
    assert re.match(r"Khối 1(?!\d)", khois[0].strip()), khois
    body = page.locator("main").inner_text()
    assert "Hưng Bình" in body
    assert "Khối 2" not in body
    assert "Quang Trung" not in body

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: page is {scroll_width}px wide"

    # The menu opens within the screen and offers logging out.
    page.click("summary")
    menu = page.locator(".menu .nav").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= PHONE["width"]
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("summary")

    page.screenshot(path=str(SCREENSHOT), full_page=True)
