"""A khối member on a phone sees only their khối (Debian's Chromium, driven by Playwright)."""

import re
from pathlib import Path

import pytest

from .chromium import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/khoi1-phone.png")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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
    page.get_by_test_id("menu-toggle").tap()
    menu = page.locator("#site-menu").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= PHONE["width"]
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_test_id("menu-toggle").tap()

    page.screenshot(path=str(SCREENSHOT), full_page=True)
