"""The menu: a bar on a wide screen, ☰ on a phone (Esc and a tap outside close it), language inside, skip link."""

from pathlib import Path

import pytest

from ..factories import KhoiFactory, WardFactory, WardOfficerFactory
from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.fixture
def officer():
    ward = WardFactory(name="Hưng Bình")
    KhoiFactory(ward=ward, name="Khối 1")
    return WardOfficerFactory(username="canbo", first_name="Lan", last_name="Trần Thị", ward=ward)


def logged_in(browser, live_server, user, viewport, *, mobile=False):
    context = browser.new_context(
        viewport=viewport, locale="en-US", is_mobile=mobile, has_touch=mobile, device_scale_factor=2 if mobile else 1
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_wide_screen_shows_the_menu_as_a_bar_with_a_skip_link(browser, live_server, officer):
    page = logged_in(browser, live_server, officer, WIDE)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.is_visible()
    assert not page.get_by_test_id("menu-toggle").is_visible()
    links = nav.get_by_role("link").all_inner_texts()
    # The registry first; the other apps add their entries after it. No "API" for an officer.
    assert links[:2] == ["Tổng quan", "Hộ gia đình"]
    assert not any("API" in link for link in links)
    assert nav.get_by_role("link", name="Tổng quan").get_attribute("aria-current") == "page"
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.get_by_role("link", name="English").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "ux-nav-wide-vi.png"))

    # The first Tab reaches the skip link; it leads past the menu to the page's content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua menu, đến nội dung")
    assert skip.evaluate("a => a === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    nav.get_by_role("link", name="Hộ gia đình").click()
    page.wait_for_url("**/households/")
    assert nav.get_by_role("link", name="Hộ gia đình").get_attribute("aria-current") == "page"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/households/")
    assert page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Households").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "ux-nav-wide-en.png"))


def test_phone_menu_opens_on_tap_and_closes_on_escape_and_outside(browser, live_server, officer):
    page = logged_in(browser, live_server, officer, PHONE, mobile=True)
    toggle = page.get_by_test_id("menu-toggle")
    menu = page.locator("#site-menu")
    box = toggle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert not menu.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggle.tap()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    panel = menu.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"]
    for link in menu.get_by_role("link").all() + menu.get_by_role("button").all():
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "ux-nav-phone-open.png"))
    menu.get_by_role("link", name="Hộ gia đình").focus()
    page.keyboard.press("Escape")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.evaluate("b => b === document.activeElement")

    toggle.tap()
    page.locator("footer").tap()
    assert not menu.is_visible()
    assert page.url == f"{live_server.url}/"

    # The language is chosen inside the menu.
    toggle.tap()
    menu.get_by_role("link", name="English").tap()
    page.wait_for_url("**/en/")
    page.get_by_test_id("menu-toggle").tap()
    assert page.locator("#site-menu").get_by_role("link", name="Overview").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "ux-nav-phone-en.png"))
